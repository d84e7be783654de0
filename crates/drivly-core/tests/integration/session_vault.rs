//! The refresher over the real vault and the emulator: the rotated refresh token and the shared
//! JWT land in the vault's items, the record in its index, and sign-out empties both. Run twice:
//! over the in-memory secret store (every `cargo test`), and over the real keyring (`#[ignore]`d:
//! it needs the Secret Service that `scripts/test` provides).

use super::session_common;

use std::sync::Arc;
use std::time::Duration;

use drivly_core::app_paths::AppPaths;
use drivly_core::clock::SystemClock;
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::session::{
    NoEvents, RefresherConfig, RefresherDeps, Revocation, SessionId, SessionMeta, SessionRefresher,
    SessionState, SessionStore, SharedJwt, establish, meta_from_record,
};
use drivly_core::vault::{MemoryStore, SecretStore, Vault};
use drivly_emulator::Config;

#[tokio::test]
async fn refresher_over_the_vault_rotates_shares_and_signs_out() {
    rotates_shares_and_signs_out(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn refresher_over_the_vault_in_the_real_keyring() {
    let service = super::keyring_gnome::test_service();
    rotates_shares_and_signs_out(Arc::new(super::keyring_gnome::platform_store(&service))).await;
}

async fn rotates_shares_and_signs_out(secrets: Arc<dyn SecretStore>) {
    let emu = session_common::emulator(Config::default()).await;
    let profile = Profile::emulator(emu.base_url());
    let client = session_common::client(&profile, Arc::new(SystemClock));
    let tokens = session_common::sign_in(&emu, &client).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (vault, report) =
        Vault::open(&AppPaths::in_folder(dir.path()), Arc::clone(&secrets)).expect("vault opens");
    assert!(report.store_error.is_none(), "the store works");
    let vault = Arc::new(vault);
    let meta = SessionMeta::new(
        SessionId::new_random(),
        ProfileId::parse("emulator").expect("id"),
        Some("usr_demo".into()),
        vec!["invoices.read".into()],
        chrono::Utc::now(),
    );
    let first_rt = tokens.refresh_token.expect("refresh token");
    let shared = SharedJwt {
        jwt: tokens.jwt,
        requested_at: tokens.requested_at,
        expires: tokens.expires,
    };
    establish(vault.clone(), &meta, &first_rt, &shared)
        .await
        .expect("stored");

    let deps = RefresherDeps {
        issuer: Arc::new(client),
        store: vault.clone(),
        events: Arc::new(NoEvents),
        clock: Arc::new(SystemClock),
    };
    let mut config = RefresherConfig::new(dir.path().join("locks"));
    config.tick = Duration::from_secs(3600);
    let refresher = SessionRefresher::start(meta.clone(), deps, config).await;
    // The shared JWT from sign-in is reused: no network call.
    let jwt = refresher.token(None).await.expect("token");
    assert_eq!(jwt.expose_secret(), shared.jwt.expose_secret());

    for _ in 0..3 {
        refresher.refresh_now().await.expect("refresh");
    }
    let stored_rt = vault
        .refresh_token(&meta.id)
        .expect("read")
        .expect("refresh token");
    assert!(
        !stored_rt.ct_eq(first_rt.expose_secret()),
        "the rotated token was not stored"
    );
    let stored_jwt = vault
        .shared_jwt(&meta.id)
        .expect("read")
        .expect("shared JWT");
    let current = refresher.token(None).await.expect("token");
    assert_eq!(stored_jwt.jwt.expose_secret(), current.expose_secret());
    let uuid = uuid::Uuid::parse_str(meta.id.as_str()).expect("uuid");
    let record = vault.get_session(uuid).expect("record");
    let back = meta_from_record(&record);
    assert_eq!(back.id, meta.id);
    assert!(
        back.last_refresh.is_some() && back.jwt_expires.is_some() && back.next_refresh.is_some()
    );

    assert_eq!(
        refresher.sign_out().await.expect("sign out"),
        Revocation::Revoked
    );
    assert_eq!(refresher.view().state, SessionState::SignedOut);
    assert!(vault.refresh_token(&meta.id).expect("read").is_none());
    assert!(vault.shared_jwt(&meta.id).expect("read").is_none());
    assert_eq!(
        secrets.list().expect("list"),
        Some(vec![]),
        "keyring items left"
    );
}
