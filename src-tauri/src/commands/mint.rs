//! Minting least-privilege JWTs from a stored key. The minted token stays in Rust; the UI gets
//! a `tokenRef` and the inspection.

use chrono::{DateTime, Utc};
use drivly_core::client::DrivlyClient;
use drivly_core::permissions::{KNOWN_RESOURCES, validate_permission};
use drivly_core::vault::MintRecord;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::blocking;
use crate::commands::inspect::{InspectionView, TokenHandle};
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// Resources the permission grid offers.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionCatalog {
    resources: Vec<&'static str>,
}

/// What the UI sends to mint.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MintInput {
    key_id: String,
    permissions: Vec<String>,
    expires: Option<String>,
    label: Option<String>,
}

/// A minted token's metadata, as the history lists it. Never the token.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MintRecordView {
    id: String,
    label: Option<String>,
    key_id: Option<Uuid>,
    key_label: String,
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
        .map_err(|_| IpcError::new("key_not_found", "choose a stored key"))?;
    if input.permissions.is_empty() {
        return Err(IpcError::new(
            "no_permissions",
            "pick at least one permission: a token that can call nothing is of no use",
        ));
    }
    let mut permissions = Vec::with_capacity(input.permissions.len());
    for text in &input.permissions {
        permissions.push(validate_permission(text)?.to_string());
    }
    let expires = match input.expires.as_deref() {
        None => None,
        Some(text) => {
            let at = DateTime::parse_from_rfc3339(text)
                .map_err(|_| IpcError::new("invalid_expiry", "the expiry is not a date and time"))?
                .with_timezone(&Utc);
            if at <= state.clock.now() {
                return Err(IpcError::new(
                    "invalid_expiry",
                    "the expiry has passed; choose a time in the future",
                ));
            }
            Some(at)
        }
    };
    let vault = state.vault().await?;
    let (meta, key) = crate::commands::keys::stored_key(&vault, key_id).await?;
    let key = key?;
    let profile = state.profiles.get(&meta.profile_id)?;
    let minted = DrivlyClient::new(&profile)?
        .mint(&key, &permissions, expires)
        .await?;
    let record = MintRecord {
        label: input.label.filter(|l| !l.trim().is_empty()),
        profile_id: meta.profile_id.clone(),
        key_id: Some(key_id),
        permissions,
        expires: Some(minted.expires),
        minted_at: state.clock.now(),
    };
    blocking::run(move || {
        vault.append_mint(record)?;
        vault.touch_api_key(key_id).map(drop)
    })
    .await?;
    let inspection = InspectionView::of(&state, minted.jwt.expose_secret())?;
    let token_ref = state.tokens.hold(minted.jwt);
    Ok(TokenHandle {
        token_ref,
        inspection,
    })
}

/// Minted tokens' metadata, newest first.
#[tauri::command]
pub async fn mint_history(state: tauri::State<'_, AppState>) -> IpcResult<Vec<MintRecordView>> {
    let vault = state.vault().await?;
    let (records, keys) = blocking::run(move || {
        Ok::<_, drivly_core::vault::VaultError>((vault.list_mints()?, vault.list_api_keys()?))
    })
    .await?;
    let mut views: Vec<MintRecordView> = records
        .into_iter()
        .enumerate()
        .map(|(index, record)| MintRecordView {
            id: format!("{index}-{}", record.minted_at.timestamp_millis()),
            key_label: record
                .key_id
                .and_then(|id| keys.iter().find(|k| k.id == id))
                .map_or_else(|| "a removed key".to_owned(), |k| k.label.clone()),
            label: record.label,
            key_id: record.key_id,
            permissions: record.permissions,
            expires: record.expires,
            minted_at: record.minted_at,
        })
        .collect();
    views.sort_by_key(|v| std::cmp::Reverse(v.minted_at));
    Ok(views)
}
