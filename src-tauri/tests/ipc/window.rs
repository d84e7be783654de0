//! The page's hand-over across a close to the tray: `close_window` and `recall_page`.

use drivly_keys_app::page_memory::CloseStart;
use drivly_keys_app::state::AppState;
use serde_json::json;
use tauri::Manager;

use super::harness;

fn snapshot() -> serde_json::Value {
    json!({"snapshot": {"screen": "mint", "fields": {"mint.label": "\"nightly ci\""}}})
}

#[test]
fn recall_page() {
    let h = harness();
    let recall = h.invoke("recall_page", json!({})).expect("ok");
    assert_eq!(recall, json!({"snapshot": null, "requests": []}));
    h.assert_refused_elsewhere("recall_page");
}

#[test]
fn close_window() {
    let h = harness();
    h.assert_refused_elsewhere("close_window");
    h.invoke("recall_page", json!({})).expect("the page boots");
    let state = h.webview.state::<AppState>();

    // An answer nobody asked for (the window was shown again since) keeps nothing and closes
    // nothing.
    h.invoke("close_window", snapshot()).expect("ok");
    assert!(h.webview.app_handle().get_webview_window("main").is_some());
    assert_eq!(state.page_memory.page_booted().snapshot, None);

    // The user closed the window: the page answers with its state, the window goes, and the
    // next page gets the state back.
    assert!(matches!(
        state.page_memory.start_close(),
        CloseStart::AskPage { .. }
    ));
    h.invoke("close_window", snapshot()).expect("ok");
    // (The mock runtime keeps destroyed windows; `e2e/desktop` sees the real window and
    // its WebKit process go.) The next page gets the state back, once.
    let recall = h.invoke("recall_page", json!({})).expect("ok");
    assert_eq!(recall["snapshot"], snapshot()["snapshot"]);
    let again = h.invoke("recall_page", json!({})).expect("ok");
    assert_eq!(again["snapshot"], serde_json::Value::Null);

    // Error paths: a screen the page does not have, and another origin.
    let error = h.invoke(
        "close_window",
        json!({"snapshot": {"screen": "nowhere", "fields": {}}}),
    );
    assert!(error.is_err(), "refused: {error:?}");
}
