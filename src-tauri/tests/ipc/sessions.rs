//! Sessions: each command once on its happy path, once on an error path.

use serde_json::{Value, json};

use super::harness;

#[test]
fn list_sessions() {
    let h = harness();
    assert_eq!(h.invoke("list_sessions", json!({})).expect("ok"), json!([]));
    h.assert_refused_elsewhere("list_sessions");
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
    h.assert_refused_elsewhere("cancel_sign_in");
}

/// A link sign-in whose browser never comes back ends by itself when its pending sign-in
/// expires (10 minutes; 2 s here): the window hears `login_expired` and stops waiting.
#[test]
fn a_link_sign_in_that_expires_ends_the_wait_with_a_message() {
    use drivly_keys_app::events::BackendEvent;
    use std::time::{Duration, Instant};
    let h = super::harness_adjusted(
        tempfile::tempdir().expect("temp dir"),
        drivly_core::vault::MemoryStore::new(),
        drivly_emulator::Config::default(),
        |state| {
            state.logins = std::sync::Arc::new(drivly_core::login::LoginRegistry::with_ttl(
                std::sync::Arc::clone(&state.clock),
                chrono::Duration::seconds(2),
            ));
        },
    );
    h.invoke(
        "sign_in",
        json!({"input": {"profileId": "emulator", "permissions": [], "redirect": "deepLink"}}),
    )
    .expect("the sign-in starts");
    assert!(
        h.opened.lock().unwrap_or_else(|e| e.into_inner()).is_some(),
        "the browser opened"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let ended = loop {
        assert!(Instant::now() < deadline, "the wait never ended");
        let event = h
            .receivers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .backend
            .try_recv();
        match event {
            Ok(event @ BackendEvent::LoginFinished { .. }) => break event,
            Ok(_) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let BackendEvent::LoginFinished {
        ok,
        message,
        code,
        still_waiting,
    } = ended
    else {
        unreachable!()
    };
    assert!(!ok && !still_waiting);
    assert_eq!(code, Some(drivly_core::Code::LoginExpired));
    assert!(message.contains("within 10 minutes"), "{message}");
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
fn rename_session() {
    let h = harness();
    let id = h.sign_in();
    let named = h
        .invoke(
            "rename_session",
            json!({"sessionId": id, "label": " staging admin "}),
        )
        .expect("ok");
    assert_eq!(named["label"], "staging admin");
    assert!(
        named["account"].as_str().is_some_and(|a| a.contains('@')),
        "{named}"
    );
    let listed = h.invoke("list_sessions", json!({})).expect("listed");
    assert_eq!(listed[0]["label"], "staging admin");
    assert_eq!(
        h.code_of(
            "rename_session",
            json!({"sessionId": id, "label": "a\u{7}b"})
        ),
        "invalid_label"
    );
    assert_eq!(
        h.code_of("rename_session", json!({"sessionId": "nope", "label": "x"})),
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
