//! Vault errors: keyring failures, index file failures and rule violations, each with a stable
//! code. None of them carries a secret.

use crate::Code;
use uuid::Uuid;

use super::secret_store::StoreError;
use crate::ErrorCode;
use crate::app_paths::AppPathsError;
use crate::durable_file::DurableFileError;

/// The longest label accepted, in characters.
pub const MAX_LABEL_CHARS: usize = 64;
/// The longest note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// Vault errors.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The secret store failed (unavailable, locked, timeout, missing, too long, …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index file could not be read or written.
    #[error("the vault index could not be saved or read: {0}")]
    Index(#[from] DurableFileError),
    /// The vault's folder could not be created.
    #[error(transparent)]
    Paths(#[from] AppPathsError),
    /// The label is empty, too long or has control characters.
    #[error("a label must be 1 to {MAX_LABEL_CHARS} printable characters")]
    InvalidLabel,
    /// Another key of the same profile has that label.
    #[error("the profile '{profile}' already has a key labelled '{label}'; choose another label")]
    DuplicateLabel {
        /// The label.
        label: String,
        /// The profile.
        profile: String,
    },
    /// The note is too long.
    #[error("a note must be at most {MAX_NOTE_CHARS} characters")]
    InvalidNote,
    /// An empty secret was given.
    #[error("the secret is empty; paste the whole value")]
    EmptySecret,
    /// No API key has that id (or it is being removed).
    #[error("no stored API key with id {0}")]
    ApiKeyNotFound(Uuid),
    /// No session has that id.
    #[error("no stored session with id {0}")]
    SessionNotFound(Uuid),
    /// A stored API key or token is not text.
    #[error("the value stored in the keyring for {0} is not text; remove it and enter it again")]
    NotText(String),
}

impl ErrorCode for VaultError {
    fn code(&self) -> Code {
        match self {
            Self::Store(e) => e.code(),
            Self::Index(DurableFileError::Io { .. }) => Code::IndexIo,
            Self::Index(DurableFileError::Locked { .. }) => Code::IndexLocked,
            Self::Index(DurableFileError::Encode { .. }) => Code::IndexEncode,
            Self::Paths(e) => e.code(),
            Self::InvalidLabel => Code::InvalidLabel,
            Self::DuplicateLabel { .. } => Code::LabelExists,
            Self::InvalidNote => Code::InvalidNote,
            Self::EmptySecret => Code::EmptySecret,
            Self::ApiKeyNotFound(_) => Code::ApiKeyNotFound,
            Self::SessionNotFound(_) => Code::SessionNotFound,
            Self::NotText(_) => Code::SecretCorrupt,
        }
    }
}

/// Trims and checks a label.
pub(crate) fn validate_label(label: &str) -> Result<String, VaultError> {
    let label = label.trim();
    let chars = label.chars().count();
    if chars == 0 || chars > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(VaultError::InvalidLabel);
    }
    Ok(label.to_owned())
}

/// Trims and checks a note; an empty note is no note.
pub(crate) fn validate_note(note: Option<String>) -> Result<Option<String>, VaultError> {
    let Some(note) = note else { return Ok(None) };
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(VaultError::InvalidNote);
    }
    Ok((!note.is_empty()).then(|| note.to_owned()))
}
