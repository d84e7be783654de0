//! Settings → a profile → "Check connection": the `drivly-keys doctor` report for that profile,
//! made by the same core function, so the app and the CLI say the same thing. It sends no
//! credential and holds no secret.

use std::time::Duration;

use drivly_core::doctor::{DoctorReport, KeyringLine, check_profile};
use drivly_core::login::RedirectTarget;
use drivly_core::profile::ProfileId;

use crate::ipc_error::IpcResult;
use crate::state::AppState;

/// How long each probe may take, as in the CLI: the report comes back within a minute.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The doctor report for the profile `id`.
#[tauri::command]
pub async fn check_connection(
    state: tauri::State<'_, AppState>,
    id: String,
) -> IpcResult<DoctorReport> {
    let profile = state.profiles.get(&ProfileId::parse(&id)?)?;
    // A closed keyring is one line of the report, not a failure of the check.
    let vault = state.vault().await.map_err(|e| KeyringLine {
        ok: false,
        code: Some(e.code.as_str().to_owned()),
        message: Some(e.message),
    });
    // Linux desktops route the sign-in link through desktop entries; this build's own scheme.
    let scheme = match (&state.deep_link_redirect, cfg!(target_os = "linux")) {
        (RedirectTarget::PrivateUse { scheme }, true) => Some(scheme.clone()),
        _ => None,
    };
    Ok(check_profile(&profile, vault, scheme.as_deref(), PROBE_TIMEOUT).await?)
}
