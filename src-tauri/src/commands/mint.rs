//! Minting least-privilege JWTs from a stored key. The minted token stays in Rust; the UI gets
//! a `tokenRef` and the inspection.

use chrono::{DateTime, Utc};
use drivly_core::Code;
use drivly_core::permissions::KNOWN_RESOURCES;
use drivly_core::usecases::mint::{
    HistoryWrite, MintRequest, mint, mint_history as mint_history_entries,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::commands::inspect::{InspectionView, TokenHandle};
use crate::held_tokens::IssuedBy;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// Resources the permission grid offers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PermissionCatalog {
    resources: Vec<&'static str>,
}

/// What the UI sends to mint.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MintInput {
    key_id: String,
    permissions: Vec<String>,
    expires: Option<String>,
    label: Option<String>,
}

/// A minted token's metadata, as the history lists it. Never the token.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "MintRecord")]
pub struct MintRecordView {
    id: String,
    label: Option<String>,
    /// The profile it was minted on.
    profile_id: String,
    key_id: Option<Uuid>,
    key_label: String,
    /// The token, while the app holds it in memory for this run (never on disk): the history
    /// row can copy or inspect it. `None` after a restart or once the holder forgot it.
    token_ref: Option<String>,
    permissions: Vec<String>,
    expires: Option<DateTime<Utc>>,
    minted_at: DateTime<Utc>,
}

/// The resources the grid offers.
#[tauri::command]
pub fn permission_catalog() -> PermissionCatalog {
    PermissionCatalog {
        resources: KNOWN_RESOURCES.iter().map(|r| r.name).collect(),
    }
}

/// Mints a JWT with exactly `permissions`, from the key `key_id`.
#[tauri::command]
pub async fn mint_token(
    state: tauri::State<'_, AppState>,
    input: MintInput,
) -> IpcResult<TokenHandle> {
    let key_id = Uuid::parse_str(&input.key_id)
        .map_err(|_| IpcError::new(Code::KeyNotFound, "choose a stored key"))?;
    let expires = match input.expires.as_deref() {
        None => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    IpcError::new(Code::InvalidExpiry, "the expiry is not a date and time")
                })?
                .with_timezone(&Utc),
        ),
    };
    let request = MintRequest {
        key_id,
        permissions: input.permissions,
        expires,
        label: input.label,
    };
    let minted = mint(&state.stores().await?, request).await?;
    // A history failure never costs the token: it is handed over with a warning the UI shows,
    // and the failure is logged by code.
    if let HistoryWrite::NotRecorded { code, .. } = &minted.history {
        tracing::warn!(
            code = code.as_str(),
            "the minted token is not in the mint history"
        );
    }
    let warning = minted.warning();
    let profile_id = minted.key.profile_id.to_string();
    let issuer = IssuedBy::base_url(&state.profiles.get(&minted.key.profile_id)?.base_url);
    let inspection = InspectionView::of(&state, minted.jwt.expose_secret())?;
    Ok(TokenHandle {
        token_ref: state
            .tokens
            .hold_minted(minted.jwt, minted.minted_at, issuer),
        inspection,
        warning,
        profile_id,
    })
}

/// Minted tokens' metadata, newest first.
#[tauri::command]
pub async fn mint_history(state: tauri::State<'_, AppState>) -> IpcResult<Vec<MintRecordView>> {
    Ok(mint_history_entries(&state.stores().await?)
        .await?
        .into_iter()
        .map(|entry| MintRecordView {
            id: entry.id,
            profile_id: entry.record.profile_id.as_str().to_owned(),
            token_ref: state.tokens.minted_ref(entry.record.minted_at),
            key_label: entry.key_label,
            label: entry.record.label,
            key_id: entry.record.key_id,
            permissions: entry.record.permissions,
            expires: entry.record.expires,
            minted_at: entry.record.minted_at,
        })
        .collect())
}
