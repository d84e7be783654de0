//! Profile store tests: built-ins, CRUD rules, active profile and its override, settings,
//! damaged files moved aside and reported, and concurrent writers losing no update.

use std::sync::Arc;

use drivly_core::ErrorCode;
use drivly_core::app_paths::AppPaths;
use drivly_core::clock::SystemClock;
use drivly_core::durable_file::FileNoticeKind;
use drivly_core::profile::store::{ConfigError, EnvOverrides, ProfileStore};
use drivly_core::profile::{Endpoints, Environment, Profile, ProfileId, RedirectForm};
use drivly_core::settings::{SettingsPatch, Theme};

fn store_in(dir: &std::path::Path, overrides: EnvOverrides) -> ProfileStore {
    ProfileStore::open_with(&AppPaths::in_folder(dir), overrides, Arc::new(SystemClock)).unwrap()
}

fn custom(id: &str) -> Profile {
    Profile {
        id: ProfileId::parse(id).unwrap(),
        name: format!("Custom {id}"),
        base_url: Profile::validate_base_url("https://staging.example/api").unwrap(),
        environment: Environment::Sandbox,
        endpoints: Endpoints::default(),
        redirect_form: RedirectForm::Token,
        dashboard_url: None,
        api_key_revoke_url: None,
        client_id: None,
    }
}

fn id(s: &str) -> ProfileId {
    ProfileId::parse(s).unwrap()
}

#[test]
fn built_ins_are_always_listed_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path(), EnvOverrides::default());
    let ids: Vec<String> = store
        .list()
        .unwrap()
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(ids, ["drivly", "drivly-sandbox", "emulator"]);
    assert_eq!(store.active().unwrap().id.as_str(), "drivly");
    assert!(store.take_notices().is_empty());
}

#[test]
fn crud_rules_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path(), EnvOverrides::default());
    store.add(custom("staging")).unwrap();

    let mut bad_name = custom("other");
    bad_name.name = "  ".into();
    let cases: Vec<(&str, Result<Profile, ConfigError>, &str)> = vec![
        ("duplicate", store.add(custom("staging")), "profile_exists"),
        (
            "duplicate built-in",
            store.add(custom("drivly")),
            "profile_exists",
        ),
        (
            "empty name",
            store.add(bad_name),
            "invalid_profile_display_name",
        ),
        (
            "remove built-in",
            store.remove(&id("drivly")),
            "profile_built_in",
        ),
        (
            "remove unknown",
            store.remove(&id("nope")),
            "profile_not_found",
        ),
        (
            "update unknown",
            store.update(custom("nope")),
            "profile_not_found",
        ),
        (
            "activate unknown",
            store.set_active(&id("nope")),
            "profile_not_found",
        ),
    ];
    for (case, result, code) in cases {
        assert_eq!(result.unwrap_err().code(), code, "{case}");
    }

    let mut edited = custom("staging");
    edited.endpoints.refresh = "oauth/refresh".into();
    store.update(edited.clone()).unwrap();
    assert_eq!(store.get(&id("staging")).unwrap(), edited);

    // Built-ins can be edited (endpoint paths differ on the real service) but not removed.
    let mut drivly = Profile::drivly();
    drivly.endpoints.revoke = None;
    store.update(drivly.clone()).unwrap();
    assert_eq!(store.get(&id("drivly")).unwrap(), drivly);

    store.set_active(&id("staging")).unwrap();
    assert_eq!(store.active().unwrap().id.as_str(), "staging");
    store.remove(&id("staging")).unwrap();
    assert_eq!(store.active().unwrap().id.as_str(), "drivly");
    assert_eq!(store.list().unwrap().len(), 3);
}

#[test]
fn changes_are_seen_by_another_store_on_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let app = store_in(dir.path(), EnvOverrides::default());
    let cli = store_in(dir.path(), EnvOverrides::default());
    cli.add(custom("shared")).unwrap();
    cli.set_active(&id("shared")).unwrap();
    assert_eq!(app.active().unwrap().id.as_str(), "shared");
}

#[test]
fn environment_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let overrides = EnvOverrides {
        emulator_url: Some("http://127.0.0.1:45678/api".into()),
        profile: Some("emulator".into()),
    };
    let store = store_in(dir.path(), overrides);
    let active = store.active().unwrap();
    assert_eq!(active.id.as_str(), "emulator");
    assert_eq!(active.base_url.as_str(), "http://127.0.0.1:45678/api");
    assert_eq!(
        active.api_key_revoke_url.unwrap().as_str(),
        "http://127.0.0.1:45678/__emulator/api-keys/revoke"
    );
    // The override is per process: the stored choice is untouched.
    let plain = store_in(dir.path(), EnvOverrides::default());
    assert_eq!(plain.active().unwrap().id.as_str(), "drivly");

    for (overrides, case) in [
        (
            EnvOverrides {
                emulator_url: Some("ftp://x".into()),
                profile: None,
            },
            "bad url",
        ),
        (
            EnvOverrides {
                emulator_url: None,
                profile: Some("Not A Slug".into()),
            },
            "bad profile",
        ),
    ] {
        let store = store_in(dir.path(), overrides);
        let err = store.active().unwrap_err();
        assert_eq!(err.code(), "invalid_environment_variable", "{case}");
    }
}

#[test]
fn settings_round_trip_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path(), EnvOverrides::default());
    assert_eq!(store.settings().unwrap().clipboard_clear_seconds, 30);
    let patch = SettingsPatch {
        clipboard_clear_seconds: Some(0),
        launch_minimised: Some(true),
        theme: Some(Theme::Dark),
        global_shortcut: Some(Some("alt+super+k".into())),
    };
    store.update_settings(&patch).unwrap();
    let s = store_in(dir.path(), EnvOverrides::default())
        .settings()
        .unwrap();
    assert_eq!(
        s.global_shortcut.as_deref(),
        Some("Alt+Super+K"),
        "kept in its canonical spelling"
    );
    assert_eq!(
        (s.clipboard_clear_seconds, s.launch_minimised, s.theme),
        (0, true, Theme::Dark)
    );
    let err = store
        .update_settings(&SettingsPatch {
            clipboard_clear_seconds: Some(1_000_000),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid_setting");
}

#[test]
fn damaged_config_is_moved_aside_reported_and_backup_used() {
    let cases: [(&[u8], &str); 3] = [
        (b"{\"schemaVersion\": 99, \"profiles\": []}", "future"),
        (b"{\"schemaVersion\": 1, \"profiles\": [", "truncated"),
        (b"", "empty"),
    ];
    for (content, case) in cases {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(dir.path(), EnvOverrides::default());
        store.add(custom("first")).unwrap();
        store.add(custom("second")).unwrap();
        let file = AppPaths::in_folder(dir.path()).config_file();
        std::fs::write(&file, content).unwrap();

        let reopened = store_in(dir.path(), EnvOverrides::default());
        let notices = reopened.take_notices();
        assert_eq!(notices.len(), 2, "{case}: {notices:?}");
        let moved = notices[0].moved_to.clone().expect("moved aside");
        assert_eq!(std::fs::read(&moved).unwrap(), content, "{case}");
        if case == "future" {
            assert!(matches!(
                notices[0].kind,
                FileNoticeKind::FutureVersion { found: 99, .. }
            ));
        }
        assert_eq!(
            notices[1].kind,
            FileNoticeKind::RestoredFromBackup,
            "{case}"
        );
        // The previous generation had only "first".
        let ids: Vec<String> = reopened
            .list()
            .unwrap()
            .iter()
            .map(|p| p.id.to_string())
            .collect();
        assert_eq!(
            ids,
            ["drivly", "drivly-sandbox", "emulator", "first"],
            "{case}"
        );
        assert!(reopened.take_notices().is_empty(), "{case}: reported once");
    }
}

#[test]
fn concurrent_writers_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                // Each thread has its own store (its own lock file handle), like two processes.
                let store = store_in(&path, EnvOverrides::default());
                for i in 0..10 {
                    store.add(custom(&format!("p{t}-{i}"))).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let store = store_in(&path, EnvOverrides::default());
    assert_eq!(store.list().unwrap().len(), 43);
}

#[test]
fn protocol_settings_are_checked_on_every_write_and_drivly_env_names_a_built_in() {
    use drivly_core::profile::store::profile_for_drivly_env;
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path(), EnvOverrides::default());
    let mut p = custom("staging");
    p.endpoints.refresh = "https://evil.example/steal".into();
    let err = store.add(p.clone()).unwrap_err();
    assert_eq!(err.code(), drivly_core::Code::InvalidProfileSetting);
    p.endpoints.refresh = "oauth/refresh".into();
    p.client_id = Some("app_1".into());
    store.add(p).unwrap();
    let back = store.get(&id("staging")).unwrap();
    assert_eq!(back.endpoints.refresh, "oauth/refresh");
    assert_eq!(back.client_id.as_deref(), Some("app_1"));

    assert_eq!(
        profile_for_drivly_env("Sandbox").unwrap().as_str(),
        "drivly-sandbox"
    );
    assert_eq!(
        profile_for_drivly_env("production").unwrap().as_str(),
        "drivly"
    );
    assert!(profile_for_drivly_env("staging").is_err());
    assert!(store.get(&id("drivly-sandbox")).unwrap().is_built_in());
}
