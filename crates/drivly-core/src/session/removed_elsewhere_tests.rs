//! A session removed by another process is never refreshed again: before the refresher uses
//! the refresh token (under the session lock) it checks that the record is still kept, and
//! stops with its ended event, without a network call, when it is not.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::*;
use crate::app_paths::AppPaths;
use crate::client::{DrivlyClient, TokenSet};
use crate::clock::SystemClock;
use crate::profile::{Profile, ProfileId};
use crate::secret::{AuthCode, PkceVerifier};
use crate::vault::{JournalState, MemoryStore, StoreFault, Vault};

const REFRESH_PATH: &str = "/api/auth/refresh";

/// Signs in through the emulator's pages.
async fn sign_in(emu: &drivly_emulator::Emulator, client: &DrivlyClient) -> TokenSet {
    let verifier = "removed-elsewhere-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect_uri = "ly.driv.keys.test:/auth/callback";
    let mut url = url::Url::parse(&format!("{}/auth", emu.base_url()))
        .unwrap_or_else(|e| unreachable!("{e}"));
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "state-removed-elsewhere-0123456789")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("permissions", "invoices.read");
    let (email, password) = emu.demo_user();
    let back = drivly_emulator::testing::complete_browser_login(&url, &email, &password, true)
        .await
        .unwrap_or_else(|e| unreachable!("browser login: {e}"));
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| unreachable!("no code in the redirect"));
    client
        .exchange_code(
            &AuthCode::new(code),
            &PkceVerifier::new(verifier),
            redirect_uri,
        )
        .await
        .unwrap_or_else(|e| unreachable!("code exchange: {e}"))
}

fn refreshes(emu: &drivly_emulator::Emulator) -> usize {
    emu.request_log()
        .iter()
        .filter(|r| r.path == REFRESH_PATH)
        .count()
}

#[tokio::test]
async fn a_session_removed_by_another_vault_handle_is_never_refreshed_again() {
    let emu = drivly_emulator::Emulator::start(drivly_emulator::Config::default())
        .await
        .unwrap_or_else(|e| unreachable!("emulator: {e}"));
    let profile = Profile::emulator(emu.base_url());
    let client = DrivlyClient::builder(&profile)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let tokens = sign_in(&emu, &client).await;

    // Two vault handles on one folder and one keyring: this process and "another" one.
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let paths = AppPaths::in_folder(dir.path());
    let secrets = MemoryStore::new();
    let open = || {
        Vault::open(&paths, Arc::new(secrets.clone()))
            .map(|(vault, _)| Arc::new(vault))
            .unwrap_or_else(|e| unreachable!("{e}"))
    };
    let (ours, theirs) = (open(), open());
    let meta = SessionMeta::new(
        SessionId::new_random(),
        ProfileId::parse("emulator").unwrap_or_else(|e| unreachable!("{e}")),
        None,
        vec!["invoices.read".into()],
        chrono::Utc::now(),
    );
    let refresh_token = tokens
        .refresh_token
        .unwrap_or_else(|| unreachable!("no refresh token"));
    let shared = SharedJwt {
        jwt: tokens.jwt,
        requested_at: tokens.requested_at,
        expires: tokens.expires,
    };
    establish(ours.clone(), &meta, &refresh_token, &shared)
        .await
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (sink, mut events) = mpsc::unbounded_channel();
    let deps = RefresherDeps {
        issuer: Arc::new(client),
        store: ours.clone(),
        events: Arc::new(sink),
        clock: Arc::new(SystemClock),
    };
    let mut config = RefresherConfig::new(paths.lock_dir());
    config.tick = Duration::from_secs(3600);
    let refresher = SessionRefresher::start(meta.clone(), deps, config).await;
    refresher
        .refresh_now()
        .await
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(refreshes(&emu), 1);

    // The other process signs out, and is cut off half-way: the record is marked `deleting`
    // and the keyring items (refresh token included) are still there.
    let id = uuid::Uuid::parse_str(meta.id.as_str()).unwrap_or_else(|e| unreachable!("{e}"));
    secrets.inject(&[StoreFault::Locked]);
    assert!(theirs.remove_session(id).is_err());
    let left = theirs
        .get_session(id)
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(left.state, JournalState::Deleting);
    assert!(ours.refresh_token(&meta.id).ok().flatten().is_some());

    // Neither an explicit refresh nor a token request reaches the server any more.
    assert!(matches!(
        refresher.refresh_now().await,
        Err(SessionError::SignedOut)
    ));
    assert!(matches!(
        refresher.token(Some(Duration::from_secs(86_400))).await,
        Err(SessionError::SignedOut)
    ));
    assert_eq!(refresher.view().state, SessionState::SignedOut);
    assert_eq!(refreshes(&emu), 1, "the removed session was refreshed");
    let mut ended = false;
    while let Ok(event) = events.try_recv() {
        ended |= matches!(event, SessionEvent::SignedOut { ref session_id, .. } if *session_id == meta.id);
    }
    assert!(ended, "no signed-out event");
}

#[tokio::test]
async fn a_record_removed_from_the_shared_store_stops_the_refresher_without_a_call() {
    let emu = drivly_emulator::Emulator::start(drivly_emulator::Config::default())
        .await
        .unwrap_or_else(|e| unreachable!("emulator: {e}"));
    let profile = Profile::emulator(emu.base_url());
    let client = DrivlyClient::new(&profile).unwrap_or_else(|e| unreachable!("{e}"));
    let tokens = sign_in(&emu, &client).await;
    let store = MemorySessionStore::new();
    let meta = SessionMeta::new(
        SessionId::new_random(),
        ProfileId::parse("emulator").unwrap_or_else(|e| unreachable!("{e}")),
        None,
        Vec::new(),
        chrono::Utc::now(),
    );
    let shared = SharedJwt {
        jwt: tokens.jwt,
        requested_at: tokens.requested_at,
        expires: tokens.expires,
    };
    let refresh_token = tokens
        .refresh_token
        .unwrap_or_else(|| unreachable!("no refresh token"));
    establish(Arc::new(store.clone()), &meta, &refresh_token, &shared)
        .await
        .unwrap_or_else(|e| unreachable!("{e}"));
    let lock_dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let mut config = RefresherConfig::new(lock_dir.path());
    config.tick = Duration::from_secs(3600);
    let deps = RefresherDeps {
        issuer: Arc::new(client),
        store: Arc::new(store.clone()),
        events: Arc::new(NoEvents),
        clock: Arc::new(SystemClock),
    };
    let refresher = SessionRefresher::start(meta.clone(), deps, config).await;
    let before = refreshes(&emu);
    // A second handle on the same store removes the record; the secrets stay.
    assert!(store.record(&meta.id).is_some());
    store
        .remove_record(&meta.id)
        .expect("the record is removed");
    assert!(matches!(
        refresher.refresh_now().await,
        Err(SessionError::SignedOut)
    ));
    assert_eq!(refreshes(&emu), before);
}
