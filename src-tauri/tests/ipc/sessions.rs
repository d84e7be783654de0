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
