//! The use-case layer against the emulator over 127.0.0.1, with the real vault over its
//! in-memory secret store: sign-in (both redirect forms), sign-out with a server revoke, mint
//! with its history (a history failure keeps the token), and add / verify / remove of keys.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use drivly_core::ErrorCode;
use drivly_core::app_paths::AppPaths;
use drivly_core::client::{DrivlyClient, KeyVerdict};
use drivly_core::clock::{Clock, SystemClock};
use drivly_core::login::{
    CompletedLogin, LoginOutcome, LoginRegistry, RedirectTarget, parse_callback,
};
use drivly_core::profile::store::{EnvOverrides, ProfileStore};
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::secret::{ApiKey, Jwt};
use drivly_core::session::{NoEvents, Revocation, SessionState, SessionStore};
use drivly_core::usecases::keys::{self, KeyStatus, NewKey};
use drivly_core::usecases::mint::{self, HistoryWrite, MintHistory, MintRequest};
use drivly_core::usecases::sessions::{StoredState, rename_session, stored_sessions};
use drivly_core::usecases::sign_in::{SignInError, complete_sign_in};
use drivly_core::usecases::sign_out::{sign_out, sign_out_profile};
use drivly_core::usecases::{RunMode, RunningSessions, Stores, UseCaseError, issuers_from_store};
use drivly_core::vault::{MemoryStore, MintRecord, Vault, VaultError};
use drivly_emulator::{Config, Emulator};

const WAIT: Duration = Duration::from_secs(20);

struct World {
    emu: Emulator,
    _dir: tempfile::TempDir,
    stores: Stores,
    secrets: MemoryStore,
    lock_dir: std::path::PathBuf,
}

impl World {
    async fn new() -> Self {
        let config = Config {
            users: vec![("ana@example.com".into(), "ana-password".into())],
            ..Config::default()
        };
        let emu = Emulator::start(config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths::in_folder(dir.path());
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let overrides = EnvOverrides {
            emulator_url: Some(emu.base_url().to_string()),
            profile: Some("emulator".into()),
        };
        let profiles =
            Arc::new(ProfileStore::open_with(&paths, overrides, Arc::clone(&clock)).unwrap());
        let secrets = MemoryStore::new();
        let (vault, _) = Vault::open(&paths, Arc::new(secrets.clone())).unwrap();
        Self {
            emu,
            lock_dir: paths.lock_dir(),
            _dir: dir,
            stores: Stores {
                vault: Arc::new(vault),
                profiles,
                clock,
            },
            secrets,
        }
    }

    fn profile(&self) -> Profile {
        self.stores.profiles.get(&emulator_id()).unwrap()
    }

    fn running(&self, mode: RunMode) -> RunningSessions {
        let store: Arc<dyn SessionStore> = self.stores.vault.clone();
        RunningSessions::new(
            store,
            Arc::new(NoEvents),
            Arc::clone(&self.stores.clock),
            issuers_from_store(Arc::clone(&self.stores.profiles)),
            self.lock_dir.clone(),
            mode,
        )
    }

    /// A login completed through the emulator's real pages (code form).
    async fn completed_login(&self) -> CompletedLogin {
        let (email, password) = self.emu.demo_user();
        self.completed_login_as(&email, &password).await
    }

    /// As [`World::completed_login`], as another user.
    async fn completed_login_as(&self, email: &str, password: &str) -> CompletedLogin {
        let registry = LoginRegistry::new(Arc::new(SystemClock));
        let target = RedirectTarget::private_use("ly.driv.keys.test").unwrap();
        let started = registry.start(
            &self.profile(),
            &["invoices.read".to_owned()],
            target.clone(),
        );
        let back = drivly_emulator::testing::complete_browser_login(
            &started.authorize_url,
            email,
            password,
            true,
        )
        .await
        .unwrap();
        registry
            .complete(parse_callback(back.as_str(), &target).unwrap())
            .unwrap()
    }

    fn requests(&self, path: &str) -> Vec<u16> {
        self.emu
            .request_log()
            .into_iter()
            .filter(|r| r.path == path)
            .map(|r| r.status)
            .collect()
    }

    async fn add_key(
        &self,
        label: &str,
        secret: &str,
    ) -> Result<drivly_core::vault::ApiKeyMeta, UseCaseError> {
        keys::add_key(
            &self.stores,
            NewKey {
                profile_id: &emulator_id(),
                label,
                secret,
                note: None,
            },
        )
        .await
    }
}

fn emulator_id() -> ProfileId {
    ProfileId::parse("emulator").unwrap()
}

#[tokio::test]
async fn a_code_sign_in_is_stored_with_last_refresh_and_runs_without_a_read_back() {
    let w = World::new().await;
    let running = w.running(RunMode::Background);
    let completed = w.completed_login().await;
    let signed_in = complete_sign_in(completed, &w.profile(), &running)
        .await
        .unwrap();
    let view = signed_in.view;
    assert_eq!(view.state, SessionState::Active);
    assert!(view.meta.jwt_expires.unwrap() > Utc::now() + chrono::TimeDelta::seconds(60));
    // Stored: refresh token, shared JWT, and the record with its times.
    let store: &dyn SessionStore = w.stores.vault.as_ref();
    assert!(store.refresh_token(&view.meta.id).unwrap().is_some());
    assert!(store.shared_jwt(&view.meta.id).unwrap().is_some());
    let records = store.records().unwrap();
    assert_eq!(records.len(), 1);
    assert!(records[0].last_refresh.is_some(), "lastRefresh is recorded");
    assert_eq!(records[0].jwt_expires, view.meta.jwt_expires);
    // Handed to the refresher: it serves the JWT in hand, no refresh needed.
    assert_eq!(running.views().await.len(), 1);
    let refresher = running.get(&view.meta.id).await.unwrap();
    refresher.token(None).await.unwrap();
    assert!(w.requests("/api/auth/refresh").is_empty());
}

#[tokio::test]
async fn a_token_form_with_an_unknown_expiry_refreshes_at_once_in_both_modes() {
    let w = World::new().await;
    let mut completed = w.completed_login().await;
    let LoginOutcome::Code { code, verifier } = completed.outcome else {
        panic!("the emulator answers with a code");
    };
    let set = DrivlyClient::new(&w.profile())
        .unwrap()
        .exchange_code(&code, &verifier, &completed.redirect_uri)
        .await
        .unwrap();
    // A JWT whose expiry nobody can tell: the redirect carried none and it has no `exp`.
    completed.outcome = LoginOutcome::Tokens {
        jwt: Jwt::new("opaque-token"),
        refresh_token: set.refresh_token,
        expires: None,
    };
    let running = w.running(RunMode::Background);
    let view = complete_sign_in(completed, &w.profile(), &running)
        .await
        .unwrap()
        .view;
    // One rule: unknown means "expired now", so the refresher refreshes at its first chance.
    let refresher = running.get(&view.meta.id).await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = refresher.view();
        if now
            .meta
            .jwt_expires
            .is_some_and(|e| e > Utc::now() + chrono::TimeDelta::seconds(60))
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never refreshed: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(w.requests("/api/auth/refresh"), vec![200]);
}

#[tokio::test]
async fn a_login_finished_against_another_profile_is_refused() {
    let w = World::new().await;
    let running = w.running(RunMode::Background);
    let completed = w.completed_login().await;
    let drivly = w
        .stores
        .profiles
        .get(&ProfileId::parse("drivly").unwrap())
        .unwrap();
    let error = complete_sign_in(completed, &drivly, &running)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "profile_mismatch");
    assert!(
        SessionStore::records(w.stores.vault.as_ref())
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_denied_or_tokenless_sign_in_stores_nothing() {
    let w = World::new().await;
    let running = w.running(RunMode::Background);
    let mut completed = w.completed_login().await;
    completed.outcome = LoginOutcome::Tokens {
        jwt: Jwt::new("opaque-token"),
        refresh_token: None,
        expires: None,
    };
    let error = complete_sign_in(completed, &w.profile(), &running)
        .await
        .unwrap_err();
    assert!(matches!(error, SignInError::NoRefreshToken), "{error:?}");
    let mut completed = w.completed_login().await;
    completed.outcome = LoginOutcome::Denied {
        error: "access_denied".into(),
        description: None,
    };
    let error = complete_sign_in(completed, &w.profile(), &running)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "sign_in_denied");
    assert!(
        SessionStore::records(w.stores.vault.as_ref())
            .unwrap()
            .is_empty()
    );
    assert!(running.views().await.is_empty());
}

#[tokio::test]
async fn sign_out_revokes_deletes_and_stops_and_nothing_refreshes_after() {
    let w = World::new().await;
    let running = w.running(RunMode::Background);
    let view = complete_sign_in(w.completed_login().await, &w.profile(), &running)
        .await
        .unwrap()
        .view;
    let done = sign_out(&running, &view.meta.id).await.unwrap();
    assert_eq!(done.revocation, Revocation::Revoked);
    assert!(done.revocation.ended_on_server());
    assert_eq!(done.message(), "Signed out and revoked on the server.");
    assert_eq!(w.requests("/api/auth/revoke"), vec![204]);
    let store: &dyn SessionStore = w.stores.vault.as_ref();
    assert!(store.refresh_token(&view.meta.id).unwrap().is_none());
    assert!(store.shared_jwt(&view.meta.id).unwrap().is_none());
    assert!(store.records().unwrap().is_empty());
    assert!(running.views().await.is_empty(), "the refresher is stopped");
    let again = sign_out(&running, &view.meta.id).await.unwrap_err();
    assert_eq!(again.code(), "session_not_found");
    assert!(w.requests("/api/auth/refresh").is_empty());
}

#[tokio::test]
async fn on_demand_sign_in_stores_without_running_and_sign_out_finds_the_stored_session() {
    let w = World::new().await;
    let running = w.running(RunMode::OnDemand);
    let view = complete_sign_in(w.completed_login().await, &w.profile(), &running)
        .await
        .unwrap()
        .view;
    assert!(running.views().await.is_empty(), "nothing runs on demand");
    let stored = stored_sessions(
        running.store(),
        running.clock().as_ref(),
        Some(&emulator_id()),
    )
    .await
    .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].state, StoredState::Active);
    assert_eq!(stored[0].meta.id, view.meta.id);
    let done = sign_out_profile(&running, &emulator_id()).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].revocation, Revocation::Revoked);
    assert!(
        stored_sessions(running.store(), running.clock().as_ref(), None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_session_without_a_refresh_token_lists_as_needs_sign_in() {
    let w = World::new().await;
    let running = w.running(RunMode::OnDemand);
    let view = complete_sign_in(w.completed_login().await, &w.profile(), &running)
        .await
        .unwrap()
        .view;
    let uuid = uuid::Uuid::parse_str(view.meta.id.as_str()).unwrap();
    w.stores.vault.delete_refresh_token(uuid).unwrap();
    let stored = stored_sessions(running.store(), running.clock().as_ref(), None)
        .await
        .unwrap();
    assert_eq!(stored[0].state, StoredState::NeedsSignIn);
    // Signing out says plainly that nothing was revoked on the server.
    let done = sign_out(&running, &view.meta.id).await.unwrap();
    assert!(matches!(
        done.revocation,
        Revocation::RemovedLocallyOnly { .. }
    ));
    assert!(
        done.message()
            .starts_with("Removed from this computer only")
    );
}

/// A history that always fails, as a full disk or a locked index would.
struct BrokenHistory;

impl MintHistory for BrokenHistory {
    fn record(&self, _record: MintRecord) -> Result<(), VaultError> {
        Err(VaultError::InvalidNote)
    }
}

#[tokio::test]
async fn a_history_write_failure_never_loses_the_minted_token() {
    let w = World::new().await;
    let key = w.add_key("demo", &w.emu.demo_api_key()).await.unwrap();
    let request = MintRequest {
        key_id: key.id,
        permissions: vec!["invoices.read".into()],
        expires: None,
        label: Some("ci".into()),
    };
    let minted = mint::mint_with_history(&w.stores, Arc::new(BrokenHistory), request.clone())
        .await
        .expect("the token is returned despite the history failure");
    assert_eq!(minted.jwt.expose_secret().split('.').count(), 3);
    assert!(matches!(minted.history, HistoryWrite::NotRecorded { .. }));
    assert!(
        minted
            .warning()
            .unwrap()
            .contains("not in the mint history")
    );
    assert!(mint::mint_history(&w.stores).await.unwrap().is_empty());

    let minted = mint::mint(&w.stores, request).await.unwrap();
    assert_eq!(minted.history, HistoryWrite::Recorded);
    let history = mint::mint_history(&w.stores).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].key_label, "demo");
    assert_eq!(history[0].record.label.as_deref(), Some("ci"));
    assert!(
        w.stores.vault.list_api_keys().unwrap()[0]
            .last_used
            .is_some()
    );
}

#[tokio::test]
async fn mint_requests_are_checked_before_the_server_is_asked() {
    let w = World::new().await;
    let key = w.add_key("demo", &w.emu.demo_api_key()).await.unwrap();
    let mut request = MintRequest {
        key_id: key.id,
        permissions: Vec::new(),
        expires: None,
        label: None,
    };
    let error = mint::mint(&w.stores, request.clone()).await.unwrap_err();
    assert_eq!(error.code(), "no_permissions");
    request.permissions = vec!["invoices.read".into()];
    request.expires = Some(Utc::now() - chrono::TimeDelta::seconds(5));
    assert_eq!(
        mint::mint(&w.stores, request.clone())
            .await
            .unwrap_err()
            .code(),
        "invalid_expiry"
    );
    request.expires = None;
    request.key_id = uuid::Uuid::new_v4();
    assert_eq!(
        mint::mint(&w.stores, request).await.unwrap_err().code(),
        "key_not_found"
    );
    assert!(w.requests("/api/auth").is_empty());
}

#[tokio::test]
async fn keys_are_added_by_the_input_rules_and_masked_one_way() {
    let w = World::new().await;
    for (text, code) in [
        ("hello world", "key_whitespace"),
        ("", "key_empty"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "key_is_jwt"),
    ] {
        let error = w.add_key("junk", text).await.unwrap_err();
        assert_eq!(error.code(), code, "{text:?}");
    }
    assert!(keys::list_keys(&w.stores, None).await.unwrap().is_empty());
    assert!(
        w.secrets.item_names().is_empty(),
        "nothing reached the keyring"
    );

    let secret = "dk_test_0123456789abcdef4f78";
    let added = w.add_key("laptop", &format!("  {secret}\n")).await.unwrap();
    assert_eq!(added.masked_tail, "••••4f78");
    assert_eq!(keys::mask(&ApiKey::new(secret)), added.masked_tail);
    let listed = keys::list_keys(&w.stores, Some(&emulator_id()))
        .await
        .unwrap();
    assert_eq!(listed[0].masked_tail, "••••4f78");
    assert_eq!(
        w.stores
            .vault
            .reveal_api_key(added.id)
            .unwrap()
            .expose_secret(),
        secret,
        "stored trimmed"
    );
}

#[tokio::test]
async fn keys_are_verified_and_removal_revokes_on_the_server() {
    let w = World::new().await;
    let secret = w.emu.create_api_key("to-remove");
    let key = w.add_key("to-remove", &secret).await.unwrap();
    let check = keys::verify_key(&w.stores, key.id).await.unwrap();
    assert_eq!(check.status, KeyStatus::Valid, "{}", check.message);

    let removal = keys::remove_key(&w.stores, key.id, true).await.unwrap();
    assert_eq!(removal.revocation, Revocation::Revoked);
    assert!(removal.message().contains("was revoked on"));
    assert!(keys::list_keys(&w.stores, None).await.unwrap().is_empty());
    let client = DrivlyClient::new(&w.profile()).unwrap();
    assert!(matches!(
        client.verify_api_key(&ApiKey::new(secret.as_str())).await,
        KeyVerdict::Rejected
    ));

    // Keeping it on the server is said plainly, and the key still works there.
    let kept = w.emu.create_api_key("kept");
    let other = w.add_key("kept", &kept).await.unwrap();
    let removal = keys::remove_key(&w.stores, other.id, false).await.unwrap();
    assert_eq!(removal.revocation, Revocation::NotRequested);
    assert!(removal.message().contains("still works"));
    assert!(matches!(
        client.verify_api_key(&ApiKey::new(kept.as_str())).await,
        KeyVerdict::Valid
    ));
}

#[tokio::test]
async fn a_rejected_key_is_a_verdict_not_an_error() {
    let w = World::new().await;
    let key = w
        .add_key("wrong", "dk_test_not_a_real_key_000000")
        .await
        .unwrap();
    let check = keys::verify_key(&w.stores, key.id).await.unwrap();
    assert_eq!(check.status, KeyStatus::Rejected);
}

#[tokio::test]
async fn the_code_exchange_uses_the_profile_as_it_was_at_start() {
    // Issue #13 item 13: the profile is bound when the sign-in starts.
    let w = World::new().await;
    let running = w.running(RunMode::OnDemand);
    let completed = w.completed_login().await;
    // A path changed while the user was in the browser: the exchange still goes where the
    // sign-in started.
    let mut edited = w.profile();
    edited.endpoints.token = "moved/token".into();
    complete_sign_in(completed, &edited, &running)
        .await
        .expect("signed in at the captured token path");
    assert_eq!(w.requests("/api/auth/token"), vec![200]);
    assert!(w.requests("/api/moved/token").is_empty());

    // The server address changed: refused before anything is sent, since the session would
    // be refreshed at another server than the one that issued it.
    let completed = w.completed_login().await;
    let mut moved = w.profile();
    moved.base_url = url::Url::parse("http://127.0.0.1:9/api").unwrap();
    let error = complete_sign_in(completed, &moved, &running)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "profile_changed_during_sign_in");
    assert_eq!(
        w.requests("/api/auth/token"),
        vec![200],
        "no second exchange"
    );
    assert_eq!(
        SessionStore::records(w.stores.vault.as_ref())
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_missing_refresh_path_waits_for_the_fix_which_applies_without_a_restart() {
    // Issue #14 item 3: a 404 from the refresh endpoint is a setup error the refresher does not
    // retry on its own; the profile edit that fixes it reaches the running session.
    let w = World::new().await;
    let running = w.running(RunMode::Background);
    let completed = w.completed_login().await;
    let id = complete_sign_in(completed, &w.profile(), &running)
        .await
        .unwrap()
        .view
        .meta
        .id;
    let refresher = running.get(&id).await.unwrap();

    let mut wrong = w.profile();
    wrong.endpoints.refresh = "moved/refresh".into();
    w.stores.profiles.update(wrong).unwrap();
    let error = refresher.refresh_now().await.unwrap_err();
    assert_eq!(error.code(), "endpoint_not_found");
    assert!(error.to_string().contains("/api/moved/refresh"), "{error}");
    let SessionState::NeedsSetup { reason } = refresher.view().state else {
        panic!("expected needs setup: {:?}", refresher.view().state);
    };
    assert!(
        reason.message.contains("/api/moved/refresh"),
        "{}",
        reason.message
    );
    // The JWT in hand stays usable, without asking the server again.
    refresher.token(None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.requests("/api/moved/refresh"), vec![404], "asked once");

    let mut fixed = w.profile();
    fixed.endpoints.refresh = "auth/refresh".into();
    w.stores.profiles.update(fixed).unwrap();
    let view = refresher.refresh_now().await.unwrap();
    assert_eq!(view.state, SessionState::Active);
    assert_eq!(w.requests("/api/auth/refresh"), vec![200]);
}

#[tokio::test]
async fn one_session_per_account_named_by_email_and_renamed_by_the_user() {
    // Issue #16: the account is the token's email; signing in again as the same account
    // replaces the session (revoked on the server), and keeps the name the user gave it.
    let w = World::new().await;
    let running = w.running(RunMode::Background);
    let first = complete_sign_in(w.completed_login().await, &w.profile(), &running)
        .await
        .unwrap();
    let (email, _) = w.emu.demo_user();
    assert_eq!(first.view.meta.account.as_deref(), Some(email.as_str()));
    assert!(first.replaced.is_empty());
    let first_id = first.view.meta.id.clone();
    let named = rename_session(&running, &first_id, "  staging admin ")
        .await
        .unwrap();
    assert_eq!(named.meta.label.as_deref(), Some("staging admin"));
    assert_eq!(named.meta.display_name(), "staging admin");

    let again = complete_sign_in(w.completed_login().await, &w.profile(), &running)
        .await
        .unwrap();
    assert_eq!(again.replaced.len(), 1);
    assert_eq!(again.replaced[0].session_id, first_id);
    assert_eq!(again.replaced[0].revocation, Revocation::Revoked);
    assert!(
        again
            .message("Local emulator")
            .contains("replaces the earlier session"),
        "{}",
        again.message("Local emulator")
    );
    assert_eq!(
        again.view.meta.label.as_deref(),
        Some("staging admin"),
        "the name carries over"
    );
    assert_eq!(w.requests("/api/auth/revoke"), vec![204]);
    let records = SessionStore::records(w.stores.vault.as_ref()).unwrap();
    assert_eq!(records.len(), 1, "one session per account");
    assert_eq!(records[0].label.as_deref(), Some("staging admin"));

    // Another account is another session; names are unique per profile, ignoring case.
    let ana = complete_sign_in(
        w.completed_login_as("ana@example.com", "ana-password")
            .await,
        &w.profile(),
        &running,
    )
    .await
    .unwrap();
    assert!(ana.replaced.is_empty());
    assert_eq!(ana.view.meta.account.as_deref(), Some("ana@example.com"));
    let taken = rename_session(&running, &ana.view.meta.id, "Staging Admin")
        .await
        .unwrap_err();
    assert_eq!(taken.code(), "label_exists");
    let bad = rename_session(&running, &ana.view.meta.id, &"x".repeat(65))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "invalid_label");
    // An empty name clears it; a refresh never undoes a rename.
    rename_session(&running, &again.view.meta.id, "")
        .await
        .unwrap();
    let refresher = running.get(&again.view.meta.id).await.unwrap();
    refresher.refresh_now().await.unwrap();
    assert_eq!(refresher.view().meta.label, None);
    rename_session(&running, &ana.view.meta.id, "ana")
        .await
        .unwrap();
    running
        .get(&ana.view.meta.id)
        .await
        .unwrap()
        .refresh_now()
        .await
        .unwrap();
    let kept = SessionStore::records(w.stores.vault.as_ref()).unwrap();
    assert!(kept.iter().any(|m| m.label.as_deref() == Some("ana")));
}
