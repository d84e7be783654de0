//! `app_info`: what the frame needs on first paint (version, active profile, demo details).

use serde::Serialize;

use crate::ipc_error::IpcResult;
use crate::state::AppState;

/// A profile as the header shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `production`, `sandbox` or `local`.
    pub environment: &'static str,
    /// API base URL.
    pub base_url: String,
}

/// What the frame shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// App version.
    pub version: &'static str,
    /// True for debug builds (their own scheme and identifier).
    pub dev_build: bool,
    /// The active profile.
    pub active_profile: ProfileSummary,
}

/// Returns the frame's data.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> IpcResult<AppInfo> {
    let profile = state.active_profile();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        dev_build: cfg!(debug_assertions),
        active_profile: ProfileSummary {
            id: profile.id.to_string(),
            name: profile.name.clone(),
            environment: profile.environment.as_str(),
            base_url: profile.base_url.to_string(),
        },
    })
}
