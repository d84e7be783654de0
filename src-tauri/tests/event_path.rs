//! The app's real wiring ([`app_builder`]: plugins, set-up, event forwarding) on Tauri's mock
//! runtime: a refresher's session change reaches the UI's channel as that session's view, and
//! a sign-out as its removal, in one hop.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use drivly_core::app_paths::AppPaths;
use drivly_core::profile::ProfileId;
use drivly_core::profile::store::EnvOverrides;
use drivly_core::session::{
    Revocation, SessionEvent, SessionId, SessionMeta, SessionState, SessionView,
};
use drivly_core::vault::{MemoryStore, SecretStore};
use drivly_keys_app::clipboard::{MemoryBackend, SecureClipboard};
use drivly_keys_app::events::EVENT_CHANNEL;
use drivly_keys_app::state::{AppState, StartOptions};
use drivly_keys_app::{Startup, app_builder};
use serde_json::Value;
use tauri::test::mock_builder;
use tauri::{Listener, Manager};

fn next_event(events: &mpsc::Receiver<String>, kind: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let payload = events
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {kind} event arrived"));
        let value: Value = serde_json::from_str(&payload).expect("JSON payload");
        if value["type"] == kind {
            return value;
        }
    }
}

#[test]
fn a_session_change_reaches_the_ui_as_that_sessions_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = AppPaths::in_folder(dir.path());
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let options = StartOptions {
        overrides: EnvOverrides {
            emulator_url: None,
            profile: Some("emulator".into()),
        },
        demo: None,
    };
    let (state, receivers) = AppState::assemble(
        paths,
        options,
        Ok(store),
        SecureClipboard::new(Box::new(MemoryBackend::default())),
    )
    .expect("state assembles");
    let mut app = app_builder(mock_builder(), move || {
        Ok(Startup {
            state,
            receivers,
            demo: None,
            register_link_handler: false,
        })
    })
    .build(tauri::generate_context!("../tauri.conf.json"))
    .expect("the app builds with its plugins");
    // The first iteration runs the set-up hook (state, forwarders, sessions, tray). One call,
    // not a loop, so the deprecation's busy-loop concern does not apply.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let (sender, events) = mpsc::channel();
    app.listen(EVENT_CHANNEL, move |event| {
        let _ = sender.send(event.payload().to_owned());
    });

    let id = SessionId::new_random();
    let view = SessionView {
        meta: SessionMeta::new(
            id.clone(),
            ProfileId::parse("emulator").expect("id"),
            Some("usr_1".into()),
            vec!["invoices.read".into()],
            chrono::Utc::now(),
        ),
        state: SessionState::Refreshing,
    };
    let sink = app.state::<AppState>().session_events();
    sink.emit(SessionEvent::Changed {
        session: Box::new(view),
    });
    let changed = next_event(&events, "sessionChanged");
    assert_eq!(changed["session"]["id"], id.as_str());
    assert_eq!(changed["session"]["state"], "refreshing");
    assert_eq!(changed["session"]["subject"], "usr_1");

    sink.emit(SessionEvent::SignedOut {
        session_id: id.clone(),
        revocation: Revocation::Revoked,
    });
    let removed = next_event(&events, "sessionRemoved");
    assert_eq!(removed["sessionId"], id.as_str());
}
