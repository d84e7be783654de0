//! Browser sign-in from the desktop: start (pending login + system browser), then finish when
//! the redirect comes back — as a deep link (a second launch forwarded by single-instance, or
//! the URL the app was cold-started with) or to a one-shot loopback listener.
//!
//! Every callback goes through the core's strict parser and the pending-login registry: a
//! forged, replayed or unsolicited link is rejected, changes nothing, and is reported to the UI
//! as a plain message. Callback URLs are never logged.

use std::time::Duration;

use drivly_core::browser;
use drivly_core::login::{LOGIN_TTL, LoopbackListener, RedirectTarget, parse_callback};
use drivly_core::profile::Profile;
use drivly_core::usecases::sign_in::complete_sign_in;
use tauri::{AppHandle, Manager, Runtime};

use crate::events::BackendEvent;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// Where the redirect should come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RedirectChoice {
    /// The app's private-use scheme.
    DeepLink,
    /// A one-shot listener on 127.0.0.1.
    Loopback,
}

/// Starts a sign-in to `profile` and opens the system browser.
pub async fn start<R: Runtime>(
    app: &AppHandle<R>,
    profile: &Profile,
    permissions: &[String],
    choice: RedirectChoice,
) -> IpcResult<()> {
    let state = app.state::<AppState>();
    state.sessions().await?;
    // One sign-in at a time: a new one replaces any earlier attempt.
    cancel(&state);
    let started = match choice {
        RedirectChoice::DeepLink => {
            state
                .logins
                .start(profile, permissions, state.deep_link_redirect.clone())
        }
        RedirectChoice::Loopback => {
            let (listener, target) = LoopbackListener::bind().await.map_err(IpcError::from)?;
            let started = state.logins.start(profile, permissions, target.clone());
            let listener = listener.expect_state(started.state.clone());
            let app = app.clone();
            let task = tauri::async_runtime::spawn(async move {
                let ttl = LOGIN_TTL.to_std().unwrap_or(Duration::from_secs(600));
                match listener.accept_callback(ttl).await {
                    Ok(url) => finish(&app, &url, &target).await,
                    Err(error) => report(&app, Err(IpcError::from(error))),
                }
            });
            *state.sign_in_task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
            started
        }
    };
    if let Err(error) = browser::open(started.authorize_url.as_str()) {
        cancel(&state);
        return Err(error.into());
    }
    Ok(())
}

/// Abandons any sign-in in progress.
pub fn cancel(state: &AppState) {
    state.logins.cancel_all();
    if let Some(task) = state
        .sign_in_task
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    {
        task.abort();
    }
}

/// Handles a deep link delivered by the OS (forwarded second launch or cold start).
pub async fn handle_deep_link<R: Runtime>(app: &AppHandle<R>, url: &str) {
    let expected = app.state::<AppState>().deep_link_redirect.clone();
    finish(app, url, &expected).await;
}

/// Validates a callback URL, exchanges the code and starts the session; reports to the UI.
pub async fn finish<R: Runtime>(app: &AppHandle<R>, url: &str, expected: &RedirectTarget) {
    let result = complete(app, url, expected).await;
    report(app, result);
}

async fn complete<R: Runtime>(
    app: &AppHandle<R>,
    url: &str,
    expected: &RedirectTarget,
) -> IpcResult<String> {
    let state = app.state::<AppState>();
    let payload = parse_callback(url, expected)?;
    let completed = state.logins.complete(payload)?;
    let profile = state.profiles.get(&completed.profile_id)?;
    let hub = state.sessions().await?;
    complete_sign_in(completed, &profile, hub.running()).await?;
    Ok(format!("Signed in to {}.", profile.name))
}

fn report<R: Runtime>(app: &AppHandle<R>, result: IpcResult<String>) {
    let state = app.state::<AppState>();
    let event = match result {
        Ok(message) => {
            state.events.send(BackendEvent::SessionsChanged);
            BackendEvent::LoginFinished {
                ok: true,
                message,
                code: None,
            }
        }
        Err(error) => {
            tracing::warn!(code = error.code, "a sign-in callback was not accepted");
            BackendEvent::LoginFinished {
                ok: false,
                message: error.message,
                code: Some(error.code.to_owned()),
            }
        }
    };
    state.events.send(event);
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.set_focus();
    }
}
