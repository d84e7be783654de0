//! Use cases: edit a profile without letting its credentials follow it to another server, and
//! remove a profile together with what it holds.
//!
//! A profile's base URL is where its API keys are verified and revoked, its tokens minted and
//! its sessions' refresh tokens sent. Changing it while the profile holds keys or sessions would
//! send those secrets to the new host on their next use, so a compromised page (or a mistyped
//! URL) could collect them. So: a built-in profile's URL never changes, and a profile that holds
//! keys or sessions keeps its URL unless the person at the computer approved the move outside the
//! page (the app's native dialog: [`edit_profile_moving_credentials`]). Name and environment
//! edits are always allowed.
//!
//! Removing a profile must not leave its secrets behind in the keyring, named by nothing: its
//! sessions are signed out (revoked where the server allows) and its keys deleted from this
//! computer, once the caller confirmed ([`remove_profile`]).

use std::sync::Arc;

use crate::profile::{Environment, Profile, ProfileError, ProfileId, ProtocolPatch};
use crate::vault::{ApiKeyMeta, JournalState};

use super::Stores;
use super::error::UseCaseError;
use super::error::blocking;
use super::running::RunningSessions;
use super::sign_out::{SignedOut, sign_out_profile};

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

/// What a profile holds in the vault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Its stored API keys (not counting ones being removed).
    pub keys: usize,
    /// Its sessions.
    pub sessions: usize,
}

impl Holdings {
    /// True when the profile holds nothing.
    pub fn is_empty(self) -> bool {
        self.keys + self.sessions == 0
    }

    /// "2 API keys and 1 session", for people.
    pub fn describe(self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} and {}",
            plural(self.keys, "API key", "API keys"),
            plural(self.sessions, "session", "sessions")
        )
    }
}

/// What the profile `id` holds: keys and sessions recorded for it in the index.
///
/// # Errors
/// The vault's errors.
pub async fn profile_holdings(stores: &Stores, id: &ProfileId) -> Result<Holdings, UseCaseError> {
    let vault = Arc::clone(&stores.vault);
    let owner = id.clone();
    blocking(move || {
        let keys = vault
            .list_api_keys()?
            .iter()
            .filter(|k| k.profile_id == owner && k.state != JournalState::Deleting)
            .count();
        let sessions = vault
            .list_sessions()?
            .iter()
            .filter(|s| s.profile_id == owner)
            .count();
        Ok::<_, UseCaseError>(Holdings { keys, sessions })
    })
    .await
}

/// Applies `edit` to the profile `id` and saves it; the URL of a profile holding keys or
/// sessions does not change.
///
/// # Errors
/// [`UseCaseError::UrlFixed`] for a built-in profile's URL, [`UseCaseError::ProfileInUse`]
/// when the URL would change under stored keys or sessions, and the stores' own errors.
pub async fn edit_profile(
    stores: &Stores,
    id: &ProfileId,
    edit: ProfileEdit,
) -> Result<Profile, UseCaseError> {
    apply_edit(stores, id, edit, false).await
}

/// As [`edit_profile`], for a caller whose user approved, outside the page, that the profile's
/// keys and sessions now belong to the new URL (the app's native confirmation). A built-in
/// profile's URL still never changes.
///
/// # Errors
/// [`UseCaseError::UrlFixed`], and the stores' own errors.
pub async fn edit_profile_moving_credentials(
    stores: &Stores,
    id: &ProfileId,
    edit: ProfileEdit,
) -> Result<Profile, UseCaseError> {
    apply_edit(stores, id, edit, true).await
}

async fn apply_edit(
    stores: &Stores,
    id: &ProfileId,
    edit: ProfileEdit,
    move_approved: bool,
) -> Result<Profile, UseCaseError> {
    let mut profile = stores.profiles.get(id)?;
    if edit.base_url != profile.base_url {
        if profile.is_built_in() {
            return Err(UseCaseError::UrlFixed {
                profile: profile.name.clone(),
            });
        }
        if !move_approved {
            let held = profile_holdings(stores, id).await?;
            if !held.is_empty() {
                return Err(UseCaseError::ProfileInUse {
                    profile: profile.name.clone(),
                    keys: held.keys,
                    sessions: held.sessions,
                });
            }
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

/// What removing a profile did.
#[derive(Debug, Clone)]
pub struct ProfileRemoved {
    /// The profile as it was.
    pub profile: Profile,
    /// Its sessions, signed out (each with what the server did).
    pub sessions: Vec<SignedOut>,
    /// Its keys, deleted from this computer (not revoked: Drivly revokes keys in its
    /// dashboard, and a key may be in use elsewhere).
    pub keys: Vec<ApiKeyMeta>,
}

impl ProfileRemoved {
    /// One sentence for people.
    pub fn message(&self) -> String {
        let local_only = self
            .sessions
            .iter()
            .filter(|s| s.revocation.local_only_reason().is_some())
            .count();
        let mut text = format!(
            "Removed '{}' with {}.",
            self.profile.name,
            Holdings {
                keys: self.keys.len(),
                sessions: self.sessions.len()
            }
            .describe()
        );
        if local_only > 0 {
            text.push_str(&format!(
                " {local_only} session(s) could not be revoked on the server and were removed from this computer only."
            ));
        }
        text
    }
}

/// Removes the custom profile `id`. When it holds keys or sessions, `confirmed` must be true:
/// its sessions are then signed out (revoked on the server where it allows, through their
/// refreshers in `running`), its keys deleted from this computer, and the profile removed
/// last, so a failure part-way leaves a profile that names what is left.
///
/// # Errors
/// [`UseCaseError::ProfileNotEmpty`] when it holds something and `confirmed` is false; a
/// built-in or unknown profile; the vault's and sessions' errors.
pub async fn remove_profile(
    stores: &Stores,
    running: &RunningSessions,
    id: &ProfileId,
    confirmed: bool,
) -> Result<ProfileRemoved, UseCaseError> {
    let profile = stores.profiles.get(id)?;
    if profile.is_built_in() {
        return Err(UseCaseError::Config(
            ProfileError::BuiltIn(id.to_string()).into(),
        ));
    }
    let held = profile_holdings(stores, id).await?;
    if !held.is_empty() && !confirmed {
        return Err(UseCaseError::ProfileNotEmpty {
            profile: profile.name.clone(),
            keys: held.keys,
            sessions: held.sessions,
        });
    }
    let sessions = sign_out_profile(running, id).await?;
    let vault = Arc::clone(&stores.vault);
    let owner = id.clone();
    let keys = blocking(move || {
        let mut removed = Vec::new();
        for key in vault.list_api_keys()? {
            if key.profile_id == owner && key.state == JournalState::Active {
                removed.push(vault.remove_api_key(key.id)?);
            }
        }
        Ok::<_, UseCaseError>(removed)
    })
    .await?;
    let profile = stores.profiles.remove(id)?;
    Ok(ProfileRemoved {
        profile,
        sessions,
        keys,
    })
}
