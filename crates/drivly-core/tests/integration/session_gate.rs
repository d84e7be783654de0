//! Refreshers behind one refresh gate (issue #18): a session waiting for a slot still answers
//! callers from its held token, and slots go to the most urgent first (a waiting caller, then
//! the session nearest expiry), never in arrival order. The test holds the gate's only slot so
//! the queue can be built up, then lets it go. Wall time is a `ManualClock` that stays put; a
//! scripted issuer records which session's refresh token reached the "server" in what order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use drivly_core::clock::{Clock, ManualClock};
use drivly_core::profile::ProfileId;
use drivly_core::secret::{Jwt, RefreshToken};
use drivly_core::session::clock_watch::{ClockWatch, ClockWatchTask};
use drivly_core::session::{
    IssueError, IssuedTokens, MemorySessionStore, NoEvents, RefreshGate, RefresherConfig,
    RefresherDeps, SessionId, SessionMeta, SessionRefresher, SessionState, SharedJwt, TokenIssuer,
    establish,
};
use futures::FutureExt;
use futures::future::BoxFuture;

const WAIT: Duration = Duration::from_secs(20);
/// 20-minute tokens: refreshed at 14–16 min, servable (120 s left) until 18 min.
const LIFETIME: i64 = 1200;

/// Records the refresh tokens it is sent; issues fresh 20-minute JWTs, no rotation.
#[derive(Debug)]
struct Recording {
    clock: ManualClock,
    sent: Mutex<Vec<String>>,
}

impl TokenIssuer for Recording {
    fn refresh<'a>(
        &'a self,
        rt: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<IssuedTokens, IssueError>> {
        async move {
            self.sent
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rt.expose_secret().to_owned());
            let now = self.clock.now();
            Ok(IssuedTokens {
                jwt: Jwt::new(format!("jwt-new-{}", rt.expose_secret())),
                refresh_token: None,
                expires: now + TimeDelta::seconds(LIFETIME),
                requested_at: now,
                token_exp: None,
                sent: None,
                server_clock_skew_secs: None,
            })
        }
        .boxed()
    }

    fn revoke<'a>(
        &'a self,
        _rt: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<drivly_core::client::RevokeOutcome, IssueError>> {
        async { Ok(drivly_core::client::RevokeOutcome::Revoked) }.boxed()
    }
}

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0)
        .single()
        .unwrap_or_default()
}

struct Setup {
    clock: ManualClock,
    issuer: Arc<Recording>,
    store: Arc<MemorySessionStore>,
    gate: RefreshGate,
    dir: tempfile::TempDir,
    /// The app's clock watch (checking every 10 ms), which wakes refreshers on a jump.
    watch: (ClockWatch, ClockWatchTask),
}

impl Setup {
    fn new() -> Self {
        let clock = ManualClock::new(t0());
        Self {
            watch: ClockWatch::start(Arc::new(clock.clone()), Duration::from_millis(10)),
            issuer: Arc::new(Recording {
                clock: clock.clone(),
                sent: Mutex::new(Vec::new()),
            }),
            clock,
            store: Arc::new(MemorySessionStore::new()),
            gate: RefreshGate::new(1),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A session named `name` whose token was issued `age` seconds before now (`t0`).
    async fn session(&self, name: &str, age: i64) -> SessionRefresher {
        let meta = SessionMeta::new(
            SessionId::new_random(),
            ProfileId::parse("emulator").expect("id"),
            None,
            Vec::new(),
            t0(),
        );
        let issued = t0() - TimeDelta::seconds(age);
        let shared = SharedJwt {
            jwt: Jwt::new(format!("jwt-{name}")),
            requested_at: issued,
            expires: issued + TimeDelta::seconds(LIFETIME),
        };
        establish(self.store.clone(), &meta, &RefreshToken::new(name), &shared)
            .await
            .expect("stored");
        let mut config = RefresherConfig::new(self.dir.path());
        config.tick = Duration::from_secs(3600);
        config.rng_seed = Some(7);
        config.refresh_gate = Some(self.gate.clone());
        config.clock_watch = Some(self.watch.0.clone());
        let deps = RefresherDeps {
            issuer: self.issuer.clone(),
            store: self.store.clone(),
            events: Arc::new(NoEvents),
            clock: Arc::new(self.clock.clone()),
        };
        SessionRefresher::start(meta, deps, config).await
    }

    fn sent(&self) -> Vec<String> {
        self.issuer
            .sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    async fn wait_until(&self, what: &str, done: impl Fn() -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done() {
            assert!(tokio::time::Instant::now() < deadline, "waited for {what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn wait_queued(&self, n: usize) {
        self.wait_until(&format!("{n} waiting at the gate"), || {
            self.gate.peaks().waiting >= n
        })
        .await;
    }
}

#[tokio::test]
async fn a_session_queued_at_the_gate_still_serves_its_held_token() {
    let s = Setup::new();
    let held = s.gate.admit(tokio::time::Instant::now()).await;
    // Due (past 16 min) but still servable (2 min 20 s left).
    let session = s.session("a", 1060).await;
    s.wait_queued(1).await;
    let jwt = tokio::time::timeout(Duration::from_secs(2), session.token(None))
        .await
        .expect("answered without waiting for the queue")
        .expect("token");
    assert_eq!(jwt.expose_secret(), "jwt-a");
    assert_eq!(session.view().state, SessionState::Active);
    assert!(s.sent().is_empty(), "nothing went to the server yet");
    drop(held);
    s.wait_until("the queued refresh", || s.sent().len() == 1)
        .await;
    let mut view = session.subscribe();
    let _ = tokio::time::timeout(WAIT, view.wait_for(|v| v.state == SessionState::Active)).await;
    let jwt = session.token(None).await.expect("token");
    assert_eq!(jwt.expose_secret(), "jwt-new-a");
}

#[tokio::test]
async fn slots_go_to_a_waiting_caller_then_to_the_session_nearest_expiry() {
    let s = Setup::new();
    let held = s.gate.admit(tokio::time::Instant::now()).await;
    // Both due in the background; "late" has 3 min 20 s left, "soon" 2 min 30 s; they queue
    // in that order.
    let late = s.session("late", 1000).await;
    s.wait_queued(1).await;
    let soon = s.session("soon", 1050).await;
    s.wait_queued(2).await;
    // A fresh session (19 min 40 s left) whose caller needs 19 min 50 s: a refresh with
    // someone waiting on it, queued last.
    let asked = s.session("asked", 20).await;
    let caller = tokio::spawn(async move {
        let jwt = asked.token(Some(Duration::from_secs(1190))).await;
        (asked, jwt)
    });
    s.wait_queued(3).await;
    drop(held);
    s.wait_until("three refreshes", || s.sent().len() == 3)
        .await;
    assert_eq!(s.sent(), ["asked", "soon", "late"]);
    let (_asked, jwt) = caller.await.expect("caller");
    assert_eq!(jwt.expect("token").expose_secret(), "jwt-new-asked");
    drop((late, soon));
}

#[tokio::test]
async fn a_clock_stepped_back_still_gets_its_refresh_after_a_command_interrupts_the_wait() {
    let s = Setup::new();
    let held = s.gate.admit(tokio::time::Instant::now()).await;
    // Five minutes into a 20-minute token: not due, whatever the wall clock does next.
    let session = s.session("stepped", 300).await;
    // Stepped back 30 s: still after the token was requested, so only the step itself calls
    // for a refresh; the clock watch wakes the refresher, which queues.
    s.clock.set(t0() - TimeDelta::seconds(30));
    s.wait_queued(1).await;
    // A command that does not refresh gives the place up; the refresh is still owed.
    session
        .set_label(Some("work".into()))
        .await
        .expect("relabelled");
    drop(held);
    s.wait_until("the owed refresh", || s.sent().len() == 1)
        .await;
}
