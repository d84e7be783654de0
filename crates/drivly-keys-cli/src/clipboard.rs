//! Copying a secret to the clipboard from a terminal, like the desktop app does: marked as a
//! password for clipboard managers and cleared after the app's delay (the `clipboardClear
//! Seconds` setting, default 30 s; `--clear-after` overrides, 0 = never) unless the user
//! copied something else meanwhile.
//!
//! On X11 and Wayland a clipboard's content lives in the process that owns it, and the command
//! must return at once, so the copy is handed to a detached helper: this same binary run with
//! the hidden `clipboard-hold` command, in its own process group (a Ctrl-C in the terminal
//! does not reach it). The secret goes to it through a pipe on standard input, never through
//! argv or the environment (both readable by other processes). The helper takes the
//! clipboard, answers `ok` (or `error: …`) on standard output, then polls once a second and
//! exits as soon as the clipboard holds something else, or clears it when the delay ends.
//! Marking and the "still ours" check are the core's ([`drivly_core::secret_clipboard`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use drivly_core::secret_clipboard::{ArboardBackend, CopiedSecret};
use zeroize::Zeroizing;

use crate::error::CliError;

/// The hidden command that runs the helper.
pub const HOLD_COMMAND: &str = "clipboard-hold";
/// The largest secret the helper reads (API keys and JWTs are far smaller).
const MAX_SECRET_BYTES: u64 = 64 * 1024;
/// How long the command waits for the helper to own the clipboard.
const HELPER_ANSWER_WAIT: Duration = Duration::from_secs(10);
/// How often the helper looks whether the clipboard still holds the secret.
const POLL: Duration = Duration::from_secs(1);

/// Copies `secret` through a detached helper that clears it after `clear_after` seconds
/// (`0` = never); returns once the helper owns the clipboard.
///
/// # Errors
/// [`CliError::Spawn`] when the helper cannot start; [`CliError::Clipboard`] when it could not
/// take the clipboard (no display) or did not answer.
pub fn copy(secret: &str, clear_after: u32) -> Result<(), CliError> {
    let exe = std::env::current_exe().map_err(|e| spawn_error(&e))?;
    let mut command = Command::new(exe);
    command
        .args([HOLD_COMMAND, "--clear-after", &clear_after.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Not the terminal's working folder: the helper must not keep a mount busy.
        .current_dir("/");
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| spawn_error(&e))?;
    let written = child.stdin.take().map(|mut stdin| {
        // Dropping `stdin` closes the pipe: the helper reads to its end.
        stdin.write_all(secret.as_bytes())
    });
    let answer = child.stdout.take().map(|stdout| {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        receive.recv_timeout(HELPER_ANSWER_WAIT)
    });
    let failure = match (written, answer) {
        (Some(Ok(())), Some(Ok(line))) if line.trim_end() == "ok" => {
            // The helper lives on, detached; this process exits without waiting for it.
            return Ok(());
        }
        (_, Some(Ok(line))) if line.starts_with("error: ") => {
            line.trim_start_matches("error: ").trim_end().to_owned()
        }
        (Some(Err(e)), _) => format!("the clipboard helper could not be given the secret ({e})"),
        _ => "the clipboard helper did not answer".to_owned(),
    };
    let _ = child.kill();
    let _ = child.wait();
    Err(CliError::Clipboard(failure))
}

fn spawn_error(e: &std::io::Error) -> CliError {
    CliError::Spawn {
        program: "drivly-keys clipboard helper".into(),
        detail: e.to_string(),
    }
}

/// The helper's body (`drivly-keys clipboard-hold --clear-after N`): see the module docs.
/// Never prints the secret; standard error is closed by the parent.
pub fn hold(clear_after: u32) {
    let mut secret = Zeroizing::new(Vec::new());
    if std::io::stdin()
        .lock()
        .take(MAX_SECRET_BYTES)
        .read_to_end(&mut secret)
        .is_err()
    {
        answer("error: could not read the secret from the pipe");
        return;
    }
    let secret = match std::str::from_utf8(&secret) {
        Ok(text) => Zeroizing::new(text.to_owned()),
        Err(_) => {
            answer("error: the secret is not text");
            return;
        }
    };
    let mut backend = match ArboardBackend::new() {
        Ok(backend) => backend,
        Err(e) => {
            answer(&format!("error: {e}"));
            return;
        }
    };
    let copied = match CopiedSecret::write(&mut backend, &secret) {
        Ok(copied) => copied,
        Err(e) => {
            answer(&format!("error: {e}"));
            return;
        }
    };
    drop(secret);
    answer("ok");
    let deadline =
        (clear_after > 0).then(|| Instant::now() + Duration::from_secs(u64::from(clear_after)));
    loop {
        let pause = deadline.map_or(POLL, |d| {
            d.saturating_duration_since(Instant::now()).min(POLL)
        });
        std::thread::sleep(pause);
        if !copied.is_still_there(&mut backend) {
            return; // the user copied something else: theirs stays, and we have nothing to hold
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            copied.clear_if_still_there(&mut backend);
            return;
        }
    }
}

/// One line to the waiting command; it stops reading after the first.
fn answer(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}
