//! The HTTP surface: the router, and the middleware that applies the test controls (latency,
//! injected failures) and records the request log.
//!
//! Route map (base URL `http://127.0.0.1:PORT/api`):
//! - `POST /api/auth` mint; `GET /api/auth` login page (`/api/oauth` and `/api/oauth/...` for
//!   the session endpoints under the `oauth-paths` dialect; revoke and JWKS absent under
//!   `no-revoke` and `no-jwks`); `POST /api/auth/login`, `/api/auth/consent`
//!   the login and consent forms; `POST /api/auth/token`, `/refresh`, `/revoke`;
//!   `GET /api/.well-known/jwks.json`;
//! - `/api/invoices[/{id}]`, `/api/services[/{id}]`;
//! - `GET /dashboard` and its forms under `/dashboard/`;
//! - test controls under `/__emulator/` (see [`admin`]).
//!
//! Every route answers only `Host: 127.0.0.1:PORT` or `localhost:PORT` (see [`host_check`]).

mod admin;
mod auth_api;
mod authorize;
mod dashboard;
mod host_check;
pub(crate) mod json;
mod resources;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::controls::{Endpoint, LoggedRequest};
use crate::error::ApiError;
use crate::shared::Shared;

/// Signals the connection that carries a request to drop without answering (see
/// [`crate::Emulator::drop_connection_after_next_rotation`]).
#[derive(Debug, Clone)]
pub(crate) struct ConnectionKill(pub Arc<tokio::sync::Notify>);

/// Builds the router over `shared`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let shape = shared.shape.clone();
    let folder = shape.session_folder();
    let mut router = if shape.oauth_paths {
        Router::new()
            .route("/api/auth", post(auth_api::mint))
            .route("/api/oauth", get(authorize::start))
    } else {
        Router::new().route("/api/auth", post(auth_api::mint).get(authorize::start))
    };
    // The login page's own forms stay under auth/ in every dialect: only the app-facing
    // endpoints move.
    router = router
        .route("/api/auth/login", post(authorize::login))
        .route("/api/auth/consent", post(authorize::consent))
        .route(&format!("/api/{folder}/token"), post(auth_api::token))
        .route(&format!("/api/{folder}/refresh"), post(auth_api::refresh));
    if !shape.no_revoke {
        router = router.route(&format!("/api/{folder}/revoke"), post(auth_api::revoke));
    }
    if !shape.no_jwks {
        router = router.route("/api/.well-known/jwks.json", get(auth_api::jwks));
    }
    let mut router = router
        .route("/", get(dashboard::home))
        .merge(dashboard::routes())
        .merge(admin::routes());
    for name in crate::resources::RESOURCES {
        router = router.merge(resources::routes(name));
    }
    router
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            observe,
        ))
        .layer(DefaultBodyLimit::max(json::BODY_LIMIT))
        // Outermost: a request for another host reaches no route, control or log.
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            host_check::require_own_host,
        ))
        .with_state(shared)
}

/// An IMF-fixdate (RFC 9110 §5.6.7), as the `Date` header carries.
fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

async fn not_found() -> ApiError {
    ApiError::NotFound(
        "no such endpoint; the API lives under /api (see the emulator's docs)".into(),
    )
}

/// Records one request in the log when dropped, so a request whose connection is dropped
/// mid-way is logged too (with status 0).
struct LogEntry {
    shared: Arc<Shared>,
    entry: Option<LoggedRequest>,
}

impl Drop for LogEntry {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.shared.log().push(entry);
        }
    }
}

/// Applies latency and injected failures, and logs the request (outside `/__emulator/`).
async fn observe(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/__emulator/") {
        // Browsers send Origin on cross-site POSTs; scripts and test clients do not. Refusing it
        // keeps a web page from driving the test controls of an emulator on this machine.
        if req.headers().contains_key(header::ORIGIN) {
            return ApiError::ApiKeyRequired(
                "the test controls do not accept browser requests; call them from a script".into(),
            )
            .into_response();
        }
        return next.run(req).await;
    }
    let method = req.method().clone();
    let mut log = LogEntry {
        shared: shared.clone(),
        entry: Some(LoggedRequest {
            method: method.to_string(),
            path: path.clone(),
            status: 0,
            at: shared.now(),
        }),
    };
    let (latency, fault) = {
        let mut controls = shared.controls();
        let fault = Endpoint::classify(&method, &path).and_then(|e| controls.take_fault(e));
        (controls.latency, fault)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = match fault {
        Some(fault) => {
            tracing::info!(%method, %path, status = fault.status, "answered with an injected failure");
            ApiError::Injected {
                status: fault.status,
                retry_after: fault.retry_after,
            }
            .into_response()
        }
        None => next.run(req).await,
    };
    if let Some(entry) = log.entry.as_mut() {
        entry.status = response.status().as_u16();
    }
    let mut response = response;
    // The server's clock (skewed by --clock-offset or the skew-clock control), as hyper would
    // otherwise stamp real time.
    if let Ok(date) = header::HeaderValue::from_str(&http_date(shared.now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}
