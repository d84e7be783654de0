//! The benchmark reference: the smallest Tauri v2 app that opens one window, built from the
//! same workspace, crate and release profile as Drivly Keys (`scripts/bench` compares the app
//! against it; see BENCHMARKS.md).
//!
//! It mirrors the app's start-up shape and nothing else: the window is declared hidden in its
//! config and shown from `setup` (as the app does), its page sets
//! `document.body.dataset.ready = "true"` after the first frame (the app's UI does the same
//! after its first render with data loaded), so both are timed by the same WebDriver poll.
//! `--hidden` keeps the window hidden, the reference for "closed to the tray" idle cost.
//! It has no plugins, no tray, no IPC commands and no state: the floor of our own stack.

use tauri::Manager;

fn main() {
    let hidden = std::env::args().skip(1).any(|a| a == "--hidden");
    let context = tauri::generate_context!();
    let result = tauri::Builder::default()
        .setup(move |app| {
            if !hidden && let Some(window) = app.get_webview_window("main") {
                window.show()?;
                window.set_focus()?;
            }
            Ok(())
        })
        .run(context);
    if let Err(error) = result {
        eprintln!("hello_window could not start: {error}");
        std::process::exit(1);
    }
}
