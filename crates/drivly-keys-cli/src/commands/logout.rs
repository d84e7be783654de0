//! `logout`: signs out every session of the profile through the core refresher (which takes
//! the cross-process lock, revokes the newest refresh token on the server and deletes the
//! keyring entries), then removes the session records.

use std::sync::Arc;

use drivly_core::session::Revocation;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::CliError;
use crate::sessions::{sessions_for, start_refresher};

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
pub async fn run(ctx: &Ctx) -> Result<(), CliError> {
    let profile = ctx.profile()?;
    let vault = Arc::new(ctx.vault()?);
    let mut report = LogoutReport {
        profile: profile.id.to_string(),
        sessions: Vec::new(),
    };
    for record in sessions_for(&vault, &profile)? {
        let refresher = start_refresher(ctx, Arc::clone(&vault), &profile, &record).await?;
        let revocation = refresher.sign_out().await.map_err(CliError::session)?;
        drop(refresher);
        vault.remove_session(record.id).map_err(CliError::core)?;
        let (outcome, reason) = match revocation {
            Revocation::Revoked => ("revoked", None),
            Revocation::AlreadyInvalid => ("alreadyInvalid", None),
            Revocation::RemovedLocallyOnly { reason } => ("removedLocallyOnly", Some(reason)),
        };
        report.sessions.push(SignedOut {
            id: record.id.to_string(),
            outcome,
            reason,
        });
    }
    if ctx.out.json() {
        return ctx.out.report(&report);
    }
    if report.sessions.is_empty() {
        ctx.out.info(&format!(
            "No session for the profile '{}'; nothing to do.",
            profile.id
        ));
    }
    for s in &report.sessions {
        match &s.reason {
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
