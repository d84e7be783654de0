//! One timer for every session of a process. A refresher sleeps on tokio's monotonic timers,
//! which stop while the computer is suspended, so a sleeping refresher cannot notice a resume
//! (or a wall-clock step) by itself. Each refresher used to wake every 20 s to re-read the wall
//! clock; with many sessions that was most of a tray app's idle wake-ups (BENCHMARKS.md). Now
//! one task compares the wall clock with the monotonic one every tick and, when they part by
//! more than a threshold, wakes every refresher at once; between jumps a refresher sleeps until
//! its own next refresh.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::clock::Clock;

/// How often the wall clock is compared with the monotonic one: the bound on how late a
/// resume from suspend is noticed.
pub const CLOCK_CHECK_TICK: Duration = Duration::from_secs(20);
/// A difference between the two clocks' progress above this is a jump (suspend, clock step);
/// below it is scheduling noise.
const JUMP_THRESHOLD: Duration = Duration::from_secs(2);

/// A subscription point: refreshers wait on [`ClockWatch::jumped`].
#[derive(Debug, Clone)]
pub struct ClockWatch {
    jumps: watch::Receiver<u64>,
}

/// Stops the watch's task when dropped.
#[derive(Debug)]
pub struct ClockWatchTask(#[allow(dead_code)] DropGuard);

impl ClockWatch {
    /// Starts the task (on the current tokio runtime) checking `clock` every `tick`.
    pub fn start(clock: Arc<dyn Clock>, tick: Duration) -> (Self, ClockWatchTask) {
        let (sender, jumps) = watch::channel(0u64);
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(async move {
            loop {
                let (mono, wall) = (Instant::now(), clock.now());
                tokio::select! {
                    () = stopped.cancelled() => break,
                    () = tokio::time::sleep(tick) => {}
                }
                let mono_passed = mono.elapsed();
                let wall_passed = (clock.now() - wall).to_std().unwrap_or(Duration::ZERO);
                let backwards = clock.now() < wall;
                if backwards || wall_passed.abs_diff(mono_passed) > JUMP_THRESHOLD {
                    tracing::debug!(?wall_passed, ?mono_passed, "the wall clock jumped");
                    sender.send_modify(|n| *n = n.wrapping_add(1));
                }
            }
        });
        (Self { jumps }, ClockWatchTask(stop.drop_guard()))
    }

    /// A receiver of its own for one refresher.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        let mut jumps = self.jumps.clone();
        jumps.mark_unchanged();
        jumps
    }
}

/// Resolves when the wall clock jumped; never when there is no watch or it has stopped.
pub async fn jumped(jumps: &mut Option<watch::Receiver<u64>>) {
    if let Some(rx) = jumps
        && rx.changed().await.is_ok()
    {
        return;
    }
    std::future::pending().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[tokio::test(start_paused = true)]
    async fn a_suspend_wakes_every_subscriber_once_and_steady_time_wakes_none() {
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let (watch, _task) = ClockWatch::start(clock.clone(), CLOCK_CHECK_TICK);
        let mut first = Some(watch.subscribe());
        let mut second = Some(watch.subscribe());
        // Steady: both clocks move together for a minute; nobody is woken.
        for _ in 0..6 {
            clock.advance(chrono::Duration::seconds(10));
            tokio::time::advance(Duration::from_secs(10)).await;
        }
        let quiet = tokio::time::timeout(Duration::from_millis(1), jumped(&mut first)).await;
        assert!(quiet.is_err(), "no jump, no wake-up");
        // Suspended for an hour: the wall clock moves, the monotonic one does not.
        clock.advance(chrono::Duration::hours(1));
        tokio::time::advance(CLOCK_CHECK_TICK).await;
        tokio::time::timeout(Duration::from_secs(1), jumped(&mut first))
            .await
            .expect("the first refresher is woken");
        tokio::time::timeout(Duration::from_secs(1), jumped(&mut second))
            .await
            .expect("and the second");
    }

    #[tokio::test(start_paused = true)]
    async fn a_clock_stepped_back_is_a_jump_too() {
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let (watch, _task) = ClockWatch::start(clock.clone(), CLOCK_CHECK_TICK);
        let mut jumps = Some(watch.subscribe());
        tokio::task::yield_now().await; // the watch takes its first reading
        clock.advance(chrono::Duration::minutes(-5));
        tokio::time::advance(CLOCK_CHECK_TICK).await;
        tokio::time::timeout(Duration::from_secs(1), jumped(&mut jumps))
            .await
            .expect("woken");
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_watch_nothing_ever_wakes() {
        let mut none = None;
        let waited = tokio::time::timeout(Duration::from_secs(3600), jumped(&mut none)).await;
        assert!(waited.is_err());
    }
}
