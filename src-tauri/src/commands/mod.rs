//! IPC commands: thin adapters that take state, call the core, and map errors to [`IpcError`].
//!
//! Every command listed here must also be listed in `build.rs` (`AppManifest::commands`) and in
//! `permissions/app-commands.toml`; nothing returns a secret except the explicit reveal.
//!
//! [`IpcError`]: crate::ipc_error::IpcError

pub mod app_info;
