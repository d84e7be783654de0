//! Each fault mode of the emulator, seen through the client's typed errors: 503 and 429 with
//! `Retry-After`, 500, `invalid_grant`, a timeout, a dropped connection after a rotation, and
//! a closed port. Every error message is checked for the secrets that were sent.

use std::time::Duration;

use drivly_core::ErrorCode;
use drivly_core::client::{ClientError, DrivlyClient, KeyVerdict, Method};
use drivly_core::login::{LoginOutcome, LoginRegistry, RedirectTarget, parse_callback};
use drivly_core::profile::Profile;
use drivly_core::secret::{ApiKey, RefreshToken, SecretString};
use drivly_emulator::{Config, Emulator, Endpoint};
use url::Url;

async fn setup() -> (Emulator, DrivlyClient) {
    let emu = Emulator::start(Config::default()).await.unwrap();
    let client = DrivlyClient::new(&Profile::emulator(emu.base_url())).unwrap();
    (emu, client)
}

async fn refresh_token(emu: &Emulator, client: &DrivlyClient) -> RefreshToken {
    let registry = LoginRegistry::new(std::sync::Arc::new(drivly_core::clock::SystemClock));
    let target = RedirectTarget::for_this_build();
    let started = registry.start(
        client.profile(),
        &["invoices.read".to_owned()],
        target.clone(),
    );
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
        panic!("expected a code");
    };
    let set = client
        .exchange_code(&code, &verifier, &done.redirect_uri)
        .await
        .unwrap();
    set.refresh_token.unwrap()
}

fn assert_no_secret(err: &ClientError, secret: &str) {
    let text = format!("{err} {err:?}");
    assert!(!text.contains(secret), "{text}");
    assert!(!text.contains('?'), "no query strings: {text}");
}

#[tokio::test]
async fn unavailable_and_rate_limited_carry_retry_after() {
    let (emu, client) = setup().await;
    let rt = refresh_token(&emu, &client).await;

    emu.fail_next(Endpoint::Refresh, 1, 503, Some(7));
    let err = client.refresh(&rt).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Unavailable {
                retry_after: Some(7)
            }
        ),
        "{err:?}"
    );
    assert!(err.is_transient() && !err.needs_sign_in());
    assert_eq!(err.retry_after(), Some(7));
    assert_eq!(err.code(), "service_unavailable");
    assert!(err.to_string().contains("7 s"));
    assert_no_secret(&err, rt.expose_secret());

    emu.fail_next(Endpoint::Refresh, 1, 429, Some(3));
    let err = client.refresh(&rt).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::RateLimited {
                retry_after: Some(3)
            }
        ),
        "{err:?}"
    );

    emu.fail_next(Endpoint::Mint, 1, 429, None);
    let key = ApiKey::new(emu.demo_api_key());
    let err = client
        .mint(&key, &["invoices.read".to_owned()], None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::RateLimited { retry_after: None }),
        "{err:?}"
    );
    assert_no_secret(&err, key.expose_secret());

    // The faults were one-shot: the refresh token still works.
    assert!(client.refresh(&rt).await.is_ok());
}

#[tokio::test]
async fn other_server_errors_are_transient_server_errors() {
    let (emu, client) = setup().await;
    emu.fail_next(Endpoint::Token, 1, 500, None);
    let code = drivly_core::secret::AuthCode::new("some-code");
    let verifier = drivly_core::login::pkce::new_verifier();
    let err = client
        .exchange_code(&code, &verifier, "ly.driv.keys.dev:/auth/callback")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_no_secret(&err, verifier.expose_secret());

    emu.fail_next(Endpoint::Resources, 1, 502, None);
    let token = SecretString::new(emu.demo_api_key());
    let r = client
        .try_it(&token, Method::GET, "services", None)
        .await
        .unwrap();
    assert_eq!(r.status, 502);
    assert!(!r.message.contains(token.expose_secret()));
}

#[tokio::test]
async fn invalid_grant_means_sign_in_again() {
    let (emu, client) = setup().await;
    let rt = refresh_token(&emu, &client).await;
    emu.refresh_invalid_grant(true);
    let err = client.refresh(&rt).await.unwrap_err();
    assert!(matches!(err, ClientError::SignInNeeded { .. }), "{err:?}");
    assert!(err.needs_sign_in() && !err.is_transient());
    assert_eq!(err.code(), "sign_in_needed");
    assert_no_secret(&err, rt.expose_secret());

    // An unknown refresh token: the same answer.
    emu.refresh_invalid_grant(false);
    let err = client
        .refresh(&RefreshToken::new("rt_unknown_CANARY"))
        .await
        .unwrap_err();
    assert!(err.needs_sign_in(), "{err:?}");
    assert_no_secret(&err, "rt_unknown_CANARY");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let emu = Emulator::start(Config::default()).await.unwrap();
    let client = DrivlyClient::builder(&Profile::emulator(emu.base_url()))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    emu.set_latency(Duration::from_secs(3));
    let key = ApiKey::new(emu.demo_api_key());
    let err = client
        .mint(&key, &["invoices.read".to_owned()], None)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
    assert_eq!(err.code(), "timeout");
    assert!(matches!(
        client.verify_api_key(&key).await,
        KeyVerdict::CannotTell(ClientError::Timeout { .. })
    ));
}

#[tokio::test]
async fn a_connection_dropped_after_rotation_is_a_network_error() {
    let (emu, client) = setup().await;
    let rt = refresh_token(&emu, &client).await;
    emu.drop_connection_after_next_rotation();
    let err = client.refresh(&rt).await.unwrap_err();
    assert!(matches!(err, ClientError::Network { .. }), "{err:?}");
    assert!(err.is_transient());
    assert_no_secret(&err, rt.expose_secret());
    // The server committed the rotation: the old token is now refused.
    assert!(client.refresh(&rt).await.unwrap_err().needs_sign_in());
}

#[tokio::test]
async fn a_closed_port_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = Url::parse(&format!("http://127.0.0.1:{port}/api")).unwrap();
    let client = DrivlyClient::new(&Profile::emulator(base)).unwrap();
    let rt = RefreshToken::new("rt_CANARY_value");
    let err = client.refresh(&rt).await.unwrap_err();
    assert!(matches!(err, ClientError::Network { .. }), "{err:?}");
    assert_eq!(err.code(), "network_error");
    assert!(err.is_transient());
    assert_no_secret(&err, "rt_CANARY_value");
    let key = ApiKey::new("sk_CANARY_key");
    assert!(matches!(
        client.verify_api_key(&key).await,
        KeyVerdict::CannotTell(ClientError::Network { .. })
    ));
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let mut profile = Profile::drivly();
    profile.base_url = Url::parse("http://commerce.driv.ly/api").unwrap();
    assert!(matches!(
        DrivlyClient::new(&profile),
        Err(ClientError::InvalidRequest(_))
    ));
    assert!(DrivlyClient::new(&Profile::drivly()).is_ok());
}
