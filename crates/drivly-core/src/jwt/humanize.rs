//! Human-readable durations and relative times, shared by the UI and the CLI so both say
//! "expires in 7 min 12 s" the same way.
//!
//! Rules: units are `y` (365 d), `d`, `h`, `min`, `s`; at most the two most significant units
//! are shown and a zero second unit is left out (`3 h`, not `3 h 0 min`); times within one
//! second of now read "now". Everything is a pure function of its inputs, so the UI can
//! recompute the text every second from the same absolute time.

use std::fmt::Write;

use chrono::{DateTime, Utc};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const YEAR: u64 = 365 * DAY;

/// A length of time such as `7 min 12 s`, `2 d 4 h` or `0 s`.
pub fn humanize_seconds(seconds: u64) -> String {
    sentence("", seconds, "")
}

/// `prefix`, the duration as [`humanize_seconds`] words it, then `suffix`, in one allocation:
/// every inspection makes three of these, and formatting the pieces separately then joining
/// them allocated once per piece.
pub(crate) fn sentence(prefix: &str, seconds: u64, suffix: &str) -> String {
    const UNITS: [(u64, &str); 5] = [
        (YEAR, "y"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "min"),
        (1, "s"),
    ];
    // 20 bytes hold the longest duration, `584942417355 y 364 d`, so the text never regrows.
    let mut text = String::with_capacity(prefix.len() + 20 + suffix.len());
    text.push_str(prefix);
    match UNITS.iter().position(|(size, _)| seconds >= *size) {
        None => text.push_str("0 s"),
        Some(first) => {
            let (size, name) = UNITS[first];
            // Writing to a String cannot fail.
            let _ = write!(text, "{} {name}", seconds / size);
            if let Some((next_size, next_name)) = UNITS.get(first + 1) {
                let rest = (seconds % size) / next_size;
                if rest > 0 {
                    let _ = write!(text, " {rest} {next_name}");
                }
            }
        }
    }
    text.push_str(suffix);
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
        d if d > 0 => sentence("in ", d.unsigned_abs(), ""),
        d => sentence("", d.unsigned_abs(), " ago"),
    }
}

/// `expires in 7 min 12 s`, `expired 3 h ago` or `expires now`.
pub fn expiry_text(exp: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = seconds_until(exp, now);
    match delta {
        0 => "expires now".to_owned(),
        d if d > 0 => sentence("expires in ", d.unsigned_abs(), ""),
        d => sentence("expired ", d.unsigned_abs(), " ago"),
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
