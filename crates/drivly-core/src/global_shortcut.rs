//! The global shortcut setting: a key combination, typed or recorded in Settings, that copies a
//! fresh JWT from anywhere on the desktop. Checked and spelled one way here, so the config holds
//! a canonical form ("Ctrl+Alt+J") that the desktop shell can hand to the platform.

use crate::{Code, ErrorCode};

/// Modifiers in their canonical order and spelling, with the spellings accepted for each.
const MODIFIERS: [(&str, &[&str]); 4] = [
    (
        "Ctrl",
        &["ctrl", "control", "cmdorctrl", "commandorcontrol"],
    ),
    ("Alt", &["alt", "option"]),
    ("Shift", &["shift"]),
    ("Super", &["super", "meta", "cmd", "command", "win"]),
];

/// Why a shortcut was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortcutError {
    /// Nothing but modifiers, or nothing at all.
    #[error("a shortcut needs a key after its modifiers, for example Ctrl+Alt+J")]
    NoKey,
    /// A word that is neither a modifier nor a supported key.
    #[error("“{0}” is not a key a global shortcut can use: use a letter, a digit or F1–F12")]
    UnknownKey(String),
    /// Two keys, or the same modifier twice.
    #[error("a shortcut is modifiers and one key, each once, for example Ctrl+Alt+J")]
    Repeated,
    /// Without Ctrl, Alt or Super it would take a key from every other program.
    #[error(
        "a global shortcut needs Ctrl, Alt or Super, or it would take that key from every other program"
    )]
    NeedsModifier,
}

impl ErrorCode for ShortcutError {
    fn code(&self) -> Code {
        Code::InvalidSetting
    }
}

/// Checks `text` ("ctrl+alt+j", "Control + Alt + J", "Super+F9") and returns its canonical
/// spelling ("Ctrl+Alt+J").
pub fn canonical(text: &str) -> Result<String, ShortcutError> {
    let mut modifiers = [false; MODIFIERS.len()];
    let mut key: Option<String> = None;
    for word in text.split('+').map(str::trim) {
        if word.is_empty() {
            return Err(ShortcutError::NoKey);
        }
        let lower = word.to_ascii_lowercase();
        if let Some(at) = MODIFIERS
            .iter()
            .position(|(_, spellings)| spellings.contains(&lower.as_str()))
        {
            if std::mem::replace(&mut modifiers[at], true) {
                return Err(ShortcutError::Repeated);
            }
            continue;
        }
        let name = key_name(&lower).ok_or_else(|| ShortcutError::UnknownKey(word.to_owned()))?;
        if key.replace(name).is_some() {
            return Err(ShortcutError::Repeated);
        }
    }
    let key = key.ok_or(ShortcutError::NoKey)?;
    // Ctrl, Alt or Super: Shift alone would still take a character from every text field.
    if !(modifiers[0] || modifiers[1] || modifiers[3]) {
        return Err(ShortcutError::NeedsModifier);
    }
    let mut parts: Vec<&str> = MODIFIERS
        .iter()
        .zip(modifiers)
        .filter_map(|((name, _), on)| on.then_some(*name))
        .collect();
    parts.push(&key);
    Ok(parts.join("+"))
}

/// The canonical name of a key word (lower case): a letter, a digit, or F1–F12.
fn key_name(lower: &str) -> Option<String> {
    // Browsers and the web's KeyboardEvent.code spell letters "KeyJ" and digits "Digit4".
    let bare = lower
        .strip_prefix("key")
        .filter(|rest| rest.len() == 1)
        .or_else(|| lower.strip_prefix("digit").filter(|rest| rest.len() == 1))
        .unwrap_or(lower);
    let mut chars = bare.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphanumeric() => Some(c.to_ascii_uppercase().to_string()),
        _ => {
            let number: u8 = bare.strip_prefix('f')?.parse().ok()?;
            (1..=12).contains(&number).then(|| format!("F{number}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_become_one_canonical_form() {
        for text in [
            "ctrl+alt+j",
            "Control + Alt + J",
            "alt+CTRL+KeyJ",
            "CmdOrCtrl+Option+j",
        ] {
            assert_eq!(canonical(text).as_deref(), Ok("Ctrl+Alt+J"), "{text}");
        }
        assert_eq!(canonical("super+shift+f9").as_deref(), Ok("Shift+Super+F9"));
        assert_eq!(canonical("Ctrl+Digit4").as_deref(), Ok("Ctrl+4"));
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(canonical(""), Err(ShortcutError::NoKey));
        assert_eq!(canonical("Ctrl+Alt"), Err(ShortcutError::NoKey));
        assert_eq!(canonical("Ctrl++J"), Err(ShortcutError::NoKey));
        assert_eq!(canonical("Shift+J"), Err(ShortcutError::NeedsModifier));
        assert_eq!(canonical("J"), Err(ShortcutError::NeedsModifier));
        assert_eq!(canonical("Ctrl+J+K"), Err(ShortcutError::Repeated));
        assert_eq!(canonical("Ctrl+Ctrl+J"), Err(ShortcutError::Repeated));
        assert_eq!(
            canonical("Ctrl+F13"),
            Err(ShortcutError::UnknownKey("F13".into()))
        );
        assert_eq!(
            canonical("Ctrl+Enter"),
            Err(ShortcutError::UnknownKey("Enter".into()))
        );
        assert_eq!(
            canonical("Ctrl+é").map_err(|e| e.code()),
            Err(Code::InvalidSetting)
        );
    }
}
