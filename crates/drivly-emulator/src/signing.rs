//! JWT signing and verification, and the published JWKS.
//!
//! Default: Ed25519 (EdDSA) with a key generated at start or loaded from the state file, a `kid`
//! derived from the public key, and the public key published as an OKP JWK. Option: HS256 with a
//! given secret (then the JWKS is empty: a symmetric key is never published). Verification checks
//! the signature, algorithm and issuer; expiry is checked by the caller against the emulator's
//! own (skewable) clock, not the system clock.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Signing;

/// The claims the emulator issues (protocol section C), plus `sid`: the session id for session
/// tokens, the API key id for minted tokens, so revoking either kills its JWTs. Session tokens
/// also carry the user's `email`, as OpenID Connect providers do, so a client can name the
/// account instead of showing an opaque `sub`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub iss: String,
    pub sub: String,
    pub permissions: Vec<String>,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub kind: String,
    pub sid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Why a signing key could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// The HS256 secret is empty.
    #[error("the HS256 secret is empty; give a non-empty secret")]
    EmptySecret,
    /// The stored Ed25519 seed is not 32 bytes of base64url.
    #[error("the signing key in the state file is damaged; delete the file to start fresh")]
    BadStoredKey,
}

/// Why a token was rejected.
#[derive(Debug, thiserror::Error)]
pub(crate) enum VerifyError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token's signature, algorithm or issuer does not match this emulator")]
    BadSignature,
}

/// The signing key and what is derived from it.
pub(crate) struct Signer {
    algorithm: Algorithm,
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The Ed25519 seed, kept only to write it to the state file.
    seed: Option<[u8; 32]>,
    public_jwk: Option<serde_json::Value>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// DER prefix of a PKCS#8 Ed25519 private key (RFC 8410 §7); the 32-byte seed follows.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

impl Signer {
    /// Builds the signer for `signing`, reusing `stored_seed` (base64url) when given.
    pub fn new(signing: &Signing, stored_seed: Option<&str>) -> Result<Self, SigningError> {
        match signing {
            Signing::Hs256 { secret } => {
                let bytes = secret.as_bytes();
                let encoding =
                    EncodingKey::from_secret(bytes).map_err(|_| SigningError::EmptySecret)?;
                let decoding =
                    DecodingKey::from_secret(bytes).map_err(|_| SigningError::EmptySecret)?;
                Ok(Self {
                    algorithm: Algorithm::HS256,
                    kid: "hs256".into(),
                    encoding,
                    decoding,
                    seed: None,
                    public_jwk: None,
                })
            }
            Signing::Ed25519Generated => {
                let seed = match stored_seed {
                    Some(text) => URL_SAFE_NO_PAD
                        .decode(text)
                        .ok()
                        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
                        .ok_or(SigningError::BadStoredKey)?,
                    None => {
                        let mut seed = [0u8; 32];
                        rand::rngs::OsRng.fill_bytes(&mut seed);
                        seed
                    }
                };
                Ok(Self::ed25519(seed))
            }
        }
    }

    fn ed25519(seed: [u8; 32]) -> Self {
        let public = ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes();
        let mut der = PKCS8_ED25519_PREFIX.to_vec();
        der.extend_from_slice(&seed);
        let x = URL_SAFE_NO_PAD.encode(public);
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(public)[..12]);
        let public_jwk = serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig",
        });
        Self {
            algorithm: Algorithm::EdDSA,
            kid,
            encoding: EncodingKey::from_ed_der(&der),
            decoding: DecodingKey::from_ed_der(&public),
            seed: Some(seed),
            public_jwk: Some(public_jwk),
        }
    }

    /// The seed to persist, base64url (Ed25519 only).
    pub fn stored_seed(&self) -> Option<String> {
        self.seed.map(|s| URL_SAFE_NO_PAD.encode(s))
    }

    /// Signs `claims` with the `kid` in the header.
    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }

    /// Checks signature, algorithm and issuer; not expiry (see the module docs).
    pub fn verify(&self, token: &str, issuer: &str) -> Result<Claims, VerifyError> {
        if token.split('.').count() != 3 {
            return Err(VerifyError::Malformed);
        }
        let mut validation = Validation::new(self.algorithm);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        validation.set_issuer(&[issuer]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidToken
                | jsonwebtoken::errors::ErrorKind::Base64(_)
                | jsonwebtoken::errors::ErrorKind::Json(_)
                | jsonwebtoken::errors::ErrorKind::Utf8(_) => VerifyError::Malformed,
                _ => VerifyError::BadSignature,
            })
    }

    /// The JWKS document: `{"keys": [...]}`.
    pub fn jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self.public_jwk.iter().cloned().collect();
        serde_json::json!({ "keys": keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            iss: "http://x/api".into(),
            sub: "usr_1".into(),
            permissions: vec!["invoices.read".into()],
            iat: 1,
            exp: 2,
            jti: "j".into(),
            kind: "session".into(),
            sid: "ses_1".into(),
            email: None,
        }
    }

    #[test]
    fn ed25519_round_trip_and_stored_seed() {
        let signer = Signer::new(&Signing::Ed25519Generated, None).unwrap();
        let token = signer.sign(&claims()).unwrap();
        assert_eq!(signer.verify(&token, "http://x/api").unwrap().sub, "usr_1");
        assert!(signer.verify(&token, "http://other/api").is_err());
        let again =
            Signer::new(&Signing::Ed25519Generated, signer.stored_seed().as_deref()).unwrap();
        assert!(again.verify(&token, "http://x/api").is_ok());
        let jwk = DecodingKey::from_jwk(
            &serde_json::from_value(signer.jwks()["keys"][0].clone()).unwrap(),
        )
        .unwrap();
        let mut v = Validation::new(Algorithm::EdDSA);
        v.validate_exp = false;
        v.required_spec_claims.clear();
        assert!(jsonwebtoken::decode::<Claims>(&token, &jwk, &v).is_ok());
    }

    #[test]
    fn hs256_round_trip_and_empty_jwks() {
        let signer = Signer::new(
            &Signing::Hs256 {
                secret: "s3cret".into(),
            },
            None,
        )
        .unwrap();
        let token = signer.sign(&claims()).unwrap();
        assert!(signer.verify(&token, "http://x/api").is_ok());
        assert_eq!(signer.jwks()["keys"].as_array().unwrap().len(), 0);
        assert!(
            Signer::new(
                &Signing::Hs256 {
                    secret: String::new()
                },
                None
            )
            .is_err()
        );
        assert!(matches!(
            signer.verify("abc", "http://x/api"),
            Err(VerifyError::Malformed)
        ));
    }
}
