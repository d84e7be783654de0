//! Vault tests over the in-memory store: the API key lifecycle and its rules, chunking under a
//! Windows-sized item limit, injected faults, every reconcile case, sessions and mint history.

use std::sync::Arc;

use drivly_core::ErrorCode;
use drivly_core::app_paths::AppPaths;
use drivly_core::profile::ProfileId;
use drivly_core::secret::{ApiKey, RefreshToken, SecretString};
use drivly_core::vault::{
    EntryKind, EntryName, JournalState, MINT_HISTORY_LIMIT, MemoryStore, MintRecord, OrphanScan,
    ReconcileAction, SecretStore, SessionRecord, StoreFault, Vault,
};
use uuid::Uuid;

const CANARY: &str = "sk_live_CANARY_0123456789abcdef";

fn open(
    dir: &std::path::Path,
    store: &MemoryStore,
) -> (Vault, drivly_core::vault::ReconcileReport) {
    Vault::open(&AppPaths::in_folder(dir), Arc::new(store.clone())).unwrap()
}

fn pid(s: &str) -> ProfileId {
    ProfileId::parse(s).unwrap()
}

#[test]
fn api_key_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, report) = open(dir.path(), &store);
    assert!(!report.needs_attention());
    assert_eq!(report.orphan_scan, OrphanScan::Done);

    let meta = vault
        .add_api_key(
            " CI key ",
            &pid("drivly"),
            &ApiKey::new(CANARY),
            Some("for CI".into()),
        )
        .unwrap();
    assert_eq!(meta.label, "CI key");
    assert_eq!(meta.masked_tail, "••••cdef");
    assert_eq!(meta.state, JournalState::Active);
    assert_eq!(
        vault.reveal_api_key(meta.id).unwrap().expose_secret(),
        CANARY
    );

    // The index holds no secret.
    let index =
        std::fs::read_to_string(AppPaths::in_folder(dir.path()).vault_index_file()).unwrap();
    assert!(!index.contains("CANARY"));

    let found = vault
        .find_api_key_by_label(&pid("drivly"), "ci KEY")
        .unwrap();
    assert_eq!(found.map(|k| k.id), Some(meta.id));
    assert!(
        vault
            .find_api_key_by_label(&pid("emulator"), "CI key")
            .unwrap()
            .is_none()
    );

    let renamed = vault.rename_api_key(meta.id, "deploy").unwrap();
    assert_eq!(renamed.label, "deploy");
    let touched = vault.touch_api_key(meta.id).unwrap();
    assert!(touched.last_used.is_some());

    vault.remove_api_key(meta.id).unwrap();
    assert!(vault.list_api_keys().unwrap().is_empty());
    assert!(store.item_names().is_empty());
    assert_eq!(
        vault.reveal_api_key(meta.id).unwrap_err().code(),
        "api_key_not_found"
    );
}

#[test]
fn rules_table() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = open(dir.path(), &MemoryStore::new());
    let p = pid("drivly");
    let key = ApiKey::new(CANARY);
    let first = vault.add_api_key("one", &p, &key, None).unwrap();
    vault.add_api_key("two", &p, &key, None).unwrap();
    // Same label on another profile is fine.
    vault
        .add_api_key("one", &pid("emulator"), &key, None)
        .unwrap();

    let long = "x".repeat(65);
    let cases = [
        (
            "duplicate",
            vault.add_api_key("ONE", &p, &key, None).map(|_| ()),
            "label_exists",
        ),
        (
            "empty label",
            vault.add_api_key("  ", &p, &key, None).map(|_| ()),
            "invalid_label",
        ),
        (
            "long label",
            vault.add_api_key(&long, &p, &key, None).map(|_| ()),
            "invalid_label",
        ),
        (
            "control",
            vault.add_api_key("a\nb", &p, &key, None).map(|_| ()),
            "invalid_label",
        ),
        (
            "note",
            vault
                .add_api_key("n", &p, &key, Some("y".repeat(501)))
                .map(|_| ()),
            "invalid_note",
        ),
        (
            "empty key",
            vault
                .add_api_key("e", &p, &ApiKey::new(" "), None)
                .map(|_| ()),
            "empty_secret",
        ),
        (
            "rename clash",
            vault.rename_api_key(first.id, "two").map(|_| ()),
            "label_exists",
        ),
        (
            "unknown",
            vault.touch_api_key(Uuid::new_v4()).map(|_| ()),
            "api_key_not_found",
        ),
    ];
    for (case, result, code) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.code(), code, "{case}");
        assert!(!format!("{err} {err:?}").contains("CANARY"), "{case}");
    }
    assert_eq!(vault.list_api_keys().unwrap().len(), 3);
}

#[test]
fn long_values_are_chunked_under_a_windows_sized_limit() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::with_max_item_size(2560);
    let (vault, _) = open(dir.path(), &store);
    for len in [1, 2559, 2560, 2561, 5120, 10_000, 40_000] {
        let value: String = (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let id = Uuid::new_v4();
        vault
            .put_refresh_token(id, &RefreshToken::new(value.clone()))
            .unwrap();
        assert!(store.item_sizes().iter().all(|&s| s <= 2560), "len {len}");
        assert_eq!(
            vault.get_refresh_token(id).unwrap().expose_secret(),
            value,
            "len {len}"
        );
        // Overwrite with a short value: the old chunks go.
        vault
            .put_refresh_token(id, &RefreshToken::new("short"))
            .unwrap();
        assert_eq!(store.item_names().len(), 1, "len {len}");
        assert!(vault.delete_refresh_token(id).unwrap());
        assert!(
            store.item_names().is_empty(),
            "len {len}: all chunks deleted"
        );
    }
    // A value that looks like a chunk header round-trips too.
    let id = Uuid::new_v4();
    let tricky = RefreshToken::new("DKCHUNK1 00 1 1 ab");
    vault.put_refresh_token(id, &tricky).unwrap();
    assert_eq!(
        vault.get_refresh_token(id).unwrap().expose_secret(),
        tricky.expose_secret()
    );
    // Over the overall limit.
    let huge = RefreshToken::new("z".repeat(70_000));
    assert_eq!(
        vault.put_refresh_token(id, &huge).unwrap_err().code(),
        "secret_too_long"
    );
}

#[test]
fn damaged_chunks_are_reported_not_returned() {
    let store = MemoryStore::with_max_item_size(256);
    let name = EntryName::new(EntryKind::RefreshToken, Uuid::new_v4());
    store.set(&name, &[7u8; 1000]).unwrap();
    let chunk = store
        .item_names()
        .into_iter()
        .find(|n| n.contains('#'))
        .unwrap();
    store.put_raw(&chunk, b"tampered");
    assert_eq!(store.get(&name).unwrap_err().code(), "secret_corrupt");
}

#[test]
fn injected_faults_give_distinct_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, _) = open(dir.path(), &store);
    let cases = [
        (StoreFault::Locked, "keyring_locked"),
        (StoreFault::Unavailable, "keyring_unavailable"),
        (StoreFault::Timeout, "keyring_timeout"),
        (StoreFault::TooLong, "secret_too_long"),
    ];
    for (fault, code) in cases {
        store.inject(&[fault]);
        let err = vault
            .add_api_key(code, &pid("drivly"), &ApiKey::new(CANARY), None)
            .unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!err.to_string().contains("CANARY"));
        // The failed add left nothing behind.
        assert!(vault.list_api_keys().unwrap().is_empty(), "{code}");
    }
    assert_eq!(
        vault.get_refresh_token(Uuid::new_v4()).unwrap_err().code(),
        "secret_missing"
    );
}

#[test]
fn a_locked_store_at_open_is_reported_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, _) = open(dir.path(), &store);
    vault
        .add_api_key("k", &pid("drivly"), &ApiKey::new(CANARY), None)
        .unwrap();
    drop(vault);
    store.inject(&[StoreFault::Locked]);
    let (vault, report) = open(dir.path(), &store);
    assert_eq!(report.store_error.as_ref().unwrap().code, "keyring_locked");
    assert!(report.needs_attention());
    assert_eq!(vault.list_api_keys().unwrap().len(), 1);
}

/// Writes an index by hand, as a crash at each journal step would leave it.
fn write_index(dir: &std::path::Path, keys: &[(Uuid, &str, &str)], sessions: &[(Uuid, &str)]) {
    let keys: Vec<serde_json::Value> = keys
        .iter()
        .map(|(id, label, state)| {
            serde_json::json!({"id": id, "label": label, "profileId": "drivly",
                "created": "2025-01-01T00:00:00Z", "maskedTail": "••••", "state": state})
        })
        .collect();
    let sessions: Vec<serde_json::Value> = sessions
        .iter()
        .map(|(id, state)| {
            serde_json::json!({"id": id, "profileId": "drivly", "created": "2025-01-01T00:00:00Z",
                "state": state, "customField": 7})
        })
        .collect();
    let doc = serde_json::json!({"schemaVersion": 1, "apiKeys": keys, "sessions": sessions});
    std::fs::write(
        AppPaths::in_folder(dir).vault_index_file(),
        serde_json::to_vec(&doc).unwrap(),
    )
    .unwrap();
}

#[test]
fn reconcile_fixes_or_reports_every_case() {
    reconcile_every_case(Arc::new(MemoryStore::new()));
}

/// Every journal state a crash can leave (pending with and without its secret, deleting, an
/// active record without a secret, an orphaned secret, a stale probe, sessions) reconciled over
/// `store`: the in-memory store here, the real keyring in `keyring_vault`.
pub(crate) fn reconcile_every_case(store: Arc<dyn SecretStore>) {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<Uuid> = (0..8).map(|_| Uuid::new_v4()).collect();
    let key = |i: usize| EntryName::new(EntryKind::ApiKey, ids[i]);
    // Secrets present for: pending-with (0), deleting (2), active (3); orphan (5); session (6).
    store.set(&key(0), b"k0").unwrap();
    store.set(&key(2), b"k2").unwrap();
    store.set(&key(3), b"k3").unwrap();
    store.set(&key(5), b"orphan").unwrap();
    let session_rt = EntryName::new(EntryKind::RefreshToken, ids[6]);
    store.set(&session_rt, b"rt").unwrap();
    store
        .set(&EntryName::new(EntryKind::Probe, Uuid::new_v4()), b"p")
        .unwrap();
    write_index(
        dir.path(),
        &[
            (ids[0], "pending-with", "pending"),
            (ids[1], "pending-without", "pending"),
            (ids[2], "deleting", "deleting"),
            (ids[3], "active", "active"),
            (ids[4], "missing", "active"),
        ],
        &[(ids[6], "active"), (ids[7], "deleting")],
    );

    let open = || Vault::open(&AppPaths::in_folder(dir.path()), Arc::clone(&store)).unwrap();
    let (vault, report) = open();
    let action_of = |id: Uuid| -> Vec<ReconcileAction> {
        report
            .items
            .iter()
            .filter(|i| i.id == id)
            .map(|i| i.action.clone())
            .collect()
    };
    assert_eq!(action_of(ids[0]), [ReconcileAction::PendingCompleted]);
    assert_eq!(action_of(ids[1]), [ReconcileAction::PendingRolledBack]);
    assert_eq!(action_of(ids[2]), [ReconcileAction::DeleteFinished]);
    assert!(action_of(ids[3]).is_empty());
    assert_eq!(action_of(ids[4]), [ReconcileAction::MissingSecret]);
    assert_eq!(action_of(ids[5]), [ReconcileAction::OrphanedSecret]);
    assert!(action_of(ids[6]).is_empty());
    assert_eq!(action_of(ids[7]), [ReconcileAction::DeleteFinished]);
    assert!(report.needs_attention());

    let keys = vault.list_api_keys().unwrap();
    let labels: Vec<(&str, bool)> = keys
        .iter()
        .map(|k| (k.label.as_str(), k.missing_secret))
        .collect();
    assert_eq!(
        labels,
        [
            ("pending-with", false),
            ("active", false),
            ("missing", true)
        ]
    );
    assert!(keys.iter().all(|k| k.state == JournalState::Active));
    // The deleting key's secret is gone from the store; the orphan is listed, never deleted;
    // the stale probe is cleaned. What the store holds now, exactly:
    assert_eq!(store.get(&key(5)).unwrap().expose(), b"orphan");
    let mut expected = vec![key(0), key(3), key(5), session_rt];
    expected.sort();
    let mut listed = store
        .list()
        .unwrap()
        .expect("the store can list its entries");
    listed.sort();
    assert_eq!(listed, expected);
    // Unknown session fields survive.
    assert_eq!(vault.get_session(ids[6]).unwrap().extra["customField"], 7);

    // A second open finds nothing new to fix, only what still needs the user.
    let (_, again) = open();
    let actions: Vec<ReconcileAction> = again.items.iter().map(|i| i.action.clone()).collect();
    assert_eq!(
        actions,
        [
            ReconcileAction::MissingSecret,
            ReconcileAction::OrphanedSecret
        ]
    );
}

#[test]
fn a_write_that_lands_after_a_timeout_is_completed_by_reconcile() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, _) = open(dir.path(), &store);
    // The write lands but reports a timeout, and the clean-up delete fails too (still stuck).
    store.inject(&[StoreFault::TimeoutAfterWrite, StoreFault::Timeout]);
    let err = vault
        .add_api_key("late", &pid("drivly"), &ApiKey::new(CANARY), None)
        .unwrap_err();
    assert_eq!(err.code(), "keyring_timeout");
    assert_eq!(
        vault.list_api_keys().unwrap()[0].state,
        JournalState::Pending
    );
    drop(vault);
    let (vault, report) = open(dir.path(), &store);
    assert_eq!(report.items[0].action, ReconcileAction::PendingCompleted);
    let id = vault.list_api_keys().unwrap()[0].id;
    assert_eq!(vault.reveal_api_key(id).unwrap().expose_secret(), CANARY);
}

#[test]
fn a_failed_removal_is_finished_at_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, _) = open(dir.path(), &store);
    let meta = vault
        .add_api_key("k", &pid("drivly"), &ApiKey::new(CANARY), None)
        .unwrap();
    store.inject(&[StoreFault::Locked]);
    assert_eq!(
        vault.remove_api_key(meta.id).unwrap_err().code(),
        "keyring_locked"
    );
    assert_eq!(
        vault.list_api_keys().unwrap()[0].state,
        JournalState::Deleting
    );
    drop(vault);
    let (vault, report) = open(dir.path(), &store);
    assert_eq!(report.items[0].action, ReconcileAction::DeleteFinished);
    assert!(vault.list_api_keys().unwrap().is_empty());
    assert!(store.item_names().is_empty());
}

#[test]
fn corrupt_index_is_moved_aside_and_keyring_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, _) = open(dir.path(), &store);
    let meta = vault
        .add_api_key("k", &pid("drivly"), &ApiKey::new(CANARY), None)
        .unwrap();
    drop(vault);
    let file = AppPaths::in_folder(dir.path()).vault_index_file();
    std::fs::write(&file, b"{\"schemaVersion\": 1, \"apiKeys\": [").unwrap();
    // No previous generation holds the key yet (the .bak is the pending step), so it may come
    // back as pending-completed or be an orphan: either way the secret is still there.
    let (_, report) = open(dir.path(), &store);
    assert!(report.file_notices[0].moved_to.is_some());
    let secret = store
        .get(&EntryName::new(EntryKind::ApiKey, meta.id))
        .unwrap();
    assert_eq!(secret.expose(), CANARY.as_bytes());
}

#[test]
fn sessions_and_mint_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let (vault, _) = open(dir.path(), &store);
    let id = Uuid::new_v4();
    let mut extra = serde_json::Map::new();
    extra.insert("issuer".into(), "http://127.0.0.1/api".into());
    let record = SessionRecord {
        id,
        profile_id: pid("emulator"),
        subject: Some("user-1".into()),
        account: None,
        label: None,
        permissions: vec!["invoices.read".into()],
        created: chrono::Utc::now(),
        last_refresh: None,
        next_refresh: None,
        jwt_expires: None,
        server_clock_skew_secs: None,
        refresh_token_unusable: false,
        extra,
        state: JournalState::Pending,
    };
    vault
        .put_refresh_token(id, &RefreshToken::new("rt-CANARY"))
        .unwrap();
    vault
        .put_session_secret(id, &SecretString::from("jwt-CANARY"))
        .unwrap();
    let stored = vault.put_session(record.clone()).unwrap();
    assert_eq!(stored.state, JournalState::Active);
    assert_eq!(
        vault.get_session(id).unwrap().extra["issuer"],
        "http://127.0.0.1/api"
    );
    assert_eq!(
        vault.get_refresh_token(id).unwrap().expose_secret(),
        "rt-CANARY"
    );
    assert_eq!(
        vault.get_session_secret(id).unwrap().expose_secret(),
        "jwt-CANARY"
    );
    vault
        .put_refresh_token(id, &RefreshToken::new("rt-rotated"))
        .unwrap();
    assert_eq!(
        vault.get_refresh_token(id).unwrap().expose_secret(),
        "rt-rotated"
    );
    vault.remove_session(id).unwrap();
    assert!(vault.list_sessions().unwrap().is_empty());
    assert!(store.item_names().is_empty());
    assert_eq!(
        vault.remove_session(id).unwrap_err().code(),
        "session_not_found"
    );

    for i in 0..MINT_HISTORY_LIMIT + 5 {
        vault
            .append_mint(MintRecord {
                label: Some(format!("m{i}")),
                profile_id: pid("drivly"),
                key_id: None,
                permissions: vec!["invoices.read".into()],
                expires: None,
                minted_at: chrono::Utc::now(),
            })
            .unwrap();
    }
    let mints = vault.list_mints().unwrap();
    assert_eq!(mints.len(), MINT_HISTORY_LIMIT);
    assert_eq!(mints[0].label.as_deref(), Some("m5"));
}
