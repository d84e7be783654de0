//! Browser sign-in and user sessions: authorizations in progress, one-time codes, and
//! refresh-token families with rotation and replay detection.
//!
//! Rules (protocol B.3 to B.5, RFC 6749 §4.1.2, RFC 9700 §4.14.2):
//! - a code lives [`CODE_LIFETIME`], is bound to its PKCE challenge and redirect URI, and is
//!   consumed by the first exchange attempt, right or wrong; presenting it again revokes the
//!   session it produced;
//! - a refresh token never expires; with rotation each refresh replaces it, and presenting a
//!   replaced token revokes the whole session (a replay means it leaked).

use chrono::{DateTime, Duration, Utc};

use super::{RefreshEntry, SessionRecord, State};
use crate::error::ApiError;
use crate::tokens::{constant_time_eq, digest, pkce_s256, random_token};

/// How long a sign-in may sit on the login or consent page.
pub(crate) const PENDING_LIFETIME: Duration = Duration::minutes(10);
/// How long an authorization code can be exchanged.
pub(crate) const CODE_LIFETIME: Duration = Duration::seconds(60);

/// A sign-in between the authorization request and the consent decision.
#[derive(Debug, Clone)]
pub(crate) struct PendingAuthorization {
    pub redirect_uri: url::Url,
    pub state: String,
    pub code_challenge: String,
    pub permissions: Vec<String>,
    pub token_form: bool,
    /// Set once the user has logged in.
    pub user_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// An issued authorization code (stored under its digest).
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub user_id: String,
    pub permissions: Vec<String>,
    pub code_challenge: String,
    pub redirect_uri: String,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub session_id: Option<String>,
}

/// The result of a successful refresh.
#[derive(Debug, Clone)]
pub(crate) struct RefreshOutcome {
    pub session: SessionRecord,
    /// The replacement refresh token when rotation is on.
    pub new_refresh_token: Option<String>,
}

impl State {
    /// Stores a new sign-in and returns its opaque id (carried in the pages' forms).
    pub fn begin_authorization(
        &mut self,
        pending: PendingAuthorization,
        now: DateTime<Utc>,
    ) -> String {
        self.pending.retain(|_, p| p.expires_at > now);
        let id = random_token("", 24);
        self.pending.insert(id.clone(), pending);
        id
    }

    /// The live sign-in with this id.
    pub fn pending_authorization(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Option<&PendingAuthorization> {
        self.pending.get(id).filter(|p| p.expires_at > now)
    }

    /// Records who logged in for a sign-in.
    pub fn set_pending_user(&mut self, id: &str, user_id: String) {
        if let Some(p) = self.pending.get_mut(id) {
            p.user_id = Some(user_id);
        }
    }

    /// Ends a sign-in (after the consent decision).
    pub fn finish_authorization(&mut self, id: &str) -> Option<PendingAuthorization> {
        self.pending.remove(id)
    }

    /// Issues a one-time code for an approved sign-in.
    pub fn issue_code(
        &mut self,
        pending: &PendingAuthorization,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> String {
        self.codes
            .retain(|_, c| c.expires_at + PENDING_LIFETIME > now);
        let code = random_token("dac_", 24);
        self.codes.insert(
            digest(&code),
            CodeGrant {
                user_id: user_id.to_owned(),
                permissions: pending.permissions.clone(),
                code_challenge: pending.code_challenge.clone(),
                redirect_uri: pending.redirect_uri.to_string(),
                expires_at: now + CODE_LIFETIME,
                used: false,
                session_id: None,
            },
        );
        code
    }

    /// Exchanges a code for a new session and its refresh token.
    pub fn exchange_code(
        &mut self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
        now: DateTime<Utc>,
    ) -> Result<(SessionRecord, String), ApiError> {
        let key = digest(code);
        let Some(grant) = self.codes.get_mut(&key) else {
            return Err(ApiError::InvalidGrant(
                "unknown authorization code; start the sign-in again".into(),
            ));
        };
        if grant.used {
            let session = grant.session_id.clone();
            if let Some(session) = session {
                self.revoke_session(&session, "authorization code reused", now);
            }
            return Err(ApiError::InvalidGrant(
                "this authorization code was already used; any session it produced is now \
                 revoked; start the sign-in again"
                    .into(),
            ));
        }
        // Any attempt consumes the code, so a verifier cannot be guessed by retrying.
        grant.used = true;
        if grant.expires_at <= now {
            return Err(ApiError::InvalidGrant(
                "this authorization code expired; start the sign-in again".into(),
            ));
        }
        if !url_eq(&grant.redirect_uri, redirect_uri) {
            return Err(ApiError::InvalidGrant(
                "redirectUri differs from the one in the authorization request; send the same \
                 URI and start the sign-in again"
                    .into(),
            ));
        }
        if !valid_verifier(verifier)
            || !constant_time_eq(&pkce_s256(verifier), &grant.code_challenge)
        {
            return Err(ApiError::InvalidGrant(
                "codeVerifier does not match the code_challenge of the authorization request; \
                 start the sign-in again"
                    .into(),
            ));
        }
        let (user_id, permissions) = (grant.user_id.clone(), grant.permissions.clone());
        let (session, refresh) = self.create_session(&user_id, permissions, now);
        if let Some(grant) = self.codes.get_mut(&key) {
            grant.session_id = Some(session.id.clone());
        }
        Ok((session, refresh))
    }

    /// Opens a session and returns it with its first refresh token.
    pub fn create_session(
        &mut self,
        user_id: &str,
        permissions: Vec<String>,
        now: DateTime<Utc>,
    ) -> (SessionRecord, String) {
        let session = SessionRecord {
            id: random_token("ses_", 12),
            user_id: user_id.to_owned(),
            permissions,
            created_at: now,
            refreshed_at: None,
            revoked_at: None,
            revoked_reason: None,
        };
        let refresh = random_token("drt_", 32);
        self.refresh_tokens.insert(
            digest(&refresh),
            RefreshEntry {
                session_id: session.id.clone(),
                rotated: false,
            },
        );
        self.sessions.insert(session.id.clone(), session.clone());
        (session, refresh)
    }

    /// Uses a refresh token; rotates it when `rotation` is on.
    pub fn refresh(
        &mut self,
        token: &str,
        rotation: bool,
        now: DateTime<Utc>,
    ) -> Result<RefreshOutcome, ApiError> {
        let key = digest(token);
        let Some(entry) = self.refresh_tokens.get(&key).cloned() else {
            return Err(ApiError::InvalidGrant(
                "unknown refresh token; sign in again".into(),
            ));
        };
        if entry.rotated {
            self.revoke_session(&entry.session_id, "rotated refresh token replayed", now);
            return Err(ApiError::InvalidGrant(
                "this refresh token was already replaced by rotation; the session is revoked as \
                 a precaution (RFC 9700 §4.14.2); sign in again"
                    .into(),
            ));
        }
        let Some(session) = self.sessions.get_mut(&entry.session_id) else {
            return Err(ApiError::InvalidGrant(
                "the session no longer exists; sign in again".into(),
            ));
        };
        if session.revoked_at.is_some() {
            return Err(ApiError::InvalidGrant(
                "the session was revoked; sign in again".into(),
            ));
        }
        session.refreshed_at = Some(now);
        let session = session.clone();
        let new_refresh_token = rotation.then(|| {
            let fresh = random_token("drt_", 32);
            if let Some(old) = self.refresh_tokens.get_mut(&key) {
                old.rotated = true;
            }
            self.refresh_tokens.insert(
                digest(&fresh),
                RefreshEntry {
                    session_id: session.id.clone(),
                    rotated: false,
                },
            );
            fresh
        });
        Ok(RefreshOutcome {
            session,
            new_refresh_token,
        })
    }

    /// Revokes a session and all its refresh tokens; false when unknown or already revoked.
    pub fn revoke_session(&mut self, id: &str, reason: &str, now: DateTime<Utc>) -> bool {
        match self.sessions.get_mut(id) {
            Some(session) if session.revoked_at.is_none() => {
                session.revoked_at = Some(now);
                session.revoked_reason = Some(reason.to_owned());
                true
            }
            _ => false,
        }
    }

    /// Revokes the session a refresh token (current or replaced) belongs to.
    pub fn revoke_by_refresh_token(&mut self, token: &str, now: DateTime<Utc>) -> bool {
        match self
            .refresh_tokens
            .get(&digest(token))
            .map(|e| e.session_id.clone())
        {
            Some(session) => self.revoke_session(&session, "revoked by the client", now),
            None => false,
        }
    }

    /// True when the session exists and is not revoked.
    pub fn session_active(&self, id: &str) -> bool {
        self.sessions
            .get(id)
            .is_some_and(|s| s.revoked_at.is_none())
    }
}

/// RFC 7636 §4.1: 43 to 128 characters from the unreserved set.
fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Compares redirect URIs after parsing, so `ly.driv.keys:/auth/callback` written either way
/// matches, but any difference in scheme, host, port, path or query does not.
fn url_eq(registered: &str, presented: &str) -> bool {
    match (url::Url::parse(registered), url::Url::parse(presented)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn pending(now: DateTime<Utc>) -> PendingAuthorization {
        PendingAuthorization {
            redirect_uri: url::Url::parse("ly.driv.keys:/auth/callback").unwrap(),
            state: "s".into(),
            code_challenge: pkce_s256(VERIFIER),
            permissions: vec!["invoices.read".into()],
            token_form: false,
            user_id: None,
            expires_at: now + PENDING_LIFETIME,
        }
    }

    #[test]
    fn code_is_single_use_and_reuse_revokes() {
        let now = Utc::now();
        let mut state = State::default();
        let code = state.issue_code(&pending(now), "usr_1", now);
        let (session, _) = state
            .exchange_code(&code, VERIFIER, "ly.driv.keys:/auth/callback", now)
            .unwrap();
        assert!(state.session_active(&session.id));
        assert!(
            state
                .exchange_code(&code, VERIFIER, "ly.driv.keys:/auth/callback", now)
                .is_err()
        );
        assert!(!state.session_active(&session.id));
    }

    #[test]
    fn rotation_replay_revokes_session() {
        let now = Utc::now();
        let mut state = State::default();
        let (session, first) = state.create_session("usr_1", vec![], now);
        let second = state
            .refresh(&first, true, now)
            .unwrap()
            .new_refresh_token
            .unwrap();
        assert!(state.refresh(&first, true, now).is_err());
        assert!(!state.session_active(&session.id));
        assert!(state.refresh(&second, true, now).is_err());
    }

    #[test]
    fn without_rotation_token_stays_valid() {
        let now = Utc::now();
        let mut state = State::default();
        let (_, token) = state.create_session("usr_1", vec![], now);
        assert!(
            state
                .refresh(&token, false, now)
                .unwrap()
                .new_refresh_token
                .is_none()
        );
        assert!(state.refresh(&token, false, now).is_ok());
    }
}
