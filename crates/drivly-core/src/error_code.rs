//! The stable, machine-readable code every domain error carries.
//!
//! Errors are typed `thiserror` enums inside the core; at the edges (the desktop IPC boundary,
//! the CLI's `--json` output and exit codes) they become `{code, message}`. The code is a short
//! `snake_case` string the UI and scripts can branch on; the message is for people and never
//! contains a secret.

/// A domain error with a stable machine-readable code.
pub trait ErrorCode: std::error::Error {
    /// A short, stable `snake_case` identifier, for example `keyring_locked`.
    fn code(&self) -> &'static str;
}
