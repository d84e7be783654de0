//! `POST /api/auth`: minting with an API key, the signed claims, JWKS, and the rejections.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn mints_a_verifiable_jwt_with_the_requested_permissions() {
    let emu = start().await;
    let response = mint(
        &emu,
        &emu.demo_api_key(),
        json!({"permissions": ["invoices.read", "services.read"]}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    let claims = claims(token);
    assert_eq!(claims["iss"], emu.base_url().as_str());
    assert_eq!(claims["kind"], "api");
    assert_eq!(
        claims["permissions"],
        json!(["invoices.read", "services.read"])
    );
    let year = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert!(
        (364 * 86_400..=366 * 86_400).contains(&year),
        "default expiry is one year"
    );
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    assert!(body["expires"].as_str().unwrap().ends_with('Z'));

    // Verify against the published JWKS, by kid.
    let jwks: Value = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header.kid.clone().unwrap())
        .unwrap();
    let key = DecodingKey::from_jwk(&serde_json::from_value(jwk.clone()).unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[emu.base_url().as_str()]);
    jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap();

    // The token works on a resource.
    assert_eq!(get(&emu, "/invoices", token).await.status(), 200);
}

#[tokio::test]
async fn honours_expires_and_rejects_past_dates() {
    let emu = start().await;
    let key = emu.demo_api_key();
    let body: Value = mint(
        &emu,
        &key,
        json!({"permissions": ["invoices.read"], "expires": "2099-01-01T00:00:00Z"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["expires"], "2099-01-01T00:00:00Z");
    assert_eq!(
        claims(body["token"].as_str().unwrap())["exp"],
        4_070_908_800i64
    );
    let past = mint(
        &emu,
        &key,
        json!({"permissions": ["invoices.read"], "expires": "2001-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(past.status(), 400);
    assert!(past.text().await.unwrap().contains("past"));
    let garbage = mint(
        &emu,
        &key,
        json!({"permissions": ["invoices.read"], "expires": "next tuesday"}),
    )
    .await;
    assert_eq!(error_code(garbage).await, "invalid_request");
}

#[tokio::test]
async fn rejects_bad_permission_lists() {
    let emu = start().await;
    let key = emu.demo_api_key();
    for body in [
        json!({"permissions": []}),
        json!({"permissions": ["invoices"]}),
        json!({"permissions": ["invoices.admin"]}),
        json!({"permissions": [42]}),
        json!({}),
    ] {
        let response = mint(&emu, &key, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(error_code(response).await, "invalid_permission", "{body}");
    }
}

#[tokio::test]
async fn rejects_missing_unknown_and_revoked_keys() {
    let emu = start().await;
    let body = json!({"permissions": ["invoices.read"]});
    let missing = client()
        .post(url(&emu, "/auth"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    assert!(missing.headers().contains_key("www-authenticate"));
    assert_eq!(
        mint(&emu, "drv_test_nope", body.clone()).await.status(),
        401
    );

    let key = emu.create_api_key("to revoke");
    let jwt: Value = mint(&emu, &key, body.clone()).await.json().await.unwrap();
    let jwt = jwt["token"].as_str().unwrap().to_owned();
    let revoke = client()
        .post(admin(&emu, "api-keys/revoke"))
        .json(&json!({"apiKey": key}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let again = client()
        .post(admin(&emu, "api-keys/revoke"))
        .json(&json!({"apiKey": key}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
    let after = mint(&emu, &key, body).await;
    assert_eq!(after.status(), 401);
    assert!(after.text().await.unwrap().contains("revoked"));
    // JWTs minted with a revoked key stop working too.
    assert_eq!(get(&emu, "/invoices", &jwt).await.status(), 401);
}

#[tokio::test]
async fn a_jwt_cannot_mint() {
    let emu = start().await;
    let body: Value = mint(
        &emu,
        &emu.demo_api_key(),
        json!({"permissions": ["invoices.read"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let response = mint(
        &emu,
        body["token"].as_str().unwrap(),
        json!({"permissions": ["invoices.read"]}),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "api_key_required");
}

#[tokio::test]
async fn malformed_oversized_and_non_json_bodies() {
    let emu = start().await;
    let key = emu.demo_api_key();
    let send = |body: Vec<u8>, content_type: &'static str| {
        client()
            .post(url(&emu, "/auth"))
            .bearer_auth(&key)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let malformed = send(b"{\"permissions\": [".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(error_code(malformed).await, "invalid_json");
    let secret_echo = send(
        b"{\"permissions\": \"drv_test_SECRETVALUE\"}".to_vec(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(secret_echo.status(), 400);
    assert!(
        !secret_echo.text().await.unwrap().contains("SECRETVALUE"),
        "errors never echo values"
    );
    let big = vec![b' '; 200 * 1024];
    let oversized = send(big, "application/json").await.unwrap();
    assert_eq!(oversized.status(), 413);
    assert_eq!(error_code(oversized).await, "payload_too_large");
    let text = send(b"permissions=invoices.read".to_vec(), "text/plain")
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    for path in ["/auth/token", "/auth/refresh", "/auth/revoke"] {
        let r = client()
            .post(url(&emu, path))
            .header("content-type", "application/json")
            .body("nope")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
    }
}

#[tokio::test]
async fn hs256_mode_signs_with_the_given_secret() {
    let config = drivly_emulator::Config {
        signing: drivly_emulator::Signing::Hs256 {
            secret: "drivly-test-secret".into(),
        },
        ..Default::default()
    };
    let emu = drivly_emulator::Emulator::start(config).await.unwrap();
    let body: Value = mint(
        &emu,
        &emu.demo_api_key(),
        json!({"permissions": ["invoices.read"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let token = body["token"].as_str().unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[emu.base_url().as_str()]);
    jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(b"drivly-test-secret").unwrap(),
        &validation,
    )
    .unwrap();
    let jwks: Value = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"], json!([]));
    assert_eq!(get(&emu, "/invoices", token).await.status(), 200);
}
