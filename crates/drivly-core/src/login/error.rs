//! Why a sign-in callback was rejected.
//!
//! Callback URLs are attacker-reachable input (any web page or local process can open the
//! app's scheme), so no variant carries any part of the URL: not a parameter value, not a
//! parameter name. The messages tell the user what to do; the codes let the UI branch.

use crate::Code;
use crate::ErrorCode;

/// A rejected sign-in callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// Longer than the 8 KiB bound.
    #[error("the sign-in link is too long to be genuine; start the sign-in again")]
    TooLong,
    /// Not a URL, or holds raw spaces, control or non-ASCII characters.
    #[error("the sign-in link is not a valid URL; start the sign-in again")]
    Unparseable,
    /// Not the scheme, host, port or path this sign-in expects.
    #[error("the sign-in link was not addressed to this sign-in; start the sign-in again")]
    WrongTarget,
    /// Parameters both in the query and in the fragment.
    #[error("the sign-in link carries its parameters twice; start the sign-in again")]
    AmbiguousParameters,
    /// A `%` escape that is not two hex digits, or a value that is not UTF-8.
    #[error("the sign-in link is badly encoded; start the sign-in again")]
    BadEncoding,
    /// A parameter outside the allow-list.
    #[error("the sign-in link carries an unexpected parameter; start the sign-in again")]
    UnknownParameter,
    /// A parameter given twice.
    #[error("the sign-in link repeats a parameter; start the sign-in again")]
    DuplicateParameter,
    /// More than one of the code, token and error forms.
    #[error("the sign-in link mixes a result with an error; start the sign-in again")]
    MixedForms,
    /// No code, token or error.
    #[error("the sign-in link carries no result; start the sign-in again")]
    NoResult,
    /// No `state`.
    #[error(
        "the sign-in link has no state and cannot be matched to a sign-in; start the sign-in again"
    )]
    MissingState,
    /// A value too long or of the wrong shape; names the parameter (a fixed allow-listed name).
    #[error("the sign-in link's '{0}' value is not valid; start the sign-in again")]
    InvalidValue(&'static str),
    /// No sign-in is waiting for a callback.
    #[error(
        "no sign-in is in progress, so this link was ignored; start a sign-in from Drivly Keys"
    )]
    NoPendingLogin,
    /// The state belongs to a sign-in that already completed.
    #[error("this sign-in link was already used; start the sign-in again if needed")]
    StateReused,
    /// The state belongs to a sign-in that expired (10 minutes).
    #[error("this sign-in took too long and expired; start the sign-in again")]
    Expired,
    /// The state belongs to a sign-in that was cancelled.
    #[error("this sign-in was cancelled; start the sign-in again if needed")]
    Cancelled,
    /// Sign-ins are waiting, but none with this state.
    #[error("this sign-in link does not match the sign-in in progress and was ignored")]
    StateMismatch,
    /// The `iss` parameter names another server (RFC 9207 mix-up defence).
    #[error(
        "the sign-in answer came from a different server than the one asked; start the sign-in again"
    )]
    WrongIssuer,
    /// The callback came through another redirect than the one its sign-in started with (a
    /// loopback sign-in's state through the app link, or the reverse).
    #[error(
        "the sign-in answer came back a different way than the sign-in expected; start the sign-in again"
    )]
    WrongRedirect,
    /// A result form the profile did not ask for (a token form when a code was requested).
    #[error(
        "the sign-in answer has a different form than the one requested; check the profile's redirect form"
    )]
    UnexpectedForm,
}

impl ErrorCode for CallbackError {
    fn code(&self) -> Code {
        match self {
            Self::TooLong => Code::CallbackTooLong,
            Self::Unparseable => Code::CallbackUnparseable,
            Self::WrongTarget => Code::CallbackWrongTarget,
            Self::AmbiguousParameters => Code::CallbackAmbiguousParameters,
            Self::BadEncoding => Code::CallbackBadEncoding,
            Self::UnknownParameter => Code::CallbackUnknownParameter,
            Self::DuplicateParameter => Code::CallbackDuplicateParameter,
            Self::MixedForms => Code::CallbackMixedForms,
            Self::NoResult => Code::CallbackNoResult,
            Self::MissingState => Code::CallbackMissingState,
            Self::InvalidValue(_) => Code::CallbackInvalidValue,
            Self::NoPendingLogin => Code::NoPendingLogin,
            Self::StateReused => Code::LoginStateReused,
            Self::Expired => Code::LoginExpired,
            Self::Cancelled => Code::LoginCancelled,
            Self::StateMismatch => Code::LoginStateMismatch,
            Self::WrongIssuer => Code::LoginWrongIssuer,
            Self::WrongRedirect => Code::LoginWrongRedirect,
            Self::UnexpectedForm => Code::LoginUnexpectedForm,
        }
    }
}
