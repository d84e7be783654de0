//! The main window, made when it is first shown. An app started minimised to the tray (the
//! "Launch minimised" setting, or a desktop session restoring it) then runs without any WebKit
//! process until the user opens it: the refreshers, the tray, the clipboard and notifications
//! all live in Rust (issue #18; BENCHMARKS.md has the memory this saves). Its settings are the
//! config's `main` window, which `create: false` keeps Tauri from making at start.

use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

/// The window's label, in the config and everywhere else.
pub const LABEL: &str = "main";

/// The main window, made from the config first when it does not exist yet.
pub fn get_or_create<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    if let Some(window) = app.get_webview_window(LABEL) {
        return Some(window);
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == LABEL)?
        .clone();
    match tauri::WebviewWindowBuilder::from_config(app, &config).and_then(|b| b.build()) {
        Ok(window) => Some(window),
        Err(error) => {
            tracing::error!(%error, "the main window could not be made");
            None
        }
    }
}

/// Shows the main window (making it first when needed) and brings it forward.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = get_or_create(app) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
