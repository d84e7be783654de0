//! What the page may call, proved at the IPC layer (issue #13, items 15 and the snapshot):
//! a command the app *registers* but the command table does not list is refused, so is every
//! plugin command, and the capability and the CSP change only on purpose.

mod common;

use serde_json::{Value, json};
use tauri::test::{MockRuntime, mock_builder};

/// A command the app could register by mistake: it would hand the page a secret.
#[tauri::command]
fn leak_everything() -> &'static str {
    "secret"
}

fn invoke(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    common::invoke(webview, cmd, args)
}

#[test]
fn a_registered_command_missing_from_the_table_and_every_plugin_command_are_refused() {
    // The real context (capability + app manifest) with the app's plugins and one extra,
    // registered command that the table does not list.
    let app = mock_builder()
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![leak_everything])
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds");
    let main = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window");
    // The table's own commands are callable from this window (so a refusal below is the ACL's
    // verdict on that command, not a window that may call nothing).
    let listed = invoke(&main, "permission_catalog", json!({}));
    assert!(
        listed.is_err_and(|e| !e.to_string().contains("not allowed")),
        "the ACL refused a command of the table"
    );

    let refused = invoke(&main, "leak_everything", json!({}));
    assert!(
        refused.is_err(),
        "a registered but unlisted command answered: {refused:?}"
    );

    for plugin_command in [
        "plugin:deep-link|get_current",
        "plugin:deep-link|register",
        "plugin:notification|notify",
        "plugin:notification|request_permission",
        // The native confirmations are Rust's alone: a page that could answer or draw them
        // would defeat them (src/native_confirm.rs).
        "plugin:dialog|message",
        "plugin:dialog|open",
        "plugin:dialog|save",
        "plugin:event|emit",
        "plugin:event|emit_to",
        "plugin:window|set_title",
        "plugin:webview|create_webview_window",
        "plugin:path|resolve_directory",
    ] {
        let answer = invoke(&main, plugin_command, json!({}));
        assert!(
            answer
                .as_ref()
                .is_err_and(|e| e.to_string().contains("not allowed")),
            "{plugin_command} is granted to the page: {answer:?}"
        );
    }
}

/// The capability and the CSP, as reviewed. A change here must be deliberate: update the
/// snapshot in the same commit and say why in its message.
#[test]
fn the_capability_and_the_csp_are_as_reviewed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("src-tauri/capabilities/main-window.json"))
            .expect("the capability"),
    )
    .expect("JSON");
    assert_eq!(capability["windows"], json!(["main"]));
    assert_eq!(
        capability["permissions"],
        json!([
            "core:event:allow-listen",
            "core:event:allow-unlisten",
            "allow-app-commands"
        ])
    );
    assert!(
        capability.get("remote").is_none(),
        "no remote origin may use the IPC"
    );

    let config: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tauri.conf.json")).expect("the config"),
    )
    .expect("JSON");
    assert_eq!(config["app"]["withGlobalTauri"], false);
    assert_eq!(
        config["app"]["security"]["csp"],
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src ipc: http://ipc.localhost; object-src 'none'; \
         frame-src 'none'; base-uri 'none'; form-action 'none'"
    );
    let dirs = std::fs::read_dir(root.join("src-tauri/capabilities"))
        .expect("the folder")
        .count();
    assert_eq!(dirs, 1, "one capability file, for the main window");
}
