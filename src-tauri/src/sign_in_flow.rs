//! Browser sign-in from the desktop: start (pending login + system browser), then finish when
//! the redirect comes back — as a deep link (a second launch forwarded by single-instance, or
//! the URL the app was cold-started with) or to a one-shot loopback listener.
//!
//! Every callback goes through the core's strict parser and the pending-login registry: a
//! forged, replayed or unsolicited link is rejected, changes nothing, and is reported to the UI
//! as a plain message. Callback URLs are never logged.
//!
//! Cold start (issue #17): a deep-link sign-in is also kept in the keyring
//! ([`drivly_core::login::PendingSignInStore`]), so an app the redirect launches after the
//! user quit the one that started it adopts it and finishes. The keyring copy goes on
//! completion, cancel, replacement and expiry.

use std::time::Duration;

use drivly_core::Code;
use drivly_core::login::{
    CallbackError, LOGIN_TTL, LoopbackListener, PendingSignInStore, RedirectTarget, parse_callback,
};
use drivly_core::profile::Profile;
use drivly_core::usecases::sign_in::complete_sign_in;
use tauri::{AppHandle, Manager, Runtime};

use crate::events::BackendEvent;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// Where the redirect should come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
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
    // One sign-in at a time: a new one replaces any earlier attempt (a deep-link one also
    // replaces the keyring copy, so it is not cleared here, where that would race the save).
    match choice {
        RedirectChoice::DeepLink => cancel_in_memory(&state),
        RedirectChoice::Loopback => cancel(&state),
    }
    let started = match choice {
        RedirectChoice::DeepLink => {
            let started =
                state
                    .logins
                    .start(profile, permissions, state.deep_link_redirect.clone());
            keep_for_cold_start(&state, &started.state).await;
            // A loopback wait ends with its listener's timeout; a link wait needs its own, or
            // the window would wait for a browser that never comes back.
            let app = app.clone();
            let left = (started.expires - state.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            let task = tauri::async_runtime::spawn(async move {
                tokio::time::sleep(left + Duration::from_secs(1)).await;
                let state = app.state::<AppState>();
                if state.logins.expire() > 0 {
                    forget_kept_sign_in(&state);
                    announce(
                        &app,
                        Err(IpcError::new(
                            Code::LoginExpired,
                            "the sign-in expired: the browser did not come back within 10 minutes; start it again",
                        )),
                    );
                }
            });
            *state.sign_in_task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
            started
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
    if let Err(error) = (state.browser)(started.authorize_url.as_str()) {
        cancel(&state);
        return Err(error.into());
    }
    Ok(())
}

/// The keyring slot of the pending deep-link sign-in, once secure storage is open.
async fn pending_slot(state: &AppState) -> Option<PendingSignInStore> {
    let vault = state.vault().await.ok()?;
    Some(PendingSignInStore::new(
        vault.store().clone(),
        state.clock.clone(),
    ))
}

/// Keeps the deep-link sign-in with `sign_in_state` in the keyring, for a cold start by its
/// redirect. Not fatal: without it the sign-in only completes while this app runs.
async fn keep_for_cold_start(state: &AppState, sign_in_state: &str) {
    let (Some(slot), Some(record)) = (
        pending_slot(state).await,
        state.logins.persistable(sign_in_state),
    ) else {
        return;
    };
    if let Err(error) = crate::blocking::run(move || slot.save(&record)).await {
        tracing::warn!(
            code = error.code.as_str(),
            "the sign-in could not be kept for a restart"
        );
    }
}

/// Adopts a sign-in an earlier run kept in the keyring (consumed from there). Returns its
/// state, so it can be put back if this callback turns out not to be its own.
async fn adopt_kept_sign_in(state: &AppState) -> Option<String> {
    let slot = pending_slot(state).await?;
    let record = crate::blocking::run(move || slot.take()).await.ok()??;
    let kept_state = record.state.clone();
    state.logins.adopt(record).then_some(kept_state)
}

/// Removes the keyring copy of a deep-link sign-in (completed, cancelled or replaced).
fn forget_kept_sign_in(state: &AppState) {
    let Some(vault) = state.storage_if_open() else {
        return;
    };
    let slot = PendingSignInStore::new(vault.store().clone(), state.clock.clone());
    // Best effort: an entry left over expires on its own after ten minutes.
    std::thread::spawn(move || {
        let _ = slot.clear();
    });
}

/// Abandons any sign-in in progress.
pub fn cancel(state: &AppState) {
    forget_kept_sign_in(state);
    cancel_in_memory(state);
}

/// Abandons the sign-ins this run knows of and stops a loopback listener.
fn cancel_in_memory(state: &AppState) {
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
    let result = complete(app, url, &expected).await;
    // Only a link that completes a pending sign-in may raise the window: any program can open a
    // link, and a forged one must not steal focus (its refusal waits in the window).
    let completed = result.is_ok();
    announce(app, result);
    if completed {
        crate::tray::show_window(app);
    }
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
    let adopted = if matches!(expected, RedirectTarget::PrivateUse { .. }) {
        adopt_kept_sign_in(&state).await
    } else {
        None
    };
    let completed = match state.logins.complete(payload) {
        Ok(completed) => {
            forget_kept_sign_in(&state);
            completed
        }
        Err(error) => {
            // A stray or forged link must not cost the real sign-in its restart copy.
            if let Some(kept) = adopted
                && matches!(error, CallbackError::StateMismatch)
            {
                keep_for_cold_start(&state, &kept).await;
            }
            return Err(error.into());
        }
    };
    let profile = state.profiles.get(&completed.profile_id)?;
    let hub = state.sessions().await?;
    let signed_in = complete_sign_in(completed, &profile, hub.running()).await?;
    // Named by the account, so a user with several can tell which one the browser had, and
    // saying which earlier session of that account it replaced.
    if !signed_in.replaced.is_empty() {
        state.events.send(BackendEvent::SessionsChanged);
    }
    Ok(signed_in.message(&profile.name))
}

/// Tells the UI how a sign-in ended (the event carries a message and a code, never the URL).
fn announce<R: Runtime>(app: &AppHandle<R>, result: IpcResult<String>) {
    let state = app.state::<AppState>();
    let event = match result {
        Ok(message) => {
            state.events.send(BackendEvent::SessionsChanged);
            BackendEvent::LoginFinished {
                ok: true,
                message,
                code: None,
                still_waiting: false,
            }
        }
        Err(error) => {
            tracing::warn!(
                code = error.code.as_str(),
                "a sign-in callback was not accepted"
            );
            BackendEvent::LoginFinished {
                ok: false,
                message: error.message,
                code: Some(error.code),
                // A link that was not the pending sign-in's own (forged, stale) leaves it
                // pending: the window keeps waiting for the real one.
                still_waiting: state.logins.pending_count() > 0,
            }
        }
    };
    state.events.send(event);
}

/// Announces a loopback sign-in's end and brings the window forward (the listener only
/// answers the redirect of the sign-in it was opened for).
fn report<R: Runtime>(app: &AppHandle<R>, result: IpcResult<String>) {
    announce(app, result);
    crate::tray::show_window(app);
}
