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
use drivly_core::profile::Profile;
use drivly_core::secret::Jwt;
use drivly_core::session::{RefreshPolicy, SessionError, SessionStore, meta_from_record};
use drivly_core::vault::{JournalState, SessionRecord, Vault};

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
    min_ttl: Option<u64>,
) -> Result<FreshToken, CliError> {
    let first = match ctx.vault_for_lookup() {
        Ok(vault) => fresh_token(ctx, Arc::new(vault), profile, min_ttl).await,
        Err(error) => Err(error),
    };
    match first {
        Ok(fresh) => Ok(fresh),
        Err(error) if error.exit_code() == 4 => Err(error),
        Err(_) => fresh_token(ctx, Arc::new(ctx.vault()?), profile, min_ttl).await,
    }
}

/// A session JWT for the profile with at least `min_ttl` left (the policy's default when
/// `None`).
///
/// # Errors
/// `not_signed_in` (exit 3) without a session, the refresher's errors otherwise.
pub async fn fresh_token(
    ctx: &Ctx,
    vault: Arc<Vault>,
    profile: &Profile,
    min_ttl: Option<u64>,
) -> Result<FreshToken, CliError> {
    let record = sessions_for(&vault, profile)?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::NotSignedIn(profile.id.to_string()))?;
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
