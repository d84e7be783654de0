//! What starting a local server can fail with.

use drivly_core::{Code, ErrorCode};

/// A local server could not start. Holds no secret.
#[derive(Debug, thiserror::Error)]
pub enum LocalApiError {
    /// The port could not be bound (in use, or not allowed).
    #[error("could not listen on 127.0.0.1:{port} ({detail}); choose another port")]
    Bind {
        /// The port asked for (0 = any).
        port: u16,
        /// The operating system's reason.
        detail: String,
    },
    /// The profile's base URL cannot be proxied (it has no host).
    #[error("the profile's base URL cannot be proxied: {0}")]
    Upstream(String),
    /// The HTTP client could not be set up.
    #[error("could not set up the HTTP client ({0})")]
    Client(String),
}

impl ErrorCode for LocalApiError {
    fn code(&self) -> Code {
        match self {
            Self::Bind { .. } => Code::LocalServerBindFailed,
            Self::Upstream(_) => Code::InvalidUrl,
            Self::Client(_) => Code::ClientSetupFailed,
        }
    }
}
