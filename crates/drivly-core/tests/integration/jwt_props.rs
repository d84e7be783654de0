//! Property tests: the decoder, inspector and verifier never panic and stay bounded on
//! arbitrary input, and decoding round-trips whatever claims object was encoded.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use drivly_core::jwt::{KeySet, MAX_TOKEN_BYTES, VerificationKey, inspect, verify};
use drivly_core::secret::SecretString;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn keys() -> KeySet {
    match VerificationKey::hs_secret(&SecretString::from("prop-secret")) {
        Ok(k) => KeySet::new().with(k),
        Err(e) => panic!("{e}"),
    }
}

/// Arbitrary JSON values, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        // Dyadic fractions: serde_json (without `float_roundtrip`) parses them exactly, so the
        // round-trip property compares like with like. Arbitrary floats are covered below.
        (any::<i32>(), 0u32..4)
            .prop_map(|(n, shift)| json!(f64::from(n) / f64::from(1u32 << shift))),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Claims objects that include the interesting names with arbitrary values.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    let names = prop_oneof![
        Just("exp".to_owned()),
        Just("iat".to_owned()),
        Just("nbf".to_owned()),
        Just("permissions".to_owned()),
        Just("scope".to_owned()),
        Just("scopes".to_owned()),
        Just("aud".to_owned()),
        "[a-z]{1,8}",
    ];
    prop::collection::btree_map(names, json_value(), 0..10).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(input in ".{0,300}") {
        let _ = inspect(&input, now());
        let _ = verify(&input, &keys(), now());
    }

    #[test]
    fn dotted_base64ish_strings_never_panic(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,40}", 0..7)) {
        let input = parts.join(".");
        let _ = inspect(&input, now());
        let _ = verify(&input, &keys(), now());
    }

    #[test]
    fn arbitrary_bytes_as_segments_never_panic(h in prop::collection::vec(any::<u8>(), 0..64), c in prop::collection::vec(any::<u8>(), 0..64)) {
        let input = format!("{}.{}.c2ln", URL_SAFE_NO_PAD.encode(h), URL_SAFE_NO_PAD.encode(c));
        let _ = inspect(&input, now());
        let _ = verify(&input, &keys(), now());
    }

    #[test]
    fn any_claims_object_round_trips(header in prop::collection::btree_map("[a-z]{1,5}", json_value(), 0..5), claims in claims()) {
        let header: Map<String, Value> = header.into_iter().collect();
        let token = format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(Value::Object(header.clone()).to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string()),
        );
        let inspection = inspect(&token, now());
        prop_assert!(inspection.is_ok());
        if let Ok(i) = inspection {
            prop_assert_eq!(i.claims, claims);
            prop_assert_eq!(i.header, header);
            prop_assert!(serde_json::to_string(&i.warnings).is_ok());
            // The permissions table never grows beyond what the claims could hold.
            prop_assert!(i.permissions.table.len() <= drivly_core::permissions::MAX_ENTRIES);
        }
        prop_assert!(!verify(&token, &keys(), now()).is_verified());
    }

    #[test]
    fn time_claims_never_panic_for_any_number(exp in any::<f64>().prop_filter("finite", |f| f.is_finite()), iat in any::<i64>(), n in any::<i64>()) {
        let now = DateTime::from_timestamp(n.rem_euclid(253_402_300_799), 0).unwrap_or_default();
        let token = format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(json!({"exp": exp, "iat": iat, "nbf": exp}).to_string()),
        );
        prop_assert!(inspect(&token, now).is_ok());
    }
}

#[test]
fn oversized_and_deep_inputs_are_refused_quickly() {
    // Measured on the shared 2-core test machine (debug build, dependencies at opt-level 1): the
    // whole body takes about 2 ms. The bound is 250 times that, for a loaded machine; a parser
    // that walked the input quadratically or recursed per byte would blow through it.
    let started = std::time::Instant::now();
    // Bounded work: refused before parsing, however it is shaped.
    let huge = format!("eyJhbGciOiJIUzI1NiJ9.{}.sig", "A".repeat(MAX_TOKEN_BYTES));
    assert!(inspect(&huge, now()).is_err());
    assert!(!verify(&huge, &keys(), now()).is_verified());
    // Just under the cap, maximally nested: serde_json's recursion limit answers, no overflow.
    let depth = (MAX_TOKEN_BYTES / 4) * 3 / 2 - 100;
    let nested = format!(
        "eyJhbGciOiJIUzI1NiJ9.{}.sig",
        URL_SAFE_NO_PAD.encode("[".repeat(depth))
    );
    assert!(nested.len() <= MAX_TOKEN_BYTES);
    assert!(inspect(&nested, now()).is_err());
    let mb = "x".repeat(1 << 20);
    assert!(inspect(&mb, now()).is_err());
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_millis(500),
        "took {took:?}"
    );
}
