//! Tests against the real Secret Service (gnome-keyring in the test command). A value written
//! by this process is read back by another one (`secret-tool` and a second copy of this test
//! binary). Without a Secret Service they print a skip notice and pass, unless
//! `DRIVLY_KEYS_REQUIRE_KEYRING=1`, which makes them fail.

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

fn platform_store(service: &str) -> Option<KeyringStore> {
    let options = KeyringOptions {
        service: service.to_owned(),
        ..KeyringOptions::default()
    };
    match KeyringStore::open_platform(options) {
        Ok(store) => Some(store),
        Err(e) if std::env::var("DRIVLY_KEYS_REQUIRE_KEYRING").as_deref() == Ok("1") => {
            panic!("a Secret Service is required (DRIVLY_KEYS_REQUIRE_KEYRING=1): {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: no usable Secret Service ({e})");
            None
        }
    }
}

fn test_service() -> String {
    format!("ly.driv.keys.test-{}", Uuid::new_v4())
}

/// Runs in the second process: reads the value named by the parent and compares it.
#[test]
fn child_reads_value() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (service, user, expected) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let store = platform_store(service).expect("keyring in child");
    let name = EntryName::parse_user(user).unwrap();
    assert_eq!(store.get(&name).unwrap().expose(), expected.as_bytes());
}

#[test]
fn a_key_written_here_is_read_by_other_processes() {
    let service = test_service();
    let Some(store) = platform_store(&service) else {
        return;
    };
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
        .args(["child_reads_value", "--exact", "--test-threads=1"])
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
fn long_values_are_chunked_and_orphans_listed() {
    let service = test_service();
    let options = KeyringOptions {
        service: service.clone(),
        max_item_size: 1024,
        ..KeyringOptions::default()
    };
    if platform_store(&service).is_none() {
        return;
    }
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
