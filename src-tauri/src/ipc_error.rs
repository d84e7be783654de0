//! The one error shape that crosses IPC: `{code, message}`.
//!
//! Inside, errors are typed (`thiserror`) and carry a stable code through
//! [`drivly_core::ErrorCode`]; here they are flattened for the UI, which branches on `code` and
//! shows `message`. Messages never contain secrets (the core guarantees it for its errors; the
//! shell's own errors are written with the same rule).

use drivly_core::Code;
use serde::Serialize;
use ts_rs::TS;

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(rename = "BackendError")]
pub struct IpcError {
    /// Stable machine-readable code, for example `keyring_locked`: one of [`Code`].
    pub code: Code,
    /// What happened and what to do next, for people.
    pub message: String,
}

impl IpcError {
    /// An error with a code of the shell's own.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl<E: drivly_core::ErrorCode> From<E> for IpcError {
    fn from(error: E) -> Self {
        Self {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// The result type of every command.
pub type IpcResult<T> = Result<T, IpcError>;
