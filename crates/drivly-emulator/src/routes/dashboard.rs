//! The dashboard at `/dashboard`, as Drivly's own: list, create and revoke API keys (a new key is
//! shown once, then only a masked tail), list and revoke user sessions.
//!
//! Every form carries a per-run token checked on POST, so another web site cannot post to the
//! dashboard of an emulator running on this machine.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use crate::html::{error_page, escape, page};
use crate::shared::Shared;
use crate::tokens::constant_time_eq;

/// The dashboard routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/dashboard", get(show))
        .route("/dashboard/api-keys", post(create_key))
        .route("/dashboard/api-keys/{id}/revoke", post(revoke_key))
        .route("/dashboard/sessions/{id}/revoke", post(revoke_session))
}

/// `GET /`: the dashboard is the emulator's home page.
pub(crate) async fn home() -> Redirect {
    Redirect::to("/dashboard")
}

#[derive(Debug, Deserialize)]
pub(crate) struct CreateForm {
    csrf: String,
    label: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

fn when(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
        .replace('T', " ")
        .replace('Z', " UTC")
}

fn forbidden() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form is from an earlier run of the emulator or another site. Reload the dashboard and try again.",
    )
}

async fn show(State(shared): State<Arc<Shared>>) -> Response {
    render(&shared, None)
}

async fn create_key(State(shared): State<Arc<Shared>>, Form(form): Form<CreateForm>) -> Response {
    if !constant_time_eq(&form.csrf, &shared.dashboard_csrf) {
        return forbidden();
    }
    let label: String = form.label.trim().chars().take(80).collect();
    let label = if label.is_empty() {
        "Untitled key".to_owned()
    } else {
        label
    };
    let now = shared.now();
    let key = shared.state().create_api_key(&label, now);
    if let Err(e) = shared.persist() {
        return axum::response::IntoResponse::into_response(e);
    }
    tracing::info!(label = %label, "API key created in the dashboard");
    let notice = format!(
        "<div class=\"notice\"><strong>New API key “{}”.</strong> Copy it now: it is not shown again.<br><code>{}</code></div>",
        escape(&label),
        escape(&key)
    );
    render(&shared, Some(notice))
}

async fn revoke_key(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !constant_time_eq(&form.csrf, &shared.dashboard_csrf) {
        return forbidden();
    }
    let now = shared.now();
    if shared.state().revoke_api_key_by_id(&id, now) {
        let _ = shared.persist();
        tracing::info!(key = %id, "API key revoked in the dashboard");
    }
    axum::response::IntoResponse::into_response(Redirect::to("/dashboard"))
}

async fn revoke_session(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !constant_time_eq(&form.csrf, &shared.dashboard_csrf) {
        return forbidden();
    }
    let now = shared.now();
    if shared
        .state()
        .revoke_session(&id, "revoked in the dashboard", now)
    {
        let _ = shared.persist();
        tracing::info!(session = %id, "session revoked in the dashboard");
    }
    axum::response::IntoResponse::into_response(Redirect::to("/dashboard"))
}

fn render(shared: &Shared, notice: Option<String>) -> Response {
    let csrf = escape(&shared.dashboard_csrf);
    let state = shared.state();
    let mut keys = String::new();
    for key in state.api_keys.iter().rev() {
        let status = match key.revoked_at {
            Some(at) => format!("<span class=\"muted\">revoked {}</span>", escape(&when(at))),
            None => format!(
                "<form class=\"inline\" method=\"post\" action=\"/dashboard/api-keys/{id}/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button class=\"danger\" type=\"submit\">Revoke</button></form>",
                id = escape(&key.id)
            ),
        };
        keys.push_str(&format!(
            "<tr><td>{}</td><td><code>drv_…{}</code></td><td>{}</td><td>{status}</td></tr>",
            escape(&key.label),
            escape(&key.tail),
            escape(&when(key.created_at)),
        ));
    }
    let mut sessions = String::new();
    for session in state.sessions.values().filter(|s| s.revoked_at.is_none()) {
        let email = state.user_email(&session.user_id).unwrap_or("unknown user");
        let refreshed = session
            .refreshed_at
            .map_or_else(|| "never".to_owned(), when);
        sessions.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><form class=\"inline\" method=\"post\" action=\"/dashboard/sessions/{id}/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button class=\"danger\" type=\"submit\">Revoke</button></form></td></tr>",
            escape(email),
            escape(&session.permissions.join(", ")),
            escape(&when(session.created_at)),
            escape(&refreshed),
            id = escape(&session.id),
        ));
    }
    drop(state);
    if sessions.is_empty() {
        sessions = "<tr><td colspan=\"5\" class=\"muted\">No active sessions. Sign in from the app to start one.</td></tr>".into();
    }
    let (email, password) = &shared.demo_user;
    let body = format!(
        "{notice}<div class=\"card\"><h1>Dashboard</h1>\
         <p class=\"muted\">API base URL <code>{base}</code> · demo user <code>{email}</code> / <code>{password}</code></p></div>\
         <div class=\"card\"><h2>API keys</h2>\
         <form method=\"post\" action=\"/dashboard/api-keys\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"label\">New key label</label><input id=\"label\" type=\"text\" name=\"label\" placeholder=\"for example CI\" maxlength=\"80\">\
         <div class=\"actions\"><button type=\"submit\">Create API key</button></div></form>\
         <table><thead><tr><th>Label</th><th>Key</th><th>Created</th><th></th></tr></thead><tbody>{keys}</tbody></table></div>\
         <div class=\"card\"><h2>Active sessions</h2>\
         <table><thead><tr><th>User</th><th>Permissions</th><th>Signed in</th><th>Last refresh</th><th></th></tr></thead><tbody>{sessions}</tbody></table></div>",
        notice = notice.unwrap_or_default(),
        base = escape(shared.base_url.as_str()),
        email = escape(email),
        password = escape(password),
    );
    page(StatusCode::OK, "Dashboard", &body)
}
