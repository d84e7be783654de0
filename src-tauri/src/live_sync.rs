//! Live sync: what another process (the `drivly-keys` CLI, a second app) changes in the shared
//! stores reaches this app within 2 seconds, without a restart.
//!
//! The core's [`StoreWatch`] says which store changed (a folder watch, debounced; nothing
//! wakes at idle). Here each notice becomes what the app must do:
//! - profiles, settings, keys: the stores re-read their files on every call, so only the UI
//!   needs telling ([`BackendEvent::ProfilesChanged`], [`BackendEvent::SettingsChanged`],
//!   [`BackendEvent::KeysChanged`]); it then asks again through the usual commands;
//! - sessions: the running refreshers are matched to the stored records. A record that
//!   appeared since the last look (a sign-in elsewhere) gets a refresher; a running session
//!   whose record is gone or being removed (a sign-out elsewhere) has its refresher stopped at
//!   once, and the refresher itself checks the record before every use of its refresh token,
//!   so it never sends it again. Then [`BackendEvent::SessionsChanged`] (the UI and the tray).
//!
//! The watch cannot tell whose write it saw, so this app's own changes come back as notices
//! too: they cost one re-read (the UI's, or the index's for sessions) and change nothing.
//!
//! A stored session is started only when it is not running and was not running at the
//! previous look either: a session this app just signed out (refresher stopped, record about to
//! go) is never revived by a notice that arrives in between, and a sign-in elsewhere that the
//! launch's own start missed is still picked up.

use std::collections::BTreeSet;

use drivly_core::ErrorCode;
use drivly_core::session::{SessionMeta, meta_from_record};
use drivly_core::store_watch::{Store, StoreChanges, StoreWatch};
use drivly_core::vault::JournalState;
use tauri::{AppHandle, Manager, Runtime};

use crate::events::BackendEvent;
use crate::sessions_hub::SessionHub;
use crate::state::AppState;

/// Starts the watch for the app's life (on the async runtime; the setup hook does not wait).
/// Without a watch (the OS refused it) the app works as before and says so in the log.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let paths = state.paths.clone();
        let watch = tauri::async_runtime::spawn_blocking(move || StoreWatch::start(&paths)).await;
        match watch {
            Ok(Ok(watch)) => run(&state, watch).await,
            Ok(Err(error)) => {
                tracing::warn!(code = error.code().as_str(), %error, "live sync is off");
            }
            Err(_) => tracing::warn!("live sync could not start"),
        }
    });
}

/// Applies every notice of `watch` to `state`; runs until the app ends.
pub async fn run(state: &AppState, mut watch: StoreWatch) {
    let mut was_running = match state.sessions().await {
        Ok(hub) => running_ids(hub).await,
        Err(_) => BTreeSet::new(),
    };
    loop {
        let changes = watch.next().await;
        apply(state, &changes, &mut was_running).await;
    }
}

async fn running_ids(hub: &SessionHub) -> BTreeSet<String> {
    hub.views()
        .await
        .into_iter()
        .map(|v| v.meta.id.as_str().to_owned())
        .collect()
}

/// What one notice means for the app.
async fn apply(state: &AppState, changes: &StoreChanges, was_running: &mut BTreeSet<String>) {
    for store in changes.iter() {
        match store {
            Store::Profiles => state.events.send(BackendEvent::ProfilesChanged),
            Store::Settings => state.events.send(BackendEvent::SettingsChanged),
            Store::ApiKeys => state.events.send(BackendEvent::KeysChanged),
            Store::Sessions => {
                if sync_sessions(state, was_running).await {
                    state.events.send(BackendEvent::SessionsChanged);
                }
            }
        }
    }
}

/// Starts refreshers for sessions signed in elsewhere and stops those signed out elsewhere;
/// true when the running set changed. `was_running` is the running set of the previous look.
async fn sync_sessions(state: &AppState, was_running: &mut BTreeSet<String>) -> bool {
    let Ok(hub) = state.sessions().await else {
        return false;
    };
    // An unreadable index changes nothing: better a stale list than stopped sessions.
    let Some(stored) = active_sessions(state).await else {
        return false;
    };
    let running = running_ids(hub).await;
    let active: BTreeSet<String> = stored.iter().map(id_of).collect();
    let mut changed = false;
    for meta in stored {
        let id = id_of(&meta);
        if !running.contains(&id) && !was_running.contains(&id) {
            match hub.running().start(meta).await {
                Ok(_) => changed = true,
                Err(error) => {
                    tracing::warn!(
                        code = error.code().as_str(),
                        "a session signed in elsewhere could not start"
                    );
                }
            }
        }
    }
    for id in running.difference(&active) {
        tracing::info!(session = %id, "signed out elsewhere: stopping its refresher");
        hub.stop(id).await;
        changed = true;
    }
    *was_running = running_ids(hub).await;
    changed
}

/// The stored sessions that are in use (not being added or removed); `None` when the vault
/// is unavailable or the index unreadable.
async fn active_sessions(state: &AppState) -> Option<Vec<SessionMeta>> {
    let vault = state.vault().await.ok()?;
    let records = crate::blocking::run(move || vault.list_sessions())
        .await
        .ok()?;
    Some(
        records
            .iter()
            .filter(|r| r.state == JournalState::Active)
            .map(meta_from_record)
            .collect(),
    )
}

fn id_of(meta: &SessionMeta) -> String {
    meta.id.as_str().to_owned()
}

#[cfg(test)]
#[path = "live_sync_tests.rs"]
mod tests;
