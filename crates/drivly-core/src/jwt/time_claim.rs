//! The three registered time claims (`exp`, `nbf`, `iat`) read for display.
//!
//! RFC 7519 §2 defines a NumericDate as seconds since the epoch and allows fractions, so
//! `1300819380.5` is valid. Anything a person could not sensibly mean is shown as invalid with
//! its raw text rather than rejected: negative values, values after the year 9999, strings,
//! booleans, arrays and objects. (JSON cannot hold NaN or infinity, and serde_json refuses
//! numbers beyond `f64`, so those never reach here.)

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::decode::json_type;
use super::humanize::{expiry_text, seconds_until, sentence};

/// The last second of the year 9999, the latest time shown as valid.
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// How many characters of an invalid value are shown.
const RAW_LIMIT: usize = 80;

/// Which time claim; it decides the wording of the relative text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TimeClaimKind {
    /// `exp`, the expiry.
    Expires,
    /// `nbf`, not valid before.
    NotBefore,
    /// `iat`, issued at.
    IssuedAt,
}

impl TimeClaimKind {
    /// The claim name.
    pub fn claim(self) -> &'static str {
        match self {
            Self::Expires => "exp",
            Self::NotBefore => "nbf",
            Self::IssuedAt => "iat",
        }
    }
}

/// A time claim as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum TimeClaim {
    /// The claim is not in the token.
    Absent,
    /// The claim is present but not a usable NumericDate.
    Invalid {
        /// The JSON text of the value, shortened.
        raw: String,
        /// Why it is not usable.
        reason: String,
    },
    /// A usable time.
    Valid {
        /// The time in UTC (ISO 8601 when serialised); local time is the viewer's business.
        at: DateTime<Utc>,
        /// Whole seconds since the epoch, rounded down.
        unix: i64,
        /// Relative text at inspection time, from [`describe`].
        relative: String,
    },
}

impl TimeClaim {
    /// The time, when valid.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Valid { at, .. } => Some(*at),
            _ => None,
        }
    }

    /// True when the claim is present but unusable.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Self::Invalid { .. })
    }
}

/// Reads one time claim from the claims object.
pub fn read_time_claim(
    kind: TimeClaimKind,
    value: Option<&Value>,
    now: DateTime<Utc>,
) -> TimeClaim {
    let Some(value) = value else {
        return TimeClaim::Absent;
    };
    match numeric_date(value) {
        Ok(at) => TimeClaim::Valid {
            at,
            unix: at.timestamp(),
            relative: describe(kind, at, now),
        },
        Err(reason) => TimeClaim::Invalid {
            raw: shorten(&value.to_string()),
            reason,
        },
    }
}

/// The relative text for a claim at `now`: `expires in 7 min 12 s`, `expired 3 h ago`,
/// `issued 2 d 4 h ago`, `issued in 10 min (in the future)`, `valid since 5 min ago`,
/// `not valid for another 3 h`.
pub fn describe(kind: TimeClaimKind, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = seconds_until(at, now);
    let span = delta.unsigned_abs();
    match kind {
        TimeClaimKind::Expires => expiry_text(at, now),
        TimeClaimKind::IssuedAt if delta > 0 => sentence("issued in ", span, " (in the future)"),
        TimeClaimKind::IssuedAt if delta == 0 => "issued now".to_owned(),
        TimeClaimKind::IssuedAt => sentence("issued ", span, " ago"),
        TimeClaimKind::NotBefore if delta > 0 => sentence("not valid for another ", span, ""),
        TimeClaimKind::NotBefore if delta == 0 => "valid from now".to_owned(),
        TimeClaimKind::NotBefore => sentence("valid since ", span, " ago"),
    }
}

/// Converts a JSON value to a time, or says why it cannot be one.
fn numeric_date(value: &Value) -> Result<DateTime<Utc>, String> {
    let Value::Number(number) = value else {
        return Err(match value {
            Value::String(_) => {
                "a string; RFC 7519 requires a number of seconds since 1970".to_owned()
            }
            other => format!(
                "a {}; RFC 7519 requires a number of seconds since 1970",
                json_type(other)
            ),
        });
    };
    if let Some(secs) = number.as_i64() {
        return whole_seconds(secs);
    }
    if number.as_u64().is_some() {
        return Err("after the year 9999".to_owned());
    }
    let Some(secs) = number.as_f64() else {
        return Err("not a representable number".to_owned());
    };
    if !secs.is_finite() {
        return Err("not a finite number".to_owned());
    }
    if secs < 0.0 {
        return Err("negative: before 1970".to_owned());
    }
    if secs > MAX_NUMERIC_DATE as f64 {
        return Err("after the year 9999".to_owned());
    }
    // In range, so the conversion to whole milliseconds cannot overflow.
    let millis = (secs * 1000.0).floor() as i64;
    DateTime::from_timestamp_millis(millis).ok_or_else(|| "out of range".to_owned())
}

/// An integer NumericDate within 1970..=9999.
fn whole_seconds(secs: i64) -> Result<DateTime<Utc>, String> {
    if secs < 0 {
        return Err("negative: before 1970".to_owned());
    }
    if secs > MAX_NUMERIC_DATE {
        return Err("after the year 9999".to_owned());
    }
    DateTime::from_timestamp(secs, 0).ok_or_else(|| "out of range".to_owned())
}

/// The first [`RAW_LIMIT`] characters, with an ellipsis when cut.
fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(RAW_LIMIT).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}
