//! An in-memory [`SecretStore`] for tests of the vault, the CLI and the app shell.
//!
//! It never persists anything and says so in [`SecretStore::probe`]; production code opens a
//! [`super::KeyringStore`] instead. It can imitate a small per-item limit (Windows: 2,560 bytes)
//! to exercise chunking, and inject faults (locked, unavailable, timeout, too long) into the
//! next calls. Cloning shares the same contents, which lets a test "restart" a vault.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::EntryName;
use super::chunked::{self, ItemIo};
use super::secret_store::{SecretBytes, SecretStore, StoreError, StoreInfo};

/// A fault to inject into the next store call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFault {
    /// [`StoreError::Locked`].
    Locked,
    /// [`StoreError::Unavailable`].
    Unavailable,
    /// [`StoreError::Timeout`].
    Timeout,
    /// [`StoreError::TooLong`].
    TooLong,
    /// The write happens but the call reports [`StoreError::Timeout`], like a keyring call
    /// that completed after its caller gave up.
    TimeoutAfterWrite,
}

#[derive(Debug, Default)]
struct Inner {
    items: BTreeMap<String, SecretBytes>,
    faults: VecDeque<StoreFault>,
}

/// An in-memory secret store; see the module docs.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
    max_item: usize,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// A store without an item limit.
    pub fn new() -> Self {
        Self::with_max_item_size(usize::MAX)
    }

    /// A store refusing single items over `max_item` bytes (values are chunked to fit).
    pub fn with_max_item_size(max_item: usize) -> Self {
        Self {
            inner: Arc::default(),
            max_item,
        }
    }

    /// Makes the next calls fail with `faults`, in order (one fault per call).
    pub fn inject(&self, faults: &[StoreFault]) {
        self.lock().faults.extend(faults.iter().copied());
    }

    /// The raw item names (`user` fields), for tests that check chunking and cleanup.
    pub fn item_names(&self) -> Vec<String> {
        self.lock().items.keys().cloned().collect()
    }

    /// The size of each raw item.
    pub fn item_sizes(&self) -> Vec<usize> {
        self.lock().items.values().map(SecretBytes::len).collect()
    }

    /// Removes a raw item behind the vault's back (to simulate a user deleting it).
    pub fn remove_raw(&self, user: &str) -> bool {
        self.lock().items.remove(user).is_some()
    }

    /// Writes a raw item behind the vault's back (to simulate an orphan).
    pub fn put_raw(&self, user: &str, value: &[u8]) {
        self.lock()
            .items
            .insert(user.to_owned(), SecretBytes::new(value.to_vec()));
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the next fault, turning it into an error unless it lets the write through.
    fn next_fault(&self) -> Result<Option<StoreFault>, StoreError> {
        match self.lock().faults.pop_front() {
            None => Ok(None),
            Some(StoreFault::Locked) => Err(StoreError::Locked),
            Some(StoreFault::Unavailable) => Err(StoreError::Unavailable {
                detail: "test store made unavailable".into(),
            }),
            Some(StoreFault::Timeout) => Err(StoreError::Timeout {
                after: Duration::from_secs(10),
            }),
            Some(StoreFault::TooLong) => Err(StoreError::TooLong { len: 0, max: 0 }),
            Some(f @ StoreFault::TimeoutAfterWrite) => Ok(Some(f)),
        }
    }
}

impl ItemIo for MemoryStore {
    fn put(&self, user: &str, bytes: &[u8]) -> Result<(), StoreError> {
        if bytes.len() > self.max_item {
            return Err(StoreError::TooLong {
                len: bytes.len(),
                max: self.max_item,
            });
        }
        self.lock()
            .items
            .insert(user.to_owned(), SecretBytes::new(bytes.to_vec()));
        Ok(())
    }

    fn fetch(&self, user: &str) -> Result<Option<SecretBytes>, StoreError> {
        Ok(self.lock().items.get(user).cloned())
    }

    fn remove(&self, user: &str) -> Result<bool, StoreError> {
        Ok(self.lock().items.remove(user).is_some())
    }
}

impl SecretStore for MemoryStore {
    fn set(&self, name: &EntryName, value: &[u8]) -> Result<(), StoreError> {
        let fault = self.next_fault()?;
        chunked::write(self, &name.user(), value, self.max_item)?;
        match fault {
            Some(StoreFault::TimeoutAfterWrite) => Err(StoreError::Timeout {
                after: Duration::from_secs(10),
            }),
            _ => Ok(()),
        }
    }

    fn get(&self, name: &EntryName) -> Result<SecretBytes, StoreError> {
        self.next_fault()?;
        chunked::read(self, &name.user())
    }

    fn delete(&self, name: &EntryName) -> Result<bool, StoreError> {
        self.next_fault()?;
        chunked::delete(self, &name.user())
    }

    fn probe(&self) -> Result<StoreInfo, StoreError> {
        self.next_fault()?;
        Ok(StoreInfo {
            backend: "in-memory test store".into(),
            persistent: false,
            enumerable: true,
        })
    }

    fn list(&self) -> Result<Option<Vec<EntryName>>, StoreError> {
        self.next_fault()?;
        let mut names: Vec<EntryName> = self
            .lock()
            .items
            .keys()
            .filter_map(|u| EntryName::parse_user(u))
            .collect();
        names.dedup();
        Ok(Some(names))
    }

    fn max_item_size(&self) -> usize {
        self.max_item
    }
}
