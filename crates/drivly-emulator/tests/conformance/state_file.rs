//! `--state FILE`: keys, users, sessions and the signing key survive a restart; no credential
//! is written in clear.

use drivly_emulator::{Config, Emulator};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emulator-state.json");
    let config = || Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };

    let first = Emulator::start(config()).await.unwrap();
    let key = first.create_api_key("kept");
    let minted: Value = mint(&first, &key, json!({"permissions": ["invoices.read"]}))
        .await
        .json()
        .await
        .unwrap();
    let jwt = minted["token"].as_str().unwrap().to_owned();
    let session = sign_in(&first, "invoices.read").await;
    let rt = session["refreshToken"].as_str().unwrap().to_owned();
    let old_demo = first.demo_api_key();
    let port = first.base_url().port().unwrap();
    first.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    for secret in [&key, &rt, &old_demo] {
        assert!(
            !text.contains(secret.as_str()),
            "credentials are stored as digests only"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let second = Emulator::start(Config { port, ..config() }).await.unwrap();
    assert_eq!(
        get(&second, "/invoices", &key).await.status(),
        200,
        "the key survived"
    );
    assert_eq!(
        get(&second, "/invoices", &jwt).await.status(),
        200,
        "the signing key survived"
    );
    assert_eq!(
        refresh(&second, &rt).await.status(),
        200,
        "the session survived"
    );
    assert_eq!(
        get(&second, "/invoices", &old_demo).await.status(),
        401,
        "the demo key is new each start"
    );
    assert_eq!(
        get(&second, "/invoices", &second.demo_api_key())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_damaged_state_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{not json").unwrap();
    let error = Emulator::start(Config {
        state_file: Some(path),
        ..Config::default()
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("damaged"), "{error}");
}
