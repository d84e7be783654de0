//! The browser sign-in (protocol B.1, B.2) and the code exchange (B.3).

use drivly_emulator::testing::{TestingError, complete_browser_login};
use drivly_emulator::{Config, Emulator};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn full_sign_in_yields_a_session_token() {
    let emu = start().await;
    let (code, pkce) = login_code(&emu, "invoices.read,services.write").await;
    let response = exchange(&emu, &code, &pkce.verifier).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let claims = claims(body["token"].as_str().unwrap());
    assert_eq!(claims["kind"], "session");
    assert_eq!(
        claims["permissions"],
        json!(["invoices.read", "services.write"])
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    assert!(body["refreshToken"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["expires"].as_str().is_some());
}

#[tokio::test]
async fn code_redirect_carries_state_and_issuer_on_loopback_too() {
    let emu = start().await;
    let pkce = pkce();
    let (email, password) = emu.demo_user();
    let target = "http://127.0.0.1:49152/callback";
    let location = complete_browser_login(
        &authorize_url(&emu, &pkce, target, "invoices.read"),
        &email,
        &password,
        true,
    )
    .await
    .unwrap();
    assert!(location.as_str().starts_with(target));
    assert_eq!(
        param(&location, "iss").as_deref(),
        Some(emu.base_url().as_str())
    );
    assert!(param(&location, "code").is_some());
}

#[tokio::test]
async fn login_page_is_html_and_escapes_input() {
    let emu = start().await;
    let pkce = pkce();
    let page = client()
        .get(authorize_url(&emu, &pkce, REDIRECT, "invoices.read"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<form") && html.contains("type=\"password\""));
    // A wrong password shows the page again with an error and the email escaped.
    let request = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let wrong = client()
        .post(format!("{}/auth/login", emu.base_url()))
        .form(&[
            ("request", request),
            ("email", "<script>x</script>@example.com"),
            ("password", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Wrong email or password"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
}

#[tokio::test]
async fn consent_lists_permissions_in_words() {
    let emu = start().await;
    let pkce = pkce();
    let html = client()
        .get(authorize_url(
            &emu,
            &pkce,
            REDIRECT,
            "invoices.read,services.write",
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let request = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (email, password) = emu.demo_user();
    let consent = client()
        .post(format!("{}/auth/login", emu.base_url()))
        .form(&[
            ("request", request),
            ("email", email.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(consent.contains("Read invoices"));
    assert!(consent.contains("Create, change and delete services"));
    assert!(consent.contains("Approve") && consent.contains("Deny"));
}

#[tokio::test]
async fn wrong_password_fails_the_scripted_login() {
    let emu = start().await;
    let pkce = pkce();
    let result = complete_browser_login(
        &authorize_url(&emu, &pkce, REDIRECT, "invoices.read"),
        "demo@drivly.test",
        "wrong",
        true,
    )
    .await;
    assert!(
        matches!(
            result,
            Err(TestingError::UnexpectedPage { status: 401, .. })
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let emu = start().await;
    let pkce = pkce();
    let (email, password) = emu.demo_user();
    let location = complete_browser_login(
        &authorize_url(&emu, &pkce, REDIRECT, "invoices.read"),
        &email,
        &password,
        false,
    )
    .await
    .unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "state").as_deref(), Some("st-123"));
    assert!(param(&location, "code").is_none());
}

#[tokio::test]
async fn invalid_redirect_uris_get_an_error_page_not_a_redirect() {
    let emu = start().await;
    let pkce = pkce();
    for target in [
        "https://evil.example/cb",
        "http://localhost:5000/cb",
        "myapp:/cb",
        "ly.driv.keys:/cb#x",
    ] {
        let response = client()
            .get(authorize_url(&emu, &pkce, target, "invoices.read"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{target}");
        assert!(response.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn missing_pkce_state_or_permissions_redirect_with_an_error() {
    let emu = start().await;
    let pkce = pkce();
    let base = authorize_url(&emu, &pkce, REDIRECT, "invoices.read");
    let without = |name: &str| {
        let mut url = base.clone();
        let pairs: Vec<(String, String)> = base
            .query_pairs()
            .filter(|(k, _)| k != name)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        url
    };
    for (name, error) in [
        ("code_challenge", "invalid_request"),
        ("code_challenge_method", "invalid_request"),
        ("state", "invalid_request"),
        ("permissions", "invalid_scope"),
        ("response_type", "unsupported_response_type"),
    ] {
        let location = complete_browser_login(&without(name), "x", "y", true)
            .await
            .unwrap();
        assert_eq!(param(&location, "error").as_deref(), Some(error), "{name}");
    }
    let mut plain = base.clone();
    plain
        .query_pairs_mut()
        .append_pair("code_challenge_method", "plain");
    let location = complete_browser_login(&plain, "x", "y", true)
        .await
        .unwrap();
    assert_eq!(
        param(&location, "error").as_deref(),
        Some("invalid_request"),
        "duplicate method rejected"
    );
}

#[tokio::test]
async fn wrong_or_missing_verifier_is_rejected_and_burns_the_code() {
    let emu = start().await;
    let (code, pkce) = login_code(&emu, "invoices.read").await;
    let wrong = exchange(&emu, &code, &crate::common::pkce().verifier).await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(error_code(wrong).await, "invalid_grant");
    assert_eq!(
        exchange(&emu, &code, &pkce.verifier).await.status(),
        400,
        "the code is single use"
    );
    let (code, _) = login_code(&emu, "invoices.read").await;
    let missing = client()
        .post(url(&emu, "/auth/token"))
        .json(&json!({"code": code, "redirectUri": REDIRECT}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(missing).await, "invalid_request");
}

#[tokio::test]
async fn wrong_redirect_uri_is_rejected() {
    let emu = start().await;
    let (code, pkce) = login_code(&emu, "invoices.read").await;
    let response = client()
        .post(url(&emu, "/auth/token"))
        .json(&json!({"code": code, "codeVerifier": pkce.verifier, "redirectUri": "ly.driv.keys.dev:/auth/callback"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(error_code(response).await, "invalid_grant");
}

#[tokio::test]
async fn reused_code_revokes_the_session_it_produced() {
    let emu = start().await;
    let (code, pkce) = login_code(&emu, "invoices.read").await;
    let first: Value = exchange(&emu, &code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let jwt = first["token"].as_str().unwrap();
    assert_eq!(get(&emu, "/invoices", jwt).await.status(), 200);
    let again = exchange(&emu, &code, &pkce.verifier).await;
    assert_eq!(error_code(again).await, "invalid_grant");
    assert_eq!(get(&emu, "/invoices", jwt).await.status(), 401);
    assert_eq!(
        refresh(&emu, first["refreshToken"].as_str().unwrap())
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn expired_code_is_rejected() {
    let emu = start().await;
    let (code, pkce) = login_code(&emu, "invoices.read").await;
    emu.skew_clock(chrono::Duration::minutes(2));
    let response = exchange(&emu, &code, &pkce.verifier).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn token_form_by_query_and_by_config() {
    let emu = start().await;
    let pkce = pkce();
    let (email, password) = emu.demo_user();
    let mut url = authorize_url(&emu, &pkce, REDIRECT, "invoices.read");
    url.query_pairs_mut().append_pair("redirect_form", "token");
    let location = complete_browser_login(&url, &email, &password, true)
        .await
        .unwrap();
    let token = param(&location, "token").unwrap();
    assert!(param(&location, "refreshToken").is_some() && param(&location, "expires").is_some());
    assert_eq!(param(&location, "state").as_deref(), Some("st-123"));
    assert_eq!(get(&emu, "/invoices", &token).await.status(), 200);

    let emu = Emulator::start(Config {
        token_redirect: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let location = complete_browser_login(
        &authorize_url(&emu, &pkce, REDIRECT, "invoices.read"),
        &email,
        &password,
        true,
    )
    .await
    .unwrap();
    assert!(param(&location, "token").is_some() && param(&location, "code").is_none());
}

#[tokio::test]
async fn seeded_users_can_sign_in() {
    let config = Config {
        users: vec![("ci@example.com".into(), "s3cret".into())],
        ..Config::default()
    };
    let emu = Emulator::start(config).await.unwrap();
    let pkce = pkce();
    let location = complete_browser_login(
        &authorize_url(&emu, &pkce, REDIRECT, "invoices.read"),
        "ci@example.com",
        "s3cret",
        true,
    )
    .await
    .unwrap();
    assert!(param(&location, "code").is_some());
}
