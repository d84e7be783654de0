//! `keys add | list | copy | remove`: API keys in the shared vault (secret in the keyring,
//! metadata in the index). The secret is read from standard input or a hidden prompt only.

use chrono::{DateTime, Utc};
use drivly_core::profile::Profile;
use drivly_core::secret::ApiKey;
use drivly_core::vault::{ApiKeyMeta, JournalState, Vault};
use serde::Serialize;

use crate::cli::{KeyAddArgs, KeysCommand};
use crate::clipboard;
use crate::context::Ctx;
use crate::error::CliError;
use crate::secret_input::read_secret;

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

/// The active key labelled `label` on `profile`.
///
/// # Errors
/// [`CliError::KeyNotFound`] (exit 6), or vault errors.
pub fn find_key(vault: &Vault, profile: &Profile, label: &str) -> Result<ApiKeyMeta, CliError> {
    vault
        .find_api_key_by_label(&profile.id, label)
        .map_err(CliError::core)?
        .ok_or_else(|| CliError::KeyNotFound {
            label: label.trim().to_owned(),
            profile: profile.id.to_string(),
        })
}

/// Runs a `keys` subcommand.
///
/// # Errors
/// Vault and keyring errors, [`CliError::KeyNotFound`], [`CliError::Input`].
pub fn run(ctx: &Ctx, command: &KeysCommand) -> Result<(), CliError> {
    let profile = ctx.profile()?;
    match command {
        KeysCommand::Add(args) => add(ctx, &profile, args),
        KeysCommand::List => list(ctx, &profile),
        KeysCommand::Copy(arg) => {
            let vault = ctx.vault()?;
            let meta = find_key(&vault, &profile, &arg.label)?;
            let key = vault.reveal_api_key(meta.id).map_err(CliError::core)?;
            let tool = clipboard::copy(key.expose_secret())?;
            if ctx.out.json() {
                return ctx.out.report(&serde_json::json!({
                    "label": meta.label, "profile": profile.id.to_string(), "copiedWith": tool,
                }));
            }
            ctx.out.info(&format!(
                "Copied the key '{}' to the clipboard ({tool}). Clear it when done; the desktop app clears it automatically.",
                meta.label
            ));
            Ok(())
        }
        KeysCommand::Remove(arg) => {
            let vault = ctx.vault()?;
            let meta = find_key(&vault, &profile, &arg.label)?;
            let removed = vault.remove_api_key(meta.id).map_err(CliError::core)?;
            if ctx.out.json() {
                return ctx.out.report(&KeyView::from(&removed));
            }
            ctx.out.info(&format!(
                "Removed the key '{}' from this computer. It still works on the server: revoke it in the Drivly dashboard.",
                removed.label
            ));
            Ok(())
        }
    }
}

fn add(ctx: &Ctx, profile: &Profile, args: &KeyAddArgs) -> Result<(), CliError> {
    // Open the keyring before asking, so a locked keyring fails before the user types.
    let vault = ctx.vault()?;
    let secret = read_secret(&format!(
        "API key for '{}' on {} (input hidden): ",
        args.label.trim(),
        profile.id
    ))?;
    let key = ApiKey::new(secret.as_str());
    let meta = vault
        .add_api_key(&args.label, &profile.id, &key, args.note.clone())
        .map_err(CliError::core)?;
    if ctx.out.json() {
        return ctx.out.report(&KeyView::from(&meta));
    }
    ctx.out.info(&format!(
        "Stored the key '{}' ({}) for the profile '{}' in the system keyring.",
        meta.label, meta.masked_tail, profile.id
    ));
    Ok(())
}

fn list(ctx: &Ctx, profile: &Profile) -> Result<(), CliError> {
    let vault = ctx.vault()?;
    let keys: Vec<ApiKeyMeta> = vault
        .list_api_keys()
        .map_err(CliError::core)?
        .into_iter()
        .filter(|k| k.profile_id == profile.id && k.state == JournalState::Active)
        .collect();
    if ctx.out.json() {
        return ctx.out.report(&KeyList {
            profile: profile.id.to_string(),
            keys: keys.iter().map(KeyView::from).collect(),
        });
    }
    if keys.is_empty() {
        ctx.out.info(&format!(
            "No API keys stored for the profile '{}'. Add one with `drivly-keys keys add LABEL`.",
            profile.id
        ));
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
        ctx.out.info(&format!(
            "{:<24} {}  {used}{missing}",
            k.label, k.masked_tail
        ));
    }
    Ok(())
}
