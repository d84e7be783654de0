//! `logout`: signs out every session of the profile through the core's sign-out use case
//! (revoke on the server where possible under the cross-process lock, delete the keyring
//! entries and the record), and reports what happened on the server. `--session` picks one.

use std::sync::Arc;

use drivly_core::session::SessionId;
use drivly_core::usecases::sign_out::{sign_out, sign_out_profile};
use serde::Serialize;

use crate::cli::LogoutArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::sessions::{pick_session, session_name};

#[derive(Debug, Serialize)]
struct SignedOut {
    id: String,
    outcome: &'static str,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct LogoutReport {
    profile: String,
    sessions: Vec<SignedOut>,
}

/// Runs `logout`.
///
/// # Errors
/// Keyring and index errors. Having no session is not an error (the report is empty).
pub async fn run(ctx: &Ctx, args: &LogoutArgs) -> Result<(), CliError> {
    let profile = ctx.profile()?;
    let vault = Arc::new(ctx.vault()?);
    let sessions = ctx.sessions(Arc::clone(&vault), &profile);
    let done = match args.session.as_deref() {
        Some(wanted) => {
            let record = pick_session(&vault, &profile, Some(wanted), |_| {})?;
            ctx.out
                .info(&format!("Signing out of {}.", session_name(&record)));
            let id = SessionId::parse(&record.id.to_string()).ok_or_else(|| {
                CliError::usage(
                    drivly_core::Code::SessionNotFound,
                    "that session id is malformed",
                )
            })?;
            vec![sign_out(&sessions, &id).await.map_err(CliError::use_case)?]
        }
        None => sign_out_profile(&sessions, &profile.id)
            .await
            .map_err(CliError::use_case)?,
    };
    if ctx.out.json() {
        return ctx.out.report(&LogoutReport {
            profile: profile.id.to_string(),
            sessions: done
                .iter()
                .map(|s| SignedOut {
                    id: s.session_id.to_string(),
                    outcome: s.revocation.tag(),
                    reason: s.revocation.local_only_reason(),
                })
                .collect(),
        });
    }
    if done.is_empty() {
        ctx.out.info(&format!(
            "No session for the profile '{}'; nothing to do.",
            profile.id
        ));
    }
    for s in &done {
        match s.revocation.local_only_reason() {
            None => ctx.out.info(&format!(
                "Signed out of '{}' (revoked on the server).",
                profile.id
            )),
            Some(reason) => ctx.out.warn(&format!(
                "Signed out of '{}' on this computer only: {reason}.",
                profile.id
            )),
        }
    }
    Ok(())
}
