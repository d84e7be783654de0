//! `token`: a session JWT alone on standard output, valid for at least `--min-ttl`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::TokenArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::sessions::fresh_token_fast;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenReport<'a> {
    token: &'a str,
    expires: DateTime<Utc>,
    profile: String,
    session_id: String,
}

/// Runs `token`.
///
/// # Errors
/// `not_signed_in`/`sign_in_needed` (exit 3), network (4), keyring (5) errors.
pub async fn run(ctx: &Ctx, args: &TokenArgs) -> Result<(), CliError> {
    let profile = ctx.profile()?;
    let fresh = fresh_token_fast(ctx, &profile, args.session.as_deref(), args.min_ttl).await?;
    if ctx.out.json() {
        return ctx.out.report(&TokenReport {
            token: fresh.jwt.expose_secret(),
            expires: fresh.expires,
            profile: profile.id.to_string(),
            session_id: fresh.session.id.to_string(),
        });
    }
    ctx.out.stdout_line(fresh.jwt.expose_secret())
}
