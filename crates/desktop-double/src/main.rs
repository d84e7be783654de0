//! `desktop-double`: plays the parts of a Linux desktop that Xvfb lacks, on the session bus,
//! so the end-to-end tests can see what the app does on a real desktop.
//!
//! - `--tray-host` owns `org.kde.StatusNotifierWatcher`, as KDE, XFCE or GNOME's AppIndicator
//!   extension do: the app then believes its tray icon is shown (closing the window hides it).
//! - `--notifications` owns `org.freedesktop.Notifications`: each notification is printed to
//!   standard output as one JSON line; `--no-actions` leaves "actions" out of the capabilities,
//!   like a server that cannot show buttons.
//!
//! Standard output carries one JSON object per line: `{"event":"ready"}` once the names are
//! owned, then `notify`, `closed` and `itemRegistered` events. Standard input takes commands,
//! one per line: `invoke ID KEY` (the user clicked action KEY of notification ID) and `close ID`.

mod notifications;
mod report;
mod tray_host;

use std::process::ExitCode;

use tokio::io::AsyncBufReadExt;

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    tray_host: bool,
    notifications: bool,
    actions: bool,
}

/// A command line the double cannot follow (it exits with 2).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
enum UsageError {
    #[error("unknown argument {0:?}")]
    Unknown(String),
    #[error("nothing to play: pass --tray-host and/or --notifications")]
    NothingToPlay,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, UsageError> {
    let mut options = Options {
        actions: true,
        ..Options::default()
    };
    for arg in args {
        match arg.as_str() {
            "--tray-host" => options.tray_host = true,
            "--notifications" => options.notifications = true,
            "--no-actions" => options.actions = false,
            other => return Err(UsageError::Unknown(other.to_owned())),
        }
    }
    if !options.tray_host && !options.notifications {
        return Err(UsageError::NothingToPlay);
    }
    Ok(options)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("desktop-double: {message}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("desktop-double: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> zbus::Result<()> {
    let mut builder = zbus::connection::Builder::session()?;
    if options.tray_host {
        builder = builder
            .name(tray_host::NAME)?
            .serve_at(tray_host::PATH, tray_host::Watcher::default())?;
    }
    if options.notifications {
        builder = builder.name(notifications::NAME)?.serve_at(
            notifications::PATH,
            notifications::Server::new(options.actions),
        )?;
    }
    let connection = builder.build().await?;
    report::event(serde_json::json!({ "event": "ready" }));

    // Commands until standard input closes; then the double leaves the bus.
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Err(error) = command(&connection, &line).await {
            eprintln!("desktop-double: {line:?}: {error}");
        }
    }
    Ok(())
}

async fn command(connection: &zbus::Connection, line: &str) -> zbus::Result<()> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["invoke", id, key] => notifications::invoke(connection, parse_id(id)?, key).await,
        ["close", id] => notifications::close(connection, parse_id(id)?).await,
        [] => Ok(()),
        _ => Err(zbus::Error::Failure(
            "expected `invoke ID KEY` or `close ID`".to_owned(),
        )),
    }
}

fn parse_id(text: &str) -> zbus::Result<u32> {
    text.parse()
        .map_err(|_| zbus::Error::Failure(format!("not a notification id: {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_command_line_names_the_parts_to_play() {
        let options = parse(args(&["--notifications", "--no-actions"])).expect("valid");
        assert!(options.notifications && !options.actions && !options.tray_host);
        assert_eq!(parse(args(&[])).err(), Some(UsageError::NothingToPlay));
        assert_eq!(
            parse(args(&["--tray"])).err(),
            Some(UsageError::Unknown("--tray".into()))
        );
    }
}
