//! Reading a secret the only ways the CLI accepts one: from standard input when it is a pipe,
//! or from a prompt on the terminal with echo turned off. Never from an argument, which any
//! local user can read in `ps` or `/proc/<pid>/cmdline`.
//!
//! The buffer is zeroized when dropped; only the trailing newline a shell adds is removed.

use std::io::{IsTerminal, Read};

use drivly_core::vault::MAX_SECRET_BYTES;
use zeroize::Zeroizing;

use crate::error::CliError;

/// Reads one secret; `prompt` is shown only on a terminal.
///
/// # Errors
/// [`CliError::Input`] when standard input cannot be read, is not UTF-8 or is too large.
pub fn read_secret(prompt: &str) -> Result<Zeroizing<String>, CliError> {
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password(prompt)
                .map_err(|e| CliError::Input(e.kind().to_string()))?,
        )
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        stdin
            .lock()
            .take(u64::try_from(MAX_SECRET_BYTES).unwrap_or(u64::MAX) + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::Input(e.kind().to_string()))?;
        if bytes.len() > MAX_SECRET_BYTES {
            return Err(CliError::Input(format!(
                "standard input holds more than {MAX_SECRET_BYTES} bytes"
            )));
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| CliError::Input("standard input is not UTF-8 text".into()))?;
        Zeroizing::new(text.to_owned())
    };
    Ok(Zeroizing::new(
        text.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}
