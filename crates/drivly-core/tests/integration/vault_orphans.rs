//! Orphaned keyring items (issue #13 item 16): found, remembered, and removed only after the
//! grace period, never while an index entry (even a `pending` one) names them; over the
//! in-memory store with a manual clock, and once over the real keyring.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use drivly_core::app_paths::AppPaths;
use drivly_core::clock::{Clock, ManualClock};
use drivly_core::profile::ProfileId;
use drivly_core::secret::{ApiKey, RefreshToken};
use drivly_core::vault::{
    EntryKind, EntryName, JournalState, MemoryStore, ORPHAN_GRACE, SecretStore, SessionRecord,
    Vault,
};
use uuid::Uuid;

fn vault_at(dir: &std::path::Path, store: &MemoryStore, clock: &Arc<ManualClock>) -> Vault {
    let clock: Arc<dyn Clock> = clock.clone();
    Vault::open_with_clock(&AppPaths::in_folder(dir), Arc::new(store.clone()), clock)
        .unwrap()
        .0
}

#[test]
fn an_orphan_is_removed_only_after_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
    ));
    let vault = vault_at(dir.path(), &store, &clock);

    // Owned items: a key and a session's token; never touched.
    let key = vault
        .add_api_key(
            "kept",
            &ProfileId::parse("drivly").unwrap(),
            &ApiKey::new("dk_kept_key_1"),
            None,
        )
        .unwrap();
    // Unowned: a key and a refresh token no entry names (a profile removed by an older build).
    let lost_key = EntryName::new(EntryKind::ApiKey, Uuid::new_v4());
    let lost_token = EntryName::new(EntryKind::RefreshToken, Uuid::new_v4());
    store.set(&lost_key, b"sk_live_orphan").unwrap();
    vault
        .put_refresh_token(lost_token.id, &RefreshToken::new("drt_orphan"))
        .unwrap();
    // A pending sign-in and a probe are never orphans.
    let pending = EntryName::new(EntryKind::PendingSignIn, Uuid::new_v4());
    store.set(&pending, b"state").unwrap();

    let found = vault.find_orphans().unwrap();
    assert!(found.enumerable);
    let mut entries: Vec<_> = found.remaining.iter().map(|o| o.entry.clone()).collect();
    entries.sort();
    let mut expected = vec![lost_key.user(), lost_token.user()];
    expected.sort();
    assert_eq!(entries, expected);
    assert!(found.remaining.iter().all(|o| o.first_seen.is_none()));

    // First sweep: remembered, not removed.
    let first = vault.sweep_orphans(ORPHAN_GRACE).unwrap();
    assert!(first.removed.is_empty());
    assert_eq!(first.remaining.len(), 2);
    let paths = AppPaths::in_folder(dir.path());
    let seen = std::fs::read_to_string(paths.data_dir().join("orphans-seen.json")).unwrap();
    assert!(
        !seen.contains("sk_live_orphan") && !seen.contains("drt_orphan"),
        "no value on disk"
    );

    // Within the grace period: still kept.
    clock.advance(chrono::Duration::hours(23));
    assert!(
        vault
            .sweep_orphans(ORPHAN_GRACE)
            .unwrap()
            .removed
            .is_empty()
    );

    // Past it: removed; what an entry names and the pending sign-in stay.
    clock.advance(chrono::Duration::hours(2));
    let swept = vault.sweep_orphans(ORPHAN_GRACE).unwrap();
    assert_eq!(swept.removed.len(), 2);
    assert!(swept.remaining.is_empty());
    let names = store.item_names();
    assert!(names.contains(&EntryName::new(EntryKind::ApiKey, key.id).user()));
    assert!(names.contains(&pending.user()));
    assert!(!names.contains(&lost_key.user()) && !names.contains(&lost_token.user()));
}

#[test]
fn an_item_named_again_is_forgotten_and_never_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
    ));
    let vault = vault_at(dir.path(), &store, &clock);
    // A sign-in writes its refresh token before its record: for a moment it looks orphaned.
    let session = Uuid::new_v4();
    vault
        .put_refresh_token(session, &RefreshToken::new("drt_new_session"))
        .unwrap();
    assert_eq!(
        vault.sweep_orphans(Duration::ZERO).unwrap().remaining.len(),
        1
    );
    vault
        .put_session(SessionRecord {
            id: session,
            profile_id: ProfileId::parse("emulator").unwrap(),
            subject: None,
            account: None,
            label: None,
            permissions: vec!["invoices.read".into()],
            created: clock.now(),
            last_refresh: None,
            next_refresh: None,
            jwt_expires: None,
            server_clock_skew_secs: None,
            refresh_token_unusable: false,
            extra: serde_json::Map::new(),
            state: JournalState::Pending,
        })
        .unwrap();
    clock.advance(chrono::Duration::days(2));
    let swept = vault.sweep_orphans(Duration::ZERO).unwrap();
    assert!(swept.removed.is_empty() && swept.remaining.is_empty());
    assert!(vault.get_refresh_token(session).is_ok());
}

#[test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
fn orphans_in_the_real_keyring_are_swept() {
    let service = super::keyring_gnome::test_service();
    let store: Arc<dyn SecretStore> = Arc::new(super::keyring_gnome::platform_store(&service));
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::open(&AppPaths::in_folder(dir.path()), Arc::clone(&store)).unwrap();
    let kept = vault
        .add_api_key(
            "kept",
            &ProfileId::parse("drivly").unwrap(),
            &ApiKey::new("dk_kept_real"),
            None,
        )
        .unwrap();
    let lost = EntryName::new(EntryKind::RefreshToken, Uuid::new_v4());
    store.set(&lost, b"drt_real_orphan").unwrap();
    let found = vault.find_orphans().unwrap();
    assert_eq!(
        found
            .remaining
            .iter()
            .map(|o| o.entry.clone())
            .collect::<Vec<_>>(),
        vec![lost.user()]
    );
    // A zero grace still takes two sweeps: one to see it, one to remove it.
    assert!(
        vault
            .sweep_orphans(Duration::ZERO)
            .unwrap()
            .removed
            .is_empty()
    );
    assert_eq!(
        vault.sweep_orphans(Duration::ZERO).unwrap().removed.len(),
        1
    );
    assert!(store.get(&lost).is_err());
    assert!(vault.reveal_api_key(kept.id).is_ok());
    vault.remove_api_key(kept.id).unwrap();
}
