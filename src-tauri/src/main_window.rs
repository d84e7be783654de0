//! The main window: made when it is first shown, and destroyed with its webview when it closes
//! to the tray. A tray app then runs without any WebKit renderer: the refreshers, the tray, the
//! clipboard and notifications all live in Rust (issue #18; BENCHMARKS.md has the memory this
//! saves). The page's screen and unsaved form text survive the round trip (`page_memory`).
//! Its settings are the config's `main` window, which `create: false` keeps Tauri from making
//! at start.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewWindow};

use crate::events::{BackendEvent, EVENT_CHANNEL, UiRequest};
use crate::page_memory::CloseStart;
use crate::state::AppState;

/// The window's label, in the config and everywhere else.
pub const LABEL: &str = "main";

/// How long a closing window waits for its page's state before it goes anyway (a page busy in
/// a long script must not keep the window on screen).
const SAVE_DEADLINE: Duration = Duration::from_millis(1500);

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
    if let Some(state) = app.try_state::<AppState>() {
        state.page_memory.page_gone();
    }
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
    if let Some(state) = app.try_state::<AppState>() {
        state.page_memory.cancel_close();
    }
    if let Some(window) = get_or_create(app) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Sends `request` to the page, or keeps it for the page being made (a window just created
/// has no page listening yet).
pub fn deliver<R: Runtime>(app: &AppHandle<R>, request: UiRequest) {
    let request = match app.try_state::<AppState>() {
        Some(state) => state.page_memory.deliver(request),
        None => Some(request),
    };
    if let Some(request) = request {
        let _ = app.emit(EVENT_CHANNEL, &BackendEvent::UiRequest { request });
    }
}

/// The user closed the window and the app stays in the tray: the page is asked for its state
/// first (it answers with `close_window`, which calls [`close_now`]). Returns `true` when the
/// close must wait for that answer.
pub fn close_to_tray<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> bool {
    match state.page_memory.start_close() {
        CloseStart::CloseNow => {
            state.page_memory.page_gone();
            told_once(app, state);
            false
        }
        CloseStart::AskPage { generation } => {
            let _ = app.emit(
                EVENT_CHANNEL,
                &BackendEvent::UiRequest {
                    request: UiRequest::SaveAndClose,
                },
            );
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(SAVE_DEADLINE).await;
                let Some(state) = app.try_state::<AppState>() else {
                    return;
                };
                if state.page_memory.deadline_passed(generation) {
                    tracing::warn!("the page did not answer in time; the window closes anyway");
                    close_now(&app);
                }
            });
            true
        }
    }
}

/// Destroys the window and its webview (no close request: the page has had its say).
pub fn close_now<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(LABEL) else {
        return;
    };
    if let Some(state) = app.try_state::<AppState>() {
        state.page_memory.page_gone();
        told_once(app, &state);
    }
    if let Err(error) = window.destroy() {
        tracing::warn!(%error, "the main window could not be destroyed; hiding it");
        let _ = window.hide();
    }
}

/// The first close to the tray says where the app went.
fn told_once<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    let marker = state.paths.data_dir().join("tray-hint-shown");
    if !marker.exists() {
        let _ = std::fs::write(&marker, b"");
        crate::notify(
            app,
            "Drivly Keys is still running",
            "Sessions stay fresh in the tray. Quit from the tray menu.",
        );
    }
}
