//! The app's running sessions: the core's [`RunningSessions`] in the background mode (every
//! stored session refreshes for the app's life), with the shell's string ids and IPC errors.
//! Starting, signing in and out are the core's use cases; this only adapts.

use std::sync::Arc;
use std::time::Duration;

use drivly_core::clock::Clock;
use drivly_core::profile::store::ProfileStore;
use drivly_core::secret::Jwt;
use drivly_core::session::ports::{SessionEvents, SessionStore};
use drivly_core::session::{SessionId, SessionView};
use drivly_core::usecases::{RunMode, RunningSessions, UseCaseError, issuers_from_store};

use crate::ipc_error::{IpcError, IpcResult};

/// The running refreshers, by session id.
#[derive(Debug)]
pub struct SessionHub {
    running: RunningSessions,
}

/// A session id from the UI.
pub fn session_id(id: &str) -> IpcResult<SessionId> {
    SessionId::parse(id).ok_or_else(|| UseCaseError::SessionNotFound.into())
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
            running: RunningSessions::new(
                store,
                events,
                clock,
                issuers_from_store(profiles),
                lock_dir,
                RunMode::Background,
            ),
        }
    }

    /// The core's registry, for the use cases.
    pub fn running(&self) -> &RunningSessions {
        &self.running
    }

    /// Starts every stored session (at launch); returns how many started.
    pub async fn start_stored(&self) -> usize {
        self.running.start_stored().await.unwrap_or_else(|error| {
            let error = IpcError::from(error);
            tracing::warn!(
                code = error.code.as_str(),
                "the stored sessions could not be listed"
            );
            0
        })
    }

    /// Every session's current view, oldest first.
    pub async fn views(&self) -> Vec<SessionView> {
        self.running.views().await
    }

    /// A JWT with at least `min_ttl` left (`None`: the policy's minimum), refreshing first
    /// when needed.
    pub async fn token(&self, id: &str, min_ttl: Option<Duration>) -> IpcResult<Jwt> {
        let refresher = self.running.get(&session_id(id)?).await?;
        Ok(refresher.token(min_ttl).await?)
    }

    /// The profile the session `id` belongs to.
    pub async fn profile_of(&self, id: &str) -> IpcResult<drivly_core::profile::ProfileId> {
        let refresher = self.running.get(&session_id(id)?).await?;
        Ok(refresher.view().meta.profile_id)
    }

    /// Refreshes now (the UI's "Retry now").
    pub async fn refresh_now(&self, id: &str) -> IpcResult<SessionView> {
        let refresher = self.running.get(&session_id(id)?).await?;
        Ok(refresher.refresh_now().await?)
    }

    /// Stops the refresher of `id` without signing out (the session was signed out by another
    /// process); dropping the last handle cancels its task.
    pub async fn stop(&self, id: &str) {
        if let Ok(id) = session_id(id) {
            self.running.stop(&id).await;
        }
    }

    /// Stops every refresher (on quit).
    pub async fn stop_all(&self) {
        self.running.stop_all().await;
    }
}
