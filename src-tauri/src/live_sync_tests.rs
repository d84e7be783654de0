//! Live sync against the real stores: a second vault and profile store on the same folder (as
//! the CLI would be) change things, and the app's state and UI events follow within 2 s.

use std::sync::Arc;
use std::time::Duration;

use drivly_core::app_paths::AppPaths;
use drivly_core::clock::SystemClock;
use drivly_core::profile::store::{EnvOverrides, ProfileStore};
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::secret::{ApiKey, Jwt, RefreshToken};
use drivly_core::session::{SessionId, SessionMeta, SharedJwt, establish};
use drivly_core::settings::{SettingsPatch, Theme};
use drivly_core::vault::{MemoryStore, Vault};
use tokio::sync::mpsc::UnboundedReceiver;

use super::*;
use crate::clipboard::{MemoryBackend, SecureClipboard};
use crate::state::StartOptions;

const PROMISE: Duration = Duration::from_secs(2);

/// Waits for `wanted` (other events may come first), at most 2 s.
async fn expect(events: &mut UnboundedReceiver<BackendEvent>, wanted: BackendEvent) {
    let found = tokio::time::timeout(PROMISE, async {
        while let Some(event) = events.recv().await {
            if event == wanted {
                return true;
            }
        }
        false
    })
    .await;
    assert!(matches!(found, Ok(true)), "no {wanted:?} within 2 s");
}

fn unwrap<T, E: std::fmt::Debug>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| unreachable!("{e:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_by_another_process_reach_the_app() {
    let dir = unwrap(tempfile::tempdir());
    let paths = AppPaths::in_folder(dir.path());
    let secrets = MemoryStore::new();
    let options = StartOptions {
        overrides: EnvOverrides {
            emulator_url: Some("http://127.0.0.1:9/".into()),
            profile: Some("emulator".into()),
        },
        demo: None,
    };
    let (state, receivers) = unwrap(AppState::assemble(
        paths.clone(),
        options,
        Ok(Arc::new(secrets.clone())),
        SecureClipboard::new(Box::new(MemoryBackend::default())),
    ));
    let mut events = receivers.backend;
    assert!(state.vault().await.is_ok());
    let watch = unwrap(StoreWatch::start(&paths));

    // "The CLI": its own handles on the same folder and keyring.
    let body = async {
        let (other, _) = unwrap(Vault::open(&paths, Arc::new(secrets.clone())));
        let other = Arc::new(other);
        let emulator = unwrap(ProfileId::parse("emulator"));
        unwrap(other.add_api_key(
            "ci",
            &emulator,
            &ApiKey::new("dk_test_0123456789abcd"),
            None,
        ));
        expect(&mut events, BackendEvent::KeysChanged).await;

        let cli_profiles = unwrap(ProfileStore::open_with(
            &paths,
            EnvOverrides::default(),
            Arc::new(SystemClock),
        ));
        let mut staging = Profile::emulator(unwrap(url::Url::parse("http://127.0.0.1:9/")));
        staging.id = unwrap(ProfileId::parse("staging"));
        staging.name = "Staging".into();
        unwrap(cli_profiles.add(staging));
        expect(&mut events, BackendEvent::ProfilesChanged).await;
        unwrap(cli_profiles.update_settings(&SettingsPatch {
            theme: Some(Theme::Dark),
            ..SettingsPatch::default()
        }));
        expect(&mut events, BackendEvent::SettingsChanged).await;

        // A sign-in elsewhere: the app starts its refresher and lists it.
        let meta = SessionMeta::new(
            SessionId::new_random(),
            emulator.clone(),
            Some("usr_demo".into()),
            vec!["invoices.read".into()],
            chrono::Utc::now(),
        );
        let now = chrono::Utc::now();
        let jwt = SharedJwt {
            jwt: Jwt::new("header.payload.signature"),
            requested_at: now,
            expires: now + chrono::TimeDelta::hours(1),
        };
        unwrap(
            establish(
                other.clone(),
                &meta,
                &RefreshToken::new("rt-elsewhere"),
                &jwt,
            )
            .await,
        );
        expect(&mut events, BackendEvent::SessionsChanged).await;
        let hub = unwrap(state.sessions().await);
        let ids: Vec<String> = hub
            .views()
            .await
            .into_iter()
            .map(|v| v.meta.id.as_str().to_owned())
            .collect();
        assert_eq!(ids, vec![meta.id.as_str().to_owned()]);

        // The app signs it out itself (nothing listens at the profile's URL: removed locally);
        // a notice arriving before its record goes does not revive it.
        unwrap(drivly_core::usecases::sign_out::sign_out(hub.running(), &meta.id).await);
        let second = SessionMeta::new(
            SessionId::new_random(),
            emulator.clone(),
            None,
            Vec::new(),
            chrono::Utc::now(),
        );
        unwrap(establish(other.clone(), &second, &RefreshToken::new("rt-2"), &jwt).await);
        expect(&mut events, BackendEvent::SessionsChanged).await;
        let ids: Vec<String> = hub
            .views()
            .await
            .into_iter()
            .map(|v| v.meta.id.as_str().to_owned())
            .collect();
        assert_eq!(ids, vec![second.id.as_str().to_owned()]);

        // A sign-out elsewhere: the refresher stops and the session leaves the list. (The
        // first session's record went with the app's own sign-out.)
        unwrap(other.remove_session(unwrap(uuid::Uuid::parse_str(second.id.as_str()))));
        expect(&mut events, BackendEvent::SessionsChanged).await;
        assert!(hub.views().await.is_empty());
    };
    tokio::select! {
        () = run(&state, watch) => unreachable!("live sync ended"),
        () = body => {}
    }
}
