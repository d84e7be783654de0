//! Scheduling of the refresher on a hand-moved wall clock (`ManualClock`), with a scripted
//! issuer standing in for the server so wall-clock jumps need no server-side clock games:
//! nothing before the jittered point, a refresh after it, the 2-minute rule, `Retry-After`
//! respected with no network call per caller meanwhile, a clock stepping backwards, and an
//! 8-hour suspend noticed by the tick alone (the monotonic clock barely moves in these tests).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use drivly_core::clock::{Clock, ManualClock};
use drivly_core::profile::ProfileId;
use drivly_core::secret::{Jwt, RefreshToken};
use drivly_core::session::clock_watch::{ClockWatch, ClockWatchTask};
use drivly_core::session::{
    IssueError, IssuedTokens, MemorySessionStore, NoEvents, RefresherConfig, RefresherDeps,
    SessionError, SessionId, SessionMeta, SessionRefresher, SessionState, SharedJwt, TokenIssuer,
    establish,
};
use futures::FutureExt;
use futures::future::BoxFuture;

const WAIT: Duration = Duration::from_secs(20);

/// Issues `jwt-N`/`rt-N` on the manual clock, with scripted failures first.
#[derive(Debug)]
struct Scripted {
    clock: ManualClock,
    calls: AtomicUsize,
    failures: Mutex<VecDeque<IssueError>>,
}

impl TokenIssuer for Scripted {
    fn refresh<'a>(
        &'a self,
        _rt: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<IssuedTokens, IssueError>> {
        async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(e) = self
                .failures
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop_front()
            {
                return Err(e);
            }
            let now = self.clock.now();
            Ok(IssuedTokens {
                jwt: Jwt::new(format!("jwt-{n}")),
                refresh_token: Some(RefreshToken::new(format!("rt-{n}"))),
                expires: now + TimeDelta::seconds(600),
                requested_at: now,
                token_exp: Some(now + TimeDelta::seconds(600)),
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
    issuer: Arc<Scripted>,
    refresher: SessionRefresher,
    _dir: tempfile::TempDir,
    _watch: Option<ClockWatchTask>,
}

impl Setup {
    async fn new(failures: Vec<IssueError>) -> Self {
        Self::with_watch(failures, false).await
    }

    /// With `watched`, the refresher's own tick is an hour and a clock watch (checking every
    /// 10 ms) is what notices a jump, as in the app's background mode.
    async fn with_watch(failures: Vec<IssueError>, watched: bool) -> Self {
        let clock = ManualClock::new(t0());
        let issuer = Arc::new(Scripted {
            clock: clock.clone(),
            calls: AtomicUsize::new(0),
            failures: Mutex::new(failures.into()),
        });
        let store = Arc::new(MemorySessionStore::new());
        let meta = SessionMeta::new(
            SessionId::new_random(),
            ProfileId::parse("emulator").expect("id"),
            None,
            Vec::new(),
            t0(),
        );
        let shared = SharedJwt {
            jwt: Jwt::new("jwt-0"),
            requested_at: t0(),
            expires: t0() + TimeDelta::seconds(600),
        };
        establish(store.clone(), &meta, &RefreshToken::new("rt-0"), &shared)
            .await
            .expect("stored");
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = RefresherConfig::new(dir.path());
        config.tick = Duration::from_millis(10);
        config.rng_seed = Some(42);
        let mut watch_task = None;
        if watched {
            let (watch, task) =
                ClockWatch::start(Arc::new(clock.clone()), Duration::from_millis(10));
            config.clock_watch = Some(watch);
            config.tick = Duration::from_secs(3600);
            watch_task = Some(task);
        }
        let deps = RefresherDeps {
            issuer: issuer.clone(),
            store,
            events: Arc::new(NoEvents),
            clock: Arc::new(clock.clone()),
        };
        let refresher = SessionRefresher::start(meta, deps, config).await;
        Self {
            clock,
            issuer,
            refresher,
            _dir: dir,
            _watch: watch_task,
        }
    }

    fn calls(&self) -> usize {
        self.issuer.calls.load(Ordering::SeqCst)
    }

    fn at(&self, secs: i64) {
        self.clock.set(t0() + TimeDelta::seconds(secs));
    }

    /// Two round trips through the task: its loop has re-checked the schedule since `at`.
    async fn settle(&self) {
        for _ in 0..2 {
            let _ = self.refresher.view();
            let _ = tokio::time::timeout(WAIT, self.refresher.token(Some(Duration::ZERO))).await;
        }
    }

    async fn wait_calls(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.calls() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited for {n} refresh calls"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut rx = self.refresher.subscribe();
        let _ =
            tokio::time::timeout(WAIT, rx.wait_for(|v| v.state != SessionState::Refreshing)).await;
    }
}

#[tokio::test]
async fn nothing_before_the_jittered_point_then_one_refresh() {
    let s = Setup::new(Vec::new()).await;
    let planned = s.refresher.view().meta.next_refresh.expect("planned");
    assert!(planned >= t0() + TimeDelta::seconds(420) && planned <= t0() + TimeDelta::seconds(480));
    s.at(419);
    s.settle().await;
    assert_eq!(s.calls(), 0);
    s.at(481);
    s.wait_calls(1).await;
    assert_eq!(
        s.refresher
            .token(None)
            .await
            .expect("token")
            .expose_secret(),
        "jwt-1"
    );
    let next = s.refresher.view().meta.next_refresh.expect("planned");
    assert!(
        next >= t0() + TimeDelta::seconds(481 + 420)
            && next <= t0() + TimeDelta::seconds(481 + 480)
    );
    s.settle().await;
    assert_eq!(s.calls(), 1, "exactly one refresh per due point");
}

#[tokio::test]
async fn the_two_minute_rule_refreshes_before_handing_out() {
    let s = Setup::new(Vec::new()).await;
    s.at(401);
    // 199 s left: enough for the default 120 s, not for a caller asking 200 s.
    assert_eq!(
        s.refresher
            .token(None)
            .await
            .expect("token")
            .expose_secret(),
        "jwt-0"
    );
    assert_eq!(s.calls(), 0);
    assert_eq!(
        s.refresher
            .token(Some(Duration::from_secs(200)))
            .await
            .expect("token")
            .expose_secret(),
        "jwt-1"
    );
    assert_eq!(s.calls(), 1);
    let err = s
        .refresher
        .token(Some(Duration::from_secs(3600)))
        .await
        .expect_err("too long");
    assert!(
        matches!(
            err,
            SessionError::LifetimeTooShort {
                lifetime_secs: 600,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn retry_after_is_respected_without_a_call_per_caller() {
    let busy = IssueError::Transient {
        code: drivly_core::Code::ServiceUnavailable,
        message: "the server is temporarily unavailable".into(),
        retry_after: Some(TimeDelta::seconds(30)),
    };
    let s = Setup::new(vec![busy]).await;
    s.at(590); // the mandatory last minute
    s.wait_calls(1).await;
    let SessionState::Retrying { next_attempt, .. } = s.refresher.view().state else {
        panic!("expected retrying, got {:?}", s.refresher.view().state);
    };
    assert!(next_attempt >= t0() + TimeDelta::seconds(620));
    s.at(610);
    for _ in 0..10 {
        let err = s
            .refresher
            .token(None)
            .await
            .expect_err("no fresh token yet");
        assert!(matches!(err, SessionError::RefreshFailed { .. }), "{err:?}");
    }
    assert_eq!(
        s.calls(),
        1,
        "callers must not hammer a server that asked to wait"
    );
    s.at(621);
    s.wait_calls(2).await;
    assert_eq!(s.refresher.view().state, SessionState::Active);
    assert_eq!(
        s.refresher
            .token(None)
            .await
            .expect("token")
            .expose_secret(),
        "jwt-2"
    );
}

#[tokio::test]
async fn a_clock_stepping_backwards_triggers_a_refresh() {
    let s = Setup::new(Vec::new()).await;
    s.at(100);
    s.settle().await;
    assert_eq!(s.calls(), 0);
    s.clock.set(t0() - TimeDelta::hours(1));
    s.wait_calls(1).await;
    assert_eq!(
        s.refresher
            .token(None)
            .await
            .expect("token")
            .expose_secret(),
        "jwt-1"
    );
}

#[tokio::test]
async fn an_eight_hour_suspend_is_noticed_by_the_tick() {
    let s = Setup::new(Vec::new()).await;
    s.clock.advance(TimeDelta::hours(8));
    s.wait_calls(1).await;
    assert_eq!(s.refresher.view().state, SessionState::Active);
    assert_eq!(
        s.refresher
            .token(None)
            .await
            .expect("token")
            .expose_secret(),
        "jwt-1"
    );
    assert_eq!(s.calls(), 1);
}

#[tokio::test]
async fn an_eight_hour_suspend_is_noticed_by_the_shared_clock_watch() {
    // The app's background mode: one watch for all sessions, each refresher's tick an hour.
    let s = Setup::with_watch(Vec::new(), true).await;
    s.clock.advance(TimeDelta::hours(8));
    s.wait_calls(1).await;
    assert_eq!(s.refresher.view().state, SessionState::Active);
    assert_eq!(s.calls(), 1);
}

#[tokio::test]
async fn a_caller_right_after_a_backwards_step_gets_a_fresh_token() {
    let s = Setup::new(Vec::new()).await;
    s.clock.set(t0() - TimeDelta::hours(2));
    // Whether the tick or this call notices first, one refresh happens and its token is served.
    let jwt = s.refresher.token(None).await.expect("token");
    assert_eq!(jwt.expose_secret(), "jwt-1");
    assert_eq!(s.calls(), 1);
}

#[tokio::test]
async fn dropping_the_handle_stops_all_refreshing() {
    let s = Setup::new(Vec::new()).await;
    let Setup {
        clock,
        issuer,
        refresher,
        _dir,
        ..
    } = s;
    drop(refresher);
    clock.advance(TimeDelta::hours(1));
    // Long enough for many ticks of a task that was still running.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(issuer.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_missing_refresh_endpoint_stops_the_background_until_the_user_retries() {
    let missing = IssueError::Setup {
        code: drivly_core::Code::EndpointNotFound,
        message: "the server answered 404 for https://api.example/auth/refresh".into(),
    };
    let s = Setup::new(vec![missing]).await;
    s.at(590); // the mandatory last minute
    s.wait_calls(1).await;
    let SessionState::NeedsSetup { reason } = s.refresher.view().state else {
        panic!("expected needs setup, got {:?}", s.refresher.view().state);
    };
    assert_eq!(reason.code, "endpoint_not_found");
    assert!(
        reason.message.contains("/auth/refresh"),
        "{}",
        reason.message
    );
    // Neither time passing, the JWT expiring, nor a clock stepping back retries on its own.
    s.at(3600);
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.clock.set(t0());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        s.calls(),
        1,
        "a setup error is never retried in the background"
    );
    // The user's "Retry now" (after fixing the profile) goes to the server again.
    s.at(3600);
    let view = s.refresher.refresh_now().await.expect("refreshed");
    assert_eq!(view.state, SessionState::Active);
    assert_eq!(s.calls(), 2);
}
