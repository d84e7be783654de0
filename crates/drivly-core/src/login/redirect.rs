//! Where the browser sends the user back: the app's private-use scheme (RFC 8252 §7.1) or a
//! loopback listener (RFC 8252 §7.3).
//!
//! The private-use scheme is reverse-domain (`ly.driv.keys`, and `ly.driv.keys.dev` for debug
//! builds, so a development build never catches a release build's sign-in), followed by a single
//! slash and a fixed path. The loopback form uses the IP literal `127.0.0.1`, never
//! `localhost` (RFC 8252 §8.3).

use crate::Code;
use std::fmt;

/// The release build's scheme.
pub const RELEASE_SCHEME: &str = "ly.driv.keys";
/// The debug build's scheme.
pub const DEBUG_SCHEME: &str = "ly.driv.keys.dev";
/// The path of a private-use-scheme callback.
pub const SCHEME_CALLBACK_PATH: &str = "/auth/callback";
/// The path of a loopback callback.
pub const LOOPBACK_CALLBACK_PATH: &str = "/callback";

/// The redirect a sign-in uses; callbacks are checked against it exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RedirectTarget {
    /// `<scheme>:/auth/callback`.
    PrivateUse {
        /// The reverse-domain scheme, lowercase.
        scheme: String,
    },
    /// `http://127.0.0.1:<port>/callback`.
    Loopback {
        /// The listener's port.
        port: u16,
    },
}

/// A scheme that cannot serve as a private-use redirect.
#[derive(Debug, thiserror::Error)]
#[error("'{0}' is not a usable sign-in scheme: use a reverse domain name such as 'ly.driv.keys'")]
pub struct InvalidScheme(String);

impl crate::ErrorCode for InvalidScheme {
    fn code(&self) -> Code {
        Code::InvalidRedirectScheme
    }
}

impl RedirectTarget {
    /// A private-use-scheme target. The scheme must be a valid URI scheme containing a dot
    /// (RFC 8252 §8.4: servers should reject schemes without one) and not a web scheme.
    ///
    /// # Errors
    /// [`InvalidScheme`] otherwise.
    pub fn private_use(scheme: &str) -> Result<Self, InvalidScheme> {
        let lower = scheme.to_ascii_lowercase();
        let valid = lower.len() <= 64
            && lower.starts_with(|c: char| c.is_ascii_lowercase())
            && lower.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+')
            })
            && lower.contains('.')
            && !lower.starts_with('.')
            && !lower.ends_with('.');
        if valid {
            Ok(Self::PrivateUse { scheme: lower })
        } else {
            Err(InvalidScheme(scheme.chars().take(64).collect()))
        }
    }

    /// The scheme of this build: [`DEBUG_SCHEME`] in debug builds, else [`RELEASE_SCHEME`].
    pub fn for_this_build() -> Self {
        let scheme = if cfg!(debug_assertions) {
            DEBUG_SCHEME
        } else {
            RELEASE_SCHEME
        };
        Self::PrivateUse {
            scheme: scheme.to_owned(),
        }
    }

    /// A loopback target on `port`.
    pub fn loopback(port: u16) -> Self {
        Self::Loopback { port }
    }

    /// The `redirect_uri` sent in the authorization request and the code exchange.
    pub fn redirect_uri(&self) -> String {
        match self {
            Self::PrivateUse { scheme } => format!("{scheme}:{SCHEME_CALLBACK_PATH}"),
            Self::Loopback { port } => format!("http://127.0.0.1:{port}{LOOPBACK_CALLBACK_PATH}"),
        }
    }
}

impl fmt::Display for RedirectTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redirect_uri())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris() {
        assert_eq!(
            RedirectTarget::private_use("ly.driv.keys")
                .map(|t| t.redirect_uri())
                .ok(),
            Some("ly.driv.keys:/auth/callback".to_owned())
        );
        assert_eq!(
            RedirectTarget::loopback(4321).redirect_uri(),
            "http://127.0.0.1:4321/callback"
        );
        assert!(matches!(
            RedirectTarget::for_this_build(),
            RedirectTarget::PrivateUse { scheme } if scheme == DEBUG_SCHEME
        ));
    }

    #[test]
    fn schemes_must_be_reverse_domain() {
        for bad in [
            "", "drivly", "http", "1a.b", ".a.b", "a.b.", "a b.c", "ü.x", "a:b.c",
        ] {
            assert!(RedirectTarget::private_use(bad).is_err(), "{bad}");
        }
        assert!(RedirectTarget::private_use("LY.Driv.Keys").is_ok());
    }
}
