//! The `drivly-emulator` binary: flags, the printed banner, seeded credentials.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::common::*;

const BIN: &str = env!("CARGO_BIN_EXE_drivly-emulator");

#[tokio::test]
async fn help_documents_every_flag() {
    let output = tokio::process::Command::new(BIN)
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--port",
        "--api-key",
        "--user",
        "--jwt-lifetime",
        "--no-rotation",
        "--state",
        "--token-redirect",
        "--hs256-secret",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[tokio::test]
async fn runs_with_seeded_credentials() {
    let mut child = tokio::process::Command::new(BIN)
        .args([
            "--port",
            "0",
            "--api-key",
            "drv_test_fixedkey123",
            "--user",
            "ci@example.com:s3cret",
            "--jwt-lifetime",
            "120",
            "--no-rotation",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = None;
    let mut demo_key = None;
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line()).await
    {
        if let Some(rest) = line.trim().strip_prefix("base URL") {
            base = Some(rest.trim().to_owned());
        }
        if let Some(rest) = line.trim().strip_prefix("API key") {
            demo_key = Some(rest.trim().to_owned());
            break;
        }
    }
    let base = base.expect("the banner prints the base URL");
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/api"));
    let c = client();
    for key in ["drv_test_fixedkey123", demo_key.unwrap().as_str()] {
        let response = c
            .post(format!("{base}/auth"))
            .bearer_auth(key)
            .json(&json!({"permissions": ["invoices.read"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            claims(body["token"].as_str().unwrap())["iss"],
            base.as_str()
        );
    }
    child.kill().await.unwrap();
}
