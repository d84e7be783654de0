//! Use cases for stored API keys: add (the pasted text checked by [`parse_api_key_input`],
//! the same rule in the app and the CLI), verify with the server, and remove (revoking on the
//! server first where the server allows it, and saying plainly when it could not).
//!
//! Masking has one rule, [`ApiKey::masked_tail`], computed once when a key is stored and kept
//! in its record; every list (app and CLI) shows [`ApiKeyMeta::masked_tail`].

use std::sync::Arc;

use serde::Serialize;
use uuid::Uuid;

use super::Stores;
use super::error::{UseCaseError, blocking};
use crate::client::{DrivlyClient, KeyVerdict};
use crate::key_input::parse_api_key_input;
use crate::profile::ProfileId;
use crate::secret::ApiKey;
use crate::session::Revocation;
use crate::vault::{ApiKeyMeta, JournalState, Vault, VaultError};

/// The mask shown for a key: `••••` and its last four characters (see
/// [`ApiKey::masked_tail`] for short keys).
pub fn mask(key: &ApiKey) -> String {
    key.masked_tail()
}

/// The active keys (of `profile_id`, or all), oldest first.
///
/// # Errors
/// When the index cannot be read.
pub async fn list_keys(
    stores: &Stores,
    profile_id: Option<&ProfileId>,
) -> Result<Vec<ApiKeyMeta>, UseCaseError> {
    let vault = Arc::clone(&stores.vault);
    let keys = blocking(move || vault.list_api_keys()).await?;
    Ok(keys
        .into_iter()
        .filter(|k| k.state == JournalState::Active)
        .filter(|k| profile_id.is_none_or(|p| *p == k.profile_id))
        .collect())
}

/// The active key labelled `label` (case-insensitive) on `profile_id`.
///
/// # Errors
/// When the index cannot be read.
pub async fn find_key(
    stores: &Stores,
    profile_id: &ProfileId,
    label: &str,
) -> Result<Option<ApiKeyMeta>, UseCaseError> {
    let vault = Arc::clone(&stores.vault);
    let (profile_id, label) = (profile_id.clone(), label.to_owned());
    blocking(move || vault.find_api_key_by_label(&profile_id, &label)).await
}

/// A key to add, as pasted or piped.
pub struct NewKey<'a> {
    /// Its profile.
    pub profile_id: &'a ProfileId,
    /// A label, unique per profile.
    pub label: &'a str,
    /// The text as entered (trimmed and checked here).
    pub secret: &'a str,
    /// A free note; blank is none.
    pub note: Option<String>,
}

impl std::fmt::Debug for NewKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("profile_id", &self.profile_id)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Checks the pasted text is a key and stores it in the keyring with its record.
///
/// # Errors
/// A `key_*` input error (spaces, several lines, a JWT, …), `profile_not_found`, label and
/// keyring errors.
pub async fn add_key(stores: &Stores, new: NewKey<'_>) -> Result<ApiKeyMeta, UseCaseError> {
    let key = parse_api_key_input(new.secret)?;
    stores.profiles.get(new.profile_id)?;
    let vault = Arc::clone(&stores.vault);
    let (label, profile_id) = (new.label.to_owned(), new.profile_id.clone());
    let note = new.note.filter(|n| !n.trim().is_empty());
    blocking(move || vault.add_api_key(&label, &profile_id, &key, note)).await
}

/// A stored key's record and, separately, its secret (the keyring may have lost it while the
/// record remains).
///
/// # Errors
/// [`UseCaseError::KeyNotFound`], or index errors.
pub async fn key_and_secret(
    vault: &Arc<Vault>,
    id: Uuid,
) -> Result<(ApiKeyMeta, Result<ApiKey, UseCaseError>), UseCaseError> {
    let vault = Arc::clone(vault);
    let (meta, secret) = blocking(move || {
        let meta = vault
            .list_api_keys()?
            .into_iter()
            .find(|k| k.id == id && k.state == JournalState::Active);
        let secret = vault.reveal_api_key(id).map_err(UseCaseError::from);
        Ok::<_, VaultError>((meta, secret))
    })
    .await?;
    Ok((meta.ok_or(UseCaseError::KeyNotFound)?, secret))
}

/// A stored key with its secret.
pub(crate) async fn key_with_secret(
    vault: &Arc<Vault>,
    id: Uuid,
) -> Result<(ApiKeyMeta, ApiKey), UseCaseError> {
    let (meta, secret) = key_and_secret(vault, id).await?;
    Ok((meta, secret?))
}

/// The server's verdict on a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyStatus {
    /// Accepted.
    Valid,
    /// Refused: wrong or revoked.
    Rejected,
    /// The server could not be asked.
    Unknown,
}

/// What verifying a key found.
#[derive(Debug, Clone)]
pub struct KeyCheck {
    /// The key.
    pub key: ApiKeyMeta,
    /// The verdict.
    pub status: KeyStatus,
    /// The verdict for people.
    pub message: String,
}

/// Asks the key's server whether it accepts the key; a valid key is marked used.
///
/// # Errors
/// [`UseCaseError::KeyNotFound`], keyring and profile errors. A server that cannot be asked
/// is a verdict ([`KeyStatus::Unknown`]), not an error.
pub async fn verify_key(stores: &Stores, id: Uuid) -> Result<KeyCheck, UseCaseError> {
    let (key, secret) = key_with_secret(&stores.vault, id).await?;
    let profile = stores.profiles.get(&key.profile_id)?;
    let client = DrivlyClient::new(&profile)?;
    let (status, message) = match client.verify_api_key(&secret).await {
        KeyVerdict::Valid => {
            let vault = Arc::clone(&stores.vault);
            let _ = blocking(move || vault.touch_api_key(id)).await;
            (
                KeyStatus::Valid,
                format!("{} accepted this key.", profile.name),
            )
        }
        KeyVerdict::Rejected => (
            KeyStatus::Rejected,
            format!(
                "{} rejected this key: it is wrong or was revoked.",
                profile.name
            ),
        ),
        KeyVerdict::CannotTell(error) => (
            KeyStatus::Unknown,
            format!("Could not ask {}: {error}", profile.name),
        ),
    };
    Ok(KeyCheck {
        key,
        status,
        message,
    })
}

/// What removing a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRemoval {
    /// The removed key's record.
    pub key: ApiKeyMeta,
    /// The name of its server (the profile's name).
    pub server_name: String,
    /// What happened on the server.
    pub revocation: Revocation,
}

impl KeyRemoval {
    /// One sentence for people that says whether the key still works on the server.
    pub fn message(&self) -> String {
        let (label, server) = (&self.key.label, &self.server_name);
        match &self.revocation {
            Revocation::Revoked | Revocation::AlreadyInvalid => format!(
                "\u{201c}{label}\u{201d} was revoked on {server} and removed from this computer."
            ),
            Revocation::NotRequested => format!(
                "\u{201c}{label}\u{201d} was removed from this computer. It still works on {server}: revoke it in the dashboard."
            ),
            Revocation::NotSupported => format!(
                "{server} cannot revoke API keys from here: revoke \u{201c}{label}\u{201d} in the dashboard. It was removed from this computer."
            ),
            Revocation::RemovedLocallyOnly { reason } => format!(
                "\u{201c}{label}\u{201d} was removed from this computer, but not revoked on {server} ({reason}): revoke it in the dashboard."
            ),
        }
    }
}

/// Removes a key from this computer, revoking it on its server first when `revoke_on_server`
/// and the server allows it. The key is removed locally whatever the server said.
///
/// # Errors
/// [`UseCaseError::KeyNotFound`], keyring and index errors of the removal.
pub async fn remove_key(
    stores: &Stores,
    id: Uuid,
    revoke_on_server: bool,
) -> Result<KeyRemoval, UseCaseError> {
    let (key, secret) = key_and_secret(&stores.vault, id).await?;
    let profile = stores.profiles.get(&key.profile_id)?;
    let revocation = match (revoke_on_server, secret) {
        (false, _) => Revocation::NotRequested,
        (true, Err(_)) => Revocation::RemovedLocallyOnly {
            reason: "the secret was already missing from the keyring, so it could not be revoked"
                .into(),
        },
        (true, Ok(secret)) => match DrivlyClient::new(&profile)?.revoke_api_key(&secret).await {
            Ok(outcome) => Revocation::from_server(outcome),
            Err(error) => Revocation::RemovedLocallyOnly {
                reason: format!("revoking failed: {error}"),
            },
        },
    };
    let vault = Arc::clone(&stores.vault);
    let key = blocking(move || vault.remove_api_key(id)).await?;
    Ok(KeyRemoval {
        key,
        server_name: profile.name,
        revocation,
    })
}
