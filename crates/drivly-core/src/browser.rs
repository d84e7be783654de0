//! Opening the system browser for sign-in (never the app's own webview: RFC 8252 §8.12).
//! Shared by the desktop app and the command line.
//!
//! `$BROWSER` wins when set, following its convention: a `:`-separated list of commands tried
//! in order, where `%s` stands for the URL (else the URL is the last argument); tests point it
//! at a script that drives headless Chromium. Then the platform opener (`xdg-open`, `open`, or
//! `explorer`). The URL is passed as one argument, never through a shell. It carries no secret
//! (state and the PKCE challenge are public), but it is still never logged.

use crate::Code;
use std::process::{Command, Stdio};

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
    let browser_env = std::env::var("BROWSER").unwrap_or_default();
    let mut last = BrowserError {
        program: platform_opener().into(),
        detail: "not tried".into(),
    };
    for (program, args) in candidates(&browser_env, url) {
        let spawned = Command::new(&program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(_) => return Ok(program),
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
}
