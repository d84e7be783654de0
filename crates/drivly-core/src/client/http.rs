//! The HTTP plumbing under [`DrivlyClient`]: construction (timeouts, no redirects, rustls,
//! User-Agent), one `send` that every call goes through, bounded body reading, and the mapping
//! of non-2xx statuses to [`ClientError`].
//!
//! Invariants: the `Authorization` header is marked sensitive (never printed by reqwest or
//! hyper); reqwest errors are classified and dropped, never displayed (their text holds the
//! URL); bodies are read with a size bound; a credential is only ever sent to the profile's own
//! origin or its configured API-key revoke URL, both checked to be https or loopback.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use url::Url;
use zeroize::Zeroizing;

use super::error::{ClientError, from_transport};
use super::wire::{ErrorBody, parse_error_body, parse_retry_after};
use crate::clock::{Clock, SystemClock};
use crate::profile::Profile;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default total timeout for one request, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Largest response body read (a JWKS or a resource page; token answers are far smaller).
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A client for one profile's Drivly-compatible server. Cheap to clone; clones share the
/// connection pool.
#[derive(Debug, Clone)]
pub struct DrivlyClient {
    pub(crate) http: reqwest::Client,
    pub(crate) profile: Profile,
    pub(crate) clock: Arc<dyn Clock>,
}

/// Options for [`DrivlyClient`]; start from [`DrivlyClient::builder`].
#[derive(Debug, Clone)]
pub struct DrivlyClientBuilder {
    profile: Profile,
    connect_timeout: Duration,
    timeout: Duration,
    clock: Arc<dyn Clock>,
}

impl DrivlyClientBuilder {
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
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("drivly-keys/", env!("CARGO_PKG_VERSION")))
            .connection_verbose(false);
        if is_loopback(&self.profile.base_url) {
            // A system proxy would otherwise see loopback traffic, credentials included.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|_| ClientError::ClientSetup)?;
        Ok(DrivlyClient {
            http,
            profile: self.profile,
            clock: self.clock,
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
    pub retry_after: Option<u64>,
    pub body: Zeroizing<Vec<u8>>,
    pub requested_at: DateTime<Utc>,
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
        }
    }

    /// The profile this client talks to.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Sends one request and reads its body (bounded), whatever the status.
    pub(crate) async fn send(&self, out: Outgoing<'_>) -> Result<Answer, ClientError> {
        let mut req = self.http.request(out.method, out.url);
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
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, self.clock.now()));
        let body = read_bounded(resp, MAX_BODY_BYTES, out.endpoint).await?;
        Ok(Answer {
            status,
            retry_after,
            body,
            requested_at,
            elapsed: started.elapsed(),
        })
    }

    /// The URL of an endpoint path under the base URL.
    pub(crate) fn url(&self, path: &str) -> Url {
        self.profile.endpoint(path)
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
    let grant_dead = error.as_deref() == Some("invalid_grant");
    match answer.status.as_u16() {
        400 if grant_dead && matches!(kind, CallKind::Exchange | CallKind::Refresh) => {
            ClientError::SignInNeeded { message: text }
        }
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
