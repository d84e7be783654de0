//! The resource endpoints: list, get, create, update (PUT and PATCH) and delete on each resource,
//! with Drivly's permission rule (`.read` for GET, `.write` for the rest; API keys may do all).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::json::JsonBody;
use crate::error::ApiError;
use crate::permissions::Permission;
use crate::shared::{Caller, Shared};

/// The routes of one resource. Handlers are plain functions (nothing in them awaits), wrapped
/// in `async` closures for axum.
pub(crate) fn routes(name: &'static str) -> Router<Arc<Shared>> {
    Router::new()
        .route(
            &format!("/api/{name}"),
            get(move |s, h, q| async move { list(name, s, h, q) })
                .post(move |s, h, b| async move { create(name, s, h, b) }),
        )
        .route(
            &format!("/api/{name}/{{id}}"),
            get(move |s, h, p| async move { get_one(name, s, h, p) })
                .put(move |s, h, p, b| async move { update(name, s, h, p, b) })
                .patch(move |s, h, p, b| async move { update(name, s, h, p, b) })
                .delete(move |s, h, p| async move { delete(name, s, h, p) }),
        )
}

/// Checks the caller may do `method` on `resource`.
fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
    resource: &str,
    method: &Method,
) -> Result<(), ApiError> {
    let caller = shared.authenticate(headers).inspect_err(|e| {
        tracing::info!(resource, %method, reason = %e, "request rejected: not authenticated");
    })?;
    let needed = Permission::required(resource, method);
    match caller {
        Caller::ApiKey { .. } => Ok(()),
        Caller::Token(claims) if claims.permissions.contains(&needed) => Ok(()),
        Caller::Token(_) => {
            tracing::info!(resource, %method, permission = %needed, "request rejected: permission missing");
            Err(ApiError::Forbidden { permission: needed })
        }
    }
}

fn number(query: &HashMap<String, String>, name: &str, default: u64) -> Result<u64, ApiError> {
    match query.get(name) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            ApiError::InvalidRequest(format!("{name} must be a positive whole number"))
        }),
    }
}

fn list(
    name: &'static str,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    authorize(&shared, &headers, name, &Method::GET)?;
    let (page, limit) = (number(&query, "page", 1)?, number(&query, "limit", 10)?);
    shared.state().resources.list(name, page, limit).map(Json)
}

fn get_one(
    name: &'static str,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authorize(&shared, &headers, name, &Method::GET)?;
    shared.state().resources.get(name, &id).map(Json)
}

fn create(
    name: &'static str,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    authorize(&shared, &headers, name, &Method::POST)?;
    let now = shared.now();
    let doc = shared.state().resources.create(name, body, now)?;
    tracing::info!(resource = name, id = ?doc.get("id"), "created");
    Ok((StatusCode::CREATED, Json(doc)).into_response())
}

fn update(
    name: &'static str,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    authorize(&shared, &headers, name, &Method::PUT)?;
    let now = shared.now();
    let doc = shared.state().resources.update(name, &id, body, now)?;
    tracing::info!(resource = name, %id, "updated");
    Ok(Json(doc))
}

fn delete(
    name: &'static str,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authorize(&shared, &headers, name, &Method::DELETE)?;
    let doc = shared.state().resources.delete(name, &id)?;
    tracing::info!(resource = name, %id, "deleted");
    Ok(Json(doc))
}
