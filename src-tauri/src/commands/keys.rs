//! API key commands. The secret crosses IPC inbound once (add) and outbound only on the
//! explicit "reveal"; copying happens in Rust.

use chrono::{DateTime, Utc};
use drivly_core::Code;
use drivly_core::profile::ProfileId;
use drivly_core::session::Revocation;
use drivly_core::usecases::keys::{self, KeyStatus, NewKey};
use drivly_core::vault::ApiKeyMeta;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::blocking;
use crate::commands::CopyResult;
use crate::events::BackendEvent;
use crate::ipc_error::{IpcError, IpcResult};
use crate::native_confirm::Confirmation;
use crate::state::AppState;

/// A stored key as the UI lists it: metadata only.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ApiKeyMeta")]
pub struct ApiKeyView {
    #[ts(type = "string")]
    id: Uuid,
    label: String,
    profile_id: String,
    created: DateTime<Utc>,
    last_used: Option<DateTime<Utc>>,
    masked_tail: String,
    note: Option<String>,
    secret_present: bool,
}

impl From<&ApiKeyMeta> for ApiKeyView {
    fn from(meta: &ApiKeyMeta) -> Self {
        Self {
            id: meta.id,
            label: meta.label.clone(),
            profile_id: meta.profile_id.to_string(),
            created: meta.created,
            last_used: meta.last_used,
            masked_tail: meta.masked_tail.clone(),
            note: meta.note.clone(),
            secret_present: !meta.missing_secret,
        }
    }
}

/// What the UI sends to store a key. The secret is zeroized when this is dropped.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddApiKeyInput {
    label: String,
    profile_id: String,
    /// Sent inbound once; trimmed and validated in Rust.
    #[ts(type = "string")]
    secret: Zeroizing<String>,
    note: Option<String>,
}

impl std::fmt::Debug for AddApiKeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddApiKeyInput")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// The server's verdict on a key.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    status: VerifyStatus,
    message: String,
}

/// The server's verdict, as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum VerifyStatus {
    /// The server accepted the key.
    Valid,
    /// The server refused it.
    Rejected,
    /// The server could not say (unreachable, or an unexpected answer).
    Unknown,
}

/// What removing a key did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RemoveKeyResult {
    server: ServerRemoval,
    message: String,
}

/// What the server did when a key was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ServerRemoval {
    /// The server revoked it (or already considered it invalid).
    Revoked,
    /// The user chose to keep it on the server.
    NotRequested,
    /// This server cannot revoke keys (Drivly keys are revoked in its dashboard).
    NotSupported,
    /// Removed here; the server call failed.
    Failed,
}

fn key_gone() -> IpcError {
    IpcError::new(
        Code::KeyNotFound,
        "that key no longer exists; refresh the list",
    )
}

fn parse_id(id: &str) -> IpcResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| key_gone())
}

/// Stored keys, oldest first (interrupted adds and removals are not listed).
#[tauri::command]
pub async fn list_api_keys(state: tauri::State<'_, AppState>) -> IpcResult<Vec<ApiKeyView>> {
    let keys = keys::list_keys(&state.stores().await?, None).await?;
    Ok(keys.iter().map(ApiKeyView::from).collect())
}

/// Checks and stores a pasted key.
#[tauri::command]
pub async fn add_api_key(
    state: tauri::State<'_, AppState>,
    input: AddApiKeyInput,
) -> IpcResult<ApiKeyView> {
    let profile_id = ProfileId::parse(&input.profile_id)?;
    let new = NewKey {
        profile_id: &profile_id,
        label: &input.label,
        secret: &input.secret,
        note: input.note.clone(),
    };
    let meta = keys::add_key(&state.stores().await?, new).await?;
    state.events.send(BackendEvent::KeysChanged);
    Ok((&meta).into())
}

/// Asks the key's server whether it accepts the key.
#[tauri::command]
pub async fn verify_api_key(
    state: tauri::State<'_, AppState>,
    id: String,
) -> IpcResult<VerifyResult> {
    let check = keys::verify_key(&state.stores().await?, parse_id(&id)?).await?;
    state.events.send(BackendEvent::KeysChanged);
    Ok(VerifyResult {
        status: match check.status {
            KeyStatus::Valid => VerifyStatus::Valid,
            KeyStatus::Rejected => VerifyStatus::Rejected,
            KeyStatus::Unknown => VerifyStatus::Unknown,
        },
        message: check.message,
    })
}

/// The key itself: the one command that returns a secret, on the user's explicit request,
/// confirmed in a native dialog (the page cannot answer it) unless the same key was approved
/// within the last minute.
#[tauri::command]
pub async fn reveal_api_key(state: tauri::State<'_, AppState>, id: String) -> IpcResult<String> {
    let id = parse_id(&id)?;
    let vault = state.vault().await?;
    let subject = id.to_string();
    if !state.reveal_approvals.is_recent(&subject) {
        let listed = std::sync::Arc::clone(&vault);
        let meta = blocking::run(move || listed.list_api_keys())
            .await?
            .into_iter()
            .find(|k| k.id == id && k.state == drivly_core::vault::JournalState::Active)
            .ok_or_else(|| {
                IpcError::new(
                    Code::ApiKeyNotFound,
                    "that key no longer exists; refresh the list",
                )
            })?;
        let profile = state
            .profiles
            .get(&meta.profile_id)
            .map_or_else(|_| meta.profile_id.to_string(), |p| p.name);
        let approved = state
            .confirmer
            .ask(Confirmation {
                title: "Show an API key?".into(),
                message: format!(
                    "Drivly Keys is about to show the API key \u{201c}{}\u{201d} ({profile}) in \
                     its window, where anyone who can see your screen can read it.\n\nShow it \
                     only if you just asked to.",
                    meta.label
                ),
                approve: "Show key".into(),
            })
            .await;
        if !approved {
            return Err(IpcError::new(
                Code::NotConfirmed,
                "the key was not shown: showing it was not confirmed",
            ));
        }
        state.reveal_approvals.record(&subject);
    }
    let key = blocking::run(move || vault.reveal_api_key(id)).await?;
    Ok(key.expose_secret().to_owned())
}

/// Copies the key to the clipboard (marked secret, cleared after the delay).
#[tauri::command]
pub async fn copy_api_key(state: tauri::State<'_, AppState>, id: String) -> IpcResult<CopyResult> {
    let id = parse_id(&id)?;
    let vault = state.vault().await?;
    let key = blocking::run(move || vault.reveal_api_key(id)).await?;
    crate::commands::copy_secret(&state, key.expose_secret())
}

/// Renames a key.
#[tauri::command]
pub async fn rename_api_key(
    state: tauri::State<'_, AppState>,
    id: String,
    label: String,
) -> IpcResult<ApiKeyView> {
    let id = parse_id(&id)?;
    let vault = state.vault().await?;
    let meta = blocking::run(move || vault.rename_api_key(id, &label)).await?;
    state.events.send(BackendEvent::KeysChanged);
    Ok((&meta).into())
}

/// Removes a key from this computer, revoking it on the server first when asked and possible.
#[tauri::command]
pub async fn remove_api_key(
    state: tauri::State<'_, AppState>,
    id: String,
    revoke_on_server: bool,
) -> IpcResult<RemoveKeyResult> {
    let removal =
        keys::remove_key(&state.stores().await?, parse_id(&id)?, revoke_on_server).await?;
    state.events.send(BackendEvent::KeysChanged);
    let server = match removal.revocation {
        Revocation::Revoked | Revocation::AlreadyInvalid => ServerRemoval::Revoked,
        Revocation::NotRequested => ServerRemoval::NotRequested,
        Revocation::NotSupported => ServerRemoval::NotSupported,
        Revocation::RemovedLocallyOnly { .. } => ServerRemoval::Failed,
    };
    Ok(RemoveKeyResult {
        server,
        message: removal.message(),
    })
}
