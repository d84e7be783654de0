//! `GET /token` for a child process: `{"token": "...", "expires": "<RFC 3339>"}` to a caller
//! presenting the run's secret as `Authorization: Bearer <secret>`.
//!
//! Order of checks: the request guard (421 foreign Host, 403 Origin or cross-site), then the
//! secret (401, compared in constant time), then the route (404 other paths, 405 other methods).
//! A request only asks the [`TokenSource`]; the source refreshes when its token would not last
//! `min_ttl`, so a child polling every second causes no extra refresh.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use url::Url;

use crate::auth_secret::LocalAuthSecret;
use crate::error::LocalApiError;
use crate::listener::LocalServer;
use crate::request_guard;
use crate::token_source::TokenSource;

/// A running token endpoint.
#[derive(Debug)]
pub struct RunningTokenEndpoint {
    /// The server (stop it with [`LocalServer::shutdown`]).
    pub server: LocalServer,
    /// `http://127.0.0.1:PORT/token`.
    pub url: Url,
}

struct Endpoint {
    source: Arc<dyn TokenSource>,
    secret: LocalAuthSecret,
    min_ttl: Option<Duration>,
    port: u16,
}

/// Starts the endpoint on 127.0.0.1:`port` (0 = a free port chosen now).
///
/// # Errors
/// [`LocalApiError::Bind`].
pub async fn serve_token_endpoint(
    source: Arc<dyn TokenSource>,
    secret: LocalAuthSecret,
    min_ttl: Option<Duration>,
    port: u16,
) -> Result<RunningTokenEndpoint, LocalApiError> {
    let server = LocalServer::start(port, move |port| {
        let endpoint = Arc::new(Endpoint {
            source,
            secret,
            min_ttl,
            port,
        });
        Router::new().fallback(answer).with_state(endpoint)
    })
    .await?;
    let url = Url::parse(&format!("http://127.0.0.1:{}/token", server.addr().port()))
        .map_err(|e| LocalApiError::Upstream(e.to_string()))?;
    Ok(RunningTokenEndpoint { server, url })
}

async fn answer(State(endpoint): State<Arc<Endpoint>>, request: Request) -> Response {
    let (parts, _body) = request.into_parts();
    if let Err(refusal) = request_guard::check(&parts, endpoint.port) {
        tracing::info!(code = refusal.code(), "token endpoint refused a request");
        return error(
            refusal.status(),
            refusal.code(),
            &refusal.message(endpoint.port),
        );
    }
    let presented = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if !presented.is_some_and(|p| endpoint.secret.matches(p)) {
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer $DRIVLY_TOKEN_AUTH",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    if parts.uri.path() != "/token" {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "the only path is /token",
        );
    }
    if parts.method != Method::GET {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_method",
            "use GET /token",
        );
    }
    match endpoint.source.fresh(endpoint.min_ttl).await {
        Ok(fresh) => {
            let body = json!({
                "token": fresh.jwt.expose_secret(),
                "expires": fresh.expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            });
            let mut response = (StatusCode::OK, axum::Json(body)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => {
            let status = if e.needs_credentials() {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_GATEWAY
            };
            error(status, e.code.as_str(), &e.message)
        }
    }
}

/// `{"error": {"code", "message"}}` with `status`.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message } });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
