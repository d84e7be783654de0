//! Use case: edit a profile without letting its credentials follow it to another server.
//!
//! A profile's base URL is where its API keys are verified and revoked, its tokens minted and
//! its sessions' refresh tokens sent. Changing it while the profile holds keys or sessions would
//! send those secrets to the new host on their next use, so a compromised page (or a mistyped
//! URL) could collect them. So: a built-in profile's URL never changes, and a profile that holds
//! keys or sessions keeps its URL (the user adds a profile for the other server, or removes the
//! credentials first). Name and environment edits are always allowed.

use crate::profile::{Environment, Profile, ProfileId, ProtocolPatch};

use super::Stores;
use super::error::UseCaseError;
use super::error::blocking;

/// What an edit may change.
#[derive(Debug, Clone)]
pub struct ProfileEdit {
    /// The display name (validated by the caller's parser).
    pub name: String,
    /// The new base URL, already validated.
    pub base_url: url::Url,
    /// The environment badge.
    pub environment: Environment,
    /// Protocol settings to change (endpoint paths, redirect form, client id); the default
    /// changes none. They never move credentials to another host: paths stay under the base URL.
    pub protocol: ProtocolPatch,
}

/// Applies `edit` to the profile `id` and saves it.
///
/// # Errors
/// [`UseCaseError::UrlFixed`] for a built-in profile's URL, [`UseCaseError::ProfileInUse`]
/// when the URL would change under stored keys or sessions, and the stores' own errors.
pub async fn edit_profile(
    stores: &Stores,
    id: &ProfileId,
    edit: ProfileEdit,
) -> Result<Profile, UseCaseError> {
    let mut profile = stores.profiles.get(id)?;
    if edit.base_url != profile.base_url {
        if profile.is_built_in() {
            return Err(UseCaseError::UrlFixed {
                profile: profile.name.clone(),
            });
        }
        let vault = std::sync::Arc::clone(&stores.vault);
        let owner = id.clone();
        let (keys, sessions) = blocking(move || {
            let keys = vault
                .list_api_keys()?
                .iter()
                .filter(|k| k.profile_id == owner)
                .count();
            let sessions = vault
                .list_sessions()?
                .iter()
                .filter(|s| s.profile_id == owner)
                .count();
            Ok::<_, UseCaseError>((keys, sessions))
        })
        .await?;
        if keys + sessions > 0 {
            return Err(UseCaseError::ProfileInUse {
                profile: profile.name.clone(),
                keys,
                sessions,
            });
        }
    }
    edit.protocol
        .apply(&mut profile)
        .map_err(crate::profile::store::ConfigError::from)?;
    profile.name = edit.name;
    profile.base_url = edit.base_url;
    profile.environment = edit.environment;
    Ok(stores.profiles.update(profile)?)
}
