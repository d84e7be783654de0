//! Where the local servers get their tokens.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use drivly_core::secret::Jwt;
use drivly_core::{Code, ErrorCode};

/// A JWT and when it expires (on the server's word).
#[derive(Debug, Clone)]
pub struct FreshJwt {
    /// The token.
    pub jwt: Jwt,
    /// Its expiry.
    pub expires: DateTime<Utc>,
}

/// Why a source has no token to give: the failing layer's code and message (never a secret).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    /// The underlying error's code (`sign_in_needed`, `network_error`, …).
    pub code: Code,
    /// Its message.
    pub message: String,
}

impl SourceError {
    /// From any coded error.
    pub fn from_error(error: &impl ErrorCode) -> Self {
        Self {
            code: error.code(),
            message: error.to_string(),
        }
    }

    /// True when only a new sign-in (or a valid key) can help: the local servers answer 401.
    pub fn needs_credentials(&self) -> bool {
        matches!(
            self.code,
            Code::SignInNeeded
                | Code::NotSignedIn
                | Code::SessionSignedOut
                | Code::RefreshTokenNotSaved
                | Code::Unauthorized
        )
    }
}

impl ErrorCode for SourceError {
    fn code(&self) -> Code {
        self.code
    }
}

/// The future a [`TokenSource`] returns.
pub type SourceFuture<'a> =
    Pin<Box<dyn Future<Output = Result<FreshJwt, SourceError>> + Send + 'a>>;

/// Hands out a JWT with at least `min_ttl` left (the refresh policy's default when `None`).
/// Implementations keep their current token and only go to the server when it would not last:
/// the servers call this once per request.
pub trait TokenSource: Send + Sync + std::fmt::Debug {
    /// A fresh token.
    fn fresh(&self, min_ttl: Option<Duration>) -> SourceFuture<'_>;
}
