//! What the refresher does with a refresh's outcome, and sign-out: the half of the task that
//! writes secrets. Order on success: rotated refresh token first (retried, held in memory if
//! the keyring refuses), then the shared JWT, then the metadata, then the view and events. A
//! result that arrives after the session was signed out is discarded (and a rotated token it
//! carried is revoked), so sign-out never has a secret written back behind it.

use super::{Actor, SKEW_TOLERANCE_SECS, STORE_WRITE_ATTEMPTS, blocking};
use crate::ErrorCode;
use crate::secret::RefreshToken;
use chrono::TimeDelta;
use tokio::time::Instant;

use crate::Code;
use crate::session::error::SessionError;
use crate::session::lock::RefreshLock;
use crate::session::model::{LastError, SKEW_SHOWN_SECS, SessionState};
use crate::session::ports::{IssuedTokens, Revocation, SessionEvent, SharedJwt, StoreError};

impl Actor {
    /// Writes a refresh token, retrying a few times (the keyring can be briefly busy).
    pub(super) async fn write_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError> {
        let mut last = StoreError::Platform {
            detail: "no attempt was made".into(),
        };
        for _ in 0..STORE_WRITE_ATTEMPTS {
            let (id, token) = (self.meta.id.clone(), token.clone());
            match blocking(&self.deps.store, move |s| s.put_refresh_token(&id, &token)).await {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    pub(super) async fn succeeded(&mut self, tokens: IssuedTokens) -> Result<(), SessionError> {
        let IssuedTokens {
            jwt,
            refresh_token,
            expires,
            requested_at,
            token_exp,
            sent,
            server_clock_skew_secs,
        } = tokens;
        self.last_refreshed = Some((Instant::now(), self.deps.clock.now()));
        // Shown in the session's details and `drivly-keys status`; lifetimes never use it.
        self.meta.server_clock_skew_secs =
            server_clock_skew_secs.filter(|skew| skew.abs() > SKEW_SHOWN_SECS);
        // Signed out meanwhile by something that did not take the lock: discard the result, and
        // revoke a rotated token so no live session is left behind on the server.
        let id = self.meta.id.clone();
        let still_signed_in = blocking(&self.deps.store, move |s| s.refresh_token(&id))
            .await
            .map_or(true, |found| found.is_some());
        if !still_signed_in {
            if let Some(rotated) = &refresh_token {
                let _ = tokio::time::timeout(
                    self.config.request_timeout,
                    self.deps.issuer.revoke(rotated),
                )
                .await;
            }
            self.become_signed_out(Revocation::RemovedLocallyOnly {
                reason: "the session was signed out while it was being refreshed".into(),
            });
            return Err(SessionError::SignedOut);
        }
        let mut store_failure = None;
        if let Some(rotated) = refresh_token
            && let Err(e) = self.write_refresh_token(&rotated).await
        {
            tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "could not store the rotated refresh token");
            self.deps.events.emit(SessionEvent::StoreFailed {
                session_id: self.meta.id.clone(),
                code: e.code().as_str().to_owned(),
                message: e.to_string(),
            });
            // The stored token is dead from this answer on: mark it before the new one is used,
            // so no process (the CLI, this app after a restart) replays it.
            self.mark_stored_token_unusable().await;
            self.unsaved_refresh_token = Some(rotated);
            store_failure = Some(e);
        }
        let lifetime = expires - requested_at;
        if lifetime <= TimeDelta::zero() {
            // An already expired token: refreshing again at once would only repeat it (and
            // rotate the refresh token each time). Refuse it, and try again much later.
            let error = SessionError::TokenAlreadyExpired {
                lifetime_secs: lifetime.num_seconds(),
            };
            tracing::warn!(session = %self.meta.id, lifetime_secs = lifetime.num_seconds(), "the server issued an expired token; not refreshing again soon");
            let later = Some(self.config.policy.backoff_cap_expired);
            let _ = self.fail(Code::TokenAlreadyExpired, error.to_string(), later, true);
            self.save_and_publish().await;
            return Err(error);
        }
        let shared = SharedJwt {
            jwt,
            requested_at,
            expires,
        };
        let (id, to_share) = (self.meta.id.clone(), shared.clone());
        if let Err(e) = blocking(&self.deps.store, move |s| s.put_shared_jwt(&id, &to_share)).await
        {
            tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "could not share the JWT with other processes");
        }
        if let Some(difference_secs) =
            crate::session::policy::expiry_skew_secs(expires, token_exp, SKEW_TOLERANCE_SECS)
        {
            tracing::warn!(session = %self.meta.id, difference_secs, "the token's exp disagrees with the response's expiry");
            self.deps.events.emit(SessionEvent::ExpirySkew {
                session_id: self.meta.id.clone(),
                difference_secs,
            });
        }
        self.install_anchored(shared, sent);
        self.meta.last_refresh = Some(self.deps.clock.now());
        self.failures = 0;
        if let Some(e) = store_failure {
            // The JWT is good and is served; the refresh token waits in memory for a retry.
            let _ = self.fail(e.code(), e.to_string(), None, false);
        }
        self.save_and_publish().await;
        Ok(())
    }

    /// Marks the stored refresh token as dead in the session's record (the index, a file, which
    /// usually still works when the keyring refuses); if even that fails, deletes the stored
    /// token instead. Either way no process sends it again.
    async fn mark_stored_token_unusable(&mut self) {
        self.meta.refresh_token_unusable = true;
        let meta = self.meta.clone();
        let Err(e) = blocking(&self.deps.store, move |s| s.save_record(&meta)).await else {
            return;
        };
        tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "could not mark the dead refresh token; deleting it");
        let id = self.meta.id.clone();
        if let Err(e) = blocking(&self.deps.store, move |s| s.delete_secrets(&id)).await {
            tracing::error!(session = %self.meta.id, code = e.code().as_str(), "the dead refresh token could be neither marked nor deleted");
        }
    }

    /// The rotated token held in memory was saved: the stored one is good again.
    pub(super) async fn clear_unusable_mark(&mut self) {
        if !self.meta.refresh_token_unusable {
            return;
        }
        self.meta.refresh_token_unusable = false;
        let meta = self.meta.clone();
        if let Err(e) = blocking(&self.deps.store, move |s| s.save_record(&meta)).await {
            tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "could not clear the dead-token mark");
        }
    }

    /// The stored refresh token is marked dead and this process holds no newer one: refuse,
    /// and ask for a new sign-in. The record is left as it is (this process's copy of it may
    /// be older than the one that set the mark).
    pub(super) fn refresh_token_lost(&mut self) -> SessionError {
        tracing::warn!(session = %self.meta.id, "the stored refresh token is marked dead; it is not sent");
        self.current = None;
        self.meta.refresh_token_unusable = true;
        self.meta.next_refresh = None;
        self.set_state(super::refresh_token_not_saved());
        let error = SessionError::RefreshTokenNotSaved;
        self.deps.events.emit(SessionEvent::SignInNeeded {
            session_id: self.meta.id.clone(),
            profile_id: self.meta.profile_id.to_string(),
            message: error.to_string(),
        });
        error
    }

    pub(super) async fn save_and_publish(&mut self) {
        let meta = self.meta.clone();
        if let Err(e) = blocking(&self.deps.store, move |s| s.save_record(&meta)).await {
            tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "could not save the session record");
        }
        self.publish();
    }

    pub(super) async fn needs_sign_in(&mut self, message: String) -> SessionError {
        // The refresh token is dead: drop it, and the JWT with it (the server ended the session).
        let id = self.meta.id.clone();
        if let Err(e) = blocking(&self.deps.store, move |s| s.delete_secrets(&id)).await {
            tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "could not delete the dead refresh token");
        }
        self.current = None;
        self.unsaved_refresh_token = None;
        self.meta.next_refresh = None;
        tracing::info!(session = %self.meta.id, "the session needs a new sign-in");
        self.state = SessionState::NeedsSignIn {
            reason: LastError {
                code: "sign_in_needed".into(),
                message: message.clone(),
            },
        };
        self.save_and_publish().await;
        self.deps.events.emit(SessionEvent::SignInNeeded {
            session_id: self.meta.id.clone(),
            profile_id: self.meta.profile_id.to_string(),
            message: message.clone(),
        });
        SessionError::NeedsSignIn { message }
    }

    pub(super) fn become_signed_out(&mut self, revocation: Revocation) {
        self.current = None;
        self.unsaved_refresh_token = None;
        self.meta.next_refresh = None;
        self.meta.jwt_expires = None;
        self.set_state(SessionState::SignedOut);
        self.deps.events.emit(SessionEvent::SignedOut {
            session_id: self.meta.id.clone(),
            revocation,
        });
    }

    pub(super) async fn sign_out(&mut self) -> Result<Revocation, SessionError> {
        if matches!(self.state, SessionState::SignedOut) {
            return Ok(Revocation::RemovedLocallyOnly {
                reason: "the session was already signed out".into(),
            });
        }
        let lock = RefreshLock::acquire(
            &self.config.lock_dir,
            &self.meta.id,
            self.config.lock_timeout,
        )
        .await;
        if let Err(e) = &lock {
            // Signing out must not be blocked by a stuck refresh elsewhere.
            tracing::warn!(session = %self.meta.id, code = e.code().as_str(), "signing out without the session lock");
        }
        let id = self.meta.id.clone();
        let stored = blocking(&self.deps.store, move |s| {
            Ok((s.refresh_token(&id)?, s.refresh_token_unusable(&id)?))
        })
        .await
        .ok();
        let (stored, stored_dead) = match stored {
            Some((token, dead)) => (token.filter(|_| !dead), dead),
            None => (None, false),
        };
        let refresh_token = self.unsaved_refresh_token.take().or(stored);
        let revocation = match refresh_token {
            // A dead token is never sent, not even to revoke it (module docs of the actor).
            None if stored_dead => Revocation::RemovedLocallyOnly {
                reason: "the stored refresh token was no longer valid (a newer one could not be saved), so it was not sent to the server"
                    .into(),
            },
            None => Revocation::RemovedLocallyOnly {
                reason: "no refresh token was stored, so there was nothing to revoke on the server"
                    .into(),
            },
            Some(token) => {
                let call = self.deps.issuer.revoke(&token);
                match tokio::time::timeout(self.config.request_timeout, call).await {
                    Ok(Ok(outcome)) => Revocation::from_server(outcome),
                    Ok(Err(e)) => Revocation::RemovedLocallyOnly {
                        reason: format!("the server could not be asked to revoke it: {e}"),
                    },
                    Err(_) => Revocation::RemovedLocallyOnly {
                        reason: "the server did not answer the revoke in time".into(),
                    },
                }
            }
        };
        let id = self.meta.id.clone();
        let deleted = blocking(&self.deps.store, move |s| s.delete_secrets(&id)).await;
        self.become_signed_out(revocation.clone());
        drop(lock);
        deleted?;
        Ok(revocation)
    }
}
