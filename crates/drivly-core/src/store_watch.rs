//! Live sync between processes: a watch on the config and data folders that tells a running
//! process (the desktop app) which of the shared stores another process (the CLI, a second app)
//! changed: profiles, settings, the API keys or the sessions of the vault index.
//!
//! How it works:
//! - the folders of [`AppPaths`] are watched, not recursively, through the OS's file events
//!   (`notify`: inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows); there is
//!   no polling, so an idle process is never woken by the watch;
//! - only events that can change the content of `config.json` or `vault-index.json` count:
//!   [`crate::durable_file`]'s temporary files, `.bak` generations and `.lock` files are ignored
//!   by name, and plain reads (open, close without write) and metadata changes (the `.bak` hard
//!   link) are ignored by kind, so reading the files, ours included, never wakes the watch;
//! - events are debounced: after the first one the watch waits for [`Debounce::quiet`] without
//!   another (at most [`Debounce::max_delay`]), then reads both files once and compares each
//!   section with what it saw last. Only the sections that differ are reported, so a change
//!   notice is typed ([`Store`]) and a rewrite that changed nothing reports nothing.
//!
//! The files are read as plain JSON here, never through the stores' loaders, because loading
//! may move an unreadable file aside: a watcher must not write. A file that does not parse is
//! skipped until the next change (writers replace files atomically, so this only happens with
//! a hand edit). Nothing secret is in these files, and nothing read is logged.

use crate::Code;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use serde_json::Value;
use tokio::sync::Notify;

use crate::ErrorCode;
use crate::app_paths::{AppPaths, AppPathsError};

/// One of the shared stores a change notice names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Store {
    /// The profiles or the active profile (`config.json`).
    Profiles,
    /// The settings (`config.json`).
    Settings,
    /// The API keys' records (`vault-index.json`).
    ApiKeys,
    /// The session records (`vault-index.json`): a sign-in, a sign-out, a refresh's times.
    Sessions,
}

/// The stores that changed since the previous notice; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreChanges(BTreeSet<Store>);

impl StoreChanges {
    /// True when `store` changed.
    pub fn contains(&self, store: Store) -> bool {
        self.0.contains(&store)
    }

    /// The changed stores, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = Store> + '_ {
        self.0.iter().copied()
    }
}

/// How events are gathered into one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Debounce {
    /// The quiet time after the last event before the files are read (default 150 ms: a
    /// journaled vault write is several renames in a row).
    pub quiet: Duration,
    /// The longest wait after the first event, even while events keep coming (default 750 ms,
    /// so a change is reported well within 2 s).
    pub max_delay: Duration,
}

impl Default for Debounce {
    fn default() -> Self {
        Self {
            quiet: Duration::from_millis(150),
            max_delay: Duration::from_millis(750),
        }
    }
}

/// The watch could not be set up (the process then works without live sync).
#[derive(Debug, thiserror::Error)]
pub enum StoreWatchError {
    /// The folders could not be created.
    #[error(transparent)]
    Paths(#[from] AppPathsError),
    /// The OS refused the watch (for example the inotify watch limit is reached).
    #[error(
        "could not watch {path} for changes made by other Drivly Keys processes: {detail}; changes made elsewhere show after a restart"
    )]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The OS's message.
        detail: String,
    },
}

impl ErrorCode for StoreWatchError {
    fn code(&self) -> Code {
        match self {
            Self::Paths(e) => e.code(),
            Self::Watch { .. } => Code::StoreWatchFailed,
        }
    }
}

/// The sections of the two files, as last seen (`None`: file or field absent).
#[derive(Debug, Clone, Default, PartialEq)]
struct Snapshot {
    profiles: Option<Value>,
    settings: Option<Value>,
    api_keys: Option<Value>,
    sessions: Option<Value>,
}

/// The watched files.
#[derive(Debug, Clone)]
struct Files {
    config: PathBuf,
    index: PathBuf,
}

/// A running watch on the shared stores. Dropping it ends the watch.
pub struct StoreWatch {
    // Held for its `Drop`, which removes the OS watches and ends notify's thread.
    _watcher: notify::RecommendedWatcher,
    poke: Arc<Notify>,
    files: Files,
    last: Snapshot,
    debounce: Debounce,
    checks: u64,
}

impl std::fmt::Debug for StoreWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreWatch")
            .field("files", &self.files)
            .field("debounce", &self.debounce)
            .field("checks", &self.checks)
            .finish_non_exhaustive()
    }
}

impl StoreWatch {
    /// Watches the folders of `paths` (created when missing) with the default debounce, and
    /// reads the files once as the baseline. Blocking but quick (two small reads).
    ///
    /// # Errors
    /// When a folder cannot be created or the OS refuses the watch.
    pub fn start(paths: &AppPaths) -> Result<Self, StoreWatchError> {
        Self::with_debounce(paths, Debounce::default())
    }

    /// [`StoreWatch::start`] with explicit timing (tests).
    ///
    /// # Errors
    /// As [`StoreWatch::start`].
    pub fn with_debounce(paths: &AppPaths, debounce: Debounce) -> Result<Self, StoreWatchError> {
        paths.ensure_exist()?;
        let files = Files {
            config: paths.config_file(),
            index: paths.vault_index_file(),
        };
        let names: Vec<std::ffi::OsString> = [&files.config, &files.index]
            .iter()
            .filter_map(|p| p.file_name().map(ToOwned::to_owned))
            .collect();
        let poke = Arc::new(Notify::new());
        let poker = Arc::clone(&poke);
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            // An error (an overflowed event queue, say) may hide a change: look again.
            if event.as_ref().map_or(true, |e| touches(e, &names)) {
                poker.notify_one();
            }
        })
        .map_err(|e| watch_error(paths.config_dir(), &e))?;
        let mut folders = vec![paths.config_dir()];
        if paths.data_dir() != paths.config_dir() {
            folders.push(paths.data_dir());
        }
        for folder in folders {
            watcher
                .watch(folder, RecursiveMode::NonRecursive)
                .map_err(|e| watch_error(folder, &e))?;
        }
        // Taken after the watch is in place, so no change can fall between the two.
        let last = read_snapshot(&files, &Snapshot::default());
        Ok(Self {
            _watcher: watcher,
            poke,
            files,
            last,
            debounce,
            checks: 0,
        })
    }

    /// Waits for the next change and says which stores changed. Cancel-safe: dropping the
    /// future loses no change (the next call reports it).
    pub async fn next(&mut self) -> StoreChanges {
        loop {
            self.poke.notified().await;
            let deadline = tokio::time::Instant::now() + self.debounce.max_delay;
            loop {
                let quiet_until = (tokio::time::Instant::now() + self.debounce.quiet).min(deadline);
                if tokio::time::timeout_at(quiet_until, self.poke.notified())
                    .await
                    .is_err()
                    || tokio::time::Instant::now() >= deadline
                {
                    break;
                }
            }
            let (files, previous) = (self.files.clone(), self.last.clone());
            let now = tokio::task::spawn_blocking(move || read_snapshot(&files, &previous))
                .await
                .unwrap_or_else(|_| self.last.clone());
            self.checks += 1;
            let changed = diff(&self.last, &now);
            self.last = now;
            if !changed.is_empty() {
                return StoreChanges(changed);
            }
        }
    }

    /// How many times the files were read since the start: a test sees that an idle process
    /// (or one only reading the stores) does not wake the watch.
    pub fn checks(&self) -> u64 {
        self.checks
    }
}

fn watch_error(path: &Path, error: &notify::Error) -> StoreWatchError {
    StoreWatchError::Watch {
        path: path.to_path_buf(),
        detail: error.to_string(),
    }
}

/// Whether `event` may have changed one of the files named `names`.
fn touches(event: &Event, names: &[std::ffi::OsString]) -> bool {
    let may_change = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    };
    may_change
        && event.paths.iter().any(|path| {
            path.file_name()
                .is_some_and(|name| names.iter().any(|n| n == name))
        })
}

/// Reads both files; a file that exists but does not parse keeps its `previous` sections.
fn read_snapshot(files: &Files, previous: &Snapshot) -> Snapshot {
    let mut snapshot = previous.clone();
    match read_json(&files.config) {
        Some(Some(doc)) => {
            snapshot.profiles = Some(serde_json::json!({
                "profiles": doc.get("profiles"),
                "activeProfile": doc.get("activeProfile"),
            }));
            snapshot.settings = doc.get("settings").cloned();
        }
        Some(None) => {
            snapshot.profiles = None;
            snapshot.settings = None;
        }
        None => {}
    }
    match read_json(&files.index) {
        Some(Some(doc)) => {
            snapshot.api_keys = doc.get("apiKeys").cloned();
            snapshot.sessions = doc.get("sessions").cloned();
        }
        Some(None) => {
            snapshot.api_keys = None;
            snapshot.sessions = None;
        }
        None => {}
    }
    snapshot
}

/// `Some(Some(doc))` when read, `Some(None)` when absent, `None` when unreadable.
fn read_json(path: &Path) -> Option<Option<Value>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).ok().map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
        Err(_) => None,
    }
}

fn diff(before: &Snapshot, after: &Snapshot) -> BTreeSet<Store> {
    [
        (Store::Profiles, before.profiles != after.profiles),
        (Store::Settings, before.settings != after.settings),
        (Store::ApiKeys, before.api_keys != after.api_keys),
        (Store::Sessions, before.sessions != after.sessions),
    ]
    .into_iter()
    .filter_map(|(store, changed)| changed.then_some(store))
    .collect()
}

#[cfg(test)]
#[path = "store_watch_tests.rs"]
mod tests;
