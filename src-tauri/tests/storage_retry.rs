//! A keyring that is locked when the app starts and unlocked later (issue #13, item 5): the
//! failure is reported with its code, and a later call (the UI's "Unlock and retry", or just
//! using the app) opens secure storage without a restart; the UI is told to read keys and
//! sessions again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

mod common;

use drivly_core::Code;
use drivly_core::app_paths::AppPaths;
use drivly_core::vault::{MemoryStore, SecretStore};
use drivly_keys_app::build_app;
use drivly_keys_app::clipboard::{MemoryBackend, SecureClipboard};
use drivly_keys_app::ipc_error::IpcError;
use drivly_keys_app::state::AppState;
use serde_json::json;
use tauri::test::mock_builder;

#[test]
fn a_keyring_unlocked_after_start_is_used_without_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let unlocked = Arc::new(AtomicBool::new(false));
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let opener = {
        let unlocked = Arc::clone(&unlocked);
        Arc::new(move || {
            if unlocked.load(Ordering::SeqCst) {
                Ok(Arc::clone(&store))
            } else {
                Err(IpcError::new(
                    Code::KeyringLocked,
                    "the system keyring is locked; unlock it and retry",
                ))
            }
        })
    };
    let (state, receivers) = AppState::assemble_with_opener(
        AppPaths::in_folder(dir.path()),
        common::options(None),
        opener,
        SecureClipboard::new(Box::new(MemoryBackend::default())),
    )
    .expect("state assembles");
    let (sender, events) = mpsc::channel();
    let mut backend_events = receivers.backend;
    std::thread::spawn(move || {
        while let Some(event) = backend_events.blocking_recv() {
            let _ = sender.send(format!("{event:?}"));
        }
    });
    let app = build_app(mock_builder(), state)
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a webview");
    let invoke = |cmd: &str| common::invoke(&webview, cmd, json!({}));

    let locked = invoke("list_api_keys").expect_err("locked");
    assert_eq!(locked["code"], "keyring_locked");
    // The frame says it once, with its code, for "Unlock and retry".
    let info = invoke("app_info").expect("app info renders while locked");
    assert_eq!(info["storageError"]["code"], "keyring_locked");
    assert_eq!(
        invoke("list_sessions").expect_err("still locked")["code"],
        "keyring_locked"
    );

    unlocked.store(true, Ordering::SeqCst);
    // Within the retry pause the failure is answered from memory; after it, opened.
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(invoke("list_api_keys").expect("opened now"), json!([]));
    assert_eq!(invoke("list_sessions").expect("sessions too"), json!([]));
    assert_eq!(
        invoke("app_info").expect("app info")["storageError"],
        json!(null)
    );
    let mut seen = Vec::new();
    while let Ok(event) = events.recv_timeout(Duration::from_secs(2)) {
        seen.push(event);
        if seen.iter().any(|e| e.contains("KeysChanged"))
            && seen.iter().any(|e| e.contains("SessionsChanged"))
        {
            return;
        }
    }
    panic!("the UI was not told to read keys and sessions again: {seen:?}");
}
