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
    /// A blocking task did not finish (the process is shutting down).
    #[error("the operation was interrupted; try again")]
    Interrupted,
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
