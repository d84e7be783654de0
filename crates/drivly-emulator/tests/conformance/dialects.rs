//! Dialects (`Config::dialects`, `--dialect`) and the clock offset, over real HTTP: each
//! variant of protocol.md D answers as documented, and part B's shape is gone where the
//! dialect replaces it.

use drivly_emulator::testing::complete_browser_login;
use drivly_emulator::{Config, Dialect, Emulator, HS256_TEST_SECRET};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use url::Url;

use crate::common::*;

async fn start_with(dialects: &[&str]) -> Emulator {
    let dialects = dialects
        .iter()
        .map(|d| d.parse::<Dialect>().unwrap())
        .collect();
    Emulator::start(Config {
        dialects,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// Walks the login pages for `authorize` and returns the redirect.
async fn redirect_of(emu: &Emulator, authorize: &Url) -> Url {
    let (email, password) = emu.demo_user();
    complete_browser_login(authorize, &email, &password, true)
        .await
        .unwrap()
}

async fn post(emu: &Emulator, path: &str, body: Value) -> reqwest::Response {
    client()
        .post(url(emu, path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn token_form_redirects_with_tokens() {
    let emu = start_with(&["token-form"]).await;
    let location = redirect_of(
        &emu,
        &authorize_url(&emu, &pkce(), REDIRECT, "invoices.read"),
    )
    .await;
    assert!(param(&location, "code").is_none());
    let token = param(&location, "token").unwrap();
    assert!(param(&location, "refreshToken").is_some());
    assert!(chrono::DateTime::parse_from_rfc3339(&param(&location, "expires").unwrap()).is_ok());
    assert_eq!(get(&emu, "/invoices", &token).await.status(), 200);
}

#[tokio::test]
async fn snake_case_and_data_envelope_shape_token_answers() {
    let emu = start_with(&["snake-case"]).await;
    let body = sign_in(&emu, "invoices.read").await;
    assert!(body["access_token"].is_string() && body["refresh_token"].is_string());
    assert_eq!(body["token_type"], "Bearer");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((595..=600).contains(&expires_in), "{expires_in}");
    assert!(body.get("token").is_none() && body.get("expires").is_none());
    let rotated: Value = refresh(&emu, body["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(rotated["access_token"].is_string() && rotated["refresh_token"].is_string());

    let emu = start_with(&["data-envelope"]).await;
    let body = sign_in(&emu, "invoices.read").await;
    let data = &body["data"];
    assert!(
        data["token"].is_string()
            && data["refreshToken"].is_string()
            && data["expires"].is_string()
    );
    assert_eq!(body.as_object().map(|m| m.len()), Some(1));
    let minted: Value = mint(
        &emu,
        &emu.demo_api_key(),
        json!({"permissions": ["invoices.read"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(minted["data"]["token"].is_string(), "{minted}");

    let emu = start_with(&["snake-case", "data-envelope"]).await;
    let body = sign_in(&emu, "invoices.read").await;
    assert!(body["data"]["access_token"].is_string() && body["data"]["expires_in"].is_number());
}

#[tokio::test]
async fn no_rotation_keeps_the_refresh_token_valid() {
    let emu = start_with(&["no-rotation"]).await;
    let body = sign_in(&emu, "invoices.read").await;
    let rt = body["refreshToken"].as_str().unwrap();
    for _ in 0..2 {
        let answer: Value = refresh(&emu, rt).await.json().await.unwrap();
        assert!(answer["token"].is_string());
        assert!(answer.get("refreshToken").is_none(), "{answer}");
    }
}

#[tokio::test]
async fn hs256_signs_with_the_test_secret_and_publishes_no_secret() {
    let emu = start_with(&["hs256"]).await;
    let body = sign_in(&emu, "invoices.read").await;
    let jwt = body["token"].as_str().unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp"]);
    let decoded = jsonwebtoken::decode::<Value>(
        jwt,
        &DecodingKey::from_secret(HS256_TEST_SECRET.as_bytes()).unwrap(),
        &validation,
    );
    assert!(decoded.is_ok(), "{decoded:?}");
    let jwks = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(jwks.status(), 200);
    let jwks = jwks.text().await.unwrap();
    assert!(
        !jwks.contains("\"oct\"") && !jwks.contains("\"k\""),
        "{jwks}"
    );
    assert!(!jwks.contains(HS256_TEST_SECRET));
}

#[tokio::test]
async fn no_jwks_and_no_revoke_answer_404() {
    let emu = start_with(&["no-jwks", "no-revoke"]).await;
    let jwks = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(jwks.status(), 404);
    let body = sign_in(&emu, "invoices.read").await;
    let revoke = post(
        &emu,
        "/auth/revoke",
        json!({"refreshToken": body["refreshToken"]}),
    )
    .await;
    assert_eq!(revoke.status(), 404);
    // Everything else still works.
    assert_eq!(
        refresh(&emu, body["refreshToken"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn oauth_paths_move_the_session_endpoints() {
    let emu = start_with(&["oauth-paths"]).await;
    let pkce = pkce();
    let mut authorize = authorize_url(&emu, &pkce, REDIRECT, "invoices.read");
    authorize.set_path("/api/oauth");
    let location = redirect_of(&emu, &authorize).await;
    let code = param(&location, "code").unwrap();
    let old = post(
        &emu,
        "/auth/token",
        json!({"code": code, "codeVerifier": pkce.verifier, "redirectUri": REDIRECT}),
    )
    .await;
    assert_eq!(old.status(), 404);
    // The code was not consumed by the 404: the right path still takes it.
    let answer = post(
        &emu,
        "/oauth/token",
        json!({"code": code, "codeVerifier": pkce.verifier, "redirectUri": REDIRECT}),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    let rt = body["refreshToken"].as_str().unwrap();
    assert_eq!(
        post(&emu, "/auth/refresh", json!({"refreshToken": rt}))
            .await
            .status(),
        404
    );
    let refreshed: Value = post(&emu, "/oauth/refresh", json!({"refreshToken": rt}))
        .await
        .json()
        .await
        .unwrap();
    let rt = refreshed["refreshToken"].as_str().unwrap();
    assert_eq!(
        post(&emu, "/oauth/revoke", json!({"refreshToken": rt}))
            .await
            .status(),
        204
    );
    // The old authorize path is gone; minting stays at POST auth.
    let old_authorize = client()
        .get(authorize_url(&emu, &pkce, REDIRECT, "invoices.read"))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(old_authorize.status().as_u16(), 404 | 405),
        "{}",
        old_authorize.status()
    );
    assert_eq!(
        mint(
            &emu,
            &emu.demo_api_key(),
            json!({"permissions": ["invoices.read"]})
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn client_id_is_required_everywhere() {
    let emu = start_with(&["client-id=app_42"]).await;
    let pkce = pkce();
    // Without client_id the authorize request gets an error page, not a redirect.
    let plain = client()
        .get(authorize_url(&emu, &pkce, REDIRECT, "invoices.read"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 400);
    assert!(plain.text().await.unwrap().contains("client_id"));
    let mut authorize = authorize_url(&emu, &pkce, REDIRECT, "invoices.read");
    authorize
        .query_pairs_mut()
        .append_pair("client_id", "app_42");
    let location = redirect_of(&emu, &authorize).await;
    let code = param(&location, "code").unwrap();
    let exchange = json!({"code": code, "codeVerifier": pkce.verifier, "redirectUri": REDIRECT});
    let missing = post(&emu, "/auth/token", exchange.clone()).await;
    assert_eq!(missing.status(), 401);
    assert_eq!(error_code(missing).await, "invalid_client");
    let mut with_id = exchange.clone();
    with_id["client_id"] = json!("app_42");
    let body: Value = post(&emu, "/auth/token", with_id)
        .await
        .json()
        .await
        .unwrap();
    let rt = body["refreshToken"].as_str().unwrap();
    let wrong = post(
        &emu,
        "/auth/refresh",
        json!({"refreshToken": rt, "client_id": "other"}),
    )
    .await;
    assert_eq!(wrong.status(), 401);
    let ok: Value = post(
        &emu,
        "/auth/refresh",
        json!({"refreshToken": rt, "client_id": "app_42"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let rt = ok["refreshToken"].as_str().unwrap();
    assert_eq!(
        post(&emu, "/auth/revoke", json!({"refreshToken": rt}))
            .await
            .status(),
        401
    );
    assert_eq!(
        post(
            &emu,
            "/auth/revoke",
            json!({"refreshToken": rt, "client_id": "app_42"})
        )
        .await
        .status(),
        204
    );
}

#[tokio::test]
async fn redirect_extras_are_added() {
    let emu = start_with(&["redirect-extras"]).await;
    let location = redirect_of(
        &emu,
        &authorize_url(
            &emu,
            &pkce(),
            REDIRECT,
            "invoices.read services.read".replace(' ', ",").as_str(),
        ),
    )
    .await;
    assert!(param(&location, "code").is_some());
    assert_eq!(param(&location, "state").as_deref(), Some("st-123"));
    assert_eq!(param(&location, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(param(&location, "expires_in").as_deref(), Some("600"));
    assert_eq!(
        param(&location, "scope").as_deref(),
        Some("invoices.read services.read")
    );
    assert!(param(&location, "session_state").is_some_and(|s| !s.is_empty()));
}

#[tokio::test]
async fn clock_offset_shifts_date_iat_exp_and_expires() {
    for offset in [900_i64, -900] {
        let emu = Emulator::start(Config {
            clock_offset_secs: offset,
            ..Config::default()
        })
        .await
        .unwrap();
        let answer = client()
            .post(url(&emu, "/auth"))
            .bearer_auth(emu.demo_api_key())
            .json(&json!({"permissions": ["invoices.read"]}))
            .send()
            .await
            .unwrap();
        let date = answer.headers()["date"].to_str().unwrap().to_owned();
        let date = chrono::DateTime::parse_from_rfc2822(&date).unwrap();
        let skew = (date.timestamp() - chrono::Utc::now().timestamp()) - offset;
        assert!(skew.abs() <= 2, "Date off by {skew} s");
        let body = sign_in(&emu, "invoices.read").await;
        let c = claims(body["token"].as_str().unwrap());
        let iat_skew = c["iat"].as_i64().unwrap() - chrono::Utc::now().timestamp() - offset;
        assert!(iat_skew.abs() <= 2, "iat off by {iat_skew} s");
        assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 600);
        let expires =
            chrono::DateTime::parse_from_rfc3339(body["expires"].as_str().unwrap()).unwrap();
        assert_eq!(expires.timestamp(), c["exp"].as_i64().unwrap());
        // The server accepts its own token despite the offset.
        assert_eq!(
            get(&emu, "/invoices", body["token"].as_str().unwrap())
                .await
                .status(),
            200
        );
    }
}
