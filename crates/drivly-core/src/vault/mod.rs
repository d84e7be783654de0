//! The credential vault: API keys and session secrets live only in the OS keyring; their
//! non-secret metadata lives in a durable index beside the config.
//!
//! Parts:
//! - [`SecretStore`]: the store seam; [`KeyringStore`] (the OS keyring, refusing the keyring
//!   crate's mock, calls bounded by a timeout) and [`MemoryStore`] (tests);
//! - chunking for stores with small items (Windows' 2,560-byte limit);
//! - [`Vault`]: journaled add/remove over index and store, and the reconcile at open
//!   ([`ReconcileReport`]).
//!
//! Invariants: no plaintext fallback ever; an unreadable index never touches the keyring;
//! every case where index and keyring disagree is fixed or reported.

mod chunked;
mod entry_name;
mod error;
mod handle;
mod index;
mod keyring_store;
mod memory_store;
mod orphans;
mod reconcile;
#[cfg(target_os = "linux")]
mod secret_service_search;
mod secret_store;
mod sessions;
#[cfg(target_os = "linux")]
mod shared_connection;

pub use entry_name::{EntryKind, EntryName};
pub(crate) use error::validate_label;
pub use error::{MAX_LABEL_CHARS, MAX_NOTE_CHARS, VaultError};
pub use handle::Vault;
pub use index::{
    ApiKeyMeta, INDEX_SCHEMA_VERSION, JournalState, MINT_HISTORY_LIMIT, MintRecord, SessionRecord,
};
pub use keyring_store::{
    DEFAULT_SERVICE, DEFAULT_TIMEOUT, EntryFactory, KeyringOptions, KeyringStore, SERVICE_ENV,
    check_platform_store,
};
pub use memory_store::{MemoryStore, StoreFault};
pub use orphans::{ORPHAN_GRACE, Orphan, OrphanReport};
pub use reconcile::{OrphanScan, ReconcileAction, ReconcileItem, ReconcileReport, ReportedError};
pub use secret_store::{MAX_SECRET_BYTES, SecretBytes, SecretStore, StoreError, StoreInfo};
