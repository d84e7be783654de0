//! A cap on the refreshes one server sees at once from this process, admitted earliest
//! deadline first.
//!
//! Why: refresh points are jittered, but a suspend, an app start over stale tokens or many
//! sign-ins close together still make thousands of sessions due together. Without a cap each
//! is its own request at once: the HTTP client finds no idle connection and opens a socket per
//! refresh, and every refresh pays blocking-pool threads for its store calls, so the client
//! gets slower the more is due, falls behind, and more becomes due (issue #18). With a gate a
//! burst becomes a queue drained over a few reused connections.
//!
//! Order: a waiter carries the instant its token stops being servable (`now` when a caller is
//! already waiting), and the smallest deadline is admitted first, ties in arrival order, so a
//! session near expiry never waits behind ones that have time. A waiter dropped before it is
//! admitted (its refresher stopped, or it went back to serve a command) gives up its place;
//! a slot handed to it in that instant is passed on, never lost.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;
use tokio::time::Instant;

/// Refreshes in flight at once per server (per profile's client) in the app's background
/// mode: enough to keep a round trip of a few hundred milliseconds from limiting a few
/// thousand sessions, few enough that a burst reuses a handful of connections.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;

/// The shared gate; clones share the cap.
#[derive(Debug, Clone)]
pub struct RefreshGate {
    inner: Arc<Mutex<Inner>>,
}

/// The most the gate has seen at once (for benchmarks and diagnostics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GatePeaks {
    /// Refreshes admitted at once.
    pub in_flight: usize,
    /// Refreshes waiting for a slot at once.
    pub waiting: usize,
}

#[derive(Debug)]
struct Inner {
    limit: usize,
    in_flight: usize,
    /// Live waiters (entries in `queue` whose waiter has gone are not counted).
    waiting: usize,
    queue: BinaryHeap<Reverse<Waiter>>,
    next_seq: u64,
    peaks: GatePeaks,
}

#[derive(Debug)]
struct Waiter {
    deadline: Instant,
    seq: u64,
    slot: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        (self.deadline, self.seq) == (other.deadline, other.seq)
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.deadline, self.seq).cmp(&(other.deadline, other.seq))
    }
}

/// A slot: the holder may refresh; dropping it admits the next waiter.
#[derive(Debug)]
pub struct RefreshPermit {
    inner: Arc<Mutex<Inner>>,
}

fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    // Nothing panics while holding it; if something did, the counts are still consistent.
    inner.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Inner {
    /// Hands a freed slot to the most urgent live waiter, or returns it to the pool.
    fn pass_on(&mut self) {
        while let Some(Reverse(waiter)) = self.queue.pop() {
            if waiter.slot.send(()).is_ok() {
                self.waiting -= 1;
                return;
            }
            // Its waiter gave up (and already uncounted itself); try the next.
        }
        self.in_flight -= 1;
    }
}

impl RefreshGate {
    /// A gate admitting at most `limit` refreshes at once (at least one).
    pub fn new(limit: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                limit: limit.max(1),
                in_flight: 0,
                waiting: 0,
                queue: BinaryHeap::new(),
                next_seq: 0,
                peaks: GatePeaks::default(),
            })),
        }
    }

    /// Waits for a slot, queued by `deadline` (earliest first). Cancel-safe: dropping the
    /// future gives up the place in the queue.
    pub async fn admit(&self, deadline: Instant) -> RefreshPermit {
        let receiver = {
            let mut inner = lock(&self.inner);
            if inner.in_flight < inner.limit && inner.waiting == 0 {
                inner.in_flight += 1;
                inner.peaks.in_flight = inner.peaks.in_flight.max(inner.in_flight);
                return self.permit();
            }
            let (slot, receiver) = oneshot::channel();
            let seq = inner.next_seq;
            inner.next_seq += 1;
            inner.queue.push(Reverse(Waiter {
                deadline,
                seq,
                slot,
            }));
            inner.waiting += 1;
            inner.peaks.waiting = inner.peaks.waiting.max(inner.waiting);
            receiver
        };
        let mut queued = Queued {
            inner: &self.inner,
            receiver: Some(receiver),
        };
        if let Some(receiver) = queued.receiver.as_mut() {
            // The sender is only dropped after a send, or by `pass_on` skipping a waiter that
            // gave up, which this one has not: the slot is ours either way.
            let _ = receiver.await;
        }
        queued.receiver = None;
        self.permit()
    }

    /// The most the gate has seen at once so far.
    pub fn peaks(&self) -> GatePeaks {
        lock(&self.inner).peaks
    }

    fn permit(&self) -> RefreshPermit {
        RefreshPermit {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// A place in the queue; dropped before admission, it gives the place up (and passes on a
/// slot that was handed to it in the meantime).
struct Queued<'a> {
    inner: &'a Mutex<Inner>,
    receiver: Option<oneshot::Receiver<()>>,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        let Some(mut receiver) = self.receiver.take() else {
            return;
        };
        // Under the lock, so a slot is either already sent (and passed on here) or never will
        // be (the closed receiver makes `pass_on` skip this waiter).
        let mut inner = lock(self.inner);
        receiver.close();
        if receiver.try_recv().is_ok() {
            inner.pass_on();
        } else {
            inner.waiting -= 1;
        }
    }
}

impl Drop for RefreshPermit {
    fn drop(&mut self) {
        lock(&self.inner).pass_on();
    }
}

#[cfg(test)]
#[path = "refresh_gate_tests.rs"]
mod tests;
