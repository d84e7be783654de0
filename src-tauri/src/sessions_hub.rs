//! The app's running sessions: one [`SessionRefresher`] per stored session, started at launch
//! and after each sign-in, stopped on sign-out (dropping a refresher cancels its task).
//!
//! The refresher owns its refresh token; the hub only routes commands to it, so two refreshes
//! of one session never happen in this process, and the core's file lock covers the CLI.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use drivly_core::client::DrivlyClient;
use drivly_core::clock::Clock;
use drivly_core::profile::store::ProfileStore;
use drivly_core::secret::Jwt;
use drivly_core::session::ports::{Revocation, SessionEvents, SessionStore};
use drivly_core::session::{
    RefresherConfig, RefresherDeps, SessionMeta, SessionRefresher, SessionView,
};
use tokio::sync::Mutex;

use crate::ipc_error::{IpcError, IpcResult};

/// The running refreshers, by session id.
#[derive(Debug)]
pub struct SessionHub {
    refreshers: Mutex<BTreeMap<String, Arc<SessionRefresher>>>,
    store: Arc<dyn SessionStore>,
    events: Arc<dyn SessionEvents>,
    clock: Arc<dyn Clock>,
    profiles: Arc<ProfileStore>,
    lock_dir: std::path::PathBuf,
}

impl SessionHub {
    /// A hub with no sessions running yet.
    pub fn new(
        store: Arc<dyn SessionStore>,
        events: Arc<dyn SessionEvents>,
        clock: Arc<dyn Clock>,
        profiles: Arc<ProfileStore>,
        lock_dir: std::path::PathBuf,
    ) -> Self {
        Self {
            refreshers: Mutex::default(),
            store,
            events,
            clock,
            profiles,
            lock_dir,
        }
    }

    /// The session store (the vault's keyring entries and records).
    pub fn store(&self) -> Arc<dyn SessionStore> {
        Arc::clone(&self.store)
    }

    /// Starts a refresher for `meta` (a stored session). Replaces any running one for it.
    pub async fn start(&self, meta: SessionMeta) -> IpcResult<SessionView> {
        let profile = self.profiles.get(&meta.profile_id)?;
        let client = DrivlyClient::new(&profile)?;
        let deps = RefresherDeps {
            issuer: Arc::new(client),
            store: Arc::clone(&self.store),
            events: Arc::clone(&self.events),
            clock: Arc::clone(&self.clock),
        };
        let id = meta.id.as_str().to_owned();
        let refresher =
            SessionRefresher::start(meta, deps, RefresherConfig::new(&self.lock_dir)).await;
        let view = refresher.view();
        self.refreshers.lock().await.insert(id, Arc::new(refresher));
        Ok(view)
    }

    /// Starts refreshers for `sessions` (the stored ones, at launch).
    pub async fn start_all(&self, sessions: Vec<SessionMeta>) -> usize {
        let mut started = 0;
        for meta in sessions {
            match self.start(meta).await {
                Ok(_) => started += 1,
                Err(error) => tracing::warn!(code = error.code, "a stored session could not start"),
            }
        }
        started
    }

    /// Every session's current view, oldest first.
    pub async fn views(&self) -> Vec<SessionView> {
        let refreshers = self.refreshers.lock().await;
        let mut views: Vec<SessionView> = refreshers.values().map(|r| r.view()).collect();
        views.sort_by_key(|v| v.meta.created);
        views
    }

    async fn get(&self, id: &str) -> IpcResult<Arc<SessionRefresher>> {
        self.refreshers
            .lock()
            .await
            .get(id)
            .cloned()
            .ok_or_else(|| {
                IpcError::new(
                    "session_not_found",
                    "that session no longer exists; refresh the list",
                )
            })
    }

    /// A JWT with at least `min_ttl` left (`None`: the policy's minimum), refreshing first
    /// when needed.
    pub async fn token(&self, id: &str, min_ttl: Option<Duration>) -> IpcResult<Jwt> {
        Ok(self.get(id).await?.token(min_ttl).await?)
    }

    /// Refreshes now (the UI's "Retry now").
    pub async fn refresh_now(&self, id: &str) -> IpcResult<SessionView> {
        Ok(self.get(id).await?.refresh_now().await?)
    }

    /// Signs out: revokes on the server when it can, deletes the secrets, stops the refresher.
    pub async fn sign_out(&self, id: &str) -> IpcResult<Revocation> {
        let refresher = self.get(id).await?;
        let revocation = refresher.sign_out().await.map_err(IpcError::from)?;
        self.refreshers.lock().await.remove(id);
        Ok(revocation)
    }

    /// Stops the refresher of `id` without signing out (the session was signed out by another
    /// process); dropping the last handle cancels its task.
    pub async fn stop(&self, id: &str) {
        self.refreshers.lock().await.remove(id);
    }

    /// Stops every refresher (on quit).
    pub async fn stop_all(&self) {
        self.refreshers.lock().await.clear();
    }
}
