//! Opening the system browser for sign-in (never the app's own webview: RFC 8252 §8.12).
//!
//! `$BROWSER` wins when set (a command that takes the URL as its last argument; tests point it
//! at a script that drives headless Chromium); otherwise the platform opener (`xdg-open`,
//! `open`, or `explorer`). The URL carries no secret (state and the PKCE challenge are public),
//! but it is still never logged.

use std::process::{Command, Stdio};

use crate::ErrorCode;

/// The browser could not be started.
#[derive(Debug, thiserror::Error)]
#[error("the browser could not be opened ({0}); open the sign-in link shown instead")]
pub struct BrowserError(String);

impl ErrorCode for BrowserError {
    fn code(&self) -> &'static str {
        "browser_unavailable"
    }
}

/// Opens `url` in the user's browser and returns without waiting for it.
///
/// # Errors
/// [`BrowserError`] when no browser command could be started.
pub fn open(url: &str) -> Result<(), BrowserError> {
    let mut command = match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(browser) => {
            // $BROWSER may hold arguments ("firefox --new-window"); no shell is involved.
            let mut words = browser.split_whitespace();
            let program = words.next().unwrap_or_default().to_owned();
            let mut command = Command::new(program);
            command.args(words);
            command
        }
        None if cfg!(target_os = "macos") => Command::new("open"),
        None if cfg!(windows) => Command::new("explorer"),
        None => Command::new("xdg-open"),
    };
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| BrowserError(e.kind().to_string()))
}
