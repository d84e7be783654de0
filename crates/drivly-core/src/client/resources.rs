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

/// Longest body preview returned by [`DrivlyClient::try_it`], in characters: a page of a
/// list reads whole, a huge answer does not flood the window.
pub const BODY_PREVIEW_CHARS: usize = 64 * 1024;
/// Response headers whose values are never shown (they may carry session cookies).
const HIDDEN_HEADERS: [&str; 2] = ["set-cookie", "set-cookie2"];
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
    /// Whether [`TryItResult::body_preview`] was cut at [`BODY_PREVIEW_CHARS`].
    pub body_truncated: bool,
    /// The body's size as received, in bytes.
    pub body_bytes: usize,
    /// The response headers, in order; cookies hidden, the credential redacted.
    pub headers: Vec<(String, String)>,
    /// Drivly's paging fields (Payload CMS: `page`, `totalPages`, `totalDocs`, `limit`,
    /// `nextPage`, `prevPage`), when the answer is a page of a list.
    pub paging: Option<Paging>,
}

/// Where a list answer is in its collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// This page, from 1.
    pub page: u64,
    /// How many pages there are.
    pub total_pages: u64,
    /// How many documents the collection holds.
    pub total_docs: u64,
    /// Documents per page.
    pub limit: u64,
    /// The next page, when there is one.
    pub next_page: Option<u64>,
    /// The previous page, when there is one.
    pub prev_page: Option<u64>,
}

impl Paging {
    /// The paging fields of a JSON answer (directly, or in one `data` envelope).
    fn of(body: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let fields = match value.get("data") {
            Some(inner) if inner.get("totalDocs").is_some() => inner,
            _ => &value,
        };
        let number = |name: &str| fields.get(name).and_then(Value::as_u64);
        Some(Self {
            page: number("page")?,
            total_pages: number("totalPages")?,
            total_docs: number("totalDocs")?,
            limit: number("limit")?,
            next_page: number("nextPage"),
            prev_page: number("prevPage"),
        })
    }
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

    /// The URL "try it" would call for `resource_path` (for a copied curl line), refusing what
    /// [`DrivlyClient::try_it`] refuses.
    ///
    /// # Errors
    /// [`ClientError::InvalidRequest`] for a path outside the profile's API or an auth endpoint.
    pub fn resource_request_url(&self, resource_path: &str) -> Result<url::Url, ClientError> {
        self.resource_url(resource_path).map(|(url, _)| url)
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
    let (body_preview, body_truncated) = preview(&answer.body, &scrub);
    TryItResult {
        status,
        elapsed_ms: u64::try_from(answer.elapsed.as_millis()).unwrap_or(u64::MAX),
        message,
        missing_permission,
        body_preview,
        body_truncated,
        body_bytes: answer.body.len(),
        headers: shown_headers(&answer.headers, &scrub),
        paging: Paging::of(&answer.body),
    }
}

/// The response headers as shown: cookies hidden, the credential redacted wherever it appears.
fn shown_headers(headers: &[(String, String)], scrub: &[&str]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            if HIDDEN_HEADERS.contains(&name.as_str()) {
                return (
                    name.clone(),
                    "(hidden: it may hold a session cookie)".to_owned(),
                );
            }
            let mut value = value.clone();
            for s in scrub.iter().filter(|s| s.len() >= 4) {
                value = value.replace(s, crate::secret::REDACTED);
            }
            (name.clone(), value)
        })
        .collect()
}

/// The start of a body for display: pretty JSON when it parses, text otherwise; and whether it
/// was cut.
fn preview(body: &[u8], scrub: &[&str]) -> (String, bool) {
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
        (t, true)
    } else {
        (keep_layout, false)
    }
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn cookies_are_hidden_and_the_credential_is_redacted_in_headers() {
        let headers = vec![
            ("set-cookie".to_owned(), "sid=abc123".to_owned()),
            ("x-echo".to_owned(), "token eyJsecret.value".to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
        ];
        let shown = shown_headers(&headers, &["eyJsecret.value"]);
        assert!(!shown[0].1.contains("abc123"));
        assert!(!shown[1].1.contains("eyJsecret.value"));
        assert_eq!(shown[2].1, "application/json");
    }

    #[test]
    fn paging_is_read_directly_or_in_a_data_envelope_and_only_from_lists() {
        let page = br#"{"docs":[],"totalDocs":12,"limit":5,"totalPages":3,"page":2,"nextPage":3,"prevPage":1}"#;
        let paging = Paging::of(page).expect("paging");
        assert_eq!(
            (paging.page, paging.next_page, paging.prev_page),
            (2, Some(3), Some(1))
        );
        let wrapped =
            br#"{"data":{"totalDocs":1,"limit":10,"totalPages":1,"page":1,"nextPage":null}}"#;
        assert_eq!(Paging::of(wrapped).map(|p| p.next_page), Some(None));
        assert!(Paging::of(br#"{"id":"inv_1"}"#).is_none());
        assert!(Paging::of(b"<html>").is_none());
    }

    #[test]
    fn a_long_body_is_cut_and_says_so() {
        let long = "x".repeat(BODY_PREVIEW_CHARS + 10);
        let (text, cut) = preview(long.as_bytes(), &[]);
        assert!(cut);
        assert_eq!(text.chars().count(), BODY_PREVIEW_CHARS + 1);
        assert_eq!(
            preview(b"{\"a\":1}", &[]),
            ("{\n  \"a\": 1\n}".to_owned(), false)
        );
    }
}
