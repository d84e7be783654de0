//! The pending deep-link sign-in, kept in the keyring so that an app launched by the browser's
//! redirect after the user quit the one that started the sign-in can still finish it (a
//! cold-start sign-in, issue #17).
//!
//! One slot: the app runs one sign-in at a time. The record (state, PKCE verifier, profile,
//! issuer, permissions, times) is a secret: it lives only in the [`SecretStore`] (the Secret
//! Service), never on disk in the clear, and its bytes are zeroized after use. It is consumed
//! once ([`PendingSignInStore::take`] deletes it), removed on completion or cancel
//! ([`PendingSignInStore::clear`]), and never handed back after its 10-minute expiry (an expired
//! record found by `take` is deleted). Only deep-link sign-ins are kept: a loopback sign-in's
//! listener dies with the app, so there is nothing to come back to.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::clock::Clock;
use crate::profile::Profile;
use crate::secret::PkceVerifier;
use crate::vault::{EntryKind, EntryName, SecretStore, StoreError};

/// The fixed keyring name of the one pending sign-in slot.
const SLOT: Uuid = Uuid::from_u128(0x6472_6976_6c79_4b65_7973_5369_676e_496e);

/// A pending sign-in as it is kept across a restart. Debug shows no secret.
pub struct PersistedSignIn {
    /// The `state` sent to the server.
    pub state: String,
    /// The PKCE verifier.
    pub verifier: PkceVerifier,
    /// The private-use scheme the redirect comes back to.
    pub scheme: String,
    /// The permissions requested.
    pub permissions: Vec<String>,
    /// The profile as it was when the sign-in started (its base URL is the expected issuer;
    /// the code exchange uses its paths). Not a secret.
    pub profile: Profile,
    /// When the sign-in started.
    pub created: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires: DateTime<Utc>,
}

impl fmt::Debug for PersistedSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersistedSignIn")
            .field("profile_id", &self.profile.id)
            .field("scheme", &self.scheme)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// The stored encoding (private: the secret record itself never implements Serialize).
#[derive(Serialize, Deserialize)]
struct Wire {
    v: u8,
    state: String,
    verifier: String,
    scheme: String,
    permissions: Vec<String>,
    profile: Profile,
    created: DateTime<Utc>,
    expires: DateTime<Utc>,
}

/// The format [`Wire`] is written in. Version 1 kept only the profile's id, base URL and
/// form; such a record is not read (the user starts the sign-in again), since the code
/// exchange must use the profile as it was at start.
const WIRE_VERSION: u8 = 2;

impl Drop for Wire {
    fn drop(&mut self) {
        self.state.zeroize();
        self.verifier.zeroize();
    }
}

/// The keyring slot of the pending sign-in.
#[derive(Debug, Clone)]
pub struct PendingSignInStore {
    store: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
}

impl PendingSignInStore {
    /// The slot in `store`, judging expiry by `clock`.
    pub fn new(store: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    fn name() -> EntryName {
        EntryName::new(EntryKind::PendingSignIn, SLOT)
    }

    /// Keeps `record`, replacing any earlier pending sign-in.
    ///
    /// # Errors
    /// The store's error (the sign-in then only survives while this app runs).
    pub fn save(&self, record: &PersistedSignIn) -> Result<(), StoreError> {
        let wire = Wire {
            v: WIRE_VERSION,
            state: record.state.clone(),
            verifier: record.verifier.expose_secret().to_owned(),
            scheme: record.scheme.clone(),
            permissions: record.permissions.clone(),
            profile: record.profile.clone(),
            created: record.created,
            expires: record.expires,
        };
        let bytes = Zeroizing::new(serde_json::to_vec(&wire).map_err(|_| StoreError::Corrupt)?);
        self.store.set(&Self::name(), &bytes)
    }

    /// Takes the pending sign-in out (it is deleted: consumed once). `None` when there is none,
    /// it expired (then it is deleted too) or it cannot be read back.
    ///
    /// # Errors
    /// The store's error other than "missing".
    pub fn take(&self) -> Result<Option<PersistedSignIn>, StoreError> {
        let bytes = match self.store.get(&Self::name()) {
            Ok(bytes) => bytes,
            Err(StoreError::Missing) => return Ok(None),
            Err(error) => return Err(error),
        };
        self.store.delete(&Self::name())?;
        let Ok(mut wire) = serde_json::from_slice::<Wire>(bytes.expose()) else {
            return Ok(None);
        };
        if wire.v != WIRE_VERSION || self.clock.now() >= wire.expires {
            return Ok(None);
        }
        Ok(Some(PersistedSignIn {
            state: std::mem::take(&mut wire.state),
            verifier: PkceVerifier::new(std::mem::take(&mut wire.verifier)),
            scheme: wire.scheme.clone(),
            permissions: std::mem::take(&mut wire.permissions),
            profile: wire.profile.clone(),
            created: wire.created,
            expires: wire.expires,
        }))
    }

    /// Removes the pending sign-in (completed, cancelled or replaced); true when one was kept.
    ///
    /// # Errors
    /// The store's error.
    pub fn clear(&self) -> Result<bool, StoreError> {
        self.store.delete(&Self::name())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::clock::ManualClock;
    use crate::vault::MemoryStore;

    fn record(now: DateTime<Utc>) -> PersistedSignIn {
        PersistedSignIn {
            state: "state-1".into(),
            verifier: PkceVerifier::new("verifier-1"),
            scheme: "ly.driv.keys".into(),
            permissions: vec!["invoices.read".into()],
            profile: Profile::emulator(url::Url::parse("http://127.0.0.1:7878/api").unwrap()),
            created: now,
            expires: now + super::super::LOGIN_TTL,
        }
    }

    fn slot() -> (PendingSignInStore, Arc<MemoryStore>, Arc<ManualClock>) {
        let store = Arc::new(MemoryStore::new());
        let clock = Arc::new(ManualClock::new(Utc::now()));
        (
            PendingSignInStore::new(store.clone(), clock.clone()),
            store,
            clock,
        )
    }

    #[test]
    fn a_saved_sign_in_is_taken_back_once() {
        let (slot, store, clock) = slot();
        slot.save(&record(clock.now())).unwrap();
        let taken = slot.take().unwrap().expect("kept");
        assert_eq!(taken.state, "state-1");
        assert_eq!(taken.verifier.expose_secret(), "verifier-1");
        assert_eq!(taken.permissions, ["invoices.read"]);
        assert_eq!(
            taken.profile,
            record(clock.now()).profile,
            "the profile as at start"
        );
        assert!(slot.take().unwrap().is_none(), "consumed once");
        assert!(
            store.get(&PendingSignInStore::name()).is_err(),
            "deleted from the store"
        );
    }

    #[test]
    fn an_expired_sign_in_is_deleted_not_returned() {
        let (slot, store, clock) = slot();
        slot.save(&record(clock.now())).unwrap();
        clock.advance(Duration::minutes(10));
        assert!(slot.take().unwrap().is_none());
        assert!(store.get(&PendingSignInStore::name()).is_err());
    }

    #[test]
    fn clear_removes_it_and_a_new_one_replaces_the_old() {
        let (slot, _store, clock) = slot();
        slot.save(&record(clock.now())).unwrap();
        assert!(slot.clear().unwrap());
        assert!(!slot.clear().unwrap());
        assert!(slot.take().unwrap().is_none());
        slot.save(&record(clock.now())).unwrap();
        let mut second = record(clock.now());
        second.state = "state-2".into();
        slot.save(&second).unwrap();
        assert_eq!(slot.take().unwrap().unwrap().state, "state-2");
    }

    #[test]
    fn debug_shows_no_secret() {
        let text = format!("{:?}", record(Utc::now()));
        assert!(
            !text.contains("verifier-1") && !text.contains("state-1"),
            "{text}"
        );
    }
}
