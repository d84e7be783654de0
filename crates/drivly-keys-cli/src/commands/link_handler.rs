//! `link-handler`: which desktop entry opens the app's sign-in link on this account, whether
//! the installed package's entry is present, and the per-user entry a build-folder run of the
//! app wrote (removable with `--remove-user-entry`). Needs no keyring and reads no secret.

use drivly_core::Code;
use std::path::PathBuf;

use drivly_core::link_handler::{
    default_handler, remove_user_handler_entries, system_data_dirs, user_data_dir,
    user_handler_entries, user_mimeapps_list,
};
use drivly_core::login::RELEASE_SCHEME;
use serde::Serialize;

use crate::cli::LinkHandlerArgs;
use crate::error::CliError;
use crate::output::Out;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    scheme: &'static str,
    default_entry: Option<String>,
    system_entries: Vec<PathBuf>,
    user_entries: Vec<PathBuf>,
    removed: Vec<PathBuf>,
}

/// Runs `link-handler`.
///
/// # Errors
/// [`CliError::Core`] (`link_handler_remove_failed`) when a user entry could not be removed.
pub fn run(out: Out, args: &LinkHandlerArgs) -> Result<(), CliError> {
    let user = user_data_dir();
    let removed = match (&user, args.remove_user_entry) {
        (Some(dir), true) => {
            remove_user_handler_entries(dir, RELEASE_SCHEME, user_mimeapps_list().as_deref())
                .map_err(|e| CliError::Core {
                    code: Code::LinkHandlerRemoveFailed,
                    message: format!("could not remove the user link handler entry: {e}"),
                })?
        }
        _ => Vec::new(),
    };
    let report = Report {
        scheme: RELEASE_SCHEME,
        default_entry: default_handler(RELEASE_SCHEME),
        system_entries: system_data_dirs()
            .iter()
            .flat_map(|d| drivly_core::link_handler::entries_handling(d, RELEASE_SCHEME))
            .map(|e| e.path)
            .collect(),
        user_entries: user
            .as_deref()
            .map(|d| user_handler_entries(d, RELEASE_SCHEME))
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.path)
            .collect(),
        removed,
    };
    if out.json() {
        return out.report(&report);
    }
    let none = "none".to_owned();
    out.stdout_line(&format!(
        "{} links open with: {}",
        report.scheme,
        report.default_entry.as_ref().unwrap_or(&none)
    ))?;
    for path in &report.system_entries {
        out.stdout_line(&format!("system entry: {}", path.display()))?;
    }
    for path in &report.user_entries {
        out.stdout_line(&format!("user entry: {}", path.display()))?;
    }
    for path in &report.removed {
        out.stdout_line(&format!("removed: {}", path.display()))?;
    }
    Ok(())
}
