//! Random opaque credentials, and the one-way digests the emulator stores instead of them.
//!
//! Invariant: the emulator never keeps an API key, refresh token, authorization code or password
//! in its state, only a SHA-256 digest, so neither the state file nor a debug dump can leak one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random credential: `prefix` followed by `bytes` random bytes in base64url.
pub(crate) fn random_token(prefix: &str, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(&buf))
}

/// Hex SHA-256 of a credential, used as its lookup key.
pub(crate) fn digest(value: &str) -> String {
    let hash = Sha256::digest(value.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// PKCE S256 transform (RFC 7636 §4.2): base64url(SHA-256(verifier)).
pub(crate) fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Compares two strings without an early exit, so timing does not reveal a matching prefix.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn tokens_are_distinct_and_prefixed() {
        let a = random_token("x_", 16);
        assert!(a.starts_with("x_"));
        assert_ne!(a, random_token("x_", 16));
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, "x_"));
    }
}
