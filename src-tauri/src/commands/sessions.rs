//! Session commands: list, sign in, copy a fresh JWT, refresh, sign out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use drivly_core::permissions::{default_sign_in_permissions, validate_permission};
use drivly_core::profile::ProfileId;
use drivly_core::session::{LastError, SessionState, SessionView};
use drivly_core::usecases::sessions::{rename_session as rename, running_sessions};
use drivly_core::usecases::sign_out::sign_out as sign_out_session;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::commands::CopyResult;
use crate::commands::inspect::{InspectionView, TokenHandle};
use crate::held_tokens::IssuedBy;
use crate::ipc_error::IpcResult;
use crate::sign_in_flow::{self, RedirectChoice};
use crate::state::AppState;

/// A session as the UI's `SessionView` type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SessionView")]
pub struct SessionItem {
    id: String,
    profile_id: String,
    subject: Option<String>,
    /// The account's email or name from the token, when the server sends one.
    account: Option<String>,
    /// The user's own name for the session.
    label: Option<String>,
    permissions: Vec<String>,
    state: SessionStatus,
    created: DateTime<Utc>,
    last_refresh: Option<DateTime<Utc>>,
    next_refresh: Option<DateTime<Utc>>,
    jwt_expires: Option<DateTime<Utc>>,
    next_attempt: Option<DateTime<Utc>>,
    last_error: Option<LastError>,
    /// How far the server's clock is from this machine's (seconds, positive: server ahead),
    /// when over 30 s; the refresher schedules from the server's own times either way.
    server_clock_skew_secs: Option<i64>,
}

impl From<SessionView> for SessionItem {
    fn from(view: SessionView) -> Self {
        let (state, next_attempt, last_error) = match view.state {
            SessionState::Active => (SessionStatus::Active, None, None),
            SessionState::Refreshing => (SessionStatus::Refreshing, None, None),
            SessionState::Retrying {
                next_attempt,
                last_error,
            } => (
                SessionStatus::Retrying,
                Some(next_attempt),
                Some(last_error),
            ),
            SessionState::NeedsSignIn { reason } => {
                (SessionStatus::NeedsSignIn, None, Some(reason))
            }
            SessionState::NeedsSetup { reason } => (SessionStatus::NeedsSetup, None, Some(reason)),
            SessionState::SignedOut => (SessionStatus::SignedOut, None, None),
        };
        let meta = view.meta;
        Self {
            id: meta.id.as_str().to_owned(),
            profile_id: meta.profile_id.to_string(),
            subject: meta.subject,
            account: meta.account,
            label: meta.label,
            permissions: meta.permissions,
            state,
            created: meta.created,
            last_refresh: meta.last_refresh,
            next_refresh: meta.next_refresh,
            jwt_expires: meta.jwt_expires,
            next_attempt,
            last_error,
            server_clock_skew_secs: meta.server_clock_skew_secs,
        }
    }
}

/// Where a session stands, flattened for the list (the details travel beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SessionState")]
pub enum SessionStatus {
    /// A usable JWT is held and the next refresh is scheduled.
    Active,
    /// A refresh is in flight.
    Refreshing,
    /// The last refresh failed; `nextAttempt` says when the next one is due.
    Retrying,
    /// The refresh token is dead: the user must sign in again (`lastError` says why).
    NeedsSignIn,
    /// A token endpoint does not exist on the server: the profile's settings must change
    /// (`lastError` names the URL); nothing is retried in the background until the user asks.
    NeedsSetup,
    /// Signed out; its secrets are deleted.
    SignedOut,
}

/// What "Sign in" sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    profile_id: String,
    permissions: Vec<String>,
    redirect: RedirectChoice,
}

/// What signing out did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignOutResult {
    revoked_on_server: bool,
    message: String,
}

/// Every running session.
#[tauri::command]
pub async fn list_sessions(state: tauri::State<'_, AppState>) -> IpcResult<Vec<SessionItem>> {
    Ok(running_sessions(state.sessions().await?.running())
        .await
        .into_iter()
        .map(SessionItem::from)
        .collect())
}

/// Starts a browser sign-in.
#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: tauri::State<'_, AppState>,
    input: SignInInput,
) -> IpcResult<()> {
    let profile = state.profiles.get(&ProfileId::parse(&input.profile_id)?)?;
    let mut permissions = Vec::with_capacity(input.permissions.len());
    for text in &input.permissions {
        permissions.push(validate_permission(text)?.to_string());
    }
    if permissions.is_empty() {
        permissions = default_sign_in_permissions();
    }
    sign_in_flow::start(&app, &profile, &permissions, input.redirect).await
}

/// Abandons the sign-in in progress.
#[tauri::command]
pub fn cancel_sign_in(state: tauri::State<'_, AppState>) {
    sign_in_flow::cancel(&state);
}

/// Copies the session's JWT, refreshing first when under 2 minutes remain.
#[tauri::command]
pub async fn copy_session_jwt(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<CopyResult> {
    // `None`: the core policy's minimum (2 min, or half the lifetime for short-lived tokens).
    let jwt = state.sessions().await?.token(&session_id, None).await?;
    crate::commands::copy_secret(&state, jwt.expose_secret())
}

/// Holds the session's current JWT for the inspector.
#[tauri::command]
pub async fn session_token(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<TokenHandle> {
    let hub = state.sessions().await?;
    let jwt = hub.token(&session_id, Some(Duration::ZERO)).await?;
    let profile = state.profiles.get(&hub.profile_of(&session_id).await?)?;
    let inspection = InspectionView::of(&state, jwt.expose_secret())?;
    Ok(TokenHandle {
        token_ref: state.tokens.hold_session(
            jwt,
            &session_id,
            IssuedBy::base_url(&profile.base_url),
        ),
        inspection,
        warning: None,
        profile_id: profile.id.to_string(),
    })
}

/// Refreshes now.
#[tauri::command]
pub async fn refresh_now(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<SessionItem> {
    Ok(state
        .sessions()
        .await?
        .refresh_now(&session_id)
        .await?
        .into())
}

/// Names a session (an empty label clears the name).
#[tauri::command]
pub async fn rename_session(
    state: tauri::State<'_, AppState>,
    session_id: String,
    label: String,
) -> IpcResult<SessionItem> {
    let id = crate::sessions_hub::session_id(&session_id)?;
    let hub = state.sessions().await?;
    Ok(rename(hub.running(), &id, &label).await?.into())
}

/// Signs out: revoke on the server when possible, then delete the local secrets.
#[tauri::command]
pub async fn sign_out(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<SignOutResult> {
    let id = crate::sessions_hub::session_id(&session_id)?;
    // Its proxy would only answer "sign in again" from now on.
    state.local_proxies.stop(&session_id).await;
    let done = sign_out_session(state.sessions().await?.running(), &id).await?;
    state
        .events
        .send(crate::events::BackendEvent::SessionsChanged);
    Ok(SignOutResult {
        revoked_on_server: done.revocation.ended_on_server(),
        message: done.message(),
    })
}
