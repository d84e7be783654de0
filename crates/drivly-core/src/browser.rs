//! Opening the system browser for sign-in (never the app's own webview: RFC 8252 §8.12).
//! Shared by the desktop app and the command line.
//!
//! `$BROWSER` wins when set, following its convention: a `:`-separated list of commands tried
//! in order, where `%s` stands for the URL (else the URL is the last argument); tests point it
//! at a script that drives headless Chromium. Then the platform opener (`xdg-open`, `open`, or
//! `explorer`). The URL is passed as one argument, never through a shell. It carries no secret
//! (state and the PKCE challenge are public), but it is still never logged.

use crate::Code;
use std::process::{Child, Command, Stdio};

use crate::ErrorCode;

/// No browser command could be started.
#[derive(Debug, thiserror::Error)]
#[error("the browser could not be opened ({program}: {detail}); open the sign-in link yourself")]
pub struct BrowserError {
    program: String,
    detail: String,
}

impl ErrorCode for BrowserError {
    fn code(&self) -> Code {
        Code::BrowserUnavailable
    }
}

fn platform_opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// The commands to try for `url`, in order: each is a program and its arguments.
fn candidates(browser_env: &str, url: &str) -> Vec<(String, Vec<String>)> {
    let mut commands: Vec<&str> = browser_env
        .split(':')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    commands.push(platform_opener());
    commands
        .into_iter()
        .filter_map(|command| {
            let mut words = command.split_whitespace().map(str::to_owned);
            let program = words.next()?;
            let mut args: Vec<String> = words.collect();
            let mut substituted = false;
            for arg in &mut args {
                if arg.contains("%s") {
                    *arg = arg.replace("%s", url);
                    substituted = true;
                }
            }
            if !substituted {
                args.push(url.to_owned());
            }
            Some((program, args))
        })
        .collect()
}

/// Opens `url` in the user's browser without waiting for it; returns the program used.
///
/// # Errors
/// [`BrowserError`] when no candidate command could be started.
pub fn open(url: &str) -> Result<String, BrowserError> {
    open_with(&std::env::var("BROWSER").unwrap_or_default(), url)
}

/// [`open`] with `$BROWSER`'s value given.
fn open_with(browser_env: &str, url: &str) -> Result<String, BrowserError> {
    let mut last = BrowserError {
        program: platform_opener().into(),
        detail: "not tried".into(),
    };
    for (program, args) in candidates(browser_env, url) {
        let spawned = Command::new(&program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => {
                reap_when_done(child);
                return Ok(program);
            }
            Err(e) => {
                last = BrowserError {
                    program,
                    detail: e.kind().to_string(),
                }
            }
        }
    }
    Err(last)
}

/// Waits for the opener on a small thread so it is reaped when it exits: an unwaited child
/// stays a zombie for as long as the app runs, one per sign-in. Openers such as `xdg-open`
/// exit at once; a browser started directly lives on, and so does its waiting thread.
fn reap_when_done(mut child: Child) {
    let spawned = std::thread::Builder::new()
        .name("browser-reaper".into())
        .spawn(move || {
            let _ = child.wait();
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start a thread to reap the browser process");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_follows_its_convention() {
        let url = "https://x.test/auth?state=s";
        let list = candidates("firefox --new-window:chromium %s --incognito", url);
        assert_eq!(
            list[0],
            ("firefox".into(), vec!["--new-window".into(), url.into()])
        );
        assert_eq!(
            list[1],
            ("chromium".into(), vec![url.into(), "--incognito".into()])
        );
        assert_eq!(list[2].0, platform_opener());
        assert_eq!(candidates("", url).len(), 1);
        assert_eq!(candidates(" : ", url).len(), 1);
    }

    /// The children of this process whose command name is `name`, with their state letter.
    #[cfg(target_os = "linux")]
    fn children_named(name: &str) -> Vec<char> {
        let me = std::process::id().to_string();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // "pid (comm) state ppid …"; comm may hold spaces, so split at the last ')'.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let comm = &stat[open + 1..close];
            let mut rest = stat[close + 1..].split_whitespace();
            let (Some(state), Some(ppid)) = (rest.next(), rest.next()) else {
                continue;
            };
            if comm == name && ppid == me {
                found.extend(state.chars().next());
            }
        }
        found
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_launched_browser_is_reaped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let opener = dir.path().join("reapprobe");
        std::fs::write(&opener, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
        for _ in 0..3 {
            let used = open_with(&opener.display().to_string(), "https://x.test/auth").unwrap();
            assert_eq!(used, opener.display().to_string());
        }
        // Generous bound: the openers exit at once; an unreaped one would stay a zombie ('Z')
        // for the life of this process.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let left = children_named("reapprobe");
            if left.is_empty() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "browser processes left behind: {left:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}
