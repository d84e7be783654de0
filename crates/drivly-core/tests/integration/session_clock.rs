//! Issue #13 item 2 against the emulator over 127.0.0.1: a server clock 15 minutes ahead or
//! behind changes no lifetime (read relative to the server's own clock, from `Date`), the
//! difference is recorded on the session, an already expired token is refused without a
//! retry loop (its rotated refresh token is still kept), and one session is never refreshed
//! more often than every 5 s whatever lifetime the server states.

use super::session_common;

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use drivly_core::ErrorCode;
use drivly_core::session::{SessionError, SessionState};
use drivly_emulator::Config;
use session_common::{Harness, wait_for_view};

/// Short enough that a refresher spinning on a bad schedule would refresh many times in the
/// observation windows below.
const TICK: Duration = Duration::from_millis(50);

fn skewed(offset_secs: i64) -> Config {
    Config {
        clock_offset_secs: offset_secs,
        ..Config::default()
    }
}

/// Seconds from now to `at`.
fn secs_until(at: chrono::DateTime<Utc>) -> i64 {
    (at - Utc::now()).num_seconds()
}

#[tokio::test]
async fn a_server_clock_fifteen_minutes_off_changes_no_lifetime() {
    for offset in [900_i64, -900] {
        let h = Harness::new(skewed(offset)).await;
        let refresher = h.refresher(TICK).await;
        let view = refresher.refresh_now().await.expect("refresh");
        // 10 minutes from now on our clock, not 25 (ahead) or -5 (behind).
        let left = secs_until(view.meta.jwt_expires.expect("expiry"));
        assert!(
            (590..=601).contains(&left),
            "offset {offset}: {left} s left"
        );
        let skew = view.meta.server_clock_skew_secs.expect("skew recorded");
        assert!((skew - offset).abs() <= 2, "offset {offset}: skew {skew}");
        assert_eq!(view.state, SessionState::Active);
        // The stored record carries it too (what `drivly-keys status` shows).
        let record = h.store.record(&h.meta.id).expect("record");
        assert_eq!(record.server_clock_skew_secs, Some(skew));
        // A token is served, and nothing refreshes again: no loop (clock behind) and nothing
        // handed out on a lifetime the server does not grant (clock ahead).
        let jwt = refresher.token(None).await.expect("token");
        assert!(!jwt.expose_secret().is_empty());
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(h.refresh_statuses(), vec![200], "offset {offset}");
    }
}

#[tokio::test]
async fn a_small_clock_difference_is_not_recorded() {
    let h = Harness::new(skewed(10)).await;
    let refresher = h.refresher(TICK).await;
    let view = refresher.refresh_now().await.expect("refresh");
    assert_eq!(view.meta.server_clock_skew_secs, None);
}

#[tokio::test]
async fn an_already_expired_token_is_refused_without_a_retry_loop() {
    let h = Harness::new(Config::default()).await;
    let refresher = h.refresher(TICK).await;
    h.emu.set_jwt_lifetime(Duration::ZERO);
    let error = refresher.refresh_now().await.expect_err("refused");
    assert!(
        matches!(error, SessionError::TokenAlreadyExpired { lifetime_secs } if lifetime_secs <= 0),
        "{error:?}"
    );
    assert_eq!(error.code(), "token_already_expired");
    let view = wait_for_view(&refresher, |v| {
        matches!(&v.state, SessionState::Retrying { last_error, .. } if last_error.code == "token_already_expired")
    })
    .await;
    let SessionState::Retrying { next_attempt, .. } = view.state else {
        unreachable!()
    };
    assert!(
        next_attempt - Utc::now() > TimeDelta::minutes(4),
        "the next attempt is minutes away, not a loop"
    );
    // Watched for a while with a fast tick: nothing else is sent.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(h.refresh_statuses(), vec![200]);
    // The sign-in's token is still valid and still served.
    refresher.token(None).await.expect("the earlier token");
    // The rotated refresh token of the refused answer was kept: the server accepts it.
    h.emu.set_jwt_lifetime(Duration::from_secs(600));
    refresher.refresh_now().await.expect("the session lives on");
    assert_eq!(h.refresh_statuses(), vec![200, 200]);
}

#[tokio::test]
async fn one_session_is_never_refreshed_more_often_than_every_five_seconds() {
    let h = Harness::new(Config::default()).await;
    let refresher = h.refresher(TICK).await;
    // One-second tokens would be refreshed every few hundred milliseconds by the schedule.
    h.emu.set_jwt_lifetime(Duration::from_secs(1));
    refresher.refresh_now().await.expect("refresh");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(h.refresh_statuses(), vec![200], "nothing within 5 s");
    // A caller asking meanwhile waits for the interval, then gets a fresh token (one refresh).
    h.emu.set_jwt_lifetime(Duration::from_secs(600));
    let jwt = refresher
        .token(Some(Duration::from_secs(60)))
        .await
        .expect("token");
    assert!(!jwt.expose_secret().is_empty());
    let statuses = h.refresh_statuses();
    assert_eq!(statuses, vec![200, 200], "{statuses:?}");
}
