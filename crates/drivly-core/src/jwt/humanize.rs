//! Human-readable durations and relative times, shared by the UI and the CLI so both say
//! "expires in 7 min 12 s" the same way.
//!
//! Rules: units are `y` (365 d), `d`, `h`, `min`, `s`; at most the two most significant units
//! are shown and a zero second unit is left out (`3 h`, not `3 h 0 min`); times within one
//! second of now read "now". Everything is a pure function of its inputs, so the UI can
//! recompute the text every second from the same absolute time.

use chrono::{DateTime, Utc};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const YEAR: u64 = 365 * DAY;

/// A length of time such as `7 min 12 s`, `2 d 4 h` or `0 s`.
pub fn humanize_seconds(seconds: u64) -> String {
    let units = [
        (YEAR, "y"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "min"),
        (1, "s"),
    ];
    let Some(first) = units.iter().position(|(size, _)| seconds >= *size) else {
        return "0 s".to_owned();
    };
    let (size, name) = units[first];
    let mut text = format!("{} {name}", seconds / size);
    if let Some((next_size, next_name)) = units.get(first + 1) {
        let rest = (seconds % size) / next_size;
        if rest > 0 {
            text.push_str(&format!(" {rest} {next_name}"));
        }
    }
    text
}

/// Whole seconds from `now` until `at` (negative when `at` is past), saturating.
pub fn seconds_until(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (at - now).num_seconds()
}

/// `in 7 min 12 s`, `3 h ago` or `now`.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = seconds_until(at, now);
    match delta {
        0 => "now".to_owned(),
        d if d > 0 => format!("in {}", humanize_seconds(d.unsigned_abs())),
        d => format!("{} ago", humanize_seconds(d.unsigned_abs())),
    }
}

/// `expires in 7 min 12 s`, `expired 3 h ago` or `expires now`.
pub fn expiry_text(exp: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = seconds_until(exp, now);
    match delta {
        0 => "expires now".to_owned(),
        d if d > 0 => format!("expires in {}", humanize_seconds(d.unsigned_abs())),
        d => format!("expired {} ago", humanize_seconds(d.unsigned_abs())),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn durations_table() {
        let cases: &[(u64, &str)] = &[
            (0, "0 s"),
            (1, "1 s"),
            (59, "59 s"),
            (60, "1 min"),
            (432, "7 min 12 s"),
            (3600, "1 h"),
            (3 * 3600 + 59, "3 h"),
            (3 * 3600 + 120, "3 h 2 min"),
            (2 * 86_400 + 4 * 3600 + 59 * 60, "2 d 4 h"),
            (86_400, "1 d"),
            (365 * 86_400, "1 y"),
            (400 * 86_400, "1 y 35 d"),
            (u64::MAX, "584942417355 y 26 d"),
        ];
        for (secs, want) in cases {
            assert_eq!(humanize_seconds(*secs), *want, "{secs} s");
        }
    }

    #[test]
    fn relative_and_expiry_text() {
        let now = Utc
            .with_ymd_and_hms(2025, 1, 1, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let later = now + Duration::seconds(432);
        let earlier = now - Duration::hours(3);
        assert_eq!(relative(later, now), "in 7 min 12 s");
        assert_eq!(relative(earlier, now), "3 h ago");
        assert_eq!(relative(now, now), "now");
        assert_eq!(expiry_text(later, now), "expires in 7 min 12 s");
        assert_eq!(expiry_text(earlier, now), "expired 3 h ago");
        assert_eq!(expiry_text(now, now), "expires now");
        // Sub-second differences round toward zero: a token expiring in 0.4 s "expires now".
        assert_eq!(
            expiry_text(now + Duration::milliseconds(400), now),
            "expires now"
        );
    }
}
