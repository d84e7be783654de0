//! Shared setup of the session tests: an emulator, a signed-in session stored in an in-memory
//! store, and a refresher over the real `DrivlyClient`.
//!
//! The sign-in walks the emulator's real login and consent pages and exchanges the code with a
//! PKCE verifier made here (the login module has its own tests; these tests are about what
//! happens after sign-in).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use drivly_core::client::DrivlyClient;
use drivly_core::clock::{Clock, SystemClock};
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::secret::{AuthCode, PkceVerifier};
use drivly_core::session::{
    MemorySessionStore, RefresherConfig, RefresherDeps, SessionEvent, SessionId, SessionMeta,
    SessionRefresher, SessionView, SharedJwt, establish,
};
use drivly_emulator::{Config, Emulator};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

/// A bound on every wait, so a broken refresher fails the test instead of hanging it.
pub const WAIT: Duration = Duration::from_secs(20);

/// A test session: the emulator, the store, and the refresher's parts.
pub struct Harness {
    pub emu: Emulator,
    pub profile: Profile,
    pub store: MemorySessionStore,
    pub meta: SessionMeta,
    pub lock_dir: tempfile::TempDir,
    pub events: mpsc::UnboundedReceiver<SessionEvent>,
    pub sink: mpsc::UnboundedSender<SessionEvent>,
}

pub async fn emulator(config: Config) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

pub fn client(profile: &Profile, clock: Arc<dyn Clock>) -> DrivlyClient {
    DrivlyClient::builder(profile)
        .timeout(Duration::from_secs(10))
        .clock(clock)
        .build()
        .expect("client builds")
}

/// Signs in through the emulator's pages and returns the code exchange's tokens.
pub async fn sign_in(emu: &Emulator, client: &DrivlyClient) -> drivly_core::client::TokenSet {
    let verifier = "session-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect_uri = "ly.driv.keys.test:/auth/callback";
    let mut url = url::Url::parse(&format!("{}/auth", emu.base_url())).expect("url");
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "state-session-tests-0123456789")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("permissions", "invoices.read");
    let (email, password) = emu.demo_user();
    let back = drivly_emulator::testing::complete_browser_login(&url, &email, &password, true)
        .await
        .expect("browser login");
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .expect("code in redirect");
    client
        .exchange_code(
            &AuthCode::new(code),
            &PkceVerifier::new(verifier),
            redirect_uri,
        )
        .await
        .expect("code exchange")
}

impl Harness {
    /// An emulator with `config`, a signed-in session in a fresh store.
    pub async fn new(config: Config) -> Self {
        let emu = emulator(config).await;
        Self::with_emulator(emu).await
    }

    pub async fn with_emulator(emu: Emulator) -> Self {
        let profile = Profile::emulator(emu.base_url());
        let tokens = sign_in(&emu, &client(&profile, Arc::new(SystemClock))).await;
        let meta = SessionMeta::new(
            SessionId::new_random(),
            ProfileId::parse("emulator").expect("profile id"),
            None,
            vec!["invoices.read".into()],
            chrono::Utc::now(),
        );
        let store = MemorySessionStore::new();
        let refresh_token = tokens.refresh_token.expect("sign-in gives a refresh token");
        let shared = SharedJwt {
            jwt: tokens.jwt,
            requested_at: tokens.requested_at,
            expires: tokens.expires,
        };
        establish(Arc::new(store.clone()), &meta, &refresh_token, &shared)
            .await
            .expect("session stored");
        let (sink, events) = mpsc::unbounded_channel();
        Self {
            emu,
            profile,
            store,
            meta,
            lock_dir: tempfile::tempdir().expect("temp dir"),
            events,
            sink,
        }
    }

    /// Replaces the stored JWT's expiry, to put the session at (or past) expiry.
    pub fn set_stored_expiry(&self, expires: chrono::DateTime<chrono::Utc>) {
        use drivly_core::session::SessionStore;
        let shared = self
            .store
            .shared_jwt(&self.meta.id)
            .expect("read")
            .expect("a JWT");
        let shared = SharedJwt {
            requested_at: expires - chrono::TimeDelta::seconds(600),
            expires,
            ..shared
        };
        self.store
            .put_shared_jwt(&self.meta.id, &shared)
            .expect("write");
    }

    pub fn config(&self, tick: Duration) -> RefresherConfig {
        let mut config = RefresherConfig::new(self.lock_dir.path());
        config.tick = tick;
        config.lock_timeout = Duration::from_secs(15);
        config.rng_seed = Some(7);
        config
    }

    /// A refresher on the real client and the system clock.
    pub async fn refresher(&self, tick: Duration) -> SessionRefresher {
        self.refresher_with_clock(tick, Arc::new(SystemClock)).await
    }

    pub async fn refresher_with_clock(
        &self,
        tick: Duration,
        clock: Arc<dyn Clock>,
    ) -> SessionRefresher {
        let deps = RefresherDeps {
            issuer: Arc::new(client(&self.profile, clock.clone())),
            store: Arc::new(self.store.clone()),
            events: Arc::new(self.sink.clone()),
            clock,
        };
        SessionRefresher::start(self.meta.clone(), deps, self.config(tick)).await
    }

    /// Statuses of the refresh requests the emulator saw, in order.
    pub fn refresh_statuses(&self) -> Vec<u16> {
        self.emu
            .request_log()
            .iter()
            .filter(|r| r.path == "/api/auth/refresh")
            .map(|r| r.status)
            .collect()
    }

    pub fn revoke_count(&self) -> usize {
        self.emu
            .request_log()
            .iter()
            .filter(|r| r.path == "/api/auth/revoke")
            .count()
    }
}

/// Waits until the view satisfies `pred`, or fails after [`WAIT`].
pub async fn wait_for_view(
    refresher: &SessionRefresher,
    pred: impl Fn(&SessionView) -> bool,
) -> SessionView {
    let mut rx = refresher.subscribe();
    let found = tokio::time::timeout(WAIT, rx.wait_for(|v| pred(v))).await;
    match found {
        Ok(Ok(view)) => view.clone(),
        _ => panic!(
            "the session never reached the expected state; it is {:?}",
            refresher.view().state
        ),
    }
}

/// Polls `pred` every 20 ms until true, or fails after [`WAIT`].
pub async fn wait_until(what: &str, pred: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !pred() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Harness {
    /// Stops the emulator (a placeholder takes its place in the struct) and returns its port.
    pub async fn stop_emulator(&mut self) -> u16 {
        let placeholder = emulator(Config::default()).await;
        let old = std::mem::replace(&mut self.emu, placeholder);
        let port = old.base_url().port().expect("port");
        old.shutdown().await;
        port
    }
}
