//! Sign-in links: each command once on its happy path, once on an error path.

use serde_json::json;

use super::harness;

#[test]
fn link_handler_status() {
    let h = harness();
    let status = h.invoke("link_handler_status", json!({})).expect("ok");
    assert_eq!(
        status["scheme"], "ly.driv.keys.dev",
        "a debug build's own scheme"
    );
    assert!(status["userEntries"].is_array());
    h.assert_refused_elsewhere("link_handler_status");
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
    h.assert_refused_elsewhere("remove_link_handler_entry");
}
