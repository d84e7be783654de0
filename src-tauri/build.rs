//! Build script: compiles the Tauri context from the workspace-root `tauri.conf.json`.
//!
//! Debug builds get their own identifier and deep-link scheme (`ly.driv.keys.dev`), so a
//! development build never answers the installed app's sign-in redirects, and its
//! single-instance D-Bus name never collides with the installed app's. The patch reaches the
//! `generate_context!` macro through `TAURI_CONFIG`, which tauri-codegen merges over the file.

const DEV_CONFIG_PATCH: &str = r#"{"identifier":"ly.driv.keys.dev","productName":"Drivly Keys (dev)","plugins":{"deep-link":{"desktop":{"schemes":["ly.driv.keys.dev"]}}}}"#;

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    if std::env::var("PROFILE").as_deref() == Ok("debug") {
        println!("cargo:rustc-env=TAURI_CONFIG={DEV_CONFIG_PATCH}");
    }
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(drivly_commands()));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {error:#}");
    }
}

/// The IPC commands the UI may call. `AppManifest::commands` makes every other command
/// unreachable from the webview, and the capability file grants exactly these.
fn drivly_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "list_profiles",
        "add_profile",
        "update_profile",
        "remove_profile",
        "set_active_profile",
        "get_settings",
        "update_settings",
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
        "list_sessions",
        "sign_in",
        "cancel_sign_in",
        "copy_session_jwt",
        "session_token",
        "refresh_now",
        "sign_out",
    ]
}
