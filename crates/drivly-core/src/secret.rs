//! Secret values: API keys, refresh tokens, JWTs, authorization codes, PKCE verifiers.
//!
//! Invariants every secret type keeps:
//! - `Debug` and `Display` print `[REDACTED]`, so a secret cannot reach a log, a panic message or
//!   an error by accident;
//! - no `Serialize` implementation, so it cannot be sent to the webview or written to a JSON
//!   file without a deliberate, reviewable call to [`SecretString::expose_secret`];
//! - the bytes are zeroized when the value is dropped.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The text shown wherever a secret would otherwise be printed.
pub const REDACTED: &str = "[REDACTED]";

/// A secret string. See the module docs for its invariants.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretString {
    inner: String,
}

impl SecretString {
    /// Wraps `value`; the caller's `String` moves in and is zeroized with this value.
    pub fn new(value: String) -> Self {
        Self { inner: value }
    }

    /// The secret itself. Every call site is a place where the secret leaves its wrapper:
    /// an HTTP header, the keyring, the clipboard, or the one value the user asked to see.
    pub fn expose_secret(&self) -> &str {
        &self.inner
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The last four characters behind a mask, for lists (`••••3f9a`). Secrets shorter than 12
    /// characters show no tail at all, so the mask never gives away a meaningful share.
    pub fn masked_tail(&self) -> String {
        let chars: Vec<char> = self.inner.chars().collect();
        if chars.len() < 12 {
            return "••••".to_owned();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("••••{tail}")
    }

    /// Constant-time equality, for comparing a secret with a candidate.
    pub fn ct_eq(&self, other: &str) -> bool {
        self.inner.as_bytes().ct_eq(other.as_bytes()).into()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Declares a named secret newtype over [`SecretString`], so a refresh token cannot be passed
/// where an API key is expected.
macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
        pub struct $name(SecretString);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(SecretString::new(value.into()))
            }

            /// The secret itself; see [`SecretString::expose_secret`].
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }

            /// The last four characters behind a mask.
            pub fn masked_tail(&self) -> String {
                self.0.masked_tail()
            }

            /// Length in bytes.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// True when empty.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// Constant-time equality with a candidate value.
            pub fn ct_eq(&self, other: &str) -> bool {
                self.0.ct_eq(other)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), REDACTED)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }
    };
}

secret_type!(
    /// A Drivly API key: account-wide, created in Drivly's dashboard.
    ApiKey
);
secret_type!(
    /// A session refresh token: never expires on Drivly, lives only in the keyring.
    RefreshToken
);
secret_type!(
    /// A JWT (access token), minted from an API key or issued to a user session.
    Jwt
);
secret_type!(
    /// A one-time authorization code from the browser sign-in redirect.
    AuthCode
);
secret_type!(
    /// A PKCE code verifier (RFC 7636); never leaves this process.
    PkceVerifier
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let key = ApiKey::new("sk_live_CANARY1234567890");
        assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
        assert_eq!(format!("{key}"), "[REDACTED]");
        let s = SecretString::from("CANARY-secret-value");
        assert_eq!(format!("{s:?} {s}"), "[REDACTED] [REDACTED]");
    }

    #[test]
    fn masked_tail_shows_only_the_last_four_of_long_secrets() {
        assert_eq!(
            ApiKey::new("sk_live_abcdefgh1234").masked_tail(),
            "••••1234"
        );
        assert_eq!(ApiKey::new("short").masked_tail(), "••••");
        assert_eq!(ApiKey::new("").masked_tail(), "••••");
    }

    #[test]
    fn constant_time_equality() {
        let t = RefreshToken::new("rt_one");
        assert!(t.ct_eq("rt_one"));
        assert!(!t.ct_eq("rt_two"));
        assert!(!t.ct_eq("rt_on"));
    }
}
