//! Local proxies (issue #15): start one for a session, reach the emulator through it, list,
//! copy its URL and a token-free curl line, stop it.

use serde_json::json;

use super::{harness, runtime};

#[test]
fn start_local_proxy() {
    let h = harness();
    let id = h.sign_in();
    let view = h
        .invoke("start_local_proxy", json!({"sessionId": id}))
        .expect("started");
    let url = view["url"].as_str().expect("a URL").to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/api"),
        "{url}"
    );
    // Through the proxy, without any token of our own.
    let answer = runtime()
        .block_on(reqwest::get(format!("{url}/invoices")))
        .expect("the proxy answers");
    assert_eq!(answer.status(), 200);
    // Starting again returns the same proxy.
    let again = h
        .invoke("start_local_proxy", json!({"sessionId": id}))
        .expect("ok");
    assert_eq!(again["url"], url.as_str());
    assert_eq!(
        h.code_of("start_local_proxy", json!({"sessionId": "nope"})),
        "session_not_found"
    );
}

#[test]
fn stop_local_proxy() {
    let h = harness();
    let id = h.sign_in();
    let view = h
        .invoke("start_local_proxy", json!({"sessionId": id}))
        .expect("started");
    let url = view["url"].as_str().expect("a URL").to_owned();
    h.invoke("stop_local_proxy", json!({"sessionId": id}))
        .expect("stopped");
    assert!(
        runtime()
            .block_on(reqwest::get(format!("{url}/invoices")))
            .is_err()
    );
    // Stopping what does not run is a no-op.
    h.invoke("stop_local_proxy", json!({"sessionId": "nope"}))
        .expect("no-op");
    h.assert_refused_elsewhere("stop_local_proxy");
}

#[test]
fn list_local_proxies() {
    let h = harness();
    assert_eq!(
        h.invoke("list_local_proxies", json!({})).expect("ok"),
        json!([])
    );
    let id = h.sign_in();
    let view = h
        .invoke("start_local_proxy", json!({"sessionId": id}))
        .expect("started");
    assert_eq!(
        h.invoke("list_local_proxies", json!({})).expect("ok"),
        json!([view])
    );
    h.assert_refused_elsewhere("list_local_proxies");
}

#[test]
fn copy_local_proxy_url() {
    let h = harness();
    let id = h.sign_in();
    assert_eq!(
        h.code_of("copy_local_proxy_url", json!({"sessionId": id})),
        "not_found"
    );
    let view = h
        .invoke("start_local_proxy", json!({"sessionId": id}))
        .expect("started");
    let copied = h
        .invoke("copy_local_proxy_url", json!({"sessionId": id}))
        .expect("copied");
    assert_eq!(copied["clearsInSeconds"], serde_json::Value::Null);
    assert_eq!(
        h.clipboard.content.lock().unwrap().as_deref(),
        view["url"].as_str()
    );
}

#[test]
fn copy_curl() {
    let h = harness();
    let id = h.sign_in();
    h.invoke("copy_curl", json!({"sessionId": id}))
        .expect("copied");
    let text = h.clipboard.content.lock().unwrap().clone().expect("copied");
    assert!(
        text.starts_with("curl -H \"Authorization: Bearer $(drivly-keys token --profile emulator)\" http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.ends_with("/api/invoices"), "{text}");
    assert!(!text.contains("eyJ"), "the token itself is never copied");
    assert_eq!(
        h.code_of("copy_curl", json!({"sessionId": "nope"})),
        "session_not_found"
    );
}
