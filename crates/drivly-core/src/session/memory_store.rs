//! An in-memory [`SessionStore`], for tests and for runs where secrets must not outlive the
//! process. Shared between several refreshers (it is `Clone`, and clones share one map), it
//! stands in for the keyring that two processes would share.
//!
//! It can be told to fail writes, to test what the refresher does when the keyring is locked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::model::{SessionId, SessionMeta};
use super::ports::{SessionStore, SharedJwt, StoreError};
use crate::secret::{RefreshToken, SecretString};

#[derive(Debug, Default)]
struct Entries {
    refresh_tokens: HashMap<SessionId, RefreshToken>,
    // Kept encoded, as a keyring would keep it, so the encoding is exercised too.
    shared_jwts: HashMap<SessionId, SecretString>,
    records: HashMap<SessionId, SessionMeta>,
}

/// An in-memory session store; clones share the same entries.
#[derive(Debug, Clone, Default)]
pub struct MemorySessionStore {
    entries: Arc<Mutex<Entries>>,
    fail_writes: Arc<AtomicBool>,
}

impl MemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// While on, every write answers [`StoreError::Locked`].
    pub fn fail_writes(&self, enabled: bool) {
        self.fail_writes.store(enabled, Ordering::SeqCst);
    }

    /// The last record saved for `id`.
    pub fn record(&self, id: &SessionId) -> Option<SessionMeta> {
        self.lock().records.get(id).cloned()
    }

    /// True when the store holds any secret for `id`.
    pub fn has_secrets(&self, id: &SessionId) -> bool {
        let entries = self.lock();
        entries.refresh_tokens.contains_key(id) || entries.shared_jwts.contains_key(id)
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // A panic elsewhere cannot leave the maps half-updated: each write is one insert.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        if self.fail_writes.load(Ordering::SeqCst) {
            Err(StoreError::Locked)
        } else {
            Ok(())
        }
    }
}

impl SessionStore for MemorySessionStore {
    fn refresh_token(&self, id: &SessionId) -> Result<Option<RefreshToken>, StoreError> {
        Ok(self.lock().refresh_tokens.get(id).cloned())
    }

    fn put_refresh_token(&self, id: &SessionId, token: &RefreshToken) -> Result<(), StoreError> {
        self.check_writable()?;
        self.lock().refresh_tokens.insert(id.clone(), token.clone());
        Ok(())
    }

    fn shared_jwt(&self, id: &SessionId) -> Result<Option<SharedJwt>, StoreError> {
        Ok(self.lock().shared_jwts.get(id).and_then(SharedJwt::decode))
    }

    fn put_shared_jwt(&self, id: &SessionId, jwt: &SharedJwt) -> Result<(), StoreError> {
        self.check_writable()?;
        self.lock().shared_jwts.insert(id.clone(), jwt.encode());
        Ok(())
    }

    fn delete_secrets(&self, id: &SessionId) -> Result<(), StoreError> {
        self.check_writable()?;
        let mut entries = self.lock();
        entries.refresh_tokens.remove(id);
        entries.shared_jwts.remove(id);
        Ok(())
    }

    fn save_record(&self, meta: &SessionMeta) -> Result<(), StoreError> {
        let mut entries = self.lock();
        // As the vault: the record keeps its own label.
        let label = match entries.records.get(&meta.id) {
            Some(kept) => kept.label.clone(),
            None => meta.label.clone(),
        };
        entries.records.insert(
            meta.id.clone(),
            SessionMeta {
                label,
                ..meta.clone()
            },
        );
        Ok(())
    }

    fn set_label(&self, id: &SessionId, label: Option<&str>) -> Result<(), StoreError> {
        self.check_writable()?;
        if let Some(record) = self.lock().records.get_mut(id) {
            record.label = label.map(str::to_owned);
        }
        Ok(())
    }

    fn records(&self) -> Result<Vec<SessionMeta>, StoreError> {
        Ok(self.lock().records.values().cloned().collect())
    }

    fn remove_record(&self, id: &SessionId) -> Result<(), StoreError> {
        self.check_writable()?;
        self.lock().records.remove(id);
        Ok(())
    }

    fn has_record(&self, id: &SessionId) -> Result<bool, StoreError> {
        Ok(self.lock().records.contains_key(id))
    }

    // Every refresh asks this under the store's one lock; the trait's default clones all the
    // records to find one, which made a refresh cost grow with the number of sessions and
    // serialised thousands of refreshes behind that lock (issue #18).
    fn refresh_token_unusable(&self, id: &SessionId) -> Result<bool, StoreError> {
        Ok(self
            .lock()
            .records
            .get(id)
            .is_some_and(|m| m.refresh_token_unusable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileId;

    #[test]
    fn the_dead_token_mark_is_read_from_that_sessions_record_alone() {
        let store = MemorySessionStore::new();
        let profile = ProfileId::parse("emulator").unwrap_or_else(|e| panic!("{e}"));
        let meta = |unusable| SessionMeta {
            refresh_token_unusable: unusable,
            ..SessionMeta::new(
                SessionId::new_random(),
                profile.clone(),
                None,
                Vec::new(),
                chrono::Utc::now(),
            )
        };
        let (dead, alive) = (meta(true), meta(false));
        for m in [&dead, &alive] {
            store.save_record(m).unwrap_or_else(|e| panic!("{e}"));
        }
        let unusable = |id| {
            store
                .refresh_token_unusable(id)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(unusable(&dead.id));
        assert!(!unusable(&alive.id));
        assert!(
            !unusable(&SessionId::new_random()),
            "an unknown session has no mark"
        );
    }
}
