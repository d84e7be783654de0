//! Warnings the inspector attaches to a token, each with a stable code the UI branches on and
//! a message that says what it means for the user.

use serde::Serialize;

/// How loudly the UI should show a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably a problem.
    Warning,
    /// The token is unusable or unsafe to trust.
    Danger,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// `alg: none`: unsigned, anyone can forge it.
    AlgNone,
    /// No `alg` in the header.
    AlgMissing,
    /// An `alg` no JOSE registry defines.
    AlgUnknown,
    /// A registered algorithm this app cannot verify (for example ES512).
    AlgUnsupported,
    /// `exp` is past.
    Expired,
    /// `nbf` is in the future.
    NotYetValid,
    /// `iat` is more than the clock-skew allowance in the future.
    IssuedInFuture,
    /// No `exp`: the token never expires.
    MissingExp,
    /// `exp`, `nbf` or `iat` is present but not a usable NumericDate.
    InvalidTimeClaim,
    /// `exp` is before `iat`.
    ExpiresBeforeIssued,
    /// The header names a key URL (`jku`, `x5u`); it is never fetched.
    KeyUrlInHeader,
    /// The header marks extensions as critical (`crit`).
    CriticalHeader,
    /// The signature part is empty although `alg` is not `none`.
    SignatureMissing,
    /// The signature part is not base64url.
    SignatureMalformed,
    /// The token is large enough for servers to refuse the header.
    LargeToken,
    /// Some permission entries are not `<resource>.read|write`.
    UnrecognisedPermissions,
}

/// One warning about a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// Stable code.
    pub code: WarningCode,
    /// How serious it is.
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
}

impl Warning {
    /// Builds a warning.
    pub fn new(code: WarningCode, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
        }
    }
}
