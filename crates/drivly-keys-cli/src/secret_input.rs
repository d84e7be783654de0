//! Reading a secret the only ways the CLI accepts one: from standard input when it is a pipe,
//! from a prompt on the terminal with echo turned off, or from an environment variable the user
//! names (`keys add --from-env`, for keys already kept in `DRIVLY_API_KEY` the way Drivly's SDK
//! expects). Never from an argument, which any local user can read in `ps` or
//! `/proc/<pid>/cmdline`; a process's environment is readable by its owner only.
//!
//! The buffer is zeroized when dropped; only the trailing newline a shell adds is removed.

use std::io::{IsTerminal, Read};

use drivly_core::vault::MAX_SECRET_BYTES;
use zeroize::Zeroizing;

use crate::error::CliError;

/// The variable Drivly's JS SDK reads its API key from.
pub const SDK_KEY_VARIABLE: &str = "DRIVLY_API_KEY";

/// Whether `name` holds a non-blank value (never the value itself).
#[must_use]
pub fn env_holds_secret(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.to_string_lossy().trim().is_empty())
}

/// Reads one secret from the environment variable `name`, trimmed of surrounding blanks.
///
/// # Errors
/// A usage error (`invalid_environment_variable`, exit 2) naming the variable, never its
/// value, when it is unset, blank or not UTF-8.
pub fn secret_from_env(name: &str) -> Result<Zeroizing<String>, CliError> {
    let refuse = |why: &str| CliError::Usage {
        code: drivly_core::Code::InvalidEnvironmentVariable,
        message: format!("{name} {why}; export it, or pipe the key on standard input instead"),
    };
    let value = match std::env::var(name) {
        Ok(value) => Zeroizing::new(value),
        Err(std::env::VarError::NotPresent) => {
            return Err(refuse("is not set in this environment"));
        }
        Err(std::env::VarError::NotUnicode(_)) => return Err(refuse("is not UTF-8 text")),
    };
    let trimmed = Zeroizing::new(value.trim().to_owned());
    if trimmed.is_empty() {
        return Err(refuse("is empty"));
    }
    Ok(trimmed)
}

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
