//! The whole `doctor` report for one profile, made the same way for `drivly-keys doctor` and
//! the app's "Check connection": the server probed without credentials, the keyring as the
//! caller found it, the sign-in link's handler, and the profile's sessions.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::{
    DoctorReport, KeyringLine, LinkHandlerLine, keyring_line, probe_server, session_health,
};
use crate::link_handler::status as link_status;
use crate::profile::Profile;
use crate::usecases::UseCaseError;
use crate::usecases::error::blocking;
use crate::vault::{Vault, VaultError};

/// Checks `profile`. `vault` is the caller's own (never a second one opened here), or the
/// keyring line saying why it is not open; `link_scheme` is the sign-in scheme whose handler to
/// report (Linux desktops route links through desktop entries; `None` elsewhere).
///
/// # Errors
/// The vault's errors while listing sessions or orphans.
pub async fn check_profile(
    profile: &Profile,
    vault: Result<Arc<Vault>, KeyringLine>,
    link_scheme: Option<&str>,
    timeout: Duration,
) -> Result<DoctorReport, UseCaseError> {
    let now = Utc::now();
    let probed = probe_server(profile, timeout).await;
    // Both read the system (xdg-mime, D-Bus): off the async threads.
    let link = match link_scheme.map(str::to_owned) {
        Some(scheme) => Some(
            blocking(move || {
                Ok::<_, VaultError>(LinkHandlerLine::from_status(&link_status(&scheme)))
            })
            .await?,
        ),
        None => None,
    };
    let (keyring, records, orphans) = match vault {
        Ok(vault) => {
            let (records, orphans) = blocking(move || {
                Ok::<_, VaultError>((vault.list_sessions()?, vault.find_orphans()?))
            })
            .await?;
            (keyring_line::<VaultError>(Ok(())), records, Some(orphans))
        }
        Err(line) => (line, Vec::new(), None),
    };
    let sessions = session_health(&records, &profile.id, now);
    Ok(DoctorReport::new(
        profile, now, probed, keyring, link, sessions, orphans,
    ))
}
