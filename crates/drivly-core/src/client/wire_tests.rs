//! Table tests for the wire parsing: every tolerated field form, and malformed bodies.

use super::*;
use chrono::Duration;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0)
        .single()
        .unwrap_or_default()
}

/// A syntactically valid unsigned JWT with the given `exp`.
fn jwt_with(claims: &str) -> String {
    let enc = |s: &str| URL_SAFE_NO_PAD.encode(s.as_bytes());
    format!("{}.{}.c2ln", enc(r#"{"alg":"HS256"}"#), enc(claims))
}

fn exp_token(exp_secs: i64) -> String {
    jwt_with(&format!(
        r#"{{"sub":"u1","exp":{}}}"#,
        1_700_000_000 + exp_secs
    ))
}

#[test]
fn every_tolerated_token_response_form_parses() {
    let tok = exp_token(600);
    let sent = at(0);
    let cases: Vec<(String, i64, bool)> = vec![
        // (body, expected expiry offset, has refresh token)
        (
            format!(
                r#"{{"token":"{tok}","refreshToken":"rt_1","expires":"2023-11-14T22:23:20Z"}}"#
            ),
            600,
            true,
        ),
        (
            format!(r#"{{"access_token":"{tok}","refresh_token":"rt_1","expires_in":600}}"#),
            600,
            true,
        ),
        (
            format!(r#"{{"token":"{tok}","expiresIn":"600"}}"#),
            600,
            false,
        ),
        (
            format!(r#"{{"token":"{tok}","expiresAt":"2023-11-14T23:23:20+01:00"}}"#),
            600,
            false,
        ),
        (
            format!(r#"{{"token":"{tok}","expires_at":1700000600}}"#),
            600,
            false,
        ),
        (
            format!(r#"{{"token":"{tok}","expiresAt":1700000600000}}"#),
            600,
            false,
        ),
        // No expiry field: the token's exp is used.
        (
            format!(r#"{{"token":"{tok}","refreshToken":null}}"#),
            600,
            false,
        ),
        // Unknown fields are ignored.
        (
            format!(r#"{{"token":"{tok}","expires_in":600.0,"token_type":"Bearer","x":[1]}}"#),
            600,
            false,
        ),
    ];
    for (body, offset, has_rt) in cases {
        let set = parse_token_set("auth/refresh", body.as_bytes(), sent);
        let set = match set {
            Ok(s) => s,
            Err(e) => panic!("{body}: {e}"),
        };
        assert_eq!(set.expires, at(offset), "{body}");
        assert_eq!(set.refresh_token.is_some(), has_rt, "{body}");
        assert_eq!(set.jwt.expose_secret(), tok);
        assert_eq!(set.requested_at, sent);
        assert!(set.expiry_skew_warning.is_none(), "{body}");
    }
}

#[test]
fn expires_in_counts_from_the_send_time() {
    let tok = exp_token(90);
    let body = format!(r#"{{"token":"{tok}","expires_in":90}}"#);
    let set = parse_token_set("auth/token", body.as_bytes(), at(0));
    assert_eq!(set.map(|s| s.expires).ok(), Some(at(90)));
}

#[test]
fn expires_in_wins_over_an_absolute_expiry() {
    // A lifetime is free of clock differences; an absolute date is on the server's clock.
    let tok = exp_token(600);
    let body = format!(r#"{{"token":"{tok}","expires_in":300,"expires":"2030-01-01T00:00:00Z"}}"#);
    let set = parse_token_set("auth/token", body.as_bytes(), at(0));
    let set = set.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.expires, at(300));
    assert_eq!(set.expiry_basis, crate::client::ExpiryBasis::ExpiresIn);
}

#[test]
fn skew_between_response_and_exp_is_reported() {
    let tok = exp_token(3600);
    let body = format!(r#"{{"token":"{tok}","expires_in":600}}"#);
    let set = parse_token_set("auth/refresh", body.as_bytes(), at(0));
    let skew = set.ok().and_then(|s| s.expiry_skew_warning);
    assert_eq!(skew.map(|s| s.difference_secs), Some(3000));
}

#[test]
fn malformed_token_bodies_are_rejected_without_echo() {
    let tok = exp_token(600);
    let cases: Vec<String> = vec![
        String::new(),
        "not json".into(),
        "[]".into(),
        "\"token\"".into(),
        "{}".into(),
        r#"{"token":""}"#.into(),
        r#"{"token":123}"#.into(),
        r#"{"token":"a b.c"}"#.into(),
        // An unreadable expiry and a token without exp: nothing to trust.
        r#"{"token":"opaque-SECRETCANARY","expires":"tomorrow"}"#.into(),
        r#"{"token":"opaque-SECRETCANARY","expires_in":-5}"#.into(),
        format!(r#"{{"token":"{tok}","refreshToken":""}}"#),
        format!(r#"{{"token":"{tok}","refreshToken":42}}"#),
        // Opaque token and no expiry anywhere.
        r#"{"token":"opaque-SECRETCANARY"}"#.into(),
        format!(r#"{{"token":"{}"}}"#, "x".repeat(70 * 1024)),
    ];
    for body in cases {
        match parse_token_set("auth/refresh", body.as_bytes(), at(0)) {
            Err(e @ ClientError::MalformedResponse { .. }) => {
                let text = e.to_string();
                assert!(!text.contains("SECRETCANARY"), "{text}");
                assert!(!text.contains(&tok), "{text}");
                assert_eq!(crate::ErrorCode::code(&e), "malformed_response");
            }
            other => panic!("{body:.80}: expected malformed, got {other:?}"),
        }
    }
}

#[test]
fn mint_response_uses_expires_or_exp() {
    let tok = exp_token(31_536_000);
    let body = format!(r#"{{"token":"{tok}","expires":"2023-11-14T22:23:20.000Z"}}"#);
    let minted = parse_minted("auth", body.as_bytes(), at(0));
    assert_eq!(minted.map(|m| m.expires).ok(), Some(at(600)));
    let body = format!(r#"{{"token":"{tok}"}}"#);
    let minted = parse_minted("auth", body.as_bytes(), at(0));
    assert_eq!(minted.map(|m| m.expires).ok(), Some(at(31_536_000)));
}

#[test]
fn jwt_exp_handles_odd_inputs() {
    assert_eq!(jwt_exp(&exp_token(5)), Some(at(5)));
    assert_eq!(jwt_exp(&jwt_with(r#"{"exp":1700000005.0}"#)), Some(at(5)));
    for bad in [
        String::new(),
        "abc".into(),
        "a.b.c".into(),
        "a.!!!.c".into(),
        jwt_with("[1,2]"),
        jwt_with(r#"{"exp":"1700000000"}"#),
        jwt_with(r#"{"exp":-1}"#),
        jwt_with(r#"{"exp":1.5}"#),
        jwt_with(r#"{"exp":1e300}"#),
        jwt_with(r#"{"iat":1}"#),
    ] {
        assert_eq!(jwt_exp(&bad), None, "{bad}");
    }
}

/// (body, error, message, permission)
type ErrorCase<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

#[test]
fn error_bodies_are_read_loosely_and_scrubbed() {
    let cases: &[ErrorCase] = &[
        (
            r#"{"error":"invalid_grant","message":"refresh token revoked"}"#,
            Some("invalid_grant"),
            Some("refresh token revoked"),
            None,
        ),
        (
            r#"{"error":"invalid_grant","error_description":"bad code"}"#,
            Some("invalid_grant"),
            Some("bad code"),
            None,
        ),
        (
            r#"{"error":"forbidden","message":"Missing permission: invoices.write."}"#,
            Some("forbidden"),
            Some("Missing permission: invoices.write."),
            Some("invoices.write"),
        ),
        (
            r#"{"error":"forbidden","message":"nope","required":"services.read"}"#,
            Some("forbidden"),
            Some("nope"),
            Some("services.read"),
        ),
        (
            r#"{"message":"token sk_CANARY_123 is not valid\n"}"#,
            None,
            Some("token [REDACTED] is not valid"),
            None,
        ),
        ("<html>oops</html>", None, Some("oops"), None),
        ("[1]", None, None, None),
        ("", None, None, None),
    ];
    for (body, error, message, permission) in cases {
        let parsed = parse_error_body(body.as_bytes(), &["sk_CANARY_123"]);
        assert_eq!(parsed.error.as_deref(), *error, "{body}");
        assert_eq!(parsed.message.as_deref(), *message, "{body}");
        assert_eq!(parsed.permission.as_deref(), *permission, "{body}");
    }
}

#[test]
fn long_messages_are_bounded() {
    let long = format!(r#"{{"message":"{}"}}"#, "é".repeat(5000));
    let parsed = parse_error_body(long.as_bytes(), &[]);
    assert_eq!(
        parsed.message.map(|m| m.chars().count()),
        Some(MAX_MESSAGE_CHARS + 1)
    );
}

#[test]
fn permissions_are_found_in_messages() {
    assert_eq!(
        find_permission("requires 'invoices.write' to POST"),
        Some("invoices.write".into())
    );
    assert_eq!(find_permission("need a.b"), None);
    assert_eq!(
        find_permission("services.read."),
        Some("services.read".into())
    );
    assert!(!is_permission(".read"));
    assert!(!is_permission("x.delete"));
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    let now = at(0);
    assert_eq!(parse_retry_after("7", now), Some(7));
    assert_eq!(parse_retry_after(" 120 ", now), Some(120));
    assert_eq!(parse_retry_after("999999999", now), Some(86_400));
    let date = (now + Duration::seconds(30)).to_rfc2822();
    assert_eq!(parse_retry_after(&date, now), Some(30));
    let past = (now - Duration::seconds(30)).to_rfc2822();
    assert_eq!(parse_retry_after(&past, now), Some(0));
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-3", now), None);
}

#[test]
fn access_token_and_jwt_are_token_names() {
    let tok = exp_token(600);
    for name in ["accessToken", "jwt", "access_token", "token"] {
        let body = format!(r#"{{"{name}":"{tok}","expires_in":600}}"#);
        let set = parse_token_set("auth/token", body.as_bytes(), at(0));
        assert_eq!(
            set.map(|s| s.jwt.expose_secret().to_owned())
                .ok()
                .as_deref(),
            Some(tok.as_str()),
            "{name}"
        );
    }
}

#[test]
fn one_data_envelope_is_unwrapped() {
    let tok = exp_token(600);
    let body = format!(
        r#"{{"data":{{"access_token":"{tok}","refresh_token":"rt_2","expires_in":600}},"meta":{{}}}}"#
    );
    let set = parse_token_set("auth/refresh", body.as_bytes(), at(0));
    let set = set.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.expires, at(600));
    assert_eq!(
        set.refresh_token.as_ref().map(|r| r.expose_secret()),
        Some("rt_2")
    );
    assert!(set.warnings.is_empty());
    let minted = parse_minted(
        "auth",
        format!(r#"{{"data":{{"token":"{tok}"}}}}"#).as_bytes(),
        at(0),
    );
    assert_eq!(minted.map(|m| m.expires).ok(), Some(at(600)));
    // Only once: a double envelope carries no token at the level read.
    let twice = format!(r#"{{"data":{{"data":{{"token":"{tok}"}}}}}}"#);
    assert!(parse_token_set("auth/refresh", twice.as_bytes(), at(0)).is_err());
}

#[test]
fn iso_date_without_offset_is_utc_with_a_warning() {
    let tok = exp_token(600);
    for date in [
        "2023-11-14T22:23:20",
        "2023-11-14 22:23:20",
        "2023-11-14T22:23:20.000",
    ] {
        let body = format!(r#"{{"token":"{tok}","expires":"{date}"}}"#);
        let set = parse_token_set("auth/refresh", body.as_bytes(), at(0));
        let set = set.unwrap_or_else(|e| panic!("{date}: {e}"));
        assert_eq!(set.expires, at(600), "{date}");
        assert_eq!(
            set.warnings,
            vec![ParseWarning::DateWithoutOffset],
            "{date}"
        );
    }
}

#[test]
fn unreadable_or_missing_expiry_falls_back_to_exp_with_a_warning() {
    let tok = exp_token(600);
    let cases = [
        (format!(r#"{{"token":"{tok}","expires":"tomorrow"}}"#), true),
        (format!(r#"{{"token":"{tok}","expires":true}}"#), true),
        (format!(r#"{{"token":"{tok}","expires_in":-5}}"#), true),
        (format!(r#"{{"token":"{tok}","expires_in":"soon"}}"#), true),
        (format!(r#"{{"token":"{tok}","expires_in":1e30}}"#), true),
        (format!(r#"{{"token":"{tok}"}}"#), false),
    ];
    for (body, unreadable) in cases {
        let set = parse_token_set("auth/refresh", body.as_bytes(), at(0));
        let set = set.unwrap_or_else(|e| panic!("{body:.60}: {e}"));
        assert_eq!(set.expires, at(600), "{body:.60}");
        let mut want = Vec::new();
        if unreadable {
            want.push(ParseWarning::ExpiryUnreadable);
        }
        want.push(ParseWarning::ExpiryFromTokenExp);
        assert_eq!(set.warnings, want, "{body:.60}");
        assert!(!ParseWarning::ExpiryFromTokenExp.message().is_empty());
    }
}

#[test]
fn html_on_success_is_a_typed_error() {
    for body in [
        "<!doctype html><html><body>Sign in</body></html>",
        "  \n<html>",
    ] {
        match parse_token_set("auth/refresh", body.as_bytes(), at(0)) {
            Err(e @ ClientError::HtmlAnswer { .. }) => {
                assert_eq!(crate::ErrorCode::code(&e), "html_answer");
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn nested_error_objects_are_read() {
    let body = r#"{"error":{"code":"invalid_grant","message":"refresh token expired"}}"#;
    let parsed = parse_error_body(body.as_bytes(), &[]);
    assert_eq!(parsed.error.as_deref(), Some("invalid_grant"));
    assert_eq!(parsed.message.as_deref(), Some("refresh token expired"));
    let body = r#"{"error":{"code":"forbidden","message":"needs invoices.write"}}"#;
    let parsed = parse_error_body(body.as_bytes(), &[]);
    assert_eq!(parsed.permission.as_deref(), Some("invoices.write"));
}

#[test]
fn text_and_html_error_bodies_give_a_sanitised_excerpt() {
    let html = "<html><head><style>body{color:red}</style><script>var t='x'</script>\
                <title>502</title></head><body><h1>Bad\tGateway</h1>\u{7}<p>token \
                sk_CANARY_123 and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl</p></body></html>";
    let parsed = parse_error_body(html.as_bytes(), &["sk_CANARY_123"]);
    let message = parsed.message.unwrap_or_default();
    assert_eq!(message, "502 Bad Gateway token [REDACTED] and [REDACTED]");
    assert!(!message.contains('<') && !message.contains("color") && !message.contains("var"));
    let long = "word ".repeat(200);
    let parsed = parse_error_body(long.as_bytes(), &[]);
    assert_eq!(
        parsed.message.map(|m| m.chars().count()),
        Some(MAX_EXCERPT_CHARS + 1)
    );
    assert_eq!(parse_error_body(b"<br/> \n", &[]).message, None);
    assert_eq!(
        parse_error_body(b"upstream timed out\r\n", &[])
            .message
            .as_deref(),
        Some("upstream timed out")
    );
}

#[test]
fn http_dates_are_read() {
    assert_eq!(
        parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"),
        Some(at(0))
    );
    assert_eq!(
        parse_http_date("Tue, 14 Nov 2023 22:13:20 +0000"),
        Some(at(0))
    );
    assert_eq!(parse_http_date("yesterday"), None);
}
