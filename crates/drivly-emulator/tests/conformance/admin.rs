//! The test controls over HTTP under `/__emulator/`.

use serde_json::{Value, json};

use crate::common::*;

async fn post(emu: &drivly_emulator::Emulator, path: &str, body: Value) -> reqwest::Response {
    client()
        .post(admin(emu, path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn controls_work_over_http() {
    let emu = start().await;
    assert_eq!(
        post(&emu, "jwt-lifetime", json!({"seconds": 42}))
            .await
            .status(),
        204
    );
    let body = sign_in(&emu, "invoices.read").await;
    let c = claims(body["token"].as_str().unwrap());
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 42);
    let rt = body["refreshToken"].as_str().unwrap();

    assert_eq!(
        post(&emu, "rotation", json!({"enabled": false}))
            .await
            .status(),
        204
    );
    let refreshed: Value = refresh(&emu, rt).await.json().await.unwrap();
    assert!(refreshed.get("refreshToken").is_none());

    post(
        &emu,
        "fail-next",
        json!({"endpoint": "refresh", "count": 1, "status": 429, "retryAfter": 3}),
    )
    .await;
    let limited = refresh(&emu, rt).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "3");
    assert_eq!(
        post(
            &emu,
            "fail-next",
            json!({"endpoint": "refresh", "count": 1, "status": 200})
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        post(
            &emu,
            "fail-next",
            json!({"endpoint": "nope", "count": 1, "status": 500})
        )
        .await
        .status(),
        400
    );

    post(&emu, "refresh-invalid-grant", json!({"enabled": true})).await;
    assert_eq!(refresh(&emu, rt).await.status(), 400);
    post(&emu, "refresh-invalid-grant", json!({"enabled": false})).await;

    post(&emu, "skew-clock", json!({"seconds": 3600})).await;
    assert_eq!(
        get(&emu, "/invoices", body["token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    post(&emu, "skew-clock", json!({"seconds": 0})).await;

    post(&emu, "latency", json!({"millis": 1})).await;
    post(&emu, "rotation", json!({"enabled": true})).await;
    assert_eq!(
        post(&emu, "drop-connection-after-next-rotation", json!({}))
            .await
            .status(),
        204
    );
    assert!(
        client()
            .post(url(&emu, "/auth/refresh"))
            .json(&json!({"refreshToken": rt}))
            .send()
            .await
            .is_err()
    );

    let log: Vec<Value> = client()
        .get(admin(&emu, "request-log"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<u64> = log
        .iter()
        .filter(|r| r["path"] == "/api/auth/refresh")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![200, 429, 400, 0]);
    assert!(
        log.iter()
            .all(|r| r["at"].as_str().is_some() && r["method"].as_str().is_some())
    );

    let created: Value = post(&emu, "api-keys", json!({"label": "script"}))
        .await
        .json()
        .await
        .unwrap();
    let key = created["apiKey"].as_str().unwrap();
    assert_eq!(get(&emu, "/invoices", key).await.status(), 200);
    assert_eq!(post(&emu, "reset", json!({})).await.status(), 204);
    assert_eq!(get(&emu, "/invoices", key).await.status(), 401);
    assert!(
        emu.request_log()
            .iter()
            .all(|r| r.path != "/api/auth/refresh")
    );
}

#[tokio::test]
async fn browser_requests_to_controls_are_refused() {
    let emu = start().await;
    let response = client()
        .post(admin(&emu, "reset"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
