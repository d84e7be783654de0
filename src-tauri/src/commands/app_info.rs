//! `app_info`: what the frame needs on first paint (version, active profile, demo details,
//! notices found at start).

use serde::Serialize;
use ts_rs::TS;

use crate::commands::profiles::ProfileSummary;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// The embedded emulator's demo credentials (throwaway values of a local server, shown on
/// purpose so a newcomer can try everything).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoInfo {
    /// The demo user's email.
    pub email: String,
    /// The demo user's password.
    pub password: String,
    /// A demo API key.
    pub api_key: String,
    /// The emulator's dashboard.
    pub dashboard_url: String,
}

/// What the frame shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// App version.
    pub version: &'static str,
    /// True for debug builds (their own scheme and identifier).
    pub dev_build: bool,
    /// The active profile.
    pub active_profile: ProfileSummary,
    /// Demo details, in demo mode.
    pub demo: Option<DemoInfo>,
    /// Things found at start the user should know.
    pub notices: Vec<String>,
    /// Why secure storage is closed (a locked or missing keyring), when it is: the frame shows
    /// it once, with "Unlock and retry", instead of each screen saying it again.
    pub storage_error: Option<IpcError>,
    /// Whether this desktop shows tray icons: without one, closing the window quits.
    pub tray_host: crate::tray_host::TrayHost,
}

/// Returns the frame's data.
#[tauri::command]
pub async fn app_info(state: tauri::State<'_, AppState>) -> IpcResult<AppInfo> {
    let profile = state.profiles.active()?;
    // Waits for secure storage to open (started at launch), whose notices belong on first paint.
    let (notices, storage_error) = state.notices().await;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        dev_build: cfg!(debug_assertions),
        active_profile: ProfileSummary::from(&profile),
        demo: state.demo.clone(),
        notices,
        storage_error,
        tray_host: state.tray_host.get(),
    })
}

/// Quits the app as the tray's "Quit" does (Ctrl+Q): a secret of ours on the clipboard is
/// cleared first.
#[tauri::command]
pub fn quit_app<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    crate::quit(&app);
}
