//! Mint: each command once on its happy path, once on an error path.

use serde_json::json;

use super::harness;

#[test]
fn permission_catalog() {
    let h = harness();
    let catalog = h.invoke("permission_catalog", json!({})).expect("ok");
    assert!(
        catalog["resources"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    h.assert_refused_elsewhere("permission_catalog");
}

#[test]
fn mint_token() {
    let h = harness();
    let minted = h.mint();
    assert!(minted["tokenRef"].is_string());
    assert_eq!(
        minted["inspection"]["permissions"]["granted"][0],
        "invoices.read"
    );
    assert!(
        !minted.to_string().contains("eyJ"),
        "the token stays in Rust"
    );
    let key = h.first_key_id();
    let code = h.code_of(
        "mint_token",
        json!({"input": {"keyId": key, "permissions": ["Invoices.Read"], "expires": null, "label": null}}),
    );
    assert_eq!(code, "permission_not_lowercase");
}

#[test]
fn mint_history() {
    let h = harness();
    let minted = h.mint();
    let history = h.invoke("mint_history", json!({})).expect("ok");
    assert_eq!(history[0]["label"], "ipc");
    assert_eq!(history[0]["profileId"], "emulator");
    // The token is held for this run, under the reference the mint answered with.
    assert_eq!(history[0]["tokenRef"], minted["tokenRef"]);
    h.invoke("copy_token", json!({"tokenRef": history[0]["tokenRef"]}))
        .expect("the history row's token copies");
    h.assert_refused_elsewhere("mint_history");
}
