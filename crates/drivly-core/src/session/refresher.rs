//! The handle to a session's refresher task: what the desktop shell and the CLI call.
//!
//! [`SessionRefresher::start`] loads the session from the store and spawns its task (see
//! `actor.rs`); the handle sends commands to it and watches its [`SessionView`]. Dropping the
//! handle cancels the task (a [`CancellationToken`]), so no refresh outlives its owner. The
//! handle is not `Clone` for that reason: share it behind an `Arc`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::actor::{Actor, Command};
use super::error::SessionError;
use super::model::{SessionId, SessionMeta, SessionView};
use super::policy::RefreshPolicy;
use super::ports::{Revocation, SessionEvents, SessionStore, SharedJwt, TokenIssuer};
use crate::clock::Clock;
use crate::secret::{Jwt, RefreshToken};

/// How many commands may queue before callers wait to enqueue.
const COMMAND_QUEUE: usize = 256;

/// The components a refresher works with.
#[derive(Debug, Clone)]
pub struct RefresherDeps {
    /// Refreshes and revokes (the profile's `DrivlyClient`).
    pub issuer: Arc<dyn TokenIssuer>,
    /// Secrets and records (the vault).
    pub store: Arc<dyn SessionStore>,
    /// Where changes are reported (the shell forwards them to the UI).
    pub events: Arc<dyn SessionEvents>,
    /// The wall clock.
    pub clock: Arc<dyn Clock>,
}

/// Timing settings of a refresher.
#[derive(Debug, Clone)]
pub struct RefresherConfig {
    /// The longest sleep between wall-clock checks (default 20 s). Short, because monotonic
    /// timers stop during system suspend; this bounds how late a resume is noticed.
    pub tick: Duration,
    /// The folder of the cross-process lock files (the app's data folder).
    pub lock_dir: PathBuf,
    /// How long to wait for another process's refresh (default 30 s).
    pub lock_timeout: Duration,
    /// An upper bound on one refresh or revoke call (default 60 s; the client has its own).
    pub request_timeout: Duration,
    /// The refresh policy.
    pub policy: RefreshPolicy,
    /// A fixed seed for the jitter, for reproducible tests; `None` seeds from the OS.
    pub rng_seed: Option<u64>,
    /// The process's shared watch for wall-clock jumps ([`super::clock_watch`]): with one, the
    /// refresher is woken by it after a suspend, and `tick` can be long.
    pub clock_watch: Option<super::clock_watch::ClockWatch>,
    /// The cap on refreshes in flight shared by every session of one server
    /// ([`super::refresh_gate`]); `None` lets each refresh go at once.
    pub refresh_gate: Option<super::refresh_gate::RefreshGate>,
}

impl RefresherConfig {
    /// Defaults, with lock files in `lock_dir`.
    pub fn new(lock_dir: impl Into<PathBuf>) -> Self {
        Self {
            tick: Duration::from_secs(20),
            lock_dir: lock_dir.into(),
            lock_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            policy: RefreshPolicy::default(),
            rng_seed: None,
            clock_watch: None,
            refresh_gate: None,
        }
    }
}

/// A session just stored by [`establish`], with the JWT it was issued: handed to
/// [`SessionRefresher::start_live`] so the refresher starts from it instead of reading back
/// the secrets that were just written. Holds a secret (the JWT), so it is not `Clone`.
#[derive(Debug)]
pub struct LiveSession {
    /// The stored record.
    pub meta: SessionMeta,
    /// The current JWT with its times.
    pub jwt: SharedJwt,
}

/// Stores a newly signed-in session: the refresh token first, then the JWT shared with other
/// processes, then the record. Hand the result to [`SessionRefresher::start_live`].
///
/// # Errors
/// [`SessionError::Store`] when the store refuses a write; the session is then unusable and
/// the user should sign in again.
pub async fn establish(
    store: Arc<dyn SessionStore>,
    meta: &SessionMeta,
    refresh_token: &RefreshToken,
    jwt: &SharedJwt,
) -> Result<LiveSession, SessionError> {
    let (owned_meta, refresh_token, shared) = (meta.clone(), refresh_token.clone(), jwt.clone());
    let written = tokio::task::spawn_blocking(move || {
        store.put_refresh_token(&owned_meta.id, &refresh_token)?;
        store.put_shared_jwt(&owned_meta.id, &shared)?;
        store.save_record(&owned_meta)
    })
    .await;
    match written {
        Ok(result) => result?,
        Err(_) => return Err(SessionError::Stopped),
    }
    Ok(LiveSession {
        meta: meta.clone(),
        jwt: jwt.clone(),
    })
}

/// A running session refresher. See the module docs.
#[derive(Debug)]
pub struct SessionRefresher {
    id: SessionId,
    commands: mpsc::Sender<Command>,
    view: watch::Receiver<SessionView>,
    cancel: CancellationToken,
}

impl SessionRefresher {
    /// Loads the session from the store (reusing a JWT another process shared) and starts its
    /// task on the current tokio runtime. A session without a stored refresh token starts in
    /// `needs_sign_in`.
    pub async fn start(meta: SessionMeta, deps: RefresherDeps, config: RefresherConfig) -> Self {
        let rng = match config.rng_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        let id = meta.id.clone();
        let cancel = CancellationToken::new();
        let (mut actor, view) = Actor::new(meta, deps, config, rng, cancel.clone());
        actor.load().await;
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        tokio::spawn(actor.run(receiver));
        Self {
            id,
            commands,
            view,
            cancel,
        }
    }

    /// Starts the task for a session [`establish`] just stored, from the tokens in hand: no
    /// store read (the refresh token stays in the store until the first refresh needs it).
    pub fn start_live(live: LiveSession, deps: RefresherDeps, config: RefresherConfig) -> Self {
        let rng = match config.rng_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        let id = live.meta.id.clone();
        let cancel = CancellationToken::new();
        let (mut actor, view) = Actor::new(live.meta, deps, config, rng, cancel.clone());
        actor.adopt(live.jwt);
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        tokio::spawn(actor.run(receiver));
        Self {
            id,
            commands,
            view,
            cancel,
        }
    }

    /// The session's identifier.
    pub fn session_id(&self) -> &SessionId {
        &self.id
    }

    /// A JWT with at least `min_ttl` left (by default 120 s, or half the lifetime for tokens
    /// living under 4 minutes). Refreshes first when needed; concurrent callers share one
    /// refresh. Never returns a token with less time left.
    ///
    /// # Errors
    /// [`SessionError::NeedsSignIn`], [`SessionError::SignedOut`],
    /// [`SessionError::RefreshFailed`] while the server cannot be reached (retrying
    /// automatically), [`SessionError::LifetimeTooShort`] when `min_ttl` exceeds what the
    /// server issues, [`SessionError::Stopped`].
    pub async fn token(&self, min_ttl: Option<Duration>) -> Result<Jwt, SessionError> {
        self.ask(|reply| Command::Token { min_ttl, reply }).await
    }

    /// Refreshes over the network now, ignoring the schedule and any backoff.
    ///
    /// # Errors
    /// As [`SessionRefresher::token`].
    pub async fn refresh_now(&self) -> Result<SessionView, SessionError> {
        self.ask(|reply| Command::RefreshNow { reply }).await
    }

    /// Sets the user's label for the session (`None` clears it), in its record and its view.
    ///
    /// # Errors
    /// [`SessionError::Store`] when the record cannot be written, [`SessionError::Stopped`].
    pub async fn set_label(&self, label: Option<String>) -> Result<SessionView, SessionError> {
        self.ask(|reply| Command::Relabel { label, reply }).await
    }

    /// Signs out: waits for an in-flight refresh, revokes the newest refresh token on the
    /// server when it supports that, deletes the keyring entries and forgets the JWT. Says
    /// plainly when the session was removed locally only.
    ///
    /// # Errors
    /// [`SessionError::Store`] when the keyring entries could not be deleted (the session is
    /// still signed out in memory), [`SessionError::Stopped`].
    pub async fn sign_out(&self) -> Result<Revocation, SessionError> {
        self.ask(|reply| Command::SignOut { reply }).await
    }

    /// The session as it is now.
    pub fn view(&self) -> SessionView {
        self.view.borrow().clone()
    }

    /// A receiver that sees every change of the view.
    pub fn subscribe(&self) -> watch::Receiver<SessionView> {
        self.view.clone()
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, SessionError>>) -> Command,
    ) -> Result<T, SessionError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| SessionError::Stopped)?;
        answer.await.map_err(|_| SessionError::Stopped)?
    }
}

impl Drop for SessionRefresher {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
