//! The callback parser against good URLs of every form and a table of forged and junk ones,
//! plus a property test that it never panics on anything.

use drivly_core::ErrorCode;
use drivly_core::login::{CallbackError, CallbackPayload, RedirectTarget, parse_callback};
use proptest::prelude::*;

fn scheme() -> RedirectTarget {
    RedirectTarget::private_use("ly.driv.keys.dev").unwrap()
}

const STATE: &str = "s7Hn3kQ9_abc-DEF";

#[test]
fn the_code_form_parses_in_query_and_fragment() {
    for url in [
        format!("ly.driv.keys.dev:/auth/callback?code=c0de&state={STATE}"),
        format!("ly.driv.keys.dev:/auth/callback#code=c0de&state={STATE}"),
        format!(
            "LY.DRIV.KEYS.DEV:/auth/callback?state={STATE}&code=c0de&iss=http%3A%2F%2F127.0.0.1%3A7878%2Fapi"
        ),
        format!("ly.driv.keys.dev:/auth/callback?code=c0de&state={STATE}&"),
    ] {
        match parse_callback(&url, &scheme()) {
            Ok(CallbackPayload::Code {
                code,
                state,
                iss,
                via,
            }) => {
                assert_eq!(via, scheme(), "the redirect it arrived through");
                assert_eq!(code.expose_secret(), "c0de");
                assert_eq!(state, STATE);
                if let Some(iss) = iss {
                    assert_eq!(iss, "http://127.0.0.1:7878/api");
                }
            }
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[test]
fn the_token_and_error_forms_parse() {
    let url = format!(
        "ly.driv.keys.dev:/auth/callback#token=a.b.c&refreshToken=rt_1&expires=2030-01-01T00%3A00%3A00Z&state={STATE}"
    );
    match parse_callback(&url, &scheme()) {
        Ok(CallbackPayload::Token {
            jwt,
            refresh_token,
            expires,
            state,
            ..
        }) => {
            assert_eq!(jwt.expose_secret(), "a.b.c");
            assert_eq!(
                refresh_token.map(|r| r.expose_secret().to_owned()),
                Some("rt_1".into())
            );
            assert_eq!(
                expires.map(|e| e.to_rfc3339()),
                Some("2030-01-01T00:00:00+00:00".into())
            );
            assert_eq!(state, STATE);
        }
        other => panic!("{other:?}"),
    }
    let url = format!(
        "http://127.0.0.1:4711/callback?error=access_denied&error_description=The+user+said+%3Cb%3Eno%3C%2Fb%3E%0A&state={STATE}"
    );
    match parse_callback(&url, &RedirectTarget::loopback(4711)) {
        Ok(CallbackPayload::Denied {
            error, description, ..
        }) => {
            assert_eq!(error, "access_denied");
            // Kept as text: markup is not interpreted, control characters are gone.
            assert_eq!(description.as_deref(), Some("The user said <b>no</b>"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn forged_and_junk_urls_are_rejected() {
    use CallbackError as E;
    let s = STATE;
    let long_query = format!(
        "ly.driv.keys.dev:/auth/callback?code={}&state={s}",
        "a".repeat(64 * 1024)
    );
    let big_code = format!(
        "ly.driv.keys.dev:/auth/callback?code={}&state={s}",
        "a".repeat(4000)
    );
    let cases: Vec<(String, CallbackError)> = vec![
        (
            format!("ly.driv.keys:/auth/callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("evil.app:/auth/callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("javascript:alert(1)//?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("https://ly.driv.keys.dev/auth/callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev://auth/callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev:///auth/callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callbackx?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev:/auth/./callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev:/auth/%63allback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev:/AUTH/callback?code=c&state={s}"),
            E::WrongTarget,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback/?code=c&state={s}"),
            E::WrongTarget,
        ),
        ("ly.driv.keys.dev:/auth/callback".into(), E::NoResult),
        ("ly.driv.keys.dev:/auth/callback?#".into(), E::NoResult),
        (
            format!("ly.driv.keys.dev:/auth/callback?state={s}"),
            E::NoResult,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&state={s}#code=c&state={s}"),
            E::AmbiguousParameters,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&code=d&state={s}"),
            E::DuplicateParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&state={s}&state={s}"),
            E::DuplicateParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?token=a&access_token=b&state={s}"),
            E::DuplicateParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&error=access_denied&state={s}"),
            E::MixedForms,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&token=t&state={s}"),
            E::MixedForms,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&refreshToken=r&state={s}"),
            E::MixedForms,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&error_description=x&state={s}"),
            E::MixedForms,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&state={s}&redirect=https://evil"),
            E::UnknownParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&state={s}&x"),
            E::UnknownParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?Code=c&state={s}"),
            E::UnknownParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?c%6Fde=c&state={s}"),
            E::UnknownParameter,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c%2&state={s}"),
            E::BadEncoding,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c%zz&state={s}"),
            E::BadEncoding,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=%+1&state={s}"),
            E::BadEncoding,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=%ff%fe&state={s}"),
            E::BadEncoding,
        ),
        (
            "ly.driv.keys.dev:/auth/callback?code=c".into(),
            E::MissingState,
        ),
        (
            "ly.driv.keys.dev:/auth/callback?code=c&state=".into(),
            E::InvalidValue("state"),
        ),
        (
            "ly.driv.keys.dev:/auth/callback?code=c&state=a%20b".into(),
            E::InvalidValue("state"),
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=&state={s}"),
            E::InvalidValue("code"),
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=a%0Ab&state={s}"),
            E::InvalidValue("code"),
        ),
        (big_code, E::InvalidValue("code")),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&iss=javascript:x&state={s}"),
            E::InvalidValue("iss"),
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?token=t&expires=soon&state={s}"),
            E::InvalidValue("expires"),
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?error=Access+Denied&state={s}"),
            E::InvalidValue("error"),
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c&state={s} "),
            E::Unparseable,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=c\n&state={s}"),
            E::Unparseable,
        ),
        (
            format!("ly.driv.keys.dev:/auth/callback?code=é&state={s}"),
            E::Unparseable,
        ),
        ("".into(), E::Unparseable),
        ("no colon at all".into(), E::Unparseable),
        (long_query, E::TooLong),
    ];
    for (url, want) in cases {
        let got = parse_callback(&url, &scheme());
        match got {
            Err(e) => {
                assert_eq!(e, want, "{url:.120}");
                // No message carries any part of the URL.
                let text = e.to_string();
                assert!(!text.contains(STATE) && !text.contains("evil"), "{text}");
                assert!(!e.code().as_str().is_empty());
            }
            Ok(p) => panic!("{url:.120} was accepted as {p:?}"),
        }
    }
}

#[test]
fn loopback_targets_check_host_port_and_path() {
    let t = RedirectTarget::loopback(4711);
    let ok = format!("http://127.0.0.1:4711/callback?code=c&state={STATE}");
    assert!(parse_callback(&ok, &t).is_ok());
    for bad in [
        format!("http://127.0.0.1:4712/callback?code=c&state={STATE}"),
        format!("http://localhost:4711/callback?code=c&state={STATE}"),
        format!("https://127.0.0.1:4711/callback?code=c&state={STATE}"),
        format!("http://user@127.0.0.1:4711/callback?code=c&state={STATE}"),
        format!("http://127.0.0.1:4711/cb?code=c&state={STATE}"),
        format!("http://127.0.0.1:4711@evil.example/callback?code=c&state={STATE}"),
    ] {
        assert!(parse_callback(&bad, &t).is_err(), "{bad}");
    }
}

#[test]
fn payload_debug_hides_secrets_and_state() {
    let url = format!("ly.driv.keys.dev:/auth/callback?code=SECRETCODE&state={STATE}");
    let p = parse_callback(&url, &scheme());
    let text = format!("{p:?}");
    assert!(
        !text.contains("SECRETCODE") && !text.contains(STATE),
        "{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_strings(s in ".{0,400}") {
        let _ = parse_callback(&s, &scheme());
        let _ = parse_callback(&s, &RedirectTarget::loopback(80));
    }

    #[test]
    fn never_panics_on_callback_shaped_input(
        sep in prop::sample::select(vec!["?", "#", "?#", "#?", ""]),
        params in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "code", "state", "iss", "token", "access_token", "refreshToken",
                    "refresh_token", "expires", "error", "error_description", "error_uri", "x", "",
                ]),
                "[a-zA-Z0-9%+=&._~:/-]{0,40}",
            ),
            0..8,
        ),
    ) {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let url = format!("ly.driv.keys.dev:/auth/callback{sep}{}", query.join("&"));
        let _ = parse_callback(&url, &scheme());
    }
}
