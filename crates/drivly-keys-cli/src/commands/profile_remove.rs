//! `profiles remove NAME [--yes]`: removes a custom profile together with what it holds
//! (issue #13 item 16), so no key or refresh token is left in the keyring named by nothing.
//! A profile holding keys or sessions needs `--yes`; without it the command says what it
//! holds and changes nothing (exit 2, `profile_not_empty`).

use std::sync::Arc;

use drivly_core::clock::SystemClock;
use drivly_core::profile::{ProfileError, ProfileId};
use drivly_core::usecases::profiles::{Holdings, profile_holdings, remove_profile};
use drivly_core::usecases::{Stores, UseCaseError};
use serde::Serialize;

use crate::cli::ProfileRemoveArgs;
use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Serialize)]
struct SignedOutView {
    id: String,
    outcome: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RemovedView {
    id: String,
    name: String,
    keys: usize,
    sessions: Vec<SignedOutView>,
    message: String,
}

/// Runs `profiles remove`.
///
/// # Errors
/// `profile_not_empty` (exit 2) without `--yes` on a profile that holds something;
/// `profile_not_found`, `profile_built_in`; keyring and network errors.
pub async fn run(ctx: &Ctx, args: &ProfileRemoveArgs) -> Result<(), CliError> {
    let id = ProfileId::parse(&args.name).map_err(CliError::core)?;
    let profile = ctx.profiles.get(&id).map_err(CliError::core)?;
    if profile.is_built_in() {
        return Err(CliError::core(ProfileError::BuiltIn(id.to_string())));
    }
    // What it holds is in the index: read without the keyring's write probe, so an empty
    // profile goes even while the keyring is locked.
    let lookup = Stores {
        vault: Arc::new(ctx.vault_for_lookup()?),
        profiles: Arc::clone(&ctx.profiles),
        clock: Arc::new(SystemClock),
    };
    let held = profile_holdings(&lookup, &id)
        .await
        .map_err(CliError::use_case)?;
    if held.is_empty() {
        let removed = ctx.profiles.remove(&id).map_err(CliError::core)?;
        let message = format!("Removed '{}'; it held no keys or sessions.", removed.name);
        if ctx.out.json() {
            return ctx.out.report(&RemovedView {
                id: removed.id.to_string(),
                name: removed.name.clone(),
                keys: 0,
                sessions: Vec::new(),
                message,
            });
        }
        ctx.out.info(&message);
        return Ok(());
    }
    let stores = ctx.stores()?;
    let running = ctx.sessions(Arc::clone(&stores.vault), &profile);
    let removed = match remove_profile(&stores, &running, &id, args.yes).await {
        Err(UseCaseError::ProfileNotEmpty {
            profile,
            keys,
            sessions,
        }) => {
            return Err(CliError::Usage {
                code: drivly_core::Code::ProfileNotEmpty,
                message: format!(
                    "'{profile}' holds {}; nothing was removed. Run again with --yes to sign its \
                     sessions out (revoked on the server where it allows) and delete its keys \
                     from this computer",
                    Holdings { keys, sessions }.describe()
                ),
            });
        }
        other => other.map_err(CliError::use_case)?,
    };
    if ctx.out.json() {
        return ctx.out.report(&RemovedView {
            id: removed.profile.id.to_string(),
            name: removed.profile.name.clone(),
            keys: removed.keys.len(),
            sessions: removed
                .sessions
                .iter()
                .map(|s| SignedOutView {
                    id: s.session_id.to_string(),
                    outcome: s.revocation.tag(),
                })
                .collect(),
            message: removed.message(),
        });
    }
    ctx.out.info(&removed.message());
    Ok(())
}
