//! Calls on resources rather than credentials: "try it" (a request with a given credential,
//! reporting status, time and the server's message), the cheap API-key check, and the JWKS.
//!
//! "Try it" treats any HTTP answer as a result (a 403 is the useful answer "this token lacks
//! `invoices.write`"); only transport failures are errors. Its resource path is confined to
//! the profile's API: no scheme, no `..`, no other host, and not the auth endpoints, whose
//! answers are credentials that must not land in a preview shown to the UI.

use std::fmt;

use reqwest::Method;
use serde_json::Value;

use super::error::ClientError;
use super::http::{Answer, CallKind, DrivlyClient, Outgoing, status_error};
use crate::secret::{ApiKey, SecretString};

/// Longest body preview returned by [`DrivlyClient::try_it`], in characters.
pub const BODY_PREVIEW_CHARS: usize = 2048;
/// Longest resource path accepted by [`DrivlyClient::try_it`].
const MAX_RESOURCE_PATH: usize = 512;

/// The outcome of [`DrivlyClient::try_it`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryItResult {
    /// The HTTP status.
    pub status: u16,
    /// Time from sending to the end of the body, in milliseconds.
    pub elapsed_ms: u64,
    /// A one-line explanation for people ("403: the credential lacks 'invoices.write'").
    pub message: String,
    /// The permission the server says is missing (or the one the method needs), on 403.
    pub missing_permission: Option<String>,
    /// The start of the body (pretty-printed when JSON), bounded, credential redacted.
    pub body_preview: String,
}

/// What [`DrivlyClient::verify_api_key`] found out.
#[derive(Debug)]
pub enum KeyVerdict {
    /// The server accepted the key.
    Valid,
    /// The server rejected the key (`401`): wrong, or revoked.
    Rejected,
    /// No verdict: the server could not be asked (network, 5xx, an unexpected answer).
    CannotTell(ClientError),
}

impl fmt::Display for KeyVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Valid => f.write_str("the server accepts this key"),
            Self::Rejected => f.write_str("the server rejects this key: it is wrong or revoked"),
            Self::CannotTell(e) => write!(f, "the key could not be checked: {e}"),
        }
    }
}

/// The path the key check reads: the smallest authenticated answer Drivly gives.
const VERIFY_PATH: &str = "invoices?limit=1";

impl DrivlyClient {
    /// Checks an API key with one cheap authenticated `GET` (`invoices?limit=1`).
    pub async fn verify_api_key(&self, api_key: &ApiKey) -> KeyVerdict {
        let endpoint = "invoices";
        let answer = self
            .send(Outgoing {
                method: Method::GET,
                url: self.url(VERIFY_PATH),
                endpoint,
                bearer: Some(api_key.expose_secret()),
                json: None,
            })
            .await;
        match answer {
            // A 403 still proves the key authenticated.
            Ok(a) if a.status.is_success() || a.status.as_u16() == 403 => KeyVerdict::Valid,
            Ok(a) if a.status.as_u16() == 401 => KeyVerdict::Rejected,
            Ok(a) => KeyVerdict::CannotTell(status_error(
                CallKind::Resource,
                endpoint,
                &a,
                &[api_key.expose_secret()],
                None,
            )),
            Err(e) => KeyVerdict::CannotTell(e),
        }
    }

    /// Sends `method` to `resource_path` (relative to the base URL, such as `invoices` or
    /// `services/42?limit=5`) with `credential` (an API key or a JWT) and an optional JSON
    /// body, and reports what happened.
    ///
    /// # Errors
    /// [`ClientError::InvalidRequest`] for a path outside the profile's API or an auth
    /// endpoint; transport errors ([`ClientError::Network`], [`ClientError::Timeout`]). HTTP
    /// error statuses are results, not errors.
    pub async fn try_it(
        &self,
        credential: &SecretString,
        method: Method,
        resource_path: &str,
        body: Option<Value>,
    ) -> Result<TryItResult, ClientError> {
        let (url, resource) = self.resource_url(resource_path)?;
        let endpoint = resource_path
            .split('?')
            .next()
            .unwrap_or(resource_path)
            .to_owned();
        let json = match body {
            Some(v) => Some(serde_json::to_vec(&v).map_err(|_| {
                ClientError::InvalidRequest("the request body could not be encoded")
            })?),
            None => None,
        };
        let needed = format!(
            "{resource}.{}",
            if matches!(method, Method::GET | Method::HEAD) {
                "read"
            } else {
                "write"
            }
        );
        let answer = self
            .send(Outgoing {
                method,
                url,
                endpoint: &endpoint,
                bearer: Some(credential.expose_secret()),
                json,
            })
            .await?;
        Ok(try_it_result(&endpoint, &answer, credential, needed))
    }

    /// Fetches the profile's JWKS as text. `Ok(None)` when the profile has no JWKS endpoint or
    /// the server answers `404`.
    ///
    /// # Errors
    /// Transport and server errors, and [`ClientError::MalformedResponse`] when the answer is
    /// not a JSON object with a `keys` array.
    pub async fn fetch_jwks(&self) -> Result<Option<String>, ClientError> {
        let Some(endpoint) = self.profile.endpoints.jwks.clone() else {
            return Ok(None);
        };
        let answer = self
            .send(Outgoing {
                method: Method::GET,
                url: self.url(&endpoint),
                endpoint: &endpoint,
                bearer: None,
                json: None,
            })
            .await?;
        if answer.status.as_u16() == 404 {
            return Ok(None);
        }
        if !answer.status.is_success() {
            return Err(status_error(
                CallKind::Resource,
                &endpoint,
                &answer,
                &[],
                None,
            ));
        }
        let malformed = || ClientError::MalformedResponse {
            endpoint: endpoint.clone(),
            detail: "it is not a JSON Web Key Set".to_owned(),
        };
        let value: Value = serde_json::from_slice(&answer.body).map_err(|_| malformed())?;
        if !value.get("keys").is_some_and(Value::is_array) {
            return Err(malformed());
        }
        String::from_utf8(answer.body.to_vec())
            .map(Some)
            .map_err(|_| malformed())
    }

    /// Resolves a resource path under the base URL, refusing anything that could send the
    /// credential elsewhere. Returns the URL and the resource name (first segment).
    fn resource_url(&self, resource_path: &str) -> Result<(url::Url, String), ClientError> {
        let bad = ClientError::InvalidRequest(
            "the resource path must be a path under the profile's API, such as 'invoices' or 'services/42'",
        );
        if resource_path.is_empty()
            || resource_path.len() > MAX_RESOURCE_PATH
            || !resource_path.bytes().all(|b| b.is_ascii_graphic())
            || resource_path.contains('#')
        {
            return Err(bad);
        }
        let (path, _query) = resource_path.split_once('?').unwrap_or((resource_path, ""));
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let segment_ok = |s: &&str| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        };
        if !segments.iter().all(segment_ok) {
            return Err(bad);
        }
        let resource = segments.first().copied().unwrap_or_default().to_owned();
        let e = &self.profile.endpoints;
        let auth_roots = [
            Some(&e.auth),
            Some(&e.token),
            Some(&e.refresh),
            e.revoke.as_ref(),
        ];
        let first_of = |p: &String| {
            p.trim_start_matches('/')
                .split('/')
                .next()
                .map(str::to_owned)
        };
        if auth_roots
            .into_iter()
            .flatten()
            .filter_map(first_of)
            .any(|root| root == resource)
        {
            return Err(ClientError::InvalidRequest(
                "'try it' does not call the sign-in endpoints; pick a resource such as 'invoices'",
            ));
        }
        let url = self.url(resource_path);
        let base = self.profile.endpoint("");
        if url.origin() != base.origin() || !url.path().starts_with(base.path()) {
            return Err(bad);
        }
        Ok((url, resource))
    }
}

fn try_it_result(
    endpoint: &str,
    answer: &Answer,
    credential: &SecretString,
    needed: String,
) -> TryItResult {
    let status = answer.status.as_u16();
    let reason = answer.status.canonical_reason().unwrap_or("");
    let scrub = [credential.expose_secret()];
    let (message, missing_permission) = if answer.status.is_success() {
        (format!("{status} {reason}: the call succeeded"), None)
    } else {
        match status_error(CallKind::Resource, endpoint, answer, &scrub, Some(needed)) {
            ClientError::Forbidden {
                permission,
                message,
            } => {
                let m = match &permission {
                    Some(p) => {
                        format!(
                            "{status} {reason}: the credential lacks the permission '{p}' ({message})"
                        )
                    }
                    None => format!("{status} {reason}: {message}"),
                };
                (m, permission)
            }
            ClientError::Unauthorized { message } => (
                format!(
                    "{status} {reason}: the credential was rejected; it may be expired, revoked or mistyped ({message})"
                ),
                None,
            ),
            ClientError::NotFound { .. } => (format!("{status} {reason}: no such resource"), None),
            other => (format!("{status} {reason}: {other}"), None),
        }
    };
    TryItResult {
        status,
        elapsed_ms: u64::try_from(answer.elapsed.as_millis()).unwrap_or(u64::MAX),
        message,
        missing_permission,
        body_preview: preview(&answer.body, &scrub),
    }
}

/// The start of a body for display: pretty JSON when it parses, text otherwise.
fn preview(body: &[u8], scrub: &[&str]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
        Err(_) => {
            String::from_utf8_lossy(&body[..body.len().min(BODY_PREVIEW_CHARS * 4)]).into_owned()
        }
    };
    let mut text = text;
    for s in scrub.iter().filter(|s| s.len() >= 4) {
        text = text.replace(s, crate::secret::REDACTED);
    }
    let keep_layout: String = text
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    if keep_layout.chars().count() > BODY_PREVIEW_CHARS {
        let mut t: String = keep_layout.chars().take(BODY_PREVIEW_CHARS).collect();
        t.push('…');
        t
    } else {
        keep_layout
    }
}
