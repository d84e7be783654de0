//! `mint`: a JWT from a stored API key, printed alone on standard output. The minting (with
//! its history entry, which never costs the token) is the core's use case.

use chrono::{DateTime, Utc};
use drivly_core::Code;
use drivly_core::permissions::parse_permission_list;
use drivly_core::usecases::mint::{MintRequest, mint};
use serde::Serialize;

use crate::cli::MintArgs;
use crate::commands::keys::find_key;
use crate::context::Ctx;
use crate::error::CliError;
use crate::expires::parse_expires;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Minted<'a> {
    token: &'a str,
    expires: DateTime<Utc>,
    profile: String,
    key: String,
    permissions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

/// Validates a user-typed permission list; an empty list is a usage error.
///
/// # Errors
/// A `permission_*` error or `missing_permissions` (exit 2).
pub fn permissions_arg(input: &str, required: bool) -> Result<Vec<String>, CliError> {
    let list = parse_permission_list(input).map_err(CliError::core)?;
    if required && list.is_empty() {
        return Err(CliError::usage(
            Code::MissingPermissions,
            "give at least one permission, for example --permissions invoices.read",
        ));
    }
    Ok(list.iter().map(ToString::to_string).collect())
}

/// Runs `mint`.
///
/// # Errors
/// Usage errors for `--permissions`/`--expires` (checked before anything else), key lookup,
/// keyring and server errors.
pub async fn run(ctx: &Ctx, args: &MintArgs) -> Result<(), CliError> {
    let permissions = permissions_arg(&args.permissions, true)?;
    let expires = args
        .expires
        .as_deref()
        .map(|e| parse_expires(e, Utc::now()))
        .transpose()?;
    let profile = ctx.profile()?;
    let stores = ctx.stores()?;
    let key = find_key(&stores, &profile, &args.key).await?;
    let request = MintRequest {
        key_id: key.id,
        permissions,
        expires,
        label: None,
    };
    let minted = mint(&stores, request).await.map_err(CliError::use_case)?;
    let warning = minted.warning();
    if ctx.out.json() {
        return ctx.out.report(&Minted {
            token: minted.jwt.expose_secret(),
            expires: minted.expires,
            profile: profile.id.to_string(),
            key: minted.key.label.clone(),
            permissions: minted.permissions.clone(),
            warning,
        });
    }
    ctx.out.stdout_line(minted.jwt.expose_secret())?;
    if let Some(warning) = warning {
        ctx.out.warn(&warning);
    }
    ctx.out.info(&format!(
        "Minted with '{}' on {}; expires {}.",
        minted.key.label,
        profile.id,
        minted.expires.to_rfc3339()
    ));
    Ok(())
}
