//! Table tests for [`status_error`]: which statuses end the retrying, and how.

use super::*;
use crate::ErrorCode;

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
        url: "https://api.example.com/api/auth/refresh".into(),
        content_type: Some("application/json".into()),
        server_date: None,
        skew_secs: None,
        estimated_server_now: None,
        retry_after: None,
        headers: Vec::new(),
        body: Zeroizing::new(body.as_bytes().to_vec()),
        requested_at: Utc::now(),
        sent: Instant::now(),
        elapsed: Duration::ZERO,
    }
}

#[test]
fn missing_token_endpoints_are_setup_errors_naming_the_url() {
    for (kind, status) in [
        (CallKind::Refresh, 404),
        (CallKind::Refresh, 405),
        (CallKind::Exchange, 404),
    ] {
        let e = status_error(kind, "auth/refresh", &answer(status, ""), &[], None);
        assert!(e.is_setup_error(), "{status}: {e:?}");
        assert!(!e.is_transient() && !e.needs_sign_in());
        assert_eq!(e.code(), "endpoint_not_found");
        let text = e.to_string();
        assert!(
            text.contains("https://api.example.com/api/auth/refresh"),
            "{text}"
        );
        assert!(text.contains(&status.to_string()), "{text}");
    }
    // Elsewhere a 404 keeps its old meaning.
    let e = status_error(
        CallKind::Resource,
        "invoices/1",
        &answer(404, ""),
        &[],
        None,
    );
    assert_eq!(e.code(), "not_found");
}

#[test]
fn dead_grant_codes_mean_sign_in_again() {
    for status in [400, 401, 403] {
        for code in ["invalid_grant", "invalid_token", "expired_token"] {
            let flat = format!(r#"{{"error":"{code}","message":"gone"}}"#);
            let nested = format!(r#"{{"error":{{"code":"{code}","message":"gone"}}}}"#);
            for body in [flat, nested] {
                for kind in [CallKind::Refresh, CallKind::Exchange] {
                    let e = status_error(kind, "auth/refresh", &answer(status, &body), &[], None);
                    assert!(e.needs_sign_in(), "{status} {body}: {e:?}");
                }
            }
        }
    }
    let e = status_error(
        CallKind::Refresh,
        "auth/refresh",
        &answer(403, r#"{"error":"forbidden"}"#),
        &[],
        None,
    );
    assert_eq!(e.code(), "forbidden");
}

#[test]
fn html_error_pages_become_short_messages() {
    let e = status_error(
        CallKind::Refresh,
        "auth/refresh",
        &answer(
            502,
            "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
        ),
        &[],
        None,
    );
    assert_eq!(e.code(), "server_error");
    assert!(e.to_string().contains("502 Bad Gateway nginx"), "{e}");
}
