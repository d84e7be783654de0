//! What the main window's page hands over when the window closes to the tray, and what it gets
//! back when the window is made again (issue #18).
//!
//! Closing to the tray destroys the window and its webview, so that a tray app holds no WebKit
//! renderer. The page first sends a [`UiSnapshot`] (its screen and unsaved form text), kept here
//! in memory only, and the new page takes it back at boot. Requests for a page that is not there
//! yet (a notification's "Sign in again" that opens the window) wait here too, instead of being
//! emitted to nobody.
//!
//! What the page sends is its own choice: it never sends a secret field (an API key being
//! pasted, a JWT in Inspect). Closing the window forgets those, as a password manager forgets
//! what was typed when it locks.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::events::{ScreenId, UiRequest};

/// At most this many form fields are kept; the page has far fewer.
pub const MAX_FIELDS: usize = 64;
/// A field's name longer than this is not kept.
pub const MAX_FIELD_NAME: usize = 64;
/// A field's value longer than this (bytes) is not kept.
pub const MAX_FIELD_VALUE: usize = 16 * 1024;
/// Requests for a page that is still loading; older ones give way to newer ones.
const MAX_QUEUED: usize = 8;

/// The page's state that survives the window closing to the tray.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UiSnapshot {
    /// The screen that was showing.
    pub screen: ScreenId,
    /// Unsaved form text and which forms were open, by the page's own names (values are the
    /// page's JSON). Never a secret.
    pub fields: BTreeMap<String, String>,
}

/// What a page gets at boot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PageRecall {
    /// The last page's state, when the window closed to the tray since.
    pub snapshot: Option<UiSnapshot>,
    /// Requests made while no page was there, oldest first.
    pub requests: Vec<UiRequest>,
}

/// The page's side of closing: whether it was asked to save first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseStart {
    /// The page was asked to save; close when it answers, or at the deadline (`generation`
    /// names this close, so a late deadline cannot close a window reopened since).
    AskPage { generation: u64 },
    /// No page to ask (still loading, or already asked): close now.
    CloseNow,
}

#[derive(Debug, Default)]
struct Inner {
    page_ready: bool,
    snapshot: Option<UiSnapshot>,
    queued: Vec<UiRequest>,
    closing: Option<u64>,
    generation: u64,
}

/// The hand-over between one page and the next (managed in `AppState`).
#[derive(Debug, Default)]
pub struct PageMemory {
    inner: Mutex<Inner>,
}

impl PageMemory {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The data is plain values: a panic elsewhere cannot leave it half-written.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A page booted: it takes the snapshot and the waiting requests, and gets events from now.
    pub fn page_booted(&self) -> PageRecall {
        let mut inner = self.lock();
        inner.page_ready = true;
        PageRecall {
            snapshot: inner.snapshot.take(),
            requests: std::mem::take(&mut inner.queued),
        }
    }

    /// Whether a page is there to receive events now.
    pub fn page_ready(&self) -> bool {
        self.lock().page_ready
    }

    /// The page is gone (its window was destroyed) or is being made anew.
    pub fn page_gone(&self) {
        let mut inner = self.lock();
        inner.page_ready = false;
        inner.closing = None;
    }

    /// `request` for the page: `Some` to emit now, `None` when it waits for the next page.
    pub fn deliver(&self, request: UiRequest) -> Option<UiRequest> {
        let mut inner = self.lock();
        if inner.page_ready {
            return Some(request);
        }
        if inner.queued.len() == MAX_QUEUED {
            inner.queued.remove(0);
        }
        inner.queued.push(request);
        None
    }

    /// The user closed the window: ask the page to save first, unless it cannot answer.
    pub fn start_close(&self) -> CloseStart {
        let mut inner = self.lock();
        if !inner.page_ready || inner.closing.is_some() {
            return CloseStart::CloseNow;
        }
        inner.generation += 1;
        inner.closing = Some(inner.generation);
        CloseStart::AskPage {
            generation: inner.generation,
        }
    }

    /// The window was shown again before the page answered: the close is off.
    pub fn cancel_close(&self) {
        self.lock().closing = None;
    }

    /// The page answered with its state: `true` when the close is still wanted (the state is
    /// kept for the next page), `false` when it was cancelled since (nothing is kept).
    pub fn page_saved(&self, snapshot: UiSnapshot) -> bool {
        let mut inner = self.lock();
        if inner.closing.take().is_none() {
            return false;
        }
        inner.snapshot = Some(bounded(snapshot));
        true
    }

    /// The deadline of close `generation` passed: `true` when it is still waiting for the page.
    pub fn deadline_passed(&self, generation: u64) -> bool {
        let mut inner = self.lock();
        if inner.closing == Some(generation) {
            inner.closing = None;
            return true;
        }
        false
    }
}

/// The snapshot without fields over the limits (a page that sent too much loses those fields,
/// not its close).
fn bounded(mut snapshot: UiSnapshot) -> UiSnapshot {
    snapshot
        .fields
        .retain(|name, value| name.len() <= MAX_FIELD_NAME && value.len() <= MAX_FIELD_VALUE);
    while snapshot.fields.len() > MAX_FIELDS {
        snapshot.fields.pop_last();
    }
    snapshot
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(fields: &[(&str, &str)]) -> UiSnapshot {
        UiSnapshot {
            screen: ScreenId::Mint,
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn show(id: &str) -> UiRequest {
        UiRequest::ShowSession {
            session_id: id.to_owned(),
        }
    }

    #[test]
    fn a_saved_page_state_goes_to_the_next_page_once() {
        let memory = PageMemory::default();
        assert_eq!(memory.page_booted().snapshot, None);
        let CloseStart::AskPage { .. } = memory.start_close() else {
            panic!("a ready page is asked to save");
        };
        assert!(memory.page_saved(snapshot(&[("mint.label", "\"ci\"")])));
        memory.page_gone();
        assert!(
            !memory.page_ready(),
            "no page between the close and the next boot"
        );
        let recall = memory.page_booted();
        assert!(memory.page_ready());
        assert_eq!(recall.snapshot, Some(snapshot(&[("mint.label", "\"ci\"")])));
        assert_eq!(memory.page_booted().snapshot, None, "taken, not copied");
    }

    #[test]
    fn requests_wait_for_a_page_that_is_not_there() {
        let memory = PageMemory::default();
        assert_eq!(memory.deliver(show("a")), None, "no page yet");
        let recall = memory.page_booted();
        assert_eq!(recall.requests, vec![show("a")]);
        assert_eq!(
            memory.deliver(show("b")),
            Some(show("b")),
            "a ready page gets it now"
        );
        memory.page_gone();
        for n in 0..20 {
            memory.deliver(show(&n.to_string()));
        }
        let requests = memory.page_booted().requests;
        assert_eq!(requests.len(), MAX_QUEUED);
        assert_eq!(requests.last(), Some(&show("19")), "the newest are kept");
    }

    #[test]
    fn a_page_that_cannot_answer_is_not_waited_for() {
        let memory = PageMemory::default();
        assert_eq!(memory.start_close(), CloseStart::CloseNow, "still loading");
        memory.page_booted();
        assert!(matches!(memory.start_close(), CloseStart::AskPage { .. }));
        assert_eq!(memory.start_close(), CloseStart::CloseNow, "asked already");
    }

    #[test]
    fn the_deadline_closes_only_its_own_close() {
        let memory = PageMemory::default();
        memory.page_booted();
        let CloseStart::AskPage { generation } = memory.start_close() else {
            panic!("asked");
        };
        assert!(memory.page_saved(snapshot(&[])));
        assert!(!memory.deadline_passed(generation), "answered in time");

        let CloseStart::AskPage { generation } = memory.start_close() else {
            panic!("asked");
        };
        assert!(
            memory.deadline_passed(generation),
            "no answer: the deadline closes"
        );
        assert!(
            !memory.page_saved(snapshot(&[])),
            "a late answer keeps nothing"
        );
    }

    #[test]
    fn showing_the_window_again_calls_the_close_off() {
        let memory = PageMemory::default();
        memory.page_booted();
        let CloseStart::AskPage { generation } = memory.start_close() else {
            panic!("asked");
        };
        memory.cancel_close();
        assert!(
            !memory.page_saved(snapshot(&[("a", "1")])),
            "the window stays"
        );
        assert!(!memory.deadline_passed(generation));
        assert_eq!(memory.page_booted().snapshot, None);
    }

    #[test]
    fn fields_over_the_limits_are_dropped_and_the_rest_kept() {
        let memory = PageMemory::default();
        memory.page_booted();
        memory.start_close();
        let mut fields: Vec<(String, String)> = (0..100)
            .map(|n| (format!("f{n:03}"), "1".to_owned()))
            .collect();
        fields.push(("x".repeat(MAX_FIELD_NAME + 1), "1".to_owned()));
        fields.push(("big".to_owned(), "y".repeat(MAX_FIELD_VALUE + 1)));
        memory.page_saved(UiSnapshot {
            screen: ScreenId::Keys,
            fields: fields.into_iter().collect(),
        });
        let kept = memory.page_booted().snapshot.expect("kept").fields;
        assert_eq!(kept.len(), MAX_FIELDS);
        assert!(!kept.contains_key("big"));
        assert!(kept.contains_key("f000"));
    }
}
