//! The answers the UI's fake backend gives (`ui/src/test/fake-backend.ts`) are the Rust side's
//! own: this test drives `inspect_token` and `verify_signature` through the real IPC layer, at a
//! fixed instant, over a set of tokens and key materials, and writes what they answered to
//! `ui/src/test/fixtures/rust-answers.json`. The fake answers signature checks only from that
//! file, and a conformance test (`ui/src/test/jwt.conformance.test.ts`) holds the fake's own
//! inspector to the Rust inspections, so a component test can no longer pass on an answer the
//! real app would never give.
//!
//! Fails when the file is stale; `DRIVLY_KEYS_WRITE_BINDINGS=1` rewrites it (with the bindings).

#[path = "common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use drivly_core::clock::ManualClock;
use drivly_core::jwt::{self, KeySet};
use drivly_keys_app::build_app;
use drivly_keys_app::clipboard::MemoryBackend;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};
use tauri::test::{MockRuntime, mock_builder};

const FIXTURES_PATH: &str = "ui/src/test/fixtures/rust-answers.json";

/// TEST-ONLY Ed25519 key generated for these fixtures with openssl; it protects nothing.
const ED_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINsIP8xfDR8fOBkKfoTxKtrrBwQVyQzW9Fj/fZl/OF5F
-----END PRIVATE KEY-----";
const ED_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEADoZlre4OHXpQpL53yR2Hbd4BFYrLTxDcGUJNTXeGrhw=
-----END PUBLIC KEY-----";
/// The profile's published keys, as the fake backend's `profileJwks` answers them.
const PROFILE_JWKS: &str = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"DoZlre4OHXpQpL53yR2Hbd4BFYrLTxDcGUJNTXeGrhw","kid":"emulator-2025","alg":"EdDSA","use":"sig"}]}"#;
/// TEST-ONLY HMAC secret; the fake's "right" HS256 secret.
const HS_SECRET: &str = "fixture-hs256-secret-0123456789abcdef";

/// The instant every inspection is made at.
fn fixture_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

/// A JWT signed with `key` under the fixture key id.
fn signed(alg: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = Some("emulator-2025".into());
    jsonwebtoken::encode(&header, claims, key).expect("signs")
}

fn unsigned(header: &Value, claims: &Value) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", part(header), part(claims))
}

/// The named tokens: time claims relative to [`fixture_now`].
fn tokens() -> Vec<(&'static str, String)> {
    let now = fixture_now().timestamp();
    let ed = EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).expect("an Ed25519 key");
    let hs = EncodingKey::from_secret(HS_SECRET.as_bytes()).expect("an HMAC key");
    let far = 4_102_444_800_i64; // 2100-01-01: live whenever a test runs.
    let session = json!({
        "iss": "http://127.0.0.1:7878/api", "sub": "usr_1", "aud": "http://127.0.0.1:7878/api",
        "kind": "session", "email": "demo@example.com", "iat": now - 60, "nbf": now - 60,
        "exp": now + 540, "permissions": ["invoices.read", "invoices.write", "vehicles.read"],
    });
    vec![
        ("session", signed(Algorithm::HS256, &hs, &session)),
        (
            "expired",
            signed(
                Algorithm::HS256,
                &hs,
                &json!({"sub": "usr_1", "exp": now - 3 * 3600, "permissions": ["invoices.read"]}),
            ),
        ),
        (
            "unsigned",
            unsigned(
                &json!({"alg": "none"}),
                &json!({"sub": "usr_1", "exp": now + 600}),
            ),
        ),
        (
            "noExpiry",
            signed(Algorithm::HS256, &hs, &json!({"sub": "svc_1"})),
        ),
        (
            "notYetValid",
            signed(
                Algorithm::HS256,
                &hs,
                &json!({"sub": "usr_1", "nbf": now + 3600, "exp": now + 7200}),
            ),
        ),
        (
            "oddPermissions",
            signed(
                Algorithm::HS256,
                &hs,
                &json!({"sub": "usr_1", "exp": now + 600,
                        "permissions": ["invoices.read", "admin", "9lives.read", "Billing.write", 7]}),
            ),
        ),
        (
            "scopeString",
            signed(
                Algorithm::HS256,
                &hs,
                &json!({"sub": "usr_1", "exp": now + 600, "scope": "invoices.read vehicles.write"}),
            ),
        ),
        (
            "badTimes",
            signed(
                Algorithm::HS256,
                &hs,
                &json!({"sub": "usr_1", "exp": "tomorrow", "iat": 1.5e300}),
            ),
        ),
        (
            "edLive",
            signed(
                Algorithm::EdDSA,
                &ed,
                // Far from expiry, so it is live whenever a component test runs.
                &json!({"sub": "usr_1", "kind": "minted", "exp": far, "permissions": ["invoices.read"]}),
            ),
        ),
        (
            "hsLive",
            signed(
                Algorithm::HS256,
                &hs,
                &json!({"sub": "usr_1", "exp": far, "permissions": ["invoices.read"]}),
            ),
        ),
    ]
}

/// Texts the inspector refuses, by name.
const NOT_TOKENS: &[(&str, &str)] = &[
    ("opaque", "not a token"),
    ("twoParts", "abc.def"),
    ("notJson", "bm90IGpzb24.bm90IGpzb24.c2ln"),
];

/// The key materials tried on the signed tokens, as the UI sends them.
fn materials() -> Vec<(&'static str, Value)> {
    vec![
        (
            "profileJwks",
            json!({"kind": "profileJwks", "profileId": "emulator"}),
        ),
        ("rightPem", json!({"kind": "pem", "value": ED_PUBLIC_PEM})),
        ("notAPem", json!({"kind": "pem", "value": "wrong key"})),
        ("rightHs", json!({"kind": "hsSecret", "value": HS_SECRET})),
        (
            "wrongHs",
            json!({"kind": "hsSecret", "value": "a-wrong-secret-of-enough-length-0123"}),
        ),
        ("shortHs", json!({"kind": "hsSecret", "value": "short"})),
        (
            "emptyJwks",
            json!({"kind": "jwks", "value": "{\"keys\":[]}"}),
        ),
    ]
}

fn render() -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let clipboard = MemoryBackend::default();
    let (mut state, _receivers) = common::state_in(&dir, None, &clipboard);
    state.clock = Arc::new(ManualClock::new(fixture_now()));
    let app = build_app(mock_builder(), state)
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds");
    let webview: tauri::WebviewWindow<MockRuntime> =
        tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("a webview");
    let answer = |cmd: &str, args: Value| match common::invoke(&webview, cmd, args) {
        Ok(value) => json!({"ok": value}),
        Err(error) => json!({"error": error}),
    };

    let tokens = tokens();
    let mut token_map = Map::new();
    let mut inspections = Map::new();
    for (name, token) in &tokens {
        token_map.insert((*name).into(), json!(token));
        inspections.insert(
            (*name).into(),
            answer("inspect_token", json!({"token": token})),
        );
    }
    for (name, text) in NOT_TOKENS {
        token_map.insert((*name).into(), json!(text));
        inspections.insert(
            (*name).into(),
            answer("inspect_token", json!({"token": text})),
        );
    }

    // A signed token with one claim changed after signing.
    let ed_live = &tokens
        .iter()
        .find(|(name, _)| *name == "edLive")
        .expect("edLive")
        .1;
    let tampered = {
        let parts: Vec<&str> = ed_live.split('.').collect();
        let claims = json!({"sub": "usr_2", "kind": "minted", "exp": 4_102_444_800_i64,
                            "permissions": ["invoices.read"]});
        let claims = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            claims.to_string(),
        );
        format!("{}.{claims}.{}", parts[0], parts[2])
    };
    token_map.insert("edTampered".into(), json!(tampered));
    inspections.insert(
        "edTampered".into(),
        answer("inspect_token", json!({"token": tampered})),
    );

    let profile_keys = KeySet::from_jwks_json(PROFILE_JWKS).expect("the fixture JWKS");
    let mut signatures = Vec::new();
    let signed_tokens = ["edLive", "hsLive", "unsigned", "edTampered"];
    for token_name in signed_tokens {
        let token = token_map[token_name].as_str().expect("a token").to_owned();
        let token = &token;
        for (material_name, material) in materials() {
            // The profile's keys come from its JWKS endpoint in the app; here from the fixture
            // JWKS, through the same two calls `verify_signature` makes once it has the text.
            let result = if material_name == "profileJwks" {
                json!({"ok": jwt::verify(token, &profile_keys, fixture_now())})
            } else {
                answer(
                    "verify_signature",
                    json!({"source": {"token": token}, "key": material}),
                )
            };
            signatures.push(json!({
                "token": token_name, "material": material_name, "result": result,
            }));
        }
    }
    let materials: Map<String, Value> = materials()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    let document = json!({
        "comment": "Written by src-tauri/tests/ui_fixtures.rs; do not edit by hand.",
        "now": fixture_now().to_rfc3339(),
        "profileJwks": serde_json::from_str::<Value>(PROFILE_JWKS).expect("JSON"),
        "tokens": token_map,
        "materials": materials,
        "inspections": inspections,
        "signatures": signatures,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON");
    text.push('\n');
    text
}

#[test]
fn ui_fixtures_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(FIXTURES_PATH);
    let rendered = render();
    if std::env::var_os("DRIVLY_KEYS_WRITE_BINDINGS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, &rendered).expect("write the fixtures");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "{FIXTURES_PATH} is stale: regenerate it with \
         `DRIVLY_KEYS_WRITE_BINDINGS=1 cargo test -p drivly-keys-app --features drivly-keys-app/demo --test ui_fixtures` \
         and commit it"
    );
}
