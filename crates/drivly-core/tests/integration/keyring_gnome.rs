//! Tests against the real Secret Service (gnome-keyring in the test command). A value written
//! by this process is read back by another one (`secret-tool` and a second copy of this test
//! binary). They are `#[ignore]`d, so a plain `cargo test` lists them as ignored; `scripts/test`
//! runs them with `--include-ignored` inside a private session with an unlocked gnome-keyring,
//! where a missing Secret Service fails them.

use std::process::Command;
use std::sync::Arc;

use drivly_core::app_paths::AppPaths;
use drivly_core::profile::ProfileId;
use drivly_core::secret::ApiKey;
use drivly_core::vault::{
    EntryKind, EntryName, KeyringOptions, KeyringStore, OrphanScan, ReconcileAction, SecretStore,
    Vault,
};
use uuid::Uuid;

const CHILD_ENV: &str = "DRIVLY_KEYS_TEST_CHILD_READ";

pub(crate) fn platform_store(service: &str) -> KeyringStore {
    let options = KeyringOptions {
        service: service.to_owned(),
        ..KeyringOptions::default()
    };
    KeyringStore::open_platform(options)
        .unwrap_or_else(|e| panic!("this test needs a usable Secret Service: {e}"))
}

pub(crate) fn test_service() -> String {
    format!("ly.driv.keys.test-{}", Uuid::new_v4())
}

/// Runs in the second process: reads the value named by the parent and compares it.
#[test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
fn child_reads_value() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        // Not a test of its own: the entry point of the second process started below, whose
        // parent checks that it ran ("1 passed") and read the value.
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (service, user, expected) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let store = platform_store(service);
    let name = EntryName::parse_user(user).unwrap();
    assert_eq!(store.get(&name).unwrap().expose(), expected.as_bytes());
}

#[test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
fn a_key_written_here_is_read_by_other_processes() {
    let service = test_service();
    let store = platform_store(&service);
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn SecretStore> = Arc::new(store);
    let (vault, report) =
        Vault::open(&AppPaths::in_folder(dir.path()), Arc::clone(&store)).unwrap();
    assert!(report.store_error.is_none());
    assert_eq!(report.orphan_scan, OrphanScan::Done);
    let canary = format!("sk_test_CANARY_{}", Uuid::new_v4().simple());
    let meta = vault
        .add_api_key(
            "gnome",
            &ProfileId::parse("drivly").unwrap(),
            &ApiKey::new(canary.clone()),
            None,
        )
        .unwrap();
    let user = EntryName::new(EntryKind::ApiKey, meta.id).user();

    let lookup = Command::new("secret-tool")
        .args(["lookup", "service", &service, "username", &user])
        .output();
    match lookup {
        Ok(out) => {
            assert!(out.status.success(), "secret-tool lookup failed");
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), canary);
        }
        Err(e) => {
            eprintln!("secret-tool not installed ({e}); checked with the second process only")
        }
    }

    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "keyring_gnome::child_reads_value",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{service}|{user}|{canary}"))
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "second process could not read the key"
    );
    assert!(String::from_utf8_lossy(&child.stdout).contains("1 passed"));

    vault.remove_api_key(meta.id).unwrap();
    assert_eq!(store.list().unwrap(), Some(vec![]));
}

#[test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
fn long_values_are_chunked_and_orphans_listed() {
    let service = test_service();
    let options = KeyringOptions {
        service: service.clone(),
        max_item_size: 1024,
        ..KeyringOptions::default()
    };
    let store: Arc<dyn SecretStore> = Arc::new(KeyringStore::open_platform(options).unwrap());
    let orphan = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
    let value: Vec<u8> = (0..5000).map(|i| (i % 256) as u8).collect();
    store.set(&orphan, &value).unwrap();
    assert_eq!(store.get(&orphan).unwrap().expose(), value.as_slice());
    // Five chunks and a header, listed as one logical entry.
    assert_eq!(store.list().unwrap(), Some(vec![orphan]));

    let dir = tempfile::tempdir().unwrap();
    let (_, report) = Vault::open(&AppPaths::in_folder(dir.path()), Arc::clone(&store)).unwrap();
    assert_eq!(report.items.len(), 1);
    assert_eq!(report.items[0].action, ReconcileAction::OrphanedSecret);
    assert_eq!(report.items[0].id, orphan.id);

    assert!(store.delete(&orphan).unwrap());
    assert_eq!(store.list().unwrap(), Some(vec![]));
}

/// The shared connection (one Secret Service session per process, issue #18) finds and writes
/// the very items the keyring crate's own credential does: an entry written by an earlier build
/// is read by this one, and the other way round, with one item per name.
#[test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
fn entries_stay_compatible_with_the_keyring_crate() {
    let service = test_service();
    let store = platform_store(&service);
    let earlier = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
    keyring::Entry::new(&service, &earlier.user())
        .and_then(|entry| entry.set_secret(b"written by keyring"))
        .expect("the keyring crate writes");
    assert_eq!(
        store.get(&earlier).expect("read").expose(),
        b"written by keyring",
        "an item of an earlier build is read"
    );
    store
        .set(&earlier, b"rewritten here")
        .expect("overwritten in place");
    assert_eq!(
        keyring::Entry::new(&service, &earlier.user())
            .and_then(|entry| entry.get_secret())
            .expect("one item, read by the keyring crate"),
        b"rewritten here"
    );
    let ours = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
    store.set(&ours, b"written here").expect("written");
    assert_eq!(
        keyring::Entry::new(&service, &ours.user())
            .and_then(|entry| entry.get_secret())
            .expect("read by the keyring crate"),
        b"written here"
    );
    store.delete(&ours).expect("deleted");
    store.delete(&earlier).expect("deleted");
    assert!(matches!(
        keyring::Entry::new(&service, &ours.user()).and_then(|e| e.get_secret()),
        Err(keyring::Error::NoEntry)
    ));
}
