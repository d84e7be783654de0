//! What a Secret Service lookup costs on this machine, by session kind (issue #18): opening a
//! connection with a `plain` or a `dh` (Diffie-Hellman, AES) session, and one lookup on an open
//! one. Run it inside a session with an unlocked keyring (scripts/bench does):
//! `cargo run --release -p drivly-core --example secret_service_sessions -- 200`.
//! Prints one line per figure: the median in microseconds.

use std::collections::HashMap;
use std::time::Instant;

use dbus_secret_service::{EncryptionType, SecretService};

fn median(mut samples: Vec<u128>) -> u128 {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let attributes = HashMap::from([
        ("service", "ly.driv.keys.bench-sessions"),
        ("username", "probe"),
    ]);
    let setup = SecretService::connect(EncryptionType::Plain)?;
    setup.get_default_collection()?.create_item(
        "bench probe",
        attributes.clone(),
        b"value",
        true,
        "text/plain",
    )?;
    for (name, dh) in [("plain", false), ("dh", true)] {
        let mut connect = Vec::with_capacity(runs);
        let mut lookup = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let kind = if dh {
                EncryptionType::Dh
            } else {
                EncryptionType::Plain
            };
            let service = SecretService::connect(kind)?;
            connect.push(started.elapsed().as_micros());
            let started = Instant::now();
            let found = service.search_items(attributes.clone())?;
            let secret = found
                .unlocked
                .first()
                .ok_or("no probe item")?
                .get_secret()?;
            lookup.push(started.elapsed().as_micros());
            assert_eq!(secret, b"value");
        }
        println!(
            "{name}: connect and open session {} µs, one lookup {} µs",
            median(connect),
            median(lookup)
        );
    }
    for item in setup.search_items(attributes)?.unlocked {
        item.delete()?;
    }
    Ok(())
}
