//! Copying secrets: written from Rust (never by the webview), marked as a password for
//! clipboard managers, and cleared after a delay only if the clipboard still holds our value.
//!
//! Marking: arboard's `exclude_from_history` offers `x-kde-passwordManagerHint: secret` on
//! Linux (honoured by Klipper, GNOME clipboard history, cliphist), `ConcealedType` on macOS and
//! the exclusion formats on Windows.
//!
//! Clearing: we remember a keyed hash of what we wrote (never the value) and a generation
//! counter. When the delay ends we clear only if no later copy of ours happened and the
//! clipboard still hashes to our value, so something the user copied meanwhile survives. On quit
//! the same check runs once more.

use drivly_core::Code;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// What the platform clipboard must do for us; arboard in the app, memory in tests.
pub trait ClipboardBackend: Send + 'static {
    /// Writes `text`, marked as a secret for clipboard managers.
    fn set_secret_text(&mut self, text: &str) -> Result<(), ClipboardError>;
    /// The clipboard's current text, if it holds text.
    fn text(&mut self) -> Option<String>;
    /// Empties the clipboard.
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

/// Clipboard failures.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// The display server's clipboard could not be reached.
    #[error("the clipboard is not available: {0}")]
    Unavailable(String),
}

impl drivly_core::ErrorCode for ClipboardError {
    fn code(&self) -> Code {
        Code::ClipboardUnavailable
    }
}

#[derive(Debug, Default)]
struct Written {
    generation: u64,
    hash: Option<[u8; 32]>,
}

/// The app's clipboard guard.
pub struct SecureClipboard {
    backend: Arc<Mutex<Box<dyn ClipboardBackend>>>,
    written: Arc<Mutex<Written>>,
    hash_key: [u8; 32],
}

impl std::fmt::Debug for SecureClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureClipboard").finish_non_exhaustive()
    }
}

impl SecureClipboard {
    /// A guard over `backend`.
    pub fn new(backend: Box<dyn ClipboardBackend>) -> Self {
        let mut hash_key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut hash_key);
        Self {
            backend: Arc::new(Mutex::new(backend)),
            written: Arc::default(),
            hash_key,
        }
    }

    fn hash(key: &[u8; 32], text: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(key);
        hasher.update(text.as_bytes());
        hasher.finalize().into()
    }

    /// Copies `secret`; when `clear_after` is set, schedules the conditional clear on the
    /// current tokio runtime. Returns the generation of this copy.
    pub fn copy(&self, secret: &str, clear_after: Option<Duration>) -> Result<u64, ClipboardError> {
        let generation = {
            let mut backend = self.backend.lock().unwrap_or_else(|e| e.into_inner());
            backend.set_secret_text(secret)?;
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            written.generation += 1;
            written.hash = Some(Self::hash(&self.hash_key, secret));
            written.generation
        };
        if let Some(delay) = clear_after {
            let backend = Arc::clone(&self.backend);
            let written = Arc::clone(&self.written);
            let key = self.hash_key;
            let clear = async move {
                tokio::time::sleep(delay).await;
                Self::clear_if_ours(&backend, &written, &key, Some(generation));
            };
            // Async commands run inside Tauri's runtime; sync ones (and quit paths) do not.
            match tokio::runtime::Handle::try_current() {
                Ok(handle) => drop(handle.spawn(clear)),
                Err(_) => drop(tauri::async_runtime::spawn(clear)),
            }
        }
        Ok(generation)
    }

    /// Clears the clipboard now if it still holds the value we last wrote (on quit).
    pub fn clear_if_ours_now(&self) -> bool {
        Self::clear_if_ours(&self.backend, &self.written, &self.hash_key, None)
    }

    fn clear_if_ours(
        backend: &Mutex<Box<dyn ClipboardBackend>>,
        written: &Mutex<Written>,
        key: &[u8; 32],
        generation: Option<u64>,
    ) -> bool {
        let mut backend = backend.lock().unwrap_or_else(|e| e.into_inner());
        let mut written = written.lock().unwrap_or_else(|e| e.into_inner());
        if generation.is_some_and(|g| g != written.generation) {
            return false; // a later copy of ours owns the clipboard and its own timer
        }
        let Some(ours) = written.hash else {
            return false;
        };
        let still_ours = backend
            .text()
            .is_some_and(|text| Self::hash(key, &text) == ours);
        if still_ours && backend.clear().is_ok() {
            written.hash = None;
            return true;
        }
        false
    }
}

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

/// A clipboard that only exists in memory; for tests and for machines without a display.
#[derive(Debug, Default, Clone)]
pub struct MemoryBackend {
    /// What the clipboard holds; shared so a test can play "the user copied something else".
    pub content: Arc<Mutex<Option<String>>>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> (SecureClipboard, MemoryBackend) {
        let memory = MemoryBackend::default();
        (SecureClipboard::new(Box::new(memory.clone())), memory)
    }

    fn content(memory: &MemoryBackend) -> Option<String> {
        memory.content.lock().unwrap().clone()
    }

    #[tokio::test(start_paused = true)]
    async fn clears_after_the_delay_when_still_ours() {
        let (clipboard, memory) = guard();
        clipboard
            .copy("jwt-CANARY", Some(Duration::from_secs(30)))
            .unwrap();
        assert_eq!(content(&memory).as_deref(), Some("jwt-CANARY"));
        tokio::time::sleep(Duration::from_secs(31)).await;
        tokio::task::yield_now().await;
        assert_eq!(content(&memory), None);
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_what_the_user_copied_meanwhile() {
        let (clipboard, memory) = guard();
        clipboard
            .copy("jwt-CANARY", Some(Duration::from_secs(30)))
            .unwrap();
        *memory.content.lock().unwrap() = Some("the user's own text".into());
        tokio::time::sleep(Duration::from_secs(31)).await;
        tokio::task::yield_now().await;
        assert_eq!(content(&memory).as_deref(), Some("the user's own text"));
    }

    #[tokio::test(start_paused = true)]
    async fn an_older_timer_does_not_clear_a_newer_copy() {
        let (clipboard, memory) = guard();
        clipboard
            .copy("first", Some(Duration::from_secs(10)))
            .unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        clipboard
            .copy("second", Some(Duration::from_secs(30)))
            .unwrap();
        tokio::time::sleep(Duration::from_secs(6)).await;
        tokio::task::yield_now().await;
        assert_eq!(content(&memory).as_deref(), Some("second"));
        tokio::time::sleep(Duration::from_secs(30)).await;
        tokio::task::yield_now().await;
        assert_eq!(content(&memory), None);
    }

    #[test]
    fn clearing_on_quit_spares_foreign_content() {
        let (clipboard, memory) = guard();
        clipboard.copy("jwt", None).unwrap();
        assert!(clipboard.clear_if_ours_now());
        assert_eq!(content(&memory), None);
        clipboard.copy("jwt", None).unwrap();
        *memory.content.lock().unwrap() = Some("mine".into());
        assert!(!clipboard.clear_if_ours_now());
        assert_eq!(content(&memory).as_deref(), Some("mine"));
    }
}
