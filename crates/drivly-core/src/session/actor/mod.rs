//! The refresher task: the one owner of a session's tokens in this process.
//!
//! Everything that touches the refresh token runs here, one command at a time: the background
//! refresh, `token()` calls, "refresh now" and sign-out. That sequencing is the single flight:
//! fifty callers arriving at expiry queue behind the first one's refresh and are then served the
//! fresh token, and a sign-out waits for an in-flight refresh and revokes the *newest* refresh
//! token, so nothing is resurrected. Across processes, the file lock (see `lock.rs`) is taken
//! around every refresh and sign-out, and the refresh token and shared JWT are re-read under it.
//!
//! Time: the loop sleeps at most one tick and re-reads the wall clock on every wake, because
//! tokio's monotonic timers stop during system suspend; with the process's clock watch
//! (`clock_watch.rs`) it is also woken by a jump, and its tick is long. Refresh points are also tracked on the
//! monotonic clock, so a wall clock stepping backwards cannot postpone a refresh either.
//!
//! Load: with a refresh gate (`refresh_gate.rs`, one per server), every refresh first waits for
//! a slot, and is `refreshing` only once it has one. A background refresh waits in the command
//! loop, so callers are still served from the held token meanwhile; a refresh a caller waits
//! on queues as the most urgent.
//!
//! Order on success: rotated refresh token to the store first, then the shared JWT, then the
//! metadata, then the view and events.

use crate::Code;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::{Rng, rngs::StdRng};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::error::{REFRESH_TOKEN_NOT_SAVED, SessionError};
use super::lock::RefreshLock;
use super::model::{LastError, SessionMeta, SessionState, SessionView};
use super::policy::TokenTimes;
use super::ports::StoreError;
use super::ports::{IssueError, Revocation, SessionEvent, SessionStore, SharedJwt};
use super::refresh_gate::RefreshPermit;
use super::refresher::{RefresherConfig, RefresherDeps};
use crate::ErrorCode;
use crate::secret::{Jwt, RefreshToken};

mod outcome;

/// The shortest sleep of the loop, so a schedule in the past cannot spin it.
const MIN_SLEEP: Duration = Duration::from_millis(10);
/// Tolerance of the response's expiry against the token's `exp` before a skew event.
const SKEW_TOLERANCE_SECS: i64 = 60;
/// Attempts to write a rotated refresh token before holding it in memory instead.
const STORE_WRITE_ATTEMPTS: u32 = 3;

/// A request to the task.
#[derive(Debug)]
pub(super) enum Command {
    /// A JWT with at least `min_ttl` left (the policy's default when `None`).
    Token {
        min_ttl: Option<Duration>,
        reply: oneshot::Sender<Result<Jwt, SessionError>>,
    },
    /// Refresh over the network now, whatever the schedule.
    RefreshNow {
        reply: oneshot::Sender<Result<SessionView, SessionError>>,
    },
    /// Set the user's label (in the record, then in the view).
    Relabel {
        label: Option<String>,
        reply: oneshot::Sender<Result<SessionView, SessionError>>,
    },
    /// Revoke, delete the secrets, forget the JWT.
    SignOut {
        reply: oneshot::Sender<Result<Revocation, SessionError>>,
    },
}

/// A background refresh waiting for its turn at the refresh gate (`refresh_gate.rs`).
type Admission = Pin<Box<dyn Future<Output = RefreshPermit> + Send>>;

/// Resolves when the queued background refresh is admitted; never when none is queued.
async fn admitted(admission: &mut Option<Admission>) -> RefreshPermit {
    match admission {
        Some(waiting) => waiting.await,
        None => std::future::pending().await,
    }
}

/// The JWT held in memory, with its schedule on both clocks.
#[derive(Debug)]
struct Current {
    jwt: Jwt,
    times: TokenTimes,
    mono_refresh_at: Instant,
    mono_expires: Instant,
}

/// The task's state. Only the task touches it.
#[derive(Debug)]
pub(super) struct Actor {
    meta: SessionMeta,
    state: SessionState,
    current: Option<Current>,
    /// A rotated refresh token the store refused; written before anything else next time.
    unsaved_refresh_token: Option<RefreshToken>,
    failures: u32,
    last_wall: DateTime<Utc>,
    /// When the last refresh answer with tokens arrived (monotonic, wall): the floor of
    /// [`super::policy::RefreshPolicy::min_refresh_interval`] counts from here.
    last_refreshed: Option<(Instant, DateTime<Utc>)>,
    deps: RefresherDeps,
    config: RefresherConfig,
    rng: StdRng,
    view: watch::Sender<SessionView>,
    cancel: CancellationToken,
}

/// The state of a session whose stored refresh token is dead because a rotated one could not
/// be saved.
pub(super) fn refresh_token_not_saved() -> SessionState {
    SessionState::NeedsSignIn {
        reason: LastError {
            code: REFRESH_TOKEN_NOT_SAVED.into(),
            message: SessionError::RefreshTokenNotSaved.to_string(),
        },
    }
}

/// Runs a blocking store call off the async threads.
async fn blocking<T, F>(store: &Arc<dyn SessionStore>, call: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&dyn SessionStore) -> Result<T, StoreError> + Send + 'static,
{
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .unwrap_or_else(|_| {
            Err(StoreError::Platform {
                detail: "the keyring call did not finish".into(),
            })
        })
}

fn to_std(delta: TimeDelta) -> Duration {
    delta.to_std().unwrap_or(Duration::ZERO)
}

impl Actor {
    /// A task for `meta`, not yet loaded.
    pub(super) fn new(
        meta: SessionMeta,
        deps: RefresherDeps,
        config: RefresherConfig,
        rng: StdRng,
        cancel: CancellationToken,
    ) -> (Self, watch::Receiver<SessionView>) {
        let state = SessionState::Active;
        let (view, receiver) = watch::channel(SessionView {
            meta: meta.clone(),
            state: state.clone(),
        });
        let last_wall = deps.clock.now();
        let actor = Self {
            meta,
            state,
            current: None,
            unsaved_refresh_token: None,
            failures: 0,
            last_wall,
            last_refreshed: None,
            deps,
            config,
            rng,
            view,
            cancel,
        };
        (actor, receiver)
    }

    /// Reads what the store holds (another process may have a fresh JWT) and sets the first
    /// state: `needs_sign_in` without a refresh token, `retrying` when the store fails.
    pub(super) async fn load(&mut self) {
        let id = self.meta.id.clone();
        let read = blocking(&self.deps.store, move |s| {
            let unusable = s.refresh_token_unusable(&id)?;
            Ok((
                s.refresh_token(&id)?.is_some(),
                unusable,
                s.shared_jwt(&id)?,
            ))
        })
        .await;
        match read {
            Ok((true, true, _)) => {
                self.meta.refresh_token_unusable = true;
                self.state = refresh_token_not_saved();
            }
            Ok((false, _, _)) => {
                self.state = SessionState::NeedsSignIn {
                    reason: LastError {
                        code: "sign_in_needed".into(),
                        message: "no refresh token is stored for this session; sign in again"
                            .into(),
                    },
                };
            }
            Ok((true, false, shared)) => {
                if let Some(shared) = shared {
                    self.install(shared);
                }
            }
            Err(e) => {
                let _ = self.fail(e.code(), e.to_string(), None, false);
            }
        }
        self.publish();
    }

    /// Takes the tokens a sign-in just stored, instead of reading them back from the store.
    pub(super) fn adopt(&mut self, shared: SharedJwt) {
        self.install(shared);
        self.publish();
    }

    /// The command loop; returns when cancelled or when every handle is gone.
    ///
    /// With a refresh gate, a due background refresh first queues for a slot *inside* the
    /// select, so the session keeps answering commands from its held token while it waits; a
    /// command or a clock jump gives the place up and the next turn queues again, with a
    /// deadline read afresh.
    pub(super) async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut clock_jumps = self
            .config
            .clock_watch
            .as_ref()
            .map(super::clock_watch::ClockWatch::subscribe);
        let mut admission: Option<Admission> = None;
        // A clock stepped back is seen once (`last_wall` moves on), so the refresh it calls for
        // is remembered until one is done, even if a command interrupts its wait at the gate.
        let mut jump_owed = false;
        // Checked at the top too: a task first polled after its handle was dropped must not
        // start a refresh.
        while !self.cancel.is_cancelled() {
            let now = self.deps.clock.now();
            let went_back = self.config.policy.clock_went_back(self.last_wall, now);
            self.last_wall = now;
            jump_owed |= went_back && !self.waits_for_user();
            if admission.is_none() && (jump_owed || self.due(now)) {
                tracing::debug!(session = %self.meta.id, went_back, "background refresh");
                match self.config.refresh_gate.clone() {
                    Some(gate) => {
                        let deadline = self.deadline(jump_owed);
                        admission = Some(Box::pin(async move { gate.admit(deadline).await }));
                    }
                    // The outcome is recorded in the state; nobody waits for it here.
                    None => {
                        jump_owed = false;
                        let _ = self.refresh(false, None, false, None).await;
                    }
                }
            }
            // While queued, the admission is the wake-up; the tick still bounds the sleep.
            let sleep = if admission.is_some() {
                self.config.tick
            } else {
                self.next_wake(self.deps.clock.now())
            };
            tokio::select! {
                biased;
                () = self.cancel.cancelled() => break,
                command = commands.recv() => {
                    admission = None;
                    let Some(command) = command else { break };
                    let before = self.last_refreshed;
                    self.handle(command).await;
                    if self.last_refreshed != before || self.waits_for_user() {
                        jump_owed = false;
                    }
                }
                permit = admitted(&mut admission) => {
                    admission = None;
                    jump_owed = false;
                    let _ = self.refresh(false, None, false, Some(permit)).await;
                }
                () = tokio::time::sleep(sleep) => {}
                // A suspend or clock step, seen by the process's one clock watch; a queued
                // refresh's deadline was computed before it, so it queues again.
                () = super::clock_watch::jumped(&mut clock_jumps) => admission = None,
            }
        }
    }

    /// A background refresh's place in the gate's queue: when the held token stops being
    /// servable to a caller asking for the default time left, on whichever clock says sooner
    /// (the monotonic one stops during suspend). Now when there is no servable token, or the
    /// wall clock stepped back (nothing computed from it can be trusted).
    fn deadline(&self, clock_went_back: bool) -> Instant {
        let mono_now = Instant::now();
        let Some(c) = self.current.as_ref().filter(|_| !clock_went_back) else {
            return mono_now;
        };
        let need = self.needed(None, &c.times);
        let by_mono = c.mono_expires.checked_sub(to_std(need)).unwrap_or(mono_now);
        let by_wall = mono_now + to_std(c.times.expires - need - self.deps.clock.now());
        by_mono.min(by_wall)
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::Token { min_ttl, reply } => {
                let result = self.token(min_ttl).await;
                let _ = reply.send(result);
            }
            Command::RefreshNow { reply } => {
                let result = self
                    .refresh(true, None, true, None)
                    .await
                    .map(|()| self.view());
                let _ = reply.send(result);
            }
            Command::Relabel { label, reply } => {
                let result = self.relabel(label).await;
                let _ = reply.send(result);
            }
            Command::SignOut { reply } => {
                let result = self.sign_out().await;
                let _ = reply.send(result);
            }
        }
    }

    fn view(&self) -> SessionView {
        SessionView {
            meta: self.meta.clone(),
            state: self.state.clone(),
        }
    }

    /// Sends the view to watchers and the event sink.
    fn publish(&mut self) {
        let view = self.view();
        self.view.send_replace(view.clone());
        self.deps.events.emit(SessionEvent::Changed {
            session: Box::new(view),
        });
    }

    fn set_state(&mut self, state: SessionState) {
        self.state = state;
        self.publish();
    }

    async fn relabel(&mut self, label: Option<String>) -> Result<SessionView, SessionError> {
        let (id, written) = (self.meta.id.clone(), label.clone());
        blocking(&self.deps.store, move |s| {
            s.set_label(&id, written.as_deref())
        })
        .await?;
        self.meta.label = label;
        self.publish();
        Ok(self.view())
    }

    /// Whether only the user can move this session on (sign in again, fix the profile).
    fn waits_for_user(&self) -> bool {
        matches!(
            self.state,
            SessionState::NeedsSignIn { .. }
                | SessionState::NeedsSetup { .. }
                | SessionState::SignedOut
        )
    }

    /// Whether the background should refresh at wall-clock `now`.
    fn due(&self, now: DateTime<Utc>) -> bool {
        match &self.state {
            SessionState::NeedsSignIn { .. }
            | SessionState::NeedsSetup { .. }
            | SessionState::SignedOut => false,
            _ if self.floor_wait().is_some() => false,
            SessionState::Retrying { next_attempt, .. } => now >= *next_attempt,
            SessionState::Active | SessionState::Refreshing => match &self.current {
                None => true,
                Some(c) => {
                    self.config.policy.due(&c.times, now).is_due()
                        || Instant::now() >= c.mono_refresh_at
                }
            },
        }
    }

    /// How long until another refresh not asked for by the user may go to the network; `None`
    /// once [`super::policy::RefreshPolicy::min_refresh_interval`] has passed on either clock
    /// (the wall clock counts too, so a resume from suspend is not held back).
    fn floor_wait(&self) -> Option<Duration> {
        let (mono, wall) = self.last_refreshed?;
        let floor = self.config.policy.min_refresh_interval;
        if self.deps.clock.now() >= wall + floor {
            return None;
        }
        let left = (mono + to_std(floor)).saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// How long to sleep: until the next planned point, at most one tick.
    fn next_wake(&self, now: DateTime<Utc>) -> Duration {
        let mut sleep = self.config.tick;
        if let Some(wait) = self.floor_wait() {
            sleep = sleep.min(wait);
        }
        match (&self.state, &self.current) {
            (SessionState::Retrying { next_attempt, .. }, _) => {
                sleep = sleep.min(to_std(*next_attempt - now));
            }
            (SessionState::Active, Some(c)) => {
                sleep = sleep
                    .min(to_std(c.times.refresh_at - now))
                    .min(c.mono_refresh_at.saturating_duration_since(Instant::now()));
            }
            _ => {}
        }
        sleep.max(MIN_SLEEP)
    }

    /// The time left a caller needs: theirs, or the policy's default for this lifetime.
    fn needed(&self, min_ttl: Option<Duration>, times: &TokenTimes) -> TimeDelta {
        min_ttl
            .and_then(|d| TimeDelta::from_std(d).ok())
            .unwrap_or_else(|| {
                let lifetime =
                    super::policy::RefreshPolicy::lifetime(times.requested_at, times.expires);
                self.config.policy.default_min_ttl(lifetime)
            })
    }

    /// The held JWT, when it has at least the needed time left on both clocks.
    fn serve(&self, min_ttl: Option<Duration>) -> Option<Jwt> {
        let current = self.current.as_ref()?;
        let now = self.deps.clock.now();
        let need = self.needed(min_ttl, &current.times);
        let wall_ok = self.config.policy.can_serve(&current.times, now, need);
        let mono_ok = Instant::now() + to_std(need) <= current.mono_expires;
        (wall_ok && mono_ok && !self.config.policy.clock_went_back(self.last_wall, now))
            .then(|| current.jwt.clone())
    }

    fn unusable(&self) -> Option<SessionError> {
        match &self.state {
            SessionState::SignedOut => Some(SessionError::SignedOut),
            SessionState::NeedsSignIn { reason } if reason.code == REFRESH_TOKEN_NOT_SAVED => {
                Some(SessionError::RefreshTokenNotSaved)
            }
            SessionState::NeedsSignIn { reason } => Some(SessionError::NeedsSignIn {
                message: reason.message.clone(),
            }),
            _ => None,
        }
    }

    async fn token(&mut self, min_ttl: Option<Duration>) -> Result<Jwt, SessionError> {
        if let Some(e) = self.unusable() {
            return Err(e);
        }
        if let Some(jwt) = self.serve(min_ttl) {
            return Ok(jwt);
        }
        let now = self.deps.clock.now();
        if let SessionState::Retrying {
            next_attempt,
            last_error,
        } = &self.state
            && now < *next_attempt
            && !self.config.policy.clock_went_back(self.last_wall, now)
        {
            // Backing off: no network call per caller. Another process may have refreshed.
            let failure = SessionError::RefreshFailed {
                code: Code::RefreshFailed,
                message: last_error.message.clone(),
                next_attempt: *next_attempt,
            };
            let id = self.meta.id.clone();
            if let Ok(Some(shared)) = blocking(&self.deps.store, move |s| s.shared_jwt(&id)).await
                && self.is_newer(&shared)
            {
                self.install(shared);
            }
            return self.serve(min_ttl).ok_or(failure);
        }
        let before = self.last_refreshed;
        self.refresh(false, min_ttl, false, None).await?;
        if let Some(jwt) = self.serve(min_ttl) {
            return Ok(jwt);
        }
        if self.last_refreshed == before {
            // What we adopted from another process does not satisfy this caller: go to the
            // network. (A token just fetched that does not satisfy it would not either.)
            self.refresh(true, min_ttl, false, None).await?;
        }
        self.serve(min_ttl).ok_or_else(|| {
            let (lifetime_secs, min_ttl_secs) = self.current.as_ref().map_or((0, 0), |c| {
                let lifetime =
                    super::policy::RefreshPolicy::lifetime(c.times.requested_at, c.times.expires);
                (
                    lifetime.num_seconds(),
                    self.needed(min_ttl, &c.times).num_seconds(),
                )
            });
            SessionError::LifetimeTooShort {
                min_ttl_secs,
                lifetime_secs,
            }
        })
    }

    fn is_newer(&self, shared: &SharedJwt) -> bool {
        self.current
            .as_ref()
            .is_none_or(|c| shared.expires > c.times.expires)
    }

    /// Makes `shared` the held JWT and plans its refresh.
    fn install(&mut self, shared: SharedJwt) {
        self.install_anchored(shared, None);
    }

    /// As [`Actor::install`]; `sent` is the monotonic time the request that produced the token
    /// was sent, when this process sent it: its lifetime is then counted from there, so no
    /// wall-clock step between sending and now moves the schedule.
    fn install_anchored(&mut self, shared: SharedJwt, sent: Option<std::time::Instant>) {
        let now = self.deps.clock.now();
        let mono_now = Instant::now();
        let times =
            self.config
                .policy
                .plan(shared.requested_at, shared.expires, self.rng.r#gen::<f64>());
        self.meta.next_refresh = Some(times.refresh_at);
        self.meta.jwt_expires = Some(times.expires);
        let (mono_refresh_at, mono_expires) = match sent {
            Some(sent) => {
                let anchor = Instant::from_std(sent);
                (
                    anchor + to_std(times.refresh_at - times.requested_at),
                    anchor + to_std(times.expires - times.requested_at),
                )
            }
            None => (
                mono_now + to_std(times.refresh_at - now),
                mono_now + to_std(times.expires - now),
            ),
        };
        self.current = Some(Current {
            jwt: shared.jwt,
            times,
            mono_refresh_at,
            mono_expires,
        });
        // A token obtained now is judged against now: a clock step before it no longer counts.
        self.last_wall = now;
        if !matches!(self.state, SessionState::Active) {
            self.state = SessionState::Active;
        }
    }

    /// Records a failed attempt: `retrying` with a backoff. `long` uses the expired cap.
    /// A token endpoint is missing: stop the background refreshes and say what to change.
    fn needs_setup(&mut self, code: Code, message: String) -> SessionError {
        self.meta.next_refresh = None;
        tracing::warn!(session = %self.meta.id, code = code.as_str(), "a token endpoint is missing; background refreshes stop until the user retries");
        self.set_state(SessionState::NeedsSetup {
            reason: LastError {
                code: code.as_str().to_owned(),
                message: message.clone(),
            },
        });
        SessionError::NeedsSetup { code, message }
    }

    fn fail(
        &mut self,
        code: Code,
        message: String,
        retry_after: Option<TimeDelta>,
        long: bool,
    ) -> SessionError {
        let now = self.deps.clock.now();
        let remaining = match (&self.current, long) {
            (Some(c), false) => (c.times.expires - now).min(
                TimeDelta::from_std(c.mono_expires.saturating_duration_since(Instant::now()))
                    .unwrap_or(TimeDelta::zero()),
            ),
            _ => TimeDelta::zero(),
        };
        let unit = self.rng.r#gen::<f64>();
        let delay = self
            .config
            .policy
            .backoff(self.failures, remaining, retry_after, unit);
        self.failures = self.failures.saturating_add(1);
        let next_attempt = now + delay;
        self.meta.next_refresh = Some(next_attempt);
        tracing::info!(session = %self.meta.id, code = code.as_str(), delay_ms = delay.num_milliseconds(), "refresh failed; retrying later");
        self.set_state(SessionState::Retrying {
            next_attempt,
            last_error: LastError {
                code: code.as_str().to_owned(),
                message: message.clone(),
            },
        });
        SessionError::RefreshFailed {
            code,
            message,
            next_attempt,
        }
    }

    /// One refresh under the cross-process lock. `force` skips reusing another process's JWT;
    /// `by_user` ("refresh now") skips the minimum interval between refreshes, which every
    /// other refresh waits out first (at most 5 s). `permit` is the gate's slot when the
    /// caller already holds one (a background refresh); otherwise, with a gate, one is taken
    /// here with the most urgent deadline, since a caller is waiting.
    async fn refresh(
        &mut self,
        force: bool,
        min_ttl: Option<Duration>,
        by_user: bool,
        permit: Option<RefreshPermit>,
    ) -> Result<(), SessionError> {
        if let Some(e) = self.unusable() {
            return Err(e);
        }
        if !by_user && let Some(wait) = self.floor_wait() {
            tokio::select! {
                biased;
                () = self.cancel.cancelled() => return Err(SessionError::Stopped),
                () = tokio::time::sleep(wait) => {}
            }
        }
        // Held until the refresh is done (store writes included), dropped after the lock.
        let _permit = match (permit, self.config.refresh_gate.clone()) {
            (Some(permit), _) => Some(permit),
            (None, Some(gate)) => tokio::select! {
                biased;
                () = self.cancel.cancelled() => return Err(SessionError::Stopped),
                permit = gate.admit(Instant::now()) => Some(permit),
            },
            (None, None) => None,
        };
        let previous = std::mem::replace(&mut self.state, SessionState::Refreshing);
        self.publish();
        let lock = RefreshLock::acquire(
            &self.config.lock_dir,
            &self.meta.id,
            self.config.lock_timeout,
        )
        .await;
        let lock = match lock {
            Ok(lock) => lock,
            Err(e) => {
                self.state = previous;
                return Err(self.fail(e.code(), e.to_string(), None, false));
            }
        };
        let result = self.refresh_locked(force, min_ttl).await;
        drop(lock);
        result
    }

    async fn refresh_locked(
        &mut self,
        force: bool,
        min_ttl: Option<Duration>,
    ) -> Result<(), SessionError> {
        let id = self.meta.id.clone();
        let read = blocking(&self.deps.store, move |s| {
            // The record first: a session removed elsewhere is never refreshed again, even
            // while its keyring items are still being deleted.
            if !s.has_record(&id)? {
                return Ok(None);
            }
            let unusable = s.refresh_token_unusable(&id)?;
            Ok(Some((s.refresh_token(&id)?, s.shared_jwt(&id)?, unusable)))
        })
        .await;
        let (stored, shared, stored_unusable) = match read {
            Ok(Some(found)) => found,
            Ok(None) => {
                tracing::info!(session = %self.meta.id, "the session was removed by another process; stopping");
                self.become_signed_out(Revocation::RemovedLocallyOnly {
                    reason: "the session was signed out by another process".into(),
                });
                return Err(SessionError::SignedOut);
            }
            Err(e) => return Err(self.fail(e.code(), e.to_string(), None, false)),
        };
        let refresh_token = match (self.unsaved_refresh_token.take(), stored) {
            (Some(unsaved), _) => {
                if let Err(e) = self.write_refresh_token(&unsaved).await {
                    self.unsaved_refresh_token = Some(unsaved);
                    return Err(self.fail(e.code(), e.to_string(), None, false));
                }
                self.clear_unusable_mark().await;
                unsaved
            }
            // The stored token is dead (a rotation this or another process could not save):
            // sending it would be a replay, which makes the server end the whole session.
            (None, Some(_)) if stored_unusable => return Err(self.refresh_token_lost()),
            (None, Some(stored)) => stored,
            (None, None) => {
                self.become_signed_out(Revocation::RemovedLocallyOnly {
                    reason: "the session was signed out by another process".into(),
                });
                return Err(SessionError::SignedOut);
            }
        };
        if !force && let Some(shared) = shared {
            let now = self.deps.clock.now();
            let times = self
                .config
                .policy
                .plan(shared.requested_at, shared.expires, 0.0);
            let need = self.needed(min_ttl, &times);
            if self.is_newer(&shared)
                && !self.config.policy.due(&times, now).is_due()
                && self.config.policy.can_serve(&times, now, need)
            {
                tracing::debug!(session = %self.meta.id, "reusing the JWT another process refreshed");
                self.install(shared);
                self.failures = 0;
                self.save_and_publish().await;
                return Ok(());
            }
        }
        let call = tokio::time::timeout(
            self.config.request_timeout,
            self.deps.issuer.refresh(&refresh_token),
        );
        let outcome = tokio::select! {
            biased;
            () = self.cancel.cancelled() => return Err(SessionError::Stopped),
            outcome = call => outcome.unwrap_or_else(|_| Err(IssueError::Transient {
                code: Code::Timeout,
                message: "the server did not answer the refresh in time".into(),
                retry_after: None,
            })),
        };
        match outcome {
            Ok(tokens) => self.succeeded(tokens).await,
            Err(IssueError::SignInNeeded { message }) => Err(self.needs_sign_in(message).await),
            Err(IssueError::Transient {
                code,
                message,
                retry_after,
            }) => Err(self.fail(code, message, retry_after, false)),
            Err(IssueError::Setup { code, message }) => Err(self.needs_setup(code, message)),
            Err(IssueError::Failed { code, message }) => Err(self.fail(code, message, None, true)),
        }
    }
}
