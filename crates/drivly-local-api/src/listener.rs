//! A local server's socket and lifetime: bound to 127.0.0.1 only, stopped on request or drop.

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::LocalApiError;

/// A running local server. Dropping it stops the server too (in-flight requests are cut).
#[derive(Debug)]
pub struct LocalServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl LocalServer {
    /// Binds 127.0.0.1:`port` (0 = any free port) and serves the router `app` makes for the
    /// port actually bound (the request guard needs it).
    ///
    /// # Errors
    /// [`LocalApiError::Bind`] when the port is taken or not allowed.
    pub(crate) async fn start(
        port: u16,
        app: impl FnOnce(u16) -> Router,
    ) -> Result<Self, LocalApiError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| LocalApiError::Bind {
                port,
                detail: e.kind().to_string(),
            })?;
        let addr = listener.local_addr().map_err(|e| LocalApiError::Bind {
            port,
            detail: e.kind().to_string(),
        })?;
        let router = app(addr.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "a local server stopped with an error");
            }
        });
        Ok(Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address it listens on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish (up to two seconds), and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
