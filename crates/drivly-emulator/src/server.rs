//! The embeddable emulator: [`Emulator::start`] binds 127.0.0.1, serves until
//! [`Emulator::shutdown`] or drop, and exposes the test controls as methods.
//!
//! Connections are served by hyper directly (not `axum::serve`) so that one request can drop its
//! own connection without answering, which the "rotation committed, answer lost" fault needs.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tower::ServiceExt;
use url::Url;

use crate::config::Config;
use crate::controls::{Controls, Endpoint, Fault, LoggedRequest};
use crate::persist::PersistError;
use crate::routes::ConnectionKill;
use crate::shared::Shared;
use crate::signing::{Signer, SigningError};
use crate::state::State;
use crate::tokens::random_token;

/// The demo user's email.
pub const DEMO_EMAIL: &str = "demo@drivly.test";
/// The demo user's password (a demo: printed on start and shown on the login page).
pub const DEMO_PASSWORD: &str = "drivly-demo";

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}; pick another port or 0 for any free one")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The state file could not be read or written.
    #[error(transparent)]
    State(#[from] PersistError),
    /// The signing key could not be set up.
    #[error(transparent)]
    Signing(#[from] SigningError),
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Emulator {
    /// Starts an emulator on 127.0.0.1 (port `config.port`, `0` for an ephemeral one), seeded with
    /// the demo user, a fresh demo API key, the configured keys and users, and the state file.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        let config = config.with_dialects_applied();
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|source| StartError::Bind {
                port: config.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            port: config.port,
            source,
        })?;
        let shared = Arc::new(build_shared(&config, addr)?);
        shared.persist_now()?;
        let (shutdown, receiver) = watch::channel(false);
        let router = crate::routes::router(shared.clone());
        let task = tokio::spawn(accept_loop(listener, router, receiver));
        tracing::info!(base_url = %shared.base_url, "emulator listening");
        Ok(Self {
            shared,
            shutdown,
            task: Mutex::new(Some(task)),
        })
    }

    /// `http://127.0.0.1:PORT/api`, without a trailing slash.
    pub fn base_url(&self) -> Url {
        self.shared.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn origin(&self) -> Url {
        self.shared.origin.clone()
    }

    /// The demo user's `(email, password)`.
    pub fn demo_user(&self) -> (String, String) {
        self.shared.demo_user.clone()
    }

    /// The demo API key generated at start.
    pub fn demo_api_key(&self) -> String {
        self.shared.demo_api_key.clone()
    }

    /// Creates an API key (as the dashboard does) and returns its value.
    pub fn create_api_key(&self, label: &str) -> String {
        let now = self.shared.now();
        let key = self.shared.state().create_api_key(label, now);
        let _ = self.shared.persist();
        key
    }

    /// Sets the lifetime of session JWTs issued from now on.
    pub fn set_jwt_lifetime(&self, lifetime: Duration) {
        self.shared.controls().jwt_lifetime = lifetime;
    }

    /// Turns refresh-token rotation on or off.
    pub fn set_rotation(&self, enabled: bool) {
        self.shared.controls().rotation = enabled;
    }

    /// Delays every request (outside `/__emulator/`) by `latency`.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.controls().latency = latency;
    }

    /// Answers the next `count` requests to `endpoint` with `status` (and `Retry-After` when
    /// given) instead of handling them.
    pub fn fail_next(&self, endpoint: Endpoint, count: u32, status: u16, retry_after: Option<u64>) {
        if count > 0 {
            self.shared.controls().faults.push(Fault {
                endpoint,
                remaining: count,
                status,
                retry_after,
            });
        }
    }

    /// While on, every refresh answers `400 invalid_grant`.
    pub fn refresh_invalid_grant(&self, enabled: bool) {
        self.shared.controls().refresh_invalid_grant = enabled;
    }

    /// The next refresh that rotates commits the new refresh token, then drops the connection
    /// without answering (the client never learns the new token).
    pub fn drop_connection_after_next_rotation(&self) {
        self.shared.controls().drop_after_rotation = true;
    }

    /// Sets the emulator's clock to system time plus `skew` (replaces any earlier skew).
    pub fn skew_clock(&self, skew: chrono::Duration) {
        self.shared.controls().skew = skew;
    }

    /// Every request so far outside `/__emulator/`, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.log().clone()
    }

    /// Returns to the state right after start: seeded data, initial controls, empty log. The
    /// signing key, port and demo credentials stay.
    pub fn reset(&self) {
        reset(&self.shared);
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let task = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Resets state, controls and log (shared by the Rust and HTTP controls).
pub(crate) fn reset(shared: &Shared) {
    *shared.state() = shared.seed.clone();
    *shared.controls() = shared.initial_controls.clone();
    shared.log().clear();
    let _ = shared.persist();
    tracing::info!("reset to the seeded state");
}

fn build_shared(config: &Config, addr: SocketAddr) -> Result<Shared, StartError> {
    let origin = Url::parse(&format!("http://{addr}/")).map_err(|e| StartError::Bind {
        port: config.port,
        source: std::io::Error::other(e.to_string()),
    })?;
    let base_url = Url::parse(&format!("http://{addr}/api")).map_err(|e| StartError::Bind {
        port: config.port,
        source: std::io::Error::other(e.to_string()),
    })?;
    let now = chrono::Utc::now();
    let persisted = match &config.state_file {
        Some(path) => crate::persist::load(path)?,
        None => None,
    };
    let signer = Signer::new(
        &config.signing,
        persisted.as_ref().and_then(|p| p.signing_seed.as_deref()),
    )?;
    let mut state = State::seeded(now);
    if let Some(persisted) = persisted {
        state.restore(persisted);
    }
    // The demo key is new at every start: only its digest is ever stored, so an old one could
    // not be printed again. The previous run's demo key is revoked.
    for key in state
        .api_keys
        .iter_mut()
        .filter(|k| k.label == DEMO_KEY_LABEL && k.revoked_at.is_none())
    {
        key.revoked_at = Some(now);
    }
    let demo_api_key = state.create_api_key(DEMO_KEY_LABEL, now);
    for (index, key) in config.api_keys.iter().enumerate() {
        state.add_api_key(&format!("Seeded key {}", index + 1), key, now);
    }
    state.add_user(DEMO_EMAIL, DEMO_PASSWORD);
    for (email, password) in &config.users {
        state.add_user(email, password);
    }
    let controls = Controls::from_config(config);
    Ok(Shared {
        seed: state.clone(),
        state: Mutex::new(state),
        initial_controls: controls.clone(),
        controls: Mutex::new(controls),
        log: Mutex::new(Vec::new()),
        signer,
        base_url,
        origin,
        token_redirect: config.token_redirect,
        shape: crate::dialect::Shape::from_dialects(&config.dialects),
        dashboard_csrf: random_token("", 24),
        demo_user: (DEMO_EMAIL.to_owned(), DEMO_PASSWORD.to_owned()),
        demo_api_key,
        state_file: config.state_file.clone(),
        persist_lock: Mutex::new(()),
    })
}

const DEMO_KEY_LABEL: &str = "Demo key";

async fn accept_loop(
    listener: TcpListener,
    router: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Transient (for example too many open files): wait briefly, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        tokio::spawn(serve_connection(stream, router.clone(), shutdown.clone()));
    }
    tracing::info!("emulator stopped");
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let kill = Arc::new(Notify::new());
    let marker = ConnectionKill(kill.clone());
    let service = router.map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(marker.clone());
        req
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::select! {
        _ = connection => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}
