//! The Drivly client against the emulator's dialects (protocol.md D) over real HTTP: the
//! profile's endpoint paths, `client_id`, snake-case and enveloped answers, missing endpoints
//! as setup errors, and the server's clock from its `Date` header.

use drivly_core::ErrorCode;
use drivly_core::client::{ClientError, DrivlyClient, RevokeOutcome, TokenSet};
use drivly_core::login::{LoginOutcome, LoginRegistry, RedirectTarget, parse_callback};
use drivly_core::profile::Profile;
use drivly_emulator::{Config, Dialect, Emulator};

async fn start(dialects: &[&str], clock_offset_secs: i64) -> Emulator {
    let dialects = dialects
        .iter()
        .map(|d| d.parse::<Dialect>().unwrap())
        .collect();
    Emulator::start(Config {
        dialects,
        clock_offset_secs,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn oauth_profile(emu: &Emulator) -> Profile {
    let mut profile = Profile::emulator(emu.base_url());
    profile.endpoints.auth = "oauth".into();
    profile.endpoints.token = "oauth/token".into();
    profile.endpoints.refresh = "oauth/refresh".into();
    profile.endpoints.revoke = Some("oauth/revoke".into());
    profile
}

/// The browser sign-in; `client_id` is appended to the authorization URL when given (the
/// registry does not send it yet).
async fn sign_in(emu: &Emulator, client: &DrivlyClient) -> TokenSet {
    let registry = LoginRegistry::new(std::sync::Arc::new(drivly_core::clock::SystemClock));
    let target = RedirectTarget::for_this_build();
    let started = registry.start(
        client.profile(),
        &["invoices.read".to_owned()],
        target.clone(),
    );
    let mut authorize = started.authorize_url.clone();
    if let Some(id) = client.client_id() {
        authorize.query_pairs_mut().append_pair("client_id", id);
    }
    let (email, password) = emu.demo_user();
    let back =
        drivly_emulator::testing::complete_browser_login(&authorize, &email, &password, true)
            .await
            .unwrap();
    let payload = parse_callback(back.as_str(), &target).unwrap();
    let done = registry.complete(payload).unwrap();
    let LoginOutcome::Code { code, verifier } = done.outcome else {
        panic!("expected a code");
    };
    client
        .exchange_code(&code, &verifier, &done.redirect_uri)
        .await
        .unwrap()
}

#[tokio::test]
async fn profile_paths_follow_oauth_paths_with_snake_case_in_an_envelope() {
    let emu = start(&["oauth-paths", "snake-case", "data-envelope"], 0).await;
    let client = DrivlyClient::new(&oauth_profile(&emu)).unwrap();
    let set = sign_in(&emu, &client).await;
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    let lifetime = set.lifetime().num_seconds();
    assert!((595..=600).contains(&lifetime), "{lifetime}");
    let rt = set.refresh_token.unwrap();
    let next = client.refresh(&rt).await.unwrap();
    let rt = next.refresh_token.unwrap();
    assert_eq!(client.revoke(&rt).await.unwrap(), RevokeOutcome::Revoked);
}

#[tokio::test]
async fn a_missing_refresh_endpoint_is_a_setup_error_naming_the_url() {
    let emu = start(&["oauth-paths"], 0).await;
    let client = DrivlyClient::new(&oauth_profile(&emu)).unwrap();
    let rt = sign_in(&emu, &client).await.refresh_token.unwrap();
    // The default profile's paths do not exist on this server.
    let default = DrivlyClient::new(&Profile::emulator(emu.base_url())).unwrap();
    let before = emu.request_log().len();
    let err = default.refresh(&rt).await.unwrap_err();
    assert!(err.is_setup_error() && !err.is_transient(), "{err:?}");
    assert_eq!(err.code(), "endpoint_not_found");
    assert!(err.to_string().contains("/api/auth/refresh"), "{err}");
    assert_eq!(emu.request_log().len() - before, 1);
}

#[tokio::test]
async fn client_id_is_sent_in_every_token_call() {
    let emu = start(&["client-id=app_42"], 0).await;
    let profile = Profile::emulator(emu.base_url());
    let client = DrivlyClient::builder(&profile)
        .client_id(Some("app_42".into()))
        .build()
        .unwrap();
    let set = sign_in(&emu, &client).await;
    let rt = set.refresh_token.unwrap();
    let next = client.refresh(&rt).await.unwrap();
    let rt = next.refresh_token.unwrap();
    // Without the id the server refuses.
    let plain = DrivlyClient::new(&profile).unwrap();
    assert!(plain.refresh(&rt).await.is_err());
    assert_eq!(client.revoke(&rt).await.unwrap(), RevokeOutcome::Revoked);
}

#[tokio::test]
async fn revoke_without_endpoint_is_not_supported() {
    let emu = start(&["no-revoke", "no-rotation"], 0).await;
    let client = DrivlyClient::new(&Profile::emulator(emu.base_url())).unwrap();
    let rt = sign_in(&emu, &client).await.refresh_token.unwrap();
    let next = client.refresh(&rt).await.unwrap();
    assert!(next.refresh_token.is_none());
    assert_eq!(
        client.revoke(&rt).await.unwrap(),
        RevokeOutcome::NotSupported
    );
    assert!(client.fetch_jwks().await.unwrap().is_some());
}

#[tokio::test]
async fn the_server_clock_is_exposed_from_the_date_header() {
    for offset in [900_i64, -900, 0] {
        let emu = start(&[], offset).await;
        let client = DrivlyClient::new(&Profile::emulator(emu.base_url())).unwrap();
        assert_eq!(client.server_skew_secs(), None);
        let set = sign_in(&emu, &client).await;
        let skew = set.server_skew_secs.unwrap();
        assert!((skew - offset).abs() <= 2, "offset {offset}: skew {skew}");
        assert!(set.server_date.is_some());
        let shared = client.clone().server_skew_secs().unwrap();
        assert!((shared - offset).abs() <= 2);
        // The server's `expires` minus its `Date`: 600 s whatever the clocks (issue #13
        // item 2), and the local expiry is 10 minutes from now, not 25 or -5.
        let lifetime = set.lifetime().num_seconds();
        assert!(
            (598..=600).contains(&lifetime),
            "offset {offset}: {lifetime}"
        );
        assert_eq!(
            set.lifetime_source,
            drivly_core::client::LifetimeSource::ExpiresMinusDate
        );
        let left = (set.expires - chrono::Utc::now()).num_seconds();
        assert!((590..=600).contains(&left), "offset {offset}: {left}");
    }
}

#[tokio::test]
async fn a_401_on_revoke_is_not_revoked() {
    let emu = start(&["client-id=app_42"], 0).await;
    let profile = Profile::emulator(emu.base_url());
    let client = DrivlyClient::builder(&profile)
        .client_id(Some("app_42".into()))
        .build()
        .unwrap();
    let rt = sign_in(&emu, &client).await.refresh_token.unwrap();
    let plain = DrivlyClient::new(&profile).unwrap();
    match plain.revoke(&rt).await {
        Err(e @ ClientError::NotRevoked { .. }) => {
            assert_eq!(e.code(), "not_revoked");
            assert!(e.to_string().contains("not revoked on the server"));
        }
        other => panic!("{other:?}"),
    }
}
