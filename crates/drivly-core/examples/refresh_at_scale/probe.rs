//! Watches every session's state changes (the refresher's [`SessionEvents`] sink) to measure
//! what the emulator's request log cannot: how many refreshes are in flight at once, and how
//! late each background refresh starts against the point its token planned.
//!
//! A refresh begins when a session turns `refreshing`. If the wall clock is then at or past the
//! planned `next_refresh`, it is a background refresh and its lateness is recorded; if it is
//! before, a caller asked for a token the held one could not satisfy (an on-demand refresh).

use std::collections::HashSet;
use std::sync::Mutex;

use drivly_core::session::{SessionEvent, SessionEvents, SessionId, SessionState};

/// What the probe has seen so far.
#[derive(Debug, Default)]
pub struct Seen {
    /// Refreshes in flight now.
    pub in_flight: usize,
    /// The most refreshes ever in flight at once.
    pub max_in_flight: usize,
    /// Lateness of each background refresh, in milliseconds (start minus planned point).
    pub lateness_ms: Vec<i64>,
    /// Refreshes started before their planned point (a caller needed more time left).
    pub on_demand: usize,
    /// Sessions that ended in `retrying`, `needs_sign_in` or `signed_out` at least once.
    pub failures: usize,
    /// Sessions currently refreshing.
    refreshing: HashSet<SessionId>,
}

/// The event sink the refreshers report to. Recording starts only when `armed`, so the
/// sign-in phase does not count.
#[derive(Debug, Default)]
pub struct Probe {
    seen: Mutex<Seen>,
    armed: std::sync::atomic::AtomicBool,
}

impl Probe {
    /// Starts recording.
    pub fn arm(&self) {
        self.armed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Stops recording and hands back what was seen.
    pub fn take(&self) -> Seen {
        self.armed.store(false, std::sync::atomic::Ordering::SeqCst);
        match self.seen.lock() {
            Ok(mut seen) => std::mem::take(&mut *seen),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

impl SessionEvents for Probe {
    fn emit(&self, event: SessionEvent) {
        if !self.armed.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let SessionEvent::Changed { session } = event else {
            return;
        };
        let now = chrono::Utc::now();
        // A poisoned lock only means another emit panicked; the counts are still usable.
        let mut seen = match self.seen.lock() {
            Ok(seen) => seen,
            Err(poisoned) => poisoned.into_inner(),
        };
        let id = session.meta.id.clone();
        match session.state {
            SessionState::Refreshing => {
                if seen.refreshing.insert(id) {
                    seen.in_flight += 1;
                    seen.max_in_flight = seen.max_in_flight.max(seen.in_flight);
                    match session.meta.next_refresh {
                        Some(planned) if now >= planned => {
                            seen.lateness_ms.push((now - planned).num_milliseconds());
                        }
                        _ => seen.on_demand += 1,
                    }
                }
            }
            state => {
                if seen.refreshing.remove(&id) {
                    seen.in_flight = seen.in_flight.saturating_sub(1);
                }
                if !matches!(state, SessionState::Active) {
                    seen.failures += 1;
                }
            }
        }
    }
}
