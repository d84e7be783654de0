//! IPC commands: thin adapters that take state, call the core, and map errors to [`IpcError`].
//!
//! A new command goes into the table in `command_list.rs` (which registers it, lets the webview
//! call it, and exports its types to the UI) and into `permissions/app-commands.toml` (the build
//! fails until it is); nothing returns a secret except the explicit reveal.

pub mod app_info;
pub mod clipboard_jwt;
pub mod connection;
pub mod inspect;
pub mod keys;
pub mod link_handler;
pub mod local_proxy;
pub mod mint;
pub mod profiles;
pub mod sessions;
pub mod try_it;
pub mod window;

use serde::Serialize;
use ts_rs::TS;

use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// What a copy did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CopyResult {
    /// Seconds until the clipboard is cleared; `None` when clearing is off.
    clears_in_seconds: Option<u64>,
}

impl CopyResult {
    /// Seconds until the clipboard is cleared, when it will be.
    pub fn clears_in_seconds(&self) -> Option<u64> {
        self.clears_in_seconds
    }
}

/// Copies a secret through the clipboard guard with the configured clear delay.
pub fn copy_secret(state: &AppState, secret: &str) -> IpcResult<CopyResult> {
    let delay = state.clipboard_delay();
    state
        .clipboard
        .copy(secret, delay)
        .map_err(IpcError::from)?;
    Ok(CopyResult {
        clears_in_seconds: delay.map(|d| d.as_secs()),
    })
}

/// Copies text that is not a secret (a local URL, a command line): no clearing, so it stays
/// for the user to paste later.
pub fn copy_text(state: &AppState, text: &str) -> IpcResult<CopyResult> {
    state.clipboard.copy(text, None).map_err(IpcError::from)?;
    Ok(CopyResult {
        clears_in_seconds: None,
    })
}
