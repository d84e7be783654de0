//! `status`: profiles, stored keys per profile, and sessions with their state and time left.
//! Secrets are never read except the shared JWT's times, which come from the session record.
//! With the keyring unavailable it still lists the profiles and reports the keyring error
//! (exit 5), so a locked keyring is diagnosed rather than hidden.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use drivly_core::ErrorCode;
use drivly_core::jwt::humanize::expiry_text;
use drivly_core::session::meta_from_record;
use drivly_core::vault::{JournalState, Vault};
use serde::Serialize;

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
    permissions: Vec<String>,
    created: DateTime<Utc>,
    last_refresh: Option<DateTime<Utc>>,
    jwt_expires: Option<DateTime<Utc>>,
    seconds_left: Option<i64>,
    /// `active` (JWT valid), `expired` (refreshes on next use), `needs_sign_in` (no
    /// refresh token stored) or `deleting`.
    state: &'static str,
}

fn sessions(vault: &Vault, now: DateTime<Utc>) -> Result<Vec<SessionLine>, CliError> {
    let mut out = Vec::new();
    for record in vault.list_sessions().map_err(CliError::core)? {
        let meta = meta_from_record(&record);
        let has_refresh_token = vault.get_refresh_token(record.id).is_ok();
        let seconds_left = meta.jwt_expires.map(|e| (e - now).num_seconds());
        let state = match (record.state, has_refresh_token, seconds_left) {
            (JournalState::Deleting, _, _) => "deleting",
            (_, false, _) => "needs_sign_in",
            (_, true, Some(s)) if s > 0 => "active",
            _ => "expired",
        };
        out.push(SessionLine {
            id: record.id.to_string(),
            profile_id: record.profile_id.to_string(),
            subject: record.subject.clone(),
            permissions: record.permissions.clone(),
            created: record.created,
            last_refresh: record.last_refresh,
            jwt_expires: meta.jwt_expires,
            seconds_left,
            state,
        });
    }
    Ok(out)
}

/// Runs `status`; returns the keyring error after printing when the keyring is unusable.
///
/// # Errors
/// Profile store errors; the keyring's error (exit 5) after the report.
pub fn run(ctx: &Ctx) -> Result<(), CliError> {
    let now = Utc::now();
    let active = ctx.profiles.active().map_err(CliError::core)?.id;
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
            (ok, keys, sessions(&vault, now)?, None)
        }
        Err(e) => {
            let line = KeyringLine {
                ok: false,
                code: Some(e.code().to_owned()),
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
        print_human(ctx, &status, now);
    }
    failure.map_or(Ok(()), Err)
}

fn print_human(ctx: &Ctx, s: &Status, now: DateTime<Utc>) {
    ctx.out.info("Profiles:");
    for p in &s.profiles {
        let mark = if p.active { "*" } else { " " };
        let count = s.keys.by_profile.get(&p.id).copied().unwrap_or(0);
        ctx.out.info(&format!(
            "{mark} {:<16} {:<10} {:<40} {count} key(s)",
            p.id, p.environment, p.base_url
        ));
    }
    if !s.keyring.ok {
        return;
    }
    ctx.out.info(&format!("Keys: {} stored", s.keys.total));
    if s.sessions.is_empty() {
        ctx.out
            .info("Sessions: none (sign in with `drivly-keys login`)");
        return;
    }
    ctx.out.info("Sessions:");
    for line in &s.sessions {
        let left = line
            .jwt_expires
            .map_or_else(|| "no token yet".to_owned(), |e| expiry_text(e, now));
        ctx.out.info(&format!(
            "  {:<16} {:<14} {:<24} {left}",
            line.profile_id,
            line.state,
            line.subject.clone().unwrap_or_default()
        ));
    }
}
