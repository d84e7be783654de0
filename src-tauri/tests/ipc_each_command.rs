//! Every IPC command through Tauri's real IPC layer (mock runtime, the real capability and app
//! manifest), once on its happy path and once on an error path, against a real emulator on
//! loopback. The arguments are the ones the generated contract gives the UI
//! (`ui/src/ipc/generated/contract.ts`), so a command whose parameters drift from its line in
//! `command_list.rs` fails here. `every_command_has_its_test` keeps the list complete.
//!
//! The secret store is in memory (the keyring is covered by the end-to-end suite); the browser
//! is a recorder of the authorize URL, and the login pages are completed over HTTP by the
//! emulator's test client, whose final redirect reaches the app's loopback listener.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

mod common;

use drivly_emulator::{Config, Emulator};
use drivly_keys_app::build_app;
use drivly_keys_app::clipboard::MemoryBackend;
use drivly_keys_app::contract::command_names;
use serde_json::{Value, json};
use tauri::test::{MockRuntime, mock_builder};

/// The commands this file tests; must equal the command table.
const TESTED: &[&str] = &[
    "app_info",
    "list_profiles",
    "add_profile",
    "update_profile",
    "remove_profile",
    "set_active_profile",
    "get_settings",
    "update_settings",
    "list_api_keys",
    "add_api_key",
    "verify_api_key",
    "reveal_api_key",
    "copy_api_key",
    "rename_api_key",
    "remove_api_key",
    "permission_catalog",
    "mint_token",
    "mint_history",
    "inspect_token",
    "inspect_ref",
    "verify_signature",
    "copy_token",
    "try_it",
    "list_sessions",
    "sign_in",
    "cancel_sign_in",
    "copy_session_jwt",
    "session_token",
    "refresh_now",
    "sign_out",
    "link_handler_status",
    "remove_link_handler_entry",
];

#[test]
fn every_command_has_its_test() {
    let mut table = command_names();
    let mut tested = TESTED.to_vec();
    table.sort_unstable();
    tested.sort_unstable();
    assert_eq!(
        table, tested,
        "each command in command_list.rs needs a happy-path and an error-path test here"
    );
}

/// One tokio runtime for the emulators (the app's commands run on Tauri's own).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

struct Harness {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    clipboard: MemoryBackend,
    emulator: Emulator,
    /// The authorize URL the app asked the browser to open.
    opened: Arc<Mutex<Option<String>>>,
}

fn harness() -> Harness {
    let emulator = runtime()
        .block_on(Emulator::start(Config::default()))
        .expect("the emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let clipboard = MemoryBackend::default();
    let (state, _receivers) =
        common::state_in(&dir, Some(emulator.base_url().to_string()), &clipboard);
    let opened = Arc::new(Mutex::new(None));
    let recorder = opened.clone();
    let mut state = state;
    state.browser = Arc::new(move |url: &str| {
        *recorder.lock().unwrap_or_else(|e| e.into_inner()) = Some(url.to_owned());
        Ok("the test's browser".to_owned())
    });
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
        emulator,
        opened,
    }
}

impl Harness {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        common::invoke(&self.webview, cmd, args)
    }

    fn invoke_from(&self, cmd: &str, args: Value, origin: &str) -> Result<Value, Value> {
        common::invoke_from(&self.webview, cmd, args, origin)
    }

    /// The `{code, message}` of a refused call.
    fn code_of(&self, cmd: &str, args: Value) -> String {
        let error = self.invoke(cmd, args).expect_err("refused");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{cmd}: an error says what happened: {error}"
        );
        error["code"].as_str().expect("a code").to_owned()
    }

    fn add_demo_key(&self) -> String {
        let added = self
            .invoke(
                "add_api_key",
                json!({"input": {"label": "demo", "profileId": "emulator",
                       "secret": self.emulator.demo_api_key(), "note": null}}),
            )
            .expect("added");
        added["id"].as_str().expect("id").to_owned()
    }

    fn mint(&self) -> Value {
        let key = self.add_demo_key();
        self.invoke(
            "mint_token",
            json!({"input": {"keyId": key, "permissions": ["invoices.read"], "expires": null, "label": "ipc"}}),
        )
        .expect("minted")
    }

    /// Signs in through the `sign_in` command and the loopback redirect, as a person would with
    /// the browser; returns the new session's id.
    fn sign_in(&self) -> String {
        self.invoke(
            "sign_in",
            json!({"input": {"profileId": "emulator", "permissions": ["invoices.read"], "redirect": "loopback"}}),
        )
        .expect("the sign-in starts");
        let authorize = self
            .opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .expect("the browser was opened");
        let (email, password) = self.emulator.demo_user();
        let redirect = runtime()
            .block_on(drivly_emulator::testing::complete_browser_login(
                &authorize.parse().expect("a URL"),
                &email,
                &password,
                true,
            ))
            .expect("the login pages complete");
        // The browser follows the redirect to the app's loopback listener.
        runtime()
            .block_on(reqwest::get(redirect))
            .expect("the listener answers");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let sessions = self.invoke("list_sessions", json!({})).expect("listed");
            if let Some(id) = sessions[0]["id"].as_str() {
                return id.to_owned();
            }
            assert!(Instant::now() < deadline, "no session after the sign-in");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

// ---------- App and profiles ----------

#[test]
fn app_info() {
    let h = harness();
    let info = h.invoke("app_info", json!({})).expect("ok");
    assert_eq!(info["activeProfile"]["id"], "emulator");
    // Error path: a page from another origin cannot call the app's commands at all.
    assert!(
        h.invoke_from("app_info", json!({}), "https://evil.example")
            .is_err()
    );
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
    assert!(
        h.invoke_from("list_profiles", json!({}), "https://evil.example")
            .is_err()
    );
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
    let moved = json!({"input": {"id": "staging", "name": "Staging", "baseUrl": "https://evil.example/api", "environment": "sandbox"}});
    assert_eq!(h.code_of("update_profile", moved), "profile_in_use");
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
    assert_eq!(
        h.invoke("remove_profile", json!({"id": "staging"}))
            .expect("ok"),
        Value::Null
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
    assert!(
        h.invoke_from("get_settings", json!({}), "https://evil.example")
            .is_err()
    );
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

// ---------- Keys ----------

#[test]
fn list_api_keys() {
    let h = harness();
    h.add_demo_key();
    let keys = h.invoke("list_api_keys", json!({})).expect("ok");
    assert_eq!(keys[0]["label"], "demo");
    assert!(
        !keys.to_string().contains(&h.emulator.demo_api_key()),
        "never the secret"
    );
    assert!(
        h.invoke_from("list_api_keys", json!({}), "https://evil.example")
            .is_err()
    );
}

#[test]
fn add_api_key() {
    let h = harness();
    h.add_demo_key();
    let code = h.code_of(
        "add_api_key",
        json!({"input": {"label": "DEMO", "profileId": "emulator", "secret": "dk_other_key", "note": null}}),
    );
    assert_eq!(code, "label_exists");
}

#[test]
fn verify_api_key() {
    let h = harness();
    let id = h.add_demo_key();
    let verdict = h.invoke("verify_api_key", json!({"id": id})).expect("ok");
    assert_eq!(verdict["status"], "valid");
    assert_eq!(
        h.code_of("verify_api_key", json!({"id": "not-a-key"})),
        "key_not_found"
    );
}

#[test]
fn reveal_api_key() {
    let h = harness();
    let id = h.add_demo_key();
    assert_eq!(
        h.invoke("reveal_api_key", json!({"id": id})).expect("ok"),
        h.emulator.demo_api_key()
    );
    assert_eq!(
        h.code_of(
            "reveal_api_key",
            json!({"id": "00000000-0000-4000-8000-000000000000"})
        ),
        "api_key_not_found"
    );
}

#[test]
fn copy_api_key() {
    let h = harness();
    let id = h.add_demo_key();
    let copied = h.invoke("copy_api_key", json!({"id": id})).expect("ok");
    assert_eq!(copied["clearsInSeconds"], 30);
    assert_eq!(
        h.clipboard.content.lock().unwrap().as_deref(),
        Some(h.emulator.demo_api_key().as_str())
    );
    assert_eq!(
        h.code_of("copy_api_key", json!({"id": "nope"})),
        "key_not_found"
    );
}

#[test]
fn rename_api_key() {
    let h = harness();
    let id = h.add_demo_key();
    let renamed = h
        .invoke("rename_api_key", json!({"id": id, "label": "billing"}))
        .expect("ok");
    assert_eq!(renamed["label"], "billing");
    let long = "x".repeat(65);
    assert_eq!(
        h.code_of("rename_api_key", json!({"id": id, "label": long})),
        "invalid_label"
    );
}

#[test]
fn remove_api_key() {
    let h = harness();
    let id = h.add_demo_key();
    let removed = h
        .invoke("remove_api_key", json!({"id": id, "revokeOnServer": true}))
        .expect("ok");
    assert_eq!(removed["server"], "revoked");
    assert_eq!(
        h.code_of("remove_api_key", json!({"id": id, "revokeOnServer": true})),
        "key_not_found"
    );
}

// ---------- Mint ----------

#[test]
fn permission_catalog() {
    let h = harness();
    let catalog = h.invoke("permission_catalog", json!({})).expect("ok");
    assert!(
        catalog["resources"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(
        h.invoke_from("permission_catalog", json!({}), "https://evil.example")
            .is_err()
    );
}

#[test]
fn mint_token() {
    let h = harness();
    let minted = h.mint();
    assert!(minted["tokenRef"].is_string());
    assert_eq!(
        minted["inspection"]["permissions"]["granted"][0],
        "invoices.read"
    );
    assert!(
        !minted.to_string().contains("eyJ"),
        "the token stays in Rust"
    );
    let key = h.add_demo_key_again();
    let code = h.code_of(
        "mint_token",
        json!({"input": {"keyId": key, "permissions": ["Invoices.Read"], "expires": null, "label": null}}),
    );
    assert_eq!(code, "permission_not_lowercase");
}

impl Harness {
    fn add_demo_key_again(&self) -> String {
        let keys = self.invoke("list_api_keys", json!({})).expect("listed");
        keys[0]["id"].as_str().expect("id").to_owned()
    }
}

#[test]
fn mint_history() {
    let h = harness();
    h.mint();
    let history = h.invoke("mint_history", json!({})).expect("ok");
    assert_eq!(history[0]["label"], "ipc");
    assert!(
        h.invoke_from("mint_history", json!({}), "https://evil.example")
            .is_err()
    );
}

// ---------- Inspect ----------

const SAMPLE_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMSIsInBlcm1pc3Npb25zIjpbImludm9pY2VzLnJlYWQiXX0.c2lnbmF0dXJl";

#[test]
fn inspect_token() {
    let h = harness();
    let inspection = h
        .invoke("inspect_token", json!({"token": SAMPLE_JWT}))
        .expect("ok");
    assert_eq!(inspection["subject"], "usr_1");
    assert_eq!(
        h.code_of("inspect_token", json!({"token": "not a jwt"})),
        "jwt_opaque_token"
    );
}

#[test]
fn inspect_ref() {
    let h = harness();
    let minted = h.mint();
    let inspection = h
        .invoke("inspect_ref", json!({"tokenRef": minted["tokenRef"]}))
        .expect("ok");
    assert_eq!(inspection["kind"], minted["inspection"]["kind"]);
    assert_eq!(
        h.code_of("inspect_ref", json!({"tokenRef": "gone"})),
        "token_gone"
    );
}

#[test]
fn verify_signature() {
    let h = harness();
    let minted = h.mint();
    let status = h
        .invoke(
            "verify_signature",
            json!({"source": {"tokenRef": minted["tokenRef"]}, "key": {"kind": "profileJwks", "profileId": "emulator"}}),
        )
        .expect("ok");
    assert_eq!(status["status"], "verified");
    let code = h.code_of(
        "verify_signature",
        json!({"source": {"tokenRef": minted["tokenRef"]}, "key": {"kind": "pem", "value": "not a pem"}}),
    );
    assert!(code.starts_with("key_"), "{code}");
}

#[test]
fn copy_token() {
    let h = harness();
    let minted = h.mint();
    h.invoke("copy_token", json!({"tokenRef": minted["tokenRef"]}))
        .expect("ok");
    assert!(
        h.clipboard
            .content
            .lock()
            .unwrap()
            .as_deref()
            .is_some_and(|t| t.starts_with("eyJ"))
    );
    assert_eq!(
        h.code_of("copy_token", json!({"tokenRef": "gone"})),
        "token_gone"
    );
}

#[test]
fn copy_token_of_a_session_copies_its_fresh_jwt() {
    let h = harness();
    let id = h.sign_in();
    let handle = h
        .invoke("session_token", json!({"sessionId": id}))
        .expect("held");
    h.invoke("sign_out", json!({"sessionId": id}))
        .expect("signed out");
    // The held snapshot is still valid, but its session is gone: a copy follows the session.
    assert_eq!(
        h.code_of("copy_token", json!({"tokenRef": handle["tokenRef"]})),
        "session_not_found"
    );
}

#[test]
fn try_it() {
    let h = harness();
    let minted = h.mint();
    let result = h
        .invoke(
            "try_it",
            json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator", "method": "GET", "resource": "invoices"}}),
        )
        .expect("ok");
    assert_eq!(result["status"], 200);
    let code = h.code_of(
        "try_it",
        json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator", "method": "PATCH", "resource": "invoices"}}),
    );
    assert_eq!(code, "invalid_method");
}

// ---------- Sessions ----------

#[test]
fn list_sessions() {
    let h = harness();
    assert_eq!(h.invoke("list_sessions", json!({})).expect("ok"), json!([]));
    assert!(
        h.invoke_from("list_sessions", json!({}), "https://evil.example")
            .is_err()
    );
}

#[test]
fn sign_in() {
    let h = harness();
    let id = h.sign_in();
    let sessions = h.invoke("list_sessions", json!({})).expect("listed");
    assert_eq!(sessions[0]["id"], id.as_str());
    assert_eq!(sessions[0]["state"], "active");
    let code = h.code_of(
        "sign_in",
        json!({"input": {"profileId": "nowhere", "permissions": [], "redirect": "loopback"}}),
    );
    assert_eq!(code, "profile_not_found");
}

#[test]
fn cancel_sign_in() {
    let h = harness();
    // Nothing pending: cancelling is a no-op, never an error.
    assert_eq!(
        h.invoke("cancel_sign_in", json!({})).expect("ok"),
        Value::Null
    );
    assert!(
        h.invoke_from("cancel_sign_in", json!({}), "https://evil.example")
            .is_err()
    );
}

#[test]
fn copy_session_jwt() {
    let h = harness();
    let id = h.sign_in();
    h.invoke("copy_session_jwt", json!({"sessionId": id}))
        .expect("ok");
    assert!(
        h.clipboard
            .content
            .lock()
            .unwrap()
            .as_deref()
            .is_some_and(|t| t.starts_with("eyJ"))
    );
    assert_eq!(
        h.code_of("copy_session_jwt", json!({"sessionId": "nope"})),
        "session_not_found"
    );
}

#[test]
fn session_token() {
    let h = harness();
    let id = h.sign_in();
    let handle = h
        .invoke("session_token", json!({"sessionId": id}))
        .expect("ok");
    assert!(handle["tokenRef"].is_string());
    assert_eq!(
        h.code_of("session_token", json!({"sessionId": "nope"})),
        "session_not_found"
    );
}

#[test]
fn refresh_now() {
    let h = harness();
    let id = h.sign_in();
    let session = h
        .invoke("refresh_now", json!({"sessionId": id}))
        .expect("ok");
    assert_eq!(session["id"], id.as_str());
    assert!(session["lastRefresh"].is_string());
    assert_eq!(
        h.code_of("refresh_now", json!({"sessionId": "nope"})),
        "session_not_found"
    );
}

#[test]
fn sign_out() {
    let h = harness();
    let id = h.sign_in();
    let done = h.invoke("sign_out", json!({"sessionId": id})).expect("ok");
    assert_eq!(done["revokedOnServer"], true);
    assert_eq!(
        h.invoke("list_sessions", json!({})).expect("listed"),
        json!([])
    );
    assert_eq!(
        h.code_of("sign_out", json!({"sessionId": id})),
        "session_not_found"
    );
}

// ---------- Sign-in links ----------

#[test]
fn link_handler_status() {
    let h = harness();
    let status = h.invoke("link_handler_status", json!({})).expect("ok");
    assert_eq!(
        status["scheme"], "ly.driv.keys.dev",
        "a debug build's own scheme"
    );
    assert!(status["userEntries"].is_array());
    assert!(
        h.invoke_from("link_handler_status", json!({}), "https://evil.example")
            .is_err()
    );
}

#[test]
fn remove_link_handler_entry() {
    let h = harness();
    // Removes a dev-scheme entry a build-folder run wrote for this account, if any (the next
    // build-folder run writes it again at start); then reports.
    let status = h
        .invoke("remove_link_handler_entry", json!({}))
        .expect("ok");
    assert_eq!(status["scheme"], "ly.driv.keys.dev");
    assert!(
        h.invoke_from(
            "remove_link_handler_entry",
            json!({}),
            "https://evil.example"
        )
        .is_err()
    );
}
