//! The tray icon: "Copy fresh JWT" for each session, "Open Drivly Keys" and "Quit". Closing the
//! window keeps the app (and its refreshers) running here.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

const TRAY_ID: &str = "drivly-keys";

/// Shows the main window.
pub fn show_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

async fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    let state = app.state::<AppState>();
    if let Ok(hub) = state.sessions().await {
        let views = hub.views().await;
        for view in &views {
            let profile = state
                .profiles
                .get(&view.meta.profile_id)
                .map(|p| p.name)
                .unwrap_or_else(|_| view.meta.profile_id.to_string());
            let who = view
                .meta
                .subject
                .clone()
                .unwrap_or_else(|| "session".into());
            let label = format!("Copy fresh JWT \u{2014} {profile} ({who})");
            menu.append(&MenuItem::with_id(
                app,
                format!("copy:{}", view.meta.id.as_str()),
                label,
                true,
                None::<&str>,
            )?)?;
        }
        if !views.is_empty() {
            menu.append(&PredefinedMenuItem::separator(app)?)?;
        }
    }
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open Drivly Keys",
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

/// Creates the tray icon.
pub async fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    // The menu is built before the (non-Send) builder exists, so this future stays Send.
    let menu = menu(app).await?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Drivly Keys")
        .menu(&menu)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

/// Rebuilds the menu after sessions changed.
pub async fn refresh<R: Runtime>(app: &AppHandle<R>) {
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), menu(app).await) {
        let _ = tray.set_menu(Some(menu));
    }
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        "open" => show_window(app),
        "quit" => crate::quit(app),
        other => {
            if let Some(session_id) = other.strip_prefix("copy:") {
                let app = app.clone();
                let session_id = session_id.to_owned();
                tauri::async_runtime::spawn(async move { copy_fresh(&app, &session_id).await });
            }
        }
    }
}

async fn copy_fresh<R: Runtime>(app: &AppHandle<R>, session_id: &str) {
    let state = app.state::<AppState>();
    let result = match state.sessions().await {
        Ok(hub) => hub.token(session_id, None).await,
        Err(error) => Err(error),
    };
    let body =
        match result.and_then(|jwt| crate::commands::copy_secret(&state, jwt.expose_secret())) {
            Ok(copied) => match copied.clears_in_seconds() {
                Some(seconds) => format!("Fresh JWT copied \u{2014} clears in {seconds} s."),
                None => "Fresh JWT copied.".to_owned(),
            },
            Err(error) => format!("Could not copy a fresh JWT: {}", error.message),
        };
    crate::notify(app, "Drivly Keys", &body);
}
