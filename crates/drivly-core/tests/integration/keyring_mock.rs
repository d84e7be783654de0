//! KeyringStore over the keyring crate's mock: error mapping with injected errors (locked,
//! missing, unavailable, too long), chunking at Windows' 2,560-byte limit, the timeout that
//! turns a hung keyring call into an error, and the refusal of the mock as a platform store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drivly_core::ErrorCode;
use drivly_core::vault::{
    EntryFactory, EntryKind, EntryName, KeyringOptions, KeyringStore, SecretStore,
};
use keyring::Entry;
use keyring::credential::CredentialApi;
use keyring::mock::MockCredential;
use uuid::Uuid;

type Entries = Arc<Mutex<HashMap<String, Arc<Entry>>>>;

/// Mock entries shared by user name, so values persist across calls and errors can be injected.
fn mock_store(max_item_size: usize) -> (KeyringStore, Entries) {
    let entries: Entries = Arc::default();
    let shared = Arc::clone(&entries);
    let factory: EntryFactory = Arc::new(move |service, user| {
        let mut map = shared.lock().unwrap();
        if let Some(e) = map.get(user) {
            return Ok(Arc::clone(e));
        }
        let cred = keyring::mock::default_credential_builder().build(None, service, user)?;
        let entry = Arc::new(Entry::new_with_credential(cred));
        map.insert(user.to_owned(), Arc::clone(&entry));
        Ok(entry)
    });
    let options = KeyringOptions {
        service: "ly.driv.keys.mock-test".into(),
        timeout: Duration::from_secs(10),
        max_item_size,
    };
    (KeyringStore::with_entry_factory(options, factory), entries)
}

fn inject(entries: &Entries, name: &EntryName, error: keyring::Error) {
    let map = entries.lock().unwrap();
    let entry = map.get(&name.user()).expect("entry created");
    let mock = entry
        .get_credential()
        .downcast_ref::<MockCredential>()
        .expect("a mock credential");
    mock.set_error(error);
}

fn stored_sizes(entries: &Entries) -> Vec<usize> {
    let map = entries.lock().unwrap();
    map.values()
        .filter_map(|e| e.get_secret().ok())
        .map(|s| s.len())
        .collect()
}

#[test]
fn round_trip_and_chunking_at_the_windows_limit() {
    let (store, entries) = mock_store(2560);
    for len in [0, 10, 2560, 2561, 9000] {
        let name = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
        let value: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        store.set(&name, &value).unwrap();
        assert_eq!(
            store.get(&name).unwrap().expose(),
            value.as_slice(),
            "len {len}"
        );
        assert!(
            stored_sizes(&entries).iter().all(|&s| s <= 2560),
            "len {len}"
        );
        assert!(store.delete(&name).unwrap());
        assert!(
            stored_sizes(&entries).is_empty(),
            "len {len}: every chunk deleted"
        );
        assert_eq!(store.get(&name).unwrap_err().code(), "secret_missing");
    }
}

#[test]
fn injected_errors_map_to_distinct_codes() {
    let (store, entries) = mock_store(2560);
    let name = EntryName::new(EntryKind::RefreshToken, Uuid::new_v4());
    store.set(&name, b"CANARY-refresh").unwrap();
    let boxed = |m: &str| -> Box<dyn std::error::Error + Send + Sync> { m.into() };
    let cases: Vec<(keyring::Error, &str)> = vec![
        (
            keyring::Error::NoStorageAccess(boxed("locked")),
            "keyring_locked",
        ),
        (
            keyring::Error::PlatformFailure(boxed("org.freedesktop.secrets was not provided")),
            "keyring_unavailable",
        ),
        (keyring::Error::NoEntry, "secret_missing"),
        (
            keyring::Error::TooLong("secret".into(), 2560),
            "secret_too_long",
        ),
        (
            keyring::Error::BadEncoding(b"CANARY".to_vec()),
            "secret_corrupt",
        ),
    ];
    for (error, code) in cases {
        inject(&entries, &name, error);
        let err = store.get(&name).unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!format!("{err} {err:?}").contains("CANARY"), "{code}");
    }
    // After the injected failures the value is intact.
    assert_eq!(store.get(&name).unwrap().expose(), b"CANARY-refresh");
}

/// A credential whose every call blocks, like a locked keyring waiting on a prompt.
#[derive(Debug)]
struct HangingCredential;

impl CredentialApi for HangingCredential {
    fn set_secret(&self, _: &[u8]) -> keyring::Result<()> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        std::thread::sleep(Duration::from_secs(30));
        Err(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        Ok(())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[test]
fn a_hanging_keyring_gives_a_timeout_error() {
    let factory: EntryFactory = Arc::new(|_, _| {
        Ok(Arc::new(Entry::new_with_credential(Box::new(
            HangingCredential,
        ))))
    });
    let options = KeyringOptions {
        timeout: Duration::from_millis(200),
        ..KeyringOptions::default()
    };
    let store = KeyringStore::with_entry_factory(options, factory);
    let name = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
    assert_eq!(store.get(&name).unwrap_err().code(), "keyring_timeout");
    // Queued behind the hung call, the next one times out too instead of hanging.
    assert_eq!(
        store.set(&name, b"x").unwrap_err().code(),
        "keyring_timeout"
    );
}

#[test]
fn the_mock_store_is_refused_as_the_platform_store() {
    // The default builder is process-global and this binary also runs the real-keyring tests,
    // so the swap happens in a second process: this binary, running only this test.
    const CHILD_ENV: &str = "DRIVLY_KEYS_MOCK_BUILDER_CHILD";
    if std::env::var_os(CHILD_ENV).is_none() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "keyring_mock::the_mock_store_is_refused_as_the_platform_store",
                "--exact",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}"
        );
        return;
    }
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    let err = KeyringStore::open_platform(KeyringOptions::default()).unwrap_err();
    assert_eq!(err.code(), "keyring_not_platform");
    assert_eq!(
        drivly_core::vault::check_platform_store("ly.driv.keys")
            .unwrap_err()
            .code(),
        "keyring_not_platform"
    );
}

#[test]
fn a_fresh_probe_is_reused_instead_of_writing_again() {
    // Opening the store probes it and the vault's reconcile probes again straight after; the
    // second must not cost three more keyring calls (each a D-Bus connection on Linux).
    let (store, entries) = mock_store(2560);
    let first = store.probe().unwrap();
    let probes_written = entries.lock().unwrap().len();
    assert_eq!(probes_written, 1, "one probe entry written");
    let second = store.probe().unwrap();
    assert_eq!(first, second);
    assert_eq!(
        entries.lock().unwrap().len(),
        probes_written,
        "no second probe entry"
    );
}

#[test]
fn a_wedged_worker_is_replaced_so_later_calls_work() {
    // The first keyring call never returns (a D-Bus call left unanswered); every later one is
    // answered by the mock. Only a fresh worker thread can serve them.
    let hung = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let entries: Entries = Arc::default();
    let factory: EntryFactory = {
        let hung = Arc::clone(&hung);
        let shared = Arc::clone(&entries);
        Arc::new(move |service, user| {
            if !hung.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(Duration::from_secs(3600));
            }
            let mut map = shared.lock().unwrap();
            if let Some(e) = map.get(user) {
                return Ok(Arc::clone(e));
            }
            let cred = keyring::mock::default_credential_builder().build(None, service, user)?;
            let entry = Arc::new(Entry::new_with_credential(cred));
            map.insert(user.to_owned(), Arc::clone(&entry));
            Ok(entry)
        })
    };
    let options = KeyringOptions {
        timeout: Duration::from_millis(300),
        ..KeyringOptions::default()
    };
    let store = KeyringStore::with_entry_factory(options, factory);
    let name = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
    assert_eq!(store.get(&name).unwrap_err().code(), "keyring_timeout");
    store
        .set(&name, b"after the hang")
        .expect("a fresh worker answers");
    assert_eq!(store.get(&name).unwrap().expose(), b"after the hang");
}
