//! PKCE (RFC 7636) with the S256 method, and the random `state` of a sign-in.
//!
//! The verifier is 32 bytes from the operating system's random source, base64url-encoded
//! without padding: 43 characters, the RFC's minimum length and 256 bits of entropy. It never
//! leaves this process except in the code exchange. The `state` has the same size, well above
//! the 128 bits RFC 6749 §10.10 asks for.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::secret::PkceVerifier;

/// Random bytes in a verifier or a state.
const RANDOM_BYTES: usize = 32;

/// The only challenge method used; RFC 7636 §4.2 says a client that can use S256 must.
pub const CHALLENGE_METHOD: &str = "S256";

/// 32 random bytes from the OS, base64url without padding (43 characters).
fn random_token() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; RANDOM_BYTES]);
    OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes.as_ref()))
}

/// A fresh PKCE verifier.
pub fn new_verifier() -> PkceVerifier {
    PkceVerifier::new(random_token().as_str())
}

/// A fresh sign-in `state` (256 random bits).
pub fn new_state() -> String {
    random_token().as_str().to_owned()
}

/// The S256 challenge of a verifier: `BASE64URL(SHA256(ASCII(verifier)))`.
pub fn challenge_s256(verifier: &PkceVerifier) -> String {
    let digest = Sha256::digest(verifier.expose_secret().as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        // The 32 octets of RFC 7636 appendix B and the verifier and challenge derived there.
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = URL_SAFE_NO_PAD.encode(octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge_s256(&PkceVerifier::new(verifier)),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_and_states_are_43_url_safe_chars_and_distinct() {
        let a = new_verifier();
        let b = new_verifier();
        assert_eq!(a.len(), 43);
        assert!(!a.ct_eq(b.expose_secret()));
        let url_safe = |s: &str| {
            s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        };
        assert!(url_safe(a.expose_secret()));
        let s = new_state();
        assert_eq!(s.len(), 43);
        assert!(url_safe(&s));
        assert_ne!(s, new_state());
    }
}
