//! Whether this desktop shows tray icons. On Linux the app's tray icon is a
//! StatusNotifierItem: a desktop shows it only when something owns
//! `org.kde.StatusNotifierWatcher` on the session bus (KDE, XFCE, Cinnamon, GNOME with the
//! AppIndicator extension). Without one, a window closed "to the tray" would leave an invisible
//! process, so closing quits instead and Settings says why (issue #16).

use serde::Serialize;
use ts_rs::TS;

/// What the session bus says about a tray host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TrayHost {
    /// A tray host is running: closing the window keeps the app in the tray.
    Present,
    /// No tray host: closing the window quits.
    Absent,
    /// Not known (yet, or the bus could not be asked): the app keeps to the tray, as before.
    Unknown,
}

/// The well-known name a StatusNotifier host registers.
#[cfg(target_os = "linux")]
const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// Asks the session bus whether a tray host is running.
pub async fn detect() -> TrayHost {
    #[cfg(target_os = "linux")]
    {
        let Ok(connection) = zbus::Connection::session().await else {
            return TrayHost::Unknown;
        };
        let Ok(bus) = zbus::fdo::DBusProxy::new(&connection).await else {
            return TrayHost::Unknown;
        };
        let Ok(name) = zbus::names::BusName::try_from(WATCHER) else {
            return TrayHost::Unknown;
        };
        match bus.name_has_owner(name).await {
            Ok(true) => TrayHost::Present,
            Ok(false) => TrayHost::Absent,
            Err(_) => TrayHost::Unknown,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        TrayHost::Present
    }
}

/// The tray host as last detected (Unknown until the app has asked).
#[derive(Debug, Default)]
pub struct TrayHostState(std::sync::Mutex<Option<TrayHost>>);

impl TrayHostState {
    /// Records what [`detect`] found.
    pub fn set(&self, host: TrayHost) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(host);
    }

    /// What was found, or [`TrayHost::Unknown`].
    pub fn get(&self) -> TrayHost {
        (*self.0.lock().unwrap_or_else(|e| e.into_inner())).unwrap_or(TrayHost::Unknown)
    }

    /// Whether closing the window should quit rather than hide it.
    pub fn close_quits(&self) -> bool {
        self.get() == TrayHost::Absent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_known_absent_host_makes_closing_quit() {
        let state = TrayHostState::default();
        assert_eq!(state.get(), TrayHost::Unknown);
        assert!(!state.close_quits(), "unknown keeps the old behaviour");
        state.set(TrayHost::Present);
        assert!(!state.close_quits());
        state.set(TrayHost::Absent);
        assert!(state.close_quits());
    }
}
