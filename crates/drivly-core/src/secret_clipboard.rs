//! Copying a secret to the system clipboard the way every Drivly Keys front end must: marked
//! as a password for clipboard managers, and cleared later only if the clipboard still holds
//! that very secret (something the user copied meanwhile survives). No timers and no runtime
//! here: the desktop app schedules its clears on its own runtime, and the command line hands
//! the copy to a detached helper process that sleeps (see the CLI's `clipboard` module).
//!
//! Marking (the `clipboard` feature, arboard): `x-kde-passwordManagerHint: secret` on Linux
//! (X11, and Wayland through XWayland; honoured by Klipper, GNOME clipboard history,
//! cliphist), `org.nspasteboard.ConcealedType` on macOS, and on Windows the formats that keep
//! a copy out of the clipboard history, cloud clipboard and monitoring.
//!
//! Only a keyed hash of the secret is remembered (the key is random per copy), never the
//! value, so a memory dump of a waiting helper does not hold it in a second place.

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{Code, ErrorCode};

/// What the platform clipboard must do for us: arboard for real, memory in tests.
pub trait ClipboardBackend: Send + 'static {
    /// Writes `text`, marked as a secret for clipboard managers.
    ///
    /// # Errors
    /// [`ClipboardError::Unavailable`] when the clipboard cannot be reached.
    fn set_secret_text(&mut self, text: &str) -> Result<(), ClipboardError>;
    /// The clipboard's current text, if it holds text.
    fn text(&mut self) -> Option<String>;
    /// Empties the clipboard.
    ///
    /// # Errors
    /// [`ClipboardError::Unavailable`] when the clipboard cannot be reached.
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

/// Clipboard failures. The message never holds clipboard content.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// The display server's clipboard could not be reached.
    #[error("the clipboard is not available: {0}")]
    Unavailable(String),
}

impl ErrorCode for ClipboardError {
    fn code(&self) -> Code {
        Code::ClipboardUnavailable
    }
}

/// A secret we wrote to the clipboard, remembered by a keyed hash only.
pub struct CopiedSecret {
    key: [u8; 32],
    fingerprint: [u8; 32],
}

impl std::fmt::Debug for CopiedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopiedSecret").finish_non_exhaustive()
    }
}

impl CopiedSecret {
    /// Writes `secret` to `backend`, marked for clipboard managers.
    ///
    /// # Errors
    /// The backend's [`ClipboardError`].
    pub fn write(backend: &mut dyn ClipboardBackend, secret: &str) -> Result<Self, ClipboardError> {
        backend.set_secret_text(secret)?;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let fingerprint = fingerprint(&key, secret);
        Ok(Self { key, fingerprint })
    }

    /// True while the clipboard still holds the secret we wrote.
    pub fn is_still_there(&self, backend: &mut dyn ClipboardBackend) -> bool {
        backend
            .text()
            .map(Zeroizing::new)
            .is_some_and(|text| fingerprint(&self.key, &text) == self.fingerprint)
    }

    /// Empties the clipboard if it still holds our secret; true when it did.
    pub fn clear_if_still_there(&self, backend: &mut dyn ClipboardBackend) -> bool {
        self.is_still_there(backend) && backend.clear().is_ok()
    }
}

fn fingerprint(key: &[u8; 32], text: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(key);
    hasher.update(text.as_bytes());
    hasher.finalize().into()
}

/// A clipboard that only exists in memory; for tests and for machines without a display.
#[derive(Debug, Default, Clone)]
pub struct MemoryBackend {
    /// What the clipboard holds; shared so a test can play "the user copied something else".
    pub content: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl ClipboardBackend for MemoryBackend {
    fn set_secret_text(&mut self, text: &str) -> Result<(), ClipboardError> {
        *self.content.lock().unwrap_or_else(|e| e.into_inner()) = Some(text.to_owned());
        Ok(())
    }

    fn text(&mut self) -> Option<String> {
        self.content
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        *self.content.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }
}

#[cfg(feature = "clipboard")]
pub use system::ArboardBackend;

#[cfg(feature = "clipboard")]
mod system {
    use super::{ClipboardBackend, ClipboardError};

    /// The system clipboard through arboard.
    pub struct ArboardBackend {
        clipboard: arboard::Clipboard,
    }

    impl std::fmt::Debug for ArboardBackend {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("ArboardBackend").finish_non_exhaustive()
        }
    }

    impl ArboardBackend {
        /// Connects to the system clipboard.
        ///
        /// # Errors
        /// [`ClipboardError::Unavailable`] without a display server (no `DISPLAY`).
        pub fn new() -> Result<Self, ClipboardError> {
            arboard::Clipboard::new()
                .map(|clipboard| Self { clipboard })
                .map_err(|e| ClipboardError::Unavailable(e.to_string()))
        }
    }

    impl ClipboardBackend for ArboardBackend {
        fn set_secret_text(&mut self, text: &str) -> Result<(), ClipboardError> {
            let set = self.clipboard.set();
            #[cfg(any(target_os = "linux", target_os = "freebsd"))]
            let set = {
                use arboard::SetExtLinux;
                set.exclude_from_history()
            };
            #[cfg(target_os = "macos")]
            let set = {
                use arboard::SetExtApple;
                set.exclude_from_history()
            };
            #[cfg(windows)]
            let set = {
                use arboard::SetExtWindows;
                set.exclude_from_history()
                    .exclude_from_cloud()
                    .exclude_from_monitoring()
            };
            set.text(text)
                .map_err(|e| ClipboardError::Unavailable(e.to_string()))
        }

        fn text(&mut self) -> Option<String> {
            self.clipboard.get_text().ok()
        }

        fn clear(&mut self) -> Result<(), ClipboardError> {
            self.clipboard
                .clear()
                .map_err(|e| ClipboardError::Unavailable(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clears_only_while_the_clipboard_holds_our_secret() {
        let mut memory = MemoryBackend::default();
        let copied = CopiedSecret::write(&mut memory, "sk_CANARY").unwrap();
        assert!(copied.is_still_there(&mut memory));
        assert!(copied.clear_if_still_there(&mut memory));
        assert_eq!(memory.text(), None);

        let copied = CopiedSecret::write(&mut memory, "sk_CANARY").unwrap();
        *memory.content.lock().unwrap() = Some("the user's own text".into());
        assert!(!copied.is_still_there(&mut memory));
        assert!(!copied.clear_if_still_there(&mut memory));
        assert_eq!(memory.text().as_deref(), Some("the user's own text"));
    }

    #[test]
    fn nothing_of_the_secret_shows_in_debug() {
        let mut memory = MemoryBackend::default();
        let copied = CopiedSecret::write(&mut memory, "sk_CANARY").unwrap();
        assert!(!format!("{copied:?}").contains("CANARY"));
    }
}
