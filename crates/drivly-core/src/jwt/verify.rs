//! Signature verification against the keys the user has (profile JWKS, pasted key, HS secret).
//!
//! Invariants:
//! - only the signature is checked: `exp`, `nbf` and every other claim are the inspector's
//!   business, so an expired token with a good signature is still "verified";
//! - `alg: none` (any letter case) is never verified;
//! - a key is tried only for algorithms on its allow-list, so HS/RS confusion cannot verify;
//! - an HMAC key is only one the user entered: a symmetric key from a JWKS never verifies;
//! - a token's `kid` only selects among keys we already hold; `jku`/`x5u` are never fetched
//!   (there is no I/O here at all);
//! - work is bounded: at most [`MAX_KEYS_TRIED`] signature checks per call.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::alg::{AlgClass, KeyFamily, classify_alg};
use super::decode::decode;
use super::keys::{KeySet, KeySource, VerificationKey};

/// At most this many keys are tried for one token.
pub const MAX_KEYS_TRIED: usize = 16;

/// The outcome of a signature check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SignatureStatus {
    /// A key on whose allow-list the token's `alg` is verified the signature.
    Verified {
        /// The key's id, when it has one.
        key_id: Option<String>,
        /// The algorithm checked.
        alg: String,
    },
    /// No key applies (none available, none for this `alg` or `kid`): nothing is known.
    NotVerified {
        /// Why, and what would make verification possible.
        reason: String,
    },
    /// The token cannot be trusted: bad signature, unsigned, or undecodable.
    Failed {
        /// Why.
        reason: String,
    },
}

impl SignatureStatus {
    /// True only for [`SignatureStatus::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// Checks `token`'s signature with the applicable keys in `keys`. See the module docs.
///
/// `now` is deliberately not used to judge `exp`/`nbf` (verification must work on expired
/// tokens); it is taken so callers pass the same clock to [`super::inspect`] and here, and so
/// time-bounded keys can be honoured later without changing callers.
pub fn verify(token: &str, keys: &KeySet, now: DateTime<Utc>) -> SignatureStatus {
    let _ = now;
    let decoded = match decode(token) {
        Ok(decoded) => decoded,
        Err(e) => {
            return SignatureStatus::Failed {
                reason: e.to_string(),
            };
        }
    };
    let Some(alg_name) = decoded.header_str("alg") else {
        return SignatureStatus::Failed {
            reason: "The header has no alg (or it is not a string); the token cannot be verified."
                .to_owned(),
        };
    };
    let alg = match classify_alg(alg_name) {
        AlgClass::Supported(alg) => alg,
        AlgClass::None => {
            return SignatureStatus::Failed {
                reason: "alg is none: the token is unsigned and is never treated as verified."
                    .to_owned(),
            };
        }
        AlgClass::Unsupported | AlgClass::Unknown => {
            return SignatureStatus::NotVerified {
                reason: format!("Drivly Keys cannot verify alg \"{}\".", shorten(alg_name)),
            };
        }
    };
    if keys.is_empty() {
        return SignatureStatus::NotVerified {
            reason: "No key is available: set the profile's JWKS URL, or paste a PEM, JWK, JWKS or HS secret.".to_owned(),
        };
    }
    let token_kid = decoded.header_str("kid");
    let by_kid = candidates_by_kid(keys, token_kid);
    if by_kid.is_empty() {
        return SignatureStatus::NotVerified {
            reason: format!(
                "No key has kid \"{}\"; the keys may be out of date (fetch the JWKS again).",
                shorten(token_kid.unwrap_or_default())
            ),
        };
    }
    // A symmetric key that came from a (public) JWKS is never trusted, however it got in.
    let applicable: Vec<&VerificationKey> = by_kid
        .iter()
        .copied()
        .filter(|k| {
            k.allows(alg) && !(k.family() == KeyFamily::Hmac && k.source == KeySource::Jwks)
        })
        .collect();
    if applicable.is_empty() {
        let mut reason = format!("No available key is allowed to verify {alg}.");
        if alg.family() == KeyFamily::Hmac && by_kid.iter().any(|k| k.family() != KeyFamily::Hmac) {
            reason.push_str(
                " The token claims an HMAC algorithm but the keys are public keys; a public key is never used as an HMAC secret (this is how algorithm-confusion forgeries work).",
            );
        }
        return SignatureStatus::NotVerified { reason };
    }
    let signature = decoded.signature_b64();
    if signature.is_empty() {
        return SignatureStatus::Failed {
            reason: format!("alg is {alg} but the signature part is empty."),
        };
    }
    let mut tried = 0;
    for key in applicable.iter().take(MAX_KEYS_TRIED) {
        tried += 1;
        let ok = jsonwebtoken::crypto::verify(
            signature,
            decoded.signing_input().as_bytes(),
            &key.key,
            alg.to_jsonwebtoken(),
        );
        if matches!(ok, Ok(true)) {
            return SignatureStatus::Verified {
                key_id: key.kid().map(str::to_owned),
                alg: alg.as_str().to_owned(),
            };
        }
    }
    SignatureStatus::Failed {
        reason: format!(
            "The signature does not match: checked with {tried} key(s) allowed for {alg}. The token was altered or signed by someone else."
        ),
    }
}

/// Keys that may match the token's `kid`: the keys with that id, else the keys without any id
/// (a pasted PEM or secret). Without a `kid` in the token, every key.
fn candidates_by_kid<'a>(keys: &'a KeySet, kid: Option<&str>) -> Vec<&'a VerificationKey> {
    let Some(kid) = kid else {
        return keys.keys().iter().collect();
    };
    let exact: Vec<&VerificationKey> = keys
        .keys()
        .iter()
        .filter(|k| k.kid() == Some(kid))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    keys.keys().iter().filter(|k| k.kid().is_none()).collect()
}

/// A header value shortened for a message.
fn shorten(text: &str) -> String {
    text.chars().take(64).collect()
}
