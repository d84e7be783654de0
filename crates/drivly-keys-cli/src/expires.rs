//! Parsing `--expires`: a duration from now (`90s`, `15m`, `1h`, `30d`, `2w`) or an absolute
//! ISO 8601 time (`2027-01-01T00:00:00Z`) or date (`2027-01-01`, midnight UTC).
//!
//! Strict on purpose: `1 hour`, `1H` or `-1d` are refused with an example, rather than guessed.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use drivly_core::Code;

use crate::error::CliError;

const HINT: &str = "use a duration such as 90s, 15m, 1h, 30d or 2w, or an ISO 8601 time such as 2027-01-01T00:00:00Z";

/// Parses `input` relative to `now`.
///
/// # Errors
/// `invalid_expires` (exit 2) for anything else, or for a time that is not in the future.
pub fn parse_expires(input: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, CliError> {
    let text = input.trim();
    let invalid = || {
        CliError::usage(
            Code::InvalidExpires,
            format!("'{}' is not a valid --expires: {HINT}", shorten(text)),
        )
    };
    let at = if let Some(at) = parse_duration(text) {
        now.checked_add_signed(at.ok_or_else(invalid)?)
            .ok_or_else(invalid)?
    } else if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        at.with_timezone(&Utc)
    } else if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        day.and_hms_opt(0, 0, 0).ok_or_else(invalid)?.and_utc()
    } else {
        return Err(invalid());
    };
    if at <= now {
        return Err(CliError::usage(
            Code::InvalidExpires,
            format!("--expires {} is not in the future; {HINT}", shorten(text)),
        ));
    }
    Ok(at)
}

/// `Some(None)` when the text has a duration's shape but overflows; `None` when it is not a
/// duration at all.
fn parse_duration(text: &str) -> Option<Option<TimeDelta>> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return None;
    }
    let unit_secs: i64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    let n: i64 = match number.parse() {
        Ok(n) => n,
        Err(_) => return Some(None),
    };
    Some(n.checked_mul(unit_secs).and_then(TimeDelta::try_seconds))
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn durations_and_dates() {
        assert_eq!(
            parse_expires("1h", now()).ok(),
            Some(now() + TimeDelta::hours(1))
        );
        assert_eq!(
            parse_expires("30d", now()).ok(),
            Some(now() + TimeDelta::days(30))
        );
        assert_eq!(
            parse_expires("90s", now()).ok(),
            Some(now() + TimeDelta::seconds(90))
        );
        let at = parse_expires("2027-01-01T00:00:00Z", now()).ok();
        assert_eq!(
            at.map(|t| t.to_rfc3339()),
            Some("2027-01-01T00:00:00+00:00".into())
        );
        assert!(parse_expires("2027-01-01", now()).is_ok());
    }

    #[test]
    fn malformed_and_past_values_are_usage_errors() {
        for bad in [
            "",
            "1",
            "h",
            "1 hour",
            "1H",
            "-1d",
            "1.5h",
            "tomorrow",
            "2020-01-01T00:00:00Z",
            "0s",
            "99999999999999999999d",
        ] {
            let err = parse_expires(bad, now()).err();
            assert!(
                matches!(
                    err,
                    Some(CliError::Usage {
                        code: Code::InvalidExpires,
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
