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
fn quit_app() {
    // Its happy path ends the process: the end-to-end quit test presses Ctrl+Q on the real
    // window and sees the app exit with the clipboard cleared. Here: only the app's page may.
    let h = harness();
    h.assert_refused_elsewhere("quit_app");
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

/// The Advanced section (issue #14): protocol settings round-trip through add and update, an
/// empty optional one means "none", and the core's rules refuse a path to another host.
#[test]
fn protocol_settings_round_trip_and_are_validated() {
    let h = harness();
    let added = h.invoke("add_profile", staging()).expect("added");
    assert_eq!(
        added["protocol"]["refreshPath"], "auth/refresh",
        "Drivly's defaults"
    );
    assert_eq!(added["protocol"]["clientId"], "");
    let advanced = json!({
        "redirectForm": "code", "clientId": "app_42", "authorizePath": "oauth/authorize",
        "tokenPath": "oauth/token", "refreshPath": "/oauth/refresh", "revokePath": "",
        "jwksPath": ".well-known/jwks.json"
    });
    let updated = h
        .invoke(
            "update_profile",
            json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "https://staging.example/api", "environment": "sandbox", "protocol": advanced}}),
        )
        .expect("ok");
    assert_eq!(
        updated["protocol"]["refreshPath"], "oauth/refresh",
        "the leading / is dropped"
    );
    assert_eq!(updated["protocol"]["clientId"], "app_42");
    assert_eq!(updated["protocol"]["revokePath"], "", "no revoke endpoint");
    assert_eq!(updated["canRevokeSessions"], false);
    // Kept: listed again as saved.
    let listed = h.invoke("list_profiles", json!({})).expect("ok");
    let staging = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "staging")
        .unwrap();
    assert_eq!(staging["protocol"]["tokenPath"], "oauth/token");

    let mut elsewhere = advanced.clone();
    elsewhere["refreshPath"] = json!("https://evil.example/refresh");
    let code = h.code_of(
        "update_profile",
        json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "https://staging.example/api", "environment": "sandbox", "protocol": elsewhere}}),
    );
    assert_eq!(code, "invalid_profile_setting");
    let mut new = staging_input_with(json!({"tokenPath": ""}), &advanced);
    new["input"]["id"] = json!("other");
    assert_eq!(
        h.code_of("add_profile", new),
        "invalid_profile_setting",
        "an empty token path"
    );
    let after = h.invoke("list_profiles", json!({})).expect("ok");
    assert!(
        after.as_array().unwrap().iter().all(|p| p["id"] != "other"),
        "nothing was added"
    );
}

/// `staging()` with `advanced` changed by `changes`.
fn staging_input_with(changes: Value, advanced: &Value) -> Value {
    let mut protocol = advanced.clone();
    for (k, v) in changes.as_object().unwrap() {
        protocol[k] = v.clone();
    }
    let mut input = staging();
    input["input"]["protocol"] = protocol;
    input
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

    // The global shortcut: off by default, checked and spelled one way, and off again.
    assert_eq!(updated["globalShortcut"], Value::Null);
    let refused = h
        .invoke(
            "update_settings",
            json!({"settings": {"clipboardClearSeconds": 30, "launchMinimised": false, "theme": "light", "globalShortcut": "Shift+J"}}),
        )
        .expect_err("Shift alone would take a key from every program");
    assert_eq!(refused["code"], "invalid_setting");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("Ctrl, Alt or Super")),
        "{refused}"
    );
    let unchanged = h.invoke("get_settings", json!({})).expect("ok");
    assert_eq!(
        unchanged["theme"], "dark",
        "nothing saved from a refused change"
    );
    let on = h
        .invoke(
            "update_settings",
            json!({"settings": {"clipboardClearSeconds": 30, "launchMinimised": false, "theme": "dark", "globalShortcut": "ctrl + alt + shift + f11"}}),
        )
        .expect("a free combination is taken");
    assert_eq!(on["globalShortcut"], "Ctrl+Alt+Shift+F11");
    let off = h
        .invoke(
            "update_settings",
            json!({"settings": {"clipboardClearSeconds": 30, "launchMinimised": false, "theme": "dark", "globalShortcut": null}}),
        )
        .expect("ok");
    assert_eq!(off["globalShortcut"], Value::Null);
}

/// Settings → "Check connection" (issue #14): the doctor report for a profile, as the CLI makes
/// it; an unknown profile is refused by code.
#[test]
fn check_connection() {
    let h = harness();
    let report = h
        .invoke("check_connection", json!({"id": "emulator"}))
        .expect("ok");
    assert_eq!(report["profile"], "emulator");
    assert_eq!(report["server"]["reachable"], true, "{report}");
    assert!(
        report["endpoints"].as_array().is_some_and(|e| e.len() >= 4),
        "{report}"
    );
    assert_eq!(report["keyring"]["ok"], true);
    assert!(
        report["clockSkewSeconds"].is_i64(),
        "the emulator sends Date: {report}"
    );
    assert_eq!(
        h.code_of("check_connection", json!({"id": "nowhere"})),
        "profile_not_found"
    );
    h.assert_refused_elsewhere("check_connection");
}
