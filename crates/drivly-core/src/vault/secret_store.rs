//! The seam between the vault and a secret store: the OS keyring in the app and the CLI, an
//! in-memory store in tests.
//!
//! Invariants every implementation keeps:
//! - each call returns in bounded time (the keyring store runs calls on a worker thread under a
//!   timeout), with a distinct [`StoreError`] per cause;
//! - values of any length up to [`MAX_SECRET_BYTES`] round-trip exactly; a store whose items
//!   are smaller ([`SecretStore::max_item_size`]) splits values into chunks;
//! - no error carries secret bytes.

use crate::Code;
use std::fmt;
use std::time::Duration;

use serde::Serialize;
use zeroize::Zeroizing;

use super::EntryName;
use crate::ErrorCode;

/// The largest secret accepted, whatever the store: far above any real key or token, low
/// enough that a pasted file is refused rather than spread over hundreds of items.
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

/// Secret bytes read from a store: zeroized on drop, redacted in `Debug`.
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The bytes themselves; each call site is where the secret leaves its wrapper.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Appends `more`; callers reserve the capacity first so the buffer never reallocates.
    pub(crate) fn extend_within_capacity(&mut self, more: &[u8]) {
        self.0.extend_from_slice(more);
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretBytes({} bytes, {})",
            self.0.len(),
            crate::secret::REDACTED
        )
    }
}

/// What [`SecretStore::probe`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    /// A name for people ("Secret Service", "macOS Keychain", "in-memory test store").
    pub backend: String,
    /// True when values survive the process (false only for test stores).
    pub persistent: bool,
    /// True when the store can list this app's items (so orphans can be found).
    pub enumerable: bool,
}

/// Secret store errors. Messages say what to do next and never contain secret bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No keyring service is reachable (no Secret Service provider, no D-Bus session).
    #[error(
        "the system keyring is not available ({detail}); on Linux start a Secret Service provider such as gnome-keyring or KeePassXC in your desktop session"
    )]
    Unavailable {
        /// What the platform reported (never a secret).
        detail: String,
    },
    /// The keyring is locked and could not be unlocked without a prompt.
    #[error(
        "the system keyring is locked; unlock it (log in to your desktop session or open your keyring app) and retry"
    )]
    Locked,
    /// The keyring did not answer in time (often a locked keyring waiting on a prompt).
    #[error("the system keyring did not answer within {} s; unlock it or check that its service is running, then retry", .after.as_secs())]
    Timeout {
        /// How long we waited.
        after: Duration,
    },
    /// The entry is not in the keyring.
    #[error(
        "the secret is not in the system keyring (it may have been deleted outside Drivly Keys); enter it again or sign in again"
    )]
    Missing,
    /// The value is longer than the store accepts.
    #[error("the secret is {len} bytes, more than the {max} bytes the keyring accepts")]
    TooLong {
        /// The value's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A stored value is damaged (a chunk missing, a checksum mismatch).
    #[error("the secret stored in the keyring is damaged; remove it and enter it again")]
    Corrupt,
    /// Several keyring items match one entry.
    #[error(
        "the keyring holds several items for one secret; remove the duplicates with your keyring app"
    )]
    Ambiguous,
    /// The keyring crate would use its in-memory mock, or values do not persist.
    #[error(
        "no persistent system keyring is in use ({detail}); Drivly Keys refuses to keep secrets anywhere else"
    )]
    NotPlatformStore {
        /// Why the store was refused.
        detail: String,
    },
    /// The platform refused the request for another reason.
    #[error("the system keyring refused the request ({detail})")]
    Platform {
        /// What the platform reported (never a secret).
        detail: String,
    },
    /// The non-secret record beside the secret (the vault index) could not be read or
    /// written; `code` is the index error's own code (`index_io`, `index_locked`, …).
    #[error("{detail}")]
    Index {
        /// The index error's code.
        code: Code,
        /// Its message.
        detail: String,
    },
}

impl ErrorCode for StoreError {
    fn code(&self) -> Code {
        match self {
            Self::Unavailable { .. } => Code::KeyringUnavailable,
            Self::Locked => Code::KeyringLocked,
            Self::Timeout { .. } => Code::KeyringTimeout,
            Self::Missing => Code::SecretMissing,
            Self::TooLong { .. } => Code::SecretTooLong,
            Self::Corrupt => Code::SecretCorrupt,
            Self::Ambiguous => Code::KeyringAmbiguous,
            Self::NotPlatformStore { .. } => Code::KeyringNotPlatform,
            Self::Platform { .. } => Code::KeyringError,
            Self::Index { code, .. } => *code,
        }
    }
}

/// A store of secret values keyed by [`EntryName`]. Implementations are thread-safe; calls
/// block (call them from `spawn_blocking` in async code) but always return in bounded time.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// Stores `value` under `name`, replacing any previous value.
    fn set(&self, name: &EntryName, value: &[u8]) -> Result<(), StoreError>;

    /// Reads the value; [`StoreError::Missing`] when absent.
    fn get(&self, name: &EntryName) -> Result<SecretBytes, StoreError>;

    /// Removes the value (all its chunks); `Ok(false)` when there was none.
    fn delete(&self, name: &EntryName) -> Result<bool, StoreError>;

    /// Checks that the store works now (write, read back, delete) and describes it.
    fn probe(&self) -> Result<StoreInfo, StoreError>;

    /// This app's entries in the store, or `None` when the store cannot enumerate.
    fn list(&self) -> Result<Option<Vec<EntryName>>, StoreError>;

    /// The largest single item the store accepts; longer values are chunked.
    fn max_item_size(&self) -> usize;
}
