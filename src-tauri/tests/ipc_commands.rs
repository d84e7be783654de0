//! The shell's commands through Tauri's real IPC layer on the mock runtime: what the webview
//! sends, what it gets back. The secret store is in memory here; the end-to-end tests use the
//! real keyring.

mod common;

use drivly_keys_app::build_app;
use drivly_keys_app::clipboard::MemoryBackend;
use serde_json::{Value, json};
use tauri::test::{MockRuntime, mock_builder};

struct Harness {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    clipboard: MemoryBackend,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let clipboard = MemoryBackend::default();
    let (state, _receivers) = common::state_in(&dir, None, &clipboard);
    // The person approves every native confirmation (tests/ipc/confirmations.rs refuses them).
    state
        .confirmer
        .use_if_unset(common::ScriptedConfirm::answering(true));
    // The real context: the real capabilities and app manifest decide what the webview may call.
    let app = build_app(mock_builder(), state)
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a webview");
    Harness {
        _dir: dir,
        _app: app,
        webview,
        clipboard,
    }
}

impl Harness {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        common::invoke(&self.webview, cmd, args)
    }
}

#[test]
fn app_info_reports_the_active_profile() {
    let h = harness();
    let info = h.invoke("app_info", json!({})).expect("app_info succeeds");
    assert_eq!(info["activeProfile"]["id"], "emulator");
    assert_eq!(info["activeProfile"]["environment"], "local");
    assert_eq!(info["demo"], Value::Null);
}

#[test]
fn a_key_is_stored_listed_without_its_secret_copied_and_removed() {
    let h = harness();
    let canary = "dk_test_CANARY0123456789abcdef";
    let added = h
        .invoke("add_api_key", json!({"input": {"label": "CI", "profileId": "emulator", "secret": canary, "note": null}}))
        .expect("added");
    assert_eq!(added["maskedTail"], "••••cdef");
    let id = added["id"].as_str().expect("id").to_owned();
    let listed = h.invoke("list_api_keys", json!({})).expect("listed");
    assert!(
        !listed.to_string().contains("CANARY"),
        "the list never carries the secret"
    );
    assert_eq!(listed[0]["label"], "CI");

    let copied = h.invoke("copy_api_key", json!({"id": id})).expect("copied");
    assert_eq!(copied["clearsInSeconds"], 30);
    assert_eq!(h.clipboard.content.lock().unwrap().as_deref(), Some(canary));

    assert_eq!(
        h.invoke("reveal_api_key", json!({"id": id}))
            .expect("revealed"),
        canary
    );
    let removed = h
        .invoke("remove_api_key", json!({"id": id, "revokeOnServer": false}))
        .expect("removed");
    assert_eq!(removed["server"], "notRequested");
    assert_eq!(
        h.invoke("list_api_keys", json!({})).expect("listed"),
        json!([])
    );
}

#[test]
fn bad_keys_get_specific_codes() {
    let h = harness();
    for (secret, code) in [
        ("", "key_empty"),
        ("two\nlines", "key_several_lines"),
        ("has space", "key_whitespace"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "key_is_jwt"),
    ] {
        let error = h
            .invoke("add_api_key", json!({"input": {"label": "x", "profileId": "emulator", "secret": secret, "note": null}}))
            .expect_err("rejected");
        assert_eq!(error["code"], code, "{secret:?}");
    }
}

#[test]
fn pasted_tokens_are_inspected_and_junk_explained() {
    let h = harness();
    // RFC 7519 §3.1's example token.
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let inspection = h
        .invoke("inspect_token", json!({"token": token}))
        .expect("inspected");
    assert_eq!(inspection["issuer"], "joe");
    assert_eq!(inspection["expiresAt"]["state"], "valid");
    assert_eq!(inspection["signature"]["status"], "notVerified");
    let error = h
        .invoke("inspect_token", json!({"token": "not a jwt"}))
        .expect_err("rejected");
    assert!(error["code"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn settings_round_trip_and_profiles_validate() {
    let h = harness();
    let settings = h.invoke("get_settings", json!({})).expect("settings");
    assert_eq!(settings["clipboardClearSeconds"], 30);
    let updated = h
        .invoke("update_settings", json!({"settings": {"clipboardClearSeconds": 0, "launchMinimised": true, "theme": "dark"}}))
        .expect("updated");
    assert_eq!(updated["theme"], "dark");
    let error = h
        .invoke("add_profile", json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "ftp://x", "environment": "sandbox"}}))
        .expect_err("bad URL");
    assert_eq!(error["code"], "invalid_url");
    let error = h
        .invoke("remove_profile", json!({"id": "drivly"}))
        .expect_err("built-in");
    assert_eq!(error["code"], "profile_built_in");
}
