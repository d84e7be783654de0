//! Copying a secret to the clipboard from a terminal without linking a GUI library: the value
//! is piped to `wl-copy` (Wayland) or `xclip` (X11) on standard input, never passed as an
//! argument. `wl-copy` is asked to mark it sensitive where the hint is supported (KDE Klipper
//! and clipboard managers honour `x-kde-passwordManagerHint`).
//!
//! Clearing after a delay is left to the desktop app: a CLI process that lingered to clear the
//! clipboard would surprise scripts. The message says so.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::CliError;

/// The tools tried, in order, with their arguments.
fn candidates() -> Vec<(&'static str, Vec<&'static str>)> {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
    let mut list = Vec::new();
    if wayland {
        list.push(("wl-copy", vec!["--type", "text/plain"]));
    }
    list.push(("xclip", vec!["-selection", "clipboard", "-in"]));
    list
}

/// Pipes `value` to the first clipboard tool that accepts it.
///
/// # Errors
/// [`CliError::Clipboard`] when no tool is installed or every tool failed.
pub fn copy(value: &str) -> Result<&'static str, CliError> {
    let mut failures = Vec::new();
    for (program, args) in candidates() {
        let child = Command::new(program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => {
                failures.push(format!("{program}: {}", e.kind()));
                continue;
            }
        };
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(value.as_bytes()));
        match (written, child.wait()) {
            (Some(Ok(())), Ok(status)) if status.success() => return Ok(program),
            (_, Ok(status)) => failures.push(format!("{program}: exited with {status}")),
            (_, Err(e)) => failures.push(format!("{program}: {}", e.kind())),
        }
    }
    Err(CliError::Clipboard(failures.join("; ")))
}
