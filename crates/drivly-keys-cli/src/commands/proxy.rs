//! `proxy`: a local reverse proxy to the profile's API that adds a fresh token to every
//! request, until Ctrl-C or SIGTERM. The serving is `drivly_local_api::serve_proxy`, the same
//! code the desktop app runs.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use drivly_local_api::{AccessLog, KeyTokenSource, ProxyConfig, TokenSource, serve_proxy};

use crate::cli::ProxyArgs;
use crate::commands::keys::find_key;
use crate::commands::mint::permissions_arg;
use crate::context::Ctx;
use crate::error::CliError;
use crate::sessions::{LiveSession, live_session};

/// How long each token minted with `--key` lives; it is re-minted before it runs out.
const KEY_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Request lines on standard error, one per request.
pub fn stderr_log() -> AccessLog {
    Arc::new(|line| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    })
}

/// Runs `proxy` until interrupted.
///
/// # Errors
/// Token errors as for `token` or `mint` (checked once before serving), a bind error.
pub async fn run(ctx: &Ctx, args: &ProxyArgs) -> Result<(), CliError> {
    let profile = ctx.profile()?;
    let mut _live: Option<LiveSession> = None;
    let (source, what): (Arc<dyn TokenSource>, String) = match (&args.key, &args.permissions) {
        (Some(label), Some(permissions)) => {
            let permissions = permissions_arg(permissions, true)?;
            let stores = ctx.stores()?;
            let key = find_key(&stores, &profile, label).await?;
            let what = format!(
                "tokens minted with the key '{}' ({})",
                key.label,
                permissions.join(",")
            );
            let source = KeyTokenSource::new(stores, key.id, permissions, KEY_TOKEN_LIFETIME);
            (Arc::new(source), what)
        }
        _ => {
            let live = live_session(ctx, &profile, args.session.as_deref()).await?;
            let source: Arc<dyn TokenSource> = live.source.clone();
            let what = format!(
                "the session {} of {}",
                short_id(&live.record.id.to_string()),
                live.record
                    .subject
                    .clone()
                    .unwrap_or_else(|| "this profile".to_owned())
            );
            _live = Some(live);
            (source, what)
        }
    };
    // Fail now, with the right exit code, rather than on the first request.
    source.fresh(None).await.map_err(|e| CliError::Core {
        code: e.code,
        message: e.message,
    })?;
    let running = serve_proxy(ProxyConfig {
        upstream: profile.base_url.clone(),
        source,
        port: args.port,
        log: stderr_log(),
    })
    .await
    .map_err(CliError::core)?;
    let url = running.url.as_str().trim_end_matches('/').to_owned();
    ctx.out.stdout_line(&url)?;
    ctx.out.info(&format!(
        "Proxying {url} to {} with {what}. Ctrl-C stops it.",
        profile.base_url
    ));
    wait_for_stop().await;
    running.server.shutdown().await;
    Ok(())
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(unix)]
async fn wait_for_stop() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() {
    let _ = tokio::signal::ctrl_c().await;
}
