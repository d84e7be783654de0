//! Pending sign-ins: created when the user clicks "Sign in", matched once by `state` when the
//! callback arrives, expired after 10 minutes.
//!
//! Invariants: a state is consumed at most once (a completed, expired, cancelled or rejected
//! state is remembered for a while so a replay gets a precise answer, and never succeeds); a
//! callback whose state matches nothing changes nothing; the PKCE verifier stays in here until
//! the one matching callback takes it out. Time comes from an injected [`Clock`] so expiry is
//! tested by moving a hand clock. States are compared in constant time over the (tiny) table.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use subtle::ConstantTimeEq;
use tracing::warn;
use url::Url;

use super::callback::CallbackPayload;
use super::error::CallbackError;
use super::pending_store::PersistedSignIn;
use super::pkce::{CHALLENGE_METHOD, challenge_s256, new_state, new_verifier};
use super::redirect::RedirectTarget;
use crate::ErrorCode;
use crate::clock::Clock;
use crate::profile::{Profile, ProfileId, RedirectForm};
use crate::secret::{AuthCode, Jwt, PkceVerifier, RefreshToken};

/// How long a sign-in may take, from the click to the callback.
pub const LOGIN_TTL: Duration = Duration::minutes(10);
/// At most this many sign-ins wait at once; starting another drops the oldest.
const MAX_PENDING: usize = 8;
/// How many finished states are remembered for replay detection.
const MAX_FINISHED: usize = 256;
/// How long finished states are remembered.
const FINISHED_MEMORY: Duration = Duration::hours(24);

/// A sign-in waiting for its callback.
pub struct PendingLogin {
    state: String,
    verifier: PkceVerifier,
    redirect: RedirectTarget,
    permissions: Vec<String>,
    /// The profile as it was at start: the issuer, the redirect form and the code exchange's
    /// URL all come from here, never from the profile as it is when the callback arrives.
    profile: Profile,
    created: DateTime<Utc>,
    expires: DateTime<Utc>,
}

impl PendingLogin {
    /// The redirect this sign-in uses.
    pub fn redirect(&self) -> &RedirectTarget {
        &self.redirect
    }
    /// The permissions requested.
    pub fn permissions(&self) -> &[String] {
        &self.permissions
    }
    /// The profile signed in to.
    pub fn profile_id(&self) -> &ProfileId {
        &self.profile.id
    }
    /// When the sign-in started.
    pub fn created(&self) -> DateTime<Utc> {
        self.created
    }
    /// When it stops being accepted.
    pub fn expires(&self) -> DateTime<Utc> {
        self.expires
    }
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogin")
            .field("profile_id", &self.profile.id)
            .field("redirect", &self.redirect)
            .field("permissions", &self.permissions)
            .field("created", &self.created)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// A started sign-in: open `authorize_url` in the system browser.
#[derive(Debug, Clone)]
pub struct StartedLogin {
    /// The authorization URL (protocol.md B.1).
    pub authorize_url: Url,
    /// The state, to hand to a loopback listener so it ignores other callbacks.
    pub state: String,
    /// The redirect the callback will come to.
    pub redirect: RedirectTarget,
    /// When the sign-in expires.
    pub expires: DateTime<Utc>,
}

/// A callback matched to its sign-in.
#[derive(Debug)]
pub struct CompletedLogin {
    /// The profile signed in to.
    pub profile_id: ProfileId,
    /// The profile as it was when the sign-in started: the code exchange goes to its base URL
    /// and paths, not to whatever the profile says now.
    pub profile: Profile,
    /// The redirect URI, needed again by the code exchange.
    pub redirect_uri: String,
    /// The permissions requested.
    pub permissions: Vec<String>,
    /// What the callback brought.
    pub outcome: LoginOutcome,
}

/// What a matched callback brought.
#[derive(Debug)]
pub enum LoginOutcome {
    /// A code: exchange it with this verifier (`DrivlyClient::exchange_code`).
    Code {
        /// The authorization code.
        code: AuthCode,
        /// The PKCE verifier of this sign-in.
        verifier: PkceVerifier,
    },
    /// Tokens delivered directly (token form).
    Tokens {
        /// The access token.
        jwt: Jwt,
        /// The refresh token, if sent.
        refresh_token: Option<RefreshToken>,
        /// The stated expiry, if sent.
        expires: Option<DateTime<Utc>>,
    },
    /// The user declined or the server refused.
    Denied {
        /// The error code.
        error: String,
        /// The server's text, to show as plain text.
        description: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finished {
    Used,
    Expired,
    Cancelled,
}

#[derive(Default)]
struct Inner {
    pending: Vec<PendingLogin>,
    finished: VecDeque<(String, Finished, DateTime<Utc>)>,
}

impl Inner {
    fn finish(&mut self, state: String, how: Finished, now: DateTime<Utc>) {
        if self.finished.len() >= MAX_FINISHED {
            self.finished.pop_front();
        }
        self.finished.push_back((state, how, now));
    }

    /// Moves expired sign-ins to the finished list and forgets old finished states.
    fn sweep(&mut self, now: DateTime<Utc>) -> usize {
        let mut expired = 0;
        let mut i = 0;
        while i < self.pending.len() {
            if now >= self.pending[i].expires {
                let p = self.pending.swap_remove(i);
                self.finish(p.state.clone(), Finished::Expired, now);
                expired += 1;
            } else {
                i += 1;
            }
        }
        self.finished
            .retain(|(_, _, at)| now - *at < FINISHED_MEMORY);
        expired
    }

    fn pending_index(&self, state: &str) -> Option<usize> {
        // Constant-time comparison of every entry, so timing says nothing about near-misses.
        let mut found = None;
        for (i, p) in self.pending.iter().enumerate() {
            if bool::from(p.state.as_bytes().ct_eq(state.as_bytes())) {
                found = Some(i);
            }
        }
        found
    }

    fn finished_as(&self, state: &str) -> Option<Finished> {
        let mut found = None;
        for (s, how, _) in &self.finished {
            if bool::from(s.as_bytes().ct_eq(state.as_bytes())) {
                found = Some(*how);
            }
        }
        found
    }
}

/// The table of pending sign-ins. Share it behind an `Arc`; every method takes `&self`.
pub struct LoginRegistry {
    clock: Arc<dyn Clock>,
    /// How long a sign-in waits for its browser: [`LOGIN_TTL`] (tests shorten it).
    ttl: Duration,
    inner: Mutex<Inner>,
}

impl fmt::Debug for LoginRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRegistry")
            .field("pending", &self.lock().pending.len())
            .finish_non_exhaustive()
    }
}

impl LoginRegistry {
    /// An empty registry reading time from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_ttl(clock, LOGIN_TTL)
    }

    /// An empty registry whose sign-ins wait `ttl` for their browser (tests: a wait that ends
    /// within the test).
    pub fn with_ttl(clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        Self {
            clock,
            ttl,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not lock sign-in out; the table stays consistent per call.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a sign-in to `profile` for `permissions`, coming back to `redirect`, and returns
    /// the authorization URL to open in the system browser.
    pub fn start(
        &self,
        profile: &Profile,
        permissions: &[String],
        redirect: RedirectTarget,
    ) -> StartedLogin {
        let now = self.clock.now();
        let state = new_state();
        let verifier = new_verifier();
        let authorize_url = authorize_url(profile, permissions, &redirect, &state, &verifier);
        let pending = PendingLogin {
            state: state.clone(),
            verifier,
            redirect: redirect.clone(),
            permissions: permissions.to_vec(),
            profile: profile.clone(),
            created: now,
            expires: now + self.ttl,
        };
        let mut inner = self.lock();
        inner.sweep(now);
        if inner.pending.len() >= MAX_PENDING {
            let oldest = inner.pending.remove(0);
            inner.finish(oldest.state, Finished::Cancelled, now);
        }
        inner.pending.push(pending);
        StartedLogin {
            authorize_url,
            state,
            redirect,
            expires: now + self.ttl,
        }
    }

    /// Matches a parsed callback to its pending sign-in and consumes it.
    ///
    /// # Errors
    /// [`CallbackError::NoPendingLogin`], [`CallbackError::StateMismatch`],
    /// [`CallbackError::StateReused`], [`CallbackError::Expired`],
    /// [`CallbackError::Cancelled`]: nothing changes. [`CallbackError::WrongIssuer`] and
    /// [`CallbackError::UnexpectedForm`]: the matching sign-in is abandoned, since its state
    /// has travelled somewhere unexpected. Each rejection is logged with its code only.
    pub fn complete(&self, payload: CallbackPayload) -> Result<CompletedLogin, CallbackError> {
        self.complete_inner(payload).inspect_err(|e| {
            warn!(code = e.code().as_str(), "sign-in callback rejected");
        })
    }

    fn complete_inner(&self, payload: CallbackPayload) -> Result<CompletedLogin, CallbackError> {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.sweep(now);
        let Some(index) = inner.pending_index(payload.state()) else {
            return Err(match inner.finished_as(payload.state()) {
                Some(Finished::Used) => CallbackError::StateReused,
                Some(Finished::Expired) => CallbackError::Expired,
                Some(Finished::Cancelled) => CallbackError::Cancelled,
                None if inner.pending.is_empty() => CallbackError::NoPendingLogin,
                None => CallbackError::StateMismatch,
            });
        };
        let pending = inner.pending.swap_remove(index);
        inner.finish(pending.state.clone(), Finished::Used, now);
        drop(inner);
        if *payload.via() != pending.redirect {
            return Err(CallbackError::WrongRedirect);
        }
        if let Some(iss) = payload.iss()
            && !same_issuer(iss, &pending.profile.base_url)
        {
            return Err(CallbackError::WrongIssuer);
        }
        let form = pending.profile.redirect_form;
        let outcome = match payload {
            CallbackPayload::Code { code, .. } if form == RedirectForm::Code => {
                LoginOutcome::Code {
                    code,
                    verifier: pending.verifier,
                }
            }
            CallbackPayload::Token {
                jwt,
                refresh_token,
                expires,
                ..
            } if form == RedirectForm::Token => LoginOutcome::Tokens {
                jwt,
                refresh_token,
                expires,
            },
            CallbackPayload::Denied {
                error, description, ..
            } => LoginOutcome::Denied { error, description },
            _ => return Err(CallbackError::UnexpectedForm),
        };
        Ok(CompletedLogin {
            profile_id: pending.profile.id.clone(),
            profile: pending.profile,
            redirect_uri: pending.redirect.redirect_uri(),
            permissions: pending.permissions,
            outcome,
        })
    }

    /// The waiting deep-link sign-in with this state, as kept across a restart
    /// ([`super::PendingSignInStore`]); `None` for loopback sign-ins and unknown states.
    pub fn persistable(&self, state: &str) -> Option<PersistedSignIn> {
        let inner = self.lock();
        let p = &inner.pending[inner.pending_index(state)?];
        let RedirectTarget::PrivateUse { scheme } = &p.redirect else {
            return None;
        };
        Some(PersistedSignIn {
            state: p.state.clone(),
            verifier: PkceVerifier::new(p.verifier.expose_secret()),
            scheme: scheme.clone(),
            permissions: p.permissions.clone(),
            profile: p.profile.clone(),
            created: p.created,
            expires: p.expires,
        })
    }

    /// Adopts a sign-in an earlier run of the app started (a cold start by the redirect), so
    /// its callback can complete here. False (and nothing changes) when it has expired, its
    /// scheme is invalid or its state is already known.
    pub fn adopt(&self, record: PersistedSignIn) -> bool {
        let now = self.clock.now();
        let Ok(redirect) = RedirectTarget::private_use(&record.scheme) else {
            return false;
        };
        let mut inner = self.lock();
        inner.sweep(now);
        if now >= record.expires
            || inner.pending_index(&record.state).is_some()
            || inner.finished_as(&record.state).is_some()
        {
            return false;
        }
        if inner.pending.len() >= MAX_PENDING {
            let oldest = inner.pending.remove(0);
            inner.finish(oldest.state, Finished::Cancelled, now);
        }
        inner.pending.push(PendingLogin {
            state: record.state,
            verifier: record.verifier,
            redirect,
            permissions: record.permissions,
            profile: record.profile,
            created: record.created,
            expires: record.expires,
        });
        true
    }

    /// Cancels the sign-in with this state; true when one was waiting.
    pub fn cancel(&self, state: &str) -> bool {
        let now = self.clock.now();
        let mut inner = self.lock();
        match inner.pending_index(state) {
            Some(i) => {
                let p = inner.pending.swap_remove(i);
                inner.finish(p.state, Finished::Cancelled, now);
                true
            }
            None => false,
        }
    }

    /// Cancels every waiting sign-in; returns how many there were.
    pub fn cancel_all(&self) -> usize {
        let now = self.clock.now();
        let mut inner = self.lock();
        let all: Vec<PendingLogin> = inner.pending.drain(..).collect();
        let n = all.len();
        for p in all {
            inner.finish(p.state, Finished::Cancelled, now);
        }
        n
    }

    /// Drops expired sign-ins now (they are also dropped on every other call); returns how
    /// many expired.
    pub fn expire(&self) -> usize {
        let now = self.clock.now();
        self.lock().sweep(now)
    }

    /// How many sign-ins are waiting (expired ones not counted).
    pub fn pending_count(&self) -> usize {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.sweep(now);
        inner.pending.len()
    }
}

/// The authorization URL of protocol.md B.1.
fn authorize_url(
    profile: &Profile,
    permissions: &[String],
    redirect: &RedirectTarget,
    state: &str,
    verifier: &PkceVerifier,
) -> Url {
    let mut url = profile.endpoint(&profile.endpoints.auth);
    let response_type = match profile.redirect_form {
        RedirectForm::Code => "code",
        RedirectForm::Token => "token",
    };
    url.query_pairs_mut()
        .clear()
        .append_pair("response_type", response_type)
        .append_pair("redirect_uri", &redirect.redirect_uri())
        .append_pair("state", state)
        .append_pair("code_challenge", &challenge_s256(verifier))
        .append_pair("code_challenge_method", CHALLENGE_METHOD)
        .append_pair("permissions", &permissions.join(","));
    if let Some(client_id) = &profile.client_id {
        url.query_pairs_mut().append_pair("client_id", client_id);
    }
    url
}

/// RFC 9207 compares issuers exactly; a trailing slash is the one difference forgiven, since
/// profiles are typed by people.
fn same_issuer(iss: &str, expected: &Url) -> bool {
    let Ok(iss) = Url::parse(iss) else {
        return false;
    };
    iss.as_str().trim_end_matches('/') == expected.as_str().trim_end_matches('/')
}
