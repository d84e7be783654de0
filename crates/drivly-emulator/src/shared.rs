//! What every request handler shares: the state, the controls, the signer and the request log,
//! plus the operations that touch more than one of them (issuing JWTs, authenticating a caller,
//! writing the state file).
//!
//! Locks are `std::sync::Mutex`, taken briefly and never across an `.await`. A poisoned lock is
//! recovered rather than propagated: the data is plain and every update is a single step.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use url::Url;

use crate::controls::{Controls, LoggedRequest};
use crate::error::ApiError;
use crate::signing::{Claims, Signer, VerifyError};
use crate::state::{ACCOUNT_ID, SessionRecord, State};
use crate::tokens::random_token;

/// Who is calling, once the bearer credential checked out.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// An API key (may do everything).
    ApiKey {
        /// The key's id.
        id: String,
    },
    /// A JWT with these permissions.
    Token(Claims),
}

/// State shared by all handlers.
#[derive(Debug)]
pub(crate) struct Shared {
    pub state: Mutex<State>,
    /// The state right after start, for [`crate::Emulator::reset`].
    pub seed: State,
    pub controls: Mutex<Controls>,
    pub initial_controls: Controls,
    pub log: Mutex<Vec<LoggedRequest>>,
    pub signer: Signer,
    pub base_url: Url,
    pub origin: Url,
    pub token_redirect: bool,
    /// The dialects that shape routes, requests and answers.
    pub shape: crate::dialect::Shape,
    /// Token every dashboard form carries, so another site cannot post to the dashboard.
    pub dashboard_csrf: String,
    pub demo_user: (String, String),
    pub demo_api_key: String,
    pub state_file: Option<PathBuf>,
    /// Serialises state-file writes so an older snapshot never overwrites a newer one.
    pub persist_lock: Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// The state, locked.
    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The controls, locked.
    pub fn controls(&self) -> MutexGuard<'_, Controls> {
        lock(&self.controls)
    }

    /// The request log, locked.
    pub fn log(&self) -> MutexGuard<'_, Vec<LoggedRequest>> {
        lock(&self.log)
    }

    /// The emulator's clock: system time plus the test skew.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.controls().skew
    }

    /// The issuer written into every JWT: the base URL without a trailing slash.
    pub fn issuer(&self) -> String {
        self.base_url.as_str().trim_end_matches('/').to_owned()
    }

    /// Writes the state file, if there is one; failures are logged and answered as a 500.
    pub fn persist(&self) -> Result<(), ApiError> {
        self.persist_now().map_err(|e| {
            tracing::error!(error = %e, "could not write the state file");
            ApiError::Internal("could not write the state file".into())
        })
    }

    /// Writes the state file, if there is one.
    pub fn persist_now(&self) -> Result<(), crate::persist::PersistError> {
        let Some(path) = &self.state_file else {
            return Ok(());
        };
        let _writer = lock(&self.persist_lock);
        let snapshot = self.state().to_persisted(self.signer.stored_seed());
        crate::persist::save(path, &snapshot)
    }

    /// Signs a JWT; returns it with its expiry.
    fn sign(
        &self,
        sub: &str,
        sid: &str,
        kind: &str,
        permissions: Vec<String>,
        expires_at: DateTime<Utc>,
        email: Option<String>,
    ) -> Result<(String, DateTime<Utc>), ApiError> {
        let now = self.now();
        let claims = Claims {
            iss: self.issuer(),
            sub: sub.to_owned(),
            permissions,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: random_token("", 12),
            kind: kind.to_owned(),
            sid: sid.to_owned(),
            email,
        };
        let token = self.signer.sign(&claims).map_err(|e| {
            tracing::error!(error = %e, "signing failed");
            ApiError::Internal("signing failed".into())
        })?;
        Ok((token, expires_at))
    }

    /// A session JWT for `session`, living the current JWT lifetime.
    pub fn session_jwt(
        &self,
        session: &SessionRecord,
    ) -> Result<(String, DateTime<Utc>), ApiError> {
        let lifetime = self.controls().jwt_lifetime;
        let lifetime =
            chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::minutes(10));
        let expires = self.now() + lifetime;
        let email = self.state().user_email(&session.user_id).map(str::to_owned);
        self.sign(
            &session.user_id,
            &session.id,
            "session",
            session.permissions.clone(),
            expires,
            email,
        )
    }

    /// An API JWT minted with the API key `key_id`.
    pub fn api_jwt(
        &self,
        key_id: &str,
        permissions: Vec<String>,
        expires_at: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), ApiError> {
        self.sign(ACCOUNT_ID, key_id, "api", permissions, expires_at, None)
    }

    /// Checks `Authorization: Bearer <API key or JWT>`.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let value = headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                unauthenticated(
                    "missing Authorization header; send Authorization: Bearer <API key or JWT>",
                )
            })?;
        let value = value.to_str().map_err(|_| {
            unauthenticated(
                "malformed Authorization header; send Authorization: Bearer <API key or JWT>",
            )
        })?;
        let credential = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                unauthenticated(
                    "malformed Authorization header; send Authorization: Bearer <API key or JWT>",
                )
            })?;
        // API keys are looked up first, so a seeded key that happens to contain dots still
        // works; anything else with dots is treated as a JWT.
        let state = self.state();
        match state.check_api_key(credential) {
            Ok(key) => return Ok(Caller::ApiKey { id: key.id.clone() }),
            Err(why) if !credential.contains('.') || state.api_key_known(credential) => {
                return Err(unauthenticated(why));
            }
            Err(_) => {}
        }
        drop(state);
        self.authenticate_jwt(credential)
    }

    fn authenticate_jwt(&self, token: &str) -> Result<Caller, ApiError> {
        let claims = self.signer.verify(token, &self.issuer()).map_err(|e| match e {
            VerifyError::Malformed => unauthenticated("malformed token; send a JWT this emulator issued"),
            VerifyError::BadSignature => unauthenticated(
                "the token was not signed by this emulator (wrong key, algorithm or issuer); get a new one",
            ),
        })?;
        if claims.exp <= self.now().timestamp() {
            return Err(unauthenticated(
                "the token expired; refresh it or mint a new one",
            ));
        }
        let state = self.state();
        let active = match claims.kind.as_str() {
            "session" => state.session_active(&claims.sid),
            _ => state.api_key_active(&claims.sid),
        };
        if !active {
            return Err(unauthenticated(
                "the token was revoked (its session or API key was revoked); sign in or mint again",
            ));
        }
        drop(state);
        Ok(Caller::Token(claims))
    }
}

fn unauthenticated(message: &str) -> ApiError {
    ApiError::Unauthenticated(message.to_owned())
}
