//! `exec -- CMD ARGS…`: runs a command with `DRIVLY_TOKEN` (a fresh session JWT) and
//! `DRIVLY_API_URL` (the profile's base URL) in its environment, and passes its exit code
//! through. The token is never put in the command's arguments.
//!
//! For commands that outlive one JWT: `--token-server` serves fresh tokens at
//! `DRIVLY_TOKEN_URL` to a caller holding `DRIVLY_TOKEN_AUTH`, and `--proxy` points
//! `DRIVLY_API_URL` at a local proxy adding a fresh token to every request. Both take their
//! tokens from the session's refresher (the core's lock, single flight and policy) and stop when
//! the command ends.

use std::sync::Arc;
use std::time::Duration;

use drivly_core::Code;
use drivly_local_api::{
    LocalAuthSecret, ProxyConfig, TokenSource, serve_proxy, serve_token_endpoint,
};
use tokio::process::Command;

use crate::child_process::{spawn, wait_forwarding_signals};
use crate::cli::ExecArgs;
use crate::commands::proxy::stderr_log;
use crate::context::Ctx;
use crate::error::CliError;
use crate::sessions::{fresh_token_fast, live_session};

/// Runs `exec`; returns the child's exit code (128 + N when signal N ended it).
///
/// # Errors
/// Token errors as for `token`; [`CliError::Spawn`] when the command cannot start; a bind
/// error when no local port is free.
pub async fn run(ctx: &Ctx, args: &ExecArgs) -> Result<u8, CliError> {
    let Some((program, rest)) = args.command.split_first() else {
        return Err(CliError::usage(Code::Usage, "give a command after --"));
    };
    let profile = ctx.profile()?;
    let base_url = profile.base_url.as_str().trim_end_matches('/').to_owned();
    let mut command = Command::new(program);
    command.args(rest);
    if !args.token_server && !args.proxy {
        let fresh = fresh_token_fast(ctx, &profile, args.session.as_deref(), args.min_ttl).await?;
        command
            .env("DRIVLY_TOKEN", fresh.jwt.expose_secret())
            .env("DRIVLY_API_URL", base_url);
        let mut child = spawn(&mut command, program)?;
        return wait_forwarding_signals(&mut child, program).await;
    }

    let live = live_session(ctx, &profile, args.session.as_deref()).await?;
    let source: Arc<dyn TokenSource> = live.source.clone();
    let min_ttl = args.min_ttl.map(Duration::from_secs);
    let first = source.fresh(min_ttl).await.map_err(|e| CliError::Core {
        code: e.code,
        message: e.message,
    })?;
    command
        .env("DRIVLY_TOKEN", first.jwt.expose_secret())
        .env("DRIVLY_API_URL", &base_url);
    let token_server = if args.token_server {
        let secret = LocalAuthSecret::generate();
        command.env("DRIVLY_TOKEN_AUTH", secret.expose_secret());
        let endpoint = serve_token_endpoint(Arc::clone(&source), secret, min_ttl, 0)
            .await
            .map_err(CliError::core)?;
        command.env("DRIVLY_TOKEN_URL", endpoint.url.as_str());
        Some(endpoint)
    } else {
        None
    };
    let proxy = if args.proxy {
        let running = serve_proxy(ProxyConfig {
            upstream: profile.base_url.clone(),
            source: Arc::clone(&source),
            port: 0,
            log: stderr_log(),
        })
        .await
        .map_err(CliError::core)?;
        command.env("DRIVLY_API_URL", running.url.as_str().trim_end_matches('/'));
        Some(running)
    } else {
        None
    };
    let mut child = spawn(&mut command, program)?;
    let code = wait_forwarding_signals(&mut child, program).await;
    // The endpoints end with the child, whatever its outcome.
    if let Some(endpoint) = token_server {
        endpoint.server.shutdown().await;
    }
    if let Some(proxy) = proxy {
        proxy.server.shutdown().await;
    }
    drop(live);
    code
}
