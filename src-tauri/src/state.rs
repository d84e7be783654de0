//! The shell's managed state: the core's stores and the app's background parts, assembled once
//! at start. Commands borrow it through `tauri::State<AppState>`.
//!
//! The keyring may be unavailable (no Secret Service, locked): the app still starts, shows why,
//! and every command that needs a secret answers with that error. There is never a plaintext
//! fallback.

use std::sync::Arc;

use drivly_core::app_paths::AppPaths;
use drivly_core::clock::{Clock, SystemClock};
use drivly_core::login::{LoginRegistry, RedirectTarget};
use drivly_core::profile::store::{EnvOverrides, ProfileStore};
use drivly_core::session::ports::SessionStore;
use drivly_core::session::{SessionEvent, SessionMeta, meta_from_record};
use drivly_core::vault::{KeyringOptions, KeyringStore, SecretStore, Vault};
use tokio::sync::mpsc;

use crate::clipboard::SecureClipboard;
use crate::commands::app_info::DemoInfo;
use crate::events::{BackendEvent, EventSink};
use crate::held_tokens::HeldTokens;
use crate::ipc_error::{IpcError, IpcResult};
use crate::sessions_hub::SessionHub;

/// How the app was started.
#[derive(Debug, Default)]
pub struct StartOptions {
    /// Overrides from the environment (profile, emulator URL); the demo sets the emulator URL.
    pub overrides: EnvOverrides,
    /// The embedded emulator's details in demo mode.
    pub demo: Option<DemoInfo>,
}

/// Receivers the app drains once its window exists.
#[derive(Debug)]
pub struct EventReceivers {
    /// Events for the UI.
    pub backend: mpsc::UnboundedReceiver<BackendEvent>,
    /// Events from the session refreshers.
    pub sessions: mpsc::UnboundedReceiver<SessionEvent>,
}

/// State shared by all commands.
#[derive(Debug)]
pub struct AppState {
    /// Where config and index files live.
    pub paths: AppPaths,
    /// Profiles and settings.
    pub profiles: Arc<ProfileStore>,
    vault: Result<Arc<Vault>, IpcError>,
    /// The clipboard guard.
    pub clipboard: SecureClipboard,
    /// Tokens held for the UI by reference.
    pub tokens: HeldTokens,
    /// Pending browser sign-ins.
    pub logins: Arc<LoginRegistry>,
    /// Running sessions (present when the vault is).
    pub sessions: Option<SessionHub>,
    /// Events to the UI.
    pub events: EventSink,
    /// The wall clock.
    pub clock: Arc<dyn Clock>,
    /// The sign-in redirect of this build (its private-use scheme).
    pub deep_link_redirect: RedirectTarget,
    /// Demo details, in demo mode.
    pub demo: Option<DemoInfo>,
    /// Things found at start the user should know.
    pub notices: Vec<String>,
    /// The loopback listener's task of the sign-in in progress, if any.
    pub sign_in_task: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl AppState {
    /// Opens the stores for this process over the platform keyring.
    pub fn open(
        options: StartOptions,
        clipboard: SecureClipboard,
    ) -> Result<(Self, EventReceivers), IpcError> {
        let store: Result<Arc<dyn SecretStore>, IpcError> =
            KeyringStore::open_platform(KeyringOptions::from_env())
                .map(|s| Arc::new(s) as Arc<dyn SecretStore>)
                .map_err(IpcError::from);
        let paths = AppPaths::from_env()?;
        Self::assemble(paths, options, store, clipboard)
    }

    /// Assembles the state over `store` (tests pass an in-memory store).
    pub fn assemble(
        paths: AppPaths,
        options: StartOptions,
        store: Result<Arc<dyn SecretStore>, IpcError>,
        clipboard: SecureClipboard,
    ) -> Result<(Self, EventReceivers), IpcError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let profiles = Arc::new(ProfileStore::open_with(
            &paths,
            options.overrides,
            Arc::clone(&clock),
        )?);
        let mut notices = crate::notices::from_files(&profiles.take_notices());

        let vault = store.and_then(|store| {
            let (vault, report) = Vault::open(&paths, store)?;
            notices.extend(crate::notices::from_reconcile(&report));
            Ok(Arc::new(vault))
        });
        if let Err(error) = &vault {
            notices.push(format!(
                "Secure storage is unavailable: {}. Keys and sessions cannot be used until it is.",
                error.message.trim_end_matches('.')
            ));
        }

        let (events, backend) = EventSink::new();
        let (session_events, sessions_rx) = mpsc::unbounded_channel::<SessionEvent>();
        let sessions = vault.as_ref().ok().map(|vault| {
            SessionHub::new(
                Arc::clone(vault) as Arc<dyn SessionStore>,
                Arc::new(session_events),
                Arc::clone(&clock),
                Arc::clone(&profiles),
                paths.lock_dir(),
            )
        });
        let state = Self {
            paths,
            profiles,
            vault,
            clipboard,
            tokens: HeldTokens::default(),
            logins: Arc::new(LoginRegistry::new(Arc::clone(&clock))),
            sessions,
            events,
            clock,
            deep_link_redirect: RedirectTarget::for_this_build(),
            demo: options.demo,
            notices,
            sign_in_task: std::sync::Mutex::default(),
        };
        Ok((
            state,
            EventReceivers {
                backend,
                sessions: sessions_rx,
            },
        ))
    }

    /// The vault, or why it is unavailable.
    pub fn vault(&self) -> IpcResult<Arc<Vault>> {
        self.vault.clone()
    }

    /// The session hub, or why sessions are unavailable.
    pub fn sessions(&self) -> IpcResult<&SessionHub> {
        match (&self.sessions, &self.vault) {
            (Some(hub), _) => Ok(hub),
            (None, Err(error)) => Err(error.clone()),
            (None, Ok(_)) => Err(IpcError::new("internal", "sessions are not running")),
        }
    }

    /// The stored sessions' records, for starting their refreshers.
    pub fn stored_sessions(&self) -> Vec<SessionMeta> {
        self.vault
            .as_ref()
            .ok()
            .and_then(|vault| vault.list_sessions().ok())
            .map(|records| records.iter().map(meta_from_record).collect())
            .unwrap_or_default()
    }

    /// The clipboard clear delay from the settings (`None` when off).
    pub fn clipboard_delay(&self) -> Option<std::time::Duration> {
        let seconds = self
            .profiles
            .settings()
            .map(|s| s.clipboard_clear_seconds)
            .unwrap_or(30);
        (seconds > 0).then(|| std::time::Duration::from_secs(u64::from(seconds)))
    }
}
