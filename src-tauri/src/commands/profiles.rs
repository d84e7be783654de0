//! Profiles and settings commands.

use drivly_core::Code;
use drivly_core::profile::{
    Endpoints, Environment, Profile, ProfileError, ProfileId, ProtocolPatch, RedirectForm,
};
use drivly_core::settings::{Settings, SettingsPatch};
use drivly_core::usecases::UseCaseError;
use drivly_core::usecases::profiles::{
    Holdings, ProfileEdit, edit_profile, edit_profile_moving_credentials, profile_holdings,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::events::BackendEvent;
use crate::ipc_error::{IpcError, IpcResult};
use crate::native_confirm::Confirmation;
use crate::state::AppState;

/// A profile as the header shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The environment badge.
    pub environment: Environment,
    /// API base URL.
    pub base_url: String,
}

impl From<&Profile> for ProfileSummary {
    fn from(profile: &Profile) -> Self {
        Self {
            id: profile.id.to_string(),
            name: profile.name.clone(),
            environment: profile.environment,
            base_url: profile.base_url.to_string(),
        }
    }
}

/// A profile as Settings shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    #[serde(flatten)]
    summary: ProfileSummary,
    built_in: bool,
    dashboard_url: Option<String>,
    can_revoke_api_keys: bool,
    /// Whether signing out tells the server (the profile has a revoke endpoint).
    can_revoke_sessions: bool,
    redirect_form: RedirectForm,
    /// Every protocol setting, for the profile form's Advanced section.
    protocol: ProtocolSettings,
}

/// A profile's protocol settings (protocol.md D) as the profile form edits them: every value
/// as text, `""` for "none" (no client id, no revoke endpoint, no JWKS). Validated by the core
/// ([`ProtocolPatch::apply`]), the same rules as `drivly-keys profiles edit`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtocolSettings {
    redirect_form: RedirectForm,
    client_id: String,
    authorize_path: String,
    token_path: String,
    refresh_path: String,
    revoke_path: String,
    jwks_path: String,
}

impl From<&Profile> for ProtocolSettings {
    fn from(profile: &Profile) -> Self {
        let e = &profile.endpoints;
        Self {
            redirect_form: profile.redirect_form,
            client_id: profile.client_id.clone().unwrap_or_default(),
            authorize_path: e.auth.clone(),
            token_path: e.token.clone(),
            refresh_path: e.refresh.clone(),
            revoke_path: e.revoke.clone().unwrap_or_default(),
            jwks_path: e.jwks.clone().unwrap_or_default(),
        }
    }
}

impl ProtocolSettings {
    /// A patch setting every value (an empty optional one removes it).
    fn patch(&self) -> ProtocolPatch {
        let optional = |v: &str| Some(Some(v.to_owned()).filter(|v| !v.trim().is_empty()));
        ProtocolPatch {
            redirect_form: Some(self.redirect_form),
            client_id: optional(&self.client_id),
            authorize_path: Some(self.authorize_path.clone()),
            token_path: Some(self.token_path.clone()),
            refresh_path: Some(self.refresh_path.clone()),
            revoke_path: optional(&self.revoke_path),
            jwks_path: optional(&self.jwks_path),
        }
    }
}

impl From<&Profile> for ProfileView {
    fn from(profile: &Profile) -> Self {
        Self {
            summary: profile.into(),
            built_in: profile.is_built_in(),
            dashboard_url: profile.dashboard_url.as_ref().map(ToString::to_string),
            can_revoke_api_keys: profile.api_key_revoke_url.is_some(),
            can_revoke_sessions: profile.endpoints.revoke.is_some(),
            redirect_form: profile.redirect_form,
            protocol: profile.into(),
        }
    }
}

/// What the UI sends to add or edit a profile.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    id: String,
    name: String,
    base_url: String,
    environment: Environment,
    /// The Advanced section's settings; absent leaves them as they are (Drivly's defaults for
    /// a new profile). Paths stay under the base URL, so unlike a new URL they never send
    /// credentials to another server and need no confirmation.
    #[serde(default)]
    #[ts(optional)]
    protocol: Option<ProtocolSettings>,
}

/// The patch `input` asks for (none when it has no Advanced section).
fn protocol_of(input: &ProfileInput) -> ProtocolPatch {
    input
        .protocol
        .as_ref()
        .map(ProtocolSettings::patch)
        .unwrap_or_default()
}

fn name_of(input: &ProfileInput) -> IpcResult<String> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(IpcError::new(
            Code::InvalidProfileName,
            "give the profile a name of 1 to 60 characters",
        ));
    }
    Ok(name.to_owned())
}

/// Every profile, built-ins first.
#[tauri::command]
pub fn list_profiles(state: tauri::State<'_, AppState>) -> IpcResult<Vec<ProfileView>> {
    Ok(state
        .profiles
        .list()?
        .iter()
        .map(ProfileView::from)
        .collect())
}

/// Adds a custom profile, with the protocol's defaults unless its Advanced section says
/// otherwise.
#[tauri::command]
pub fn add_profile(
    state: tauri::State<'_, AppState>,
    input: ProfileInput,
) -> IpcResult<ProfileView> {
    let mut profile = Profile {
        id: ProfileId::parse(input.id.trim())?,
        name: name_of(&input)?,
        base_url: Profile::validate_base_url(&input.base_url)?,
        environment: input.environment,
        endpoints: Endpoints::default(),
        redirect_form: RedirectForm::Code,
        dashboard_url: None,
        api_key_revoke_url: None,
        client_id: None,
    };
    protocol_of(&input).apply(&mut profile)?;
    Ok((&state.profiles.add(profile)?).into())
}

/// Edits a profile's name, base URL, environment and protocol settings. A new URL for a profile that holds keys
/// or sessions takes the person's approval in a native dialog (their credentials then go to
/// the new URL); a built-in profile's URL never changes.
#[tauri::command]
pub async fn update_profile(
    state: tauri::State<'_, AppState>,
    input: ProfileInput,
) -> IpcResult<ProfileView> {
    let id = ProfileId::parse(input.id.trim())?;
    let edit = ProfileEdit {
        name: name_of(&input)?,
        base_url: Profile::validate_base_url(&input.base_url)?,
        environment: input.environment,
        protocol: protocol_of(&input),
    };
    let stores = state.stores().await?;
    let old_url = state.profiles.get(&id)?.base_url;
    match edit_profile(&stores, &id, edit.clone()).await {
        Err(UseCaseError::ProfileInUse {
            profile,
            keys,
            sessions,
        }) => {
            let held = Holdings { keys, sessions };
            let approved = state
                .confirmer
                .ask(Confirmation {
                    title: "Send this profile's credentials to a new URL?".into(),
                    message: format!(
                        "\u{201c}{profile}\u{201d} holds {}. If its URL changes from {old_url} to \
                         {}, they belong to the new URL: its keys, tokens and sessions' refresh \
                         tokens will be sent there from now on.\n\nChange the URL only if you \
                         trust that server and just asked for this.",
                        held.describe(),
                        edit.base_url
                    ),
                    approve: "Change URL".into(),
                })
                .await;
            if !approved {
                return Err(IpcError::new(
                    Code::NotConfirmed,
                    format!(
                        "the URL was not changed: moving {} to another server was not confirmed",
                        held.describe()
                    ),
                ));
            }
            Ok((&edit_profile_moving_credentials(&stores, &id, edit).await?).into())
        }
        other => Ok((&other?).into()),
    }
}

/// What removing a profile did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RemoveProfileResult {
    /// API keys deleted from this computer.
    keys: u32,
    /// Sessions signed out.
    sessions: u32,
    /// One sentence for people (what the server revoked, what was only removed here).
    message: String,
}

/// Removes a custom profile with what it holds: when it holds keys or sessions, a native
/// dialog says what, and once approved its sessions are signed out (revoked on the server
/// where it allows) and its keys deleted from this computer.
#[tauri::command]
pub async fn remove_profile(
    state: tauri::State<'_, AppState>,
    id: String,
) -> IpcResult<RemoveProfileResult> {
    let id = ProfileId::parse(&id)?;
    let profile = state.profiles.get(&id)?;
    if profile.is_built_in() {
        return Err(ProfileError::BuiltIn(id.to_string()).into());
    }
    let stores = state.stores().await?;
    let held = profile_holdings(&stores, &id).await?;
    if !held.is_empty() {
        let approved = state
            .confirmer
            .ask(Confirmation {
                title: "Remove this profile and what it holds?".into(),
                message: format!(
                    "\u{201c}{}\u{201d} ({}) holds {}. Removing it signs its sessions out \
                     (revoked on the server where it allows) and deletes its API keys from this \
                     computer; the keys stay valid on the server until you revoke them there.",
                    profile.name,
                    profile.base_url,
                    held.describe()
                ),
                approve: "Remove".into(),
            })
            .await;
        if !approved {
            return Err(IpcError::new(
                Code::NotConfirmed,
                format!(
                    "the profile was not removed: deleting {} was not confirmed",
                    held.describe()
                ),
            ));
        }
    }
    let running = state.sessions().await?.running();
    let removed =
        drivly_core::usecases::profiles::remove_profile(&stores, running, &id, true).await?;
    if !held.is_empty() {
        state.events.send(BackendEvent::KeysChanged);
        state.events.send(BackendEvent::SessionsChanged);
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(RemoveProfileResult {
        keys: count(removed.keys.len()),
        sessions: count(removed.sessions.len()),
        message: removed.message(),
    })
}

/// Makes a profile the active one.
#[tauri::command]
pub fn set_active_profile(
    state: tauri::State<'_, AppState>,
    id: String,
) -> IpcResult<ProfileSummary> {
    let id = ProfileId::parse(&id)?;
    Ok((&state.profiles.set_active(&id)?).into())
}

/// The settings.
#[tauri::command]
pub fn get_settings(state: tauri::State<'_, AppState>) -> IpcResult<Settings> {
    Ok(state.profiles.settings()?)
}

/// Replaces the settings. A new global shortcut is taken from the desktop before it is saved,
/// so a combination another program holds is refused with nothing changed.
#[tauri::command]
pub fn update_settings<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    settings: Settings,
) -> IpcResult<Settings> {
    let before = state.profiles.settings()?.global_shortcut;
    let wanted = settings
        .global_shortcut
        .as_deref()
        .map(drivly_core::global_shortcut::canonical)
        .transpose()?;
    crate::global_shortcut::switch(&app, before.as_deref(), wanted.as_deref())?;
    let patch = SettingsPatch {
        clipboard_clear_seconds: Some(settings.clipboard_clear_seconds),
        launch_minimised: Some(settings.launch_minimised),
        theme: Some(settings.theme),
        global_shortcut: Some(wanted.clone()),
    };
    state.profiles.update_settings(&patch).map_err(|error| {
        // Not saved: the desktop goes back to the shortcut the config still names.
        let _ = crate::global_shortcut::switch(&app, wanted.as_deref(), before.as_deref());
        error.into()
    })
}
