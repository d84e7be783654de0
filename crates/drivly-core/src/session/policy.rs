//! The refresh policy: when to refresh, what may be handed out, how long to back off. Pure
//! functions of times and random draws, so every rule is unit-tested without a runtime.
//!
//! The rules (security-research.md §5.2, sized for 10-minute JWTs):
//! - refresh at 70–80 % of the lifetime (uniform jitter, so many sessions do not refresh in
//!   step), counted from when the request was *sent*;
//! - always refresh in the last minute (or the last 10 % of a shorter lifetime): "mandatory";
//! - never hand out a token with less than `min_ttl` left: 120 s, or half the lifetime when the
//!   lifetime is under 4 minutes (a 3-second test token could never satisfy 120 s);
//! - never refresh one session more often than every 5 s unless the user asks, whatever the
//!   server's lifetimes;
//! - full-jitter exponential backoff: `U(0, min(cap, base·2ⁿ))`, cap `min(60 s, remaining/2)`
//!   while the token is still valid and 5 minutes once it has expired; `Retry-After` is a floor.
//!
//! All arithmetic is on signed [`TimeDelta`]s, so a wall clock that steps backwards gives a
//! negative value, never an underflow panic. Random draws come in as `unit` values in `[0, 1)`.

use chrono::{DateTime, TimeDelta, Utc};

/// The tunable numbers of the policy. [`Default`] gives the documented values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshPolicy {
    /// Earliest refresh point, as a fraction of the lifetime (0.70).
    pub jitter_low: f64,
    /// Latest refresh point, as a fraction of the lifetime (0.80).
    pub jitter_high: f64,
    /// The mandatory window before expiry (60 s), shortened to a tenth of short lifetimes.
    pub mandatory_window: TimeDelta,
    /// Least time left on a handed-out token for lifetimes of at least `short_lifetime` (120 s).
    pub min_ttl: TimeDelta,
    /// Lifetimes below this use half the lifetime as the minimum instead (4 minutes).
    pub short_lifetime: TimeDelta,
    /// Backoff base (2 s).
    pub backoff_base: TimeDelta,
    /// Backoff cap while the token is still valid, before halving the time left (60 s).
    pub backoff_cap_valid: TimeDelta,
    /// Backoff cap once the token has expired (5 minutes).
    pub backoff_cap_expired: TimeDelta,
    /// Smallest delay between attempts, so a jitter draw near zero cannot spin (500 ms).
    pub backoff_floor: TimeDelta,
    /// A wall clock stepping back by more than this counts as a clock change (1 s).
    pub clock_back_tolerance: TimeDelta,
    /// The least time between two refreshes of one session that were not asked for by the
    /// user, whatever lifetime the server states (5 s): a broken server or clock can slow the
    /// session down but never make it spin.
    pub min_refresh_interval: TimeDelta,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            jitter_low: 0.70,
            jitter_high: 0.80,
            mandatory_window: TimeDelta::seconds(60),
            min_ttl: TimeDelta::seconds(120),
            short_lifetime: TimeDelta::seconds(240),
            backoff_base: TimeDelta::seconds(2),
            backoff_cap_valid: TimeDelta::seconds(60),
            backoff_cap_expired: TimeDelta::minutes(5),
            backoff_floor: TimeDelta::milliseconds(500),
            clock_back_tolerance: TimeDelta::seconds(1),
            min_refresh_interval: TimeDelta::seconds(5),
        }
    }
}

/// When a token was obtained and when it expires, with the refresh point drawn for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTimes {
    /// When the request that produced the token was sent.
    pub requested_at: DateTime<Utc>,
    /// When the token expires (from the response).
    pub expires: DateTime<Utc>,
    /// When the background refresh is planned (with jitter).
    pub refresh_at: DateTime<Utc>,
}

/// Why a refresh is due now, or that it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not yet; the planned refresh point.
    NotYet(DateTime<Utc>),
    /// Past the jittered refresh point.
    Scheduled,
    /// In the last minute before expiry.
    Mandatory,
    /// Already expired (for example after a suspend).
    Expired,
    /// The wall clock is before the token was requested: it stepped backwards, so nothing
    /// computed from it can be trusted.
    ClockWentBack,
}

impl Due {
    /// True when a refresh should start now.
    pub fn is_due(self) -> bool {
        !matches!(self, Self::NotYet(_))
    }
}

/// Multiplies a span by a factor, in milliseconds (enough precision, no overflow for any
/// realistic lifetime).
fn scale(span: TimeDelta, factor: f64) -> TimeDelta {
    // Truncation to whole milliseconds is intended.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let ms = (span.num_milliseconds() as f64 * factor) as i64;
    TimeDelta::milliseconds(ms)
}

/// Clamps a random draw into `[0, 1]`, so a bad source cannot push times out of bounds.
fn unit_clamp(unit: f64) -> f64 {
    if unit.is_nan() {
        0.0
    } else {
        unit.clamp(0.0, 1.0)
    }
}

impl RefreshPolicy {
    /// The token's lifetime as stated by the server; zero when `expires` is not after
    /// `requested_at`.
    pub fn lifetime(requested_at: DateTime<Utc>, expires: DateTime<Utc>) -> TimeDelta {
        (expires - requested_at).max(TimeDelta::zero())
    }

    /// Plans a token: refresh at `jitter_low + (jitter_high - jitter_low)·unit` of its lifetime,
    /// with the whole window scaled down when its end would fall after the last moment the
    /// token may still be handed out (`lifetime - default_min_ttl`). Otherwise short-lived
    /// tokens (under 4 minutes, where the minimum is half the lifetime) would be refreshed on
    /// demand by callers instead of in the background. A 10-minute token keeps 70-80 %.
    pub fn plan(
        &self,
        requested_at: DateTime<Utc>,
        expires: DateTime<Utc>,
        unit: f64,
    ) -> TokenTimes {
        let lifetime = Self::lifetime(requested_at, expires);
        let mut fraction =
            self.jitter_low + (self.jitter_high - self.jitter_low) * unit_clamp(unit);
        let lifetime_ms = lifetime.num_milliseconds();
        if lifetime_ms > 0 && self.jitter_high > 0.0 {
            let servable = lifetime - self.default_min_ttl(lifetime);
            let servable_fraction = servable.num_milliseconds() as f64 / lifetime_ms as f64;
            if servable_fraction < self.jitter_high {
                fraction *= servable_fraction.max(0.0) / self.jitter_high;
            }
        }
        TokenTimes {
            requested_at,
            expires,
            refresh_at: requested_at + scale(lifetime, fraction),
        }
    }

    /// The start of the mandatory window: `expires - min(mandatory_window, lifetime / 10)`.
    pub fn mandatory_at(&self, times: &TokenTimes) -> DateTime<Utc> {
        let lifetime = Self::lifetime(times.requested_at, times.expires);
        times.expires - self.mandatory_window.min(scale(lifetime, 0.1))
    }

    /// The least time left a handed-out token must have, by default, for this lifetime.
    pub fn default_min_ttl(&self, lifetime: TimeDelta) -> TimeDelta {
        if lifetime < self.short_lifetime {
            scale(lifetime, 0.5)
        } else {
            self.min_ttl
        }
    }

    /// Whether a refresh is due at wall-clock `now`.
    pub fn due(&self, times: &TokenTimes, now: DateTime<Utc>) -> Due {
        if now + self.clock_back_tolerance < times.requested_at {
            Due::ClockWentBack
        } else if now >= times.expires {
            Due::Expired
        } else if now >= self.mandatory_at(times) {
            Due::Mandatory
        } else if now >= times.refresh_at {
            Due::Scheduled
        } else {
            Due::NotYet(times.refresh_at)
        }
    }

    /// Whether the token may be handed out at `now` to a caller needing `min_ttl` left. A clock
    /// that went back makes every token unservable until refreshed.
    pub fn can_serve(&self, times: &TokenTimes, now: DateTime<Utc>, min_ttl: TimeDelta) -> bool {
        now + self.clock_back_tolerance >= times.requested_at && times.expires - now >= min_ttl
    }

    /// The delay before retry number `attempt + 1` (`attempt` counts failures so far, from 0),
    /// with `remaining` the current token's time left (zero or negative once expired or when
    /// there is none) and the server's `Retry-After`, if any.
    pub fn backoff(
        &self,
        attempt: u32,
        remaining: TimeDelta,
        retry_after: Option<TimeDelta>,
        unit: f64,
    ) -> TimeDelta {
        let cap = if remaining > TimeDelta::zero() {
            self.backoff_cap_valid.min(scale(remaining, 0.5))
        } else {
            self.backoff_cap_expired
        };
        // 2^attempt saturates long before i32 matters: the cap bounds it anyway.
        let growth = 1_i32.checked_shl(attempt.min(30)).unwrap_or(i32::MAX);
        let exponential = self
            .backoff_base
            .checked_mul(growth)
            .unwrap_or(self.backoff_cap_expired);
        let ceiling = cap.min(exponential);
        let drawn = scale(ceiling, unit_clamp(unit)).max(self.backoff_floor);
        match retry_after {
            Some(floor) => drawn.max(floor),
            None => drawn,
        }
    }

    /// True when the wall clock stepped backwards from `previous` to `now` by more than the
    /// tolerance.
    pub fn clock_went_back(&self, previous: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now + self.clock_back_tolerance < previous
    }
}

/// How far apart the response's `expires` and the token's own `exp` are, in seconds, when they
/// differ by more than `tolerance_secs`. Scheduling uses the response (RFC 9068 §6); the skew
/// is only reported.
pub fn expiry_skew_secs(
    expires: DateTime<Utc>,
    token_exp: Option<DateTime<Utc>>,
    tolerance_secs: i64,
) -> Option<i64> {
    let difference = (token_exp? - expires).num_seconds();
    (difference.abs() > tolerance_secs).then_some(difference)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
