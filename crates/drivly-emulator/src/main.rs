//! `drivly-emulator`: runs the Drivly-compatible server on 127.0.0.1 until Ctrl-C.
//!
//! Prints the base URL, the demo user and a demo API key so a person (or a script) can start at
//! once; `--api-key` and `--user` seed credentials a script knows in advance.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use drivly_emulator::{Config, Dialect, Emulator, Signing};

/// A Drivly-compatible auth and API server on 127.0.0.1, for offline use, demos and tests.
///
/// Serves the Drivly API under http://127.0.0.1:PORT/api (minting, browser sign-in with PKCE,
/// refresh, revoke, JWKS, invoices and services), a dashboard at /dashboard, and test controls
/// under /__emulator/. Logs go to stderr; set RUST_LOG (for example RUST_LOG=debug) to change
/// the level.
#[derive(Debug, Parser)]
#[command(name = "drivly-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 to listen on; 0 picks a free port. 7878 is the app's built-in
    /// emulator profile.
    #[arg(long, default_value_t = 7878)]
    port: u16,
    /// Seed an API key with this exact value (repeatable), so scripts know it in advance.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Seed a user who can sign in on the login page (repeatable), as EMAIL:PASSWORD.
    #[arg(long = "user", value_name = "EMAIL:PASSWORD", value_parser = parse_user)]
    users: Vec<(String, String)>,
    /// Lifetime of session JWTs, in seconds (Drivly: 600).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    jwt_lifetime: u64,
    /// Keep the same refresh token on refresh instead of rotating it.
    #[arg(long)]
    no_rotation: bool,
    /// Redirect back from sign-in with the token form (token, refreshToken, expires) instead of a
    /// one-time code.
    #[arg(long)]
    token_redirect: bool,
    /// Sign JWTs with HS256 and this secret (like Drivly's examples) instead of a generated
    /// Ed25519 key.
    #[arg(long, value_name = "SECRET", env = "DRIVLY_EMULATOR_HS256_SECRET")]
    hs256_secret: Option<String>,
    /// Keep API keys, users, sessions and the signing key in FILE across restarts (written
    /// atomically; credentials are stored as digests).
    #[arg(long = "state", value_name = "FILE")]
    state: Option<PathBuf>,
    /// Speak a variant of the wire format (repeatable): token-form, snake-case, data-envelope,
    /// no-rotation, hs256, no-jwks, no-revoke, oauth-paths, client-id=ID, redirect-extras.
    #[arg(long = "dialect", value_name = "NAME")]
    dialects: Vec<Dialect>,
    /// Offset the server's clock from real time by this many seconds (its Date header, iat,
    /// exp and expires), for example 900 or -900.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    clock_offset: i64,
}

/// A `--user` value that is not `EMAIL:PASSWORD`.
#[derive(Debug, thiserror::Error)]
#[error("expected EMAIL:PASSWORD, for example ci@example.com:s3cret")]
struct UserArgError;

fn parse_user(value: &str) -> Result<(String, String), UserArgError> {
    match value.split_once(':') {
        Some((email, password)) if email.contains('@') && !password.is_empty() => {
            Ok((email.to_owned(), password.to_owned()))
        }
        _ => Err(UserArgError),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    {
        use tracing_subscriber::prelude::*;
        // `RUST_LOG` as `target=level` lists; the default is info.
        let filter = std::env::var("RUST_LOG")
            .ok()
            .and_then(|text| text.parse::<tracing_subscriber::filter::Targets>().ok())
            .unwrap_or_else(|| {
                tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO)
            });
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .with(filter)
            .init();
    }
    let config = Config {
        port: args.port,
        jwt_lifetime: Duration::from_secs(args.jwt_lifetime),
        rotation: !args.no_rotation,
        signing: match args.hs256_secret {
            Some(secret) => Signing::Hs256 { secret },
            None => Signing::Ed25519Generated,
        },
        token_redirect: args.token_redirect,
        api_keys: args.api_keys,
        users: args.users,
        state_file: args.state,
        dialects: args.dialects.clone(),
        clock_offset_secs: args.clock_offset,
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("drivly-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (email, password) = emulator.demo_user();
    println!("Drivly emulator running");
    println!("  base URL   {}", emulator.base_url());
    println!("  dashboard  {}dashboard", emulator.origin());
    println!("  demo user  {email} / {password}");
    println!("  API key    {}", emulator.demo_api_key());
    if !args.dialects.is_empty() {
        let names: Vec<String> = args.dialects.iter().map(ToString::to_string).collect();
        println!("  dialects   {}", names.join(", "));
    }
    if args.clock_offset != 0 {
        println!("  clock      offset {} s", args.clock_offset);
    }
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("drivly-emulator: cannot wait for Ctrl-C: {e}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
