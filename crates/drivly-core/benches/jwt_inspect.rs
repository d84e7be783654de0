//! Benchmarks for decoding and inspecting a typical ~1 KB token, and for verifying it.
//!
//! `cargo bench -p drivly-core --bench jwt_inspect`; figures are recorded in the crate README.

use std::hint::black_box;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use drivly_core::jwt::{KeySet, VerificationKey, inspect, verify};
use drivly_core::secret::SecretString;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

/// A Drivly-shaped session token of about 1 KB, HS256-signed with a bench-only secret.
fn typical_token() -> String {
    let header = json!({"alg": "HS256", "typ": "JWT", "kid": "emulator-2025"});
    let permissions: Vec<String> = [
        "invoices",
        "services",
        "vehicles",
        "listings",
        "deals",
        "customers",
        "orders",
        "payments",
        "webhooks",
        "documents",
        "transports",
        "inspections",
    ]
    .iter()
    .flat_map(|r| [format!("{r}.read"), format!("{r}.write")])
    .collect();
    let claims = json!({
        "iss": "https://commerce.driv.ly/api",
        "sub": "user_01HZY3K4M5N6P7Q8R9S0T1V2W3",
        "aud": ["https://commerce.driv.ly/api"],
        "kind": "session",
        "jti": "8f14e45f-ceea-467f-a8f4-2b1c9a7d3e6b",
        "iat": 1_748_779_200,
        "nbf": 1_748_779_200,
        "exp": 1_748_779_800,
        "permissions": permissions,
        "name": "Ada Example",
        "email": "ada@example.com",
        "org": {"id": "org_01HZY3K4M5", "name": "Example Motors", "plan": "enterprise"},
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = match Hmac::<Sha256>::new_from_slice(b"bench-only-secret") {
        Ok(mac) => mac,
        Err(e) => panic!("{e}"),
    };
    mac.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

fn benches(c: &mut Criterion) {
    let token = typical_token();
    let now = Utc
        .with_ymd_and_hms(2025, 6, 1, 12, 5, 0)
        .single()
        .unwrap_or_default();
    println!("typical token: {} bytes", token.len());
    c.bench_function("inspect typical 1 KB token", |b| {
        b.iter(|| inspect(black_box(&token), now))
    });
    let keys = match VerificationKey::hs_secret(&SecretString::from("bench-only-secret")) {
        Ok(key) => KeySet::new().with(key),
        Err(e) => panic!("{e}"),
    };
    assert!(verify(&token, &keys, now).is_verified());
    c.bench_function("verify typical 1 KB token (HS256)", |b| {
        b.iter(|| verify(black_box(&token), &keys, now))
    });
}

criterion_group!(jwt, benches);
criterion_main!(jwt);
