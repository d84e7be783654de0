//! The app's local API proxies, at most one per session: the same server as
//! `drivly-keys proxy` (`drivly_local_api::serve_proxy`), run in this process and stopped from
//! the session card, on sign-out, or when the app quits.

use std::collections::BTreeMap;
use std::sync::Arc;

use drivly_core::profile::Profile;
use drivly_core::session::SessionRefresher;
use drivly_local_api::{ProxyConfig, RunningProxy, SessionTokenSource, serve_proxy};
use url::Url;

use crate::ipc_error::IpcResult;

/// The running proxies by session id.
#[derive(Debug, Default)]
pub struct LocalProxies {
    running: tokio::sync::Mutex<BTreeMap<String, RunningProxy>>,
}

impl LocalProxies {
    /// Starts a proxy for `session_id` (or returns the one already running): `profile`'s API
    /// on a free 127.0.0.1 port, with the tokens of `refresher`.
    ///
    /// # Errors
    /// A bind or client error.
    pub async fn start(
        &self,
        session_id: &str,
        refresher: Arc<SessionRefresher>,
        profile: &Profile,
    ) -> IpcResult<Url> {
        let mut running = self.running.lock().await;
        if let Some(proxy) = running.get(session_id) {
            return Ok(proxy.url.clone());
        }
        let proxy = serve_proxy(ProxyConfig {
            upstream: profile.base_url.clone(),
            source: Arc::new(SessionTokenSource::new(refresher)),
            port: 0,
            // Method, path, status and time only (see drivly_local_api::RequestLine).
            log: Arc::new(|line| tracing::info!(request = %line, "local proxy")),
        })
        .await?;
        let url = proxy.url.clone();
        running.insert(session_id.to_owned(), proxy);
        Ok(url)
    }

    /// Stops the proxy of `session_id`, if any.
    pub async fn stop(&self, session_id: &str) {
        let proxy = self.running.lock().await.remove(session_id);
        if let Some(proxy) = proxy {
            proxy.server.shutdown().await;
        }
    }

    /// The running proxies' session ids and URLs.
    pub async fn urls(&self) -> Vec<(String, Url)> {
        self.running
            .lock()
            .await
            .iter()
            .map(|(id, proxy)| (id.clone(), proxy.url.clone()))
            .collect()
    }

    /// The URL of `session_id`'s proxy, if one runs.
    pub async fn url_of(&self, session_id: &str) -> Option<Url> {
        self.running
            .lock()
            .await
            .get(session_id)
            .map(|p| p.url.clone())
    }
}
