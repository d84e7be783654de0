//! The local half of `doctor`: the keyring's state and each session's health, from what the
//! caller already opened (the CLI's and the app's own vault), so `doctor` never opens a second.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::profile::ProfileId;
use crate::vault::SessionRecord;

/// The keyring.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyringLine {
    /// Whether it opened and answered.
    pub ok: bool,
    /// The error code when not.
    pub code: Option<String>,
    /// The error message when not.
    pub message: Option<String>,
}

/// The keyring line from the caller's attempt to open it.
pub fn keyring_line<E: crate::ErrorCode>(opened: Result<(), &E>) -> KeyringLine {
    match opened {
        Ok(()) => KeyringLine {
            ok: true,
            code: None,
            message: None,
        },
        Err(e) => KeyringLine {
            ok: false,
            code: Some(e.code().as_str().to_owned()),
            message: Some(e.to_string()),
        },
    }
}

/// One session's health.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionHealth {
    /// The session id.
    pub id: String,
    /// The user, when known.
    pub subject: Option<String>,
    /// Seconds left on the current JWT (negative: expired; `None`: unknown).
    pub seconds_left: Option<i64>,
    /// The last successful refresh.
    #[ts(type = "string | null")]
    pub last_refresh: Option<DateTime<Utc>>,
    /// The server's clock minus ours at the last refresh, when recorded.
    pub server_clock_skew_secs: Option<i64>,
    /// The last error, or why the session cannot continue.
    pub problem: Option<String>,
}

/// The health of `profile`'s sessions among `records`.
pub fn session_health(
    records: &[SessionRecord],
    profile: &ProfileId,
    now: DateTime<Utc>,
) -> Vec<SessionHealth> {
    records
        .iter()
        .filter(|r| &r.profile_id == profile)
        .map(|r| SessionHealth {
            id: r.id.to_string(),
            subject: r.subject.clone(),
            seconds_left: r.jwt_expires.map(|e| (e - now).num_seconds()),
            last_refresh: r.last_refresh,
            server_clock_skew_secs: r.server_clock_skew_secs,
            problem: r.refresh_token_unusable.then(|| {
                "its refresh token could not be saved and is marked unusable: sign in again".into()
            }),
        })
        .collect()
}
