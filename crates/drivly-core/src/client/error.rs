//! The Drivly client's typed errors.
//!
//! Each variant is one thing the caller does differently: sign in again, wait and retry, fix a
//! permission, check the network. Invariants: no message contains a secret, a request body, a
//! response body beyond the server's short `message` (scrubbed of the credential that was sent
//! and bounded), or a URL with its query string; only endpoint paths are named.

use crate::Code;
use crate::ErrorCode;

/// Why a call to a Drivly-compatible server failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached (DNS, refused connection, TLS, connection reset).
    #[error(
        "could not reach the server for {endpoint} ({detail}); check the network and the profile's base URL"
    )]
    Network {
        /// The endpoint path, such as `auth/refresh`.
        endpoint: String,
        /// A short description of the failure kind.
        detail: &'static str,
    },
    /// The server did not answer in time.
    #[error("the server did not answer {endpoint} in time; try again later")]
    Timeout {
        /// The endpoint path.
        endpoint: String,
    },
    /// The refresh token or authorization code is dead (`400 invalid_grant`, or `401` on
    /// refresh): the user must sign in again.
    #[error("the session is no longer valid ({message}); sign in again")]
    SignInNeeded {
        /// The server's explanation.
        message: String,
    },
    /// The credential was rejected (`401` outside refresh): wrong, expired or revoked.
    #[error(
        "the server rejected the credential ({message}); check that it is current, or replace it"
    )]
    Unauthorized {
        /// The server's explanation.
        message: String,
    },
    /// The credential is valid but lacks a permission (`403`).
    #[error("{}", forbidden_message(.permission.as_deref(), .message))]
    Forbidden {
        /// The missing permission, such as `invoices.write`, when the server or the request
        /// names it.
        permission: Option<String>,
        /// The server's explanation.
        message: String,
    },
    /// Too many requests (`429`).
    #[error("the server is rate limiting requests; {}", wait_hint(*.retry_after))]
    RateLimited {
        /// Seconds to wait, from `Retry-After`.
        retry_after: Option<u64>,
    },
    /// The service is temporarily unavailable (`503`).
    #[error("the server is temporarily unavailable; {}", wait_hint(*.retry_after))]
    Unavailable {
        /// Seconds to wait, from `Retry-After`.
        retry_after: Option<u64>,
    },
    /// Another server error (`5xx`).
    #[error("the server failed with status {status} ({message}); try again later")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's explanation.
        message: String,
    },
    /// The server refused the request as invalid (`400`, other than `invalid_grant`).
    #[error("the server refused the request ({message}); check the values sent")]
    BadRequest {
        /// The server's explanation.
        message: String,
    },
    /// The endpoint or resource does not exist (`404`).
    #[error("{endpoint} was not found on the server; check the profile's endpoint paths")]
    NotFound {
        /// The endpoint path.
        endpoint: String,
    },
    /// A token endpoint does not exist (`404` or `405`): a setup error, not a passing failure.
    /// Retrying cannot help; the profile's endpoint path (or base URL) must change.
    #[error(
        "the server answered {status} for {url}: there is no such endpoint; change the path in the profile's protocol settings (endpoint paths) or its base URL"
    )]
    EndpointMissing {
        /// The full URL that was not found (the profile's base URL and path; never a query).
        url: String,
        /// The HTTP status, `404` or `405`.
        status: u16,
    },
    /// A successful status carried an HTML page instead of the JSON answer (a login page, a
    /// proxy's or a captive portal's page): the base URL most likely points elsewhere.
    #[error(
        "the server answered {endpoint} with a web page instead of JSON; check the profile's base URL and endpoint paths"
    )]
    HtmlAnswer {
        /// The endpoint path.
        endpoint: String,
    },
    /// The server refused to revoke a session (`401`): the session was NOT ended on the
    /// server; it still works there until it expires or is revoked another way.
    #[error(
        "the server refused to revoke the session ({message}); it was not revoked on the server"
    )]
    NotRevoked {
        /// The server's explanation.
        message: String,
    },
    /// The server answered something this client cannot use.
    #[error("the server's answer to {endpoint} was not understood: {detail}")]
    MalformedResponse {
        /// The endpoint path.
        endpoint: String,
        /// What was wrong, in general terms.
        detail: String,
    },
    /// An unexpected status (a redirect, or a 4xx this client has no meaning for).
    #[error(
        "the server answered {endpoint} with unexpected status {status}; check the profile's base URL"
    )]
    UnexpectedStatus {
        /// The endpoint path.
        endpoint: String,
        /// The HTTP status.
        status: u16,
    },
    /// The request could not be built: a credential with characters that cannot go in a
    /// header, or a resource path outside the profile's API.
    #[error("the request could not be sent: {0}")]
    InvalidRequest(&'static str),
    /// The HTTP client could not be created (TLS roots unavailable).
    #[error("the HTTP client could not start; reinstall the app or check the system's TLS setup")]
    ClientSetup,
}

fn forbidden_message(permission: Option<&str>, message: &str) -> String {
    match permission {
        Some(p) => format!(
            "the credential lacks the permission '{p}' ({message}); mint or request a token that includes it"
        ),
        None => {
            format!("the credential is not allowed to do this ({message}); check its permissions")
        }
    }
}

fn wait_hint(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(s) => format!("retry in {s} s"),
        None => "retry in a little while".to_owned(),
    }
}

impl ClientError {
    /// Seconds the server asked to wait (`Retry-After` on 429 and 503).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } | Self::Unavailable { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// True for failures worth retrying later with backoff: network, timeout, 429, 5xx.
    /// False for answers that retrying will not change (sign in again, forbidden, bad request).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Network { .. }
                | Self::Timeout { .. }
                | Self::RateLimited { .. }
                | Self::Unavailable { .. }
                | Self::Server { .. }
        )
    }

    /// True for a setup error that retrying cannot fix: the endpoint does not exist.
    pub fn is_setup_error(&self) -> bool {
        matches!(self, Self::EndpointMissing { .. })
    }

    /// True when the user has to sign in again (dead refresh token or code).
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::SignInNeeded { .. })
    }
}

impl ErrorCode for ClientError {
    fn code(&self) -> Code {
        match self {
            Self::Network { .. } => Code::NetworkError,
            Self::Timeout { .. } => Code::Timeout,
            Self::SignInNeeded { .. } => Code::SignInNeeded,
            Self::Unauthorized { .. } => Code::Unauthorized,
            Self::Forbidden { .. } => Code::Forbidden,
            Self::RateLimited { .. } => Code::RateLimited,
            Self::Unavailable { .. } => Code::ServiceUnavailable,
            Self::Server { .. } => Code::ServerError,
            Self::BadRequest { .. } => Code::BadRequest,
            Self::NotFound { .. } => Code::NotFound,
            Self::EndpointMissing { .. } => Code::EndpointNotFound,
            Self::HtmlAnswer { .. } => Code::HtmlAnswer,
            Self::NotRevoked { .. } => Code::NotRevoked,
            Self::MalformedResponse { .. } => Code::MalformedResponse,
            Self::UnexpectedStatus { .. } => Code::UnexpectedStatus,
            Self::InvalidRequest(_) => Code::InvalidRequest,
            Self::ClientSetup => Code::ClientSetupFailed,
        }
    }
}

/// Classifies a transport failure without keeping the `reqwest::Error` itself, whose `Display`
/// names the full URL (query string included).
pub(crate) fn from_transport(endpoint: &str, err: &reqwest::Error) -> ClientError {
    if err.is_timeout() {
        return ClientError::Timeout {
            endpoint: endpoint.to_owned(),
        };
    }
    let detail = if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "the connection broke while reading the answer"
    } else if err.is_request() {
        "the request could not be sent"
    } else {
        "transport error"
    };
    ClientError::Network {
        endpoint: endpoint.to_owned(),
        detail,
    }
}
