//! The test controls over HTTP, under `/__emulator/` (the Rust methods on
//! [`crate::Emulator`] do the same). Requests carrying an `Origin` header are refused (see the
//! router's middleware), so a web page cannot drive them.
//!
//! - `POST /__emulator/jwt-lifetime` `{"seconds": 5}`
//! - `POST /__emulator/rotation` `{"enabled": false}`
//! - `POST /__emulator/latency` `{"millis": 200}`
//! - `POST /__emulator/fail-next` `{"endpoint": "refresh", "count": 2, "status": 503, "retryAfter": 1}`
//!   (endpoints: `mint`, `token`, `refresh`, `revoke`, `jwks`, `resources`, `any`)
//! - `POST /__emulator/refresh-invalid-grant` `{"enabled": true}`
//! - `POST /__emulator/drop-connection-after-next-rotation`
//! - `POST /__emulator/skew-clock` `{"seconds": 3600}` (sets, does not add)
//! - `GET /__emulator/request-log` -> `[{"method", "path", "status", "at"}]`
//! - `POST /__emulator/reset`
//! - `POST /__emulator/api-keys` `{"label": "ci"}` -> `{"apiKey": "..."}` (201)
//! - `POST /__emulator/api-keys/revoke` `{"apiKey": "..."}` -> 204, or 404 when unknown or
//!   already revoked (possession of the key is the proof)
//!
//! Control answers are `204` unless they return data.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::json::JsonBody;
use crate::controls::{Endpoint, Fault, LoggedRequest};
use crate::error::ApiError;
use crate::shared::Shared;

/// The control routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__emulator/jwt-lifetime", post(jwt_lifetime))
        .route("/__emulator/rotation", post(rotation))
        .route("/__emulator/latency", post(latency))
        .route("/__emulator/fail-next", post(fail_next))
        .route(
            "/__emulator/refresh-invalid-grant",
            post(refresh_invalid_grant),
        )
        .route(
            "/__emulator/drop-connection-after-next-rotation",
            post(drop_after_rotation),
        )
        .route("/__emulator/skew-clock", post(skew_clock))
        .route("/__emulator/request-log", get(request_log))
        .route("/__emulator/reset", post(reset))
        .route("/__emulator/api-keys", post(create_api_key))
        .route("/__emulator/api-keys/revoke", post(revoke_api_key))
}

#[derive(Debug, Deserialize)]
struct Seconds {
    seconds: u64,
}

#[derive(Debug, Deserialize)]
struct SignedSeconds {
    seconds: i64,
}

#[derive(Debug, Deserialize)]
struct Millis {
    millis: u64,
}

#[derive(Debug, Deserialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FailNext {
    endpoint: Endpoint,
    count: u32,
    status: u16,
    retry_after: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Label {
    label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiKeyBody {
    api_key: String,
}

async fn jwt_lifetime(State(s): State<Arc<Shared>>, JsonBody(b): JsonBody<Seconds>) -> StatusCode {
    s.controls().jwt_lifetime = Duration::from_secs(b.seconds);
    StatusCode::NO_CONTENT
}

async fn rotation(State(s): State<Arc<Shared>>, JsonBody(b): JsonBody<Enabled>) -> StatusCode {
    s.controls().rotation = b.enabled;
    StatusCode::NO_CONTENT
}

async fn latency(State(s): State<Arc<Shared>>, JsonBody(b): JsonBody<Millis>) -> StatusCode {
    s.controls().latency = Duration::from_millis(b.millis);
    StatusCode::NO_CONTENT
}

async fn fail_next(
    State(s): State<Arc<Shared>>,
    JsonBody(b): JsonBody<FailNext>,
) -> Result<StatusCode, ApiError> {
    if !(400..=599).contains(&b.status) {
        return Err(ApiError::InvalidRequest(
            "status must be an HTTP error status (400 to 599)".into(),
        ));
    }
    if b.count > 0 {
        s.controls().faults.push(Fault {
            endpoint: b.endpoint,
            remaining: b.count,
            status: b.status,
            retry_after: b.retry_after,
        });
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn refresh_invalid_grant(
    State(s): State<Arc<Shared>>,
    JsonBody(b): JsonBody<Enabled>,
) -> StatusCode {
    s.controls().refresh_invalid_grant = b.enabled;
    StatusCode::NO_CONTENT
}

async fn drop_after_rotation(State(s): State<Arc<Shared>>) -> StatusCode {
    s.controls().drop_after_rotation = true;
    StatusCode::NO_CONTENT
}

async fn skew_clock(
    State(s): State<Arc<Shared>>,
    JsonBody(b): JsonBody<SignedSeconds>,
) -> StatusCode {
    s.controls().skew = chrono::Duration::seconds(b.seconds);
    StatusCode::NO_CONTENT
}

async fn request_log(State(s): State<Arc<Shared>>) -> Json<Vec<LoggedRequest>> {
    Json(s.log().clone())
}

async fn reset(State(s): State<Arc<Shared>>) -> StatusCode {
    crate::server::reset(&s);
    StatusCode::NO_CONTENT
}

async fn create_api_key(
    State(s): State<Arc<Shared>>,
    JsonBody(b): JsonBody<Label>,
) -> Result<Response, ApiError> {
    let now = s.now();
    let label = b.label.unwrap_or_else(|| "Created by a script".into());
    let key = s.state().create_api_key(&label, now);
    s.persist()?;
    tracing::info!(label = %label, "API key created through the test controls");
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "apiKey": key })),
    )
        .into_response())
}

async fn revoke_api_key(
    State(s): State<Arc<Shared>>,
    JsonBody(b): JsonBody<ApiKeyBody>,
) -> Result<StatusCode, ApiError> {
    let now = s.now();
    if !s.state().revoke_api_key_by_value(&b.api_key, now) {
        return Err(ApiError::NotFound(
            "no active API key with that value; it may be revoked already".into(),
        ));
    }
    s.persist()?;
    tracing::info!("API key revoked by its holder");
    Ok(StatusCode::NO_CONTENT)
}
