//! Opening the sign-in page: `$BROWSER` first (a `:`-separated list of commands; `%s` stands
//! for the URL, else the URL is the last argument), then `xdg-open`. The URL is passed as one
//! argument, never through a shell. The authorization URL holds only the `state` and the PKCE
//! challenge; the verifier never leaves this process.

use std::process::{Command, Stdio};

use url::Url;

use crate::error::CliError;

/// Starts a browser on `url` without waiting for it to exit.
///
/// # Errors
/// [`CliError::Spawn`] when no browser command could be started.
pub fn open(url: &Url) -> Result<String, CliError> {
    let mut last = CliError::Spawn {
        program: "xdg-open".into(),
        detail: "not tried".into(),
    };
    let from_env = std::env::var("BROWSER").unwrap_or_default();
    let mut commands: Vec<String> = from_env
        .split(':')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    commands.push("xdg-open".into());
    for command in commands {
        let mut parts: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
        if parts.is_empty() {
            continue;
        }
        let program = parts.remove(0);
        let mut substituted = false;
        for part in &mut parts {
            if part.contains("%s") {
                *part = part.replace("%s", url.as_str());
                substituted = true;
            }
        }
        if !substituted {
            parts.push(url.as_str().to_owned());
        }
        let spawned = Command::new(&program)
            .args(&parts)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(_) => return Ok(program),
            Err(e) => {
                last = CliError::Spawn {
                    program,
                    detail: e.kind().to_string(),
                };
            }
        }
    }
    Err(last)
}
