//! Reading one JWK (RFC 7517) into a [`VerificationKey`].
//!
//! Parsed from `serde_json::Value` by hand rather than with `jsonwebtoken::jwk::Jwk`, whose
//! strict enums reject a whole JWKS because of one key with an unfamiliar `alg`. Only public
//! members are read: a private JWK's `d` is ignored, never kept.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::alg::{KeyFamily, SigningAlg};
use super::keys::{KeyError, KeySource, VerificationKey};

/// Builds a key from a JWK object.
pub(crate) fn key_from_jwk(jwk: &Value, source: KeySource) -> Result<VerificationKey, KeyError> {
    if !jwk.is_object() {
        return Err(KeyError::NotJson);
    }
    if jwk.get("use").and_then(Value::as_str) == Some("enc") {
        return Err(KeyError::NotForSignatures);
    }
    let kid = jwk.get("kid").and_then(Value::as_str).map(short);
    let kty = field(jwk, "kty")?;
    let (family, key, curve_alg) = match kty {
        "RSA" => {
            let key = jsonwebtoken::DecodingKey::from_rsa_components(
                b64_field(jwk, "n")?,
                b64_field(jwk, "e")?,
            )
            .map_err(|_| KeyError::InvalidField { field: "n" })?;
            (KeyFamily::Rsa, key, None)
        }
        "EC" => {
            let alg = match field(jwk, "crv")? {
                "P-256" => SigningAlg::ES256,
                "P-384" => SigningAlg::ES384,
                other => {
                    return Err(KeyError::UnsupportedCurve {
                        curve: short(other),
                    });
                }
            };
            let key = jsonwebtoken::DecodingKey::from_ec_components(
                b64_field(jwk, "x")?,
                b64_field(jwk, "y")?,
            )
            .map_err(|_| KeyError::InvalidField { field: "x" })?;
            (KeyFamily::Ec, key, Some(alg))
        }
        "OKP" => {
            match field(jwk, "crv")? {
                "Ed25519" => {}
                other => {
                    return Err(KeyError::UnsupportedCurve {
                        curve: short(other),
                    });
                }
            }
            let key = jsonwebtoken::DecodingKey::from_ed_components(b64_field(jwk, "x")?)
                .map_err(|_| KeyError::InvalidField { field: "x" })?;
            (KeyFamily::Ed, key, None)
        }
        "oct" => {
            let k = b64_field(jwk, "k")?;
            let bytes = zeroize::Zeroizing::new(
                URL_SAFE_NO_PAD
                    .decode(k)
                    .map_err(|_| KeyError::InvalidField { field: "k" })?,
            );
            let key = jsonwebtoken::DecodingKey::from_secret(&bytes)
                .map_err(|_| KeyError::EmptySecret)?;
            (KeyFamily::Hmac, key, None)
        }
        other => {
            return Err(KeyError::UnsupportedType { kty: short(other) });
        }
    };
    let mut verification = VerificationKey::public(family, kid, key, source);
    if let Some(alg) = curve_alg {
        verification = verification.restrict_to(&[alg])?;
    }
    match jwk.get("alg") {
        None | Some(Value::Null) => Ok(verification),
        Some(Value::String(name)) => {
            let alg = SigningAlg::from_name(name)
                .ok_or_else(|| KeyError::UnknownAlgorithm { alg: short(name) })?;
            verification.restrict_to(&[alg])
        }
        Some(_) => Err(KeyError::InvalidField { field: "alg" }),
    }
}

/// A string member.
fn field<'a>(jwk: &'a Value, name: &'static str) -> Result<&'a str, KeyError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or(KeyError::MissingField { field: name })
}

/// A base64url string member, checked to decode (jsonwebtoken decodes it again).
fn b64_field<'a>(jwk: &'a Value, name: &'static str) -> Result<&'a str, KeyError> {
    let value = field(jwk, name)?;
    if value.is_empty() || URL_SAFE_NO_PAD.decode(value).is_err() {
        return Err(KeyError::InvalidField { field: name });
    }
    Ok(value)
}

/// A member value shortened for messages.
fn short(text: &str) -> String {
    text.chars().take(64).collect()
}
