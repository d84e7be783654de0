//! The sessions a process runs: one [`SessionRefresher`] per session, by id. The desktop app
//! keeps every stored session running in the background; the CLI starts a session's refresher
//! only while a command needs it ([`RunMode::OnDemand`]), so a short-lived process never leaves
//! a refresh cut off half-way when it exits.
//!
//! The refresher owns its refresh token; this registry only routes to it, so one process never
//! refreshes a session twice at once, and the core's file lock covers other processes.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;

use super::error::{UseCaseError, blocking};
use super::issuers::Issuers;
use crate::clock::Clock;
use crate::profile::ProfileId;
use crate::session::{
    LiveSession, RefreshGate, RefresherConfig, RefresherDeps, SessionEvents, SessionId,
    SessionMeta, SessionRefresher, SessionStore, SessionView,
    clock_watch::{CLOCK_CHECK_TICK, ClockWatch, ClockWatchTask},
    refresh_gate::DEFAULT_MAX_IN_FLIGHT,
};

/// Whether sessions keep running between commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Every session refreshes in the background for the life of the process (the app).
    Background,
    /// A refresher runs only while a command needs one (the CLI): a new sign-in is stored but
    /// not started.
    OnDemand,
}

/// The running sessions of this process. See the module docs.
pub struct RunningSessions {
    refreshers: Mutex<BTreeMap<SessionId, Arc<SessionRefresher>>>,
    store: Arc<dyn SessionStore>,
    events: Arc<dyn SessionEvents>,
    clock: Arc<dyn Clock>,
    issuers: Issuers,
    lock_dir: PathBuf,
    mode: RunMode,
    /// The one wall-clock watch of the background mode, started with the first refresher.
    clock_watch: std::sync::OnceLock<(ClockWatch, ClockWatchTask)>,
    /// One refresh gate per profile, as there is one client (one connection pool) per
    /// profile: a burst of due sessions queues instead of opening a socket each.
    gates: std::sync::Mutex<HashMap<ProfileId, RefreshGate>>,
}

/// A background refresher's longest sleep when the clock watch wakes it after a suspend.
const WATCHED_TICK: std::time::Duration = std::time::Duration::from_secs(10 * 60);

impl std::fmt::Debug for RunningSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSessions")
            .field("lock_dir", &self.lock_dir)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl RunningSessions {
    /// A registry with nothing running yet. `lock_dir` is the shared folder of the
    /// cross-process refresh locks ([`crate::app_paths::AppPaths::lock_dir`]).
    pub fn new(
        store: Arc<dyn SessionStore>,
        events: Arc<dyn SessionEvents>,
        clock: Arc<dyn Clock>,
        issuers: Issuers,
        lock_dir: impl Into<PathBuf>,
        mode: RunMode,
    ) -> Self {
        Self {
            refreshers: Mutex::default(),
            store,
            events,
            clock,
            issuers,
            lock_dir: lock_dir.into(),
            mode,
            clock_watch: std::sync::OnceLock::new(),
            gates: std::sync::Mutex::default(),
        }
    }

    /// The session store.
    pub fn store(&self) -> Arc<dyn SessionStore> {
        Arc::clone(&self.store)
    }

    /// The wall clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// How sessions run here.
    pub fn mode(&self) -> RunMode {
        self.mode
    }

    fn deps(&self, profile_id: &ProfileId) -> Result<RefresherDeps, UseCaseError> {
        Ok(RefresherDeps {
            issuer: (self.issuers)(profile_id)?,
            store: Arc::clone(&self.store),
            events: Arc::clone(&self.events),
            clock: Arc::clone(&self.clock),
        })
    }

    /// A refresher's settings. Every session of a profile shares that profile's refresh gate.
    /// In the background mode every refresher shares one clock watch (one timer for the
    /// process, not one per session) and otherwise sleeps until its next refresh; outside a
    /// tokio runtime, or on demand, each keeps its own short tick.
    fn config(&self, profile_id: &ProfileId) -> RefresherConfig {
        let mut config = RefresherConfig::new(&self.lock_dir);
        let gate = self
            .gates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(profile_id.clone())
            .or_insert_with(|| RefreshGate::new(DEFAULT_MAX_IN_FLIGHT))
            .clone();
        config.refresh_gate = Some(gate);
        if self.mode == RunMode::Background && tokio::runtime::Handle::try_current().is_ok() {
            let (watch, _) = self
                .clock_watch
                .get_or_init(|| ClockWatch::start(Arc::clone(&self.clock), CLOCK_CHECK_TICK));
            config.clock_watch = Some(watch.clone());
            config.tick = WATCHED_TICK;
        }
        config
    }

    /// Takes a session a sign-in just stored. In the background mode its refresher starts from
    /// the tokens in hand (no read-back); on demand it is only stored. Returns its view.
    ///
    /// # Errors
    /// When the profile's client cannot be built.
    pub async fn adopt(&self, live: LiveSession) -> Result<SessionView, UseCaseError> {
        if self.mode == RunMode::OnDemand {
            return Ok(SessionView {
                meta: live.meta,
                state: crate::session::SessionState::Active,
            });
        }
        let deps = self.deps(&live.meta.profile_id)?;
        let id = live.meta.id.clone();
        let config = self.config(&live.meta.profile_id);
        let refresher = SessionRefresher::start_live(live, deps, config);
        let view = refresher.view();
        self.refreshers.lock().await.insert(id, Arc::new(refresher));
        Ok(view)
    }

    /// Starts the refresher of a stored session (replacing a running one).
    ///
    /// # Errors
    /// When the profile's client cannot be built.
    pub async fn start(&self, meta: SessionMeta) -> Result<Arc<SessionRefresher>, UseCaseError> {
        let id = meta.id.clone();
        let refresher = self.spawn(meta).await?;
        self.refreshers
            .lock()
            .await
            .insert(id, Arc::clone(&refresher));
        Ok(refresher)
    }

    async fn spawn(&self, meta: SessionMeta) -> Result<Arc<SessionRefresher>, UseCaseError> {
        let (deps, config) = (self.deps(&meta.profile_id)?, self.config(&meta.profile_id));
        Ok(Arc::new(SessionRefresher::start(meta, deps, config).await))
    }

    /// Starts every stored session (the app at launch); returns how many started.
    ///
    /// # Errors
    /// When the store cannot list the records.
    pub async fn start_stored(&self) -> Result<usize, UseCaseError> {
        let store = self.store();
        let records = blocking(move || store.records()).await?;
        let mut started = 0;
        for meta in records {
            match self.start(meta).await {
                Ok(_) => started += 1,
                Err(error) => {
                    use crate::ErrorCode;
                    tracing::warn!(
                        code = error.code().as_str(),
                        "a stored session could not start"
                    );
                }
            }
        }
        Ok(started)
    }

    /// The running refresher of `id`, or a new one over its stored record.
    ///
    /// # Errors
    /// [`UseCaseError::SessionNotFound`] when it is neither running nor stored.
    pub async fn get(&self, id: &SessionId) -> Result<Arc<SessionRefresher>, UseCaseError> {
        // Held while a stored session starts, so two callers never start it twice.
        let mut refreshers = self.refreshers.lock().await;
        if let Some(running) = refreshers.get(id) {
            return Ok(Arc::clone(running));
        }
        let store = self.store();
        let records = blocking(move || store.records()).await?;
        let meta = records
            .into_iter()
            .find(|m| &m.id == id)
            .ok_or(UseCaseError::SessionNotFound)?;
        let refresher = self.spawn(meta).await?;
        refreshers.insert(id.clone(), Arc::clone(&refresher));
        Ok(refresher)
    }

    /// Stops the refresher of `id` (dropping the last handle cancels its task).
    pub async fn stop(&self, id: &SessionId) {
        self.refreshers.lock().await.remove(id);
    }

    /// Stops every refresher (on quit).
    pub async fn stop_all(&self) {
        self.refreshers.lock().await.clear();
    }

    /// Every running session's view, oldest first.
    pub async fn views(&self) -> Vec<SessionView> {
        let refreshers = self.refreshers.lock().await;
        let mut views: Vec<SessionView> = refreshers.values().map(|r| r.view()).collect();
        views.sort_by_key(|v| v.meta.created);
        views
    }
}
