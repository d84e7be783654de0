//! The watch against the real stores: each write made through a second handle (as another
//! process would) arrives as a typed notice within 2 s, and reads or idle time wake nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::clock::SystemClock;
use crate::profile::store::{EnvOverrides, ProfileStore};
use crate::profile::{Profile, ProfileId};
use crate::secret::ApiKey;
use crate::settings::{SettingsPatch, Theme};
use crate::vault::{JournalState, MemoryStore, SessionRecord, Vault};

/// The promise to the user: a change shows within 2 s.
const PROMISE: Duration = Duration::from_secs(2);

struct Setup {
    _dir: tempfile::TempDir,
    paths: AppPaths,
    profiles: ProfileStore,
    vault: Vault,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let paths = AppPaths::in_folder(dir.path());
    let profiles = ProfileStore::open_with(&paths, EnvOverrides::default(), Arc::new(SystemClock))
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (vault, _) =
        Vault::open(&paths, Arc::new(MemoryStore::new())).unwrap_or_else(|e| unreachable!("{e}"));
    // Both files exist, as after any first use (a first write reports every section of its
    // file, since none was there before).
    profiles
        .update_settings(&SettingsPatch::default())
        .unwrap_or_else(|e| unreachable!("{e}"));
    let first = vault
        .put_session(session_record())
        .unwrap_or_else(|e| unreachable!("{e}"));
    vault
        .remove_session(first.id)
        .unwrap_or_else(|e| unreachable!("{e}"));
    Setup {
        _dir: dir,
        paths,
        profiles,
        vault,
    }
}

/// The next notice, and how long it took; fails the test after 10 s.
async fn next_within(watch: &mut StoreWatch) -> (StoreChanges, Duration) {
    let started = Instant::now();
    let changes = tokio::time::timeout(Duration::from_secs(10), watch.next())
        .await
        .unwrap_or_else(|_| unreachable!("no change notice within 10 s"));
    (changes, started.elapsed())
}

fn only(changes: &StoreChanges, expected: &[Store]) {
    let got: Vec<Store> = changes.iter().collect();
    assert_eq!(got, expected);
}

fn session_record() -> SessionRecord {
    SessionRecord {
        id: uuid::Uuid::new_v4(),
        profile_id: ProfileId::parse("emulator").unwrap_or_else(|e| unreachable!("{e}")),
        subject: Some("usr_demo".into()),
        account: None,
        label: None,
        permissions: vec!["invoices.read".into()],
        created: chrono::Utc::now(),
        last_refresh: None,
        next_refresh: None,
        jwt_expires: None,
        server_clock_skew_secs: None,
        refresh_token_unusable: false,
        extra: serde_json::Map::new(),
        state: JournalState::Active,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_store_written_elsewhere_is_reported_by_name() {
    let s = setup();
    let mut watch = StoreWatch::start(&s.paths).unwrap_or_else(|e| unreachable!("{e}"));

    let mut staging = Profile::emulator(
        url::Url::parse("http://127.0.0.1:9/").unwrap_or_else(|e| unreachable!("{e}")),
    );
    staging.id = ProfileId::parse("staging").unwrap_or_else(|e| unreachable!("{e}"));
    staging.name = "Staging".into();
    s.profiles
        .add(staging)
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (changes, took) = next_within(&mut watch).await;
    only(&changes, &[Store::Profiles]);
    assert!(took < PROMISE, "{took:?}");

    s.profiles
        .update_settings(&SettingsPatch {
            theme: Some(Theme::Dark),
            ..SettingsPatch::default()
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (changes, took) = next_within(&mut watch).await;
    only(&changes, &[Store::Settings]);
    assert!(took < PROMISE, "{took:?}");

    let emulator = ProfileId::parse("emulator").unwrap_or_else(|e| unreachable!("{e}"));
    let key = s
        .vault
        .add_api_key(
            "ci",
            &emulator,
            &ApiKey::new("dk_test_0123456789abcdef"),
            None,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (changes, took) = next_within(&mut watch).await;
    only(&changes, &[Store::ApiKeys]);
    assert!(took < PROMISE, "{took:?}");

    s.vault
        .rename_api_key(key.id, "ci-renamed")
        .unwrap_or_else(|e| unreachable!("{e}"));
    only(&next_within(&mut watch).await.0, &[Store::ApiKeys]);

    let record = s
        .vault
        .put_session(session_record())
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (changes, took) = next_within(&mut watch).await;
    only(&changes, &[Store::Sessions]);
    assert!(took < PROMISE, "{took:?}");

    s.vault
        .remove_session(record.id)
        .unwrap_or_else(|e| unreachable!("{e}"));
    only(&next_within(&mut watch).await.0, &[Store::Sessions]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_and_idle_time_wake_nothing() {
    let s = setup();
    let mut watch = StoreWatch::start(&s.paths).unwrap_or_else(|e| unreachable!("{e}"));
    // Reading through the stores (each takes the lock file and opens the file) is not a change.
    for _ in 0..5 {
        s.profiles.list().unwrap_or_else(|e| unreachable!("{e}"));
        s.profiles
            .settings()
            .unwrap_or_else(|e| unreachable!("{e}"));
        s.vault
            .list_api_keys()
            .unwrap_or_else(|e| unreachable!("{e}"));
        s.vault
            .list_sessions()
            .unwrap_or_else(|e| unreachable!("{e}"));
    }
    let quiet = tokio::time::timeout(Duration::from_millis(1500), watch.next()).await;
    assert!(quiet.is_err(), "a read was reported as a change");
    assert_eq!(watch.checks(), 0, "reads woke the watch");

    // A write wakes it once; then it stays asleep, its own reads included.
    s.profiles
        .update_settings(&SettingsPatch {
            launch_minimised: Some(true),
            ..SettingsPatch::default()
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
    only(&next_within(&mut watch).await.0, &[Store::Settings]);
    let after_change = watch.checks();
    let quiet = tokio::time::timeout(Duration::from_millis(1500), watch.next()).await;
    assert!(quiet.is_err(), "an idle watch reported a change");
    assert_eq!(watch.checks(), after_change, "the idle watch woke up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewrite_with_the_same_content_and_foreign_files_report_nothing() {
    let s = setup();
    s.profiles
        .update_settings(&SettingsPatch {
            theme: Some(Theme::Light),
            ..SettingsPatch::default()
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
    let mut watch = StoreWatch::start(&s.paths).unwrap_or_else(|e| unreachable!("{e}"));
    // The same settings again: the file is rewritten (temp + rename + .bak), nothing changed.
    s.profiles
        .update_settings(&SettingsPatch {
            theme: Some(Theme::Light),
            ..SettingsPatch::default()
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
    // Other files in the folder are not ours to report.
    std::fs::write(s.paths.config_dir().join("notes.txt"), b"hello")
        .unwrap_or_else(|e| unreachable!("{e}"));
    let quiet = tokio::time::timeout(Duration::from_millis(1500), watch.next()).await;
    assert!(quiet.is_err(), "an unchanged rewrite was reported");
}
