//! Copying secrets: written from Rust (never by the webview), marked as a password for
//! clipboard managers, and cleared after a delay only if the clipboard still holds our value.
//!
//! The marking and the "still ours" check are the core's (`drivly_core::secret_clipboard`), the
//! same the command line uses; this adds the app's timers. A generation counter makes a clear
//! that is due apply only when no later copy of ours happened, and the clipboard still holds our
//! value (so something the user copied meanwhile survives). On quit the same check runs once more.

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use drivly_core::secret_clipboard::{
    ArboardBackend, ClipboardBackend, ClipboardError, CopiedSecret, MemoryBackend,
};

#[derive(Debug, Default)]
struct Written {
    generation: u64,
    copied: Option<CopiedSecret>,
}

/// The app's clipboard guard.
pub struct SecureClipboard {
    backend: Arc<Mutex<Box<dyn ClipboardBackend>>>,
    written: Arc<Mutex<Written>>,
}

impl std::fmt::Debug for SecureClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureClipboard").finish_non_exhaustive()
    }
}

impl SecureClipboard {
    /// A guard over `backend`.
    pub fn new(backend: Box<dyn ClipboardBackend>) -> Self {
        Self {
            backend: Arc::new(Mutex::new(backend)),
            written: Arc::default(),
        }
    }

    /// Copies `secret`; when `clear_after` is set, schedules the conditional clear on the
    /// current tokio runtime. Returns the generation of this copy.
    pub fn copy(&self, secret: &str, clear_after: Option<Duration>) -> Result<u64, ClipboardError> {
        let generation = {
            let mut backend = self.backend.lock().unwrap_or_else(|e| e.into_inner());
            let copied = CopiedSecret::write(backend.as_mut(), secret)?;
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            written.generation += 1;
            written.copied = Some(copied);
            written.generation
        };
        if let Some(delay) = clear_after {
            let backend = Arc::clone(&self.backend);
            let written = Arc::clone(&self.written);
            let clear = async move {
                tokio::time::sleep(delay).await;
                Self::clear_if_ours(&backend, &written, Some(generation));
            };
            // Async commands run inside Tauri's runtime; sync ones (and quit paths) do not.
            match tokio::runtime::Handle::try_current() {
                Ok(handle) => drop(handle.spawn(clear)),
                Err(_) => drop(tauri::async_runtime::spawn(clear)),
            }
        }
        Ok(generation)
    }

    /// The clipboard's text, in a buffer zeroized when dropped; `None` when it holds no text.
    pub fn read_text(&self) -> Option<zeroize::Zeroizing<String>> {
        let mut backend = self.backend.lock().unwrap_or_else(|e| e.into_inner());
        backend.text().map(zeroize::Zeroizing::new)
    }

    /// Clears the clipboard now if it still holds the value we last wrote (on quit).
    pub fn clear_if_ours_now(&self) -> bool {
        Self::clear_if_ours(&self.backend, &self.written, None)
    }

    fn clear_if_ours(
        backend: &Mutex<Box<dyn ClipboardBackend>>,
        written: &Mutex<Written>,
        generation: Option<u64>,
    ) -> bool {
        let mut backend = backend.lock().unwrap_or_else(|e| e.into_inner());
        let mut written = written.lock().unwrap_or_else(|e| e.into_inner());
        if generation.is_some_and(|g| g != written.generation) {
            return false; // a later copy of ours owns the clipboard and its own timer
        }
        let cleared = written
            .copied
            .as_ref()
            .is_some_and(|copied| copied.clear_if_still_there(backend.as_mut()));
        if cleared {
            written.copied = None;
        }
        cleared
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
