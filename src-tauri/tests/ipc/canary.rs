//! The canary test (issue #13, "Tests that make the design's claims checkable"): with canary
//! secrets in the store (an API key, a session's refresh token, a held JWT), every command of
//! the table is driven, on happy and error paths, and none of their answers, none of the
//! events the app would emit, none of the app's trace-level log lines, and no forced panic's
//! message contains a canary. The one exception is by design: `reveal_api_key` returns the key
//! the user asked to see (after a native confirmation).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use drivly_emulator::Config;
use drivly_keys_app::contract::command_names;
use serde_json::{Value, json};
use tauri::Manager;

use super::{Harness, harness_with};

/// An API key nobody would type: found anywhere, it leaked.
const CANARY_KEY: &str = "sk_test_CANARYKEY_5e1f0c2d9a7b4e3f";

/// Everything the app logs in this test binary, at `trace` (the emulator's own lines aside: it
/// is the server, and runs in this process only for the test).
fn trace_log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        use tracing_subscriber::prelude::*;
        let filter: tracing_subscriber::filter::Targets =
            "trace,drivly_emulator=off,tower_http=off"
                .parse()
                .expect("a valid filter");
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(move || LogWriter(Arc::clone(&sink))),
            )
            .with(filter);
        let _ = tracing::subscriber::set_global_default(subscriber);
        log
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every answer, kept as text, by command.
#[derive(Default)]
struct Answers(Vec<(String, String)>);

impl Answers {
    fn call(&mut self, h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
        let answer = h.invoke(cmd, args);
        let text = match &answer {
            Ok(value) | Err(value) => value.to_string(),
        };
        self.0.push((cmd.to_owned(), text));
        answer
    }

    fn called(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.0.iter().map(|(c, _)| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// The value of the store item whose name starts with `prefix` (the test's view of a secret
/// the app made, such as a refresh token).
fn stored_secret(h: &Harness, prefix: &str) -> String {
    use drivly_core::vault::SecretStore;
    let name = h
        .store
        .list()
        .expect("listed")
        .unwrap_or_default()
        .into_iter()
        .find(|n| n.user().starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} item"));
    String::from_utf8(h.store.get(&name).expect("read").expose().to_vec()).expect("text")
}

#[test]
fn no_command_event_log_line_or_panic_carries_a_stored_secret() {
    let log = trace_log();
    let h = harness_with(
        tempfile::tempdir().expect("temp dir"),
        drivly_core::vault::MemoryStore::new(),
        Config {
            api_keys: vec![CANARY_KEY.to_owned()],
            ..Config::default()
        },
    );
    let mut a = Answers::default();
    let staging = |name: &str, url: &str| json!({"input": {"id": "staging", "name": name, "baseUrl": url, "environment": "sandbox"}});

    // Profiles and settings.
    a.call(&h, "app_info", json!({})).expect("ok");
    a.call(&h, "recall_page", json!({})).expect("ok");
    // Not asked to close (no close pending): kept nothing, closed nothing.
    a.call(
        &h,
        "close_window",
        json!({"snapshot": {"screen": "keys", "fields": {}}}),
    )
    .expect("ok");
    a.call(&h, "list_profiles", json!({})).expect("ok");
    a.call(
        &h,
        "add_profile",
        staging("Staging", "https://staging.example/api"),
    )
    .expect("ok");
    a.call(
        &h,
        "update_profile",
        staging("Staging 2", "https://staging.example/api"),
    )
    .expect("ok");
    a.call(&h, "set_active_profile", json!({"id": "emulator"}))
        .expect("ok");
    let settings = a.call(&h, "get_settings", json!({})).expect("ok");
    a.call(&h, "update_settings", json!({"settings": settings}))
        .expect("ok");

    // Keys: the canary goes in once, inbound.
    let added = a
        .call(
            &h,
            "add_api_key",
            json!({"input": {"label": "canary", "profileId": "emulator", "secret": CANARY_KEY, "note": null}}),
        )
        .expect("added");
    let key_id = added["id"].as_str().expect("id").to_owned();
    a.call(&h, "add_api_key", json!({"input": {"label": "canary", "profileId": "emulator", "secret": CANARY_KEY, "note": null}}))
        .expect_err("a duplicate label");
    a.call(&h, "list_api_keys", json!({})).expect("ok");
    a.call(&h, "verify_api_key", json!({"id": key_id}))
        .expect("ok");
    a.call(&h, "copy_api_key", json!({"id": key_id}))
        .expect("ok");
    a.call(
        &h,
        "rename_api_key",
        json!({"id": key_id, "label": "canary 2"}),
    )
    .expect("ok");
    // The one command that returns a secret, on request and confirmation: checked, then left
    // out of the answers searched below.
    let revealed = h
        .invoke("reveal_api_key", json!({"id": key_id}))
        .expect("revealed");
    assert_eq!(revealed, CANARY_KEY);
    h.confirm.set(false);
    a.call(
        &h,
        "reveal_api_key",
        json!({"id": "00000000-0000-4000-8000-000000000000"}),
    )
    .expect_err("unknown");
    h.confirm.set(true);

    // Minting and the inspector: the held JWT is the second canary.
    a.call(&h, "permission_catalog", json!({})).expect("ok");
    let minted = a
        .call(
            &h,
            "mint_token",
            json!({"input": {"keyId": key_id, "permissions": ["invoices.read"], "expires": null, "label": "canary"}}),
        )
        .expect("minted");
    let token_ref = minted["tokenRef"].clone();
    a.call(&h, "copy_token", json!({"tokenRef": token_ref}))
        .expect("copied");
    let held_jwt = h
        .clipboard
        .content
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .expect("the copy");
    assert_eq!(held_jwt.split('.').count(), 3, "a JWT was copied");
    a.call(&h, "mint_history", json!({})).expect("ok");
    // The copy is still on the clipboard: offered and held without the answer carrying it.
    a.call(&h, "clipboard_jwt", json!({})).expect("offered");
    a.call(&h, "inspect_clipboard", json!({}))
        .expect("held from the clipboard");
    a.call(&h, "inspect_ref", json!({"tokenRef": token_ref}))
        .expect("ok");
    a.call(&h, "inspect_token", json!({"token": held_jwt}))
        .expect("a pasted copy");
    a.call(
        &h,
        "inspect_token",
        json!({"token": format!("{held_jwt}x.y")}),
    )
    .expect_err("malformed");
    a.call(
        &h,
        "verify_signature",
        json!({"source": {"tokenRef": token_ref}, "key": {"kind": "profileJwks", "profileId": "emulator"}}),
    )
    .expect("ok");
    a.call(
        &h,
        "verify_signature",
        json!({"source": {"token": held_jwt}, "key": {"kind": "hsSecret", "value": CANARY_KEY}}),
    )
    .expect("an HMAC key that does not match");
    let try_it = |profile: &str| json!({"input": {"source": {"tokenRef": token_ref}, "profileId": profile, "method": "GET", "resource": "invoices"}});
    a.call(&h, "try_it", try_it("emulator")).expect("ok");
    a.call(&h, "try_it", try_it("staging"))
        .expect_err("another origin");
    a.call(
        &h,
        "copy_try_it_curl",
        json!({"request": {"profileId": "emulator", "method": "GET", "resource": "invoices"}}),
    )
    .expect("ok");

    // Sessions: the refresh token is the third canary.
    let session = h.sign_in();
    let refresh_token = stored_secret(&h, "refresh-token/");
    assert!(refresh_token.len() > 8, "a refresh token was stored");
    a.call(&h, "list_sessions", json!({})).expect("ok");
    a.call(&h, "copy_session_jwt", json!({"sessionId": session}))
        .expect("ok");
    let session_jwt = h
        .clipboard
        .content
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .expect("the copy");
    a.call(&h, "session_token", json!({"sessionId": session}))
        .expect("ok");
    a.call(&h, "refresh_now", json!({"sessionId": session}))
        .expect("ok");
    a.call(
        &h,
        "rename_session",
        json!({"sessionId": session, "label": "canary"}),
    )
    .expect("ok");
    let rotated = stored_secret(&h, "refresh-token/");
    // The session's local proxy and the curl line: URLs and a command, never its JWT.
    a.call(&h, "start_local_proxy", json!({"sessionId": session}))
        .expect("started");
    a.call(&h, "list_local_proxies", json!({})).expect("ok");
    a.call(&h, "copy_local_proxy_url", json!({"sessionId": session}))
        .expect("ok");
    a.call(&h, "copy_curl", json!({"sessionId": session}))
        .expect("ok");
    a.call(&h, "stop_local_proxy", json!({"sessionId": session}))
        .expect("ok");
    a.call(
        &h,
        "sign_in",
        json!({"input": {"profileId": "emulator", "permissions": ["invoices.read"], "redirect": "loopback"}}),
    )
    .expect("started");
    a.call(&h, "cancel_sign_in", json!({})).expect("ok");
    a.call(&h, "link_handler_status", json!({})).expect("ok");
    a.call(&h, "check_connection", json!({"id": "emulator"}))
        .expect("ok");
    a.call(&h, "remove_link_handler_entry", json!({}))
        .expect("ok");
    // Removals last: a profile moving under credentials, a key, the session, a profile.
    a.call(
        &h,
        "remove_api_key",
        json!({"id": key_id, "revokeOnServer": false}),
    )
    .expect("ok");
    a.call(&h, "sign_out", json!({"sessionId": session}))
        .expect("ok");
    a.call(&h, "remove_profile", json!({"id": "staging"}))
        .expect("ok");

    // quit_app ends the process and returns nothing to look at (the quit e2e test drives it).
    let mut table: Vec<_> = command_names()
        .into_iter()
        .filter(|c| *c != "quit_app")
        .collect();
    table.sort_unstable();
    assert_eq!(a.called(), table, "every command of the table is driven");

    let canaries = [
        ("the API key", CANARY_KEY.to_owned()),
        ("the held JWT", held_jwt),
        ("the session's JWT", session_jwt),
        ("the refresh token", refresh_token),
        ("the rotated refresh token", rotated),
    ];
    let found_in = |what: &str, text: &str| {
        for (name, canary) in &canaries {
            assert!(
                !text.contains(canary.as_str()),
                "{name} is in {what}: {text}"
            );
        }
    };

    for (cmd, text) in &a.0 {
        found_in(&format!("the answer of {cmd}"), text);
    }

    // The events the app would emit to the page, and those of the refreshers.
    let mut receivers = h.receivers.lock().unwrap_or_else(|e| e.into_inner());
    let mut events = 0;
    while let Ok(event) = receivers.backend.try_recv() {
        found_in("an event", &serde_json::to_string(&event).expect("JSON"));
        events += 1;
    }
    while let Ok(event) = receivers.sessions.try_recv() {
        found_in("a session event", &format!("{event:?}"));
        events += 1;
    }
    assert!(events > 0, "events were emitted");

    // The trace log.
    let text = String::from_utf8_lossy(&log.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(text.contains("drivly"), "the log was captured");
    found_in("the trace log", &text);

    // A forced panic with the app's state and the secrets' wrappers in its message.
    let state = h.webview.state::<drivly_keys_app::state::AppState>();
    let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let key = drivly_core::secret::ApiKey::new(CANARY_KEY);
        let token = drivly_core::secret::RefreshToken::new(canaries[3].1.as_str());
        let jwt = drivly_core::secret::Jwt::new(canaries[1].1.as_str());
        panic!(
            "forced: {:?} {key:?} {token:?} {jwt:?} {:?}",
            *state, state.tokens
        );
    }))
    .expect_err("it panicked");
    let message = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.starts_with("forced"), "{message}");
    found_in("a panic message", &message);
}
