//! `exec -- CMD ARGS…`: runs a command with `DRIVLY_TOKEN` (a fresh session JWT) and
//! `DRIVLY_API_URL` (the profile's base URL) in its environment, and passes its exit code
//! through. The token is never put in the command's arguments.

use drivly_core::Code;
use std::process::Command;

use crate::cli::ExecArgs;
use crate::context::Ctx;
use crate::error::{CliError, EXIT_OTHER};
use crate::sessions::fresh_token_fast;

/// Runs `exec`; returns the child's exit code (1 when it was killed by a signal).
///
/// # Errors
/// Token errors as for `token`; [`CliError::Spawn`] when the command cannot start.
pub async fn run(ctx: &Ctx, args: &ExecArgs) -> Result<u8, CliError> {
    let Some((program, rest)) = args.command.split_first() else {
        return Err(CliError::usage(Code::Usage, "give a command after --"));
    };
    let profile = ctx.profile()?;
    let fresh = fresh_token_fast(ctx, &profile, args.min_ttl).await?;
    let base_url = profile.base_url.as_str().trim_end_matches('/').to_owned();
    let status = Command::new(program)
        .args(rest)
        .env("DRIVLY_TOKEN", fresh.jwt.expose_secret())
        .env("DRIVLY_API_URL", base_url)
        .status()
        .map_err(|e| CliError::Spawn {
            program: program.clone(),
            detail: e.kind().to_string(),
        })?;
    Ok(status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .unwrap_or(EXIT_OTHER))
}
