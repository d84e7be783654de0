//! JWS algorithm names: the ones this app verifies, and how to classify any other `alg`.
//!
//! [`SigningAlg`] is our own enum rather than `jsonwebtoken::Algorithm` so the public API and
//! its JSON form do not change with that crate, and so the key family (which decides what a
//! key may be used for) is explicit here.

use std::fmt;

use serde::{Serialize, Serializer};

/// A signature algorithm this app can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlg {
    /// HMAC SHA-256.
    HS256,
    /// HMAC SHA-384.
    HS384,
    /// HMAC SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 SHA-512.
    RS512,
    /// RSASSA-PSS SHA-256.
    PS256,
    /// RSASSA-PSS SHA-384.
    PS384,
    /// RSASSA-PSS SHA-512.
    PS512,
    /// ECDSA P-256 SHA-256.
    ES256,
    /// ECDSA P-384 SHA-384.
    ES384,
    /// Ed25519.
    EdDSA,
}

/// The kind of key an algorithm needs. A key is only ever used with algorithms of its family,
/// which is what keeps an RSA public key from being used as an HMAC secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyFamily {
    /// A shared secret (HS*).
    Hmac,
    /// An RSA public key (RS*, PS*).
    Rsa,
    /// An elliptic-curve public key (ES*).
    Ec,
    /// An Edwards-curve public key (EdDSA).
    Ed,
}

impl SigningAlg {
    /// Every supported algorithm.
    pub const ALL: [SigningAlg; 12] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::EdDSA,
    ];

    /// Parses a header `alg` value exactly (JOSE names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::EdDSA => "EdDSA",
        }
    }

    /// The key family the algorithm needs.
    pub fn family(self) -> KeyFamily {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => KeyFamily::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                KeyFamily::Rsa
            }
            Self::ES256 | Self::ES384 => KeyFamily::Ec,
            Self::EdDSA => KeyFamily::Ed,
        }
    }

    /// The algorithms of one family.
    pub fn of_family(family: KeyFamily) -> Vec<SigningAlg> {
        Self::ALL
            .into_iter()
            .filter(|a| a.family() == family)
            .collect()
    }

    /// The matching `jsonwebtoken` algorithm.
    pub(crate) fn to_jsonwebtoken(self) -> jsonwebtoken::Algorithm {
        use jsonwebtoken::Algorithm as A;
        match self {
            Self::HS256 => A::HS256,
            Self::HS384 => A::HS384,
            Self::HS512 => A::HS512,
            Self::RS256 => A::RS256,
            Self::RS384 => A::RS384,
            Self::RS512 => A::RS512,
            Self::PS256 => A::PS256,
            Self::PS384 => A::PS384,
            Self::PS512 => A::PS512,
            Self::ES256 => A::ES256,
            Self::ES384 => A::ES384,
            Self::EdDSA => A::EdDSA,
        }
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SigningAlg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Registered JWS algorithms (RFC 7518, RFC 8037, RFC 8812, RFC 9864) this app does not verify.
const REGISTERED_UNSUPPORTED: &[&str] = &["ES512", "ES256K", "Ed25519", "Ed448"];

/// What a header `alg` value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgClass {
    /// Verifiable here.
    Supported(SigningAlg),
    /// `none` in any letter case (`None`, `NONE` are classic bypass attempts): unsecured.
    None,
    /// Registered, but not verifiable by this app.
    Unsupported,
    /// Not a registered JWS algorithm.
    Unknown,
}

/// Classifies a header `alg` value.
pub fn classify_alg(name: &str) -> AlgClass {
    if let Some(alg) = SigningAlg::from_name(name) {
        AlgClass::Supported(alg)
    } else if name.eq_ignore_ascii_case("none") {
        AlgClass::None
    } else if REGISTERED_UNSUPPORTED.contains(&name) {
        AlgClass::Unsupported
    } else {
        AlgClass::Unknown
    }
}
