//! The shell's commands through Tauri's real IPC layer on the mock runtime: what the webview
//! sends, what it gets back.

use drivly_core::profile::Profile;
use drivly_keys_app::{build_app, state::AppState};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

fn invoke(cmd: &str) -> Result<serde_json::Value, serde_json::Value> {
    let app = build_app(mock_builder(), AppState::new(Profile::drivly()))
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a webview");
    get_ipc_response(
        &webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "http://tauri.localhost".parse().expect("static URL"),
            body: tauri::ipc::InvokeBody::default(),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<serde_json::Value>().expect("JSON"))
}

#[test]
fn app_info_reports_the_active_profile() {
    let info = invoke("app_info").expect("app_info succeeds");
    assert_eq!(info["activeProfile"]["id"], "drivly");
    assert_eq!(info["activeProfile"]["environment"], "production");
    assert_eq!(info["activeProfile"]["baseUrl"], "https://commerce.driv.ly/api");
}

#[test]
fn unknown_commands_are_rejected() {
    assert!(invoke("get_secret").is_err());
}
