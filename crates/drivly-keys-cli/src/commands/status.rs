//! `status`: profiles, stored keys per profile, and sessions with their state, time left and
//! the server's clock difference when over 30 s.
//! Secrets are never read except the shared JWT's times, which come from the session record.
//! With the keyring unavailable it still lists the profiles and reports the keyring error
//! (exit 5), so a locked keyring is diagnosed rather than hidden.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use drivly_core::ErrorCode;
use drivly_core::clock::SystemClock;
use drivly_core::jwt::humanize::expiry_text;
use drivly_core::usecases::sessions::{StoredState, stored_sessions};
use drivly_core::vault::{JournalState, Vault};
use serde::Serialize;

use crate::cli::StatusArgs;
use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    active_profile: String,
    profiles: Vec<ProfileLine>,
    keyring: KeyringLine,
    keys: KeyCounts,
    sessions: Vec<SessionLine>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileLine {
    id: String,
    name: String,
    base_url: String,
    environment: &'static str,
    active: bool,
}

#[derive(Debug, Serialize)]
struct KeyringLine {
    ok: bool,
    code: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyCounts {
    total: usize,
    by_profile: BTreeMap<String, usize>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionLine {
    id: String,
    profile_id: String,
    subject: Option<String>,
    /// The account's email or name from the token, when the server sends one.
    account: Option<String>,
    /// The user's own name for the session.
    label: Option<String>,
    permissions: Vec<String>,
    created: DateTime<Utc>,
    last_refresh: Option<DateTime<Utc>>,
    jwt_expires: Option<DateTime<Utc>>,
    seconds_left: Option<i64>,
    /// `active` (JWT valid), `expired` (refreshes on next use) or `needs_sign_in` (no
    /// refresh token stored): the core's `StoredState`.
    state: &'static str,
    /// The server's clock minus this computer's, in seconds, when the last answer showed more
    /// than 30 s (positive: the server is ahead); `null` otherwise.
    server_clock_skew_secs: Option<i64>,
}

async fn sessions(vault: Arc<Vault>, now: DateTime<Utc>) -> Result<Vec<SessionLine>, CliError> {
    let stored = stored_sessions(vault, &SystemClock, None)
        .await
        .map_err(CliError::use_case)?;
    Ok(stored
        .into_iter()
        .map(|s| {
            let seconds_left = s.seconds_left(now);
            let state = match s.state {
                StoredState::Active => "active",
                StoredState::Expired => "expired",
                StoredState::NeedsSignIn => "needs_sign_in",
            };
            SessionLine {
                id: s.meta.id.to_string(),
                profile_id: s.meta.profile_id.to_string(),
                account: s.meta.account.clone(),
                label: s.meta.label.clone(),
                subject: s.meta.subject,
                permissions: s.meta.permissions,
                created: s.meta.created,
                last_refresh: s.meta.last_refresh,
                jwt_expires: s.meta.jwt_expires,
                seconds_left,
                state,
                server_clock_skew_secs: s.meta.server_clock_skew_secs,
            }
        })
        .collect())
}

/// Runs `status`; returns the keyring error after printing when the keyring is unusable.
///
/// # Errors
/// Profile store errors; the keyring's error (exit 5) after the report.
pub async fn run(ctx: &Ctx, args: &StatusArgs) -> Result<(), CliError> {
    let now = Utc::now();
    // The profile this run works on (`--profile`, `DRIVLY_KEYS_PROFILE`, `DRIVLY_ENV`, stored).
    let active = ctx.profile()?.id;
    let profiles: Vec<ProfileLine> = ctx
        .profiles
        .list()
        .map_err(CliError::core)?
        .iter()
        .map(|p| ProfileLine {
            id: p.id.to_string(),
            name: p.name.clone(),
            base_url: p.base_url.to_string(),
            environment: p.environment.as_str(),
            active: p.id == active,
        })
        .collect();
    let (keyring, keys, session_lines, failure) = match ctx.vault() {
        Ok(vault) => {
            let mut keys = KeyCounts::default();
            for k in vault.list_api_keys().map_err(CliError::core)? {
                if k.state == JournalState::Active {
                    keys.total += 1;
                    *keys.by_profile.entry(k.profile_id.to_string()).or_default() += 1;
                }
            }
            let ok = KeyringLine {
                ok: true,
                code: None,
                message: None,
            };
            let vault = Arc::new(vault);
            let mut lines = sessions(Arc::clone(&vault), now).await?;
            if let Some(wanted) = args.session.as_deref() {
                let profile = ctx.profile()?;
                let picked = crate::sessions::pick_session(&vault, &profile, Some(wanted), |_| {})?;
                lines.retain(|l| l.id == picked.id.to_string());
            }
            (ok, keys, lines, None)
        }
        Err(e) => {
            let line = KeyringLine {
                ok: false,
                code: Some(e.code().as_str().to_owned()),
                message: Some(e.to_string()),
            };
            (line, KeyCounts::default(), Vec::new(), Some(e))
        }
    };
    let status = Status {
        active_profile: active.to_string(),
        profiles,
        keyring,
        keys,
        sessions: session_lines,
    };
    if ctx.out.json() {
        ctx.out.report(&status)?;
    } else {
        print_human(ctx, &status, now)?;
    }
    failure.map_or(Ok(()), Err)
}

/// The human report, on standard output.
fn print_human(ctx: &Ctx, s: &Status, now: DateTime<Utc>) -> Result<(), CliError> {
    ctx.out.report_line("Profiles:")?;
    for p in &s.profiles {
        let mark = if p.active { "*" } else { " " };
        let count = s.keys.by_profile.get(&p.id).copied().unwrap_or(0);
        ctx.out.report_line(&format!(
            "{mark} {:<16} {:<10} {:<40} {count} key(s)",
            p.id, p.environment, p.base_url
        ))?;
    }
    if !s.keyring.ok {
        return Ok(());
    }
    ctx.out
        .report_line(&format!("Keys: {} stored", s.keys.total))?;
    if s.sessions.is_empty() {
        ctx.out
            .report_line("Sessions: none (sign in with `drivly-keys login`)")?;
        return Ok(());
    }
    ctx.out.report_line("Sessions:")?;
    for line in &s.sessions {
        let left = line
            .jwt_expires
            .map_or_else(|| "no token yet".to_owned(), |e| expiry_text(e, now));
        let skew = line
            .server_clock_skew_secs
            .map(|secs| format!(" ({})", skew_text(secs)))
            .unwrap_or_default();
        let name = line
            .label
            .as_deref()
            .or(line.account.as_deref())
            .or(line.subject.as_deref())
            .unwrap_or_default();
        ctx.out.report_line(&format!(
            "  {:<16} {:<14} {:<24} {left}{skew}",
            line.profile_id, line.state, name
        ))?;
    }
    Ok(())
}

/// "the server's clock is 15 min ahead of this computer's" for a skew in seconds.
fn skew_text(secs: i64) -> String {
    let size = secs.unsigned_abs();
    let amount = if size >= 120 {
        format!("{} min", (size + 30) / 60)
    } else {
        format!("{size} s")
    };
    let side = if secs > 0 { "ahead of" } else { "behind" };
    format!("the server's clock is {amount} {side} this computer's")
}

#[cfg(test)]
mod tests {
    use super::skew_text;

    #[test]
    fn skew_reads_in_words() {
        assert_eq!(
            skew_text(900),
            "the server's clock is 15 min ahead of this computer's"
        );
        assert_eq!(
            skew_text(-45),
            "the server's clock is 45 s behind this computer's"
        );
    }
}
