//! The shell's managed state: the core's stores and the app's background parts, assembled once
//! at start. Commands borrow it through `tauri::State<AppState>`.
//!
//! The keyring may be unavailable (no Secret Service, locked): the app still starts, shows why,
//! and every command that needs a secret answers with that error. There is never a plaintext
//! fallback.

use drivly_core::Code;
use std::sync::Arc;

use drivly_core::app_paths::AppPaths;
use drivly_core::clock::{Clock, SystemClock};
use drivly_core::login::{LoginRegistry, RedirectTarget};
use drivly_core::profile::store::{EnvOverrides, ProfileStore};
use drivly_core::session::SessionEvent;
use drivly_core::session::ports::SessionStore;
use drivly_core::usecases::Stores;
use drivly_core::vault::{KeyringOptions, KeyringStore, ORPHAN_GRACE, SecretStore, Vault};
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

/// Where the secret store comes from. Cloned into each opening attempt, so an attempt whose
/// caller went away (a dropped command) leaves it intact for the next one.
#[derive(Clone)]
enum StoreSource {
    /// The platform keyring, opened on first use (D-Bus round trips: never on the main thread).
    Platform,
    /// A store given by the caller (tests), or why there is none.
    Given(Result<Arc<dyn SecretStore>, IpcError>),
    /// Opened by the caller's function at each attempt (tests of a keyring unlocked later).
    Opener(StoreOpener),
}

/// Opens a secret store, or says why it cannot (yet).
pub type StoreOpener = Arc<dyn Fn() -> Result<Arc<dyn SecretStore>, IpcError> + Send + Sync>;

/// Secure storage once opened: the vault (or why it is unavailable), the refreshers over it,
/// and what opening it found that the user should know.
#[derive(Debug)]
pub struct Storage {
    vault: Arc<Vault>,
    sessions: SessionHub,
    notices: Vec<String>,
}

/// How long a failed opening of secure storage is answered from memory before the next call
/// tries again: one screen's burst of calls costs one attempt, and unlocking the keyring then
/// pressing "Retry" (or just using the app) works without a restart.
const STORAGE_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// State shared by all commands.
///
/// Secure storage opens lazily ([`AppState::storage`]): the app's start kicks it off in the
/// background, so the window loads while the keyring answers, and commands that need it wait
/// for the same opening. A success is kept for the app's life; a failure only briefly, so a
/// keyring unlocked later is found by the next call.
pub struct AppState {
    /// Where config and index files live.
    pub paths: AppPaths,
    /// Profiles and settings.
    pub profiles: Arc<ProfileStore>,
    store_source: StoreSource,
    storage: tokio::sync::OnceCell<Storage>,
    /// The last failed opening and when, while secure storage is not open.
    storage_failure: std::sync::Mutex<Option<(std::time::Instant, IpcError)>>,
    /// One opening at a time.
    opening: tokio::sync::Mutex<()>,
    session_events: Arc<mpsc::UnboundedSender<SessionEvent>>,
    /// The clipboard guard.
    pub clipboard: SecureClipboard,
    /// Tokens held for the UI by reference.
    pub tokens: HeldTokens,
    /// The session cards' local API proxies (issue #15).
    pub local_proxies: crate::local_proxies::LocalProxies,
    /// Pending browser sign-ins.
    pub logins: Arc<LoginRegistry>,
    /// Events to the UI.
    pub events: EventSink,
    /// The wall clock.
    pub clock: Arc<dyn Clock>,
    /// The sign-in redirect of this build (its private-use scheme).
    pub deep_link_redirect: RedirectTarget,
    /// Demo details, in demo mode.
    pub demo: Option<DemoInfo>,
    /// Things found in the config files at start the user should know.
    profile_notices: Vec<String>,
    /// The loopback listener's task of the sign-in in progress, if any.
    pub sign_in_task: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Opens the system browser for a sign-in ([`drivly_core::browser::open`]); the IPC tests
    /// put a recorder here, as a person's browser would only be told the URL.
    pub browser: BrowserOpener,
    /// Native confirmations (the platform dialog once the app is set up; tests inject one).
    pub confirmer: crate::native_confirm::Confirmer,
    /// Reveals approved in the last minute, by key id.
    pub reveal_approvals: crate::native_confirm::RecentApprovals,
    /// Whether this desktop shows tray icons (decides what closing the window does).
    pub tray_host: crate::tray_host::TrayHostState,
    /// The page's state across the window closing to the tray, and requests for a page that
    /// is not there yet.
    pub page_memory: crate::page_memory::PageMemory,
}

/// Opens a URL in the system browser; returns the program that took it.
pub type BrowserOpener =
    Arc<dyn Fn(&str) -> Result<String, drivly_core::browser::BrowserError> + Send + Sync>;

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("paths", &self.paths)
            .field("storage", &self.storage.get())
            .field("demo", &self.demo.is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The state for this process over the platform keyring, which opens on first use.
    pub fn open(
        options: StartOptions,
        clipboard: SecureClipboard,
    ) -> Result<(Self, EventReceivers), IpcError> {
        let paths = AppPaths::from_env()?;
        Self::build(paths, options, StoreSource::Platform, clipboard)
    }

    /// Assembles the state over `store` (tests pass an in-memory store).
    pub fn assemble(
        paths: AppPaths,
        options: StartOptions,
        store: Result<Arc<dyn SecretStore>, IpcError>,
        clipboard: SecureClipboard,
    ) -> Result<(Self, EventReceivers), IpcError> {
        Self::build(paths, options, StoreSource::Given(store), clipboard)
    }

    /// Assembles the state over whatever `open` returns at each attempt to open secure storage
    /// (tests: a keyring that is locked at first, then unlocked).
    pub fn assemble_with_opener(
        paths: AppPaths,
        options: StartOptions,
        open: StoreOpener,
        clipboard: SecureClipboard,
    ) -> Result<(Self, EventReceivers), IpcError> {
        Self::build(paths, options, StoreSource::Opener(open), clipboard)
    }

    fn build(
        paths: AppPaths,
        options: StartOptions,
        source: StoreSource,
        clipboard: SecureClipboard,
    ) -> Result<(Self, EventReceivers), IpcError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let profiles = Arc::new(ProfileStore::open_with(
            &paths,
            options.overrides,
            Arc::clone(&clock),
        )?);
        let profile_notices = crate::notices::from_files(&profiles.take_notices());
        let (events, backend) = EventSink::new();
        let (session_events, sessions_rx) = mpsc::unbounded_channel::<SessionEvent>();
        let state = Self {
            paths,
            profiles,
            store_source: source,
            storage: tokio::sync::OnceCell::new(),
            storage_failure: std::sync::Mutex::default(),
            opening: tokio::sync::Mutex::default(),
            session_events: Arc::new(session_events),
            clipboard,
            tokens: HeldTokens::default(),
            local_proxies: crate::local_proxies::LocalProxies::default(),
            logins: Arc::new(LoginRegistry::new(Arc::clone(&clock))),
            events,
            clock,
            deep_link_redirect: RedirectTarget::for_this_build(),
            demo: options.demo,
            profile_notices,
            sign_in_task: std::sync::Mutex::default(),
            browser: Arc::new(drivly_core::browser::open),
            confirmer: crate::native_confirm::Confirmer::default(),
            reveal_approvals: crate::native_confirm::RecentApprovals::default(),
            tray_host: crate::tray_host::TrayHostState::default(),
            page_memory: crate::page_memory::PageMemory::default(),
        };
        Ok((
            state,
            EventReceivers {
                backend,
                sessions: sessions_rx,
            },
        ))
    }

    /// Secure storage, opened by the first caller (on the blocking pool) and shared after; or
    /// why it could not be opened (retried by a call more than [`STORAGE_RETRY_AFTER`] later).
    pub async fn storage(&self) -> IpcResult<&Storage> {
        if let Some(storage) = self.storage.get() {
            return Ok(storage);
        }
        let _opening = self.opening.lock().await;
        if let Some(storage) = self.storage.get() {
            return Ok(storage);
        }
        let retrying = {
            let failure = self
                .storage_failure
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match &*failure {
                Some((at, error)) if at.elapsed() < STORAGE_RETRY_AFTER => {
                    return Err(error.clone());
                }
                other => other.is_some(),
            }
        };
        let source = self.store_source.clone();
        let paths = self.paths.clone();
        let started = std::time::Instant::now();
        let opened = tauri::async_runtime::spawn_blocking(move || open_vault(&paths, source))
            .await
            .unwrap_or_else(|_| {
                Err(IpcError::new(
                    Code::Internal,
                    "secure storage could not be opened; restart the app",
                ))
            });
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis(),
            ok = opened.is_ok(),
            retry = retrying,
            "secure storage opened"
        );
        match opened {
            Ok((vault, notices)) => {
                *self
                    .storage_failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = None;
                let storage = self.storage_from(vault, notices);
                let storage = self.storage.get_or_init(|| async move { storage }).await;
                if retrying {
                    // Opened after all (the keyring was unlocked): what start-up would have
                    // done now happens, and the UI reads keys and sessions again.
                    storage.sessions.start_stored().await;
                    self.events.send(BackendEvent::KeysChanged);
                    self.events.send(BackendEvent::SessionsChanged);
                }
                Ok(storage)
            }
            Err(error) => {
                *self
                    .storage_failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) =
                    Some((std::time::Instant::now(), error.clone()));
                Err(error)
            }
        }
    }

    /// The refreshers over an opened vault, and the notices opening it produced.
    fn storage_from(&self, vault: Arc<Vault>, notices: Vec<String>) -> Storage {
        Storage {
            sessions: SessionHub::new(
                Arc::clone(&vault) as Arc<dyn SessionStore>,
                Arc::clone(&self.session_events)
                    as Arc<dyn drivly_core::session::ports::SessionEvents>,
                Arc::clone(&self.clock),
                Arc::clone(&self.profiles),
                self.paths.lock_dir(),
            ),
            vault,
            notices,
        }
    }

    /// What was found at start the user should know (config files, secure storage), and why
    /// secure storage is closed when it is.
    pub async fn notices(&self) -> (Vec<String>, Option<IpcError>) {
        let mut notices = self.profile_notices.clone();
        match self.storage().await {
            Ok(storage) => {
                notices.extend(storage.notices.iter().cloned());
                (notices, None)
            }
            Err(error) => (notices, Some(error)),
        }
    }

    /// The vault, or why it is unavailable.
    pub async fn vault(&self) -> IpcResult<Arc<Vault>> {
        Ok(Arc::clone(&self.storage().await?.vault))
    }

    /// The vault when secure storage has already opened (never waits, never opens it).
    pub fn storage_if_open(&self) -> Option<Arc<Vault>> {
        self.storage.get().map(|storage| Arc::clone(&storage.vault))
    }

    /// The session hub, or why sessions are unavailable.
    pub async fn sessions(&self) -> IpcResult<&SessionHub> {
        Ok(&self.storage().await?.sessions)
    }

    /// Where the session refreshers report (the shell forwards these to the UI and the tray).
    pub fn session_events(&self) -> Arc<dyn drivly_core::session::ports::SessionEvents> {
        Arc::clone(&self.session_events) as Arc<dyn drivly_core::session::ports::SessionEvents>
    }

    /// What the key and mint use cases work on, or why secure storage is unavailable.
    pub async fn stores(&self) -> IpcResult<Stores> {
        Ok(Stores {
            vault: self.vault().await?,
            profiles: Arc::clone(&self.profiles),
            clock: Arc::clone(&self.clock),
        })
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

/// Opens the secret store and the vault over it (blocking: keyring round trips and index
/// files), with the notices the reconcile produced.
fn open_vault(
    paths: &AppPaths,
    source: StoreSource,
) -> Result<(Arc<Vault>, Vec<String>), IpcError> {
    let store: Arc<dyn SecretStore> = match source {
        StoreSource::Platform => Arc::new(KeyringStore::open_platform(KeyringOptions::from_env())?),
        StoreSource::Given(store) => store?,
        StoreSource::Opener(open) => open()?,
    };
    let (vault, mut report) = Vault::open(paths, store)?;
    // Keyring items no entry names (left by a removed profile, a crash, an older build) go
    // once they have been unnamed for a day (`vault::orphans`: never one another process is
    // still writing). A failure only leaves them for the next start.
    match vault.sweep_orphans(ORPHAN_GRACE) {
        Ok(swept) => {
            report.items.retain(|item| {
                !swept
                    .removed
                    .iter()
                    .any(|removed| removed.entry == item.entry)
            });
            if !swept.removed.is_empty() {
                tracing::info!(
                    removed = swept.removed.len(),
                    "orphaned keyring items removed"
                );
            }
        }
        Err(error) => {
            tracing::warn!(code = %drivly_core::ErrorCode::code(&error), "orphaned keyring items were not swept");
        }
    }
    Ok((Arc::new(vault), crate::notices::from_reconcile(&report)))
}
