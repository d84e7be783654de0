//! API key commands. The secret crosses IPC inbound once (add) and outbound only on the
//! explicit "reveal"; copying happens in Rust.

use chrono::{DateTime, Utc};
use drivly_core::client::{DrivlyClient, KeyVerdict, RevokeOutcome};
use drivly_core::key_input::parse_api_key_input;
use drivly_core::profile::ProfileId;
use drivly_core::vault::{ApiKeyMeta, JournalState};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::blocking;
use crate::commands::CopyResult;
use crate::events::BackendEvent;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// A stored key as the UI lists it: metadata only.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyView {
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
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddApiKeyInput {
    label: String,
    profile_id: String,
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
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    status: &'static str,
    message: String,
}

/// What removing a key did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoveKeyResult {
    server: &'static str,
    message: String,
}

fn parse_id(id: &str) -> IpcResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| {
        IpcError::new(
            "key_not_found",
            "that key no longer exists; refresh the list",
        )
    })
}

/// A stored key's metadata and, separately, its secret (the keyring may have lost it while the
/// record remains).
pub async fn stored_key(
    vault: &std::sync::Arc<drivly_core::vault::Vault>,
    id: Uuid,
) -> IpcResult<(ApiKeyMeta, IpcResult<drivly_core::secret::ApiKey>)> {
    let vault = vault.clone();
    let (meta, key) = blocking::run(move || {
        let meta = vault.list_api_keys()?.into_iter().find(|k| k.id == id);
        let key = vault.reveal_api_key(id).map_err(IpcError::from);
        Ok::<_, drivly_core::vault::VaultError>((meta, key))
    })
    .await?;
    let meta = meta.ok_or_else(|| {
        IpcError::new(
            "key_not_found",
            "that key no longer exists; refresh the list",
        )
    })?;
    Ok((meta, key))
}

/// Stored keys, oldest first (interrupted adds and removals are not listed).
#[tauri::command]
pub async fn list_api_keys(state: tauri::State<'_, AppState>) -> IpcResult<Vec<ApiKeyView>> {
    let vault = state.vault().await?;
    let keys = blocking::run(move || vault.list_api_keys()).await?;
    Ok(keys
        .iter()
        .filter(|k| k.state == JournalState::Active)
        .map(ApiKeyView::from)
        .collect())
}

/// Checks and stores a pasted key.
#[tauri::command]
pub async fn add_api_key(
    state: tauri::State<'_, AppState>,
    input: AddApiKeyInput,
) -> IpcResult<ApiKeyView> {
    let key = parse_api_key_input(&input.secret)?;
    let profile_id = ProfileId::parse(&input.profile_id)?;
    state.profiles.get(&profile_id)?;
    let vault = state.vault().await?;
    let note = input.note.clone().filter(|n| !n.trim().is_empty());
    let label = input.label.clone();
    let meta = blocking::run(move || vault.add_api_key(&label, &profile_id, &key, note)).await?;
    state.events.send(BackendEvent::KeysChanged);
    Ok((&meta).into())
}

/// Asks the key's server whether it accepts the key.
#[tauri::command]
pub async fn verify_api_key(
    state: tauri::State<'_, AppState>,
    id: String,
) -> IpcResult<VerifyResult> {
    let id = parse_id(&id)?;
    let vault = state.vault().await?;
    let (meta, key) = stored_key(&vault, id).await?;
    let key = key?;
    let profile = state.profiles.get(&meta.profile_id)?;
    let client = DrivlyClient::new(&profile)?;
    let result = match client.verify_api_key(&key).await {
        KeyVerdict::Valid => {
            let _ = blocking::run(move || vault.touch_api_key(id)).await;
            VerifyResult {
                status: "valid",
                message: format!("{} accepted this key.", profile.name),
            }
        }
        KeyVerdict::Rejected => VerifyResult {
            status: "rejected",
            message: format!(
                "{} rejected this key: it is wrong or was revoked.",
                profile.name
            ),
        },
        KeyVerdict::CannotTell(error) => VerifyResult {
            status: "unknown",
            message: format!("Could not ask {}: {error}", profile.name),
        },
    };
    state.events.send(BackendEvent::KeysChanged);
    Ok(result)
}

/// The key itself: the one command that returns a secret, on the user's explicit request.
#[tauri::command]
pub async fn reveal_api_key(state: tauri::State<'_, AppState>, id: String) -> IpcResult<String> {
    let id = parse_id(&id)?;
    let vault = state.vault().await?;
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
    let id = parse_id(&id)?;
    let vault = state.vault().await?;
    let (meta, key) = stored_key(&vault, id).await?;
    let key = key.ok();
    let profile = state.profiles.get(&meta.profile_id)?;
    let (server, message) = match (revoke_on_server, key) {
        (false, _) => ("notRequested", format!("\u{201c}{}\u{201d} was removed from this computer.", meta.label)),
        (true, None) => ("failed", "The secret was already missing, so it could not be revoked; it was removed from this computer.".to_owned()),
        (true, Some(key)) => match DrivlyClient::new(&profile)?.revoke_api_key(&key).await {
            Ok(RevokeOutcome::Revoked | RevokeOutcome::AlreadyInvalid) => ("revoked", format!("\u{201c}{}\u{201d} was revoked on {} and removed from this computer.", meta.label, profile.name)),
            Ok(RevokeOutcome::NotSupported) => ("notSupported", format!(
                "{} cannot revoke API keys from here: revoke it in the dashboard. It was removed from this computer.",
                profile.name
            )),
            Err(error) => ("failed", format!("Revoking on {} failed ({error}); it was removed from this computer, so revoke it in the dashboard.", profile.name)),
        },
    };
    blocking::run(move || vault.remove_api_key(id)).await?;
    state.events.send(BackendEvent::KeysChanged);
    Ok(RemoveKeyResult { server, message })
}
