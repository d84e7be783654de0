//! Unit tests of the refresh policy: jitter bounds over many seeds, the mandatory window, the
//! 2-minute rule, backoff caps and `Retry-After`, and clocks that jump.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000, 0)
        .single()
        .unwrap_or_default()
}

fn secs(s: i64) -> TimeDelta {
    TimeDelta::seconds(s)
}

#[test]
fn refresh_point_stays_within_70_to_80_percent_for_many_seeds() {
    let policy = RefreshPolicy::default();
    let (start, expires) = (t0(), t0() + secs(600));
    let (mut lowest, mut highest) = (expires, start);
    for seed in 0..2_000_u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let times = policy.plan(start, expires, rng.r#gen::<f64>());
        assert!(times.refresh_at >= start + secs(420), "seed {seed}");
        assert!(times.refresh_at <= start + secs(480), "seed {seed}");
        lowest = lowest.min(times.refresh_at);
        highest = highest.max(times.refresh_at);
    }
    // The draws actually spread over the window (not all at one point).
    assert!(highest - lowest > secs(50));
    // Out-of-range draws are clamped.
    assert_eq!(
        policy.plan(start, expires, -3.0).refresh_at,
        start + secs(420)
    );
    assert_eq!(
        policy.plan(start, expires, 7.0).refresh_at,
        start + secs(480)
    );
    assert_eq!(
        policy.plan(start, expires, f64::NAN).refresh_at,
        start + secs(420)
    );
}

#[test]
fn due_moves_from_not_yet_to_scheduled_to_mandatory_to_expired() {
    let policy = RefreshPolicy::default();
    let times = policy.plan(t0(), t0() + secs(600), 0.5);
    assert_eq!(times.refresh_at, t0() + secs(450));
    assert_eq!(policy.due(&times, t0()), Due::NotYet(t0() + secs(450)));
    assert_eq!(
        policy.due(&times, t0() + secs(449)),
        Due::NotYet(times.refresh_at)
    );
    assert_eq!(policy.due(&times, t0() + secs(450)), Due::Scheduled);
    assert_eq!(policy.mandatory_at(&times), t0() + secs(540));
    assert_eq!(policy.due(&times, t0() + secs(540)), Due::Mandatory);
    assert_eq!(policy.due(&times, t0() + secs(600)), Due::Expired);
}

#[test]
fn an_eight_hour_suspend_makes_the_token_expired_at_once() {
    let policy = RefreshPolicy::default();
    let times = policy.plan(t0(), t0() + secs(600), 0.3);
    let after_resume = t0() + TimeDelta::hours(8);
    assert_eq!(policy.due(&times, after_resume), Due::Expired);
    assert!(!policy.can_serve(&times, after_resume, secs(0)));
}

#[test]
fn a_clock_stepping_backwards_is_noticed_without_underflow() {
    let policy = RefreshPolicy::default();
    let times = policy.plan(t0(), t0() + secs(600), 0.3);
    let before = t0() - TimeDelta::hours(3);
    assert_eq!(policy.due(&times, before), Due::ClockWentBack);
    assert!(!policy.can_serve(&times, before, secs(120)));
    assert!(policy.clock_went_back(t0(), before));
    assert!(!policy.clock_went_back(t0(), t0() - TimeDelta::milliseconds(500)));
    // A token whose expiry is before its request has a zero lifetime, not a negative one.
    assert_eq!(
        RefreshPolicy::lifetime(t0(), t0() - secs(5)),
        TimeDelta::zero()
    );
}

#[test]
fn the_two_minute_rule_and_half_the_lifetime_for_short_tokens() {
    let policy = RefreshPolicy::default();
    assert_eq!(policy.default_min_ttl(secs(600)), secs(120));
    assert_eq!(policy.default_min_ttl(secs(240)), secs(120));
    assert_eq!(policy.default_min_ttl(secs(180)), secs(90));
    assert_eq!(
        policy.default_min_ttl(secs(3)),
        TimeDelta::milliseconds(1500)
    );
    let times = policy.plan(t0(), t0() + secs(600), 0.5);
    assert!(policy.can_serve(&times, t0() + secs(480), secs(120)));
    assert!(!policy.can_serve(&times, t0() + secs(481), secs(120)));
}

#[test]
fn mandatory_window_shrinks_for_short_lifetimes() {
    let policy = RefreshPolicy::default();
    let times = policy.plan(t0(), t0() + secs(3), 0.5);
    assert_eq!(
        policy.mandatory_at(&times),
        t0() + TimeDelta::milliseconds(2700)
    );
    // The jittered refresh point still comes first.
    assert!(times.refresh_at < policy.mandatory_at(&times));
}

#[test]
fn backoff_grows_exponentially_under_full_jitter() {
    let policy = RefreshPolicy::default();
    let expired = TimeDelta::zero();
    // With the top draw, the ceiling doubles from the 2 s base.
    assert_eq!(policy.backoff(0, expired, None, 1.0), secs(2));
    assert_eq!(policy.backoff(1, expired, None, 1.0), secs(4));
    assert_eq!(policy.backoff(4, expired, None, 1.0), secs(32));
    // Capped at 5 minutes once expired, however many failures.
    assert_eq!(policy.backoff(8, expired, None, 1.0), TimeDelta::minutes(5));
    assert_eq!(
        policy.backoff(u32::MAX, expired, None, 1.0),
        TimeDelta::minutes(5)
    );
    // A draw of zero gives the floor, never a hot loop.
    assert_eq!(
        policy.backoff(3, expired, None, 0.0),
        TimeDelta::milliseconds(500)
    );
}

#[test]
fn backoff_stays_inside_its_bounds_for_many_seeds() {
    let policy = RefreshPolicy::default();
    for seed in 0..1_000_u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let attempt = rng.gen_range(0..12_u32);
        let remaining = secs(rng.gen_range(-600..600_i64));
        let delay = policy.backoff(attempt, remaining, None, rng.r#gen::<f64>());
        let cap = if remaining > TimeDelta::zero() {
            secs(60).min(remaining / 2)
        } else {
            TimeDelta::minutes(5)
        };
        assert!(delay >= TimeDelta::milliseconds(500), "seed {seed}");
        assert!(
            delay <= cap.max(TimeDelta::milliseconds(500)),
            "seed {seed}"
        );
    }
}

#[test]
fn backoff_while_valid_is_capped_by_half_the_time_left() {
    let policy = RefreshPolicy::default();
    assert_eq!(policy.backoff(10, secs(40), None, 1.0), secs(20));
    assert_eq!(policy.backoff(10, secs(500), None, 1.0), secs(60));
}

#[test]
fn retry_after_is_a_floor() {
    let policy = RefreshPolicy::default();
    assert_eq!(policy.backoff(0, secs(100), Some(secs(30)), 0.1), secs(30));
    // A longer jittered delay is kept.
    assert_eq!(policy.backoff(5, secs(0), Some(secs(3)), 1.0), secs(64));
}

#[test]
fn skew_is_reported_beyond_the_tolerance_only() {
    assert_eq!(expiry_skew_secs(t0(), Some(t0() + secs(30)), 60), None);
    assert_eq!(
        expiry_skew_secs(t0(), Some(t0() + secs(300)), 60),
        Some(300)
    );
    assert_eq!(expiry_skew_secs(t0(), Some(t0() - secs(90)), 60), Some(-90));
    assert_eq!(expiry_skew_secs(t0(), None, 60), None);
}

#[test]
fn short_lived_tokens_are_refreshed_before_they_stop_being_servable() {
    let policy = RefreshPolicy::default();
    for lifetime in [5, 60, 180, 239, 240, 300, 600, 3600] {
        let expires = t0() + secs(lifetime);
        let min_ttl = policy.default_min_ttl(secs(lifetime));
        for unit in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let times = policy.plan(t0(), expires, unit);
            assert!(times.refresh_at > t0(), "{lifetime}s: refresh after issue");
            assert!(
                times.refresh_at <= expires - min_ttl,
                "{lifetime}s at unit {unit}: the background refresh must come while the token is still servable"
            );
        }
    }
    // The 10-minute Drivly session keeps its 70-80 % window.
    assert_eq!(
        policy.plan(t0(), t0() + secs(600), 0.0).refresh_at,
        t0() + secs(420)
    );
    assert_eq!(
        policy.plan(t0(), t0() + secs(600), 1.0).refresh_at,
        t0() + secs(480)
    );
}
