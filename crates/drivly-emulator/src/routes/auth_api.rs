//! The token endpoints: mint with an API key (Drivly's documented `POST /api/auth`), and the
//! session endpoints of protocol B.3 to B.6 (code exchange, refresh, revoke, JWKS).
//!
//! Token answers carry `Cache-Control: no-store` (RFC 6749 §5.1). Logs name what happened and
//! the ids involved, never a credential.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ConnectionKill;
use super::json::JsonBody;
use crate::error::ApiError;
use crate::permissions::parse_list;
use crate::shared::{Caller, Shared};

/// `POST /api/auth` body.
#[derive(Debug, Deserialize)]
pub(crate) struct MintRequest {
    permissions: Option<Vec<Value>>,
    expires: Option<String>,
}

/// `POST /api/auth/token` body (camelCase, snake_case accepted).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenRequest {
    code: Option<String>,
    #[serde(alias = "code_verifier")]
    code_verifier: Option<String>,
    #[serde(alias = "redirect_uri")]
    redirect_uri: Option<String>,
    #[serde(rename = "client_id", alias = "clientId")]
    client_id: Option<String>,
}

/// `POST /api/auth/refresh` and `/revoke` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RefreshRequest {
    #[serde(alias = "refresh_token")]
    refresh_token: Option<String>,
    #[serde(rename = "client_id", alias = "clientId")]
    client_id: Option<String>,
}

/// Checks `client_id` under the `client-id=ID` dialect (401 `invalid_client` otherwise).
fn check_client(shared: &Shared, sent: Option<&str>) -> Result<(), ApiError> {
    if shared.shape.client_ok(sent) {
        return Ok(());
    }
    tracing::info!(
        sent = sent.is_some(),
        "request rejected: client_id missing or wrong"
    );
    Err(ApiError::InvalidClient(
        "client_id is missing or unknown; send the client_id this server registered".into(),
    ))
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn no_store(body: Value) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::InvalidRequest(format!("{name} is required")))
}

/// `POST /api/auth`: mints a JWT with an API key.
pub(crate) async fn mint(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<MintRequest>,
) -> Result<Response, ApiError> {
    let key_id = match shared.authenticate(&headers) {
        Ok(Caller::ApiKey { id }) => id,
        Ok(Caller::Token(_)) => {
            tracing::info!("mint rejected: a JWT cannot mint");
            return Err(ApiError::ApiKeyRequired(
                "minting needs an API key; a JWT cannot mint other JWTs".into(),
            ));
        }
        Err(e) => {
            tracing::info!(reason = %e, "mint rejected");
            return Err(e);
        }
    };
    let values = body.permissions.ok_or_else(|| {
        ApiError::InvalidPermission(
            "permissions is required: a non-empty array such as [\"invoices.read\"]".into(),
        )
    })?;
    let strings = values
        .iter()
        .map(|v| {
            v.as_str().ok_or_else(|| {
                ApiError::InvalidPermission(
                    "every permission must be a string such as \"invoices.read\"".into(),
                )
            })
        })
        .collect::<Result<Vec<&str>, _>>()?;
    let permissions: Vec<String> = parse_list(strings)?.iter().map(|p| p.as_string()).collect();
    let now = shared.now();
    let expires_at = match body.expires {
        None => now + chrono::Duration::days(365),
        Some(text) => {
            let at = parse_expiry(&text)?;
            if at <= now {
                return Err(ApiError::InvalidRequest(
                    "expires is in the past; give a future ISO 8601 date".into(),
                ));
            }
            at
        }
    };
    let (token, expires) = shared.api_jwt(&key_id, permissions.clone(), expires_at)?;
    tracing::info!(key = %key_id, ?permissions, expires = %iso(expires), "minted a JWT with an API key");
    let body = json!({ "token": token, "expires": iso(expires) });
    Ok(no_store(shared.shape.token_answer(body, now)))
}

/// Accepts RFC 3339 (`2030-01-01T00:00:00Z`) or a plain date (`2030-01-01`, midnight UTC).
fn parse_expiry(text: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| {
            ApiError::InvalidRequest(
                "expires is not an ISO 8601 date; use for example 2030-01-01T00:00:00Z".into(),
            )
        })
}

/// `POST /api/auth/token`: exchanges a one-time code (protocol B.3).
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<Response, ApiError> {
    check_client(&shared, body.client_id.as_deref())?;
    let code = required(body.code, "code")?;
    let verifier = required(body.code_verifier, "codeVerifier")?;
    let redirect_uri = required(body.redirect_uri, "redirectUri")?;
    let now = shared.now();
    let exchanged = shared
        .state()
        .exchange_code(&code, &verifier, &redirect_uri, now);
    let (session, refresh_token) = exchanged.inspect_err(|e| {
        tracing::info!(reason = %e, "code exchange rejected");
    })?;
    shared.persist()?;
    let (jwt, expires) = shared.session_jwt(&session)?;
    tracing::info!(session = %session.id, user = %session.user_id, "signed in: code exchanged for a session");
    let body = json!({ "token": jwt, "refreshToken": refresh_token, "expires": iso(expires) });
    Ok(no_store(shared.shape.token_answer(body, now)))
}

/// `POST /api/auth/refresh` (protocol B.4).
pub(crate) async fn refresh(
    State(shared): State<Arc<Shared>>,
    kill: Option<axum::Extension<ConnectionKill>>,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<Response, ApiError> {
    check_client(&shared, body.client_id.as_deref())?;
    let token = required(body.refresh_token, "refreshToken")?;
    let (rotation, forced_invalid) = {
        let controls = shared.controls();
        (controls.rotation, controls.refresh_invalid_grant)
    };
    if forced_invalid {
        tracing::info!("refresh rejected: the test control forces invalid_grant");
        return Err(ApiError::InvalidGrant(
            "the refresh token is no longer valid (forced by a test control)".into(),
        ));
    }
    let now = shared.now();
    let outcome = shared.state().refresh(&token, rotation, now);
    let outcome = outcome.inspect_err(|e| tracing::info!(reason = %e, "refresh rejected"))?;
    shared.persist()?;
    let (jwt, expires) = shared.session_jwt(&outcome.session)?;
    tracing::info!(session = %outcome.session.id, rotated = outcome.new_refresh_token.is_some(), "refreshed");
    if outcome.new_refresh_token.is_some() {
        let drop_now = std::mem::take(&mut shared.controls().drop_after_rotation);
        if let (true, Some(axum::Extension(kill))) = (drop_now, kill) {
            tracing::info!(session = %outcome.session.id, "rotation committed; dropping the connection (test control)");
            kill.0.notify_one();
            // The connection task drops this request; never answer.
            let never: Infallible = std::future::pending().await;
            match never {}
        }
    }
    let mut body = json!({ "token": jwt, "expires": iso(expires) });
    if let Some(next) = outcome.new_refresh_token {
        body["refreshToken"] = Value::String(next);
    }
    Ok(no_store(shared.shape.token_answer(body, now)))
}

/// `POST /api/auth/revoke` (protocol B.5): revokes the session of a refresh token. Answers 204
/// for unknown tokens too (RFC 7009 §2.2), since 404 would tell the app there is no endpoint.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    check_client(&shared, body.client_id.as_deref())?;
    let token = required(body.refresh_token, "refreshToken")?;
    let now = shared.now();
    let revoked = shared.state().revoke_by_refresh_token(&token, now);
    if revoked {
        shared.persist()?;
        tracing::info!("session revoked by the client");
    } else {
        tracing::info!("revoke for an unknown or already revoked token; nothing to do");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/.well-known/jwks.json` (protocol B.6).
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(shared.signer.jwks())
}
