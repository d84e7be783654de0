//! `login`: browser sign-in with PKCE and a one-shot loopback redirect (RFC 8252 §7.3). This
//! file only drives the terminal and the browser; completing the sign-in (code exchange,
//! storing the session) is the core's use case, the same one the desktop app calls.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use drivly_core::clock::SystemClock;
use drivly_core::login::{LOGIN_TTL, LoginRegistry, LoopbackListener, parse_callback};
use drivly_core::usecases::sign_in::complete_sign_in;
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
    /// The account's email or name from the token, when the server sends one.
    account: Option<String>,
    permissions: Vec<String>,
    jwt_expires: Option<DateTime<Utc>>,
    /// Earlier sessions of the same account on this profile, signed out by this sign-in.
    replaced: Vec<String>,
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
    // The keyring must work before the user spends time in the browser.
    let sessions = ctx.sessions(Arc::new(ctx.vault()?), &profile);
    let (listener, target) = LoopbackListener::bind().await.map_err(CliError::core)?;
    let registry = LoginRegistry::new(Arc::new(SystemClock));
    let started = registry.start(&profile, &requested, target.clone());
    let listener = listener.expect_state(started.state.clone());
    show_url(ctx, args.no_browser, started.authorize_url.as_str());
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
    let signed_in = complete_sign_in(completed, &profile, &sessions)
        .await
        .map_err(CliError::sign_in)?;
    let message = signed_in.message(&format!("'{}'", profile.id));
    let replaced: Vec<String> = signed_in
        .replaced
        .iter()
        .map(|r| r.session_id.to_string())
        .collect();
    let meta = signed_in.view.meta;
    if ctx.out.json() {
        return ctx.out.report(&LoggedIn {
            profile: profile.id.to_string(),
            session_id: meta.id.to_string(),
            subject: meta.subject,
            account: meta.account,
            permissions: meta.permissions,
            jwt_expires: meta.jwt_expires,
            replaced,
        });
    }
    ctx.out
        .info(&format!("{message} Get a token with `drivly-keys token`."));
    Ok(())
}

fn show_url(ctx: &Ctx, no_browser: bool, url: &str) {
    if no_browser {
        ctx.out.info("Open this URL in a browser to sign in:");
        ctx.out.info(url);
        return;
    }
    match drivly_core::browser::open(url) {
        Ok(program) => ctx.out.info(&format!(
            "Opened the sign-in page with {program}. If nothing appears, open:\n{url}"
        )),
        Err(e) => {
            ctx.out.warn(&format!("{e}; open this URL yourself:"));
            ctx.out.info(url);
        }
    }
}
