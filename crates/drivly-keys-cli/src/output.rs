//! Where output goes: a command's primary output (a token, a `--json` report, a human report such
//! as `status` or `keys list`) on standard output; diagnostics, progress, confirmations and
//! prompts on standard error (clig.dev, gh, cargo). Colour is decided per stream: each stream is
//! painted only when it is a terminal and `NO_COLOR` is unset.
//!
//! Keeping diagnostics off standard output is what makes `$(drivly-keys token)` safe: a notice
//! can never end up inside an `Authorization` header; and reports on standard output are what
//! makes `drivly-keys keys list | grep billing` work.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::error::CliError;

/// How this process writes.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    json: bool,
    /// Paint standard error (a terminal, no `NO_COLOR`).
    color: bool,
    /// Paint standard output (a terminal, no `NO_COLOR`): never inside a pipe or a file.
    color_stdout: bool,
}

impl Out {
    /// Decides colour per stream from the environment: the stream is a terminal and `NO_COLOR`
    /// is unset or empty (no-color.org).
    pub fn new(json: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            json,
            color: !no_color && std::io::stderr().is_terminal(),
            color_stdout: !no_color && std::io::stdout().is_terminal(),
        }
    }

    /// True with `--json`.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Prints a line for people on standard error.
    pub fn info(&self, line: &str) {
        eprintln!("{line}");
    }

    /// Prints a warning on standard error.
    pub fn warn(&self, line: &str) {
        eprintln!("{} {line}", self.paint("warning:", "33"));
    }

    /// Prints an error on standard error: JSON with `--json`, else a line.
    pub fn error(&self, code: &str, message: &str) {
        if self.json {
            let doc = serde_json::json!({ "error": { "code": code, "message": message } });
            eprintln!("{doc}");
        } else {
            eprintln!("{} {message}", self.paint("error:", "31"));
        }
    }

    /// Wraps `text` in an ANSI colour when standard error is painted (for [`Out::warn`] and
    /// other standard-error lines).
    pub fn paint(&self, text: &str, sgr: &str) -> String {
        paint_if(self.color, text, sgr)
    }

    /// Wraps `text` in an ANSI colour when standard output is painted (for report lines).
    pub fn paint_report(&self, text: &str, sgr: &str) -> String {
        paint_if(self.color_stdout, text, sgr)
    }

    /// Writes one line of a human report (the command's primary output) to standard output.
    ///
    /// # Errors
    /// [`CliError::Output`] when standard output is closed.
    pub fn report_line(&self, line: &str) -> Result<(), CliError> {
        self.stdout_line(line)
    }

    /// Writes a line to standard output (a token, or a human report line meant for stdout).
    ///
    /// # Errors
    /// [`CliError::Output`] when standard output is closed.
    pub fn stdout_line(&self, line: &str) -> Result<(), CliError> {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .map_err(|e| CliError::Output(e.kind().to_string()))
    }

    /// Writes a `--json` report to standard output.
    ///
    /// # Errors
    /// [`CliError::Output`] when encoding or writing fails.
    pub fn report(&self, value: &impl Serialize) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| CliError::Output(format!("JSON encoding failed: {e}")))?;
        self.stdout_line(&text)
    }
}

fn paint_if(on: bool, text: &str, sgr: &str) -> String {
    if on {
        format!("\x1b[{sgr}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}
