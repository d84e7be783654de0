//! Inspection: everything the UI and CLI show about a pasted token, without verifying it.
//!
//! Works on expired and unsigned tokens by design (that is when people need it most). The
//! result derives `Serialize` for the webview and `--json`, and holds only decoded header and
//! claims, never the compact token or its signature, so serialising it cannot leak the bearer
//! credential.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::alg::{AlgClass, classify_alg};
use super::decode::{DecodedToken, decode};
use super::error::JwtError;
use super::humanize::{humanize_seconds, seconds_until};
use super::time_claim::{TimeClaim, TimeClaimKind, read_time_claim};
use super::warning::{Severity, Warning, WarningCode};
use crate::permissions::{PermissionReport, permissions_from_claim_map};

/// How far in the future `iat` may be before it is flagged (clock skew allowance).
pub const CLOCK_SKEW_SECONDS: i64 = 5 * 60;

/// Tokens longer than this draw a [`WarningCode::LargeToken`] warning: many servers cap
/// request headers at 8 KiB.
pub const LARGE_TOKEN_BYTES: usize = 8 * 1024;

/// What a token says about itself. See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "TokenInspection")]
pub struct Inspection {
    /// The decoded JOSE header.
    pub header: Map<String, Value>,
    /// The decoded claims.
    pub claims: Map<String, Value>,
    /// Header `alg`, when a string.
    pub alg: Option<String>,
    /// Header `typ`, when a string.
    pub typ: Option<String>,
    /// Header `kid`, when a string.
    pub kid: Option<String>,
    /// `iss`, when a string.
    pub issuer: Option<String>,
    /// `sub`, when a string.
    pub subject: Option<String>,
    /// Drivly's `kind` claim (`api` or `session`), when a string.
    pub kind: Option<String>,
    /// `aud`, as a list (a single string becomes one entry).
    pub audience: Vec<String>,
    /// `iat`.
    pub issued_at: TimeClaim,
    /// `nbf`.
    pub not_before: TimeClaim,
    /// `exp`.
    pub expires_at: TimeClaim,
    /// Seconds until `exp` (negative once expired); `None` without a valid `exp`.
    pub seconds_remaining: Option<i64>,
    /// The permissions the token carries.
    pub permissions: PermissionReport,
    /// True when the signature part is non-empty.
    pub signature_present: bool,
    /// Length of the token in bytes (after trimming).
    pub size_bytes: usize,
    /// Everything worth flagging, most severe first.
    pub warnings: Vec<Warning>,
}

impl Inspection {
    /// True when `exp` is valid and not past at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.at().is_some_and(|exp| exp > now)
    }

    /// True when a warning with `code` is present.
    pub fn has_warning(&self, code: WarningCode) -> bool {
        self.warnings.iter().any(|w| w.code == code)
    }
}

/// Decodes and describes `token` as of `now`. Trims whitespace, a `Bearer ` prefix and
/// surrounding quotes first.
///
/// # Errors
/// A [`JwtError`] when the input is not a decodable JWT (too large, wrong number of parts, bad
/// base64url, not JSON, not an object). Everything else (odd claims, `alg: none`, expiry) is
/// reported as a [`Warning`] instead.
pub fn inspect(token: &str, now: DateTime<Utc>) -> Result<Inspection, JwtError> {
    let decoded = decode(token)?;
    Ok(describe_token(decoded, now))
}

/// Builds the inspection of a decoded token. Takes the token by value so its header and claims
/// move into the result: deep-copying them (every key and string value) would double the
/// allocations of an inspection.
fn describe_token(token: DecodedToken<'_>, now: DateTime<Utc>) -> Inspection {
    let header_str = |name: &str| token.header_str(name).map(str::to_owned);
    let claim_str = |name: &str| {
        token
            .claims
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let read = |kind: TimeClaimKind| read_time_claim(kind, token.claims.get(kind.claim()), now);

    let issued_at = read(TimeClaimKind::IssuedAt);
    let not_before = read(TimeClaimKind::NotBefore);
    let expires_at = read(TimeClaimKind::Expires);
    let seconds_remaining = expires_at.at().map(|exp| seconds_until(exp, now));
    let permissions = permissions_from_claim_map(&token.claims).into_report();

    let mut warnings = Vec::new();
    algorithm_warnings(&token, &mut warnings);
    let times = TimeClaims {
        expires_at: &expires_at,
        not_before: &not_before,
        issued_at: &issued_at,
        seconds_remaining,
    };
    time_warnings(&times, now, &mut warnings);
    other_warnings(&token, &permissions, &mut warnings);
    warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));

    Inspection {
        alg: header_str("alg"),
        typ: header_str("typ"),
        kid: header_str("kid"),
        issuer: claim_str("iss"),
        subject: claim_str("sub"),
        kind: claim_str("kind"),
        audience: audience(token.claims.get("aud")),
        signature_present: !token.signature_b64().is_empty(),
        size_bytes: token.len,
        header: token.header,
        claims: token.claims,
        issued_at,
        not_before,
        expires_at,
        seconds_remaining,
        permissions,
        warnings,
    }
}

/// The time claims as read, for [`time_warnings`].
struct TimeClaims<'a> {
    expires_at: &'a TimeClaim,
    not_before: &'a TimeClaim,
    issued_at: &'a TimeClaim,
    seconds_remaining: Option<i64>,
}

/// `aud` as a list of strings.
fn audience(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Warnings about `alg` and the signature part.
fn algorithm_warnings(token: &DecodedToken<'_>, out: &mut Vec<Warning>) {
    let Some(alg) = token.header.get("alg") else {
        out.push(Warning::new(
            WarningCode::AlgMissing,
            Severity::Danger,
            "The header has no alg, so the token cannot be verified; do not trust it.",
        ));
        return;
    };
    let Some(name) = alg.as_str() else {
        out.push(Warning::new(
            WarningCode::AlgUnknown,
            Severity::Danger,
            "The header's alg is not a string; no verifier accepts this token.",
        ));
        return;
    };
    let shown = Short(name);
    match classify_alg(name) {
        AlgClass::None => out.push(Warning::new(
            WarningCode::AlgNone,
            Severity::Danger,
            format!(
                "alg is \"{shown}\": the token is unsigned and anyone can forge it. Never accept it as proof of anything."
            ),
        )),
        AlgClass::Unknown => out.push(Warning::new(
            WarningCode::AlgUnknown,
            Severity::Warning,
            format!("alg \"{shown}\" is not a registered JWS algorithm; the signature cannot be checked."),
        )),
        AlgClass::Unsupported => out.push(Warning::new(
            WarningCode::AlgUnsupported,
            Severity::Info,
            format!("alg {shown} is registered but Drivly Keys cannot verify it; the signature is shown as not verified."),
        )),
        AlgClass::Supported(_) => {
            if token.signature_b64().is_empty() {
                out.push(Warning::new(
                    WarningCode::SignatureMissing,
                    Severity::Danger,
                    format!("alg is {shown} but the signature part is empty: the token was stripped of its signature."),
                ));
            } else if !token.signature_is_well_formed() {
                out.push(Warning::new(
                    WarningCode::SignatureMalformed,
                    Severity::Warning,
                    "The signature part is not valid base64url; the token may be truncated.",
                ));
            }
        }
    }
}

/// Warnings about `exp`, `nbf` and `iat`.
fn time_warnings(times: &TimeClaims<'_>, now: DateTime<Utc>, out: &mut Vec<Warning>) {
    for (kind, claim) in [
        (TimeClaimKind::Expires, times.expires_at),
        (TimeClaimKind::NotBefore, times.not_before),
        (TimeClaimKind::IssuedAt, times.issued_at),
    ] {
        if let TimeClaim::Invalid { raw, reason } = claim {
            out.push(Warning::new(
                WarningCode::InvalidTimeClaim,
                Severity::Warning,
                format!(
                    "{} is {raw}: {reason}. Servers will likely reject this token.",
                    kind.claim()
                ),
            ));
        }
    }
    match (times.expires_at, times.seconds_remaining) {
        (TimeClaim::Absent, _) => out.push(Warning::new(
            WarningCode::MissingExp,
            Severity::Warning,
            "The token has no exp: it never expires, so a leaked copy stays usable until its key is rotated.",
        )),
        (_, Some(left)) if left <= 0 => out.push(Warning::new(
            WarningCode::Expired,
            Severity::Danger,
            format!(
                "The token expired {} ago; refresh the session or mint a new token.",
                humanize_seconds(left.unsigned_abs())
            ),
        )),
        _ => {}
    }
    if let Some(nbf) = times.not_before.at().filter(|nbf| *nbf > now) {
        out.push(Warning::new(
            WarningCode::NotYetValid,
            Severity::Warning,
            format!(
                "The token is not valid for another {} (nbf); servers will refuse it until then.",
                humanize_seconds(seconds_until(nbf, now).unsigned_abs())
            ),
        ));
    }
    if let Some(iat) = times
        .issued_at
        .at()
        .filter(|iat| *iat > now + Duration::seconds(CLOCK_SKEW_SECONDS))
    {
        out.push(Warning::new(
            WarningCode::IssuedInFuture,
            Severity::Warning,
            format!(
                "The token was issued {} in the future: this clock or the issuer's is wrong.",
                humanize_seconds(seconds_until(iat, now).unsigned_abs())
            ),
        ));
    }
    let exp_iat = (times.expires_at.at(), times.issued_at.at());
    if matches!(exp_iat, (Some(exp), Some(iat)) if exp < iat) {
        out.push(Warning::new(
            WarningCode::ExpiresBeforeIssued,
            Severity::Warning,
            "exp is earlier than iat: the token expired before it was issued.",
        ));
    }
}

/// Header extensions, size and permissions.
fn other_warnings(
    token: &DecodedToken<'_>,
    permissions: &PermissionReport,
    out: &mut Vec<Warning>,
) {
    for name in ["jku", "x5u"] {
        if token.header.contains_key(name) {
            out.push(Warning::new(
                WarningCode::KeyUrlInHeader,
                Severity::Info,
                format!("The header names a key URL ({name}). Drivly Keys never fetches it: keys come only from your profile or what you paste."),
            ));
        }
    }
    if token.header.contains_key("crit") {
        out.push(Warning::new(
            WarningCode::CriticalHeader,
            Severity::Info,
            "The header lists critical extensions (crit); a server that does not know them must reject the token.",
        ));
    }
    if token.len > LARGE_TOKEN_BYTES {
        out.push(Warning::new(
            WarningCode::LargeToken,
            Severity::Info,
            format!(
                "The token is {} bytes; many servers refuse request headers over 8 KiB.",
                token.len
            ),
        ));
    }
    let unrecognised = permissions.unrecognised.len() + permissions.dropped;
    if unrecognised > 0 {
        out.push(Warning::new(
            WarningCode::UnrecognisedPermissions,
            Severity::Info,
            format!("{unrecognised} permission entries are not <resource>.read or <resource>.write; they are listed as unrecognised."),
        ));
    }
}

/// A header value shortened to 40 characters for a message. Shortened while formatting, so
/// nothing is allocated for the common token that raises no warning.
struct Short<'a>(&'a str);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(40) {
            Some((cut, _)) => {
                f.write_str(&self.0[..cut])?;
                f.write_str("…")
            }
            None => f.write_str(self.0),
        }
    }
}
