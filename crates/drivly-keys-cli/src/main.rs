//! `drivly-keys`: the Drivly Keys command line. Fresh JWTs for scripts and terminals, over the
//! same profiles, keyring entries, vault index and session lock as the desktop app.
//!
//! This file only wires things: parse arguments (clap; usage errors exit 2), set up logging
//! (to standard error, quiet unless `RUST_LOG` asks), run the command on a current-thread tokio
//! runtime, and turn the outcome into the documented exit code. Commands live in
//! [`commands`]; all domain logic is in `drivly-core`.

mod child_process;
mod cli;
mod clipboard;
mod commands;
mod context;
mod env_file;
mod error;
mod expires;
mod output;
mod output_concealer;
mod secret_input;
mod secret_reference;
mod sessions;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use drivly_core::ErrorCode;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use crate::error::{CliError, EXIT_OK, EXIT_USAGE};
use crate::output::Out;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are successes; everything else is a usage error (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    init_logging();
    let out = Out::new(cli.global.json);
    match run(cli, out) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // `drivly-keys status | head -1`: the reader left; nothing useful to say to it.
            if !e.is_closed_pipe() {
                out.error(e.code().as_str(), &e.to_string());
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Logs go to standard error and are off unless `RUST_LOG` is set (`target=level` lists); the
/// core never logs a secret, and keeping logs quiet keeps `$(drivly-keys token)` clean. Unset,
/// no subscriber is installed at all: nothing to set up on the token's fast path.
fn init_logging() {
    use tracing_subscriber::prelude::*;
    let Some(filter) = std::env::var("RUST_LOG")
        .ok()
        .and_then(|text| text.parse::<tracing_subscriber::filter::Targets>().ok())
    else {
        return;
    };
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false),
        )
        .with(filter)
        .try_init();
}

fn run(cli: Cli, out: Out) -> Result<u8, CliError> {
    if let Command::Completions(args) = &cli.command {
        let mut command = Cli::command();
        clap_complete::generate(
            args.shell,
            &mut command,
            "drivly-keys",
            &mut std::io::stdout(),
        );
        return Ok(EXIT_OK);
    }
    match &cli.command {
        Command::LinkHandler(args) => {
            return commands::link_handler::run(out, args).map(|()| EXIT_OK);
        }
        Command::Manpage(args) => return commands::manpage::run(&args.out).map(|()| EXIT_OK),
        Command::ClipboardHold(args) => {
            clipboard::hold(args.clear_after);
            return Ok(EXIT_OK);
        }
        _ => {}
    }
    let ctx = Ctx::open(out, cli.global.profile)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Output(format!("could not start the async runtime: {e}")))?;
    runtime.block_on(async {
        match &cli.command {
            Command::Profiles(c) => commands::profiles::run(&ctx, c).await.map(|()| EXIT_OK),
            Command::Keys(c) => commands::keys::run(&ctx, c).await.map(|()| EXIT_OK),
            Command::Mint(a) => commands::mint::run(&ctx, a).await.map(|()| EXIT_OK),
            Command::Login(a) => commands::login::run(&ctx, a).await.map(|()| EXIT_OK),
            Command::Token(a) => commands::token::run(&ctx, a).await.map(|()| EXIT_OK),
            Command::Status(args) => commands::status::run(&ctx, args).await.map(|()| EXIT_OK),
            Command::Doctor => commands::doctor::run(&ctx).await,
            Command::Logout(args) => commands::logout::run(&ctx, args).await.map(|()| EXIT_OK),
            Command::Decode(a) => commands::decode::run(&ctx, a).await.map(|()| EXIT_OK),
            Command::Exec(a) => commands::exec::run(&ctx, a).await,
            Command::Proxy(a) => commands::proxy::run(&ctx, a).await.map(|()| EXIT_OK),
            Command::Run(a) => commands::run::run(&ctx, a).await,
            Command::Completions(_)
            | Command::LinkHandler(_)
            | Command::Manpage(_)
            | Command::ClipboardHold(_) => Ok(EXIT_OK),
        }
    })
}
