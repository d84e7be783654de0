//! Signature verification: RFC 7515 vectors, every key format, the algorithm allow-list
//! (HS/RS confusion), `kid` selection, and proof that `jku`/`x5u` are never fetched.

use std::net::TcpListener;
use std::time::Duration as StdDuration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use drivly_core::ErrorCode;
use drivly_core::jwt::{
    KeyError, KeyFamily, KeySet, SignatureStatus, SigningAlg, VerificationKey, verify,
};
use drivly_core::secret::SecretString;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC9GkodHBgOi9cF
6ASe5mDeK6BwxMg3WqmyzLjBW/bnJXYugsEzqFhK4pl7PaVOszloVL8ZPHbTZwcw
T7x1koG+kXUf6Fyig/7NEKntbIWxcbsVtjq0aopWfclZAkqxlLD+X4FaSczTuZj4
gq2b4cmkE+MAq2fwk1QaOgw8912aWEvBpoyJsWrL72sE1Ga4wBncsuxtgrA0yyXN
pEagWgOkxyZccUOZ38edrDKSFyYKKbLbNQbXv2dOf6OawUAmIuCFHngsInfkAYY0
JJpJZrZxH8vzDddRlEHVGgVV3Z96Yv8qFKIZo20LKBLp09jBMjxXKA3/dCHgwo74
xdw//bi3AgMBAAECggEAF8SOon2t+Qy9gBoLPqJBHvDdJQoECjpkeuXSpkb1+lPR
41hUNTcdsH0uV6LwvJANO/OZje/0wBnCebbZPpklTTurZ3vFQjiUlYIDLFAdYPyk
9uklFBkR/dCoi9NHFRkrF9sO1IzTEvIlwRJtBLCKhLYVLDffBAoDIkVqgAfX+svn
pW96hVXEFvDjIC2Sjwr7wFgn0QAhlQuRZa4jNqsNW4GoeKkYG6nO24a326yhwO13
8GEgAqJl7Ve9WXnjVhAKVhQfgJHkiQ79xYpgzn95ca0QDVOSoLMUxbvMIYn4vD49
sJRd4ooA7ZJz/4lDuADNZTXmjx4OnlPJ3rtN5RResQKBgQDz/go+guXvuYJi90Pz
a4NSJAovvKJbpEJlQ4UOCsCH6jMf1H2CgmpM+QIZui/T9RoxeqQ2Lk6MSJ4mpdZ6
njdgUgSzOMUAIBSFClwjWQSTU+glZwawVpUcifTTR26GP5/g9CzFs7WMrfj+KKNw
U3HxAqKeW33ZIPY+jja0fh86UQKBgQDGaLeZL4kEJ0kbjthj3hlPbnzWsuszOi1w
jQl+xBhluSs5TGnuzjWKDuY2QJZPqqk9dFHBN9ScZa5FC3EUIV/kuZhDGRpgSXRS
MdKV4F/RhIR1pJt2A+4yxZp1oF710F17iPOG4gzo001QMA3TM5I+eTtA2y9o5gMe
0GiruzB4hwKBgGsyDFwkdFMbJJ7IVdFHRf27mcIZVReAFi+ZN4bQ0H+mNGnimHXT
SFKi//o/o62yvJxKboTjWV0mtlzydUWP53Jo9mmrIloIvhspTwu0m18C+TYdioHE
uGQ+dBKzCmru3xYdEOKXLscs0/0N66h48NFbQAjk12iio60eHAi2dI/RAoGAbSnM
alIHFuvug2USlc/rKRLnSNFkKulFevl+UereaYl5yKrMVgHK30zXSN48VVTWjONk
3+Qx7GLdgUuMScEbG6MprTEwm+2OPHMBJEkxLvu0TW3lwwbilbi3BSTZWnHsHT36
jynsZGVt0kK+OIfVXN4ixcpSyWpUKS4NiP8S6h0CgYBufeRlUrq6B6Aoox9GgaD4
uRXb9JZuyjtFmbrPBhNw/wfCFogQpeZ0Rh+qpbpnQb5QXwUcyU6p/igzwA6G5SjH
IFGMN1lu70WmLKaXEV1U4SVe9qtx9omc/AKLtwvdDOaclg9LmapuuCo79yGO4dqN
0hXKebMdfjyIF5ZlSGdQXQ==
-----END PRIVATE KEY-----";

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvRpKHRwYDovXBegEnuZg
3iugcMTIN1qpssy4wVv25yV2LoLBM6hYSuKZez2lTrM5aFS/GTx202cHME+8dZKB
vpF1H+hcooP+zRCp7WyFsXG7FbY6tGqKVn3JWQJKsZSw/l+BWknM07mY+IKtm+HJ
pBPjAKtn8JNUGjoMPPddmlhLwaaMibFqy+9rBNRmuMAZ3LLsbYKwNMslzaRGoFoD
pMcmXHFDmd/HnawykhcmCimy2zUG179nTn+jmsFAJiLghR54LCJ35AGGNCSaSWa2
cR/L8w3XUZRB1RoFVd2femL/KhSiGaNtCygS6dPYwTI8VygN/3Qh4MKO+MXcP/24
twIDAQAB
-----END PUBLIC KEY-----";

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const EC_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQzRYzDj8V7NXnqX7
bahqz9H1PwyWytpHG+2eWvtjZb2hRANCAARCoLhqWvNM9pm8wsZfIwMYk3ZXzDpb
YGKWp582nHPxqKYM+pFiCVzD3y+sQNMSnG/yiqSUeDdBaqnMe2XBaKVN
-----END PRIVATE KEY-----";

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const EC_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQqC4alrzTPaZvMLGXyMDGJN2V8w6
W2BilqefNpxz8aimDPqRYglcw98vrEDTEpxv8oqklHg3QWqpzHtlwWilTQ==
-----END PUBLIC KEY-----";

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const ED_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEgfyRCWotfPaNgWi4IGB+V0sG6qDbpS3qIocUS0Zqlc
-----END PRIVATE KEY-----";

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const ED_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA79xS5kUEdqQqO6Ef3rjGTxdquzuXzvlj2KXVt09ut80=
-----END PUBLIC KEY-----";

/// TEST-ONLY key generated for this suite with openssl; it protects nothing.
const EC384_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEe60E83C49vnSB3pfE0G7QKPXf4G0Yjsk
phX/R0FFvFrRiPzDtJ06vDVigjcTkW/IgQjwaz8CfqQDAD1+8Kim+7BY157uiUAh
+cYiV67SkooGg8HBY//B55nW4kXJvvNU
-----END PUBLIC KEY-----";

const RFC_HS256: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_HS256_JWK: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
const RFC_RS256: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const RFC_RS256_JWK: &str = r#"{"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"}"#;
const RFC_ES256: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const RFC_ES256_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;
const RFC_NONE: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    // Expired on purpose: verification must not care.
    let claims = json!({"sub": "acct_1", "exp": 1_000_000_000, "permissions": ["invoices.read"]});
    ok(jsonwebtoken::encode(&header, &claims, key))
}

fn set(key: VerificationKey) -> KeySet {
    KeySet::new().with(key)
}

fn assert_verified(status: &SignatureStatus, alg: &str) {
    match status {
        SignatureStatus::Verified { alg: got, .. } => assert_eq!(got, alg),
        other => panic!("expected verified {alg}, got {other:?}"),
    }
}

fn assert_not_verified(status: &SignatureStatus) -> String {
    match status {
        SignatureStatus::NotVerified { reason } => reason.clone(),
        other => panic!("expected notVerified, got {other:?}"),
    }
}

fn assert_failed(status: &SignatureStatus) -> String {
    match status {
        SignatureStatus::Failed { reason } => reason.clone(),
        other => panic!("expected failed, got {other:?}"),
    }
}

#[test]
fn rfc7515_examples_verify_with_their_published_keys() {
    let hs = set(ok(VerificationKey::from_jwk_json(RFC_HS256_JWK)));
    assert_verified(&verify(RFC_HS256, &hs, now()), "HS256");
    let rs = set(ok(VerificationKey::from_jwk_json(RFC_RS256_JWK)));
    assert_verified(&verify(RFC_RS256, &rs, now()), "RS256");
    let es = set(ok(VerificationKey::from_jwk_json(RFC_ES256_JWK)));
    assert_verified(&verify(RFC_ES256, &es, now()), "ES256");
    // Cross-checks: each key fails or does not apply to the others' tokens.
    assert_not_verified(&verify(RFC_RS256, &hs, now()));
    assert_not_verified(&verify(RFC_HS256, &rs, now()));
}

#[test]
fn a_tampered_token_fails() {
    let rs = set(ok(VerificationKey::from_jwk_json(RFC_RS256_JWK)));
    let tampered = RFC_RS256.replacen("eyJpc3MiOiJqb2Ui", "eyJpc3MiOiJqb2Yi", 1);
    assert_ne!(tampered, RFC_RS256);
    assert_failed(&verify(&tampered, &rs, now()));
}

#[test]
fn unsigned_tokens_are_never_verified() {
    let keys = KeySet::new()
        .with(ok(VerificationKey::from_jwk_json(RFC_HS256_JWK)))
        .with(ok(VerificationKey::from_pem(RSA_PUBLIC_PEM)));
    assert_failed(&verify(RFC_NONE, &keys, now()));
    let shouty = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"NoNe"}"#),
        RFC_NONE.split('.').nth(1).unwrap_or_default()
    );
    assert_failed(&verify(&shouty, &keys, now()));
    assert_failed(&verify(&shouty, &KeySet::new(), now()));
}

#[test]
fn pem_keys_of_each_family_verify_their_tokens() {
    let rsa = ok(EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()));
    let ec = ok(EncodingKey::from_ec_pem(EC_PRIVATE_PEM.as_bytes()));
    let ed = ok(EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()));
    let rsa_keys = set(ok(VerificationKey::from_pem(RSA_PUBLIC_PEM)));
    for alg in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS512,
    ] {
        let t = sign(alg, None, &rsa);
        assert_verified(&verify(&t, &rsa_keys, now()), &format!("{alg:?}"));
    }
    let ec_key = ok(VerificationKey::from_pem(EC_PUBLIC_PEM));
    assert_eq!(ec_key.algorithms(), &[SigningAlg::ES256]);
    assert_verified(
        &verify(&sign(Algorithm::ES256, None, &ec), &set(ec_key), now()),
        "ES256",
    );
    let ed_key = ok(VerificationKey::from_pem(ED_PUBLIC_PEM));
    assert_eq!(ed_key.family(), KeyFamily::Ed);
    assert_verified(
        &verify(&sign(Algorithm::EdDSA, None, &ed), &set(ed_key), now()),
        "EdDSA",
    );
    let p384 = ok(VerificationKey::from_pem(EC384_PUBLIC_PEM));
    assert_eq!(p384.algorithms(), &[SigningAlg::ES384]);
}

#[test]
fn hs_confusion_with_an_rsa_public_key_cannot_verify() {
    // The classic forgery: sign HS256 using the RSA public key's PEM bytes as the secret.
    let forged = sign(
        Algorithm::HS256,
        None,
        &ok(EncodingKey::from_secret(RSA_PUBLIC_PEM.as_bytes())),
    );
    let keys = set(ok(VerificationKey::from_pem(RSA_PUBLIC_PEM)));
    let reason = assert_not_verified(&verify(&forged, &keys, now()));
    assert!(reason.contains("never used as an HMAC secret"), "{reason}");
    // Same through a JWKS whose key has a kid the forger copies.
    let jwks = rsa_jwks("k1", Some("RS256"));
    let forged_kid = sign(
        Algorithm::HS256,
        Some("k1"),
        &ok(EncodingKey::from_secret(RSA_PUBLIC_PEM.as_bytes())),
    );
    assert!(!verify(&forged_kid, &jwks, now()).is_verified());
}

#[test]
fn allow_lists_only_shrink_and_are_honoured() {
    let rsa = ok(EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()));
    let key = ok(ok(VerificationKey::from_pem(RSA_PUBLIC_PEM)).restrict_to(&[SigningAlg::RS256]));
    let keys = set(key);
    assert_verified(
        &verify(&sign(Algorithm::RS256, None, &rsa), &keys, now()),
        "RS256",
    );
    assert_not_verified(&verify(&sign(Algorithm::PS256, None, &rsa), &keys, now()));
    let widened = ok(VerificationKey::from_pem(RSA_PUBLIC_PEM)).restrict_to(&[SigningAlg::HS256]);
    assert!(matches!(widened, Err(KeyError::AlgorithmNotForKey { .. })));
    assert!(
        ok(VerificationKey::from_pem(RSA_PUBLIC_PEM))
            .restrict_to(&[])
            .is_err()
    );
}

fn rsa_jwks(kid: &str, alg: Option<&str>) -> KeySet {
    let enc = ok(EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()));
    let jwk = ok(jsonwebtoken::jwk::Jwk::from_encoding_key(
        &enc,
        Algorithm::RS256,
    ));
    let mut value = ok(serde_json::to_value(&jwk));
    value["kid"] = json!(kid);
    match alg {
        Some(a) => value["alg"] = json!(a),
        None => {
            if let Some(o) = value.as_object_mut() {
                o.remove("alg");
            }
        }
    }
    let doc = json!({"keys": [
        {"kty": "EC", "use": "enc", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
        {"kty": "RSA", "kid": "other", "n": "AQAB", "e": "AQAB"},
        {"kty": "weird"},
        value,
    ]});
    ok(KeySet::from_jwks_json(&doc.to_string()))
}

#[test]
fn jwks_keys_are_selected_by_kid_and_bad_entries_skipped() {
    let rsa = ok(EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()));
    let keys = rsa_jwks("k1", None);
    assert_eq!(
        keys.len(),
        2,
        "the odd RSA key parses; enc and weird are skipped"
    );
    assert_eq!(keys.skipped().len(), 2);
    match verify(&sign(Algorithm::RS256, Some("k1"), &rsa), &keys, now()) {
        SignatureStatus::Verified { key_id, alg } => {
            assert_eq!(key_id.as_deref(), Some("k1"));
            assert_eq!(alg, "RS256");
        }
        other => panic!("{other:?}"),
    }
    // Without a kid every key is tried.
    assert_verified(
        &verify(&sign(Algorithm::RS256, None, &rsa), &keys, now()),
        "RS256",
    );
    let reason = assert_not_verified(&verify(
        &sign(Algorithm::RS256, Some("gone"), &rsa),
        &keys,
        now(),
    ));
    assert!(reason.contains("gone"), "{reason}");
    // A JWK's alg narrows its allow-list to that one algorithm.
    let pinned = rsa_jwks("k1", Some("RS256"));
    assert_not_verified(&verify(
        &sign(Algorithm::RS512, Some("k1"), &rsa),
        &pinned,
        now(),
    ));
}

#[test]
fn a_symmetric_key_in_a_jwks_never_verifies_an_hs256_token() {
    // Issue #13 item 7: a JWKS is public, so an `oct` key in it would let anyone forge
    // "verified" HS256 tokens. It is skipped (with a reason) and never tried.
    let oct: Value = ok(serde_json::from_str(RFC_HS256_JWK));
    let only_oct = json!({"keys": [oct.clone()]}).to_string();
    match KeySet::from_jwks_json(&only_oct) {
        Err(KeyError::NoUsableKeys { skipped: 1 }) => {}
        other => panic!("expected no usable keys, got {other:?}"),
    }
    // Pasted as a JWKS document, it is refused the same way.
    assert!(KeySet::parse_pasted(&only_oct).is_err());
    // Beside a usable public key, the oct key is listed as skipped and HS256 stays unverified.
    let mixed = json!({"keys": [oct, ok(serde_json::from_str::<Value>(RFC_RS256_JWK))]});
    let keys = ok(KeySet::from_jwks_json(&mixed.to_string()));
    assert_eq!(keys.len(), 1);
    assert_eq!(keys.skipped().len(), 1);
    assert!(keys.skipped()[0].reason.contains("symmetric"));
    assert!(!verify(RFC_HS256, &keys, now()).is_verified());
    let forged = sign(
        Algorithm::HS256,
        None,
        &ok(EncodingKey::from_secret(
            b"anything from the public document",
        )),
    );
    assert!(!verify(&forged, &keys, now()).is_verified());
    // The same key entered by the user (a single JWK) still verifies: it is local.
    let local = set(ok(VerificationKey::from_jwk_json(RFC_HS256_JWK)));
    assert_verified(&verify(RFC_HS256, &local, now()), "HS256");
}

#[test]
fn hs_secret_keys() {
    let secret = SecretString::from("drivly-test-secret-0123456789");
    let key = ok(VerificationKey::hs_secret(&secret));
    assert!(!format!("{key:?}").contains("drivly-test-secret"));
    let t = sign(
        Algorithm::HS256,
        None,
        &ok(EncodingKey::from_secret(b"drivly-test-secret-0123456789")),
    );
    assert_verified(&verify(&t, &set(key.clone()), now()), "HS256");
    let wrong = ok(VerificationKey::hs_secret(&SecretString::from("another")));
    assert_failed(&verify(&t, &set(wrong), now()));
    assert!(matches!(
        VerificationKey::hs_secret(&SecretString::from("")),
        Err(KeyError::EmptySecret)
    ));
}

#[test]
fn no_keys_means_not_verified_and_garbage_means_failed() {
    let reason = assert_not_verified(&verify(RFC_RS256, &KeySet::new(), now()));
    assert!(reason.contains("JWKS"), "{reason}");
    assert_failed(&verify("not a token", &KeySet::new(), now()));
    let es512 = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(r#"{"alg":"ES512"}"#));
    assert_not_verified(&verify(&es512, &KeySet::new(), now()));
    let keys = set(ok(VerificationKey::from_jwk_json(RFC_HS256_JWK)));
    let stripped = format!(
        "{}.",
        RFC_HS256
            .rsplit_once('.')
            .map(|(a, _)| a)
            .unwrap_or_default()
    );
    assert_failed(&verify(&stripped, &keys, now()));
}

#[test]
fn key_parsing_errors_table() {
    let cases: Vec<(String, &str)> = vec![
        (RSA_PRIVATE_PEM.to_owned(), "key_private"),
        (ED_PRIVATE_PEM.to_owned(), "key_private"),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".to_owned(),
            "key_pem_unreadable",
        ),
        ("{not json".to_owned(), "key_not_json"),
        (
            r#"{"kty":"RSA","e":"AQAB"}"#.to_owned(),
            "key_missing_field",
        ),
        (
            r#"{"kty":"RSA","n":"!!","e":"AQAB"}"#.to_owned(),
            "key_invalid_field",
        ),
        (
            r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#.to_owned(),
            "key_unsupported_curve",
        ),
        (
            r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#.to_owned(),
            "key_unsupported_curve",
        ),
        (r#"{"kty":"DSA"}"#.to_owned(), "key_unsupported_type"),
        (
            r#"{"kty":"oct","k":"c2VjcmV0","use":"enc"}"#.to_owned(),
            "key_not_for_signatures",
        ),
        (
            r#"{"kty":"oct","k":"c2VjcmV0","alg":"RS256"}"#.to_owned(),
            "key_alg_mismatch",
        ),
        (
            r#"{"kty":"oct","k":"c2VjcmV0","alg":"XS1"}"#.to_owned(),
            "key_unknown_alg",
        ),
        (
            r#"{"keys":[{"kty":"DSA"}]}"#.to_owned(),
            "key_jwks_no_usable_keys",
        ),
        ("just some text".to_owned(), "key_format_unrecognised"),
        (" ".repeat(300 * 1024), "key_too_large"),
    ];
    for (text, code) in cases {
        match KeySet::parse_pasted(&text) {
            Ok(k) => panic!("expected {code}, got {k:?}"),
            Err(e) => {
                assert_eq!(e.code(), code, "{e}");
                assert!(
                    !e.to_string().contains("AyM1"),
                    "no key material in messages"
                );
            }
        }
    }
    assert!(matches!(
        KeySet::from_jwks_json("{}"),
        Err(KeyError::NotJwks)
    ));
    // The three pasteable formats are recognised.
    assert_eq!(ok(KeySet::parse_pasted(RSA_PUBLIC_PEM)).len(), 1);
    assert_eq!(ok(KeySet::parse_pasted(RFC_ES256_JWK)).len(), 1);
    let jwks = json!({"keys": [ok(serde_json::from_str::<Value>(RFC_RS256_JWK))]});
    assert_eq!(ok(KeySet::parse_pasted(&jwks.to_string())).len(), 1);
}

#[test]
fn key_urls_in_the_header_are_never_fetched() {
    let listener = ok(TcpListener::bind("127.0.0.1:0"));
    ok(listener.set_nonblocking(true));
    let port = ok(listener.local_addr()).port();
    let url = format!("http://127.0.0.1:{port}/steal");
    let header = json!({"alg": "RS256", "jku": url, "x5u": url, "kid": url});
    let t = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode("{}")
    );
    let keys = rsa_jwks("k1", None);
    assert!(!verify(&t, &keys, now()).is_verified());
    assert!(!verify(&t, &KeySet::new(), now()).is_verified());
    let inspection = ok(drivly_core::jwt::inspect(&t, now()));
    assert!(inspection.has_warning(drivly_core::jwt::WarningCode::KeyUrlInHeader));
    std::thread::sleep(StdDuration::from_millis(50));
    assert!(
        listener.accept().is_err(),
        "nothing may connect to the jku/x5u URL"
    );
}

#[test]
fn status_serialises_for_the_ui() {
    let hs = set(ok(VerificationKey::from_jwk_json(
        &RFC_HS256_JWK.replace("{", r#"{"kid":"rfc","#),
    )));
    let json = ok(serde_json::to_value(verify(RFC_HS256, &hs, now())));
    assert_eq!(
        json,
        json!({"status": "verified", "keyId": "rfc", "alg": "HS256"})
    );
    let json = ok(serde_json::to_value(verify(
        RFC_HS256,
        &KeySet::new(),
        now(),
    )));
    assert_eq!(json["status"], "notVerified");
    let summary = ok(serde_json::to_value(hs.keys()[0].summary()));
    assert_eq!(
        summary,
        json!({"kid": "rfc", "family": "hmac", "algorithms": ["HS256", "HS384", "HS512"], "source": "jwk"})
    );
}
