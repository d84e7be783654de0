//! The Drivly client against the emulator over real HTTP on 127.0.0.1: mint, the full browser
//! sign-in with code exchange, refresh with and without rotation, revoke, API-key revoke and
//! check, "try it", and the JWKS.

use chrono::{Duration, Utc};
use drivly_core::ErrorCode;
use drivly_core::client::{
    ClientError, DrivlyClient, KeyVerdict, Method, RevokeOutcome, TokenSet, jwt_exp,
};
use drivly_core::login::{LoginOutcome, LoginRegistry, RedirectTarget, parse_callback};
use drivly_core::profile::Profile;
use drivly_core::secret::{ApiKey, SecretString};
use drivly_emulator::{Config, Emulator};
use serde_json::json;

async fn setup() -> (Emulator, DrivlyClient) {
    let emu = Emulator::start(Config::default()).await.unwrap();
    let client = DrivlyClient::new(&Profile::emulator(emu.base_url())).unwrap();
    (emu, client)
}

fn perms(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The whole browser sign-in: registry, scripted login and consent pages, callback parsing,
/// code exchange.
async fn sign_in(emu: &Emulator, client: &DrivlyClient) -> TokenSet {
    let registry = LoginRegistry::new(std::sync::Arc::new(drivly_core::clock::SystemClock));
    let target = RedirectTarget::for_this_build();
    let started = registry.start(client.profile(), &perms(&["invoices.read"]), target.clone());
    let (email, password) = emu.demo_user();
    let back = drivly_emulator::testing::complete_browser_login(
        &started.authorize_url,
        &email,
        &password,
        true,
    )
    .await
    .unwrap();
    let payload = parse_callback(back.as_str(), &target).unwrap();
    let done = registry.complete(payload).unwrap();
    let LoginOutcome::Code { code, verifier } = done.outcome else {
        panic!("expected a code, got {:?}", done.outcome);
    };
    client
        .exchange_code(&code, &verifier, &done.redirect_uri)
        .await
        .unwrap()
}

#[tokio::test]
async fn mint_with_an_api_key() {
    let (emu, client) = setup().await;
    let key = ApiKey::new(emu.demo_api_key());
    let minted = client
        .mint(&key, &perms(&["invoices.read", "services.write"]), None)
        .await
        .unwrap();
    // Default expiry: one year.
    let year = minted.expires - Utc::now();
    assert!(
        year > Duration::days(364) && year < Duration::days(367),
        "{year}"
    );
    assert_eq!(jwt_exp(minted.jwt.expose_secret()), Some(minted.expires));

    let wanted = Utc::now() + Duration::hours(1);
    let minted = client
        .mint(&key, &perms(&["invoices.read"]), Some(wanted))
        .await
        .unwrap();
    assert!((minted.expires - wanted).num_seconds().abs() <= 1);

    let bad_key = ApiKey::new("sk_test_NOT_A_REAL_KEY_CANARY");
    let err = client
        .mint(&bad_key, &perms(&["invoices.read"]), None)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Unauthorized { .. }), "{err:?}");
    assert!(!err.to_string().contains("CANARY"));

    let err = client
        .mint(&key, &perms(&["invoices.delete"]), None)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::BadRequest { .. }), "{err:?}");
    assert_eq!(err.code(), "bad_request");
}

#[tokio::test]
async fn browser_sign_in_then_refresh_with_rotation() {
    let (emu, client) = setup().await;
    let first = sign_in(&emu, &client).await;
    assert!(first.refresh_token.is_some());
    assert!(first.expiry_skew_warning.is_none());
    let lifetime = first.lifetime().num_seconds();
    assert!((599..=601).contains(&lifetime), "{lifetime}");

    let old = first.refresh_token.unwrap();
    let second = client.refresh(&old).await.unwrap();
    let new = second
        .refresh_token
        .expect("rotation returns a new refresh token");
    assert!(!new.ct_eq(old.expose_secret()));
    assert!(second.expires >= first.expires);

    // The rotated-out token is dead; replaying it is treated as theft and ends the session.
    let err = client.refresh(&old).await.unwrap_err();
    assert!(err.needs_sign_in(), "{err:?}");
    assert!(!err.to_string().contains(old.expose_secret()));
    assert!(client.refresh(&new).await.unwrap_err().needs_sign_in());
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_token() {
    let (emu, client) = setup().await;
    emu.set_rotation(false);
    emu.set_jwt_lifetime(std::time::Duration::from_secs(90));
    let set = sign_in(&emu, &client).await;
    let rt = set.refresh_token.unwrap();
    for _ in 0..3 {
        let next = client.refresh(&rt).await.unwrap();
        assert!(next.refresh_token.is_none());
        assert!((89..=91).contains(&next.lifetime().num_seconds()));
    }
    let refreshes = emu
        .request_log()
        .iter()
        .filter(|r| r.path == "/api/auth/refresh")
        .count();
    assert_eq!(refreshes, 3);
}

#[tokio::test]
async fn revoke_ends_the_session() {
    let (emu, client) = setup().await;
    let rt = sign_in(&emu, &client).await.refresh_token.unwrap();
    assert_eq!(client.revoke(&rt).await.unwrap(), RevokeOutcome::Revoked);
    assert!(client.refresh(&rt).await.unwrap_err().needs_sign_in());

    // No revoke endpoint configured, or one the server does not have: not supported.
    let mut profile = client.profile().clone();
    profile.endpoints.revoke = None;
    let none = DrivlyClient::new(&profile).unwrap();
    assert_eq!(none.revoke(&rt).await.unwrap(), RevokeOutcome::NotSupported);
    profile.endpoints.revoke = Some("auth/no-such-endpoint".into());
    let missing = DrivlyClient::new(&profile).unwrap();
    assert_eq!(
        missing.revoke(&rt).await.unwrap(),
        RevokeOutcome::NotSupported
    );
}

#[tokio::test]
async fn api_keys_are_checked_and_revoked() {
    let (emu, client) = setup().await;
    let key = ApiKey::new(emu.create_api_key("ci"));
    assert!(matches!(
        client.verify_api_key(&key).await,
        KeyVerdict::Valid
    ));
    assert!(matches!(
        client
            .verify_api_key(&ApiKey::new("sk_wrong_key_value"))
            .await,
        KeyVerdict::Rejected
    ));
    assert_eq!(
        client.revoke_api_key(&key).await.unwrap(),
        RevokeOutcome::Revoked
    );
    assert!(matches!(
        client.verify_api_key(&key).await,
        KeyVerdict::Rejected
    ));
    assert_eq!(
        client.revoke_api_key(&key).await.unwrap(),
        RevokeOutcome::AlreadyInvalid
    );

    let drivly_like = DrivlyClient::new(&Profile {
        api_key_revoke_url: None,
        client_id: None,
        ..client.profile().clone()
    })
    .unwrap();
    assert_eq!(
        drivly_like.revoke_api_key(&key).await.unwrap(),
        RevokeOutcome::NotSupported
    );
}

#[tokio::test]
async fn try_it_reports_success_and_the_missing_permission() {
    let (emu, client) = setup().await;
    let key = ApiKey::new(emu.demo_api_key());
    let minted = client
        .mint(&key, &perms(&["invoices.read"]), None)
        .await
        .unwrap();
    let token = SecretString::new(minted.jwt.expose_secret().to_owned());

    let ok = client
        .try_it(&token, Method::GET, "invoices?limit=2", None)
        .await
        .unwrap();
    assert_eq!(ok.status, 200, "{}", ok.message);
    assert!(ok.missing_permission.is_none());
    assert!(!ok.body_preview.is_empty());
    assert!(!ok.body_preview.contains(token.expose_secret()));
    // A page of a list: Drivly's paging fields, read out (twelve invoices, two per page).
    let paging = ok.paging.expect("paging fields");
    assert_eq!((paging.page, paging.limit, paging.total_docs), (1, 2, 12));
    assert_eq!(
        (paging.total_pages, paging.next_page, paging.prev_page),
        (6, Some(2), None)
    );
    assert!(!ok.body_truncated);
    assert!(ok.body_bytes > 0);
    assert!(
        ok.headers
            .iter()
            .any(|(n, v)| n == "content-type" && v.starts_with("application/json")),
        "{:?}",
        ok.headers
    );

    let denied = client
        .try_it(
            &token,
            Method::POST,
            "invoices",
            Some(json!({"amount": 10})),
        )
        .await
        .unwrap();
    assert_eq!(denied.status, 403);
    assert_eq!(denied.missing_permission.as_deref(), Some("invoices.write"));
    assert!(
        denied.message.contains("invoices.write"),
        "{}",
        denied.message
    );

    let bogus = SecretString::new("not-a-token".to_owned());
    let rejected = client
        .try_it(&bogus, Method::GET, "services", None)
        .await
        .unwrap();
    assert_eq!(rejected.status, 401);

    for bad in [
        "",
        "../auth",
        "//evil.example/x",
        "https://evil.example/",
        "auth",
        "auth/token",
        "a b",
        "x#y",
    ] {
        let err = client
            .try_it(&token, Method::GET, bad, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ClientError::InvalidRequest(_)),
            "{bad}: {err:?}"
        );
    }
}

#[tokio::test]
async fn jwks_is_fetched_and_tokens_carry_its_kid() {
    let (_emu, client) = setup().await;
    let jwks = client.fetch_jwks().await.unwrap().unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    assert!(parsed["keys"].as_array().is_some_and(|k| !k.is_empty()));
    let mut profile = client.profile().clone();
    profile.endpoints.jwks = None;
    assert!(
        DrivlyClient::new(&profile)
            .unwrap()
            .fetch_jwks()
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_denied_sign_in_comes_back_as_denied() {
    let (emu, client) = setup().await;
    let registry = LoginRegistry::new(std::sync::Arc::new(drivly_core::clock::SystemClock));
    let target = RedirectTarget::for_this_build();
    let started = registry.start(client.profile(), &perms(&["services.read"]), target.clone());
    let (email, password) = emu.demo_user();
    let back = drivly_emulator::testing::complete_browser_login(
        &started.authorize_url,
        &email,
        &password,
        false,
    )
    .await
    .unwrap();
    let done = registry
        .complete(parse_callback(back.as_str(), &target).unwrap())
        .unwrap();
    assert!(
        matches!(done.outcome, LoginOutcome::Denied { ref error, .. } if error == "access_denied")
    );
}

#[tokio::test]
async fn a_code_is_good_for_one_exchange() {
    let (emu, client) = setup().await;
    let registry = LoginRegistry::new(std::sync::Arc::new(drivly_core::clock::SystemClock));
    let target = RedirectTarget::for_this_build();
    let started = registry.start(client.profile(), &perms(&["invoices.read"]), target.clone());
    let (email, password) = emu.demo_user();
    let back = drivly_emulator::testing::complete_browser_login(
        &started.authorize_url,
        &email,
        &password,
        true,
    )
    .await
    .unwrap();
    let done = registry
        .complete(parse_callback(back.as_str(), &target).unwrap())
        .unwrap();
    let LoginOutcome::Code { code, verifier } = done.outcome else {
        panic!()
    };
    let wrong = drivly_core::login::pkce::new_verifier();
    let err = client
        .exchange_code(&code, &wrong, &done.redirect_uri)
        .await
        .unwrap_err();
    assert!(err.needs_sign_in(), "{err:?}");
    assert!(!err.to_string().contains(code.expose_secret()));
    // The first attempt consumed the code, even with the wrong verifier.
    assert!(
        client
            .exchange_code(&code, &verifier, &done.redirect_uri)
            .await
            .unwrap_err()
            .needs_sign_in()
    );
}
