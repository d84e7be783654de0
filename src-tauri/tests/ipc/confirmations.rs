//! What a compromised page cannot do even though it may call every command (issue #13 items 1
//! and 16): reveal a key, move a profile's credentials to another URL, or delete what a profile
//! holds without the person approving in a native dialog; send a held token to another
//! server's profile. Each refusal and each approval is proved here, at the IPC layer.

use drivly_core::vault::{EntryKind, SecretStore};
use serde_json::json;

use super::{Harness, harness};

/// Adds the profile `id` at `url`.
fn add_profile(h: &Harness, id: &str, url: &str) {
    h.invoke(
        "add_profile",
        json!({"input": {"id": id, "name": id, "baseUrl": url, "environment": "local"}}),
    )
    .expect("profile added");
}

fn base_url_of(h: &Harness, id: &str) -> String {
    let profiles = h.invoke("list_profiles", json!({})).expect("listed");
    profiles
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["id"] == id)
        .and_then(|p| p["baseUrl"].as_str())
        .expect("the profile")
        .to_owned()
}

#[test]
fn reveal_takes_a_native_confirmation_that_stands_for_a_minute_per_key() {
    let h = harness();
    let id = h.add_demo_key();

    // Cancelled in the dialog: nothing is revealed.
    h.confirm.set(false);
    assert_eq!(
        h.code_of("reveal_api_key", json!({"id": id})),
        "not_confirmed"
    );
    let asked = h.confirm.asked();
    assert_eq!(asked.len(), 1, "the dialog was shown once");
    assert!(
        asked[0].message.contains("demo"),
        "it names the key: {asked:?}"
    );
    assert!(
        !asked[0].message.contains(&h.emulator.demo_api_key()),
        "the dialog never shows the key itself"
    );

    // Approved: revealed; again within the minute: revealed without asking.
    h.confirm.set(true);
    let key = h.invoke("reveal_api_key", json!({"id": id})).expect("ok");
    assert_eq!(key, h.emulator.demo_api_key());
    h.confirm.set(false);
    let again = h.invoke("reveal_api_key", json!({"id": id})).expect("ok");
    assert_eq!(again, key);
    assert_eq!(
        h.confirm.asked().len(),
        2,
        "a recent approval is not asked again"
    );

    // The approval is for that key only.
    let other = h
        .invoke(
            "add_api_key",
            json!({"input": {"label": "other", "profileId": "emulator", "secret": "dk_other_key_123", "note": null}}),
        )
        .expect("added")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        h.code_of("reveal_api_key", json!({"id": other})),
        "not_confirmed"
    );
    assert_eq!(h.confirm.asked().len(), 3);
}

#[test]
fn a_url_moves_under_credentials_only_with_native_approval_and_never_for_built_ins() {
    let h = harness();
    add_profile(&h, "staging", "https://staging.example/api");
    h.invoke(
        "add_api_key",
        json!({"input": {"label": "staging", "profileId": "staging", "secret": "dk_staging_key", "note": null}}),
    )
    .expect("key added");
    let moved = json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "https://other.example/api", "environment": "sandbox"}});

    h.confirm.set(false);
    assert_eq!(h.code_of("update_profile", moved.clone()), "not_confirmed");
    assert_eq!(base_url_of(&h, "staging"), "https://staging.example/api");
    let asked = h.confirm.asked();
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].message.contains("https://other.example/api")
            && asked[0].message.contains("1 API key")
            && asked[0].message.contains("belong to the new URL"),
        "the dialog says what moves where: {:?}",
        asked[0].message
    );

    h.confirm.set(true);
    let updated = h.invoke("update_profile", moved).expect("approved");
    assert_eq!(updated["baseUrl"], "https://other.example/api");

    // A built-in profile's URL never changes, approved or not (and nothing is asked).
    let code = h.code_of(
        "update_profile",
        json!({"input": {"id": "emulator", "name": "Emulator", "baseUrl": "https://evil.example/api", "environment": "local"}}),
    );
    assert_eq!(code, "profile_url_fixed");
    assert_eq!(
        h.confirm.asked().len(),
        2,
        "asked once per move, not for the built-in"
    );
}

#[test]
fn a_held_token_is_sent_only_to_its_own_profiles_origin() {
    let h = harness();
    let minted = h.mint();
    assert_eq!(
        minted["profileId"], "emulator",
        "the UI learns where it may go"
    );
    // Another server: refused before anything is sent.
    add_profile(&h, "elsewhere", "https://evil.example/api");
    let to = |profile: &str, token_ref: &serde_json::Value| json!({"input": {"source": {"tokenRef": token_ref}, "profileId": profile, "method": "GET", "resource": "invoices"}});
    assert_eq!(
        h.code_of("try_it", to("elsewhere", &minted["tokenRef"])),
        "token_wrong_origin"
    );
    // Another profile on the same origin is the same server: allowed.
    add_profile(&h, "same-server", h.emulator.base_url().as_ref());
    let same = h
        .invoke("try_it", to("same-server", &minted["tokenRef"]))
        .expect("same origin");
    assert_eq!(same["status"], 200);

    // A session's JWT, held for the inspector, likewise.
    let session = h.sign_in();
    let held = h
        .invoke("session_token", json!({"sessionId": session}))
        .expect("held");
    assert_eq!(held["profileId"], "emulator");
    assert_eq!(
        h.code_of("try_it", to("elsewhere", &held["tokenRef"])),
        "token_wrong_origin"
    );
    let own = h
        .invoke("try_it", to("emulator", &held["tokenRef"]))
        .expect("its own profile");
    assert_eq!(own["status"], 200);
}

/// The store's items for keys and sessions (never the probe or a pending sign-in).
fn credential_items(h: &Harness) -> usize {
    h.store
        .list()
        .expect("listed")
        .unwrap_or_default()
        .iter()
        .filter(|n| {
            matches!(
                n.kind,
                EntryKind::ApiKey | EntryKind::RefreshToken | EntryKind::SessionSecret
            )
        })
        .count()
}

#[test]
fn removing_a_profile_says_what_it_holds_and_once_approved_removes_it_all() {
    let h = harness();
    add_profile(&h, "second", h.emulator.base_url().as_ref());
    h.invoke(
        "add_api_key",
        json!({"input": {"label": "second", "profileId": "second", "secret": h.emulator.demo_api_key(), "note": null}}),
    )
    .expect("key added");
    h.sign_in_to("second");
    let held = credential_items(&h);
    assert!(held >= 2, "a key and the session's secrets: {held}");

    h.confirm.set(false);
    assert_eq!(
        h.code_of("remove_profile", json!({"id": "second"})),
        "not_confirmed"
    );
    let asked = h.confirm.asked();
    assert!(
        asked[0].message.contains("1 API key and 1 session"),
        "the dialog says what it holds: {:?}",
        asked[0].message
    );
    assert_eq!(
        credential_items(&h),
        held,
        "nothing removed without approval"
    );
    assert_eq!(base_url_of(&h, "second"), h.emulator.base_url().to_string());

    h.confirm.set(true);
    let removed = h
        .invoke("remove_profile", json!({"id": "second"}))
        .expect("approved");
    assert_eq!(
        (removed["keys"].clone(), removed["sessions"].clone()),
        (json!(1), json!(1))
    );
    assert!(
        !removed["message"]
            .as_str()
            .expect("a message")
            .contains("could not be revoked"),
        "the session was revoked on the server: {removed}"
    );
    assert_eq!(credential_items(&h), 0, "no secret left behind");
    assert_eq!(
        h.invoke("list_api_keys", json!({})).expect("listed"),
        json!([])
    );
    assert_eq!(
        h.invoke("list_sessions", json!({})).expect("listed"),
        json!([])
    );
    let profiles = h.invoke("list_profiles", json!({})).expect("listed");
    assert!(
        !profiles
            .as_array()
            .expect("a list")
            .iter()
            .any(|p| p["id"] == "second")
    );
}

#[test]
fn keyring_items_unnamed_for_a_day_are_removed_when_storage_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = drivly_core::vault::MemoryStore::new();
    let old = drivly_core::vault::EntryName::new(EntryKind::RefreshToken, uuid::Uuid::new_v4());
    let new = drivly_core::vault::EntryName::new(EntryKind::ApiKey, uuid::Uuid::new_v4());
    store.set(&old, b"drt_left_behind").expect("stored");
    store.set(&new, b"sk_left_behind").expect("stored");
    // `old` was first seen unnamed two days ago; `new` never.
    let paths = drivly_core::app_paths::AppPaths::in_folder(dir.path());
    std::fs::create_dir_all(paths.data_dir()).expect("folder");
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    std::fs::write(
        paths.data_dir().join("orphans-seen.json"),
        json!({"schemaVersion": 1, "firstSeen": {old.user(): two_days_ago}}).to_string(),
    )
    .expect("written");
    let h = super::harness_over(dir, store);
    h.invoke("list_api_keys", json!({})).expect("storage opens");
    let names = h.store.item_names();
    assert!(!names.contains(&old.user()), "swept: {names:?}");
    assert!(names.contains(&new.user()), "kept for its grace period");
}
