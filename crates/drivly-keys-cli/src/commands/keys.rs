//! `keys add | list | verify | copy | remove`: adapters over the core's key use cases (the
//! same input rules, server verification, server revoke and masking as the desktop app). The
//! secret is read from standard input or a hidden prompt only.

use chrono::{DateTime, Utc};
use drivly_core::Code;
use drivly_core::profile::Profile;
use drivly_core::settings::MAX_CLIPBOARD_CLEAR_SECONDS;
use drivly_core::usecases::Stores;
use drivly_core::usecases::keys::{self, KeyStatus, NewKey};
use drivly_core::vault::ApiKeyMeta;
use serde::Serialize;

use crate::cli::{KeyAddArgs, KeyCopyArgs, KeyRemoveArgs, KeysCommand};
use crate::clipboard;
use crate::context::Ctx;
use crate::error::CliError;
use crate::secret_input::{SDK_KEY_VARIABLE, env_holds_secret, read_secret, secret_from_env};

/// A key as `--json` shows it (never the secret).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    id: String,
    label: String,
    profile: String,
    created: DateTime<Utc>,
    last_used: Option<DateTime<Utc>>,
    masked_tail: String,
    missing_secret: bool,
    note: Option<String>,
}

impl From<&ApiKeyMeta> for KeyView {
    fn from(meta: &ApiKeyMeta) -> Self {
        Self {
            id: meta.id.to_string(),
            label: meta.label.clone(),
            profile: meta.profile_id.to_string(),
            created: meta.created,
            last_used: meta.last_used,
            masked_tail: meta.masked_tail.clone(),
            missing_secret: meta.missing_secret,
            note: meta.note.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
struct KeyList {
    profile: String,
    keys: Vec<KeyView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Removed {
    #[serde(flatten)]
    key: KeyView,
    server: &'static str,
    message: String,
}

#[derive(Debug, Serialize)]
struct Verified {
    label: String,
    profile: String,
    status: KeyStatus,
    message: String,
}

/// The active key labelled `label` on `profile`.
///
/// # Errors
/// [`CliError::KeyNotFound`] (exit 6), or vault errors.
pub async fn find_key(
    stores: &Stores,
    profile: &Profile,
    label: &str,
) -> Result<ApiKeyMeta, CliError> {
    keys::find_key(stores, &profile.id, label)
        .await
        .map_err(CliError::use_case)?
        .ok_or_else(|| CliError::KeyNotFound {
            label: label.trim().to_owned(),
            profile: profile.id.to_string(),
        })
}

/// Runs a `keys` subcommand.
///
/// # Errors
/// Vault and keyring errors, [`CliError::KeyNotFound`], [`CliError::Input`], input-rule
/// errors (exit 2), and for `verify` a refused key (exit 7).
pub async fn run(ctx: &Ctx, command: &KeysCommand) -> Result<(), CliError> {
    let profile = ctx.profile()?;
    // Open the keyring first, so a locked keyring fails before the user types anything.
    let stores = ctx.stores()?;
    match command {
        KeysCommand::Add(args) => add(ctx, &stores, &profile, args).await,
        KeysCommand::List => list(ctx, &stores, &profile).await,
        KeysCommand::Verify(arg) => verify(ctx, &stores, &profile, &arg.label).await,
        KeysCommand::Copy(args) => copy(ctx, &stores, &profile, args).await,
        KeysCommand::Remove(args) => remove(ctx, &stores, &profile, args).await,
    }
}

async fn copy(
    ctx: &Ctx,
    stores: &Stores,
    profile: &Profile,
    args: &KeyCopyArgs,
) -> Result<(), CliError> {
    let clear_after = match args.clear_after {
        Some(secs) if secs > MAX_CLIPBOARD_CLEAR_SECONDS => {
            return Err(CliError::usage(
                Code::InvalidSetting,
                format!(
                    "--clear-after {secs} is too long: use 0 (never) to {MAX_CLIPBOARD_CLEAR_SECONDS} seconds"
                ),
            ));
        }
        Some(secs) => secs,
        // The same delay as the desktop app, from the settings file it writes.
        None => {
            ctx.profiles
                .settings()
                .map_err(CliError::core)?
                .clipboard_clear_seconds
        }
    };
    let meta = find_key(stores, profile, &args.label).await?;
    let key = stores
        .vault
        .reveal_api_key(meta.id)
        .map_err(CliError::core)?;
    clipboard::copy(key.expose_secret(), clear_after)?;
    if ctx.out.json() {
        return ctx.out.report(&serde_json::json!({
            "label": meta.label,
            "profile": profile.id.to_string(),
            "clearAfterSeconds": (clear_after > 0).then_some(clear_after),
        }));
    }
    let when = if clear_after > 0 {
        format!("it will be cleared in {clear_after} s unless you copy something else first")
    } else {
        "it will not be cleared (--clear-after 0)".to_owned()
    };
    ctx.out.info(&format!(
        "Copied the key '{}' to the clipboard, marked as a password for clipboard managers; {when}.",
        meta.label
    ));
    Ok(())
}

async fn add(
    ctx: &Ctx,
    stores: &Stores,
    profile: &Profile,
    args: &KeyAddArgs,
) -> Result<(), CliError> {
    let secret = match &args.from_env {
        Some(variable) => secret_from_env(variable)?,
        None => read_secret(&format!(
            "API key for '{}' on {} (input hidden): ",
            args.label.trim(),
            profile.id
        ))?,
    };
    let new = NewKey {
        profile_id: &profile.id,
        label: &args.label,
        secret: secret.as_str(),
        note: args.note.clone(),
    };
    let meta = keys::add_key(stores, new)
        .await
        .map_err(CliError::use_case)?;
    if ctx.out.json() {
        return ctx.out.report(&KeyView::from(&meta));
    }
    ctx.out.info(&format!(
        "Stored the key '{}' ({}) for the profile '{}' in the system keyring.",
        meta.label, meta.masked_tail, profile.id
    ));
    if let Some(variable) = &args.from_env {
        ctx.out.info(&format!(
            "You may now remove the key from your shell's start-up files. To hand it to a \
             program, set {variable}=drivly://{}/keys/{} (a reference, safe to keep) and start \
             it with `drivly-keys run -- COMMAND`.",
            profile.id, meta.label
        ));
    }
    Ok(())
}

async fn verify(
    ctx: &Ctx,
    stores: &Stores,
    profile: &Profile,
    label: &str,
) -> Result<(), CliError> {
    let meta = find_key(stores, profile, label).await?;
    let check = keys::verify_key(stores, meta.id)
        .await
        .map_err(CliError::use_case)?;
    if ctx.out.json() {
        ctx.out.report(&Verified {
            label: check.key.label.clone(),
            profile: profile.id.to_string(),
            status: check.status,
            message: check.message.clone(),
        })?;
    } else {
        // The verdict is the report (standard output); a failure also exits non-zero with
        // the error on standard error.
        ctx.out.report_line(&check.message)?;
    }
    match check.status {
        KeyStatus::Valid => Ok(()),
        KeyStatus::Rejected => Err(CliError::Core {
            code: Code::Unauthorized,
            message: check.message,
        }),
        KeyStatus::Unknown => Err(CliError::Core {
            code: Code::NetworkError,
            message: check.message,
        }),
    }
}

async fn remove(
    ctx: &Ctx,
    stores: &Stores,
    profile: &Profile,
    args: &KeyRemoveArgs,
) -> Result<(), CliError> {
    let meta = find_key(stores, profile, &args.label).await?;
    let removal = keys::remove_key(stores, meta.id, !args.keep_on_server)
        .await
        .map_err(CliError::use_case)?;
    let message = removal.message();
    if ctx.out.json() {
        return ctx.out.report(&Removed {
            key: KeyView::from(&removal.key),
            server: removal.revocation.tag(),
            message,
        });
    }
    if removal.revocation.ended_on_server() {
        ctx.out.info(&message);
    } else {
        ctx.out.warn(&message);
    }
    Ok(())
}

async fn list(ctx: &Ctx, stores: &Stores, profile: &Profile) -> Result<(), CliError> {
    let keys = keys::list_keys(stores, Some(&profile.id))
        .await
        .map_err(CliError::use_case)?;
    if ctx.out.json() {
        return ctx.out.report(&KeyList {
            profile: profile.id.to_string(),
            keys: keys.iter().map(KeyView::from).collect(),
        });
    }
    if keys.is_empty() {
        // An empty list is a diagnostic, not a row: `keys list | wc -l` counts keys.
        ctx.out.info(&format!(
            "No API keys stored for the profile '{}'. Add one with `drivly-keys keys add LABEL`.",
            profile.id
        ));
        // Drivly's SDK users often keep the key in the environment: offer to import it.
        if env_holds_secret(SDK_KEY_VARIABLE) {
            ctx.out.info(&format!(
                "{SDK_KEY_VARIABLE} is set in this shell: store it in the keyring with \
                 `drivly-keys keys add LABEL --from-env`."
            ));
        }
    }
    for k in &keys {
        let missing = if k.missing_secret {
            "  (secret missing from the keyring)"
        } else {
            ""
        };
        let used = k.last_used.map_or_else(
            || "never used".to_owned(),
            |t| format!("last used {}", t.format("%Y-%m-%d %H:%M")),
        );
        ctx.out.report_line(&format!(
            "{:<24} {}  {used}{missing}",
            k.label, k.masked_tail
        ))?;
    }
    Ok(())
}
