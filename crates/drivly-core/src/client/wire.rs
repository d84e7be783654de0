//! Parsing of Drivly's wire format, tolerant as protocol.md (B and D) asks: `token`,
//! `access_token`, `accessToken` or `jwt`; `refreshToken` or `refresh_token`; `expires` (ISO
//! 8601, with or without an offset: none is read as UTC and warned) or `expiresAt` or
//! `expires_in` (seconds); one `{"data": {...}}` envelope; an unreadable or missing expiry falls
//! back to the token's `exp` with a warning; error bodies `{"error", "message"}`,
//! `error_description` or nested `{"error": {"code", "message"}}`, and a sanitised excerpt of a
//! text or HTML body; `Retry-After` in seconds or as an HTTP date; the `Date` header.
//!
//! Secrets are wrapped the moment serde hands them over ([`WireSecret`]), so no plain `String`
//! copy of a token outlives parsing. Everything here is a pure function of bytes, tested as
//! tables without a network.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::error::ClientError;
use super::lifetime::{ExpiryBasis, LifetimeSource};
use super::tokens::{MintedToken, ParseWarning, TokenSet, decide_expiry};
use crate::secret::{Jwt, RefreshToken, SecretString};

/// Longest token accepted from a server: far beyond any real JWT, short of a memory problem.
const MAX_TOKEN_LEN: usize = 64 * 1024;
/// Longest server message kept for an error.
const MAX_MESSAGE_CHARS: usize = 300;
/// Longest excerpt of a non-JSON error body kept for an error.
pub(crate) const MAX_EXCERPT_CHARS: usize = 160;
/// Words of token characters this long are treated as possible secrets in an excerpt.
const SECRET_LIKE_CHARS: usize = 24;
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
    #[serde(rename = "accessToken")]
    access_token_camel: Option<WireSecret>,
    jwt: Option<WireSecret>,
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

/// Names a token may travel under.
const TOKEN_NAMES: [&str; 4] = ["token", "access_token", "accessToken", "jwt"];

/// True when a 2xx body is an HTML page (a login page, a proxy's or a router's page) rather
/// than the JSON answer: the first non-blank byte is `<`.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Unwraps one `{"data": {...}}` envelope when the outer object carries no token itself.
fn unwrap_envelope(value: Value) -> Value {
    match value {
        Value::Object(mut map)
            if !TOKEN_NAMES.iter().any(|k| map.contains_key(*k))
                && map.get("data").is_some_and(Value::is_object) =>
        {
            map.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    }
}

fn parse_raw(endpoint: &str, body: &[u8]) -> Result<RawTokens, ClientError> {
    if looks_like_html(body) {
        return Err(ClientError::HtmlAnswer {
            endpoint: endpoint.to_owned(),
        });
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| malformed(endpoint, "the body is not JSON"))?;
    if !value.is_object() {
        return Err(malformed(endpoint, "the body is not a JSON object"));
    }
    let value = unwrap_envelope(value);
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

/// An absolute instant: an RFC 3339 string, an ISO 8601 date-time without offset (read as
/// UTC; the `bool` says so, for a warning), or epoch seconds (milliseconds when huge).
fn instant_from(v: &Value) -> Option<(DateTime<Utc>, bool)> {
    match v {
        Value::String(s) => {
            let s = s.trim();
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| (d.with_timezone(&Utc), false))
                .or_else(|| naive_utc(s).map(|d| (d, true)))
                .or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .and_then(epoch_number)
                        .map(|d| (d, false))
                })
        }
        Value::Number(n) => n.as_f64().and_then(epoch_number).map(|d| (d, false)),
        _ => None,
    }
}

/// `2024-01-01T00:00:00[.fff]` (or with a space for `T`), taken as UTC.
fn naive_utc(s: &str) -> Option<DateTime<Utc>> {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|d| d.and_utc())
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

/// The expiry the response states, with its basis. `expires_in` comes first: it is a lifetime
/// as the server sees it, free of any clock difference (protocol.md D), counted here from the
/// moment the request was sent. Then an absolute `expires`/`expiresAt` (on the server's clock;
/// the caller turns it into a lifetime with the answer's `Date`). An unreadable value yields
/// `None` with [`ParseWarning::ExpiryUnreadable`], and the caller falls back to the token's
/// `exp` (or fails when there is none).
fn response_expiry(
    raw: &RawTokens,
    requested_at: DateTime<Utc>,
    warnings: &mut Vec<ParseWarning>,
) -> Option<(DateTime<Utc>, ExpiryBasis)> {
    let relative = [&raw.expires_in, &raw.expires_in_camel];
    if let Some(v) = relative.into_iter().flatten().find(|v| !v.is_null()) {
        if let Some(secs) = seconds_from(v) {
            let millis = (secs * 1000.0) as i64;
            return Some((
                requested_at + chrono::Duration::milliseconds(millis),
                ExpiryBasis::ExpiresIn,
            ));
        }
        warnings.push(ParseWarning::ExpiryUnreadable);
    }
    let absolute = [&raw.expires, &raw.expires_at_camel, &raw.expires_at];
    if let Some(v) = absolute.into_iter().flatten().find(|v| !v.is_null()) {
        return match instant_from(v) {
            Some((at, naive)) => {
                if naive {
                    warnings.push(ParseWarning::DateWithoutOffset);
                }
                Some((at, ExpiryBasis::ServerTime))
            }
            None => {
                warnings.push(ParseWarning::ExpiryUnreadable);
                None
            }
        };
    }
    None
}

/// The expiry to use: the response's, else the token's `exp` (warned); an error when neither.
fn settle_expiry(
    endpoint: &str,
    from_response: Option<DateTime<Utc>>,
    jwt: &Jwt,
    warnings: &mut Vec<ParseWarning>,
) -> Result<(DateTime<Utc>, Option<super::tokens::ExpirySkew>), ClientError> {
    let token_exp = jwt_exp(jwt.expose_secret());
    let decided = decide_expiry(from_response, token_exp).ok_or_else(|| {
        malformed(
            endpoint,
            "it states no readable expiry and the token has no exp",
        )
    })?;
    if from_response.is_none() {
        warnings.push(ParseWarning::ExpiryFromTokenExp);
    }
    Ok(decided)
}

fn access_token(endpoint: &str, raw: &mut RawTokens) -> Result<Jwt, ClientError> {
    let secret = raw
        .token
        .take()
        .or_else(|| raw.access_token.take())
        .or_else(|| raw.access_token_camel.take())
        .or_else(|| raw.jwt.take())
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
    let mut warnings = Vec::new();
    let from_response = response_expiry(&raw, requested_at, &mut warnings);
    let expiry_basis = from_response.map_or(ExpiryBasis::TokenExp, |(_, basis)| basis);
    let (expires, expiry_skew_warning) = settle_expiry(
        endpoint,
        from_response.map(|(at, _)| at),
        &jwt,
        &mut warnings,
    )?;
    Ok(TokenSet {
        jwt,
        refresh_token,
        expires,
        requested_at,
        expiry_skew_warning,
        warnings,
        server_date: None,
        server_skew_secs: None,
        expiry_basis,
        lifetime_source: LifetimeSource::from_basis(expiry_basis),
        sent: None,
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
    let mut warnings = Vec::new();
    let from_response = response_expiry(&raw, requested_at, &mut warnings).map(|(at, _)| at);
    let (expires, _) = settle_expiry(endpoint, from_response, &jwt, &mut warnings)?;
    Ok(MintedToken { jwt, expires })
}

/// The `iat` claim of a JWT (decoded without verification), to read a lifetime as `exp − iat`
/// on the server's own clock. `None` as for [`jwt_exp`].
pub fn jwt_iat(token: &str) -> Option<DateTime<Utc>> {
    jwt_time_claim(token, "iat")
}

/// The `exp` claim of a JWT, decoded without verification, only to cross-check the response.
/// `None` for anything that is not a JWT with an integer-valued `exp`.
pub fn jwt_exp(token: &str) -> Option<DateTime<Utc>> {
    jwt_time_claim(token, "exp")
}

/// An integer-valued time claim of a JWT, decoded without verification.
fn jwt_time_claim(token: &str, name: &str) -> Option<DateTime<Utc>> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get(name)?;
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
/// back in its message must not put it into an error the app will show or log. A nested
/// `{"error": {"code", "message"}}` is read like the flat form; a body that is not a JSON
/// value at all (text, HTML) yields a short sanitised excerpt as the message.
pub(crate) fn parse_error_body(body: &[u8], scrub: &[&str]) -> ErrorBody {
    let map = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return ErrorBody::default(),
        Err(_) => {
            return ErrorBody {
                message: body_excerpt(body, scrub),
                ..ErrorBody::default()
            };
        }
    };
    let map = match map.get("error") {
        Some(Value::Object(inner)) => inner.clone(),
        _ => map,
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

/// A short, safe excerpt of a text or HTML body: tags, scripts and styles stripped, entities
/// left as text, control characters and runs of blanks collapsed, the secrets that were sent
/// and any long token-like word redacted, capped at [`MAX_EXCERPT_CHARS`]. `None` when nothing
/// readable is left.
pub(crate) fn body_excerpt(body: &[u8], scrub: &[&str]) -> Option<String> {
    let head = &body[..body.len().min(16 * 1024)];
    let raw = String::from_utf8_lossy(head);
    let mut text = String::with_capacity(raw.len().min(4096));
    let mut rest: &str = &raw;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let after = &rest[open..];
        let lower = after
            .get(..8)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        // Skip whole <script> and <style> elements, not just their tags.
        let skip_to = if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        match after.to_ascii_lowercase().find(skip_to) {
            Some(end) => rest = &after[end + skip_to.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    text.push_str(rest);
    let mut cleaned = text;
    for secret in scrub.iter().filter(|s| s.len() >= 4) {
        cleaned = cleaned.replace(secret, crate::secret::REDACTED);
    }
    let words: Vec<String> = cleaned
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let token_like = w.chars().count() >= SECRET_LIKE_CHARS
                && w.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/')
                });
            if token_like {
                crate::secret::REDACTED.to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return None;
    }
    if joined.chars().count() > MAX_EXCERPT_CHARS {
        let mut t: String = joined.chars().take(MAX_EXCERPT_CHARS).collect();
        t.push('…');
        Some(t)
    } else {
        Some(joined)
    }
}

/// The `Date` header (RFC 9110 IMF-fixdate, or RFC 2822) as an instant.
pub(crate) fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    DateTime::parse_from_rfc2822(v)
        .ok()
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            NaiveDateTime::parse_from_str(v, "%a, %d %b %Y %H:%M:%S GMT")
                .ok()
                .map(|d| d.and_utc())
        })
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
