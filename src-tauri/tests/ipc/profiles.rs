//! App and profiles: each command once on its happy path, once on an error path.

use serde_json::{Value, json};

use super::harness;

#[test]
fn app_info() {
    let h = harness();
    let info = h.invoke("app_info", json!({})).expect("ok");
    assert_eq!(info["activeProfile"]["id"], "emulator");
    // Error path: a page from another origin cannot call the app's commands at all.
    h.assert_refused_elsewhere("app_info");
}

#[test]
fn list_profiles() {
    let h = harness();
    let profiles = h.invoke("list_profiles", json!({})).expect("ok");
    assert!(
        profiles
            .as_array()
            .expect("a list")
            .iter()
            .any(|p| p["id"] == "emulator" && p["builtIn"] == true)
    );
    h.assert_refused_elsewhere("list_profiles");
}

fn staging() -> Value {
    json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "https://staging.example/api", "environment": "sandbox"}})
}

#[test]
fn add_profile() {
    let h = harness();
    let added = h.invoke("add_profile", staging()).expect("ok");
    assert_eq!(added["environment"], "sandbox");
    assert_eq!(h.code_of("add_profile", staging()), "profile_exists");
}

#[test]
fn update_profile() {
    let h = harness();
    h.invoke("add_profile", staging()).expect("added");
    let updated = h
        .invoke(
            "update_profile",
            json!({"input": {"id": "staging", "name": "Staging 2", "baseUrl": "https://staging.example/api", "environment": "sandbox"}}),
        )
        .expect("ok");
    assert_eq!(updated["name"], "Staging 2");
    let code = h.code_of(
        "update_profile",
        json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "not a url", "environment": "sandbox"}}),
    );
    assert_eq!(code, "invalid_url");
}

#[test]
fn update_profile_keeps_credentials_on_their_server() {
    let h = harness();
    // A built-in profile's URL never changes (its name may).
    let code = h.code_of(
        "update_profile",
        json!({"input": {"id": "emulator", "name": "Emulator", "baseUrl": "https://evil.example/api", "environment": "local"}}),
    );
    assert_eq!(code, "profile_url_fixed");
    // A profile holding a key keeps its URL: the key would be sent to the new host.
    h.invoke("add_profile", staging()).expect("added");
    h.invoke(
        "add_api_key",
        json!({"input": {"label": "staging", "profileId": "staging", "secret": "dk_staging_key", "note": null}}),
    )
    .expect("key added");
    // Unless the native dialog approves it (tests/ipc/confirmations.rs), which it does not here.
    h.confirm.set(false);
    let moved = json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "https://evil.example/api", "environment": "sandbox"}});
    assert_eq!(h.code_of("update_profile", moved), "not_confirmed");
    let profiles = h.invoke("list_profiles", json!({})).expect("listed");
    let staging = profiles
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["id"] == "staging")
        .expect("still there");
    assert_eq!(staging["baseUrl"], "https://staging.example/api");
    // Renaming it is fine.
    let renamed = h
        .invoke(
            "update_profile",
            json!({"input": {"id": "staging", "name": "Staging EU", "baseUrl": "https://staging.example/api", "environment": "sandbox"}}),
        )
        .expect("renamed");
    assert_eq!(renamed["name"], "Staging EU");
}

#[test]
fn remove_profile() {
    let h = harness();
    h.invoke("add_profile", staging()).expect("added");
    let removed = h
        .invoke("remove_profile", json!({"id": "staging"}))
        .expect("ok");
    assert_eq!(
        (removed["keys"].clone(), removed["sessions"].clone()),
        (json!(0), json!(0))
    );
    assert!(
        h.confirm.asked().is_empty(),
        "an empty profile goes without asking"
    );
    assert_eq!(
        h.code_of("remove_profile", json!({"id": "emulator"})),
        "profile_built_in"
    );
}

#[test]
fn set_active_profile() {
    let h = harness();
    h.invoke("add_profile", staging()).expect("added");
    let active = h
        .invoke("set_active_profile", json!({"id": "staging"}))
        .expect("ok");
    assert_eq!(active["id"], "staging");
    assert_eq!(
        h.code_of("set_active_profile", json!({"id": "nowhere"})),
        "profile_not_found"
    );
}

#[test]
fn get_settings() {
    let h = harness();
    let settings = h.invoke("get_settings", json!({})).expect("ok");
    assert_eq!(settings["clipboardClearSeconds"], 30);
    h.assert_refused_elsewhere("get_settings");
}

#[test]
fn update_settings() {
    let h = harness();
    let updated = h
        .invoke(
            "update_settings",
            json!({"settings": {"clipboardClearSeconds": 10, "launchMinimised": false, "theme": "dark"}}),
        )
        .expect("ok");
    assert_eq!(updated["clipboardClearSeconds"], 10);
    let code = h.code_of(
        "update_settings",
        json!({"settings": {"clipboardClearSeconds": 100000, "launchMinimised": false, "theme": "dark"}}),
    );
    assert!(code.starts_with("invalid"), "{code}");
}
