//! Local proxy commands for the session card: start, stop and list the per-session proxies,
//! copy a proxy's URL, and copy a curl command that fetches its token with `drivly-keys token`
//! when it runs (the token itself is never in it).

use serde::Serialize;
use ts_rs::TS;

use crate::commands::CopyResult;
use crate::ipc_error::{IpcError, IpcResult};
use crate::sessions_hub::session_id as parse_session_id;
use crate::state::AppState;

/// A running local proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LocalProxyView {
    /// The session whose tokens it adds.
    pub session_id: String,
    /// Its base URL, `http://127.0.0.1:PORT` and the profile's path (not a secret).
    pub url: String,
}

fn view(session_id: String, url: &url::Url) -> LocalProxyView {
    LocalProxyView {
        session_id,
        url: url.as_str().trim_end_matches('/').to_owned(),
    }
}

/// Starts (or returns) the session's local proxy.
#[tauri::command]
pub async fn start_local_proxy(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<LocalProxyView> {
    let refresher = state
        .sessions()
        .await?
        .running()
        .get(&parse_session_id(&session_id)?)
        .await?;
    let profile = state.profiles.get(&refresher.view().meta.profile_id)?;
    let url = state
        .local_proxies
        .start(&session_id, refresher, &profile)
        .await?;
    Ok(view(session_id, &url))
}

/// Stops the session's local proxy (nothing to do when none runs).
#[tauri::command]
pub async fn stop_local_proxy(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<()> {
    state.local_proxies.stop(&session_id).await;
    Ok(())
}

/// The running local proxies.
#[tauri::command]
pub async fn list_local_proxies(
    state: tauri::State<'_, AppState>,
) -> IpcResult<Vec<LocalProxyView>> {
    Ok(state
        .local_proxies
        .urls()
        .await
        .into_iter()
        .map(|(id, url)| view(id, &url))
        .collect())
}

/// Copies the URL of the session's running proxy.
#[tauri::command]
pub async fn copy_local_proxy_url(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<CopyResult> {
    let url = state
        .local_proxies
        .url_of(&session_id)
        .await
        .ok_or_else(|| {
            IpcError::new(
                drivly_core::Code::NotFound,
                "no local proxy runs for this session; start one first",
            )
        })?;
    crate::commands::copy_text(&state, url.as_str().trim_end_matches('/'))
}

/// Copies `curl -H "Authorization: Bearer $(drivly-keys token --profile P)" BASE/invoices`
/// for the session's profile: the shell asks for a fresh token when the command runs, so the
/// clipboard never holds one.
#[tauri::command]
pub async fn copy_curl(
    state: tauri::State<'_, AppState>,
    session_id: String,
) -> IpcResult<CopyResult> {
    let refresher = state
        .sessions()
        .await?
        .running()
        .get(&parse_session_id(&session_id)?)
        .await?;
    let profile = state.profiles.get(&refresher.view().meta.profile_id)?;
    crate::commands::copy_text(&state, &curl_line(&profile))
}

/// The curl line for `profile` (profile ids are `[a-z0-9-]`, so they need no quoting).
pub fn curl_line(profile: &drivly_core::profile::Profile) -> String {
    format!(
        "curl -H \"Authorization: Bearer $(drivly-keys token --profile {})\" {}/invoices",
        profile.id,
        profile.base_url.as_str().trim_end_matches('/')
    )
}
