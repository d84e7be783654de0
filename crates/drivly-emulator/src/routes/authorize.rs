//! The browser sign-in of protocol B.1 and B.2: `GET /api/auth?...` validates the request and
//! shows the login page; `POST /api/auth/login` checks the password and shows the consent page;
//! `POST /api/auth/consent` redirects back to the app with a code, the token form, or
//! `error=access_denied`.
//!
//! Choices where the contract is silent:
//! - An invalid or missing `redirect_uri` is never redirected to (RFC 6749 §4.1.2.1): the browser
//!   gets an error page. Other invalid parameters redirect back with `error=invalid_request`
//!   (or `unsupported_response_type`, `invalid_scope`) and the `state`.
//! - The token form is chosen by `Config::token_redirect`, by `response_type=token`, or by the
//!   extra query parameter `redirect_form=token`.
//! - The code form carries `iss` (RFC 9207). Redirects are `303 See Other`.
//! - The sign-in id travels in a hidden form field, never in a URL.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde::Deserialize;
use url::Url;

use crate::html::{error_page, escape, page};
use crate::permissions::{Permission, parse_list};
use crate::shared::Shared;
use crate::state::PendingAuthorization;

/// Login form fields.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    request: String,
    email: String,
    password: String,
}

/// Consent form fields.
#[derive(Debug, Deserialize)]
pub(crate) struct ConsentForm {
    request: String,
    decision: String,
}

/// Accepts a reverse-domain private-use scheme (RFC 8252 §7.1, a scheme containing a dot) or a
/// loopback `http://127.0.0.1:<port>/...` (RFC 8252 §7.3). No fragment, no user info.
pub(crate) fn valid_redirect_uri(uri: &Url) -> bool {
    if uri.fragment().is_some() || !uri.username().is_empty() || uri.password().is_some() {
        return false;
    }
    match uri.scheme() {
        "http" => uri.host_str() == Some("127.0.0.1") && uri.port().is_some(),
        "https" => false,
        scheme => scheme.contains('.'),
    }
}

/// A `303` to `target` with `params` added to its query.
fn redirect(mut target: Url, params: &[(&str, &str)]) -> Response {
    {
        let mut query = target.query_pairs_mut();
        for (key, value) in params {
            query.append_pair(key, value);
        }
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(target.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn redirect_error(target: Url, error: &str, description: &str, state: Option<&str>) -> Response {
    let mut params = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        params.push(("state", state));
    }
    redirect(target, &params)
}

/// `GET /api/auth?...`: validates the authorization request and shows the login page.
pub(crate) async fn start(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let mut params: HashMap<String, String> = HashMap::new();
    let mut duplicated = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if params.insert(key.to_string(), value.to_string()).is_some() {
            duplicated = Some(key.to_string());
        }
    }
    let Some(raw_uri) = params
        .get("redirect_uri")
        .filter(|_| duplicated.as_deref() != Some("redirect_uri"))
    else {
        tracing::info!("authorization request rejected: redirect_uri missing or repeated");
        return error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in request not valid",
            "The app sent no redirect_uri (or sent it twice), so there is nowhere to return to. Start the sign-in again from the app.",
        );
    };
    let redirect_uri = match Url::parse(raw_uri) {
        Ok(uri) if valid_redirect_uri(&uri) => uri,
        _ => {
            tracing::info!("authorization request rejected: redirect_uri not allowed");
            return error_page(
                StatusCode::BAD_REQUEST,
                "Sign-in request not valid",
                "The redirect_uri is not allowed: use a reverse-domain private-use scheme (for example ly.driv.keys:/auth/callback) or http://127.0.0.1:<port>/<path>.",
            );
        }
    };
    if !shared
        .shape
        .client_ok(params.get("client_id").map(String::as_str))
    {
        // An unknown client is never redirected to (RFC 6749 §4.1.2.1).
        tracing::info!("authorization request rejected: client_id missing or wrong");
        return error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in request not valid",
            "The app sent no client_id, or one this server does not know. Check the client ID in the app's profile settings.",
        );
    }
    let state = params.get("state").filter(|s| !s.is_empty()).cloned();
    let fail = |error: &str, description: &str| {
        tracing::info!(error, description, "authorization request rejected");
        redirect_error(redirect_uri.clone(), error, description, state.as_deref())
    };
    if let Some(name) = &duplicated {
        return fail(
            "invalid_request",
            &format!("the parameter {name} appears more than once"),
        );
    }
    let response_type = params.get("response_type").map(String::as_str);
    if !matches!(response_type, Some("code" | "token")) {
        return fail(
            "unsupported_response_type",
            "response_type must be code (or token)",
        );
    }
    let Some(state_value) = state.clone() else {
        return fail("invalid_request", "state is required");
    };
    if params.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return fail(
            "invalid_request",
            "PKCE is required: send code_challenge_method=S256 and a code_challenge",
        );
    }
    let challenge = params.get("code_challenge").cloned().unwrap_or_default();
    let challenge_ok = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !challenge_ok {
        return fail(
            "invalid_request",
            "code_challenge must be the 43-character base64url SHA-256 of the verifier",
        );
    }
    let permissions = match parse_list(
        params
            .get("permissions")
            .map(String::as_str)
            .unwrap_or_default()
            .split(',')
            .filter(|p| !p.is_empty()),
    ) {
        Ok(list) => list.iter().map(Permission::as_string).collect::<Vec<_>>(),
        Err(e) => return fail("invalid_scope", &e.to_string()),
    };
    let token_form = shared.token_redirect
        || response_type == Some("token")
        || params.get("redirect_form").map(String::as_str) == Some("token");
    let now = shared.now();
    let pending = PendingAuthorization {
        redirect_uri,
        state: state_value,
        code_challenge: challenge,
        permissions,
        token_form,
        user_id: None,
        expires_at: now + crate::state::PENDING_LIFETIME,
    };
    let request = shared.state().begin_authorization(pending, now);
    tracing::info!(token_form, "sign-in started: login page shown");
    login_page(&shared, &request, "", None)
}

fn login_page(shared: &Shared, request: &str, email: &str, error: Option<&str>) -> Response {
    let (demo_email, demo_password) = &shared.demo_user;
    let error_html = error
        .map(|e| format!("<div class=\"error\">{}</div>", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "<div class=\"card narrow\"><h1>Sign in</h1>\
         <p class=\"muted\">An app on this computer asks to use your Drivly account.</p>{error_html}\
         <form method=\"post\" action=\"/api/auth/login\">\
         <input type=\"hidden\" name=\"request\" value=\"{request}\">\
         <label for=\"email\">Email</label><input id=\"email\" type=\"email\" name=\"email\" value=\"{email}\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label><input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <div class=\"actions\"><button type=\"submit\">Sign in</button></div></form></div>\
         <p class=\"muted narrow\">Demo account: <code>{demo_email}</code> with password <code>{demo_password}</code>.</p>",
        request = escape(request),
        email = escape(email),
        demo_email = escape(demo_email),
        demo_password = escape(demo_password),
    );
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    page(status, "Sign in", &body)
}

fn expired_page() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Sign-in expired",
        "This sign-in is no longer open (it expired, or was already finished). Start the sign-in again from the app.",
    )
}

/// `POST /api/auth/login`: checks the password, then shows the consent page.
pub(crate) async fn login(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let now = shared.now();
    let mut state = shared.state();
    let Some(pending) = state.pending_authorization(&form.request, now).cloned() else {
        drop(state);
        return expired_page();
    };
    let Some(user_id) = state.check_password(&form.email, &form.password) else {
        drop(state);
        tracing::info!("login rejected: wrong email or password");
        return login_page(
            &shared,
            &form.request,
            &form.email,
            Some("Wrong email or password. Try again."),
        );
    };
    state.set_pending_user(&form.request, user_id.clone());
    let email = state.user_email(&user_id).unwrap_or_default().to_owned();
    drop(state);
    tracing::info!(user = %user_id, "login accepted: consent page shown");
    let items: String = pending
        .permissions
        .iter()
        .filter_map(|p| Permission::parse(p).ok())
        .map(|p| {
            format!(
                "<li>{} <span class=\"muted\"><code>{}</code></span></li>",
                escape(&p.describe()),
                escape(&p.as_string())
            )
        })
        .collect();
    let target = match pending.redirect_uri.scheme() {
        "http" => format!(
            "the app listening at {}",
            pending.redirect_uri.origin().ascii_serialization()
        ),
        scheme => format!("the app {scheme}"),
    };
    let body = format!(
        "<div class=\"card narrow\"><h1>Allow access?</h1>\
         <p>Signed in as <strong>{email}</strong>. {target} asks to:</p><ul class=\"perms\">{items}</ul>\
         <p class=\"muted\">It gets a token valid for a few minutes and a refresh token that keeps working until you revoke the session in the dashboard.</p>\
         <form method=\"post\" action=\"/api/auth/consent\"><input type=\"hidden\" name=\"request\" value=\"{request}\">\
         <div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button></div></form></div>",
        email = escape(&email),
        target = escape(&target),
        request = escape(&form.request),
    );
    page(StatusCode::OK, "Allow access", &body)
}

/// The harmless extras some servers add to the redirect (the `redirect-extras` dialect).
fn redirect_extras(shared: &Shared, permissions: &[String]) -> Vec<(&'static str, String)> {
    if !shared.shape.redirect_extras {
        return Vec::new();
    }
    let lifetime = shared.controls().jwt_lifetime.as_secs();
    vec![
        ("token_type", "Bearer".to_owned()),
        ("expires_in", lifetime.to_string()),
        ("scope", permissions.join(" ")),
        ("session_state", crate::tokens::random_token("ss_", 16)),
    ]
}

/// `POST /api/auth/consent`: redirects back to the app with the outcome.
pub(crate) async fn consent(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let now = shared.now();
    let mut state = shared.state();
    let signed_in = state
        .pending_authorization(&form.request, now)
        .and_then(|p| p.user_id.clone());
    let (Some(user_id), Some(pending)) = (signed_in, state.finish_authorization(&form.request))
    else {
        drop(state);
        return expired_page();
    };
    if form.decision != "approve" {
        drop(state);
        tracing::info!(user = %user_id, "consent denied");
        return redirect_error(
            pending.redirect_uri,
            "access_denied",
            "The user denied access.",
            Some(&pending.state),
        );
    }
    if !pending.token_form {
        let code = state.issue_code(&pending, &user_id, now);
        drop(state);
        tracing::info!(user = %user_id, "consent approved: redirected with a one-time code");
        let issuer = shared.issuer();
        let mut params = vec![
            ("code", code.as_str()),
            ("state", &pending.state),
            ("iss", &issuer),
        ];
        let extras = redirect_extras(&shared, &pending.permissions);
        params.extend(extras.iter().map(|(k, v)| (*k, v.as_str())));
        return redirect(pending.redirect_uri, &params);
    }
    let (session, refresh_token) = state.create_session(&user_id, pending.permissions.clone(), now);
    drop(state);
    if let Err(e) = shared.persist() {
        return e.into_response();
    }
    match shared.session_jwt(&session) {
        Ok((jwt, expires)) => {
            tracing::info!(user = %user_id, session = %session.id, "consent approved: redirected with the token form");
            let expires = expires.to_rfc3339_opts(SecondsFormat::Secs, true);
            let mut params = vec![
                ("token", jwt.as_str()),
                ("refreshToken", &refresh_token),
                ("expires", &expires),
                ("state", &pending.state),
            ];
            let extras = redirect_extras(&shared, &pending.permissions);
            params.extend(extras.iter().map(|(k, v)| (*k, v.as_str())));
            redirect(pending.redirect_uri, &params)
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_table() {
        let ok = [
            "ly.driv.keys:/auth/callback",
            "ly.driv.keys.dev:/auth/callback",
            "http://127.0.0.1:43123/callback",
            "http://127.0.0.1:1/x?y=1",
        ];
        let bad = [
            "https://evil.example/cb",
            "http://localhost:8080/cb",
            "http://127.0.0.1/cb",
            "myapp:/cb",
            "ly.driv.keys:/cb#frag",
            "http://u:p@127.0.0.1:80/cb",
            "javascript:alert(1)",
        ];
        for uri in ok {
            assert!(valid_redirect_uri(&Url::parse(uri).unwrap()), "{uri}");
        }
        for uri in bad {
            assert!(!valid_redirect_uri(&Url::parse(uri).unwrap()), "{uri}");
        }
    }
}
