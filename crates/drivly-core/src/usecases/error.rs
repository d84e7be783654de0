//! Why a use case failed: one error type for the use cases that reach several parts of the
//! core (vault, server, sessions, input rules). Every variant keeps the code of the error it
//! wraps, so the app's `{code, message}` and the CLI's exit codes see the original code.

use crate::Code;
use crate::ErrorCode;
use crate::client::ClientError;
use crate::key_input::KeyInputError;
use crate::permissions::PermissionError;
use crate::profile::store::ConfigError;
use crate::session::{SessionError, StoreError};
use crate::vault::VaultError;

/// A use case's failure. Messages say what to do next and never hold a secret.
#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// The vault (keyring or index) failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The server could not be reached or refused.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A session operation failed.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The session store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Pasted text is not an API key.
    #[error(transparent)]
    KeyInput(#[from] KeyInputError),
    /// A permission is malformed.
    #[error(transparent)]
    Permission(#[from] PermissionError),
    /// The profile is unknown or the config unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No session has that id (any more).
    #[error("that session no longer exists; refresh the list")]
    SessionNotFound,
    /// No stored key has that id (any more).
    #[error("that key no longer exists; refresh the list")]
    KeyNotFound,
    /// A mint without permissions.
    #[error("pick at least one permission: a token that can call nothing is of no use")]
    NoPermissions,
    /// A mint whose expiry has passed.
    #[error("the expiry has passed; choose a time in the future")]
    ExpiryPassed,
    /// Another session of the profile has that label.
    #[error("another session of this profile is already called '{label}'; choose another name")]
    SessionLabelTaken {
        /// The label.
        label: String,
    },
    /// A built-in profile's base URL cannot change.
    #[error(
        "the built-in profile '{profile}' always points at its own server; add a profile for another URL"
    )]
    UrlFixed {
        /// The profile's name.
        profile: String,
    },
    /// The base URL would change under stored credentials, which would then be sent there.
    #[error(
        "'{profile}' holds {keys} API key(s) and {sessions} session(s), which would be sent to the new URL; add a profile for the other server, or remove them first"
    )]
    ProfileInUse {
        /// The profile's name.
        profile: String,
        /// Its stored API keys.
        keys: usize,
        /// Its signed-in sessions.
        sessions: usize,
    },
    /// A blocking task did not finish (the process is shutting down).
    #[error("the operation was interrupted; try again")]
    Interrupted,
    /// Removing the profile would delete what it holds, and that was not confirmed.
    #[error(
        "'{profile}' holds {keys} API key(s) and {sessions} session(s); removing it signs the sessions out and deletes the keys from this computer, so confirm first"
    )]
    ProfileNotEmpty {
        /// The profile's name.
        profile: String,
        /// Its stored API keys.
        keys: usize,
        /// Its signed-in sessions.
        sessions: usize,
    },
}

impl ErrorCode for UseCaseError {
    fn code(&self) -> Code {
        match self {
            Self::Vault(e) => e.code(),
            Self::Client(e) => e.code(),
            Self::Session(e) => e.code(),
            Self::Store(e) => e.code(),
            Self::KeyInput(e) => e.code(),
            Self::Permission(e) => e.code(),
            Self::Config(e) => e.code(),
            Self::SessionNotFound => Code::SessionNotFound,
            Self::KeyNotFound => Code::KeyNotFound,
            Self::NoPermissions => Code::NoPermissions,
            Self::ExpiryPassed => Code::InvalidExpiry,
            Self::Interrupted => Code::Interrupted,
            Self::UrlFixed { .. } => Code::ProfileUrlFixed,
            Self::ProfileInUse { .. } => Code::ProfileInUse,
            Self::ProfileNotEmpty { .. } => Code::ProfileNotEmpty,
            Self::SessionLabelTaken { .. } => Code::LabelExists,
        }
    }
}

/// Runs a blocking vault or keyring call off the async threads.
pub(crate) async fn blocking<T, E>(
    call: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, UseCaseError>
where
    T: Send + 'static,
    E: Into<UseCaseError> + Send + 'static,
{
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(UseCaseError::Interrupted),
    }
}
