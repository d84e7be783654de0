//! The strict parser for sign-in callback URLs (protocol.md B.2).
//!
//! A callback is attacker-reachable input: any web page or local process can open
//! `ly.driv.keys:/auth/callback?…`, and any local process can request the loopback port. So the
//! parser allow-lists everything: the exact scheme, host, port and path of the expected
//! [`RedirectTarget`] (compared on the raw text, before any normalisation could hide a
//! `/auth/./callback`), raw printable ASCII only, at most 8 KiB, the parameter names of the
//! three forms (code, token, error), each at most once, in the query *or* the fragment, with
//! strict percent-decoding and per-value bounds. It never panics and never echoes the URL:
//! rejections are logged with their code only. The harmless extras servers add to a redirect
//! (`token_type`, `expires_in`, `scope`, `session_state`; protocol.md D) are allowed once each
//! and dropped unread: they are never trusted for anything, and `state` is still required.

use std::fmt;

use chrono::{DateTime, Utc};
use tracing::warn;

use super::error::CallbackError;
use super::redirect::RedirectTarget;
use crate::ErrorCode;
use crate::secret::{AuthCode, Jwt, RefreshToken};

/// Longest callback URL accepted.
pub const MAX_CALLBACK_URL: usize = 8 * 1024;
/// Longest `error_description` kept, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
const MAX_PARAMS: usize = 16;
const MAX_STATE: usize = 512;
const MAX_CODE: usize = 2048;
const MAX_TOKEN: usize = 6 * 1024;

/// What a valid callback carries.
pub enum CallbackPayload {
    /// The code form: exchange `code` with the pending login's verifier.
    Code {
        /// The one-time authorization code.
        code: AuthCode,
        /// The state echoed back.
        state: String,
        /// The issuer (RFC 9207), when the server sends one.
        iss: Option<String>,
        /// The redirect the callback arrived through (the one it was parsed against).
        via: RedirectTarget,
    },
    /// The token form (compatibility): the tokens themselves.
    Token {
        /// The access token.
        jwt: Jwt,
        /// The refresh token, when sent.
        refresh_token: Option<RefreshToken>,
        /// The stated expiry, when sent.
        expires: Option<DateTime<Utc>>,
        /// The state echoed back.
        state: String,
        /// The issuer, when sent.
        iss: Option<String>,
        /// The redirect the callback arrived through (the one it was parsed against).
        via: RedirectTarget,
    },
    /// The error form: the user declined, or the server refused.
    Denied {
        /// The error code, such as `access_denied` (`[a-z0-9_]`, at most 64 characters).
        error: String,
        /// The server's description as plain text (control characters replaced, bounded).
        /// Show it as text; never interpret it.
        description: Option<String>,
        /// The state echoed back.
        state: String,
        /// The issuer, when sent.
        iss: Option<String>,
        /// The redirect the callback arrived through (the one it was parsed against).
        via: RedirectTarget,
    },
}

impl CallbackPayload {
    /// The `state` the callback carries.
    pub fn state(&self) -> &str {
        match self {
            Self::Code { state, .. } | Self::Token { state, .. } | Self::Denied { state, .. } => {
                state
            }
        }
    }

    /// The redirect the callback arrived through: a sign-in only completes through the
    /// redirect it started with (a loopback sign-in's state is refused through the app link).
    pub fn via(&self) -> &RedirectTarget {
        match self {
            Self::Code { via, .. } | Self::Token { via, .. } | Self::Denied { via, .. } => via,
        }
    }

    /// The `iss` the callback carries, if any.
    pub fn iss(&self) -> Option<&str> {
        match self {
            Self::Code { iss, .. } | Self::Token { iss, .. } | Self::Denied { iss, .. } => {
                iss.as_deref()
            }
        }
    }
}

impl fmt::Debug for CallbackPayload {
    // The state is left out: it is the key to a pending sign-in.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code { code, iss, .. } => f
                .debug_struct("Code")
                .field("code", code)
                .field("iss", iss)
                .finish_non_exhaustive(),
            Self::Token {
                jwt,
                refresh_token,
                expires,
                iss,
                ..
            } => f
                .debug_struct("Token")
                .field("jwt", jwt)
                .field("refresh_token", refresh_token)
                .field("expires", expires)
                .field("iss", iss)
                .finish_non_exhaustive(),
            Self::Denied {
                error,
                description,
                iss,
                ..
            } => f
                .debug_struct("Denied")
                .field("error", error)
                .field("description", description)
                .field("iss", iss)
                .finish_non_exhaustive(),
        }
    }
}

/// Parses a callback URL addressed to `expected`.
///
/// # Errors
/// A [`CallbackError`] naming the first rule the URL breaks; the rejection is logged with its
/// code, never with the URL.
pub fn parse_callback(
    url: &str,
    expected: &RedirectTarget,
) -> Result<CallbackPayload, CallbackError> {
    parse(url, expected).inspect_err(|e| {
        warn!(code = e.code().as_str(), "sign-in callback rejected");
    })
}

/// The allow-listed parameter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    Code,
    State,
    Iss,
    Token,
    RefreshToken,
    Expires,
    Error,
    ErrorDescription,
    ErrorUri,
    /// `token_type`, `expires_in`, `scope` or `session_state`: allowed, never read.
    Extra(&'static str),
}

impl Param {
    /// The canonical name and its tolerated alias.
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "code" => Self::Code,
            "state" => Self::State,
            "iss" => Self::Iss,
            "token" | "access_token" => Self::Token,
            "refreshToken" | "refresh_token" => Self::RefreshToken,
            "expires" => Self::Expires,
            "error" => Self::Error,
            "error_description" => Self::ErrorDescription,
            "error_uri" => Self::ErrorUri,
            "token_type" => Self::Extra("token_type"),
            "expires_in" => Self::Extra("expires_in"),
            "scope" => Self::Extra("scope"),
            "session_state" => Self::Extra("session_state"),
            _ => return None,
        })
    }
}

#[derive(Default)]
struct Params {
    values: Vec<(Param, String)>,
}

impl Params {
    fn take(&mut self, p: Param) -> Option<String> {
        let i = self.values.iter().position(|(k, _)| *k == p)?;
        Some(self.values.swap_remove(i).1)
    }

    fn has(&self, p: Param) -> bool {
        self.values.iter().any(|(k, _)| *k == p)
    }
}

fn parse(url: &str, expected: &RedirectTarget) -> Result<CallbackPayload, CallbackError> {
    if url.len() > MAX_CALLBACK_URL {
        return Err(CallbackError::TooLong);
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CallbackError::Unparseable);
    }
    let rest = strip_target(url, expected)?;
    // The url crate must agree that this is a URL at all.
    url::Url::parse(url).map_err(|_| CallbackError::Unparseable)?;
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, f),
        None => (rest, ""),
    };
    let query = query.strip_prefix('?').unwrap_or(query);
    let raw = match (query.is_empty(), fragment.is_empty()) {
        (false, false) => return Err(CallbackError::AmbiguousParameters),
        (true, true) => return Err(CallbackError::NoResult),
        (false, true) => query,
        (true, false) => fragment,
    };
    let mut params = split_params(raw)?;
    // The extras are dropped before anything else looks at the parameters.
    params.values.retain(|(p, _)| !matches!(p, Param::Extra(_)));
    let form = (
        params.has(Param::Code),
        params.has(Param::Token),
        params.has(Param::Error),
    );
    let state = params.take(Param::State);
    let iss = params.take(Param::Iss).map(check_iss).transpose()?;
    let payload_state = |state: Option<String>| -> Result<String, CallbackError> {
        let s = state.ok_or(CallbackError::MissingState)?;
        let ok = !s.is_empty()
            && s.len() <= MAX_STATE
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
        ok.then_some(s).ok_or(CallbackError::InvalidValue("state"))
    };
    let payload = match form {
        (true, false, false) => {
            let code = params.take(Param::Code).unwrap_or_default();
            only_left(&params)?;
            let state = payload_state(state)?;
            let code = opaque(code, MAX_CODE, "code")?;
            CallbackPayload::Code {
                code: AuthCode::new(code),
                state,
                iss,
                via: expected.clone(),
            }
        }
        (false, true, false) => {
            let jwt = params.take(Param::Token).unwrap_or_default();
            let refresh = params.take(Param::RefreshToken);
            let expires = params.take(Param::Expires);
            only_left(&params)?;
            let state = payload_state(state)?;
            let jwt = Jwt::new(opaque(jwt, MAX_TOKEN, "token")?);
            let refresh_token = refresh
                .map(|r| opaque(r, MAX_TOKEN, "refreshToken").map(RefreshToken::new))
                .transpose()?;
            let expires = expires
                .map(|e| {
                    DateTime::parse_from_rfc3339(&e)
                        .map(|d| d.with_timezone(&Utc))
                        .map_err(|_| CallbackError::InvalidValue("expires"))
                })
                .transpose()?;
            CallbackPayload::Token {
                jwt,
                refresh_token,
                expires,
                state,
                iss,
                via: expected.clone(),
            }
        }
        (false, false, true) => {
            let error = params.take(Param::Error).unwrap_or_default();
            let description = params.take(Param::ErrorDescription);
            // error_uri is allowed (RFC 6749 §4.1.2.1) but never followed or shown.
            let _ = params.take(Param::ErrorUri);
            only_left(&params)?;
            let state = payload_state(state)?;
            let error_ok = !error.is_empty()
                && error.len() <= 64
                && error
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !error_ok {
                return Err(CallbackError::InvalidValue("error"));
            }
            CallbackPayload::Denied {
                error,
                description: description.map(|d| plain_text(&d)),
                state,
                iss,
                via: expected.clone(),
            }
        }
        (false, false, false) => return Err(CallbackError::NoResult),
        _ => return Err(CallbackError::MixedForms),
    };
    Ok(payload)
}

/// Checks the raw text starts with exactly the expected redirect URI (scheme compared without
/// case), and returns what follows it, which must be empty or start with `?` or `#`.
fn strip_target<'a>(url: &'a str, expected: &RedirectTarget) -> Result<&'a str, CallbackError> {
    let want = expected.redirect_uri();
    let (want_scheme, want_rest) = want.split_once(':').ok_or(CallbackError::WrongTarget)?;
    let (scheme, rest) = url.split_once(':').ok_or(CallbackError::Unparseable)?;
    if !scheme.eq_ignore_ascii_case(want_scheme) {
        return Err(CallbackError::WrongTarget);
    }
    let tail = rest
        .strip_prefix(want_rest)
        .ok_or(CallbackError::WrongTarget)?;
    match tail.as_bytes().first() {
        None | Some(b'?') | Some(b'#') => Ok(tail),
        Some(_) => Err(CallbackError::WrongTarget),
    }
}

fn split_params(raw: &str) -> Result<Params, CallbackError> {
    let mut params = Params::default();
    for piece in raw.split('&').filter(|p| !p.is_empty()) {
        if params.values.len() >= MAX_PARAMS {
            return Err(CallbackError::UnknownParameter);
        }
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let param = Param::from_name(name).ok_or(CallbackError::UnknownParameter)?;
        if params.has(param) {
            return Err(CallbackError::DuplicateParameter);
        }
        params.values.push((param, percent_decode(value)?));
    }
    Ok(params)
}

/// Fails when parameters of another form are left over.
fn only_left(params: &Params) -> Result<(), CallbackError> {
    if params.values.is_empty() {
        Ok(())
    } else {
        Err(CallbackError::MixedForms)
    }
}

/// Strict form decoding: `+` is a space, `%XX` needs two hex digits, the result must be UTF-8.
fn percent_decode(value: &str) -> Result<String, CallbackError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or(CallbackError::BadEncoding)?;
                let text = std::str::from_utf8(hex).map_err(|_| CallbackError::BadEncoding)?;
                let byte = u8::from_str_radix(text, 16).map_err(|_| CallbackError::BadEncoding)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(CallbackError::BadEncoding);
                }
                out.push(byte);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| CallbackError::BadEncoding)
}

/// A code or token: non-empty, bounded, printable ASCII without spaces.
fn opaque(value: String, max: usize, name: &'static str) -> Result<String, CallbackError> {
    let ok = !value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(value).ok_or(CallbackError::InvalidValue(name))
}

/// `iss` must be an http(s) URL of bounded length.
fn check_iss(value: String) -> Result<String, CallbackError> {
    let ok = value.len() <= 2048
        && url::Url::parse(&value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    ok.then_some(value)
        .ok_or(CallbackError::InvalidValue("iss"))
}

/// Plain text for display: control characters become spaces, length is bounded.
fn plain_text(value: &str) -> String {
    let text: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DESCRIPTION_CHARS)
        .collect();
    text.trim().to_owned()
}

#[cfg(test)]
mod extras_tests {
    use super::*;

    fn target() -> RedirectTarget {
        RedirectTarget::for_this_build()
    }

    #[test]
    fn harmless_extras_are_ignored_and_state_still_required() {
        let base = target().redirect_uri();
        let extras =
            "token_type=Bearer&expires_in=600&scope=invoices.read+services.read&session_state=ss_1";
        let ok = format!("{base}?code=c1&state=st-1&{extras}");
        match parse(&ok, &target()) {
            Ok(CallbackPayload::Code { state, .. }) => assert_eq!(state, "st-1"),
            other => panic!("{other:?}"),
        }
        let token = format!("{base}#token=a.b.c&refreshToken=rt&state=st-2&{extras}");
        assert!(matches!(
            parse(&token, &target()),
            Ok(CallbackPayload::Token { .. })
        ));
        let no_state = format!("{base}?code=c1&{extras}");
        assert!(matches!(
            parse(&no_state, &target()),
            Err(CallbackError::MissingState)
        ));
        let twice = format!("{base}?code=c1&state=s&scope=a&scope=b");
        assert!(matches!(
            parse(&twice, &target()),
            Err(CallbackError::DuplicateParameter)
        ));
        // Extras alone carry no result.
        let only = format!("{base}?state=s&{extras}");
        assert!(matches!(
            parse(&only, &target()),
            Err(CallbackError::NoResult)
        ));
    }
}
