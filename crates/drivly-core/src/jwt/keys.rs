//! Verification keys: from a pasted PEM public key, a JWK, a JWKS document, or an HS secret.
//!
//! Invariants (RFC 8725 §3.1):
//! - every key carries an explicit algorithm allow-list, never wider than its family, so an
//!   RSA public key can never be used as an HMAC secret (the classic HS/RS confusion);
//! - private keys are refused: this app only ever verifies;
//! - nothing here does I/O. A JWKS is text the caller fetched from the profile's configured
//!   URL; a token's `jku`/`x5u` is never dereferenced.
//! - key material lives in `jsonwebtoken::DecodingKey`, which zeroizes on drop; `Debug` shows
//!   only the id, family and algorithms.

use crate::Code;
use serde::Serialize;
use serde_json::Value;

use super::alg::{KeyFamily, SigningAlg};
use super::jwk::key_from_jwk;
use crate::ErrorCode;
use crate::secret::SecretString;

/// The largest key or JWKS text accepted (256 KiB); real JWKS documents are a few KiB.
pub const MAX_KEY_TEXT_BYTES: usize = 256 * 1024;

/// At most this many keys are read from one JWKS.
pub const MAX_JWKS_KEYS: usize = 64;

/// Where a key came from, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeySource {
    /// A pasted PEM public key or certificate.
    Pem,
    /// A single JWK.
    Jwk,
    /// One key of a JWKS document.
    Jwks,
    /// An HMAC shared secret.
    HsSecret,
}

/// A key that can verify signatures. See the module docs.
#[derive(Clone)]
pub struct VerificationKey {
    pub(crate) kid: Option<String>,
    pub(crate) family: KeyFamily,
    pub(crate) algorithms: Vec<SigningAlg>,
    pub(crate) source: KeySource,
    pub(crate) key: jsonwebtoken::DecodingKey,
}

impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationKey")
            .field("kid", &self.kid)
            .field("family", &self.family)
            .field("algorithms", &self.algorithms)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// What the UI lists about a key (never the material).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySummary {
    /// The key id, when known.
    pub kid: Option<String>,
    /// The key family.
    pub family: KeyFamily,
    /// The algorithms it may verify.
    pub algorithms: Vec<SigningAlg>,
    /// Where it came from.
    pub source: KeySource,
}

impl VerificationKey {
    /// Reads a PEM public key (`BEGIN PUBLIC KEY`, `BEGIN RSA PUBLIC KEY`) or a certificate.
    /// RSA keys may verify RS256/384/512 and PS256/384/512; EC keys the ES algorithm of their
    /// curve; Ed25519 keys EdDSA. Narrow further with [`VerificationKey::restrict_to`].
    ///
    /// # Errors
    /// [`KeyError::PrivateKey`] for any private key, [`KeyError::PemUnreadable`] otherwise.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        check_size(pem)?;
        if pem.contains("PRIVATE KEY-----") {
            return Err(KeyError::PrivateKey);
        }
        if !pem.contains("-----BEGIN") {
            return Err(KeyError::PemUnreadable);
        }
        let bytes = pem.trim().as_bytes();
        if let Ok(key) = jsonwebtoken::DecodingKey::from_rsa_pem(bytes) {
            return Ok(Self::public(KeyFamily::Rsa, None, key, KeySource::Pem));
        }
        if let Ok(key) = jsonwebtoken::DecodingKey::from_ec_pem(bytes) {
            let alg = ec_alg_for_point(&key)?;
            return Self::public(KeyFamily::Ec, None, key, KeySource::Pem).restrict_to(&[alg]);
        }
        if let Ok(key) = jsonwebtoken::DecodingKey::from_ed_pem(bytes) {
            return Ok(Self::public(KeyFamily::Ed, None, key, KeySource::Pem));
        }
        Err(KeyError::PemUnreadable)
    }

    /// Reads one JWK from its JSON text.
    ///
    /// # Errors
    /// See [`KeyError`]: not JSON, missing or bad fields, unsupported key type or curve, a key
    /// for encryption, or an `alg` that does not fit the key type.
    pub fn from_jwk_json(text: &str) -> Result<Self, KeyError> {
        check_size(text)?;
        let value: Value = serde_json::from_str(text).map_err(|_| KeyError::NotJson)?;
        Self::from_jwk(&value)
    }

    /// Reads one JWK from a parsed JSON value. A JWK's `alg`, when present, becomes the only
    /// allowed algorithm; otherwise the key's family decides.
    ///
    /// # Errors
    /// As [`VerificationKey::from_jwk_json`].
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        key_from_jwk(jwk, KeySource::Jwk)
    }

    /// An HMAC key from a shared secret; allows HS256, HS384 and HS512. The secret's bytes are
    /// copied into a buffer that is zeroized when the key is dropped.
    ///
    /// # Errors
    /// [`KeyError::EmptySecret`] for an empty secret.
    pub fn hs_secret(secret: &SecretString) -> Result<Self, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        let key = jsonwebtoken::DecodingKey::from_secret(secret.expose_secret().as_bytes())
            .map_err(|_| KeyError::EmptySecret)?;
        Ok(Self {
            kid: None,
            family: KeyFamily::Hmac,
            algorithms: SigningAlg::of_family(KeyFamily::Hmac),
            source: KeySource::HsSecret,
            key,
        })
    }

    /// A public key of `family` allowing that family's algorithms.
    pub(crate) fn public(
        family: KeyFamily,
        kid: Option<String>,
        key: jsonwebtoken::DecodingKey,
        source: KeySource,
    ) -> Self {
        Self {
            kid,
            family,
            algorithms: SigningAlg::of_family(family),
            source,
            key,
        }
    }

    /// Sets the key id used to match a token's `kid`.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Narrows the allow-list to `algorithms`.
    ///
    /// # Errors
    /// [`KeyError::AlgorithmNotForKey`] when an algorithm does not fit the key's family (the
    /// allow-list can only shrink) or the list is empty.
    pub fn restrict_to(mut self, algorithms: &[SigningAlg]) -> Result<Self, KeyError> {
        if let Some(bad) = algorithms.iter().find(|a| !self.algorithms.contains(a)) {
            return Err(KeyError::AlgorithmNotForKey {
                alg: bad.as_str().to_owned(),
                family: self.family,
            });
        }
        if algorithms.is_empty() {
            return Err(KeyError::AlgorithmNotForKey {
                alg: "(none)".to_owned(),
                family: self.family,
            });
        }
        self.algorithms = algorithms.to_vec();
        Ok(self)
    }

    /// The key id.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key family.
    pub fn family(&self) -> KeyFamily {
        self.family
    }

    /// The algorithms this key may verify.
    pub fn algorithms(&self) -> &[SigningAlg] {
        &self.algorithms
    }

    /// True when this key may verify `alg`.
    pub fn allows(&self, alg: SigningAlg) -> bool {
        self.algorithms.contains(&alg)
    }

    /// A displayable summary without key material.
    pub fn summary(&self) -> KeySummary {
        KeySummary {
            kid: self.kid.clone(),
            family: self.family,
            algorithms: self.algorithms.clone(),
            source: self.source,
        }
    }
}

/// The ES algorithm for an EC public point read from PEM: its length gives the curve.
fn ec_alg_for_point(key: &jsonwebtoken::DecodingKey) -> Result<SigningAlg, KeyError> {
    match key.kind() {
        jsonwebtoken::DecodingKeyKind::SecretOrDer(point) if point.len() == 65 => {
            Ok(SigningAlg::ES256)
        }
        jsonwebtoken::DecodingKeyKind::SecretOrDer(point) if point.len() == 97 => {
            Ok(SigningAlg::ES384)
        }
        _ => Err(KeyError::UnsupportedCurve {
            curve: "unknown (only P-256 and P-384 are supported)".to_owned(),
        }),
    }
}

/// A JWKS key that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedKey {
    /// Position in the `keys` array.
    pub index: usize,
    /// Its `kid`, when it had one.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: String,
}

/// The keys available to [`super::verify`].
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<VerificationKey>,
    skipped: Vec<SkippedKey>,
}

impl KeySet {
    /// An empty set: verification then reports "not verified".
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key.
    pub fn push(&mut self, key: VerificationKey) {
        self.keys.push(key);
    }

    /// Adds a key, builder style.
    pub fn with(mut self, key: VerificationKey) -> Self {
        self.push(key);
        self
    }

    /// Adds all keys of `other` (for example a pasted key next to the profile's JWKS).
    pub fn extend(&mut self, other: KeySet) {
        self.keys.extend(other.keys);
        self.skipped.extend(other.skipped);
    }

    /// Reads a JWKS document (`{"keys": [...]}`). Keys that cannot be used (encryption keys,
    /// unsupported types) are skipped and listed in [`KeySet::skipped`], so one odd key does not
    /// hide the rest.
    ///
    /// A JWKS is public (anyone can fetch it), so a symmetric `oct` key in it is skipped too:
    /// whoever reads the document could sign HS256 tokens with it, and such a token must never
    /// show as verified. An HMAC key only ever comes from the user
    /// ([`VerificationKey::hs_secret`], or a single pasted JWK).
    ///
    /// # Errors
    /// [`KeyError::NotJson`], [`KeyError::NotJwks`] when there is no `keys` array,
    /// [`KeyError::NoUsableKeys`] when every key was skipped.
    pub fn from_jwks_json(text: &str) -> Result<Self, KeyError> {
        check_size(text)?;
        let value: Value = serde_json::from_str(text).map_err(|_| KeyError::NotJson)?;
        Self::from_jwks(&value)
    }

    /// As [`KeySet::from_jwks_json`], from a parsed value.
    ///
    /// # Errors
    /// As [`KeySet::from_jwks_json`].
    pub fn from_jwks(value: &Value) -> Result<Self, KeyError> {
        let Some(items) = value.get("keys").and_then(Value::as_array) else {
            return Err(KeyError::NotJwks);
        };
        let mut set = Self::new();
        for (index, item) in items.iter().enumerate() {
            let kid = item.get("kid").and_then(Value::as_str).map(str::to_owned);
            if index >= MAX_JWKS_KEYS {
                set.skipped.push(SkippedKey {
                    index,
                    kid,
                    reason: format!("only the first {MAX_JWKS_KEYS} keys are read"),
                });
                continue;
            }
            match key_from_jwk(item, KeySource::Jwks) {
                Ok(key) if key.family == KeyFamily::Hmac => set.skipped.push(SkippedKey {
                    index,
                    kid,
                    reason: KeyError::SymmetricInJwks.to_string(),
                }),
                Ok(key) => set.keys.push(key),
                Err(e) => set.skipped.push(SkippedKey {
                    index,
                    kid,
                    reason: e.to_string(),
                }),
            }
        }
        if set.keys.is_empty() {
            return Err(KeyError::NoUsableKeys {
                skipped: set.skipped.len(),
            });
        }
        Ok(set)
    }

    /// Reads whatever was pasted into the key box: a PEM, a JWK or a JWKS. (An HS secret is
    /// not guessed from free text: use [`VerificationKey::hs_secret`].)
    ///
    /// # Errors
    /// [`KeyError::UnrecognisedFormat`] when the text is none of these, or the error of the
    /// format it looks like.
    pub fn parse_pasted(text: &str) -> Result<Self, KeyError> {
        check_size(text)?;
        let trimmed = text.trim();
        if trimmed.starts_with("-----BEGIN") {
            return Ok(Self::new().with(VerificationKey::from_pem(trimmed)?));
        }
        if trimmed.starts_with('{') {
            let value: Value = serde_json::from_str(trimmed).map_err(|_| KeyError::NotJson)?;
            if value.get("keys").is_some() {
                return Self::from_jwks(&value);
            }
            return Ok(Self::new().with(VerificationKey::from_jwk(&value)?));
        }
        Err(KeyError::UnrecognisedFormat)
    }

    /// The usable keys.
    pub fn keys(&self) -> &[VerificationKey] {
        &self.keys
    }

    /// The JWKS entries that were left out.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// Number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there is no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Refuses oversized key text before parsing it.
fn check_size(text: &str) -> Result<(), KeyError> {
    if text.len() > MAX_KEY_TEXT_BYTES {
        return Err(KeyError::TooLarge {
            len: text.len(),
            max: MAX_KEY_TEXT_BYTES,
        });
    }
    Ok(())
}

/// Why a key could not be read. Messages never include key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A private key was pasted.
    #[error(
        "This is a private key. Paste the public key instead (BEGIN PUBLIC KEY); Drivly Keys only verifies and never needs a private key."
    )]
    PrivateKey,
    /// The PEM is not a supported public key.
    #[error(
        "This PEM could not be read as an RSA, EC (P-256, P-384) or Ed25519 public key or certificate."
    )]
    PemUnreadable,
    /// The text is not JSON.
    #[error(
        "The key is not valid JSON; paste a JWK object or a JWKS document ({{\"keys\": [...]}})."
    )]
    NotJson,
    /// JSON without a `keys` array.
    #[error("This JSON has no \"keys\" array, so it is not a JWKS document.")]
    NotJwks,
    /// A required JWK member is missing or not a string.
    #[error("The JWK has no usable \"{field}\" member.")]
    MissingField {
        /// The member name.
        field: &'static str,
    },
    /// A JWK member is not valid base64url or not a valid key value.
    #[error("The JWK's \"{field}\" member is not a valid key value.")]
    InvalidField {
        /// The member name.
        field: &'static str,
    },
    /// `kty` is not RSA, EC, OKP or oct.
    #[error("Key type \"{kty}\" is not supported; use RSA, EC, OKP (Ed25519) or oct.")]
    UnsupportedType {
        /// The `kty` found, shortened.
        kty: String,
    },
    /// A curve this app cannot verify.
    #[error("Curve {curve} is not supported; use P-256, P-384 or Ed25519.")]
    UnsupportedCurve {
        /// The curve found.
        curve: String,
    },
    /// `use: enc`: an encryption key.
    #[error("This key is marked for encryption (\"use\": \"enc\"), not for signatures.")]
    NotForSignatures,
    /// An algorithm that does not fit the key.
    #[error("Algorithm {alg} cannot be used with a {family:?} key.")]
    AlgorithmNotForKey {
        /// The algorithm named.
        alg: String,
        /// The key's family.
        family: KeyFamily,
    },
    /// An `alg` this app does not know.
    #[error("The key's alg \"{alg}\" is not a supported signature algorithm.")]
    UnknownAlgorithm {
        /// The alg found, shortened.
        alg: String,
    },
    /// An empty HS secret.
    #[error("The HMAC secret is empty; paste the shared secret the issuer signs with.")]
    EmptySecret,
    /// Every key of a JWKS was skipped.
    #[error("The JWKS has no key usable for signatures ({skipped} skipped).")]
    NoUsableKeys {
        /// How many were skipped.
        skipped: usize,
    },
    /// A symmetric (`oct`) key in a JWKS document, which is public: anyone could sign with it.
    #[error(
        "This JWKS key is symmetric (\"kty\": \"oct\"); a published key set is public, so anyone could sign with it. It is never used; enter an HMAC secret yourself if the issuer uses one."
    )]
    SymmetricInJwks,
    /// The pasted text is no key format.
    #[error(
        "This is not a PEM public key, a JWK or a JWKS document. For an HMAC secret, use the secret field."
    )]
    UnrecognisedFormat,
    /// Too large to be a key.
    #[error("The key text is {len} bytes; at most {max} are accepted.")]
    TooLarge {
        /// Length in bytes.
        len: usize,
        /// The cap.
        max: usize,
    },
}

impl ErrorCode for KeyError {
    fn code(&self) -> Code {
        match self {
            Self::PrivateKey => Code::KeyPrivate,
            Self::PemUnreadable => Code::KeyPemUnreadable,
            Self::NotJson => Code::KeyNotJson,
            Self::NotJwks => Code::KeyNotJwks,
            Self::MissingField { .. } => Code::KeyMissingField,
            Self::InvalidField { .. } => Code::KeyInvalidField,
            Self::UnsupportedType { .. } => Code::KeyUnsupportedType,
            Self::UnsupportedCurve { .. } => Code::KeyUnsupportedCurve,
            Self::NotForSignatures => Code::KeyNotForSignatures,
            Self::AlgorithmNotForKey { .. } => Code::KeyAlgMismatch,
            Self::UnknownAlgorithm { .. } => Code::KeyUnknownAlg,
            Self::EmptySecret => Code::KeyEmptySecret,
            Self::NoUsableKeys { .. } => Code::KeyJwksNoUsableKeys,
            Self::SymmetricInJwks => Code::KeySymmetricInJwks,
            Self::UnrecognisedFormat => Code::KeyFormatUnrecognised,
            Self::TooLarge { .. } => Code::KeyTooLarge,
        }
    }
}
