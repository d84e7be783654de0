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

#[path = "../common/mod.rs"]
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
    "quit_app",
    "close_window",
    "recall_page",
    "list_profiles",
    "add_profile",
    "update_profile",
    "remove_profile",
    "set_active_profile",
    "get_settings",
    "update_settings",
    "check_connection",
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
    "copy_try_it_curl",
    "clipboard_jwt",
    "inspect_clipboard",
    "list_sessions",
    "sign_in",
    "cancel_sign_in",
    "copy_session_jwt",
    "session_token",
    "refresh_now",
    "rename_session",
    "sign_out",
    "start_local_proxy",
    "stop_local_proxy",
    "list_local_proxies",
    "copy_local_proxy_url",
    "copy_curl",
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
    /// The native confirmation: approves unless a test says otherwise.
    confirm: Arc<common::ScriptedConfirm>,
    /// The secret store under the app.
    store: Arc<drivly_core::vault::MemoryStore>,
    /// What the app would emit to the page (events of the UI and of the refreshers).
    receivers: Mutex<drivly_keys_app::state::EventReceivers>,
}

fn harness() -> Harness {
    harness_over(
        tempfile::tempdir().expect("temp dir"),
        drivly_core::vault::MemoryStore::new(),
    )
}

/// The harness over `store` in `dir` (tests that prepare the store or the folder first).
fn harness_over(dir: tempfile::TempDir, store: drivly_core::vault::MemoryStore) -> Harness {
    harness_with(dir, store, Config::default())
}

/// The harness over `store` in `dir`, against an emulator started from `config`.
fn harness_with(
    dir: tempfile::TempDir,
    store: drivly_core::vault::MemoryStore,
    config: Config,
) -> Harness {
    harness_adjusted(dir, store, config, |_| {})
}

/// As [`harness_with`], with `adjust` applied to the app's state before the app is built.
fn harness_adjusted(
    dir: tempfile::TempDir,
    store: drivly_core::vault::MemoryStore,
    config: Config,
    adjust: impl FnOnce(&mut drivly_keys_app::state::AppState),
) -> Harness {
    let emulator = runtime()
        .block_on(Emulator::start(config))
        .expect("the emulator starts");
    let clipboard = MemoryBackend::default();
    let store = Arc::new(store);
    let (state, receivers) = common::state_over(
        &dir,
        Some(emulator.base_url().to_string()),
        &clipboard,
        Arc::clone(&store),
    );
    let opened = Arc::new(Mutex::new(None));
    let recorder = opened.clone();
    let mut state = state;
    state.browser = Arc::new(move |url: &str| {
        *recorder.lock().unwrap_or_else(|e| e.into_inner()) = Some(url.to_owned());
        Ok("the test's browser".to_owned())
    });
    let confirm = common::ScriptedConfirm::answering(true);
    state.confirmer.use_if_unset(confirm.clone());
    adjust(&mut state);
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
        confirm,
        store,
        receivers: Mutex::new(receivers),
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
        self.sign_in_to("emulator")
    }

    /// As [`Harness::sign_in`], for the profile `profile_id` (at the emulator's URL); returns
    /// the id of the newest session.
    fn sign_in_to(&self, profile_id: &str) -> String {
        let before = self
            .invoke("list_sessions", json!({}))
            .expect("listed")
            .as_array()
            .map_or(0, Vec::len);
        self.invoke(
            "sign_in",
            json!({"input": {"profileId": profile_id, "permissions": ["invoices.read"], "redirect": "loopback"}}),
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
            let sessions = sessions.as_array().expect("a list");
            if sessions.len() > before
                && let Some(id) = sessions
                    .iter()
                    .find(|s| s["profileId"] == profile_id)
                    .and_then(|s| s["id"].as_str())
            {
                return id.to_owned();
            }
            assert!(Instant::now() < deadline, "no session after the sign-in");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The id of the first stored key.
    fn first_key_id(&self) -> String {
        let keys = self.invoke("list_api_keys", json!({})).expect("listed");
        keys[0]["id"].as_str().expect("id").to_owned()
    }

    /// A page from another origin cannot call `cmd` at all (the error path of commands that
    /// cannot fail on their own).
    /// What the harness's clipboard holds now (empty when nothing).
    fn clipboard_text(&self) -> String {
        self.clipboard
            .content
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_default()
    }

    fn assert_refused_elsewhere(&self, cmd: &str) {
        assert!(
            self.invoke_from(cmd, json!({}), "https://evil.example")
                .is_err(),
            "{cmd} answered a foreign origin"
        );
    }
}

mod canary;
mod confirmations;
mod inspect;
mod keys;
mod links;
mod local_proxy;
mod mint;
mod profiles;
mod sessions;
mod window;
