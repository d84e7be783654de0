//! `mint`: a JWT from a stored API key, printed alone on standard output.

use chrono::{DateTime, Utc};
use drivly_core::client::DrivlyClient;
use drivly_core::permissions::parse_permission_list;
use drivly_core::vault::MintRecord;
use serde::Serialize;

use crate::cli::MintArgs;
use crate::commands::keys::find_key;
use crate::context::Ctx;
use crate::error::CliError;
use crate::expires::parse_expires;

#[derive(Debug, Serialize)]
struct Minted<'a> {
    token: &'a str,
    expires: DateTime<Utc>,
    profile: String,
    key: String,
    permissions: Vec<String>,
}

/// Validates a user-typed permission list; an empty list is a usage error.
///
/// # Errors
/// A `permission_*` error or `missing_permissions` (exit 2).
pub fn permissions_arg(input: &str, required: bool) -> Result<Vec<String>, CliError> {
    let list = parse_permission_list(input).map_err(CliError::core)?;
    if required && list.is_empty() {
        return Err(CliError::usage(
            "missing_permissions",
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
    let vault = ctx.vault()?;
    let meta = find_key(&vault, &profile, &args.key)?;
    let key = vault.reveal_api_key(meta.id).map_err(CliError::core)?;
    let client = DrivlyClient::new(&profile).map_err(CliError::core)?;
    let minted = client
        .mint(&key, &permissions, expires)
        .await
        .map_err(CliError::core)?;
    drop(key);
    // Bookkeeping must not cost the user the token they just minted.
    if let Err(e) = vault.touch_api_key(meta.id) {
        tracing::warn!(error = %e, "could not record the key's last use");
    }
    let record = MintRecord {
        label: None,
        profile_id: profile.id.clone(),
        key_id: Some(meta.id),
        permissions: permissions.clone(),
        expires: Some(minted.expires),
        minted_at: Utc::now(),
    };
    if let Err(e) = vault.append_mint(record) {
        tracing::warn!(error = %e, "could not record the mint in the history");
    }
    if ctx.out.json() {
        return ctx.out.report(&Minted {
            token: minted.jwt.expose_secret(),
            expires: minted.expires,
            profile: profile.id.to_string(),
            key: meta.label,
            permissions,
        });
    }
    ctx.out.stdout_line(minted.jwt.expose_secret())?;
    ctx.out.info(&format!(
        "Minted with '{}' on {}; expires {}.",
        meta.label,
        profile.id,
        minted.expires.to_rfc3339()
    ));
    Ok(())
}
