//! [`KeyringStore`]: the [`SecretStore`] over the OS keyring (`keyring` crate v3: Secret Service
//! on Linux, Keychain on macOS, Credential Manager on Windows).
//!
//! Invariants:
//! - every keyring call runs on one dedicated worker thread and the caller waits at most the
//!   configured timeout (default 10 s), so a locked keyring waiting on a prompt or a missing
//!   Secret Service gives [`StoreError::Timeout`] or a distinct error, never a hang. Serializing
//!   calls on one thread also follows the crate's advice (Secret Service and Windows do not
//!   sequence concurrent calls on one entry reliably);
//! - a call whose caller already gave up is skipped if it has not started; one already running
//!   may still finish, which the vault's journal and reconcile cover;
//! - a worker wedged in a call that never returns (a D-Bus call left unanswered) is abandoned
//!   at the first timeout and a fresh worker takes the next calls, so one hung call costs one
//!   timeout, not the rest of the run. The abandoned thread exits if its call ever returns;
//! - [`KeyringStore::open_platform`] refuses the crate's mock store and stores whose values do
//!   not persist: there is never a plaintext or in-memory fallback;
//! - items are named service `ly.driv.keys` (or `DRIVLY_KEYS_KEYRING_SERVICE`), user
//!   `<kind>/<uuid>`; values over the platform's item limit are chunked ([`super::chunked`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyring::Entry;
use uuid::Uuid;

use super::chunked::{self, ItemIo};
use super::secret_store::{SecretBytes, SecretStore, StoreError, StoreInfo};
use super::{EntryKind, EntryName};

/// The keyring service name of the app.
pub const DEFAULT_SERVICE: &str = "ly.driv.keys";
/// Overrides the service name (test isolation).
pub const SERVICE_ENV: &str = "DRIVLY_KEYS_KEYRING_SERVICE";
/// The default wait for one keyring operation.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Windows' `CRED_MAX_CREDENTIAL_BLOB_SIZE` (bytes, via `set_secret`).
#[cfg(windows)]
const PLATFORM_MAX_ITEM: usize = 2560;
/// Other platforms have no practical limit at token sizes; chunking still bounds each item.
#[cfg(not(windows))]
const PLATFORM_MAX_ITEM: usize = 16 * 1024;

/// Creates the keyring entry for `(service, user)`. The platform uses [`Entry::new`]; tests pass
/// a factory over `keyring::mock` that shares entries so injected errors reach the store.
pub type EntryFactory =
    Arc<dyn Fn(&str, &str) -> keyring::Result<Arc<Entry>> + Send + Sync + 'static>;

/// How a [`KeyringStore`] is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringOptions {
    /// The keyring service name.
    pub service: String,
    /// The longest wait for one operation.
    pub timeout: Duration,
    /// The largest single item; longer values are chunked.
    pub max_item_size: usize,
}

impl Default for KeyringOptions {
    fn default() -> Self {
        Self {
            service: DEFAULT_SERVICE.into(),
            timeout: DEFAULT_TIMEOUT,
            max_item_size: PLATFORM_MAX_ITEM,
        }
    }
}

impl KeyringOptions {
    /// The defaults, with the service from `DRIVLY_KEYS_KEYRING_SERVICE` when set.
    pub fn from_env() -> Self {
        let mut options = Self::default();
        if let Some(service) = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            options.service = service;
        }
        options
    }
}

/// The keyring-backed secret store. See the module docs. `Send + Sync`; clones are not
/// offered: share it as `Arc<dyn SecretStore>`.
pub struct KeyringStore {
    options: KeyringOptions,
    items: Arc<KeyringItems>,
    worker: Mutex<Worker>,
    enumerable: bool,
    /// The last successful probe. Opening proves the store, and the vault's reconcile asks
    /// again straight after; a proof this fresh is reused instead of three more Secret Service
    /// round trips on the app's start-up path.
    proven: Mutex<Option<(Instant, StoreInfo)>>,
}

/// How long a successful probe stands for the next one (see [`KeyringStore`]'s `proven`).
const PROOF_REUSE: Duration = Duration::from_secs(5);

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

struct Job {
    cancelled: Arc<AtomicBool>,
    run: Box<dyn FnOnce() + Send>,
}

/// The current worker thread: where jobs go, and which one it is (a caller that timed out
/// replaces the worker only if no other caller has already).
struct Worker {
    jobs: mpsc::Sender<Job>,
    generation: u64,
}

impl Worker {
    /// Starts a worker thread. It ends when its sender is dropped: when the store is dropped,
    /// or when the worker is replaced (after the call it is stuck in returns, if ever).
    fn spawn(generation: u64) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name(format!("drivly-keyring-{generation}"))
            .spawn(move || {
                for job in rx {
                    if !job.cancelled.load(Ordering::SeqCst) {
                        (job.run)();
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the keyring worker thread");
        }
        Self {
            jobs: tx,
            generation,
        }
    }
}

/// Item-level keyring access, used on the worker thread only.
struct KeyringItems {
    service: String,
    factory: EntryFactory,
}

impl KeyringStore {
    /// Opens the platform keyring: refuses the mock store ([`KeyringStore::check_platform_store`]),
    /// then proves persistence by writing a probe value and reading it back through a fresh entry.
    pub fn open_platform(options: KeyringOptions) -> Result<Self, StoreError> {
        let factory = platform_entries();
        let store = Self::start(options, factory, cfg!(target_os = "linux"));
        store.run(|items| check_platform_store(&items.service))?;
        store.probe()?;
        Ok(store)
    }

    /// The platform store for a short, read-mostly process (`drivly-keys token`): checked to
    /// be the real platform backend (never the keyring crate's mock), but without
    /// [`KeyringStore::open_platform`]'s write/read/delete probe, which costs three Secret
    /// Service round trips on every call. A locked or missing keyring still fails, with the
    /// same typed error, on the first real call.
    ///
    /// # Errors
    /// [`StoreError::NotPlatformStore`] when this build has no persistent platform backend.
    pub fn open_platform_for_lookup(options: KeyringOptions) -> Result<Self, StoreError> {
        let factory = platform_entries();
        let store = Self::start(options, factory, cfg!(target_os = "linux"));
        store.run(|items| check_platform_store(&items.service))?;
        Ok(store)
    }

    /// A store over entries from `factory`, without the platform checks. For tests with
    /// `keyring::mock`; never use it to hold real secrets.
    pub fn with_entry_factory(options: KeyringOptions, factory: EntryFactory) -> Self {
        Self::start(options, factory, false)
    }

    fn start(options: KeyringOptions, factory: EntryFactory, enumerable: bool) -> Self {
        Self {
            items: Arc::new(KeyringItems {
                service: options.service.clone(),
                factory,
            }),
            options,
            worker: Mutex::new(Worker::spawn(0)),
            enumerable,
            proven: Mutex::new(None),
        }
    }

    /// The options in use.
    pub fn options(&self) -> &KeyringOptions {
        &self.options
    }

    /// Writes a probe value, reads it back through a fresh entry and deletes it.
    fn probe_now(&self) -> Result<StoreInfo, StoreError> {
        let name = EntryName::new(EntryKind::Probe, Uuid::new_v4());
        let marker = format!("probe-{}", Uuid::new_v4());
        let expected = marker.clone().into_bytes();
        self.set(&name, marker.as_bytes())?;
        // Read back through a fresh entry: the mock store keeps values per entry object only,
        // so it fails here even if it slipped past the type check.
        let read = self.get(&name);
        let _ = self.delete(&name);
        match read {
            Ok(v) if v.expose() == expected.as_slice() => Ok(StoreInfo {
                backend: backend_name().into(),
                persistent: true,
                enumerable: self.enumerable,
            }),
            Ok(_) | Err(StoreError::Missing) => Err(StoreError::NotPlatformStore {
                detail: "a value written to the keyring could not be read back".into(),
            }),
            Err(e) => Err(e),
        }
    }

    /// Runs `f` on the worker thread, waiting at most the timeout. A call that found the
    /// Secret Service gone from the bus (its daemon crashed; D-Bus activation starts it again)
    /// is made once more, on a fresh connection, before it counts as a failure.
    fn run<T: Send + 'static>(
        &self,
        f: impl Fn(&KeyringItems) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = mpsc::sync_channel(1);
        let cancelled = Arc::new(AtomicBool::new(false));
        let items = Arc::clone(&self.items);
        let job = Job {
            cancelled: Arc::clone(&cancelled),
            run: Box::new(move || {
                let mut result = f(&items);
                if matches!(&result, Err(StoreError::Unavailable { detail }) if service_went_away(detail))
                {
                    tracing::warn!(
                        "the Secret Service left the bus during a call; trying once more"
                    );
                    std::thread::sleep(std::time::Duration::from_millis(250));
                    result = f(&items);
                }
                let _ = reply.send(result);
            }),
        };
        let (sent, generation) = {
            let worker = self.worker.lock().unwrap_or_else(|e| e.into_inner());
            (worker.jobs.send(job), worker.generation)
        };
        if sent.is_err() {
            return Err(StoreError::Unavailable {
                detail: "the keyring worker thread is not running".into(),
            });
        }
        match answer.recv_timeout(self.options.timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
                cancelled.store(true, Ordering::SeqCst);
                self.replace_worker(generation);
                Err(StoreError::Timeout {
                    after: self.options.timeout,
                })
            }
            Err(RecvTimeoutError::Disconnected) => Err(StoreError::Unavailable {
                detail: "the keyring worker thread stopped".into(),
            }),
        }
    }
}

impl KeyringStore {
    /// Abandons the worker `generation` (stuck in a call, or behind one) for a fresh thread,
    /// unless another timed-out caller already did. Calls already queued on the old worker keep
    /// their own timeout (and run if it frees in time); every later call goes to the new one.
    fn replace_worker(&self, generation: u64) {
        let mut worker = self.worker.lock().unwrap_or_else(|e| e.into_inner());
        if worker.generation == generation {
            tracing::warn!(
                generation,
                "a keyring call did not return in time; its worker is replaced"
            );
            *worker = Worker::spawn(generation + 1);
        }
    }
}

/// The platform's entries. On Linux they share one Secret Service connection and session for
/// the store's life (`shared_connection.rs`); elsewhere they are the keyring crate's own.
fn platform_entries() -> EntryFactory {
    #[cfg(target_os = "linux")]
    {
        let connection = Arc::new(super::shared_connection::SharedConnection::default());
        Arc::new(move |service, user| {
            Ok(Arc::new(super::shared_connection::SharedCredential::entry(
                Arc::clone(&connection),
                service,
                user,
            )))
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        Arc::new(|service, user| Entry::new(service, user).map(Arc::new))
    }
}

/// Refuses the keyring crate's mock store and non-persistent defaults. Call it before trusting
/// the platform keyring with a secret (`open_platform` does).
pub fn check_platform_store(service: &str) -> Result<(), StoreError> {
    use keyring::credential::CredentialPersistence;
    if !matches!(
        keyring::default::default_credential_builder().persistence(),
        CredentialPersistence::UntilDelete
    ) {
        return Err(StoreError::NotPlatformStore {
            detail: "this build has no persistent keyring backend for this platform".into(),
        });
    }
    let user = EntryName::new(EntryKind::Probe, Uuid::new_v4()).user();
    let entry = Entry::new(service, &user).map_err(map_error)?;
    if entry
        .get_credential()
        .downcast_ref::<keyring::mock::MockCredential>()
        .is_some()
    {
        return Err(StoreError::NotPlatformStore {
            detail: "the keyring crate's mock store is selected".into(),
        });
    }
    Ok(())
}

/// True for the D-Bus errors of a Secret Service that left the bus mid-call (crashed or
/// restarting): worth one more try, unlike a refusal. A restarted service also no longer knows
/// the session the shared connection opened with its predecessor ("The session does not
/// exist"); the connection is dropped with that error, so the try runs on a new one.
fn service_went_away(detail: &str) -> bool {
    let detail = detail.to_lowercase();
    [
        "disconnected from message bus",
        "serviceunknown",
        "not provided by any .service",
        "session does not exist",
    ]
    .iter()
    .any(|sign| detail.contains(sign))
}

/// Maps a keyring error to a [`StoreError`] without carrying any secret bytes.
pub(crate) fn map_error(e: keyring::Error) -> StoreError {
    use keyring::Error as K;
    let detail = |s: String| s.chars().take(300).collect::<String>();
    match e {
        K::NoEntry => StoreError::Missing,
        K::NoStorageAccess(_) => StoreError::Locked,
        // gnome-keyring refuses writes to a locked collection with a plain D-Bus error
        // ("Cannot create an item in a locked collection", `Secret.Error.IsLocked`), which the
        // crate reports as a platform failure: it still means "unlock your keyring".
        K::PlatformFailure(inner) if inner.to_string().to_lowercase().contains("locked") => {
            StoreError::Locked
        }
        K::PlatformFailure(inner) => StoreError::Unavailable {
            detail: detail(inner.to_string()),
        },
        K::TooLong(_, max) => StoreError::TooLong {
            len: 0,
            max: usize::try_from(max).unwrap_or(usize::MAX),
        },
        // Carries the undecodable bytes: never let them into a message.
        K::BadEncoding(_) => StoreError::Corrupt,
        K::Invalid(attr, reason) => StoreError::Platform {
            detail: detail(format!("{attr} is invalid: {reason}")),
        },
        K::Ambiguous(_) => StoreError::Ambiguous,
        other => StoreError::Platform {
            detail: detail(other.to_string()),
        },
    }
}

impl ItemIo for KeyringItems {
    fn put(&self, user: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let entry = (self.factory)(&self.service, user).map_err(map_error)?;
        entry.set_secret(bytes).map_err(map_error)
    }

    fn fetch(&self, user: &str) -> Result<Option<SecretBytes>, StoreError> {
        let entry = (self.factory)(&self.service, user).map_err(map_error)?;
        match entry.get_secret() {
            Ok(bytes) => Ok(Some(SecretBytes::new(bytes))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn remove(&self, user: &str) -> Result<bool, StoreError> {
        let entry = (self.factory)(&self.service, user).map_err(map_error)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, name: &EntryName, value: &[u8]) -> Result<(), StoreError> {
        let user = name.user();
        let value = SecretBytes::new(value.to_vec());
        let max = self.options.max_item_size;
        self.run(move |items| chunked::write(items, &user, value.expose(), max))
    }

    fn get(&self, name: &EntryName) -> Result<SecretBytes, StoreError> {
        let user = name.user();
        self.run(move |items| chunked::read(items, &user))
    }

    fn delete(&self, name: &EntryName) -> Result<bool, StoreError> {
        let user = name.user();
        self.run(move |items| chunked::delete(items, &user))
    }

    fn probe(&self) -> Result<StoreInfo, StoreError> {
        let mut proven = self
            .proven
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, info)) = proven.as_ref()
            && at.elapsed() < PROOF_REUSE
        {
            return Ok(info.clone());
        }
        let info = self.probe_now()?;
        *proven = Some((Instant::now(), info.clone()));
        Ok(info)
    }

    fn list(&self) -> Result<Option<Vec<EntryName>>, StoreError> {
        if !self.enumerable {
            return Ok(None);
        }
        self.run(|items| {
            #[cfg(target_os = "linux")]
            {
                super::secret_service_search::list_users(&items.service).map(|users| {
                    let mut names: Vec<EntryName> = users
                        .iter()
                        .filter_map(|u| EntryName::parse_user(u))
                        .collect();
                    names.sort();
                    names.dedup();
                    Some(names)
                })
            }
            #[cfg(not(target_os = "linux"))]
            {
                let _ = items;
                Ok(None)
            }
        })
    }

    fn max_item_size(&self) -> usize {
        self.options.max_item_size
    }
}

fn backend_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "Secret Service"
    }
}

#[cfg(test)]
mod retry_tests {
    use super::service_went_away;

    #[test]
    fn only_a_service_that_left_the_bus_is_tried_again() {
        assert!(service_went_away(
            "DBus error: Message recipient disconnected from message bus without replying"
        ));
        assert!(service_went_away(
            "org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable"
        ));
        assert!(service_went_away("DBus error: The session does not exist"));
        assert!(!service_went_away(
            "Cannot create an item in a locked collection"
        ));
        assert!(!service_went_away("No such secret collection at path"));
    }
}
