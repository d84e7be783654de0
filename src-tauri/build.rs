//! Build script: compiles the Tauri context from the workspace-root `tauri.conf.json`.
//!
//! Debug builds get their own identifier and deep-link scheme (`ly.driv.keys.dev`), so a
//! development build never answers the installed app's sign-in redirects, and its
//! single-instance D-Bus name never collides with the installed app's. The patch reaches the
//! `generate_context!` macro through `TAURI_CONFIG`, which tauri-codegen merges over the file.

const DEV_CONFIG_PATCH: &str = r#"{"identifier":"ly.driv.keys.dev","productName":"Drivly Keys (dev)","plugins":{"deep-link":{"desktop":{"schemes":["ly.driv.keys.dev"]}}}}"#;

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=src/command_list.rs");
    check_capability(drivly_commands());
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

// The command table (`src/command_list.rs`), shared with the app so the list exists once.
include!("src/command_list.rs");

/// The names of the table's commands.
macro_rules! command_names {
    ($($module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $out:ty;)*) => {
        &[$(stringify!($name)),*]
    };
}

/// The IPC commands the UI may call. `AppManifest::commands` makes every other command
/// unreachable from the webview, and the capability file grants exactly these.
fn drivly_commands() -> &'static [&'static str] {
    app_commands!(command_names)
}

/// Fails the build when `permissions/app-commands.toml` does not grant exactly the table's
/// commands: a command missing there would be refused at run time, an extra one is a grant
/// nobody meant.
fn check_capability(commands: &[&str]) {
    const PERMISSIONS: &str = "permissions/app-commands.toml";
    println!("cargo:rerun-if-changed={PERMISSIONS}");
    let text = std::fs::read_to_string(PERMISSIONS)
        .unwrap_or_else(|error| panic!("cannot read {PERMISSIONS}: {error}"));
    let granted: std::collections::BTreeSet<&str> = text
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix('"')?.strip_suffix("\","))
        .collect();
    let listed: std::collections::BTreeSet<&str> = commands.iter().copied().collect();
    let missing: Vec<_> = listed.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&listed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{PERMISSIONS} must allow exactly the commands of src/command_list.rs; missing: {missing:?}, not in the table: {extra:?}"
    );
}
