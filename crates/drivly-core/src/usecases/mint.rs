//! Use case: mint a least-privilege JWT from a stored key, with its history entry.
//!
//! Invariant: once the server has minted a token, the caller gets it. Writing the history
//! entry and the key's "last used" time is bookkeeping: when it fails the token is returned
//! with a warning ([`HistoryWrite::NotRecorded`]), never swallowed by an error.

use std::sync::Arc;

use crate::Code;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Stores;
use super::error::{UseCaseError, blocking};
use super::keys::key_with_secret;
use crate::ErrorCode;
use crate::client::DrivlyClient;
use crate::permissions::validate_permission;
use crate::secret::Jwt;
use crate::vault::{ApiKeyMeta, MintRecord, Vault, VaultError};

/// Where minted tokens' metadata is recorded (the vault; a failing one in tests).
pub trait MintHistory: Send + Sync {
    /// Appends one entry and marks the key used.
    ///
    /// # Errors
    /// When the index cannot be written.
    fn record(&self, record: MintRecord) -> Result<(), VaultError>;
}

impl MintHistory for Vault {
    fn record(&self, record: MintRecord) -> Result<(), VaultError> {
        let key_id = record.key_id;
        self.append_mint(record)?;
        if let Some(id) = key_id {
            self.touch_api_key(id)?;
        }
        Ok(())
    }
}

/// What to mint.
#[derive(Debug, Clone)]
pub struct MintRequest {
    /// The stored key to mint with.
    pub key_id: Uuid,
    /// Exactly these permissions (`resource.read|write`); at least one.
    pub permissions: Vec<String>,
    /// When the token should expire (the server's default when `None`); must be in the future.
    pub expires: Option<DateTime<Utc>>,
    /// A label for the history.
    pub label: Option<String>,
}

/// Whether the history entry was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryWrite {
    /// In the history.
    Recorded,
    /// Not in the history; the token is fine.
    NotRecorded {
        /// The vault error's code.
        code: Code,
        /// Its message.
        message: String,
    },
}

/// A minted token. Holds the secret JWT: hand it on, never log it.
#[derive(Debug)]
pub struct Minted {
    /// The token.
    pub jwt: Jwt,
    /// When it expires (from the server).
    pub expires: DateTime<Utc>,
    /// The key used.
    pub key: ApiKeyMeta,
    /// The permissions asked for.
    pub permissions: Vec<String>,
    /// When it was minted: the history entry's `minted_at`, which names it for the app's run.
    pub minted_at: DateTime<Utc>,
    /// Whether the history entry was written.
    pub history: HistoryWrite,
}

impl Minted {
    /// A warning for people when the bookkeeping failed.
    pub fn warning(&self) -> Option<String> {
        match &self.history {
            HistoryWrite::Recorded => None,
            HistoryWrite::NotRecorded { message, .. } => Some(format!(
                "the token was minted but is not in the mint history ({message})"
            )),
        }
    }
}

/// Mints with the vault as the history. See [`mint_with_history`].
///
/// # Errors
/// As [`mint_with_history`].
pub async fn mint(stores: &Stores, request: MintRequest) -> Result<Minted, UseCaseError> {
    let history: Arc<dyn MintHistory> = stores.vault.clone();
    mint_with_history(stores, history, request).await
}

/// Checks the request, mints on the key's server, then records the entry in `history`.
///
/// # Errors
/// [`UseCaseError::NoPermissions`], a permission error, [`UseCaseError::ExpiryPassed`],
/// [`UseCaseError::KeyNotFound`], keyring errors, and the server's refusal. Never an error
/// after the server minted.
pub async fn mint_with_history(
    stores: &Stores,
    history: Arc<dyn MintHistory>,
    request: MintRequest,
) -> Result<Minted, UseCaseError> {
    if request.permissions.is_empty() {
        return Err(UseCaseError::NoPermissions);
    }
    let mut permissions = Vec::with_capacity(request.permissions.len());
    for text in &request.permissions {
        permissions.push(validate_permission(text)?.to_string());
    }
    if request.expires.is_some_and(|at| at <= stores.clock.now()) {
        return Err(UseCaseError::ExpiryPassed);
    }
    let (key, secret) = key_with_secret(&stores.vault, request.key_id).await?;
    let profile = stores.profiles.get(&key.profile_id)?;
    let minted = DrivlyClient::new(&profile)?
        .mint(&secret, &permissions, request.expires)
        .await?;
    drop(secret);
    let minted_at = stores.clock.now();
    let record = MintRecord {
        label: request.label.filter(|l| !l.trim().is_empty()),
        profile_id: key.profile_id.clone(),
        key_id: Some(key.id),
        permissions: permissions.clone(),
        expires: Some(minted.expires),
        minted_at,
    };
    let history = match blocking(move || history.record(record)).await {
        Ok(()) => HistoryWrite::Recorded,
        Err(error) => {
            tracing::warn!(
                code = error.code().as_str(),
                "a minted token could not be recorded in the history"
            );
            HistoryWrite::NotRecorded {
                code: error.code(),
                message: error.to_string(),
            }
        }
    };
    Ok(Minted {
        jwt: minted.jwt,
        expires: minted.expires,
        key,
        permissions,
        minted_at,
        history,
    })
}

/// One history entry with the label of its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintEntry {
    /// The record.
    pub record: MintRecord,
    /// A stable id for lists.
    pub id: String,
    /// The key's label, or "a removed key".
    pub key_label: String,
}

/// The mint history, newest first.
///
/// # Errors
/// When the index cannot be read.
pub async fn mint_history(stores: &Stores) -> Result<Vec<MintEntry>, UseCaseError> {
    let vault = Arc::clone(&stores.vault);
    let (records, keys) =
        blocking(move || Ok::<_, VaultError>((vault.list_mints()?, vault.list_api_keys()?)))
            .await?;
    let mut entries: Vec<MintEntry> = records
        .into_iter()
        .enumerate()
        .map(|(index, record)| MintEntry {
            id: format!("{index}-{}", record.minted_at.timestamp_millis()),
            key_label: record
                .key_id
                .and_then(|id| keys.iter().find(|k| k.id == id))
                .map_or_else(|| "a removed key".to_owned(), |k| k.label.clone()),
            record,
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.record.minted_at));
    Ok(entries)
}
