//! The errors the HTTP API answers with, as `{"error": "<code>", "message": "<text>"}`.
//!
//! Every message says what the caller can do next and never echoes a credential. `401` answers
//! also carry `WWW-Authenticate: Bearer` (RFC 6750 §3).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An API error; each variant maps to one status and one stable `error` code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not valid JSON for this endpoint.
    #[error("{0}")]
    MalformedJson(String),
    /// A parameter is missing or invalid.
    #[error("{0}")]
    InvalidRequest(String),
    /// A requested permission is not of the form `<resource>.read` or `<resource>.write`.
    #[error("{0}")]
    InvalidPermission(String),
    /// A code or refresh token is unknown, used, expired or revoked.
    #[error("{0}")]
    InvalidGrant(String),
    /// No usable credential: missing, malformed, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// The credential is valid but lacks `permission`.
    #[error(
        "this token lacks the permission {permission}; mint or sign in for a token that includes it"
    )]
    Forbidden {
        /// The permission the request needed.
        permission: String,
    },
    /// Only an API key may do this.
    #[error("{0}")]
    ApiKeyRequired(String),
    /// Nothing at this path or with this id.
    #[error("{0}")]
    NotFound(String),
    /// The body is larger than the emulator accepts.
    #[error("the request body is larger than {limit} bytes; send a smaller body")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body must be JSON.
    #[error("send the body as JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    /// A failure injected by a test control.
    #[error("injected failure (HTTP {status}) from the emulator's test controls; retry later")]
    Injected {
        /// The status to answer with.
        status: u16,
        /// Seconds for `Retry-After`, if any.
        retry_after: Option<u64>,
    },
    /// Something failed inside the emulator.
    #[error("the emulator failed: {0}; see its log")]
    Internal(String),
    /// `client_id` missing or wrong (the `client-id=ID` dialect).
    #[error("{0}")]
    InvalidClient(String),
    /// The `Host` is not the address the emulator listens on (a DNS-rebinding page, or a
    /// proxy that rewrote it).
    #[error(
        "this emulator answers only requests addressed to {expected} (or localhost with the same port)"
    )]
    MisdirectedHost {
        /// `127.0.0.1:PORT`.
        expected: String,
    },
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MalformedJson(_)
            | Self::InvalidRequest(_)
            | Self::InvalidPermission(_)
            | Self::InvalidGrant(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) | Self::InvalidClient(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } | Self::ApiKeyRequired(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Injected { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::MisdirectedHost { .. } => StatusCode::MISDIRECTED_REQUEST,
        }
    }

    /// The stable `error` code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedJson(_) => "invalid_json",
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidPermission(_) => "invalid_permission",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::Unauthenticated(_) => "unauthorized",
            Self::Forbidden { .. } => "insufficient_permission",
            Self::ApiKeyRequired(_) => "api_key_required",
            Self::NotFound(_) => "not_found",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Injected { status: 429, .. } => "rate_limited",
            Self::Injected { status: 503, .. } => "unavailable",
            Self::Injected { .. } => "server_error",
            Self::Internal(_) => "server_error",
            Self::InvalidClient(_) => "invalid_client",
            Self::MisdirectedHost { .. } => "misdirected_host",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        if let Self::Forbidden { permission } = &self {
            body["permission"] = serde_json::Value::String(permission.clone());
        }
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"drivly-emulator\""),
            );
        }
        if let Self::Injected {
            retry_after: Some(secs),
            ..
        } = self
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}
