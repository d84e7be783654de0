//! The main window's page across a close to the tray (`page_memory`, `main_window`).

use tauri::{AppHandle, Runtime};

use crate::page_memory::{PageRecall, UiSnapshot};
use crate::state::AppState;

/// The page's answer to `SaveAndClose`: its state is kept for the next page and the window
/// goes (unless it was shown again meanwhile, in which case it stays and nothing is kept).
#[tauri::command]
pub fn close_window<R: Runtime>(
    app: AppHandle<R>,
    state: tauri::State<'_, AppState>,
    snapshot: UiSnapshot,
) {
    if state.page_memory.page_saved(snapshot) {
        crate::main_window::close_now(&app);
    }
}

/// A page booted: the last page's state (if the window closed to the tray since) and the
/// requests made while no page was there. From now on it gets requests as events.
#[tauri::command]
pub fn recall_page(state: tauri::State<'_, AppState>) -> PageRecall {
    state.page_memory.page_booted()
}
