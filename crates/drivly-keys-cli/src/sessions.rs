//! Getting a fresh session JWT for `token` and `exec`.
//!
//! The fast path reads the JWT the app or another `drivly-keys` process shared in the keyring
//! and prints it when it has at least the wanted time left: no network, no lock. Otherwise the
//! core's [`SessionRefresher`] takes over: it refreshes under the cross-process lock, re-reads
//! the shared JWT under it (so twenty processes at expiry cause one refresh), writes a rotated
//! refresh token first, and shares the new JWT. The CLI adds no refresh logic of its own.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use drivly_core::Code;
use drivly_core::profile::Profile;
use drivly_core::secret::Jwt;
use drivly_core::session::{RefreshPolicy, SessionError, SessionStore, meta_from_record};
use drivly_core::usecases::RunningSessions;
use drivly_core::vault::{JournalState, SessionRecord, Vault};
use drivly_local_api::SessionTokenSource;

use crate::context::Ctx;
use crate::error::CliError;

/// A JWT ready to print.
#[derive(Debug)]
pub struct FreshToken {
    /// The token.
    pub jwt: Jwt,
    /// When it expires (from the server's answer).
    pub expires: DateTime<Utc>,
    /// The session it belongs to.
    pub session: SessionRecord,
}

/// The profile's sessions, newest first (active records only).
///
/// # Errors
/// Vault index errors.
pub fn sessions_for(vault: &Vault, profile: &Profile) -> Result<Vec<SessionRecord>, CliError> {
    let mut sessions: Vec<SessionRecord> = vault
        .list_sessions()
        .map_err(CliError::core)?
        .into_iter()
        .filter(|s| s.profile_id == profile.id && s.state == JournalState::Active)
        .collect();
    sessions.sort_by_key(|s| std::cmp::Reverse(s.created));
    Ok(sessions)
}

/// A session JWT with at least `min_ttl` left, the fast way first: a lookup-only vault (no
/// keyring probe, no reconcile) reads the JWT the app or an earlier run shared. Anything but
/// success is redone through the fully checked vault, so a locked or missing keyring is reported
/// as such (exit 5) rather than as "not signed in"; network failures are not retried.
///
/// # Errors
/// As [`fresh_token`].
pub async fn fresh_token_fast(
    ctx: &Ctx,
    profile: &Profile,
    session: Option<&str>,
    min_ttl: Option<u64>,
) -> Result<FreshToken, CliError> {
    let first = match ctx.vault_for_lookup() {
        Ok(vault) => fresh_token(ctx, Arc::new(vault), profile, session, min_ttl).await,
        Err(error) => Err(error),
    };
    match first {
        Ok(fresh) => Ok(fresh),
        // Network failures and a session that is not there are final answers.
        Err(error) if matches!(error.exit_code(), 4 | 6) => Err(error),
        Err(_) => fresh_token(ctx, Arc::new(ctx.vault()?), profile, session, min_ttl).await,
    }
}

/// What to call a session in messages: its label, else its account, else its `sub`, with the
/// start of its id.
pub fn session_name(record: &SessionRecord) -> String {
    let id = record.id.to_string();
    let short = id.get(..8).unwrap_or(&id);
    match record
        .label
        .as_deref()
        .or(record.account.as_deref())
        .or(record.subject.as_deref())
    {
        Some(name) => format!("{name} ({short})"),
        None => short.to_owned(),
    }
}

/// The session to use: `wanted` (its label or account, ignoring case; else its id, or a start
/// of it that only one session has), else the profile's newest. `note` hears which session was
/// taken when the profile has several and none was named, so the user knows.
///
/// # Errors
/// `not_signed_in` (exit 3) without any session, `session_not_found` (exit 6) when `wanted`
/// matches none, a usage error when it matches several.
pub fn pick_session(
    vault: &Vault,
    profile: &Profile,
    wanted: Option<&str>,
    note: impl Fn(&str),
) -> Result<SessionRecord, CliError> {
    let sessions = sessions_for(vault, profile)?;
    if sessions.is_empty() {
        return Err(CliError::NotSignedIn(profile.id.to_string()));
    }
    let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
        let several = sessions.len();
        let newest = sessions.into_iter().next().expect("not empty");
        if several > 1 {
            note(&format!(
                "'{}' has {several} sessions; using the newest, {} (choose with --session NAME)",
                profile.id,
                session_name(&newest)
            ));
        }
        return Ok(newest);
    };
    let named = |name: &Option<String>| {
        name.as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
    };
    if let Some(found) = sessions.iter().find(|s| named(&s.label)) {
        return Ok(found.clone());
    }
    let by_account: Vec<&SessionRecord> = sessions.iter().filter(|s| named(&s.account)).collect();
    if let [one] = by_account.as_slice() {
        return Ok((*one).clone());
    }
    let wanted = wanted.to_ascii_lowercase();
    let mut matching: Vec<SessionRecord> = sessions
        .into_iter()
        .filter(|s| s.id.to_string().starts_with(&wanted))
        .collect();
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => Err(CliError::Core {
            code: Code::SessionNotFound,
            message: format!(
                "the profile '{}' has no session '{wanted}'; see `drivly-keys status`",
                profile.id
            ),
        }),
        _ => Err(CliError::usage(
            Code::Usage,
            format!("several sessions match '{wanted}'; give more of the id, or its name"),
        )),
    }
}

/// A session's refresher kept for the whole run (`exec --token-server`, `proxy`, `run`):
/// every token comes from the core's refresher, under its lock and single flight.
#[derive(Debug)]
pub struct LiveSession {
    /// The source the local servers ask.
    pub source: Arc<SessionTokenSource>,
    /// The session.
    pub record: SessionRecord,
    /// Keeps the refresher's registry alive as long as the source.
    _sessions: RunningSessions,
}

/// Starts `profile`'s session (see [`pick_session`]) for a long run.
///
/// # Errors
/// As [`pick_session`]; keyring errors; `refresh_token_not_saved` (exit 3).
pub async fn live_session(
    ctx: &Ctx,
    profile: &Profile,
    session: Option<&str>,
) -> Result<LiveSession, CliError> {
    let vault = Arc::new(ctx.vault()?);
    let record = pick_session(&vault, profile, session, |n| ctx.out.info(n))?;
    if record.refresh_token_unusable {
        return Err(CliError::session(SessionError::RefreshTokenNotSaved));
    }
    let sessions = ctx.sessions(Arc::clone(&vault), profile);
    let refresher = sessions
        .start(meta_from_record(&record))
        .await
        .map_err(CliError::use_case)?;
    Ok(LiveSession {
        source: Arc::new(SessionTokenSource::new(refresher)),
        record,
        _sessions: sessions,
    })
}

/// A session JWT for the profile with at least `min_ttl` left (the policy's default when
/// `None`).
///
/// # Errors
/// As [`pick_session`], the refresher's errors otherwise.
pub async fn fresh_token(
    ctx: &Ctx,
    vault: Arc<Vault>,
    profile: &Profile,
    session: Option<&str>,
    min_ttl: Option<u64>,
) -> Result<FreshToken, CliError> {
    let record = pick_session(&vault, profile, session, |n| ctx.out.info(n))?;
    if record.refresh_token_unusable {
        // The stored refresh token is dead (a rotation could not be saved): never replay it,
        // and do not serve the session as if it were fine.
        return Err(CliError::session(SessionError::RefreshTokenNotSaved));
    }
    let meta = meta_from_record(&record);
    let shared = SessionStore::shared_jwt(vault.as_ref(), &meta.id).map_err(CliError::core)?;
    if let Some(shared) = shared {
        let lifetime = RefreshPolicy::lifetime(shared.requested_at, shared.expires);
        let policy = RefreshPolicy::default();
        let need = match min_ttl {
            Some(secs) => TimeDelta::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000)),
            None => policy.default_min_ttl(lifetime),
        };
        let times = policy.plan(shared.requested_at, shared.expires, 1.0);
        if policy.can_serve(&times, Utc::now(), need) {
            tracing::debug!("serving the shared JWT without a network call");
            return Ok(FreshToken {
                jwt: shared.jwt,
                expires: shared.expires,
                session: record,
            });
        }
    }
    // The core's refresher over the shared lock folder: it refreshes under the cross-process
    // lock, re-reading the shared JWT first, and writes a rotated refresh token first.
    let sessions = ctx.sessions(Arc::clone(&vault), profile);
    let refresher = sessions.start(meta).await.map_err(CliError::use_case)?;
    let wanted = min_ttl.map(Duration::from_secs);
    let jwt = refresher.token(wanted).await.map_err(CliError::session)?;
    let expires = refresher.view().meta.jwt_expires.unwrap_or_else(Utc::now);
    Ok(FreshToken {
        jwt,
        expires,
        session: record,
    })
}
