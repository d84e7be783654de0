//! What the shell tests share: the app's state over an in-memory store in a temporary folder,
//! and a call through Tauri's real IPC layer as the page would make it.
#![allow(dead_code, reason = "each test binary uses its own part")]

use std::sync::Arc;

use drivly_core::app_paths::AppPaths;
use drivly_core::profile::store::EnvOverrides;
use drivly_core::vault::{MemoryStore, SecretStore};
use drivly_keys_app::clipboard::{MemoryBackend, SecureClipboard};
use drivly_keys_app::state::{AppState, EventReceivers, StartOptions};
use serde_json::Value;
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response};
use tauri::webview::InvokeRequest;

/// The app's own origin, as the page has it.
pub const APP_ORIGIN: &str = "tauri://localhost";

/// Options for the built-in emulator profile, at `emulator_url` when given.
pub fn options(emulator_url: Option<String>) -> StartOptions {
    StartOptions {
        overrides: EnvOverrides {
            emulator_url,
            profile: Some("emulator".into()),
        },
        demo: None,
    }
}

/// The state over a fresh in-memory store in `dir`, with `clipboard` as the clipboard.
pub fn state_in(
    dir: &tempfile::TempDir,
    emulator_url: Option<String>,
    clipboard: &MemoryBackend,
) -> (AppState, EventReceivers) {
    state_over(dir, emulator_url, clipboard, Arc::new(MemoryStore::new()))
}

/// The state over `store` in `dir` (tests that look into the store afterwards).
pub fn state_over(
    dir: &tempfile::TempDir,
    emulator_url: Option<String>,
    clipboard: &MemoryBackend,
    store: Arc<MemoryStore>,
) -> (AppState, EventReceivers) {
    let store: Arc<dyn SecretStore> = store;
    AppState::assemble(
        AppPaths::in_folder(dir.path()),
        options(emulator_url),
        Ok(store),
        SecureClipboard::new(Box::new(clipboard.clone())),
    )
    .expect("state assembles")
}

/// Calls `cmd` with `args` from a page at `origin`; the answer, or the refusal.
pub fn invoke_from(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
    origin: &str,
) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: origin.parse().expect("a URL"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("JSON"))
}

/// Calls `cmd` with `args` from the app's own page.
pub fn invoke(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    invoke_from(webview, cmd, args, APP_ORIGIN)
}

/// A native confirmation that answers as the test says and records what it was asked.
#[derive(Debug)]
pub struct ScriptedConfirm {
    approve: std::sync::atomic::AtomicBool,
    asked: std::sync::Mutex<Vec<drivly_keys_app::native_confirm::Confirmation>>,
}

impl ScriptedConfirm {
    /// Approves (`true`) or cancels every confirmation until told otherwise.
    pub fn answering(approve: bool) -> Arc<Self> {
        Arc::new(Self {
            approve: std::sync::atomic::AtomicBool::new(approve),
            asked: std::sync::Mutex::default(),
        })
    }

    /// Answers `approve` from now on.
    pub fn set(&self, approve: bool) {
        self.approve
            .store(approve, std::sync::atomic::Ordering::SeqCst);
    }

    /// What was asked so far, oldest first.
    pub fn asked(&self) -> Vec<drivly_keys_app::native_confirm::Confirmation> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl drivly_keys_app::native_confirm::NativeConfirm for ScriptedConfirm {
    fn ask(&self, confirmation: &drivly_keys_app::native_confirm::Confirmation) -> bool {
        self.asked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(confirmation.clone());
        self.approve.load(std::sync::atomic::Ordering::SeqCst)
    }
}
