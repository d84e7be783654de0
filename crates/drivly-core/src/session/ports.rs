//! The seams the refresher works through: who issues tokens ([`TokenIssuer`]), where secrets
//! and records are kept ([`SessionStore`]), and who hears about changes ([`SessionEvents`]).
//!
//! They are small and owned here so the refresher is tested with an in-memory store and a
//! scripted issuer, and so it does not depend on the details of the HTTP client or the vault:
//! an adapter maps each real component onto these traits (see `client_adapter.rs`).
//!
//! Invariants: store methods are blocking (a keyring call may take hundreds of milliseconds);
//! the refresher calls them off the async threads. Errors carry a stable code and a message
//! without secrets.

use crate::Code;
use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;

use super::model::{SessionId, SessionMeta, SessionView};
use crate::ErrorCode;
use crate::client::RevokeOutcome;
use crate::secret::{Jwt, RefreshToken, SecretString};

/// Tokens from a refresh.
#[derive(Debug)]
pub struct IssuedTokens {
    /// The new JWT.
    pub jwt: Jwt,
    /// A new refresh token when the server rotated it: the old one is dead from now on.
    pub refresh_token: Option<RefreshToken>,
    /// When the JWT expires on the local wall clock: `requested_at` plus the lifetime the
    /// server stated relative to its own clock. Not after `requested_at` means the server
    /// issued an expired token, which is refused.
    pub expires: DateTime<Utc>,
    /// When the request was sent (local wall clock).
    pub requested_at: DateTime<Utc>,
    /// The JWT's own `exp` claim on the local clock (shifted by the measured skew), only to
    /// cross-check `expires`.
    pub token_exp: Option<DateTime<Utc>>,
    /// When the request was sent on the monotonic clock, when known: the refresher anchors the
    /// lifetime here, so no wall-clock step moves it.
    pub sent: Option<std::time::Instant>,
    /// The server's clock minus the local clock, in seconds, from the answer's `Date`.
    pub server_clock_skew_secs: Option<i64>,
}

/// Why a token call failed, as far as the refresher cares.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IssueError {
    /// The refresh token is dead (`invalid_grant`, `401`): sign in again, never retry.
    #[error("{message}")]
    SignInNeeded {
        /// The explanation (from the server, without secrets).
        message: String,
    },
    /// Worth retrying later: network, timeout, `429`, `5xx`.
    #[error("{message}")]
    Transient {
        /// Stable code, such as `service_unavailable`.
        code: Code,
        /// Explanation.
        message: String,
        /// The server's `Retry-After`.
        retry_after: Option<TimeDelta>,
    },
    /// The endpoint does not exist (`404`/`405`): a setup error. Never retried in the
    /// background; the profile must change first.
    #[error("{message}")]
    Setup {
        /// Stable code (`endpoint_not_found`).
        code: Code,
        /// What was not found and where to change it.
        message: String,
    },
    /// Anything else (a malformed answer, an unexpected status): retried with the long backoff,
    /// since a server fix or a profile change may cure it.
    #[error("{message}")]
    Failed {
        /// Stable code.
        code: Code,
        /// Explanation.
        message: String,
    },
}

impl ErrorCode for IssueError {
    fn code(&self) -> Code {
        match self {
            Self::SignInNeeded { .. } => Code::SignInNeeded,
            Self::Transient { code, .. } | Self::Setup { code, .. } | Self::Failed { code, .. } => {
                *code
            }
        }
    }
}

/// Refreshes and revokes refresh tokens. Implemented for the real `DrivlyClient`.
pub trait TokenIssuer: Send + Sync + fmt::Debug {
    /// Exchanges a refresh token for a new JWT (and maybe a new refresh token).
    fn refresh<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<IssuedTokens, IssueError>>;

    /// Revokes a refresh token on the server.
    fn revoke<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<RevokeOutcome, IssueError>>;
}

/// The current JWT with its times, as shared between processes through the secret store.
#[derive(Debug, Clone)]
pub struct SharedJwt {
    /// The JWT.
    pub jwt: Jwt,
    /// When the request that produced it was sent.
    pub requested_at: DateTime<Utc>,
    /// When it expires.
    pub expires: DateTime<Utc>,
}

/// The version tag of [`SharedJwt::encode`]'s format.
const SHARED_JWT_V1: &str = "djwt1";

impl SharedJwt {
    /// Encodes for a keyring entry: `djwt1.<requested_at ms>.<expires ms>.<jwt>`. The result
    /// is a secret (it contains the JWT).
    pub fn encode(&self) -> SecretString {
        SecretString::new(format!(
            "{SHARED_JWT_V1}.{}.{}.{}",
            self.requested_at.timestamp_millis(),
            self.expires.timestamp_millis(),
            self.jwt.expose_secret()
        ))
    }

    /// Decodes [`SharedJwt::encode`]'s format; `None` for anything else (an entry written by
    /// another version is then simply not reused).
    pub fn decode(blob: &SecretString) -> Option<Self> {
        let mut parts = blob.expose_secret().splitn(4, '.');
        if parts.next()? != SHARED_JWT_V1 {
            return None;
        }
        let requested_at = DateTime::from_timestamp_millis(parts.next()?.parse().ok()?)?;
        let expires = DateTime::from_timestamp_millis(parts.next()?.parse().ok()?)?;
        let jwt = parts.next().filter(|j| !j.is_empty())?;
        Some(Self {
            jwt: Jwt::new(jwt),
            requested_at,
            expires,
        })
    }
}

/// Why the session store failed: the vault's one store error, so every code survives the
/// trip (a `keyring_timeout` stays `keyring_timeout`, an index failure keeps `index_io`).
pub use crate::vault::StoreError;

/// Where a session's secrets (refresh token, shared JWT) and its non-secret record live.
/// Blocking; see the module docs. Missing entries are `Ok(None)`, not errors.
pub trait SessionStore: Send + Sync + fmt::Debug {
    /// The session's refresh token.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn refresh_token(&self, id: &SessionId) -> Result<Option<RefreshToken>, StoreError>;

    /// Replaces the session's refresh token (atomically, in every keyring backend).
    ///
    /// # Errors
    /// When the store cannot be written.
    fn put_refresh_token(&self, id: &SessionId, token: &RefreshToken) -> Result<(), StoreError>;

    /// The current JWT shared by every process using this session.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn shared_jwt(&self, id: &SessionId) -> Result<Option<SharedJwt>, StoreError>;

    /// Replaces the shared JWT.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn put_shared_jwt(&self, id: &SessionId, jwt: &SharedJwt) -> Result<(), StoreError>;

    /// Deletes the refresh token and the shared JWT; missing entries count as deleted.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn delete_secrets(&self, id: &SessionId) -> Result<(), StoreError>;

    /// Saves the non-secret record after a change. The default keeps nothing (the owner may
    /// persist from [`SessionEvent::Changed`] instead).
    ///
    /// # Errors
    /// When the index cannot be written.
    fn save_record(&self, _meta: &SessionMeta) -> Result<(), StoreError> {
        Ok(())
    }

    /// Sets the user's label on the session's record (`None` clears it). Records keep the
    /// label themselves ([`SessionStore::save_record`] leaves it as it is), so a refresher's
    /// older copy never undoes a rename. The default keeps nothing.
    ///
    /// # Errors
    /// When the index cannot be written.
    fn set_label(&self, _id: &SessionId, _label: Option<&str>) -> Result<(), StoreError> {
        Ok(())
    }

    /// Every stored session record (active ones only). The default keeps none.
    ///
    /// # Errors
    /// When the index cannot be read.
    fn records(&self) -> Result<Vec<SessionMeta>, StoreError> {
        Ok(Vec::new())
    }

    /// Deletes the session's record (after its secrets); a missing record counts as deleted.
    ///
    /// # Errors
    /// When the index cannot be written.
    fn remove_record(&self, _id: &SessionId) -> Result<(), StoreError> {
        Ok(())
    }

    /// Whether the session's record is still kept (not removed, nor being removed, by this or
    /// another process). The refresher asks under the session lock before it uses the refresh
    /// token, so a session signed out elsewhere never has its token sent again. The default
    /// says yes (for stores that keep no records).
    ///
    /// # Errors
    /// When the index cannot be read.
    fn has_record(&self, _id: &SessionId) -> Result<bool, StoreError> {
        Ok(true)
    }

    /// Whether the session's record marks its stored refresh token as dead
    /// ([`SessionMeta::refresh_token_unusable`]): a rotated one could not be saved. Asked
    /// under the session lock before the stored token is used; the default reads the records.
    ///
    /// # Errors
    /// When the index cannot be read.
    fn refresh_token_unusable(&self, id: &SessionId) -> Result<bool, StoreError> {
        Ok(self
            .records()?
            .iter()
            .any(|m| &m.id == id && m.refresh_token_unusable))
    }
}

/// What happened on the server when a credential (a session's refresh token or an API key)
/// was removed from this computer: the one revoke outcome of the core, used by sign-out and by
/// key removal alike. Serialized with an `outcome` tag in camelCase.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Revocation {
    /// Revoked on the server.
    Revoked,
    /// The server already considered the credential invalid.
    AlreadyInvalid,
    /// The user did not ask for a server-side revoke.
    NotRequested,
    /// The server cannot revoke this credential from here (no revoke endpoint): it stays
    /// valid there until it ends or is revoked in the dashboard.
    NotSupported,
    /// The revoke was attempted but failed, or there was nothing to revoke with: removed on
    /// this computer only.
    RemovedLocallyOnly {
        /// Why, in words for people.
        reason: String,
    },
}

impl Revocation {
    /// The outcome of a server answer.
    pub fn from_server(outcome: RevokeOutcome) -> Self {
        match outcome {
            RevokeOutcome::Revoked => Self::Revoked,
            RevokeOutcome::AlreadyInvalid => Self::AlreadyInvalid,
            RevokeOutcome::NotSupported => Self::NotSupported,
        }
    }

    /// True when the credential no longer works on the server.
    pub fn ended_on_server(&self) -> bool {
        matches!(self, Self::Revoked | Self::AlreadyInvalid)
    }

    /// Why the credential may still work on the server, when it may.
    pub fn local_only_reason(&self) -> Option<String> {
        match self {
            Self::Revoked | Self::AlreadyInvalid => None,
            Self::NotRequested => Some("no revoke on the server was asked for".into()),
            Self::NotSupported => Some(
                "the server cannot revoke it from here; it stays valid there until it ends or is revoked in the dashboard"
                    .into(),
            ),
            Self::RemovedLocallyOnly { reason } => Some(reason.clone()),
        }
    }

    /// The `outcome` tag, for reports.
    pub fn tag(&self) -> &'static str {
        match self {
            Self::Revoked => "revoked",
            Self::AlreadyInvalid => "alreadyInvalid",
            Self::NotRequested => "notRequested",
            Self::NotSupported => "notSupported",
            Self::RemovedLocallyOnly { .. } => "removedLocallyOnly",
        }
    }
}

/// What the refresher reports. Carries no secrets; the desktop shell forwards these to the UI
/// and turns [`SessionEvent::SignInNeeded`] into an OS notification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SessionEvent {
    /// The session's metadata or state changed.
    Changed {
        /// The new view (boxed: it is much larger than the other events).
        session: Box<SessionView>,
    },
    /// The refresh token is dead: ask the user to sign in again.
    SignInNeeded {
        /// The session.
        session_id: SessionId,
        /// Its profile.
        profile_id: String,
        /// The server's explanation.
        message: String,
    },
    /// The response's expiry and the token's `exp` disagree (clock skew or a server issue).
    ExpirySkew {
        /// The session.
        session_id: SessionId,
        /// `exp - expires`, in seconds.
        difference_secs: i64,
    },
    /// A rotated refresh token could not be written to the keyring. The stored (dead) one is
    /// marked unusable, the new one is held in memory and written again before the next
    /// refresh; if the app quits first the user must sign in again.
    StoreFailed {
        /// The session.
        session_id: SessionId,
        /// The store's error code.
        code: String,
        /// Its message.
        message: String,
    },
    /// The session was signed out.
    SignedOut {
        /// The session.
        session_id: SessionId,
        /// What happened on the server.
        revocation: Revocation,
    },
}

/// Receives [`SessionEvent`]s. Must not block: forward to a channel.
pub trait SessionEvents: Send + Sync + fmt::Debug {
    /// Delivers one event.
    fn emit(&self, event: SessionEvent);
}

impl SessionEvents for tokio::sync::mpsc::UnboundedSender<SessionEvent> {
    fn emit(&self, event: SessionEvent) {
        // A closed receiver means nobody listens any more; events are informational.
        let _ = self.send(event);
    }
}

/// Discards every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl SessionEvents for NoEvents {
    fn emit(&self, _event: SessionEvent) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_jwt_round_trips_and_rejects_junk() {
        let shared = SharedJwt {
            jwt: Jwt::new("aaa.bbb.ccc"),
            requested_at: DateTime::from_timestamp_millis(1_700_000_000_123).unwrap_or_default(),
            expires: DateTime::from_timestamp_millis(1_700_000_600_123).unwrap_or_default(),
        };
        let decoded = SharedJwt::decode(&shared.encode());
        let decoded = decoded.unwrap_or_else(|| unreachable!("round trip failed"));
        assert_eq!(decoded.jwt.expose_secret(), "aaa.bbb.ccc");
        assert_eq!(decoded.requested_at, shared.requested_at);
        assert_eq!(decoded.expires, shared.expires);
        for junk in [
            "",
            "djwt1",
            "djwt1.1.2.",
            "djwt2.1.2.x",
            "djwt1.a.2.x",
            "x.y.z.w",
        ] {
            assert!(
                SharedJwt::decode(&SecretString::from(junk)).is_none(),
                "{junk}"
            );
        }
    }
}
