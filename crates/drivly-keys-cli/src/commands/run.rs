//! `run [--env-file FILE]… -- CMD…`: resolves `drivly://` references (see
//! [`crate::secret_reference`]) from env files and the environment, runs the command with them,
//! and conceals every resolved value in its standard output and error.
//!
//! Nothing is started until every reference resolved: a failure names the variable and the
//! reason, never a value. Variables that are not references pass through untouched.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;

use drivly_core::profile::{Profile, ProfileId};
use drivly_core::usecases::Stores;
use drivly_core::usecases::keys::key_and_secret;
use drivly_core::{Code, ErrorCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::process::Command;
use zeroize::Zeroizing;

use crate::child_process::{spawn, wait_forwarding_signals};
use crate::cli::RunArgs;
use crate::commands::keys::find_key;
use crate::context::Ctx;
use crate::env_file;
use crate::error::CliError;
use crate::output_concealer::Concealer;
use crate::secret_reference::Reference;
use crate::sessions::fresh_token_fast;

/// Runs `run`; returns the command's exit code.
///
/// # Errors
/// Env file errors, reference errors (with the variable's name), [`CliError::Spawn`].
pub async fn run(ctx: &Ctx, args: &RunArgs) -> Result<u8, CliError> {
    let Some((program, rest)) = args.command.split_first() else {
        return Err(CliError::usage(Code::Usage, "give a command after --"));
    };
    // The environment's text variables first; each file in order wins over what came before.
    let mut candidates: BTreeMap<String, Zeroizing<String>> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, Zeroizing::new(v.into_string().ok()?))))
        .collect();
    let mut from_files: BTreeMap<String, Zeroizing<String>> = BTreeMap::new();
    for path in &args.env_files {
        for entry in env_file::read(path)? {
            from_files.insert(entry.key.clone(), Zeroizing::new(entry.value.clone()));
            candidates.insert(entry.key, Zeroizing::new(entry.value));
        }
    }
    let mut resolver = Resolver::new(ctx);
    let mut resolved: Vec<(String, Zeroizing<String>)> = Vec::new();
    for (name, value) in &candidates {
        if let Some(reference) = Reference::parse(name, value)? {
            let secret = resolver
                .resolve(&reference)
                .await
                .map_err(|e| about(name, &e))?;
            resolved.push((name.clone(), secret));
        }
    }

    let mut command = Command::new(program);
    command.args(rest);
    for (name, value) in &from_files {
        command.env(name, value.as_str());
    }
    for (name, value) in &resolved {
        command.env(name, value.as_str());
    }
    if args.no_masking {
        let mut child = spawn(&mut command, program)?;
        return wait_forwarding_signals(&mut child, program).await;
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = spawn(&mut command, program)?;
    let secrets: Vec<&str> = resolved.iter().map(|(_, v)| v.as_str()).collect();
    let out_pump = child.stdout.take().map(|from| {
        tokio::spawn(pump(
            from,
            tokio::io::stdout(),
            Concealer::new(secrets.clone()),
        ))
    });
    let err_pump = child.stderr.take().map(|from| {
        tokio::spawn(pump(
            from,
            tokio::io::stderr(),
            Concealer::new(secrets.clone()),
        ))
    });
    let code = wait_forwarding_signals(&mut child, program).await;
    // The streams end when the command (and whatever it left running) closes them.
    for pump in [out_pump, err_pump].into_iter().flatten() {
        let _ = pump.await;
    }
    code
}

/// Copies `from` to `to` through `concealer`, flushing each chunk so output stays live.
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    mut concealer: Concealer,
) {
    let mut buffer = Zeroizing::new(vec![0u8; 8192]);
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let out = Zeroizing::new(concealer.push(&buffer[..n]));
        if to.write_all(&out).await.is_err() || to.flush().await.is_err() {
            // Nobody reads any more; keep draining so the command is not blocked.
            continue;
        }
    }
    let rest = Zeroizing::new(concealer.finish());
    let _ = to.write_all(&rest).await;
    let _ = to.flush().await;
}

/// Prefixes an error with the variable it is about (the value is never part of it).
fn about(variable: &str, error: &CliError) -> CliError {
    CliError::Core {
        code: error.code(),
        message: format!("{variable}: {error}"),
    }
}

/// Resolves references, opening the vault once.
struct Resolver<'a> {
    ctx: &'a Ctx,
    stores: Option<Stores>,
}

impl<'a> Resolver<'a> {
    fn new(ctx: &'a Ctx) -> Self {
        Self { ctx, stores: None }
    }

    fn profile(&self, name: &str) -> Result<Profile, CliError> {
        let id = ProfileId::parse(name).map_err(CliError::core)?;
        self.ctx.profiles.get(&id).map_err(CliError::core)
    }

    async fn resolve(&mut self, reference: &Reference) -> Result<Zeroizing<String>, CliError> {
        let profile = self.profile(reference.profile())?;
        match reference {
            Reference::Session { session, .. } => {
                let fresh = fresh_token_fast(self.ctx, &profile, session.as_deref(), None).await?;
                Ok(Zeroizing::new(fresh.jwt.expose_secret().to_owned()))
            }
            Reference::Key { label, .. } => {
                if self.stores.is_none() {
                    self.stores = Some(self.ctx.stores()?);
                }
                let stores = self.stores.as_ref().expect("just opened");
                let meta = find_key(stores, &profile, label).await?;
                let (_, secret) = key_and_secret(&Arc::clone(&stores.vault), meta.id)
                    .await
                    .map_err(CliError::use_case)?;
                let secret = secret.map_err(CliError::use_case)?;
                Ok(Zeroizing::new(secret.expose_secret().to_owned()))
            }
        }
    }
}
