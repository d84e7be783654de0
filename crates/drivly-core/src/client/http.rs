//! The HTTP plumbing under [`DrivlyClient`]: construction (timeouts, redirects, rustls,
//! User-Agent, `Accept: application/json`), one `send` that every call goes through, bounded
//! body reading, the server's `Date` (a shared skew estimate), and the mapping of non-2xx
//! statuses to [`ClientError`].
//!
//! Redirects: a GET (JWKS, resources) follows same-origin redirects (at most 5); token calls
//! (POST) never follow any, so a credential in a body cannot be replayed to another URL.
//!
//! Invariants: the `Authorization` header is marked sensitive (never printed by reqwest or
//! hyper); reqwest errors are classified and dropped, never displayed (their text holds the
//! URL); bodies are read with a size bound; a credential is only ever sent to the profile's own
//! origin or its configured API-key revoke URL, both checked to be https or loopback.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER,
};
use reqwest::{Method, StatusCode};
use url::Url;
use zeroize::Zeroizing;

use super::error::{ClientError, from_transport};
use super::wire::{ErrorBody, parse_error_body, parse_http_date, parse_retry_after};
use crate::clock::{Clock, SystemClock};
use crate::profile::Profile;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default total timeout for one request, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Largest response body read (a JWKS or a resource page; token answers are far smaller).
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most same-origin redirects a GET follows.
const MAX_GET_REDIRECTS: usize = 5;

/// A client for one profile's Drivly-compatible server. Cheap to clone; clones share the
/// connection pool.
#[derive(Debug, Clone)]
pub struct DrivlyClient {
    /// Never follows redirects: token calls.
    pub(crate) http: reqwest::Client,
    /// Follows same-origin redirects: GETs.
    pub(crate) http_get: reqwest::Client,
    pub(crate) profile: Profile,
    pub(crate) clock: Arc<dyn Clock>,
    /// The OAuth `client_id` sent with token, refresh and revoke calls, when set.
    pub(crate) client_id: Option<String>,
    /// The latest `server − local` clock difference, in seconds, shared by clones.
    pub(crate) skew: Arc<Mutex<Option<i64>>>,
}

/// Options for [`DrivlyClient`]; start from [`DrivlyClient::builder`].
#[derive(Debug, Clone)]
pub struct DrivlyClientBuilder {
    profile: Profile,
    connect_timeout: Duration,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    client_id: Option<String>,
}

impl DrivlyClientBuilder {
    /// Sends `client_id` in the token, refresh and revoke bodies (protocol.md D). `None` or an
    /// empty value sends none.
    pub fn client_id(mut self, client_id: Option<String>) -> Self {
        self.client_id = client_id.filter(|c| !c.is_empty());
        self
    }

    /// Overrides the connect timeout (default 5 s).
    pub fn connect_timeout(mut self, value: Duration) -> Self {
        self.connect_timeout = value;
        self
    }

    /// Overrides the total per-request timeout (default 20 s).
    pub fn timeout(mut self, value: Duration) -> Self {
        self.timeout = value;
        self
    }

    /// Injects the wall clock used for `requested_at` and `expires_in` (tests, refresh logic).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ClientError::InvalidRequest`] when the base URL (or the API-key revoke URL) is plain
    /// `http` to another machine, where credentials would travel unencrypted;
    /// [`ClientError::ClientSetup`] when the TLS stack cannot start.
    pub fn build(self) -> Result<DrivlyClient, ClientError> {
        check_transport(&self.profile.base_url)?;
        if let Some(url) = &self.profile.api_key_revoke_url {
            check_transport(url)?;
        }
        let loopback = is_loopback(&self.profile.base_url);
        let base = || {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
            let builder = reqwest::Client::builder()
                .default_headers(headers)
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .user_agent(concat!("drivly-keys/", env!("CARGO_PKG_VERSION")))
                .connection_verbose(false);
            // A system proxy would otherwise see loopback traffic, credentials included.
            if loopback {
                builder.no_proxy()
            } else {
                builder
            }
        };
        let http = base()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| ClientError::ClientSetup)?;
        let http_get = base()
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same_origin = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| first.origin() == attempt.url().origin());
                if same_origin && attempt.previous().len() <= MAX_GET_REDIRECTS {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()
            .map_err(|_| ClientError::ClientSetup)?;
        Ok(DrivlyClient {
            http,
            http_get,
            profile: self.profile,
            clock: self.clock,
            client_id: self.client_id,
            skew: Arc::new(Mutex::new(None)),
        })
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn check_transport(url: &Url) -> Result<(), ClientError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(ClientError::InvalidRequest(
            "the server URL must use https unless it is on this machine (127.0.0.1)",
        )),
    }
}

/// What the caller is doing, which decides how some statuses read (a 401 on refresh means
/// "sign in again"; elsewhere it means "this credential is rejected").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    Mint,
    Exchange,
    Refresh,
    Revoke,
    Resource,
}

/// A response that arrived, whatever its status.
pub(crate) struct Answer {
    pub status: StatusCode,
    /// The URL asked, without query or fragment (for setup errors).
    pub url: String,
    /// The `Content-Type` mime type, lowercased, when sent.
    pub content_type: Option<String>,
    /// The `Date` header.
    pub server_date: Option<DateTime<Utc>>,
    /// `server_date − local clock at arrival`, in seconds.
    pub skew_secs: Option<i64>,
    /// Without a `Date`: the server's clock at arrival, from the skew earlier answers of this
    /// client (so of this profile) measured. `None` when this answer has a `Date`.
    pub estimated_server_now: Option<DateTime<Utc>>,
    pub retry_after: Option<u64>,
    /// The response headers, names lowercased, values as text (lossy); for "try it" only.
    pub headers: Vec<(String, String)>,
    pub body: Zeroizing<Vec<u8>>,
    pub requested_at: DateTime<Utc>,
    /// When the request was sent, on the monotonic clock.
    pub sent: Instant,
    pub elapsed: Duration,
}

/// One request.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: Url,
    /// The endpoint path for messages; never a query string.
    pub endpoint: &'a str,
    pub bearer: Option<&'a str>,
    pub json: Option<Vec<u8>>,
}

impl DrivlyClient {
    /// A client with default timeouts and the system clock.
    ///
    /// # Errors
    /// As [`DrivlyClientBuilder::build`].
    pub fn new(profile: &Profile) -> Result<Self, ClientError> {
        Self::builder(profile).build()
    }

    /// A builder to adjust timeouts or inject a clock.
    pub fn builder(profile: &Profile) -> DrivlyClientBuilder {
        DrivlyClientBuilder {
            profile: profile.clone(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            clock: Arc::new(SystemClock),
            // The profile's own setting; `client_id(..)` may still override it (tests).
            client_id: profile.client_id.clone().filter(|c| !c.is_empty()),
        }
    }

    /// The profile this client talks to.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The latest estimate of the server's clock minus the local clock, in seconds, from the
    /// `Date` header of the last answer any clone of this client received; `None` before the
    /// first answer or when the server sends no `Date`. Positive: the server is ahead.
    pub fn server_skew_secs(&self) -> Option<i64> {
        *self
            .skew
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The `client_id` this client sends, if any.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// Sends one request and reads its body (bounded), whatever the status.
    pub(crate) async fn send(&self, out: Outgoing<'_>) -> Result<Answer, ClientError> {
        let mut shown = out.url.clone();
        shown.set_query(None);
        shown.set_fragment(None);
        let client = if out.method == Method::GET {
            &self.http_get
        } else {
            &self.http
        };
        let mut req = client.request(out.method, out.url);
        if let Some(secret) = out.bearer {
            let mut value = HeaderValue::from_str(&Zeroizing::new(format!("Bearer {secret}")))
                .map_err(|_| {
                    ClientError::InvalidRequest(
                        "the credential contains characters that cannot be sent",
                    )
                })?;
            value.set_sensitive(true);
            req = req.header(AUTHORIZATION, value);
        }
        if let Some(json) = out.json {
            req = req
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(json);
        }
        let requested_at = self.clock.now();
        let started = Instant::now();
        let resp = req
            .send()
            .await
            .map_err(|e| from_transport(out.endpoint, &e))?;
        let status = resp.status();
        let arrived = self.clock.now();
        let server_date = resp
            .headers()
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        let skew_secs = server_date.map(|d| (d - arrived).num_seconds());
        let estimated_server_now = match server_date {
            Some(_) => None,
            None => self
                .server_skew_secs()
                .map(|skew| arrived + chrono::TimeDelta::seconds(skew)),
        };
        if let Some(skew) = skew_secs {
            *self
                .skew
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(skew);
        }
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, self.clock.now()));
        let headers = resp
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = read_bounded(resp, MAX_BODY_BYTES, out.endpoint).await?;
        Ok(Answer {
            status,
            url: shown.to_string(),
            content_type,
            server_date,
            skew_secs,
            estimated_server_now,
            retry_after,
            headers,
            body,
            requested_at,
            sent: started,
            elapsed: started.elapsed(),
        })
    }

    /// The URL of an endpoint path under the base URL.
    pub(crate) fn url(&self, path: &str) -> Url {
        self.profile.endpoint(path)
    }

    /// Fails with [`ClientError::HtmlAnswer`] when a 2xx answer is an HTML page.
    pub(crate) fn expect_json(endpoint: &str, answer: &Answer) -> Result<(), ClientError> {
        let html_type = answer
            .content_type
            .as_deref()
            .is_some_and(|t| t == "text/html" || t == "application/xhtml+xml");
        if html_type || super::wire::looks_like_html(&answer.body) {
            return Err(ClientError::HtmlAnswer {
                endpoint: endpoint.to_owned(),
            });
        }
        Ok(())
    }
}

async fn read_bounded(
    mut resp: reqwest::Response,
    limit: usize,
    endpoint: &str,
) -> Result<Zeroizing<Vec<u8>>, ClientError> {
    let hint = resp.content_length().unwrap_or(0).min(limit as u64) as usize;
    let mut buf = Zeroizing::new(Vec::with_capacity(hint));
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| from_transport(endpoint, &e))?
    {
        if buf.len() + chunk.len() > limit {
            return Err(ClientError::MalformedResponse {
                endpoint: endpoint.to_owned(),
                detail: "the answer is too large".to_owned(),
            });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// Turns a non-2xx answer into the error the caller acts on. `scrub` lists the secrets sent,
/// so an echo of one in the server's message is redacted.
pub(crate) fn status_error(
    kind: CallKind,
    endpoint: &str,
    answer: &Answer,
    scrub: &[&str],
    inferred_permission: Option<String>,
) -> ClientError {
    let ErrorBody {
        error,
        message,
        permission,
    } = parse_error_body(&answer.body, scrub);
    let text = message
        .or_else(|| error.clone())
        .unwrap_or_else(|| format!("status {}", answer.status.as_u16()));
    let grant_dead = matches!(
        error.as_deref(),
        Some("invalid_grant" | "invalid_token" | "expired_token")
    );
    let token_call = matches!(kind, CallKind::Exchange | CallKind::Refresh);
    match answer.status.as_u16() {
        400 | 401 | 403 if grant_dead && token_call => ClientError::SignInNeeded { message: text },
        s @ (404 | 405) if token_call => ClientError::EndpointMissing {
            url: answer.url.clone(),
            status: s,
        },
        400 => ClientError::BadRequest { message: text },
        401 if kind == CallKind::Refresh => ClientError::SignInNeeded { message: text },
        401 => ClientError::Unauthorized { message: text },
        403 => ClientError::Forbidden {
            permission: permission.or(inferred_permission),
            message: text,
        },
        404 => ClientError::NotFound {
            endpoint: endpoint.to_owned(),
        },
        429 => ClientError::RateLimited {
            retry_after: answer.retry_after,
        },
        503 => ClientError::Unavailable {
            retry_after: answer.retry_after,
        },
        s @ 500..=599 => ClientError::Server {
            status: s,
            message: text,
        },
        s => ClientError::UnexpectedStatus {
            endpoint: endpoint.to_owned(),
            status: s,
        },
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
