//! Drivly Keys desktop shell.
//!
//! The shell is thin on purpose: plugin wiring, IPC commands that adapt the core, the tray and
//! events. All domain logic lives in `drivly-core`, which knows nothing of Tauri; the boundary
//! is a crate boundary.
//!
//! [`build_app`] takes any [`tauri::Runtime`], so shell tests run the real command set on
//! Tauri's mock runtime (`tauri::test::mock_builder`).

pub mod clipboard;
pub mod commands;
pub mod desktop_entry;
pub mod ipc_error;
pub mod state;

use drivly_core::profile::Profile;
use tauri::{Manager, Runtime};

/// Registers plugins, state and commands on `builder`.
///
/// The single-instance plugin must be the first plugin: a second launch (for example the OS
/// delivering a sign-in redirect) is forwarded to the running instance before anything else
/// starts.
pub fn build_app<R: Runtime>(builder: tauri::Builder<R>, state: state::AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::app_info::app_info])
}

/// Runs the desktop app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DRIVLY_KEYS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            // Deep links in `_argv` reach the deep-link plugin through the `deep-link` feature;
            // here the running window only comes forward. Never log argv: it may hold a code.
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                window.show()?;
            }
            Ok(())
        });
    let state = state::AppState::new(Profile::drivly());
    if let Err(error) = build_app(builder, state).run(tauri::generate_context!("../tauri.conf.json")) {
        tracing::error!(%error, "Drivly Keys stopped with an error");
        std::process::exit(1);
    }
}
