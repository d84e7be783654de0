//! Fuzzes the JWT inspector and verifier: any bytes, as text, must give `Ok` or a typed error,
//! never a panic, an abort or unbounded work.
#![no_main]

use chrono::DateTime;
use drivly_core::jwt::{KeySet, VerificationKey, inspect, verify};
use drivly_core::secret::SecretString;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default();
    if let Ok(inspection) = inspect(&text, now) {
        // Serialising the result for the UI must not fail either.
        let _ = serde_json::to_string(&inspection);
    }
    let keys = match VerificationKey::hs_secret(&SecretString::from("fuzz-secret")) {
        Ok(key) => KeySet::new().with(key),
        Err(_) => KeySet::new(),
    };
    let _ = verify(&text, &keys, now);
    // The same bytes as pasted key material.
    let _ = KeySet::parse_pasted(&text);
});
