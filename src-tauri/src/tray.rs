//! The tray icon: "Copy fresh JWT" for each session, "Open Drivly Keys" and "Quit". Closing the
//! window keeps the app (and its refreshers) running here.
//!
//! The menu is rebuilt only when its labels change ([`refresh`] compares them with the last
//! menu's, kept in [`TrayLabels`]): a session's entry names its account and until when its JWT
//! holds (a menu cannot tick), so it changes when a refresh succeeds, not on each state change.

use std::sync::Mutex;

use drivly_core::session::{SessionState, SessionView};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

const TRAY_ID: &str = "drivly-keys";

/// One "Copy fresh JWT" entry: its menu id and its label.
pub type TrayEntry = (String, String);

/// The labels of the menu the tray shows now (managed state).
#[derive(Debug, Default)]
pub struct TrayLabels(Mutex<Option<Vec<TrayEntry>>>);

impl TrayLabels {
    /// Records `entries` as shown; `false` when they equal the shown ones (no rebuild needed).
    pub fn replace_if_changed(&self, entries: &[TrayEntry]) -> bool {
        let mut shown = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if shown.as_deref() == Some(entries) {
            return false;
        }
        *shown = Some(entries.to_vec());
        true
    }
}

/// The session entries for `views`: each by the session's name (its label, else its account),
/// profile and how long its JWT holds. In local time: a menu cannot count down.
pub fn entries(
    views: &[SessionView],
    profile_name: impl Fn(&SessionView) -> String,
) -> Vec<TrayEntry> {
    views
        .iter()
        .map(|view| {
            let when = match (&view.state, view.meta.jwt_expires) {
                (SessionState::NeedsSignIn { .. } | SessionState::SignedOut, _) => {
                    " (sign in again)".to_owned()
                }
                (SessionState::NeedsSetup { .. }, _) => " (needs setup)".to_owned(),
                (_, Some(expires)) => format!(
                    " (until {})",
                    expires.with_timezone(&chrono::Local).format("%H:%M")
                ),
                (_, None) => String::new(),
            };
            (
                format!("copy:{}", view.meta.id.as_str()),
                format!(
                    "Copy fresh JWT \u{2014} {} \u{00b7} {}{when}",
                    view.meta.display_name(),
                    profile_name(view)
                ),
            )
        })
        .collect()
}

async fn session_entries<R: Runtime>(app: &AppHandle<R>) -> Vec<TrayEntry> {
    let state = app.state::<AppState>();
    let Ok(hub) = state.sessions().await else {
        return Vec::new();
    };
    entries(&hub.views().await, |view| {
        state
            .profiles
            .get(&view.meta.profile_id)
            .map(|p| p.name)
            .unwrap_or_else(|_| view.meta.profile_id.to_string())
    })
}

/// Shows the main window, making it when the app started minimised (`main_window`).
pub fn show_window<R: Runtime>(app: &AppHandle<R>) {
    crate::main_window::show(app);
}

fn menu<R: Runtime>(app: &AppHandle<R>, entries: &[TrayEntry]) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    for (id, label) in entries {
        menu.append(&MenuItem::with_id(app, id, label, true, None::<&str>)?)?;
    }
    if !entries.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open Drivly Keys",
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

/// Creates the tray icon.
pub async fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    // The menu is built before the (non-Send) builder exists, so this future stays Send.
    let entries = session_entries(app).await;
    if let Some(labels) = app.try_state::<TrayLabels>() {
        labels.replace_if_changed(&entries);
    }
    let menu = menu(app, &entries)?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Drivly Keys")
        .menu(&menu)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

/// Rebuilds the menu after sessions changed, when its labels did.
pub async fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let entries = session_entries(app).await;
    let changed = app
        .try_state::<TrayLabels>()
        .is_none_or(|labels| labels.replace_if_changed(&entries));
    if !changed {
        return;
    }
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), menu(app, &entries)) {
        let _ = tray.set_menu(Some(menu));
    }
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        "open" => show_window(app),
        "quit" => crate::quit(app),
        other => {
            if let Some(session_id) = other.strip_prefix("copy:") {
                let app = app.clone();
                let session_id = session_id.to_owned();
                tauri::async_runtime::spawn(async move {
                    crate::quick_copy::copy_session(&app, &session_id).await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};
    use drivly_core::profile::ProfileId;
    use drivly_core::session::{LastError, SessionId, SessionMeta};

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        chrono::Local
            .with_ymd_and_hms(2026, 12, 4, hour, minute, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn view(state: SessionState, expires: DateTime<Utc>) -> SessionView {
        let mut meta = SessionMeta::new(
            SessionId::parse("s1").unwrap_or_else(SessionId::new_random),
            ProfileId::parse("emulator").unwrap_or_else(|_| unreachable!()),
            Some("usr_1".into()),
            Vec::new(),
            Utc::now(),
        );
        meta.account = Some("demo@drivly.test".into());
        meta.jwt_expires = Some(expires);
        SessionView { meta, state }
    }

    #[test]
    fn entries_name_the_account_and_the_menu_changes_only_with_the_expiry() {
        let labels = TrayLabels::default();
        let name = |_: &SessionView| "Emulator".to_owned();
        let first = entries(&[view(SessionState::Active, at(14, 32))], name);
        assert_eq!(
            first[0].1,
            "Copy fresh JWT \u{2014} demo@drivly.test \u{00b7} Emulator (until 14:32)"
        );
        assert!(labels.replace_if_changed(&first));
        let refreshing = entries(&[view(SessionState::Refreshing, at(14, 32))], name);
        assert!(!labels.replace_if_changed(&refreshing), "same labels");
        let refreshed = entries(&[view(SessionState::Active, at(14, 41))], name);
        assert!(labels.replace_if_changed(&refreshed), "a new expiry");
        let mut renamed = view(SessionState::Active, at(14, 41));
        renamed.meta.label = Some("staging admin".into());
        let renamed = entries(&[renamed], name);
        assert!(renamed[0].1.contains("staging admin \u{00b7} Emulator"));
        let ended = SessionState::NeedsSignIn {
            reason: LastError {
                code: "sign_in_needed".into(),
                message: "m".into(),
            },
        };
        let ended = entries(&[view(ended, at(14, 41))], name);
        assert!(ended[0].1.ends_with("(sign in again)"), "{}", ended[0].1);
        assert!(labels.replace_if_changed(&[]), "the session left");
    }
}
