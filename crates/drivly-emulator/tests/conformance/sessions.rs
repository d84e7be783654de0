//! Refresh (with and without rotation), replay detection, revoke, expiry and the refresh fault
//! modes.

use std::time::Duration;

use drivly_emulator::Endpoint;
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn refresh_rotates_and_replay_revokes_the_session() {
    let emu = start().await;
    let first = sign_in(&emu, "invoices.read").await;
    let rt1 = first["refreshToken"].as_str().unwrap();
    let response = refresh(&emu, rt1).await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    let rt2 = second["refreshToken"].as_str().unwrap();
    assert_ne!(rt1, rt2);
    assert_eq!(claims(second["token"].as_str().unwrap())["kind"], "session");
    // Replaying the replaced token revokes the whole family.
    let replay = refresh(&emu, rt1).await;
    assert_eq!(replay.status(), 400);
    assert_eq!(error_code(replay).await, "invalid_grant");
    assert_eq!(
        refresh(&emu, rt2).await.status(),
        400,
        "the newest token died with the session"
    );
    assert_eq!(
        get(&emu, "/invoices", second["token"].as_str().unwrap())
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn without_rotation_the_refresh_token_stays() {
    let emu = start().await;
    emu.set_rotation(false);
    let first = sign_in(&emu, "invoices.read").await;
    let rt = first["refreshToken"].as_str().unwrap();
    for _ in 0..2 {
        let body: Value = refresh(&emu, rt).await.json().await.unwrap();
        assert!(body.get("refreshToken").is_none());
        assert!(body["token"].as_str().is_some());
    }
}

#[tokio::test]
async fn snake_case_refresh_body_is_accepted_and_unknown_tokens_rejected() {
    let emu = start().await;
    let first = sign_in(&emu, "invoices.read").await;
    let response = client()
        .post(url(&emu, "/auth/refresh"))
        .json(&json!({"refresh_token": first["refreshToken"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        error_code(refresh(&emu, "drt_unknown").await).await,
        "invalid_grant"
    );
}

#[tokio::test]
async fn revoke_kills_refresh_and_jwt() {
    let emu = start().await;
    let body = sign_in(&emu, "invoices.read").await;
    let rt = body["refreshToken"].as_str().unwrap();
    let revoke = |token: String| {
        client()
            .post(url(&emu, "/auth/revoke"))
            .json(&json!({"refreshToken": token}))
            .send()
    };
    assert_eq!(revoke(rt.to_owned()).await.unwrap().status(), 204);
    assert_eq!(
        revoke("drt_unknown".into()).await.unwrap().status(),
        204,
        "RFC 7009: unknown is fine"
    );
    assert_eq!(error_code(refresh(&emu, rt).await).await, "invalid_grant");
    assert_eq!(
        get(&emu, "/invoices", body["token"].as_str().unwrap())
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn expired_jwt_is_rejected_and_lifetime_is_adjustable() {
    let emu = start().await;
    emu.set_jwt_lifetime(Duration::from_secs(30));
    let body = sign_in(&emu, "invoices.read").await;
    let jwt = body["token"].as_str().unwrap();
    let c = claims(jwt);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 30);
    assert_eq!(get(&emu, "/invoices", jwt).await.status(), 200);
    emu.skew_clock(chrono::Duration::seconds(31));
    let expired = get(&emu, "/invoices", jwt).await;
    assert_eq!(expired.status(), 401);
    assert!(expired.text().await.unwrap().contains("expired"));
    // The refresh token does not expire.
    emu.skew_clock(chrono::Duration::days(400));
    assert_eq!(
        refresh(&emu, body["refreshToken"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn malformed_and_foreign_bearers_are_401() {
    let emu = start().await;
    let other = start().await;
    let foreign: Value = mint(
        &other,
        &other.demo_api_key(),
        json!({"permissions": ["invoices.read"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    for bearer in ["a.b.c", "not-a-key", foreign["token"].as_str().unwrap()] {
        assert_eq!(
            get(&emu, "/invoices", bearer).await.status(),
            401,
            "{bearer}"
        );
    }
    let basic = client()
        .get(url(&emu, "/invoices"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

#[tokio::test]
async fn refresh_invalid_grant_control() {
    let emu = start().await;
    let body = sign_in(&emu, "invoices.read").await;
    let rt = body["refreshToken"].as_str().unwrap();
    emu.refresh_invalid_grant(true);
    assert_eq!(error_code(refresh(&emu, rt).await).await, "invalid_grant");
    emu.refresh_invalid_grant(false);
    assert_eq!(
        refresh(&emu, rt).await.status(),
        200,
        "the token was not consumed"
    );
}

#[tokio::test]
async fn injected_failures_with_retry_after() {
    let emu = start().await;
    let body = sign_in(&emu, "invoices.read").await;
    let rt = body["refreshToken"].as_str().unwrap();
    emu.fail_next(Endpoint::Refresh, 2, 503, Some(7));
    for _ in 0..2 {
        let response = refresh(&emu, rt).await;
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "7");
        assert_eq!(error_code(response).await, "unavailable");
    }
    assert_eq!(
        refresh(&emu, rt).await.status(),
        200,
        "failures before handling consume nothing"
    );

    emu.fail_next(Endpoint::Resources, 1, 429, Some(1));
    assert_eq!(
        get(&emu, "/invoices", body["token"].as_str().unwrap())
            .await
            .status(),
        429
    );
    emu.fail_next(Endpoint::Any, 1, 500, None);
    let response = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert!(response.headers().get("retry-after").is_none());
    emu.fail_next(Endpoint::Mint, 1, 503, None);
    assert_eq!(
        mint(
            &emu,
            &emu.demo_api_key(),
            json!({"permissions": ["a.read"]})
        )
        .await
        .status(),
        503
    );
}

#[tokio::test]
async fn dropped_connection_after_rotation_commits_the_rotation() {
    let emu = start().await;
    let body = sign_in(&emu, "invoices.read").await;
    let rt = body["refreshToken"].as_str().unwrap();
    emu.drop_connection_after_next_rotation();
    let result = client()
        .post(url(&emu, "/auth/refresh"))
        .json(&json!({"refreshToken": rt}))
        .send()
        .await;
    let error = result.expect_err("the connection is dropped without an answer");
    assert!(!error.is_timeout(), "{error:?}");
    // The rotation happened: the old token is now a replay, which revokes the session.
    assert_eq!(error_code(refresh(&emu, rt).await).await, "invalid_grant");
    let log = emu.request_log();
    let refreshes: Vec<_> = log
        .iter()
        .filter(|r| r.path == "/api/auth/refresh")
        .collect();
    assert_eq!(refreshes.len(), 2);
    assert_eq!(
        refreshes[0].status, 0,
        "a dropped request is logged with status 0"
    );
    assert_eq!(refreshes[1].status, 400);
}

#[tokio::test]
async fn latency_delays_but_answers() {
    let emu = start().await;
    emu.set_latency(Duration::from_millis(50));
    let response = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn request_log_has_no_query_and_reset_restores_the_seed() {
    let emu = start().await;
    let key = emu.create_api_key("temporary");
    let body = sign_in(&emu, "invoices.read").await;
    let rt = body["refreshToken"].as_str().unwrap();
    refresh(&emu, rt).await;
    let log = emu.request_log();
    assert_eq!(
        log.iter().filter(|r| r.path == "/api/auth/refresh").count(),
        1
    );
    assert!(
        log.iter()
            .any(|r| r.method == "GET" && r.path == "/api/auth")
    );
    assert!(
        log.iter()
            .all(|r| !r.path.contains('?') && !r.path.contains("__emulator"))
    );
    emu.set_rotation(false);
    emu.reset();
    assert!(emu.request_log().is_empty());
    assert_eq!(
        mint(&emu, &key, json!({"permissions": ["a.read"]}))
            .await
            .status(),
        401,
        "keys made after start are gone"
    );
    assert_eq!(
        mint(
            &emu,
            &emu.demo_api_key(),
            json!({"permissions": ["a.read"]})
        )
        .await
        .status(),
        200
    );
    assert_eq!(refresh(&emu, rt).await.status(), 400, "sessions are gone");
    let again = sign_in(&emu, "invoices.read").await;
    let rotated: Value = refresh(&emu, again["refreshToken"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(rotated.get("refreshToken").is_some(), "rotation is back on");
}
