//! Keys: each command once on its happy path, once on an error path.

use serde_json::json;

use super::harness;

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
    h.assert_refused_elsewhere("list_api_keys");
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
