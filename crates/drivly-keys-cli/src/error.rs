//! The command line's errors and its documented exit codes.
//!
//! Every failure becomes a [`CliError`] with a stable `snake_case` code (the core error's own
//! `code()` where the failure came from the core) and a message that says what to do next.
//! The exit code is derived from the code alone ([`exit_code_for`]), so scripts can rely on it
//! whichever layer failed. No variant carries a secret: core errors are already scrubbed, and
//! the CLI's own variants hold labels, profile names and OS messages only.

use drivly_core::Code;
use drivly_core::ErrorCode;
use drivly_core::session::SessionError;
use drivly_core::usecases::UseCaseError;
use drivly_core::usecases::sign_in::SignInError;

/// Success.
pub const EXIT_OK: u8 = 0;
/// Any failure not listed below.
pub const EXIT_OTHER: u8 = 1;
/// Bad command-line usage or malformed input (unknown flag, malformed `--expires`, a
/// permission that is not `<resource>.read|write`, an invalid profile name or URL).
pub const EXIT_USAGE: u8 = 2;
/// Sign-in needed: no session for the profile, or its refresh token is dead.
pub const EXIT_SIGN_IN: u8 = 3;
/// The server could not be reached, timed out, or is failing (5xx, 429).
pub const EXIT_NETWORK: u8 = 4;
/// The system keyring is unavailable, locked or refused the request.
pub const EXIT_KEYRING: u8 = 5;
/// A named profile, key or session does not exist.
pub const EXIT_NOT_FOUND: u8 = 6;
/// The server rejected the credential or request (401 on mint, 403, 400).
pub const EXIT_REJECTED: u8 = 7;
/// `decode --verify`: the signature is invalid or could not be verified.
pub const EXIT_SIGNATURE: u8 = 8;

/// The exit-code table as shown in `--help` and the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  ok
  1  other error
  2  usage or malformed input (flags, --expires, permission shape, profile name, URL)
  3  sign-in needed (no session for the profile, or it has ended)
  4  network: server unreachable, timed out or failing (5xx, 429)
  5  keyring unavailable, locked or refusing
  6  not found (profile, key label, session)
  7  rejected by the server (401 on mint, 403 permission, 400 validation)
  8  decode --verify: the signature is invalid or could not be verified";

/// A command-line failure. See the module docs.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A core error, reduced to its code and message.
    #[error("{message}")]
    Core {
        /// The core error's stable code.
        code: Code,
        /// Its message (never a secret).
        message: String,
    },
    /// Malformed input the parser could not catch (for example `--expires 3 weeks`).
    #[error("{message}")]
    Usage {
        /// Stable code, such as `invalid_expires`.
        code: Code,
        /// What was wrong and how to write it instead.
        message: String,
    },
    /// No signed-in session exists for the profile.
    #[error("no signed-in session for the profile '{0}'; run `drivly-keys login --profile {0}`")]
    NotSignedIn(String),
    /// No API key with that label exists on the profile.
    #[error(
        "no API key labelled '{label}' on the profile '{profile}'; see `drivly-keys keys list`"
    )]
    KeyNotFound {
        /// The label asked for.
        label: String,
        /// The profile searched.
        profile: String,
    },
    /// The sign-in was declined in the browser or refused by the server.
    #[error("the sign-in was not completed ({0}); run `drivly-keys login` again")]
    LoginDenied(String),
    /// Standard input or the terminal could not be read.
    #[error("could not read the secret ({0}); pipe it on standard input or type it at the prompt")]
    Input(String),
    /// A program (the browser, the clipboard helper, `exec`'s command) could not be run.
    #[error("could not run '{program}' ({detail})")]
    Spawn {
        /// The program.
        program: String,
        /// The OS error.
        detail: String,
    },
    /// The clipboard could not be reached (no graphical session) or its helper failed.
    #[error(
        "could not copy to the clipboard ({0}); copying needs a graphical session (DISPLAY), or use the desktop app"
    )]
    Clipboard(String),
    /// Writing the output failed (a closed pipe).
    #[error("could not write the output ({0})")]
    Output(String),
}

impl ErrorCode for CliError {
    fn code(&self) -> Code {
        match self {
            Self::Core { code, .. } | Self::Usage { code, .. } => *code,
            Self::NotSignedIn(_) => Code::NotSignedIn,
            Self::KeyNotFound { .. } => Code::ApiKeyNotFound,
            Self::LoginDenied(_) => Code::LoginDenied,
            Self::Input(_) => Code::InputUnreadable,
            Self::Spawn { .. } => Code::SpawnFailed,
            Self::Clipboard(_) => Code::ClipboardUnavailable,
            Self::Output(_) => Code::OutputFailed,
        }
    }
}

impl CliError {
    /// Wraps any core error by code and message.
    pub fn core(error: impl ErrorCode) -> Self {
        Self::Core {
            code: error.code(),
            message: error.to_string(),
        }
    }

    /// A session error; a failed refresh keeps the underlying cause's code (network, 5xx…)
    /// so the exit code says why.
    pub fn session(error: SessionError) -> Self {
        match &error {
            SessionError::RefreshFailed { code, .. } => Self::Core {
                code: *code,
                message: error.to_string(),
            },
            _ => Self::core(error),
        }
    }

    /// A use case's error, keeping a failed refresh's underlying code (see
    /// [`CliError::session`]).
    pub fn use_case(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Session(e) => Self::session(e),
            other => Self::core(other),
        }
    }

    /// A sign-in's error: a denial in the browser is [`CliError::LoginDenied`].
    pub fn sign_in(error: SignInError) -> Self {
        match error {
            SignInError::Denied { .. } | SignInError::NoRefreshToken => {
                let text = error.to_string();
                Self::LoginDenied(text)
            }
            SignInError::Session(e) => Self::session(e),
            other => Self::core(other),
        }
    }

    /// True when standard output was closed by its reader (a pipe into `head`).
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Self::Output(kind) if kind == &std::io::ErrorKind::BrokenPipe.to_string())
    }

    /// A usage error with a code.
    pub fn usage(code: Code, message: impl Into<String>) -> Self {
        Self::Usage {
            code,
            message: message.into(),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage { .. } => EXIT_USAGE,
            _ => exit_code_for(self.code().as_str()),
        }
    }
}

/// Maps a stable error code to the documented exit code.
pub fn exit_code_for(code: &str) -> u8 {
    match code {
        "usage"
        | "invalid_expires"
        | "invalid_profile_name"
        | "invalid_url"
        | "reference_invalid"
        | "env_file_invalid"
        | "invalid_environment_variable"
        | "invalid_profile_display_name"
        | "invalid_label"
        | "invalid_note"
        | "empty_secret"
        | "invalid_request"
        | "missing_permissions"
        | "no_permissions"
        | "invalid_expiry"
        | "key_empty"
        | "key_several_lines"
        | "key_whitespace"
        | "key_too_long"
        | "key_is_jwt"
        // `profiles remove` of a profile holding keys or sessions, without --yes.
        | "profile_not_empty"
        | "invalid_profile_setting" => EXIT_USAGE,
        c if c.starts_with("permission_") => EXIT_USAGE,
        c if c.starts_with("jwt_") => EXIT_USAGE,
        "not_signed_in" | "sign_in_needed" | "session_signed_out" | "refresh_token_not_saved" => {
            EXIT_SIGN_IN
        }
        "network_error"
        | "timeout"
        | "service_unavailable"
        | "rate_limited"
        | "server_error"
        | "refresh_failed"
        | "token_already_expired"
        // A server that answers 404/405 (or HTML) where an endpoint should be: the profile's
        // setup, found by talking to the server, so the network class (issue 14).
        | "endpoint_not_found"
        | "html_answer" => EXIT_NETWORK,
        c if c.starts_with("keyring_") => EXIT_KEYRING,
        "profile_not_found" | "api_key_not_found" | "key_not_found" | "session_not_found"
        | "secret_missing" | "not_found" => EXIT_NOT_FOUND,
        "unauthorized" | "forbidden" | "bad_request" => EXIT_REJECTED,
        "signature_invalid" | "signature_unverified" => EXIT_SIGNATURE,
        _ => EXIT_OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_the_documented_exits() {
        let table = [
            ("permission_unknown_access", EXIT_USAGE),
            ("invalid_expires", EXIT_USAGE),
            ("sign_in_needed", EXIT_SIGN_IN),
            ("refresh_token_not_saved", EXIT_SIGN_IN),
            ("token_already_expired", EXIT_NETWORK),
            ("not_signed_in", EXIT_SIGN_IN),
            ("network_error", EXIT_NETWORK),
            ("service_unavailable", EXIT_NETWORK),
            ("keyring_unavailable", EXIT_KEYRING),
            ("keyring_locked", EXIT_KEYRING),
            ("profile_not_found", EXIT_NOT_FOUND),
            ("api_key_not_found", EXIT_NOT_FOUND),
            ("key_whitespace", EXIT_USAGE),
            ("key_is_jwt", EXIT_USAGE),
            ("forbidden", EXIT_REJECTED),
            ("bad_request", EXIT_REJECTED),
            ("signature_invalid", EXIT_SIGNATURE),
            ("signature_unverified", EXIT_SIGNATURE),
            ("label_exists", EXIT_OTHER),
            ("token_lifetime_too_short", EXIT_OTHER),
        ];
        for (code, exit) in table {
            assert_eq!(exit_code_for(code), exit, "{code}");
        }
    }
}
