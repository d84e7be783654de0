//! Drivly Keys desktop shell.
//!
//! The shell is thin on purpose: plugin wiring, IPC commands that adapt the core, the tray,
//! the clipboard and events. All domain logic lives in `drivly-core`, which knows nothing of
//! Tauri; the boundary is a crate boundary.
//!
//! [`app_builder`] is the whole app for any [`tauri::Runtime`]: plugins, commands, the set-up
//! (state, event forwarding, sessions, tray) and window events. [`run`] hands it the real
//! runtime; the shell tests hand it Tauri's mock runtime (`tauri::test::mock_builder`), so they
//! run the same wiring.

// First: the command table is a macro the modules below use.
#[macro_use]
mod command_list;

pub mod app_menu;
pub mod blocking;
pub mod clipboard;
pub mod commands;
pub mod contract;
#[cfg(feature = "demo")]
pub mod demo;
pub mod desktop_entry;
pub mod desktop_notifications;
pub mod events;
pub mod global_shortcut;
pub mod held_tokens;
pub mod ipc_error;
pub mod launch_links;
pub mod live_sync;
pub mod local_proxies;
pub mod main_window;
pub mod native_confirm;
pub mod notices;
pub mod page_memory;
pub mod quick_copy;
pub mod sessions_hub;
pub mod sign_in_again;
pub mod sign_in_flow;
pub mod start_error;
pub mod state;
pub mod tray;
pub mod tray_host;

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::clipboard::{ArboardBackend, ClipboardBackend, ClipboardError, SecureClipboard};
use crate::events::{BackendEvent, EVENT_CHANNEL};
use crate::start_error::StartError;
use crate::state::{AppState, EventReceivers, StartOptions};

/// Registers state and every IPC command on `builder` (tests).
pub fn build_app<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    register_commands(builder.manage(state))
}

/// Registers every IPC command on `builder` (`run` manages the state later, in its setup hook).
pub fn register_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    /// The handlers of the command table (`command_list.rs`).
    macro_rules! handlers {
        ($($module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $out:ty;)*) => {
            tauri::generate_handler![$(commands::$module::$name),*]
        };
    }
    builder.invoke_handler(app_commands!(handlers))
}

/// Clears the clipboard if it still holds our secret, then exits.
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<AppState>() {
        state.clipboard.clear_if_ours_now();
    }
    app.exit(0);
}

/// Shows an OS notification (best effort: a desktop without a notification service shows none).
pub fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    // An app built without the plugin (the shell's IPC tests) shows none either.
    if app
        .try_state::<tauri_plugin_notification::Notification<R>>()
        .is_none()
    {
        return;
    }
    let _ = app.notification().builder().title(title).body(body).show();
}

/// A clipboard that reports why it is unavailable (no display server).
#[derive(Debug)]
struct NoClipboard(String);

impl ClipboardBackend for NoClipboard {
    fn set_secret_text(&mut self, _text: &str) -> Result<(), ClipboardError> {
        Err(ClipboardError::Unavailable(self.0.clone()))
    }
    fn text(&mut self) -> Option<String> {
        None
    }
    fn clear(&mut self) -> Result<(), ClipboardError> {
        Ok(())
    }
}

/// Forwards events to the window. Session events take one typed path: the refresher's
/// change goes straight out as that session's view ([`BackendEvent::SessionChanged`] or
/// [`BackendEvent::SessionRemoved`]), and the tray is rebuilt only when its labels change.
/// Runs for the app's life.
fn forward_events<R: Runtime>(app: &AppHandle<R>, receivers: EventReceivers) {
    let EventReceivers {
        mut backend,
        mut sessions,
    } = receivers;
    let emitter = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = backend.recv().await {
            // A sign-in that ends while no page is there (the window closed to the tray before
            // the browser came back, or a forged link arrived then): the desktop says how it
            // ended, since no banner will.
            if let BackendEvent::LoginFinished { ok, message, .. } = &event
                && !emitter
                    .try_state::<AppState>()
                    .is_some_and(|state| state.page_memory.page_ready())
            {
                let title = if *ok {
                    "Drivly Keys: signed in"
                } else {
                    "Drivly Keys: sign-in not completed"
                };
                notify(&emitter, title, message);
            }
            let _ = emitter.emit(EVENT_CHANNEL, &event);
            if event == BackendEvent::SessionsChanged {
                tray::refresh(&emitter).await;
            }
        }
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        use drivly_core::session::SessionEvent;
        while let Some(event) = sessions.recv().await {
            let to_ui = match event {
                SessionEvent::Changed { session } => Some(BackendEvent::SessionChanged {
                    session: Box::new((*session).into()),
                }),
                SessionEvent::SignedOut { session_id, .. } => Some(BackendEvent::SessionRemoved {
                    session_id: session_id.to_string(),
                }),
                SessionEvent::SignInNeeded {
                    session_id,
                    message,
                    ..
                } => {
                    let app = app.clone();
                    tauri::async_runtime::spawn(async move {
                        sign_in_again::offer(&app, session_id.as_str(), &message).await;
                    });
                    None
                }
                SessionEvent::ExpirySkew { .. } | SessionEvent::StoreFailed { .. } => None,
            };
            if let Some(event) = to_ui {
                let _ = app.emit(EVENT_CHANNEL, &event);
                tray::refresh(&app).await;
            }
        }
    });
}

/// What the set-up hook starts the app with.
pub struct Startup {
    /// The managed state.
    pub state: AppState,
    /// Its event receivers, drained by the forwarders.
    pub receivers: EventReceivers,
    /// The embedded demo emulator, kept alive for the app's life (always `None` in a build
    /// without the `demo` feature).
    pub demo: DemoHandle,
    /// Register the app as the handler of its link scheme (runs helper programs; the real app
    /// only).
    pub register_link_handler: bool,
}

impl std::fmt::Debug for Startup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Startup").finish_non_exhaustive()
    }
}

/// The whole app on `builder`: plugins (deep link, notification), every IPC command, the
/// set-up hook (`start` builds the state there; then event forwarding, deep links, the stored
/// sessions and the tray) and the window events. [`run`] adds the single-instance plugin,
/// which needs the session bus and a second process, before calling this.
pub fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    start: impl FnOnce() -> Result<Startup, StartError> + Send + 'static,
) -> tauri::Builder<R> {
    let builder =
        builder
            .plugin(tauri_plugin_deep_link::init())
            .plugin(tauri_plugin_notification::init())
            // Native confirmations, driven from Rust only (`native_confirm`): none of the plugin's
            // commands is granted to the page.
            .plugin(tauri_plugin_dialog::init())
            .menu(app_menu::build)
            .on_menu_event(|app, event| app_menu::on_event(app, &event))
            .setup(move |app| {
                let Startup {
                    state,
                    receivers,
                    demo,
                    register_link_handler,
                } = start()?;
                state.confirmer.use_if_unset(std::sync::Arc::new(
                    native_confirm::DialogConfirm::new(app.handle().clone()),
                ));
                app.manage(state);
                app.manage(tray::TrayLabels::default());
                #[cfg(feature = "demo")]
                if let Some(demo) = demo {
                    app.manage(DemoServer(demo));
                }
                #[cfg(not(feature = "demo"))]
                let _: DemoHandle = demo;
                setup(app, receivers, register_link_handler)
            })
            .on_window_event(|window, event| {
                if let tauri::WindowEvent::CloseRequested { api, .. } = event
                    && window.label() == main_window::LABEL
                {
                    let Some(state) = window.try_state::<AppState>() else {
                        return;
                    };
                    // No tray on this desktop: a hidden window would leave an invisible
                    // process, so closing quits (Settings says why).
                    if state.tray_host.close_quits() {
                        quit(window.app_handle());
                        return;
                    }
                    // Closing keeps the refreshers running in the tray, and lets the window
                    // and its webview go once the page has handed over its state: a tray app
                    // holds no WebKit renderer (`main_window`).
                    if main_window::close_to_tray(window.app_handle(), &state) {
                        api.prevent_close();
                    }
                }
            });
    register_commands(builder)
}

fn setup<R: Runtime>(
    app: &mut tauri::App<R>,
    receivers: EventReceivers,
    register_link_handler: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let handle = app.handle().clone();
    if register_link_handler {
        // Registering the link handler runs two helper programs; the window need not wait.
        let registrar = handle.clone();
        std::thread::spawn(move || desktop_entry::register(&registrar));
    }
    forward_events(&handle, receivers);
    // Changes made by the CLI or a second app process reach this one (ARCHITECTURE.md).
    live_sync::start(&handle);

    // Sign-in redirects of a cold start. On Linux they come as arguments, read in Rust only
    // (`launch_links`: the deep-link plugin would broadcast them to the page); elsewhere the
    // plugin delivers them (macOS sends them as Apple events).
    #[cfg(target_os = "linux")]
    launch_links::on_cold_start(&handle);
    #[cfg(not(target_os = "linux"))]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let on_link = handle.clone();
        app.deep_link().on_open_url(move |event| {
            for url in event.urls() {
                let app = on_link.clone();
                tauri::async_runtime::spawn(async move {
                    sign_in_flow::handle_deep_link(&app, url.as_str()).await
                });
            }
        });
        if let Ok(Some(urls)) = app.deep_link().get_current() {
            for url in urls {
                let app = handle.clone();
                tauri::async_runtime::spawn(async move {
                    sign_in_flow::handle_deep_link(&app, url.as_str()).await
                });
            }
        }
    }

    let settings = app.state::<AppState>().profiles.settings().ok();
    let launch_minimised = settings.as_ref().is_some_and(|s| s.launch_minimised);
    global_shortcut::register_saved(
        &handle,
        settings.as_ref().and_then(|s| s.global_shortcut.as_deref()),
    );
    // Secure storage opens here, off the main thread, while the window loads; the refreshers
    // and the tray (whose menu lists the sessions) follow.
    let starter = handle.clone();
    tauri::async_runtime::spawn(async move {
        let state = starter.state::<AppState>();
        if let Ok(hub) = state.sessions().await {
            hub.start_stored().await;
        }
        let _ = tray::create(&starter).await;
        let host = tray_host::detect().await;
        tracing::info!(?host, "tray host");
        state.tray_host.set(host);
        // Started minimised on a desktop without a tray: nothing could bring the window back.
        if launch_minimised && host == tray_host::TrayHost::Absent {
            tray::show_window(&starter);
        }
        state.events.send(BackendEvent::SessionsChanged);
    });
    if !launch_minimised {
        tray::show_window(&handle);
    }
    Ok(())
}

/// The embedded demo emulator, kept alive as managed state for the app's life.
#[cfg(feature = "demo")]
struct DemoServer(#[allow(dead_code)] demo::Demo);

/// What keeps demo mode alive: the emulator, or nothing in a build without the `demo` feature.
#[cfg(feature = "demo")]
pub type DemoHandle = Option<demo::Demo>;
#[cfg(not(feature = "demo"))]
pub type DemoHandle = Option<std::convert::Infallible>;

/// Builds everything the app runs on: the demo emulator (in demo mode), the clipboard, the
/// stores. Called from the setup hook, so a second launch that single-instance forwards to the
/// running app exits before any of it (threads included) exists.
fn assemble_state() -> Result<Startup, StartError> {
    #[cfg_attr(not(feature = "demo"), allow(unused_mut))]
    let mut options = StartOptions {
        overrides: drivly_core::profile::store::EnvOverrides::from_env(),
        demo: None,
    };
    #[cfg(not(feature = "demo"))]
    if std::env::args().skip(1).any(|a| a == "--demo") {
        return Err(StartError::NoDemoMode);
    }
    #[cfg(not(feature = "demo"))]
    let demo: DemoHandle = None;
    #[cfg(feature = "demo")]
    let demo = if demo::requested() {
        let home = drivly_core::app_paths::AppPaths::from_env()
            .map(|p| p.data_dir().to_path_buf())
            .unwrap_or_else(|_| std::env::temp_dir());
        let _ = std::fs::create_dir_all(&home);
        let demo = demo::start(&home)?;
        options.overrides.emulator_url = Some(demo.emulator.base_url().to_string());
        options
            .overrides
            .profile
            .get_or_insert_with(|| "emulator".into());
        options.demo = Some(demo.info.clone());
        Some(demo)
    } else {
        None
    };
    let clipboard: Box<dyn ClipboardBackend> = match ArboardBackend::new() {
        Ok(backend) => Box::new(backend),
        Err(error) => Box::new(NoClipboard(error.to_string())),
    };
    let (state, receivers) = AppState::open(options, SecureClipboard::new(clipboard))?;
    Ok(Startup {
        state,
        receivers,
        demo,
        register_link_handler: true,
    })
}

/// Runs the desktop app.
pub fn run() {
    use tracing_subscriber::prelude::*;
    // `DRIVLY_KEYS_LOG` takes `target=level` lists (`Targets`: no regex engine in the binary,
    // BENCHMARKS.md "Where the app's size goes"); a value it cannot read means the default.
    let filter = std::env::var("DRIVLY_KEYS_LOG")
        .ok()
        .and_then(|text| text.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO)
        });
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();

    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            // A second launch: on Linux its link (if any) goes to the sign-in flow in Rust
            // (`launch_links`); elsewhere the `deep-link` feature hands it to the deep-link
            // plugin. Never log argv: it may hold a code.
            #[cfg(target_os = "linux")]
            launch_links::on_second_launch(app, &_argv);
            #[cfg(not(target_os = "linux"))]
            tray::show_window(app);
        }));
    let app = match app_builder(builder, assemble_state)
        .build(tauri::generate_context!("../tauri.conf.json"))
    {
        Ok(app) => app,
        Err(error) => {
            eprintln!("Drivly Keys could not start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        // The last window closed to the tray: the app keeps running (an exit the app asks
        // for, `quit`, carries a code and goes ahead).
        if let tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } = &event
            && handle
                .try_state::<AppState>()
                .is_some_and(|state| !state.tray_host.close_quits())
        {
            api.prevent_exit();
        }
        if let tauri::RunEvent::Exit = event
            && let Some(state) = handle.try_state::<AppState>()
        {
            state.clipboard.clear_if_ours_now();
        }
    });
}
