//! Events from Rust to the UI, on one channel (`drivly://event`). A session change carries the
//! changed session's view ([`BackendEvent::SessionChanged`], [`BackendEvent::SessionRemoved`]),
//! so the UI patches one row; the coarse events say *that* something changed and the UI asks
//! again through commands. No event carries a secret.

use drivly_core::Code;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use ts_rs::TS;

use crate::commands::sessions::SessionItem;

/// The channel name the UI listens on (`ui/src/ipc/tauri-backend.ts`).
pub const EVENT_CHANNEL: &str = "drivly://event";

/// One event, exported to the UI as the `BackendEvent` union (`ui/src/ipc/generated/`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum BackendEvent {
    /// A session's state, times or list changed (coarse: the UI re-lists).
    SessionsChanged,
    /// One session was added or changed: its new view (the UI patches or adds that row).
    SessionChanged {
        /// The session as `list_sessions` shows it (boxed: the largest event by far).
        session: Box<SessionItem>,
    },
    /// One session was signed out and removed (the UI drops that row).
    SessionRemoved {
        /// Its id.
        session_id: String,
    },
    /// The stored keys changed (for example from the command line).
    KeysChanged,
    /// The profiles or the active profile changed in the config file (live sync: mostly by the
    /// command line; this app's own edits are seen too).
    ProfilesChanged,
    /// The settings changed in the config file (live sync, as above).
    SettingsChanged,
    /// A sign-in finished, well or not.
    LoginFinished {
        /// True when a session was stored.
        ok: bool,
        /// What happened, for people.
        message: String,
        /// The error code when not ok.
        code: Option<Code>,
        /// True when a sign-in is still pending after this one was refused (a forged or stale
        /// link): the wait goes on.
        still_waiting: bool,
    },
    /// The desktop asks the page for something (a menu item, a notification's button).
    UiRequest {
        /// What to do.
        request: UiRequest,
    },
}

/// A screen of the window (the page's `ScreenId`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub enum ScreenId {
    Keys,
    Sessions,
    Mint,
    Inspect,
    Settings,
}

impl ScreenId {
    /// The page's name for the screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keys => "keys",
            Self::Sessions => "sessions",
            Self::Mint => "mint",
            Self::Inspect => "inspect",
            Self::Settings => "settings",
        }
    }
}

/// Something the desktop (the menu bar, a notification's button) asks the page to do.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UiRequest {
    /// Show a screen.
    Screen { screen: ScreenId },
    /// Open the quick palette.
    Palette,
    /// Show this session's card (a notification was clicked).
    ShowSession { session_id: String },
    /// Start "Sign in again" for this session (a notification's button).
    SignInAgain { session_id: String },
    /// The window is closing to the tray: send its state (`close_window`), which the next
    /// window's page gets back (`page_memory`).
    SaveAndClose,
}

/// Where events go: a channel drained by a task that emits them to the window, so senders
/// never need an `AppHandle` (and tests can read the channel).
#[derive(Debug, Clone)]
pub struct EventSink {
    sender: mpsc::UnboundedSender<BackendEvent>,
}

impl EventSink {
    /// A sink and the receiver to drain.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<BackendEvent>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self { sender }, receiver)
    }

    /// Sends one event; dropped when nobody listens.
    pub fn send(&self, event: BackendEvent) {
        let _ = self.sender.send(event);
    }
}
