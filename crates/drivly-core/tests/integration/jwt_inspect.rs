//! Inspection: the RFC example tokens, and one table row per decoding and warning rule.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use drivly_core::ErrorCode;
use drivly_core::jwt::{
    Inspection, JwtError, MAX_TOKEN_BYTES, Segment, Severity, TimeClaim, WarningCode, inspect,
};
use serde_json::{Value, json};

/// RFC 7519 §3.1 and RFC 7515 appendix A.1 (HS256, same token in both RFCs).
const RFC7519_3_1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// RFC 7515 appendix A.2 (RS256).
const RFC7515_A2: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
/// RFC 7515 appendix A.3 (ES256).
const RFC7515_A3: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
/// RFC 7515 appendix A.5 (unsecured, `alg: none`).
const RFC7515_A5: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An unsigned-looking token with the given header and claims and a dummy signature.
fn token(header: Value, claims: Value) -> String {
    format!("{}.{}.c2ln", b64(&header), b64(&claims))
}

fn inspect_ok(token: &str) -> Inspection {
    match inspect(token, now()) {
        Ok(i) => i,
        Err(e) => panic!("inspect failed: {e}"),
    }
}

#[test]
fn rfc_example_tokens_decode_to_their_documented_claims() {
    let claims = json!({"iss": "joe", "exp": 1300819380, "http://example.com/is_root": true});
    for (token, header) in [
        (RFC7519_3_1, json!({"typ": "JWT", "alg": "HS256"})),
        (RFC7515_A2, json!({"alg": "RS256"})),
        (RFC7515_A3, json!({"alg": "ES256"})),
        (RFC7515_A5, json!({"alg": "none"})),
    ] {
        let i = inspect_ok(token);
        assert_eq!(Value::Object(i.header.clone()), header);
        assert_eq!(Value::Object(i.claims.clone()), claims);
        assert_eq!(i.issuer.as_deref(), Some("joe"));
        let exp = Utc.timestamp_opt(1_300_819_380, 0).single();
        assert_eq!(i.expires_at.at(), exp);
        assert!(i.has_warning(WarningCode::Expired));
        assert!(!i.is_live(now()));
    }
    let i = inspect_ok(RFC7519_3_1);
    assert_eq!(i.typ.as_deref(), Some("JWT"));
    assert_eq!(i.alg.as_deref(), Some("HS256"));
    let unsecured = inspect_ok(RFC7515_A5);
    assert!(unsecured.has_warning(WarningCode::AlgNone));
    assert!(!unsecured.signature_present);
    assert_eq!(unsecured.warnings[0].severity, Severity::Danger);
}

#[test]
fn decoding_errors_table() {
    let header = b64(&json!({"alg": "HS256"}));
    let claims = b64(&json!({"sub": "x"}));
    let big = "a".repeat(MAX_TOKEN_BYTES + 1);
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "jwt_empty"),
        ("   \n\t ".into(), "jwt_empty"),
        ("Bearer ".into(), "jwt_empty"),
        (big, "jwt_too_large"),
        ("sk_live_abcdef123456".into(), "jwt_opaque_token"),
        (format!("{header}.{claims}"), "jwt_segment_count"),
        (format!("{header}.{claims}.s.x"), "jwt_segment_count"),
        (format!("{header}.{claims}.a.b.c.d"), "jwt_segment_count"),
        (format!("{header}.{claims}.a.b.c"), "jwt_encrypted"),
        (format!("{header}!.{claims}.sig"), "jwt_bad_base64"),
        (format!("{header}.{claims}*.sig"), "jwt_bad_base64"),
        (
            format!(
                "{}.{claims}.sig",
                URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0x00])
            ),
            "jwt_not_utf8",
        ),
        (
            format!("{}.{claims}.sig", URL_SAFE_NO_PAD.encode("{not json")),
            "jwt_not_json",
        ),
        (
            format!("{header}.{}.sig", URL_SAFE_NO_PAD.encode("[1,2]")),
            "jwt_not_object",
        ),
        (
            format!("{header}.{}.sig", URL_SAFE_NO_PAD.encode("\"text\"")),
            "jwt_not_object",
        ),
        (
            format!("{header}.{}.sig", URL_SAFE_NO_PAD.encode("")),
            "jwt_not_json",
        ),
        (
            format!(
                "{header}.{}.sig",
                URL_SAFE_NO_PAD.encode("[".repeat(10_000))
            ),
            "jwt_not_json",
        ),
        (
            format!("{header}.{}.sig", URL_SAFE_NO_PAD.encode("{\"exp\":1e400}")),
            "jwt_not_json",
        ),
    ];
    for (input, code) in cases {
        match inspect(&input, now()) {
            Ok(_) => panic!("expected {code} for input of {} bytes", input.len()),
            Err(e) => {
                assert_eq!(e.code(), code, "{e}");
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn error_messages_name_the_segment_and_never_quote_the_token() {
    let canary = "CANARYCANARY";
    let input = format!("{}.{canary}!!.sig", b64(&json!({"alg": "HS256"})));
    let err = inspect(&input, now()).err();
    assert!(matches!(
        err,
        Some(JwtError::Base64 {
            segment: Segment::Payload,
            ..
        })
    ));
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("payload"), "{text}");
    assert!(!text.contains(canary), "{text}");
}

#[test]
fn pasted_decorations_are_removed() {
    let t = token(json!({"alg": "HS256"}), json!({"sub": "u1"}));
    let (head, rest) = t.split_at(10);
    for input in [
        format!("Bearer {t}"),
        format!("bearer   {t}\n"),
        format!("  \"{t}\"  "),
        format!("{head}\n  {rest}"),
        format!("{t}==").replace(".c2ln==", ".c2ln"),
    ] {
        assert_eq!(inspect_ok(&input).subject.as_deref(), Some("u1"), "{input}");
    }
    // Padded base64url is tolerated too.
    let padded_header = base64::engine::general_purpose::URL_SAFE.encode("{\"alg\":\"HS256\" }");
    assert!(padded_header.ends_with("=="));
    let padded = format!("{padded_header}.{}.c2ln", b64(&json!({"sub": "u1"})));
    assert_eq!(inspect_ok(&padded).subject.as_deref(), Some("u1"));
}

#[test]
fn time_claims_table() {
    let n = now().timestamp();
    let cases: Vec<(Value, &str)> = vec![
        (json!(n + 432), "valid"),
        (json!(n as f64 + 432.75), "valid"),
        (json!(0), "valid"),
        (json!(253_402_300_799_i64), "valid"),
        (json!(253_402_300_800_i64), "invalid"),
        (json!(-1), "invalid"),
        (json!(-0.5), "invalid"),
        (json!(1e300), "invalid"),
        (json!(u64::MAX), "invalid"),
        (json!("1700000000"), "invalid"),
        (json!(true), "invalid"),
        (json!(null), "invalid"),
        (json!([1]), "invalid"),
        (json!({"t": 1}), "invalid"),
    ];
    for (value, want) in cases {
        let i = inspect_ok(&token(json!({"alg": "HS256"}), json!({"exp": value})));
        let got = match &i.expires_at {
            TimeClaim::Valid { .. } => "valid",
            TimeClaim::Invalid { .. } => "invalid",
            TimeClaim::Absent => "absent",
        };
        assert_eq!(got, want, "exp = {value}");
        assert_eq!(
            i.has_warning(WarningCode::InvalidTimeClaim),
            want == "invalid",
            "exp = {value}"
        );
    }
    let i = inspect_ok(&token(json!({"alg": "HS256"}), json!({"exp": n + 432})));
    assert_eq!(i.seconds_remaining, Some(432));
    match &i.expires_at {
        TimeClaim::Valid { relative, unix, .. } => {
            assert_eq!(relative, "expires in 7 min 12 s");
            assert_eq!(*unix, n + 432);
        }
        other => panic!("{other:?}"),
    }
    let frac = inspect_ok(&token(
        json!({"alg": "HS256"}),
        json!({"exp": 1300819380.5}),
    ));
    let at = frac.expires_at.at().map(|t| t.timestamp_millis());
    assert_eq!(at, Some(1_300_819_380_500));
}

#[test]
fn warning_rules_table() {
    let n = now().timestamp();
    let hs = json!({"alg": "HS256"});
    let cases: Vec<(Value, Value, WarningCode, bool)> = vec![
        (
            json!({"alg": "none"}),
            json!({"exp": n + 60}),
            WarningCode::AlgNone,
            true,
        ),
        (
            json!({"alg": "NONE"}),
            json!({"exp": n + 60}),
            WarningCode::AlgNone,
            true,
        ),
        (
            json!({"typ": "JWT"}),
            json!({"exp": n + 60}),
            WarningCode::AlgMissing,
            true,
        ),
        (
            json!({"alg": 5}),
            json!({"exp": n + 60}),
            WarningCode::AlgUnknown,
            true,
        ),
        (
            json!({"alg": "HS1024"}),
            json!({"exp": n + 60}),
            WarningCode::AlgUnknown,
            true,
        ),
        (
            json!({"alg": "ES512"}),
            json!({"exp": n + 60}),
            WarningCode::AlgUnsupported,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": n + 60}),
            WarningCode::AlgUnknown,
            false,
        ),
        (
            hs.clone(),
            json!({"exp": n - 3 * 3600}),
            WarningCode::Expired,
            true,
        ),
        (hs.clone(), json!({"exp": n}), WarningCode::Expired, true),
        (
            hs.clone(),
            json!({"exp": n + 1}),
            WarningCode::Expired,
            false,
        ),
        (hs.clone(), json!({}), WarningCode::MissingExp, true),
        (
            hs.clone(),
            json!({"exp": n + 60}),
            WarningCode::MissingExp,
            false,
        ),
        (
            hs.clone(),
            json!({"exp": n + 900, "nbf": n + 600}),
            WarningCode::NotYetValid,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": n + 900, "nbf": n - 1}),
            WarningCode::NotYetValid,
            false,
        ),
        (
            hs.clone(),
            json!({"exp": n + 900, "iat": n + 301}),
            WarningCode::IssuedInFuture,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": n + 900, "iat": n + 300}),
            WarningCode::IssuedInFuture,
            false,
        ),
        (
            hs.clone(),
            json!({"exp": n + 9, "iat": n + 10}),
            WarningCode::ExpiresBeforeIssued,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": "soon"}),
            WarningCode::InvalidTimeClaim,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": n + 60, "iat": -5}),
            WarningCode::InvalidTimeClaim,
            true,
        ),
        (
            json!({"alg": "RS256", "jku": "http://127.0.0.1:9/steal"}),
            json!({"exp": n + 60}),
            WarningCode::KeyUrlInHeader,
            true,
        ),
        (
            json!({"alg": "RS256", "x5u": "http://x"}),
            json!({"exp": n + 60}),
            WarningCode::KeyUrlInHeader,
            true,
        ),
        (
            json!({"alg": "RS256", "crit": ["b64"]}),
            json!({"exp": n + 60}),
            WarningCode::CriticalHeader,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": n + 60, "permissions": ["invoices.read", "admin"]}),
            WarningCode::UnrecognisedPermissions,
            true,
        ),
        (
            hs.clone(),
            json!({"exp": n + 60, "permissions": ["invoices.read"]}),
            WarningCode::UnrecognisedPermissions,
            false,
        ),
        (
            hs.clone(),
            json!({"exp": n + 60, "pad": "x".repeat(9000)}),
            WarningCode::LargeToken,
            true,
        ),
    ];
    for (header, claims, code, expected) in cases {
        let i = inspect_ok(&token(header.clone(), claims.clone()));
        assert_eq!(
            i.has_warning(code),
            expected,
            "{code:?} for header {header} claims {}",
            claims.to_string().chars().take(80).collect::<String>()
        );
    }
}

#[test]
fn signature_part_warnings() {
    let n = now().timestamp();
    let h = b64(&json!({"alg": "HS256"}));
    let c = b64(&json!({"exp": n + 60}));
    let stripped = inspect_ok(&format!("{h}.{c}."));
    assert!(stripped.has_warning(WarningCode::SignatureMissing));
    let bad = inspect_ok(&format!("{h}.{c}.a"));
    assert!(bad.has_warning(WarningCode::SignatureMalformed));
    let good = inspect_ok(&format!("{h}.{c}.c2ln"));
    assert!(good.warnings.is_empty(), "{:?}", good.warnings);
}

#[test]
fn drivly_claims_and_permissions_are_extracted() {
    let n = now().timestamp();
    let i = inspect_ok(&token(
        json!({"alg": "RS256", "kid": "k1", "typ": "JWT"}),
        json!({
            "iss": "http://127.0.0.1:4010", "sub": "acct_1", "kind": "session",
            "aud": ["a", "b"], "iat": n - 60, "exp": n + 540,
            "permissions": ["invoices.read", "services.write", "invoices.write"],
        }),
    ));
    assert_eq!(i.kid.as_deref(), Some("k1"));
    assert_eq!(i.kind.as_deref(), Some("session"));
    assert_eq!(i.subject.as_deref(), Some("acct_1"));
    assert_eq!(i.audience, vec!["a".to_owned(), "b".to_owned()]);
    assert_eq!(i.permissions.granted.len(), 3);
    assert_eq!(i.permissions.table.len(), 2);
    assert_eq!(i.permissions.table[0].resource, "invoices");
    assert!(i.permissions.table[0].get && i.permissions.table[0].delete);
    assert!(!i.permissions.table[1].get && i.permissions.table[1].post);
    match &i.issued_at {
        TimeClaim::Valid { relative, .. } => assert_eq!(relative, "issued 1 min ago"),
        other => panic!("{other:?}"),
    }
    assert!(i.is_live(now()));
    assert!(!i.is_live(now() + Duration::seconds(540)));
}

#[test]
fn serialised_inspection_is_camel_case_and_never_contains_the_token() {
    let n = now().timestamp();
    let t = token(json!({"alg": "HS256"}), json!({"exp": n + 60, "nbf": "x"}));
    let json = serde_json::to_value(inspect_ok(&t)).unwrap_or_default();
    let text = json.to_string();
    assert!(!text.contains(&t));
    assert!(
        !text.contains("c2ln"),
        "the signature must not be serialised"
    );
    assert_eq!(json["expiresAt"]["state"], "valid");
    assert_eq!(json["notBefore"]["state"], "invalid");
    assert_eq!(json["notBefore"]["raw"], "\"x\"");
    assert_eq!(json["issuedAt"]["state"], "absent");
    assert_eq!(json["secondsRemaining"], 60);
    assert!(json["warnings"][0]["code"].is_string());
    assert!(json["permissions"]["table"].is_array());
}
