//! The session refresher against the emulator over 127.0.0.1: rotation cycles, lost responses,
//! `503` with `Retry-After`, offline and back, `invalid_grant`, sign-out racing a refresh,
//! single flight under 50 concurrent callers, and two refreshers sharing one store and lock.

use super::session_common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use drivly_core::ErrorCode;
use drivly_core::client::jwt_exp;
use drivly_core::session::{Revocation, SessionError, SessionEvent, SessionState, SessionStore};
use drivly_emulator::{Config, Endpoint};
use session_common::{Harness, WAIT, wait_for_view, wait_until};

const LONG_TICK: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn a_hundred_rotation_cycles_keep_the_session_alive() {
    let h = Harness::new(Config::default()).await;
    h.emu.set_jwt_lifetime(Duration::from_secs(3));
    let refresher = h.refresher(LONG_TICK).await;
    let mut previous = String::new();
    for cycle in 0..100 {
        let view = refresher
            .refresh_now()
            .await
            .unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        assert_eq!(view.state, SessionState::Active, "cycle {cycle}");
        let jwt = refresher.token(Some(Duration::ZERO)).await.expect("token");
        assert_ne!(
            jwt.expose_secret(),
            previous,
            "cycle {cycle} gave the same JWT"
        );
        previous = jwt.expose_secret().to_owned();
    }
    let statuses = h.refresh_statuses();
    assert_eq!(statuses.len(), 100);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    // The stored refresh token is the newest one: the session was never revoked.
    h.emu.set_jwt_lifetime(Duration::from_secs(600));
    refresher
        .refresh_now()
        .await
        .expect("still alive after 100 rotations");
    let stored = h
        .store
        .shared_jwt(&h.meta.id)
        .expect("read")
        .expect("shared JWT");
    assert!(stored.expires - Utc::now() > TimeDelta::seconds(590));
}

#[tokio::test]
async fn the_background_refreshes_short_lived_tokens_by_itself() {
    let h = Harness::new(Config::default()).await;
    h.emu.set_jwt_lifetime(Duration::from_secs(3));
    // The first token lives 10 minutes: refresh once by hand to get a short-lived one.
    let refresher = h.refresher(Duration::from_millis(100)).await;
    refresher.refresh_now().await.expect("first refresh");
    wait_until("three background refreshes", || {
        h.refresh_statuses().len() >= 4
    })
    .await;
    assert!(h.refresh_statuses().iter().all(|s| *s == 200));
    // Whatever the moment, a handed-out token has at least half its 3 s lifetime left.
    let jwt = refresher.token(None).await.expect("token");
    let exp = jwt_exp(jwt.expose_secret()).expect("exp");
    assert!(exp > Utc::now(), "an expired token was handed out");
    let view = refresher.view();
    assert!(view.meta.last_refresh.is_some() && view.meta.next_refresh.is_some());
}

#[tokio::test]
async fn a_lost_response_after_rotation_ends_in_sign_in_without_a_loop() {
    let mut h = Harness::new(Config::default()).await;
    let refresher = h.refresher(Duration::from_millis(50)).await;
    h.emu.drop_connection_after_next_rotation();
    let err = refresher
        .refresh_now()
        .await
        .expect_err("the answer is lost");
    assert!(matches!(err, SessionError::RefreshFailed { .. }), "{err:?}");
    // The background retry uses the old (now dead) token: the server says invalid_grant.
    let view = wait_for_view(&refresher, |v| {
        matches!(v.state, SessionState::NeedsSignIn { .. })
    })
    .await;
    assert_eq!(h.refresh_statuses(), vec![0, 400]);
    assert!(
        !h.store.has_secrets(&h.meta.id),
        "a dead refresh token was kept"
    );
    assert!(view.meta.next_refresh.is_none());
    // No loop: more ticks and callers cause no more requests.
    assert!(matches!(
        refresher.token(None).await,
        Err(SessionError::NeedsSignIn { .. })
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.refresh_statuses().len(), 2);
    let mut saw_notification = false;
    while let Ok(event) = h.events.try_recv() {
        saw_notification |= matches!(event, SessionEvent::SignInNeeded { .. });
    }
    assert!(saw_notification);
}

#[tokio::test]
async fn service_unavailable_with_retry_after_backs_off_then_recovers() {
    let h = Harness::new(Config::default()).await;
    let refresher = h.refresher(Duration::from_millis(50)).await;
    h.emu.fail_next(Endpoint::Refresh, 1, 503, Some(2));
    let before = Utc::now();
    let err = refresher.refresh_now().await.expect_err("503");
    assert_eq!(err.code(), "refresh_failed");
    let SessionState::Retrying {
        next_attempt,
        last_error,
    } = refresher.view().state
    else {
        panic!("expected retrying, got {:?}", refresher.view().state);
    };
    assert_eq!(last_error.code, "service_unavailable");
    assert!(
        next_attempt >= before + TimeDelta::seconds(2),
        "Retry-After not honoured"
    );
    // The current token still has minutes left, so callers are served meanwhile, offline.
    refresher
        .token(None)
        .await
        .expect("the valid token is still served");
    wait_for_view(&refresher, |v| v.state == SessionState::Active).await;
    assert_eq!(h.refresh_statuses(), vec![503, 200]);
    let second = h
        .emu
        .request_log()
        .into_iter()
        .filter(|r| r.path == "/api/auth/refresh")
        .nth(1);
    let second = second.expect("a retry");
    assert!(second.at >= before + TimeDelta::seconds(2));
}

#[tokio::test]
async fn offline_then_back_online() {
    let state_dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        state_file: Some(state_dir.path().join("emulator.json")),
        ..Config::default()
    };
    let mut h = Harness::new(config.clone()).await;
    let refresher = h.refresher(LONG_TICK).await;
    let port = h.stop_emulator().await;
    let err = refresher.refresh_now().await.expect_err("offline");
    let SessionError::RefreshFailed { code, .. } = err else {
        panic!("expected a retryable failure, got {err:?}");
    };
    assert_eq!(code, "network_error");
    assert!(matches!(
        refresher.view().state,
        SessionState::Retrying { .. }
    ));
    // Offline, the still-valid token is served from memory.
    refresher.token(None).await.expect("served offline");
    // The server comes back on the same port with its saved state.
    h.emu = session_common::emulator(Config { port, ..config }).await;
    let view = refresher.refresh_now().await.expect("online again");
    assert_eq!(view.state, SessionState::Active);
    assert_eq!(h.refresh_statuses(), vec![200]);
}

#[tokio::test]
async fn invalid_grant_moves_to_needs_sign_in_and_notifies() {
    let mut h = Harness::new(Config::default()).await;
    let refresher = h.refresher(LONG_TICK).await;
    h.emu.refresh_invalid_grant(true);
    let err = refresher.refresh_now().await.expect_err("invalid_grant");
    assert_eq!(err.code(), "sign_in_needed");
    assert!(matches!(
        refresher.view().state,
        SessionState::NeedsSignIn { .. }
    ));
    assert!(!h.store.has_secrets(&h.meta.id));
    assert!(matches!(
        refresher.token(Some(Duration::ZERO)).await,
        Err(SessionError::NeedsSignIn { .. })
    ));
    assert!(matches!(
        refresher.refresh_now().await,
        Err(SessionError::NeedsSignIn { .. })
    ));
    assert_eq!(h.refresh_statuses(), vec![400]);
    let mut notified = None;
    while let Ok(event) = h.events.try_recv() {
        if let SessionEvent::SignInNeeded {
            session_id,
            profile_id,
            ..
        } = event
        {
            notified = Some((session_id, profile_id));
        }
    }
    assert_eq!(notified, Some((h.meta.id.clone(), "emulator".to_owned())));
}

#[tokio::test]
async fn sign_out_racing_a_refresh_resurrects_nothing() {
    let h = Harness::new(Config::default()).await;
    let refresher = Arc::new(h.refresher(LONG_TICK).await);
    h.emu.set_latency(Duration::from_millis(300));
    let refreshing = tokio::spawn({
        let refresher = Arc::clone(&refresher);
        async move { refresher.refresh_now().await }
    });
    // Let the refresh reach the server before signing out (order, not timing, is asserted).
    wait_until("the refresh to start", || {
        refresher.view().state == SessionState::Refreshing
    })
    .await;
    let revocation = refresher.sign_out().await.expect("sign out");
    assert_eq!(revocation, Revocation::Revoked);
    let refreshed = tokio::time::timeout(WAIT, refreshing)
        .await
        .expect("join")
        .expect("task");
    assert!(
        refreshed.is_ok(),
        "the refresh before the sign-out completes: {refreshed:?}"
    );
    assert_eq!(refresher.view().state, SessionState::SignedOut);
    assert!(
        !h.store.has_secrets(&h.meta.id),
        "a secret came back after sign-out"
    );
    assert!(matches!(
        refresher.token(None).await,
        Err(SessionError::SignedOut)
    ));
    assert!(matches!(
        refresher.refresh_now().await,
        Err(SessionError::SignedOut)
    ));
    // The newest refresh token was revoked: nothing refreshes after the revoke.
    let log = h.emu.request_log();
    let paths: Vec<&str> = log
        .iter()
        .map(|r| r.path.as_str())
        .filter(|p| p.starts_with("/api/auth/re"))
        .collect();
    assert_eq!(paths, vec!["/api/auth/refresh", "/api/auth/revoke"]);
}

#[tokio::test]
async fn secrets_deleted_during_a_refresh_discard_its_result() {
    let h = Harness::new(Config::default()).await;
    let refresher = Arc::new(h.refresher(LONG_TICK).await);
    h.emu.set_latency(Duration::from_millis(300));
    let refreshing = tokio::spawn({
        let refresher = Arc::clone(&refresher);
        async move { refresher.refresh_now().await }
    });
    wait_until("the refresh to start", || {
        refresher.view().state == SessionState::Refreshing
    })
    .await;
    // Something outside the lock (a crashed-and-restarted app's cleanup, a user deleting the
    // keyring entry) removes the secrets while the refresh is in flight.
    h.store.delete_secrets(&h.meta.id).expect("delete");
    let refreshed = tokio::time::timeout(WAIT, refreshing)
        .await
        .expect("join")
        .expect("task");
    assert!(
        matches!(refreshed, Err(SessionError::SignedOut)),
        "{refreshed:?}"
    );
    assert!(
        !h.store.has_secrets(&h.meta.id),
        "the rotated token was written back"
    );
    assert_eq!(refresher.view().state, SessionState::SignedOut);
    // The rotated token was revoked on the server so no live session is left behind.
    assert_eq!(h.revoke_count(), 1);
}

#[tokio::test]
async fn fifty_concurrent_callers_at_expiry_cause_exactly_one_refresh() {
    let h = Harness::new(Config::default()).await;
    h.set_stored_expiry(Utc::now());
    let refresher = Arc::new(h.refresher(LONG_TICK).await);
    let mut callers = Vec::new();
    for _ in 0..50 {
        let refresher = Arc::clone(&refresher);
        callers.push(tokio::spawn(async move { refresher.token(None).await }));
    }
    let mut tokens = Vec::new();
    for caller in callers {
        let jwt = tokio::time::timeout(WAIT, caller)
            .await
            .expect("join")
            .expect("task")
            .expect("token");
        tokens.push(jwt.expose_secret().to_owned());
    }
    assert!(
        tokens.windows(2).all(|w| w[0] == w[1]),
        "callers got different tokens"
    );
    assert_eq!(h.refresh_statuses(), vec![200], "single flight");
    let exp = jwt_exp(&tokens[0]).expect("exp");
    assert!(exp - Utc::now() > TimeDelta::seconds(120));
}

#[tokio::test]
async fn two_refreshers_sharing_store_and_lock_never_refresh_at_once() {
    let h = Harness::new(Config::default()).await;
    h.emu.set_latency(Duration::from_millis(200));
    let app = Arc::new(h.refresher(LONG_TICK).await);
    let cli = Arc::new(h.refresher(LONG_TICK).await);
    // Both forced at once: the lock serializes them and the second re-reads the rotated token.
    let (a, b) = tokio::join!(app.refresh_now(), cli.refresh_now());
    a.expect("app refresh");
    b.expect("cli refresh");
    assert_eq!(
        h.refresh_statuses(),
        vec![200, 200],
        "a reused refresh token would answer 400"
    );
    // At expiry, both asking at once: one refresh, the other reuses the shared JWT.
    h.set_stored_expiry(Utc::now());
    let app2 = Arc::new(h.refresher(LONG_TICK).await);
    let cli2 = Arc::new(h.refresher(LONG_TICK).await);
    let (a, b) = tokio::join!(app2.token(None), cli2.token(None));
    let (a, b) = (a.expect("app token"), b.expect("cli token"));
    assert_eq!(a.expose_secret(), b.expose_secret());
    assert_eq!(h.refresh_statuses(), vec![200, 200, 200]);
    // A third process with a fresh JWT in the store makes no network call at all.
    let third = h.refresher(LONG_TICK).await;
    let c = third.token(None).await.expect("token");
    assert_eq!(c.expose_secret(), a.expose_secret());
    assert_eq!(h.refresh_statuses().len(), 3);
}

#[tokio::test]
async fn an_eight_hour_suspend_refreshes_at_once_and_never_serves_the_stale_token() {
    let h = Harness::new(Config::default()).await;
    let clock = drivly_core::clock::ManualClock::new(Utc::now());
    let refresher = h
        .refresher_with_clock(Duration::from_millis(50), Arc::new(clock.clone()))
        .await;
    let before = refresher.token(None).await.expect("token before suspend");
    // Suspend: the wall clock (ours and the server's) jumps 8 hours; monotonic time does not.
    clock.advance(TimeDelta::hours(8));
    h.emu.skew_clock(TimeDelta::hours(8));
    let after = refresher.token(None).await.expect("token after resume");
    assert_ne!(
        after.expose_secret(),
        before.expose_secret(),
        "the stale token was served"
    );
    let exp = jwt_exp(after.expose_secret()).expect("exp");
    assert!(exp - clock_now(&clock) > TimeDelta::seconds(120));
    assert_eq!(h.refresh_statuses(), vec![200]);

    // Without a caller, the tick notices the next jump on its own.
    clock.advance(TimeDelta::hours(8));
    h.emu.skew_clock(TimeDelta::hours(16));
    wait_until("the background refresh after resume", || {
        h.refresh_statuses().len() == 2
    })
    .await;
    wait_for_view(&refresher, |v| v.state == SessionState::Active).await;
}

fn clock_now(clock: &drivly_core::clock::ManualClock) -> chrono::DateTime<Utc> {
    use drivly_core::clock::Clock;
    clock.now()
}
