//! The window's menu bar: every screen, the quick palette, a fresh JWT and quitting, with the
//! same shortcuts the page knows (Ctrl+1…5, Ctrl+K, Ctrl+, and Ctrl+Q). GTK gives a menu's
//! accelerators the key before the page, so a shortcut works the same whether the page has
//! focus or not; the page's own handlers stay for the platforms without a menu bar.
//!
//! A menu item that concerns the page is sent to it as a [`UiRequest`]; quitting and copying
//! happen in Rust.

use tauri::menu::{AboutMetadata, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::{ScreenId, UiRequest};

/// Every item's id starts with this (the tray's items have their own ids).
const PREFIX: &str = "app-menu:";

/// The screens in sidebar order, with their menu labels (Ctrl+1…5).
const SCREENS: [(ScreenId, &str); 5] = [
    (ScreenId::Keys, "Keys"),
    (ScreenId::Sessions, "Sessions"),
    (ScreenId::Mint, "Mint"),
    (ScreenId::Inspect, "Inspect"),
    (ScreenId::Settings, "Settings"),
];

/// Builds the menu bar.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |id: &str, label: &str, accelerator: Option<&str>| {
        MenuItem::with_id(app, format!("{PREFIX}{id}"), label, true, accelerator)
    };
    let file = Submenu::with_items(
        app,
        "&File",
        true,
        &[
            &item("copy-active", "Copy Fresh JWT", Some("CmdOrCtrl+Shift+J"))?,
            &item("palette", "Quick Palette…", Some("CmdOrCtrl+K"))?,
            &PredefinedMenuItem::separator(app)?,
            &item("preferences", "Preferences", Some("CmdOrCtrl+Comma"))?,
            &PredefinedMenuItem::separator(app)?,
            // Not the predefined item: GTK has none, and closing must take the app's own way
            // (to the tray, or quit without one).
            &item("close", "Close Window", Some("CmdOrCtrl+W"))?,
            &item("quit", "Quit", Some("CmdOrCtrl+Q"))?,
        ],
    )?;
    let go = Submenu::with_id(app, format!("{PREFIX}go"), "&Go", true)?;
    for (n, (screen, label)) in SCREENS.iter().enumerate() {
        go.append(&item(
            &format!("screen:{}", screen.as_str()),
            label,
            Some(&format!("CmdOrCtrl+{}", n + 1)),
        )?)?;
    }
    let about = AboutMetadata {
        name: Some("Drivly Keys".into()),
        version: Some(env!("CARGO_PKG_VERSION").into()),
        comments: Some("Drivly API keys, sign-in and always-fresh JWTs.".into()),
        license: Some(env!("CARGO_PKG_LICENSE").into()),
        ..AboutMetadata::default()
    };
    let help = Submenu::with_items(
        app,
        "&Help",
        true,
        &[&PredefinedMenuItem::about(
            app,
            Some("About Drivly Keys"),
            Some(about),
        )?],
    )?;
    Menu::with_items(app, &[&file, &go, &help])
}

/// Acts on a menu item of ours (other menus' events are ignored).
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: &MenuEvent) {
    let Some(id) = event.id().as_ref().strip_prefix(PREFIX) else {
        return;
    };
    let request = match id {
        "quit" => return crate::quit(app),
        "copy-active" => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { crate::quick_copy::copy_active(&app).await });
            return;
        }
        "close" => {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.close();
            }
            return;
        }
        "palette" => UiRequest::Palette,
        "preferences" => UiRequest::Screen {
            screen: ScreenId::Settings,
        },
        other => match other
            .strip_prefix("screen:")
            .and_then(|name| SCREENS.iter().find(|(s, _)| s.as_str() == name))
        {
            Some((screen, _)) => UiRequest::Screen { screen: *screen },
            None => return,
        },
    };
    crate::main_window::deliver(app, request);
}
