//! A sign-in link never reaches the page (issue #13, item 3): on Linux a forwarded second
//! launch's link is handled in Rust (`launch_links`), so no `deep-link://new-url` event carries
//! it to the window, the UI's own event says how it ended without the link, and the page may
//! not emit that event itself to fake one.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use drivly_keys_app::clipboard::MemoryBackend;
use drivly_keys_app::events::EVENT_CHANNEL;
use drivly_keys_app::launch_links::on_second_launch;
use drivly_keys_app::state::AppState;
use drivly_keys_app::{Startup, app_builder};
use serde_json::{Value, json};
use tauri::test::mock_builder;
use tauri::{Listener, Manager};

const CODE: &str = "CANARYCODE0123456789";

#[test]
fn a_forwarded_link_is_handled_in_rust_and_never_broadcast_to_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (state, receivers) = common::state_in(&dir, None, &MemoryBackend::default());
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
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let webview = app.get_webview_window("main").expect("the main window");

    let (plugin_sender, plugin_events) = mpsc::channel::<String>();
    app.listen_any("deep-link://new-url", move |event| {
        let _ = plugin_sender.send(event.payload().to_owned());
    });
    let (sender, events) = mpsc::channel::<String>();
    app.listen_any(EVENT_CHANNEL, move |event| {
        let _ = sender.send(event.payload().to_owned());
    });

    // A second launch by the desktop, as `drivly-keys-app %u` with a (forged) callback.
    let scheme = match &app.state::<AppState>().deep_link_redirect {
        drivly_core::login::RedirectTarget::PrivateUse { scheme } => scheme.clone(),
        other => panic!("a build's redirect is its scheme, not {other}"),
    };
    let link = format!("{scheme}:/auth/callback?code={CODE}&state=forged");
    on_second_launch(app.handle(), &["drivly-keys-app".to_owned(), link.clone()]);

    // The link was handled: the UI hears that it was refused, in words, without the link.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let finished = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let payload = events.recv_timeout(left).expect("a loginFinished event");
        assert!(
            !payload.contains(CODE),
            "an event carried the code: {payload}"
        );
        let value: Value = serde_json::from_str(&payload).expect("JSON");
        if value["type"] == "loginFinished" {
            break value;
        }
    };
    assert_eq!(finished["ok"], false);
    assert!(finished["code"].is_string());
    // ...and nothing ever broadcast the URL as the plugin's event.
    assert!(
        plugin_events
            .recv_timeout(Duration::from_millis(500))
            .is_err(),
        "the link reached deep-link://new-url, which any page may listen to"
    );

    // The page cannot fake the plugin's event either: emitting is not granted.
    let emitted = common::invoke(
        &webview,
        "plugin:event|emit",
        json!({"event": "deep-link://new-url", "payload": [link]}),
    );
    assert!(emitted.is_err(), "the page may not emit events");
}
