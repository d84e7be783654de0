//! Confirmations the page can neither draw nor answer.
//!
//! The webview is treated as untrusted: a compromised page could call any command of the table.
//! The few actions that would hand a secret to the page or to another server (revealing an API
//! key, moving a profile's credentials to a new URL, deleting what a profile holds) therefore
//! ask the person at the computer through a native dialog (tauri-plugin-dialog, driven from
//! Rust only: none of the plugin's commands is granted to the page). Tests inject an answer
//! through [`NativeConfirm`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Runtime};

/// What a native confirmation asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The dialog's title.
    pub title: String,
    /// What will happen, in plain words.
    pub message: String,
    /// The approving button's text (the other one is "Cancel").
    pub approve: String,
}

/// Asks the person at the computer, outside the page. Blocks until answered: call it on the
/// blocking pool ([`crate::state::AppState::confirm_natively`] does).
pub trait NativeConfirm: Send + Sync {
    /// True when the person approved.
    fn ask(&self, confirmation: &Confirmation) -> bool;
}

/// The platform dialog of the running app.
pub struct DialogConfirm<R: Runtime>(AppHandle<R>);

impl<R: Runtime> std::fmt::Debug for DialogConfirm<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DialogConfirm")
    }
}

impl<R: Runtime> DialogConfirm<R> {
    /// The dialog over `app`'s dialog plugin.
    pub fn new(app: AppHandle<R>) -> Self {
        Self(app)
    }
}

impl<R: Runtime> NativeConfirm for DialogConfirm<R> {
    fn ask(&self, confirmation: &Confirmation) -> bool {
        use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
        let mut dialog = self
            .0
            .dialog()
            .message(confirmation.message.clone())
            .title(confirmation.title.clone())
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                confirmation.approve.clone(),
                "Cancel".into(),
            ));
        if let Some(window) = tauri::Manager::get_webview_window(&self.0, "main") {
            dialog = dialog.parent(&window);
        }
        dialog.blocking_show()
    }
}

/// Until the app's dialog is wired (and in a process without one): nothing is approved.
#[derive(Debug, Default)]
pub struct NoDialog;

impl NativeConfirm for NoDialog {
    fn ask(&self, _: &Confirmation) -> bool {
        false
    }
}

/// How long an approved reveal stands for the same key: the person just said yes, so showing
/// the key again (after hiding it) does not ask again within this time.
pub const REVEAL_APPROVAL_LASTS: Duration = Duration::from_secs(60);

/// Recent approvals by subject (a key's id), on the monotonic clock.
#[derive(Debug, Default)]
pub struct RecentApprovals {
    approved: Mutex<HashMap<String, Instant>>,
}

impl RecentApprovals {
    /// Remembers that `subject` was approved now.
    pub fn record(&self, subject: &str) {
        let mut approved = self.approved.lock().unwrap_or_else(|e| e.into_inner());
        approved.retain(|_, at| at.elapsed() < REVEAL_APPROVAL_LASTS);
        approved.insert(subject.to_owned(), Instant::now());
    }

    /// True when `subject` was approved less than [`REVEAL_APPROVAL_LASTS`] ago.
    pub fn is_recent(&self, subject: &str) -> bool {
        let approved = self.approved.lock().unwrap_or_else(|e| e.into_inner());
        approved
            .get(subject)
            .is_some_and(|at| at.elapsed() < REVEAL_APPROVAL_LASTS)
    }
}

/// The confirmer in use: a fixed one given by tests, or the dialog once the app is set up.
#[derive(Default)]
pub struct Confirmer {
    given: std::sync::OnceLock<Arc<dyn NativeConfirm>>,
    /// One dialog at a time: a page calling in a loop queues dialogs, never stacks them.
    asking: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Confirmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Confirmer")
            .field("set", &self.given.get().is_some())
            .finish()
    }
}

impl Confirmer {
    /// Uses `confirm` from now on, unless one is already set (a test's stays).
    pub fn use_if_unset(&self, confirm: Arc<dyn NativeConfirm>) {
        let _ = self.given.set(confirm);
    }

    /// Asks on the blocking pool; false when nothing can ask (no dialog wired).
    pub async fn ask(&self, confirmation: Confirmation) -> bool {
        let _one_at_a_time = self.asking.lock().await;
        let confirm: Arc<dyn NativeConfirm> = match self.given.get() {
            Some(confirm) => Arc::clone(confirm),
            None => Arc::new(NoDialog),
        };
        tauri::async_runtime::spawn_blocking(move || confirm.ask(&confirmation))
            .await
            .unwrap_or(false)
    }
}
