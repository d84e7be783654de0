//! Parsing of Drivly's wire format, tolerant as protocol.md asks: `token` or `access_token`,
//! `refreshToken` or `refresh_token`, `expires` (ISO 8601) or `expiresAt` or `expires_in`
//! (seconds); error bodies `{"error", "message"}` (or `error_description`); `Retry-After` in
//! seconds or as an HTTP date.
//!
//! Secrets are wrapped the moment serde hands them over ([`WireSecret`]), so no plain `String`
//! copy of a token outlives parsing. Everything here is a pure function of bytes, tested as
//! tables without a network.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::error::ClientError;
use super::tokens::{MintedToken, TokenSet, decide_expiry};
use crate::secret::{Jwt, RefreshToken, SecretString};

/// Longest token accepted from a server: far beyond any real JWT, short of a memory problem.
const MAX_TOKEN_LEN: usize = 64 * 1024;
/// Longest server message kept for an error.
const MAX_MESSAGE_CHARS: usize = 300;
/// Ten years: longer `expires_in` values are treated as nonsense.
const MAX_EXPIRES_IN_SECS: f64 = 10.0 * 365.0 * 86_400.0;

/// A secret string field, wrapped as soon as it is deserialized.
struct WireSecret(SecretString);

impl<'de> Deserialize<'de> for WireSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| Self(SecretString::new(s)))
    }
}

/// Every field form a token response may use; unknown fields are ignored.
#[derive(Deserialize)]
struct RawTokens {
    token: Option<WireSecret>,
    access_token: Option<WireSecret>,
    #[serde(rename = "refreshToken")]
    refresh_token_camel: Option<WireSecret>,
    refresh_token: Option<WireSecret>,
    expires: Option<Value>,
    #[serde(rename = "expiresAt")]
    expires_at_camel: Option<Value>,
    expires_at: Option<Value>,
    expires_in: Option<Value>,
    #[serde(rename = "expiresIn")]
    expires_in_camel: Option<Value>,
}

fn malformed(endpoint: &str, detail: &str) -> ClientError {
    ClientError::MalformedResponse {
        endpoint: endpoint.to_owned(),
        detail: detail.to_owned(),
    }
}

fn parse_raw(endpoint: &str, body: &[u8]) -> Result<RawTokens, ClientError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| malformed(endpoint, "the body is not JSON"))?;
    if !value.is_object() {
        return Err(malformed(endpoint, "the body is not a JSON object"));
    }
    // serde's error messages may quote the offending value, so they are not passed on.
    RawTokens::deserialize(value)
        .map_err(|_| malformed(endpoint, "a token or expiry field has the wrong type"))
}

/// Checks that a token can travel in an `Authorization` header.
fn usable_token(endpoint: &str, what: &str, s: SecretString) -> Result<SecretString, ClientError> {
    let v = s.expose_secret();
    if v.is_empty() {
        return Err(malformed(endpoint, &format!("the {what} is empty")));
    }
    if v.len() > MAX_TOKEN_LEN {
        return Err(malformed(endpoint, &format!("the {what} is too long")));
    }
    if !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(malformed(
            endpoint,
            &format!("the {what} contains spaces or control characters"),
        ));
    }
    Ok(s)
}

/// An absolute instant: an RFC 3339 string, or epoch seconds (milliseconds when huge).
fn instant_from(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|d| d.with_timezone(&Utc))
            .or_else(|| s.trim().parse::<f64>().ok().and_then(epoch_number)),
        Value::Number(n) => n.as_f64().and_then(epoch_number),
        _ => None,
    }
}

fn epoch_number(n: f64) -> Option<DateTime<Utc>> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    // Past the year 33658 in seconds means the server sent milliseconds.
    let secs = if n > 1.0e12 { n / 1000.0 } else { n };
    if secs > 253_402_300_799.0 {
        return None; // beyond 9999-12-31
    }
    Utc.timestamp_opt(secs as i64, 0).single()
}

/// A relative lifetime in seconds: a number or a numeric string.
fn seconds_from(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (n.is_finite() && (0.0..=MAX_EXPIRES_IN_SECS).contains(&n)).then_some(n)
}

/// The expiry a response states, if any. A present but unreadable field is an error rather
/// than silently ignored: the caller would otherwise trust a wrong lifetime.
fn response_expiry(
    endpoint: &str,
    raw: &RawTokens,
    requested_at: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ClientError> {
    let absolute = [&raw.expires, &raw.expires_at_camel, &raw.expires_at];
    if let Some(v) = absolute.into_iter().flatten().find(|v| !v.is_null()) {
        return instant_from(v)
            .map(Some)
            .ok_or_else(|| malformed(endpoint, "the expiry is not a date"));
    }
    let relative = [&raw.expires_in, &raw.expires_in_camel];
    if let Some(v) = relative.into_iter().flatten().find(|v| !v.is_null()) {
        let secs = seconds_from(v)
            .ok_or_else(|| malformed(endpoint, "expires_in is not a number of seconds"))?;
        let millis = (secs * 1000.0) as i64;
        return Ok(Some(requested_at + chrono::Duration::milliseconds(millis)));
    }
    Ok(None)
}

fn access_token(endpoint: &str, raw: &mut RawTokens) -> Result<Jwt, ClientError> {
    let secret = raw
        .token
        .take()
        .or_else(|| raw.access_token.take())
        .ok_or_else(|| malformed(endpoint, "it carries no token"))?;
    let secret = usable_token(endpoint, "token", secret.0)?;
    Ok(Jwt::new(secret.expose_secret()))
}

/// Parses a code-exchange or refresh response.
pub(crate) fn parse_token_set(
    endpoint: &str,
    body: &[u8],
    requested_at: DateTime<Utc>,
) -> Result<TokenSet, ClientError> {
    let mut raw = parse_raw(endpoint, body)?;
    let jwt = access_token(endpoint, &mut raw)?;
    let refresh_token = match raw
        .refresh_token_camel
        .take()
        .or_else(|| raw.refresh_token.take())
    {
        Some(s) => {
            let s = usable_token(endpoint, "refresh token", s.0)?;
            Some(RefreshToken::new(s.expose_secret()))
        }
        None => None,
    };
    let from_response = response_expiry(endpoint, &raw, requested_at)?;
    let (expires, expiry_skew_warning) = decide_expiry(from_response, jwt_exp(jwt.expose_secret()))
        .ok_or_else(|| malformed(endpoint, "it states no expiry and the token has no exp"))?;
    Ok(TokenSet {
        jwt,
        refresh_token,
        expires,
        requested_at,
        expiry_skew_warning,
    })
}

/// Parses a mint response (`{"token", "expires"}`).
pub(crate) fn parse_minted(
    endpoint: &str,
    body: &[u8],
    requested_at: DateTime<Utc>,
) -> Result<MintedToken, ClientError> {
    let mut raw = parse_raw(endpoint, body)?;
    let jwt = access_token(endpoint, &mut raw)?;
    let from_response = response_expiry(endpoint, &raw, requested_at)?;
    let (expires, _) = decide_expiry(from_response, jwt_exp(jwt.expose_secret()))
        .ok_or_else(|| malformed(endpoint, "it states no expiry and the token has no exp"))?;
    Ok(MintedToken { jwt, expires })
}

/// The `exp` claim of a JWT, decoded without verification, only to cross-check the response.
/// `None` for anything that is not a JWT with an integer-valued `exp`.
pub fn jwt_exp(token: &str) -> Option<DateTime<Utc>> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?;
    let secs = exp
        .as_i64()
        .or_else(|| exp.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))?;
    if !(0..=253_402_300_799).contains(&secs) {
        return None;
    }
    Utc.timestamp_opt(secs, 0).single()
}

/// A non-2xx body, read loosely: `error` (a code), `message` or `error_description` (text),
/// and a missing permission when the server names it in a field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub error: Option<String>,
    pub message: Option<String>,
    pub permission: Option<String>,
}

/// Reads an error body. `scrub` lists secrets sent with the request: a server that echoes one
/// back in its message must not put it into an error the app will show or log.
pub(crate) fn parse_error_body(body: &[u8], scrub: &[&str]) -> ErrorBody {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return ErrorBody::default();
    };
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
            .map(|s| clean_message(s, scrub))
    };
    let error = text(&["error", "code"]).map(|e| e.chars().take(64).collect());
    let message = text(&["message", "error_description", "detail"]);
    let permission = [
        "permission",
        "missingPermission",
        "requiredPermission",
        "required",
    ]
    .iter()
    .find_map(|k| map.get(*k).and_then(Value::as_str))
    .filter(|p| is_permission(p))
    .map(str::to_owned)
    .or_else(|| message.as_deref().and_then(find_permission));
    ErrorBody {
        error,
        message,
        permission,
    }
}

/// Removes echoed secrets and control characters and bounds the length.
pub(crate) fn clean_message(raw: &str, scrub: &[&str]) -> String {
    let mut s = raw.to_owned();
    for secret in scrub.iter().filter(|s| s.len() >= 4) {
        s = s.replace(secret, crate::secret::REDACTED);
    }
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = s.trim();
    if trimmed.chars().count() > MAX_MESSAGE_CHARS {
        let mut t: String = trimmed.chars().take(MAX_MESSAGE_CHARS).collect();
        t.push('…');
        t
    } else {
        trimmed.to_owned()
    }
}

/// `<resource>.read` or `<resource>.write`, resource in `[A-Za-z0-9_-]`.
pub(crate) fn is_permission(s: &str) -> bool {
    let Some((resource, action)) = s.rsplit_once('.') else {
        return false;
    };
    matches!(action, "read" | "write")
        && !resource.is_empty()
        && resource.len() <= 64
        && resource
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The first permission-shaped word in a message ("missing permission invoices.write.").
pub(crate) fn find_permission(message: &str) -> Option<String> {
    message
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map(|w| w.trim_matches('.'))
        .find(|w| is_permission(w))
        .map(str::to_owned)
}

/// `Retry-After` as seconds: a delay, or an HTTP date turned into the delay from `now`.
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<u64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.min(86_400));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((when - now).num_seconds().clamp(0, 86_400) as u64)
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
