//! The errors a session hands to its callers (the desktop shell, the CLI).
//!
//! Each variant is one thing the caller does differently; every message says what to do next
//! and holds no secret (token values never reach an error: only codes and server messages,
//! which the HTTP client scrubs).

use crate::Code;
use chrono::{DateTime, Utc};

use super::lock::LockError;
use super::ports::StoreError;
use crate::ErrorCode;

/// The code of [`SessionError::RefreshTokenNotSaved`] (also a `needs_sign_in` reason code).
pub const REFRESH_TOKEN_NOT_SAVED: &str = Code::RefreshTokenNotSaved.as_str();
/// The code of [`SessionError::TokenAlreadyExpired`] (also a `retrying` error code).
pub const TOKEN_ALREADY_EXPIRED: &str = Code::TokenAlreadyExpired.as_str();

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The session was signed out (here or in another process).
    #[error("this session was signed out; sign in again to get tokens")]
    SignedOut,
    /// The refresh token is dead: the user must sign in again.
    #[error("the session has ended ({message}); sign in again")]
    NeedsSignIn {
        /// The server's explanation.
        message: String,
    },
    /// The server rotated the refresh token and the new one could not be saved, so the stored
    /// one is dead; it is never sent (a replay would make the server end the session).
    #[error(
        "this session's newest refresh token could not be saved to the keyring, so the stored one is no longer valid; sign in again"
    )]
    RefreshTokenNotSaved,
    /// The server issued a token that is already expired (a lifetime of zero or less, as the
    /// server itself stated it). Not retried at once: the server or its clock needs fixing.
    #[error(
        "the server issued a token that is already expired (lifetime {lifetime_secs} s); check the server's settings or clock, then try again"
    )]
    TokenAlreadyExpired {
        /// The lifetime the server stated, in seconds.
        lifetime_secs: i64,
    },
    /// No usable token: the last refresh failed and the next attempt is scheduled.
    #[error(
        "could not get a fresh token ({message}); retrying automatically at {next_attempt}, or try again later"
    )]
    RefreshFailed {
        /// The underlying error's code.
        code: Code,
        /// The underlying error's message.
        message: String,
        /// When the refresher tries again.
        next_attempt: DateTime<Utc>,
    },
    /// The server issues tokens that live shorter than the caller asked for.
    /// A token endpoint does not exist on the server: the profile must change (the message
    /// names the URL and where to change it). Background refreshes stop until then.
    #[error("{message}")]
    NeedsSetup {
        /// The underlying code (`endpoint_not_found`).
        code: Code,
        /// What was not found and where to change it.
        message: String,
    },
    #[error(
        "the server's tokens live {lifetime_secs} s, less than the {min_ttl_secs} s asked for; ask for less time left"
    )]
    LifetimeTooShort {
        /// The time left the caller asked for.
        min_ttl_secs: i64,
        /// The fresh token's lifetime.
        lifetime_secs: i64,
    },
    /// The cross-process lock failed.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The secret store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The refresher task is gone (the app is shutting down).
    #[error("the session refresher has stopped; restart the app")]
    Stopped,
}

impl ErrorCode for SessionError {
    fn code(&self) -> Code {
        match self {
            Self::SignedOut => Code::SessionSignedOut,
            Self::NeedsSignIn { .. } => Code::SignInNeeded,
            Self::RefreshTokenNotSaved => Code::RefreshTokenNotSaved,
            Self::TokenAlreadyExpired { .. } => Code::TokenAlreadyExpired,
            Self::RefreshFailed { .. } => Code::RefreshFailed,
            Self::NeedsSetup { code, .. } => *code,
            Self::LifetimeTooShort { .. } => Code::TokenLifetimeTooShort,
            Self::Lock(e) => e.code(),
            Self::Store(e) => e.code(),
            Self::Stopped => Code::RefresherStopped,
        }
    }
}
