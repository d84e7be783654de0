//! Use case: list sessions with their state. The app lists its running sessions (live
//! states from their refreshers); the CLI, which runs none between commands, lists the stored
//! ones with a state read from the store: `active` while the shared JWT is valid, `expired`
//! (refreshes on next use), or `needs_sign_in` when no refresh token is stored.

use chrono::{DateTime, Utc};
use serde::Serialize;

use std::sync::Arc;

use super::error::{UseCaseError, blocking};
use super::running::RunningSessions;
use crate::clock::Clock;
use crate::profile::ProfileId;
use crate::session::{SessionId, SessionMeta, SessionStore, SessionView};

/// Every running session's view, oldest first (the app).
pub async fn running_sessions(running: &RunningSessions) -> Vec<SessionView> {
    running.views().await
}

/// Names a session (`label` trimmed; empty clears the name). A label is unique among the
/// profile's sessions, ignoring case, since `drivly-keys --session LABEL` picks by it.
///
/// # Errors
/// `invalid_label` (empty after trimming is allowed: it clears), `label_exists`,
/// `session_not_found`, the store's errors.
pub async fn rename_session(
    running: &RunningSessions,
    id: &SessionId,
    label: &str,
) -> Result<SessionView, UseCaseError> {
    let label = match label.trim() {
        "" => None,
        text => Some(crate::vault::validate_label(text)?),
    };
    let refresher = running.get(id).await?;
    if let Some(wanted) = label.clone() {
        let (store, profile, id) = (
            running.store(),
            refresher.view().meta.profile_id,
            id.clone(),
        );
        let records = blocking(move || store.records()).await?;
        let taken = records.iter().any(|m| {
            m.profile_id == profile
                && m.id != id
                && m.label
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(&wanted))
        });
        if taken {
            return Err(UseCaseError::SessionLabelTaken { label: wanted });
        }
    }
    Ok(refresher.set_label(label).await?)
}

/// Where a stored session stands, read from the store without a refresher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredState {
    /// Its JWT is still valid.
    Active,
    /// Its JWT has expired: the next use refreshes it.
    Expired,
    /// No usable refresh token is stored (none, or one marked dead): sign in again.
    NeedsSignIn,
}

/// A stored session and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The record.
    pub meta: SessionMeta,
    /// Its state now.
    pub state: StoredState,
}

impl StoredSession {
    /// Seconds until the JWT expires (negative once expired), when known.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.meta.jwt_expires.map(|e| (e - now).num_seconds())
    }
}

/// The stored sessions (of `profile_id`, or all), newest first, with their states.
///
/// # Errors
/// When the store cannot be read.
pub async fn stored_sessions(
    store: Arc<dyn SessionStore>,
    clock: &dyn Clock,
    profile_id: Option<&ProfileId>,
) -> Result<Vec<StoredSession>, UseCaseError> {
    let now = clock.now();
    let wanted = profile_id.cloned();
    blocking(move || {
        let mut sessions = Vec::new();
        for meta in store.records()? {
            if wanted.as_ref().is_some_and(|p| *p != meta.profile_id) {
                continue;
            }
            // A record marking its stored refresh token dead needs a sign-in just the same.
            let state = if meta.refresh_token_unusable || store.refresh_token(&meta.id)?.is_none() {
                StoredState::NeedsSignIn
            } else if meta.jwt_expires.is_some_and(|e| e > now) {
                StoredState::Active
            } else {
                StoredState::Expired
            };
            sessions.push(StoredSession { meta, state });
        }
        sessions.sort_by_key(|s| std::cmp::Reverse(s.meta.created));
        Ok::<_, UseCaseError>(sessions)
    })
    .await
}
