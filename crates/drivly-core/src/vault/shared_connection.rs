//! One Secret Service connection per process (issue #18). The keyring crate's Secret Service
//! credential opens a new D-Bus connection and a new session (with a Diffie-Hellman key
//! exchange) for every call: three round trips and a key agreement before the one that
//! matters. These credentials share one connection and one session, opened on first use and
//! opened again when the service has gone away (gnome-keyring restarted). Items are found and
//! written with exactly the keyring crate's attributes and label, in the same collection, so
//! entries written by earlier builds (or by the keyring crate itself) stay readable, and the
//! other way round.
//!
//! The session is `plain`: the secret crosses the session bus, a socket only this user's
//! processes can connect to, exactly as with the encrypted session (whose key would be agreed
//! over the same bus); encryption there defends against nothing the bus does not, and costs
//! a key agreement per process. BENCHMARKS.md has the measurements.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, TryLockError};

use dbus_secret_service::{EncryptionType, Error as SsError, Item, SecretService};
use keyring::credential::{Credential, CredentialApi};
use keyring::secret_service::{create_collection, decode_error, get_collection};

/// The collection the keyring crate writes to when no target is given.
const TARGET: &str = "default";

/// The one connection and session of this process.
#[derive(Default)]
pub struct SharedConnection {
    service: Mutex<Option<SecretService>>,
}

impl std::fmt::Debug for SharedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedConnection").finish_non_exhaustive()
    }
}

impl SharedConnection {
    /// Runs `op` on the connection, opening it first when needed. A call that fails for a
    /// reason other than the keyring's answer (locked, missing) drops the connection, so the
    /// next call opens a fresh one: a restarted service answers again.
    ///
    /// When the connection is busy, only a worker the store abandoned (its call never
    /// returned, `keyring_store.rs`) can be holding it; this call then uses a connection of its
    /// own rather than wait behind the wedged one, so replacing the worker still recovers.
    fn with<T>(&self, op: impl FnOnce(&SecretService) -> keyring::Result<T>) -> keyring::Result<T> {
        match self.service.try_lock() {
            Ok(mut shared) => Self::run_on(&mut shared, op),
            Err(TryLockError::Poisoned(poisoned)) => Self::run_on(&mut poisoned.into_inner(), op),
            Err(TryLockError::WouldBlock) => Self::run_on(&mut None, op),
        }
    }

    fn run_on<T>(
        slot: &mut Option<SecretService>,
        op: impl FnOnce(&SecretService) -> keyring::Result<T>,
    ) -> keyring::Result<T> {
        let service = match slot {
            Some(service) => service,
            None => {
                slot.insert(SecretService::connect(EncryptionType::Plain).map_err(decode_error)?)
            }
        };
        let result = op(service);
        if matches!(result, Err(keyring::Error::PlatformFailure(_))) {
            *slot = None;
        }
        result
    }

    #[cfg(test)]
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SecretService>> {
        self.service.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A keyring credential for `(service, user)` over the shared connection.
#[derive(Debug, Clone)]
pub struct SharedCredential {
    connection: Arc<SharedConnection>,
    service: String,
    user: String,
}

impl SharedCredential {
    /// A credential for the keyring crate's `Entry::new(service, user)` item.
    pub fn new(connection: Arc<SharedConnection>, service: &str, user: &str) -> Self {
        Self {
            connection,
            service: service.to_owned(),
            user: user.to_owned(),
        }
    }

    /// A keyring entry over this credential.
    pub fn entry(connection: Arc<SharedConnection>, service: &str, user: &str) -> keyring::Entry {
        keyring::Entry::new_with_credential(Box::new(Self::new(connection, service, user)))
    }

    /// The attributes the keyring crate searches on.
    fn search_attributes(&self) -> HashMap<&str, &str> {
        HashMap::from([
            ("target", TARGET),
            ("service", self.service.as_str()),
            ("username", self.user.as_str()),
        ])
    }

    /// The attributes and label the keyring crate (3.x) gives a new item.
    fn new_item_attributes(&self) -> HashMap<&str, &str> {
        let mut attributes = self.search_attributes();
        attributes.insert("application", "rust-keyring");
        attributes
    }

    fn label(&self) -> String {
        format!("{}@{}:{TARGET} (keyring v3.6.3)", self.user, self.service)
    }

    /// Runs `f` on the one matching item: `NoEntry` without one, `Ambiguous` with several.
    fn on_unique_item<T>(
        &self,
        service: &SecretService,
        f: impl FnOnce(&Item<'_>) -> Result<T, SsError>,
    ) -> keyring::Result<T> {
        let found = service
            .search_items(self.search_attributes())
            .map_err(decode_error)?;
        let mut items = found.unlocked.iter().chain(found.locked.iter());
        let (Some(item), None) = (items.next(), items.next()) else {
            return Err(if found.unlocked.is_empty() && found.locked.is_empty() {
                keyring::Error::NoEntry
            } else {
                keyring::Error::Ambiguous(self.duplicates(&found))
            });
        };
        if item.is_locked().map_err(decode_error)? {
            item.unlock().map_err(decode_error)?;
        }
        f(item).map_err(decode_error)
    }

    /// One credential per item, for an `Ambiguous` answer.
    fn duplicates(
        &self,
        found: &dbus_secret_service::SearchItemsResult<Item<'_>>,
    ) -> Vec<Box<Credential>> {
        found
            .unlocked
            .iter()
            .chain(found.locked.iter())
            .map(|_| Box::new(self.clone()) as Box<Credential>)
            .collect()
    }
}

impl CredentialApi for SharedCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        self.connection.with(|service| {
            match self.on_unique_item(service, |item| item.set_secret(secret, "text/plain")) {
                Err(keyring::Error::NoEntry) => {}
                other => return other,
            }
            // Where the keyring crate puts it: the default collection, made when missing.
            let collection =
                get_collection(service, TARGET).or_else(|_| create_collection(service, TARGET))?;
            collection
                .create_item(
                    &self.label(),
                    self.new_item_attributes(),
                    secret,
                    true,
                    "text/plain",
                )
                .map(|_| ())
                .map_err(decode_error)
        })
    }

    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        self.connection
            .with(|service| self.on_unique_item(service, |item| item.get_secret()))
    }

    fn delete_credential(&self) -> keyring::Result<()> {
        self.connection
            .with(|service| self.on_unique_item(service, |item| item.delete()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_call_never_waits_behind_a_worker_wedged_on_the_shared_connection() {
        let connection = Arc::new(SharedConnection::default());
        let held = connection.lock(); // the abandoned worker, stuck in its call
        let (done, finished) = std::sync::mpsc::channel();
        let other = Arc::clone(&connection);
        std::thread::spawn(move || {
            // Whatever the bus says here (none in unit tests), the call must return.
            let answered = other.with(|_| Ok(()));
            let _ = done.send(answered.is_ok());
        });
        assert!(
            finished.recv_timeout(Duration::from_secs(10)).is_ok(),
            "the call waited for the wedged one"
        );
        drop(held);
    }
}
