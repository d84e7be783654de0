//! User settings kept in the config file beside the profiles: clipboard clearing, start-up
//! behaviour and theme. Non-secret by construction.
//!
//! Unknown fields are ignored and missing ones take their defaults, so a config written by an
//! older build still loads; the config's `schemaVersion` guards incompatible changes.

use crate::Code;
use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// The largest clipboard-clear delay accepted: one day. Longer is almost certainly a typo.
pub const MAX_CLIPBOARD_CLEAR_SECONDS: u32 = 86_400;

/// The app's colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Parses `system`, `light` or `dark`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "system" => Some(Self::System),
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }
}

/// User settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Seconds after which a copied secret is cleared from the clipboard (if unchanged);
    /// 0 turns clearing off. Default 30.
    pub clipboard_clear_seconds: u32,
    /// Start hidden in the system tray.
    pub launch_minimised: bool,
    /// Colour theme.
    pub theme: Theme,
    /// The desktop-wide key combination that copies a fresh JWT of the active profile's
    /// session ("Ctrl+Alt+J", canonical per [`crate::global_shortcut`]); off when `None`, the
    /// default: a global shortcut takes that combination from every other program.
    pub global_shortcut: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clipboard_clear_seconds: 30,
            launch_minimised: false,
            theme: Theme::System,
            global_shortcut: None,
        }
    }
}

/// A change to some settings; `None` fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SettingsPatch {
    /// New clipboard-clear delay in seconds (0 = off).
    pub clipboard_clear_seconds: Option<u32>,
    /// New start-up behaviour.
    pub launch_minimised: Option<bool>,
    /// New theme.
    pub theme: Option<Theme>,
    /// A new global shortcut: `Some(None)` turns it off.
    #[serde(skip)]
    pub global_shortcut: Option<Option<String>>,
}

/// A setting was out of range.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The global shortcut is not one the platform can take.
    #[error(transparent)]
    Shortcut(#[from] crate::global_shortcut::ShortcutError),
    /// The clipboard delay is too long.
    #[error(
        "a clipboard clear delay of {0} s is too long: use 0 (off) to {MAX_CLIPBOARD_CLEAR_SECONDS} s"
    )]
    ClipboardDelayTooLong(u32),
}

impl ErrorCode for SettingsError {
    fn code(&self) -> Code {
        match self {
            Self::ClipboardDelayTooLong(_) | Self::Shortcut(_) => Code::InvalidSetting,
        }
    }
}

impl Settings {
    /// Applies `patch` after validating it; `self` is unchanged on error.
    pub fn apply(&mut self, patch: &SettingsPatch) -> Result<(), SettingsError> {
        // Checked before anything changes: `self` stays as it was on error.
        let shortcut = match &patch.global_shortcut {
            Some(Some(text)) => Some(Some(crate::global_shortcut::canonical(text)?)),
            Some(None) => Some(None),
            None => None,
        };
        if let Some(secs) = patch.clipboard_clear_seconds {
            if secs > MAX_CLIPBOARD_CLEAR_SECONDS {
                return Err(SettingsError::ClipboardDelayTooLong(secs));
            }
            self.clipboard_clear_seconds = secs;
        }
        if let Some(shortcut) = shortcut {
            self.global_shortcut = shortcut;
        }
        if let Some(min) = patch.launch_minimised {
            self.launch_minimised = min;
        }
        if let Some(theme) = patch.theme {
            self.theme = theme;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_patches() {
        let mut s = Settings::default();
        assert_eq!(s.clipboard_clear_seconds, 30);
        s.apply(&SettingsPatch {
            clipboard_clear_seconds: Some(0),
            theme: Some(Theme::Dark),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((s.clipboard_clear_seconds, s.theme), (0, Theme::Dark));
        let err = s
            .apply(&SettingsPatch {
                clipboard_clear_seconds: Some(MAX_CLIPBOARD_CLEAR_SECONDS + 1),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "invalid_setting");
        assert_eq!(s.clipboard_clear_seconds, 0);
    }

    #[test]
    fn the_global_shortcut_is_off_by_default_and_kept_canonical() {
        let mut s = Settings::default();
        assert_eq!(s.global_shortcut, None, "off unless the user turns it on");
        s.apply(&SettingsPatch {
            global_shortcut: Some(Some("ctrl + alt + j".into())),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.global_shortcut.as_deref(), Some("Ctrl+Alt+J"));
        let err = s
            .apply(&SettingsPatch {
                global_shortcut: Some(Some("J".into())),
                theme: Some(Theme::Dark),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "invalid_setting");
        assert_eq!(
            s.theme,
            Theme::System,
            "nothing changes when one field is refused"
        );
        s.apply(&SettingsPatch {
            global_shortcut: Some(None),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.global_shortcut, None);
    }

    #[test]
    fn old_documents_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"theme":"light","future":1}"#).unwrap();
        assert_eq!(s.theme, Theme::Light);
        assert_eq!(s.clipboard_clear_seconds, 30);
    }
}
