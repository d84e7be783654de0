//! Resources: pagination, CRUD, and Drivly's permission rule.

use serde_json::{Value, json};

use crate::common::*;

async fn token(emu: &drivly_emulator::Emulator, permissions: &[&str]) -> String {
    let body: Value = mint(
        emu,
        &emu.demo_api_key(),
        json!({ "permissions": permissions }),
    )
    .await
    .json()
    .await
    .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn lists_paginate_with_drivly_fields() {
    let emu = start().await;
    let key = emu.demo_api_key();
    let first: Value = get(&emu, "/invoices", &key).await.json().await.unwrap();
    assert_eq!(first["docs"].as_array().unwrap().len(), 10);
    assert_eq!(first["totalDocs"], 12);
    assert_eq!(first["page"], 1);
    assert_eq!(first["totalPages"], 2);
    assert_eq!(first["hasNextPage"], true);
    assert_eq!(first["nextPage"], 2);
    let second: Value = get(&emu, "/invoices?page=2&limit=10", &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["docs"].as_array().unwrap().len(), 2);
    assert_eq!(second["hasNextPage"], false);
    assert_eq!(second["hasPrevPage"], true);
    let services: Value = get(&emu, "/services?limit=2", &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(services["totalPages"], 3);
    assert_eq!(get(&emu, "/invoices?limit=0", &key).await.status(), 400);
    assert_eq!(get(&emu, "/invoices?page=x", &key).await.status(), 400);
    let one: Value = get(&emu, "/invoices/inv_0001", &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["number"], "INV-1001");
    let missing = get(&emu, "/invoices/inv_9999", &key).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(error_code(missing).await, "not_found");
}

#[tokio::test]
async fn read_token_cannot_write_and_write_token_cannot_read() {
    let emu = start().await;
    let read = token(&emu, &["invoices.read"]).await;
    assert_eq!(get(&emu, "/invoices", &read).await.status(), 200);
    let post = client()
        .post(url(&emu, "/invoices"))
        .bearer_auth(&read)
        .json(&json!({"customer": "X", "amount": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 403);
    let body: Value = post.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_permission");
    assert_eq!(body["permission"], "invoices.write");
    assert!(body["message"].as_str().unwrap().contains("invoices.write"));
    let services = get(&emu, "/services", &read).await;
    assert_eq!(services.status(), 403);
    let write = token(&emu, &["invoices.write"]).await;
    assert_eq!(
        get(&emu, "/invoices", &write).await.status(),
        403,
        ".write does not grant GET"
    );
}

#[tokio::test]
async fn write_token_creates_updates_and_deletes() {
    let emu = start().await;
    let write = token(&emu, &["services.write", "services.read"]).await;
    let c = client();
    let created = c
        .post(url(&emu, "/services"))
        .bearer_auth(&write)
        .json(&json!({"name": "Detailing", "price": 900}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert!(created["createdAt"].as_str().is_some());
    let path = format!("/services/{id}");
    let bad = c
        .post(url(&emu, "/services"))
        .bearer_auth(&write)
        .json(&json!({"price": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(bad).await, "invalid_request");
    let updated: Value = c
        .put(url(&emu, &path))
        .bearer_auth(&write)
        .json(&json!({"price": 950}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["price"], 950);
    assert_eq!(updated["name"], "Detailing");
    let patched = c
        .patch(url(&emu, &path))
        .bearer_auth(&write)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    assert_eq!(
        c.delete(url(&emu, &path))
            .bearer_auth(&write)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(get(&emu, &path, &write).await.status(), 404);
    let not_json = c
        .put(url(&emu, "/services/svc_0013"))
        .bearer_auth(&write)
        .header("content-type", "application/json")
        .body("[")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
}

#[tokio::test]
async fn api_keys_may_do_everything_and_missing_credentials_are_401() {
    let emu = start().await;
    let key = emu.demo_api_key();
    let created = client()
        .post(url(&emu, "/invoices"))
        .bearer_auth(&key)
        .json(&json!({"customer": "Key Co", "amount": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let anonymous = client().get(url(&emu, "/invoices")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(error_code(anonymous).await, "unauthorized");
    let unknown = client()
        .get(url(&emu, "/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}
