//! Profiles and settings commands.

use drivly_core::Code;
use drivly_core::profile::{
    Endpoints, Environment, Profile, ProfileError, ProfileId, RedirectForm,
};
use drivly_core::settings::{Settings, SettingsPatch};
use drivly_core::usecases::profiles::{ProfileEdit, edit_profile};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ipc_error::{IpcError, IpcResult};
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
    redirect_form: RedirectForm,
}

impl From<&Profile> for ProfileView {
    fn from(profile: &Profile) -> Self {
        Self {
            summary: profile.into(),
            built_in: profile.is_built_in(),
            dashboard_url: profile.dashboard_url.as_ref().map(ToString::to_string),
            can_revoke_api_keys: profile.api_key_revoke_url.is_some(),
            redirect_form: profile.redirect_form,
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

/// Adds a custom profile with the protocol's default endpoint paths.
#[tauri::command]
pub fn add_profile(
    state: tauri::State<'_, AppState>,
    input: ProfileInput,
) -> IpcResult<ProfileView> {
    let profile = Profile {
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
    Ok((&state.profiles.add(profile)?).into())
}

/// Edits a profile's name, base URL and environment.
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
        protocol: drivly_core::profile::ProtocolPatch::default(),
    };
    Ok((&edit_profile(&state.stores().await?, &id, edit).await?).into())
}

/// Removes a custom profile.
#[tauri::command]
pub fn remove_profile(state: tauri::State<'_, AppState>, id: String) -> IpcResult<()> {
    let id = ProfileId::parse(&id)?;
    let profile = state.profiles.get(&id)?;
    if profile.is_built_in() {
        return Err(ProfileError::BuiltIn(id.to_string()).into());
    }
    state.profiles.remove(&id)?;
    Ok(())
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

/// Replaces the settings.
#[tauri::command]
pub fn update_settings(
    state: tauri::State<'_, AppState>,
    settings: Settings,
) -> IpcResult<Settings> {
    let patch = SettingsPatch {
        clipboard_clear_seconds: Some(settings.clipboard_clear_seconds),
        launch_minimised: Some(settings.launch_minimised),
        theme: Some(settings.theme),
    };
    Ok(state.profiles.update_settings(&patch)?)
}
