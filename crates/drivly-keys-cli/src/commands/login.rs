//! `login`: browser sign-in with PKCE and a one-shot loopback redirect (RFC 8252 §7.3), then
//! the session is stored through the core's `establish` (refresh token first, then the shared
//! JWT, then the record), exactly as the desktop app stores it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use drivly_core::client::{DrivlyClient, jwt_exp};
use drivly_core::clock::SystemClock;
use drivly_core::jwt::inspect;
use drivly_core::login::{
    LOGIN_TTL, LoginOutcome, LoginRegistry, LoopbackListener, parse_callback,
};
use drivly_core::secret::{Jwt, RefreshToken};
use drivly_core::session::{SessionId, SessionMeta, SessionStore, SharedJwt, establish};
use serde::Serialize;

use crate::cli::LoginArgs;
use crate::commands::mint::permissions_arg;
use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LoggedIn {
    profile: String,
    session_id: String,
    subject: Option<String>,
    permissions: Vec<String>,
    jwt_expires: DateTime<Utc>,
}

/// The tokens a completed sign-in yields.
struct Issued {
    jwt: Jwt,
    refresh_token: RefreshToken,
    expires: DateTime<Utc>,
    requested_at: DateTime<Utc>,
}

/// Runs `login`.
///
/// # Errors
/// Usage errors for `--permissions`; keyring errors (checked before the browser opens);
/// loopback, callback, server and store errors; [`CliError::LoginDenied`].
pub async fn run(ctx: &Ctx, args: &LoginArgs) -> Result<(), CliError> {
    let requested = match args.permissions.as_deref() {
        Some(list) => permissions_arg(list, true)?,
        None => drivly_core::permissions::default_sign_in_permissions(),
    };
    let profile = ctx.profile()?;
    let client = DrivlyClient::new(&profile).map_err(CliError::core)?;
    // The keyring must work before the user spends time in the browser.
    let vault = Arc::new(ctx.vault()?);
    let (listener, target) = LoopbackListener::bind().await.map_err(CliError::core)?;
    let registry = LoginRegistry::new(Arc::new(SystemClock));
    let started = registry.start(&profile, &requested, target.clone());
    let listener = listener.expect_state(started.state.clone());
    if args.no_browser {
        ctx.out.info("Open this URL in a browser to sign in:");
        ctx.out.info(started.authorize_url.as_str());
    } else {
        match drivly_core::browser::open(started.authorize_url.as_str()) {
            Ok(program) => ctx.out.info(&format!(
                "Opened the sign-in page with {program}. If nothing appears, open:\n{}",
                started.authorize_url
            )),
            Err(e) => {
                ctx.out.warn(&format!("{e}; open this URL yourself:"));
                ctx.out.info(started.authorize_url.as_str());
            }
        }
    }
    ctx.out.info(&format!(
        "Waiting for the browser (up to {} min)…",
        LOGIN_TTL.num_minutes()
    ));
    let wait = LOGIN_TTL
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(600));
    let callback = listener
        .accept_callback(wait)
        .await
        .map_err(CliError::core)?;
    let payload = parse_callback(&callback, &target).map_err(CliError::core)?;
    drop(callback);
    let completed = registry.complete(payload).map_err(CliError::core)?;
    let issued = match completed.outcome {
        LoginOutcome::Code { code, verifier } => {
            let set = client
                .exchange_code(&code, &verifier, &completed.redirect_uri)
                .await
                .map_err(CliError::core)?;
            let refresh_token = set
                .refresh_token
                .ok_or_else(|| CliError::LoginDenied("the server sent no refresh token".into()))?;
            Issued {
                jwt: set.jwt,
                refresh_token,
                expires: set.expires,
                requested_at: set.requested_at,
            }
        }
        LoginOutcome::Tokens {
            jwt,
            refresh_token,
            expires,
        } => {
            let refresh_token = refresh_token.ok_or_else(|| {
                CliError::LoginDenied("the redirect carried no refresh token".into())
            })?;
            let expires = expires
                .or_else(|| jwt_exp(jwt.expose_secret()))
                .ok_or_else(|| CliError::LoginDenied("the token's expiry is unknown".into()))?;
            Issued {
                jwt,
                refresh_token,
                expires,
                requested_at: Utc::now(),
            }
        }
        LoginOutcome::Denied { error, description } => {
            let detail = description.map_or(error.clone(), |d| format!("{error}: {d}"));
            return Err(CliError::LoginDenied(detail));
        }
    };
    let now = Utc::now();
    let inspection = inspect(issued.jwt.expose_secret(), now).ok();
    let subject = inspection.as_ref().and_then(|i| i.subject.clone());
    let permissions = inspection
        .map(|i| i.permissions.granted)
        .filter(|granted| !granted.is_empty())
        .unwrap_or(completed.permissions);
    let mut meta = SessionMeta::new(
        SessionId::new_random(),
        profile.id.clone(),
        subject.clone(),
        permissions.clone(),
        now,
    );
    meta.jwt_expires = Some(issued.expires);
    let store: Arc<dyn SessionStore> = vault;
    let shared = SharedJwt {
        jwt: issued.jwt,
        requested_at: issued.requested_at,
        expires: issued.expires,
    };
    establish(store, &meta, &issued.refresh_token, &shared)
        .await
        .map_err(CliError::session)?;
    if ctx.out.json() {
        return ctx.out.report(&LoggedIn {
            profile: profile.id.to_string(),
            session_id: meta.id.to_string(),
            subject,
            permissions,
            jwt_expires: issued.expires,
        });
    }
    ctx.out.info(&format!(
        "Signed in to '{}'{}. Get a token with `drivly-keys token`.",
        profile.id,
        subject.map(|s| format!(" as {s}")).unwrap_or_default()
    ));
    Ok(())
}
