//! The optional desktop-wide shortcut that copies a fresh JWT of the active profile's session
//! (Settings; off by default). The plugin is added only when a shortcut is first turned on: on
//! X11 its listener polls the display every 50 ms for the process's life, a cost a tray app
//! should pay only for a feature the user asked for (BENCHMARKS.md, idle wake-ups).
//!
//! On Wayland a program cannot take a desktop-wide key; X11 grabs reach it only while an
//! XWayland window has focus. Settings says so.

use drivly_core::Code;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, GlobalShortcutExt, ShortcutState};

use crate::ipc_error::{IpcError, IpcResult};

/// Swaps the registered shortcut from `old` to `new` (canonical spellings, `None` for off).
/// The new one is taken first, so a refusal leaves the old one working.
pub fn switch<R: Runtime>(
    app: &AppHandle<R>,
    old: Option<&str>,
    new: Option<&str>,
) -> IpcResult<()> {
    if old == new {
        return Ok(());
    }
    if let Some(new) = new {
        ensure_listener(app)?;
        app.global_shortcut()
            .register(new)
            .map_err(|error| refused(new, &error.to_string()))?;
    }
    if let Some(old) = old
        && app.try_state::<GlobalShortcut<R>>().is_some()
    {
        // Best effort: a shortcut the desktop already dropped needs no release.
        let _ = app.global_shortcut().unregister(old);
    }
    Ok(())
}

/// Takes the saved shortcut at start; a refusal is told in a notification (the app still
/// starts, and Settings can choose another).
pub fn register_saved<R: Runtime>(app: &AppHandle<R>, saved: Option<&str>) {
    let Some(saved) = saved else { return };
    if let Err(error) = switch(app, None, Some(saved)) {
        tracing::warn!(code = %error.code, "the saved global shortcut was refused");
        crate::notify(
            app,
            "Drivly Keys: global shortcut unavailable",
            &format!("{} Choose another in Settings.", error.message),
        );
    }
}

/// Adds the plugin (once) with the handler that copies on each press.
fn ensure_listener<R: Runtime>(app: &AppHandle<R>) -> IpcResult<()> {
    if app.try_state::<GlobalShortcut<R>>().is_some() {
        return Ok(());
    }
    let plugin = tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    crate::quick_copy::copy_active(&app).await;
                });
            }
        })
        .build();
    app.plugin(plugin).map_err(|error| {
        IpcError::new(
            Code::ShortcutUnavailable,
            format!("global shortcuts are not available on this desktop ({error})"),
        )
    })
}

/// The message for a shortcut the desktop would not give us.
fn refused(shortcut: &str, reason: &str) -> IpcError {
    let why = if reason.contains("already registered") || reason.contains("AlreadyRegistered") {
        "another program already uses it".to_owned()
    } else {
        reason.to_owned()
    };
    IpcError::new(
        Code::ShortcutUnavailable,
        format!("the desktop refused the shortcut {shortcut}: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_combination_is_refused_in_words_with_its_code() {
        // global-hotkey's wording for a key another X client grabbed first.
        let taken = refused("Ctrl+Alt+J", "HotKey already registered: HotKey { .. }");
        assert_eq!(taken.code, Code::ShortcutUnavailable);
        assert_eq!(
            taken.message,
            "the desktop refused the shortcut Ctrl+Alt+J: another program already uses it"
        );
        let other = refused("Ctrl+Alt+J", "Failed to register hotkey: BadAccess");
        assert_eq!(other.code, Code::ShortcutUnavailable);
        assert!(other.message.ends_with("BadAccess"), "{}", other.message);
    }
}
