//! The gate's rules: a cap, earliest deadline first, and no slot lost to a waiter that gives up.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use tokio::time::Instant;

use super::*;

fn at(secs: u64) -> Instant {
    Instant::now() + Duration::from_secs(secs)
}

#[tokio::test(start_paused = true)]
async fn admits_up_to_the_limit_then_queues_until_a_slot_is_freed() {
    let gate = RefreshGate::new(2);
    let first = gate.admit(at(1)).now_or_never().expect("a free slot");
    let _second = gate.admit(at(1)).now_or_never().expect("a free slot");
    let mut third = Box::pin(gate.admit(at(1)));
    assert!(futures::poll!(&mut third).is_pending(), "the cap holds");
    drop(first);
    let _third = tokio::time::timeout(Duration::from_secs(1), third)
        .await
        .expect("admitted once a slot is freed");
    assert_eq!(
        gate.peaks(),
        GatePeaks {
            in_flight: 2,
            waiting: 1
        }
    );
}

#[tokio::test(start_paused = true)]
async fn the_earliest_deadline_goes_first_whatever_the_arrival_order() {
    let gate = RefreshGate::new(1);
    let held = gate.admit(at(0)).now_or_never().expect("a free slot");
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    // Arrival order 30, 10, 20, 10: expected admission 10 (first come), 10, 20, 30.
    for (name, secs) in [("30", 30), ("10a", 10), ("20", 20), ("10b", 10)] {
        let (gate, order) = (gate.clone(), Arc::clone(&order));
        tasks.push(tokio::spawn(async move {
            let _permit = gate.admit(at(secs)).await;
            order.lock().expect("order").push(name);
            // Hold the slot a moment, so the next admission is decided by the queue alone.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }));
        tokio::task::yield_now().await; // queued before the next arrives
    }
    drop(held);
    for task in tasks {
        task.await.expect("task");
    }
    assert_eq!(*order.lock().expect("order"), ["10a", "10b", "20", "30"]);
}

#[tokio::test(start_paused = true)]
async fn a_waiter_that_gives_up_loses_its_place_and_the_cap_stays_exact() {
    let gate = RefreshGate::new(1);
    let held = gate.admit(at(0)).now_or_never().expect("a free slot");
    let mut urgent = Box::pin(gate.admit(at(1)));
    let mut later = Box::pin(gate.admit(at(2)));
    assert!(futures::poll!(&mut urgent).is_pending());
    assert!(futures::poll!(&mut later).is_pending());
    drop(urgent); // its refresher stopped
    drop(held);
    let permit = tokio::time::timeout(Duration::from_secs(1), later)
        .await
        .expect("the next waiter is admitted");
    assert!(
        gate.admit(at(0)).now_or_never().is_none(),
        "still one slot in all"
    );
    drop(permit);
    assert!(gate.admit(at(0)).now_or_never().is_some(), "and it is free");
}

#[tokio::test(start_paused = true)]
async fn a_slot_handed_to_a_waiter_as_it_gives_up_is_passed_on() {
    let gate = RefreshGate::new(1);
    let held = gate.admit(at(0)).now_or_never().expect("a free slot");
    let mut first = Box::pin(gate.admit(at(1)));
    let mut second = Box::pin(gate.admit(at(2)));
    assert!(futures::poll!(&mut first).is_pending());
    assert!(futures::poll!(&mut second).is_pending());
    // The slot is sent to `first`, which is dropped before it looks.
    drop(held);
    drop(first);
    let permit = tokio::time::timeout(Duration::from_secs(1), second)
        .await
        .expect("the slot went on to the next waiter");
    drop(permit);
    // And with nobody waiting it returns to the gate.
    let mut alone = Box::pin(gate.admit(at(1)));
    assert!(futures::poll!(&mut alone).is_ready());
}
