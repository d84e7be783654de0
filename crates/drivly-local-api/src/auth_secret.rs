//! The per-run secret a child process presents to the token endpoint.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use drivly_core::secret::SecretString;
use rand::RngCore;
use zeroize::Zeroize;

/// 32 random bytes (base64url), new for every run. Redacted `Debug`, no `Serialize`,
/// zeroized on drop (it wraps [`SecretString`]); compared in constant time.
#[derive(Clone)]
pub struct LocalAuthSecret(SecretString);

impl LocalAuthSecret {
    /// A fresh random secret from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let text = URL_SAFE_NO_PAD.encode(bytes);
        bytes.zeroize();
        Self(SecretString::new(text))
    }

    /// The secret itself, for the child's environment only.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Constant-time comparison with what a request presented.
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.ct_eq(candidate)
    }
}

impl fmt::Debug for LocalAuthSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalAuthSecret([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::LocalAuthSecret;

    #[test]
    fn secrets_are_random_redacted_and_compared_exactly() {
        let a = LocalAuthSecret::generate();
        let b = LocalAuthSecret::generate();
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_eq!(a.expose_secret().len(), 43);
        assert!(a.matches(a.expose_secret()));
        assert!(!a.matches(b.expose_secret()));
        assert!(!a.matches(""));
        assert!(!format!("{a:?}").contains(a.expose_secret()));
    }
}
