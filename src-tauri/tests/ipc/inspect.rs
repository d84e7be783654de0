//! Inspect: each command once on its happy path, once on an error path.

use serde_json::json;

use super::harness;

const SAMPLE_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMSIsInBlcm1pc3Npb25zIjpbImludm9pY2VzLnJlYWQiXX0.c2lnbmF0dXJl";

#[test]
fn inspect_token() {
    let h = harness();
    let inspection = h
        .invoke("inspect_token", json!({"token": SAMPLE_JWT}))
        .expect("ok");
    assert_eq!(inspection["subject"], "usr_1");
    assert_eq!(
        h.code_of("inspect_token", json!({"token": "not a jwt"})),
        "jwt_opaque_token"
    );
}

#[test]
fn inspect_ref() {
    let h = harness();
    let minted = h.mint();
    let inspection = h
        .invoke("inspect_ref", json!({"tokenRef": minted["tokenRef"]}))
        .expect("ok");
    assert_eq!(inspection["kind"], minted["inspection"]["kind"]);
    assert_eq!(
        h.code_of("inspect_ref", json!({"tokenRef": "gone"})),
        "token_gone"
    );
}

#[test]
fn verify_signature() {
    let h = harness();
    let minted = h.mint();
    let status = h
        .invoke(
            "verify_signature",
            json!({"source": {"tokenRef": minted["tokenRef"]}, "key": {"kind": "profileJwks", "profileId": "emulator"}}),
        )
        .expect("ok");
    assert_eq!(status["status"], "verified");
    let code = h.code_of(
        "verify_signature",
        json!({"source": {"tokenRef": minted["tokenRef"]}, "key": {"kind": "pem", "value": "not a pem"}}),
    );
    assert!(code.starts_with("key_"), "{code}");
}

#[test]
fn copy_token() {
    let h = harness();
    let minted = h.mint();
    h.invoke("copy_token", json!({"tokenRef": minted["tokenRef"]}))
        .expect("ok");
    assert!(
        h.clipboard
            .content
            .lock()
            .unwrap()
            .as_deref()
            .is_some_and(|t| t.starts_with("eyJ"))
    );
    assert_eq!(
        h.code_of("copy_token", json!({"tokenRef": "gone"})),
        "token_gone"
    );
}

#[test]
fn copy_token_of_a_session_copies_its_fresh_jwt() {
    let h = harness();
    let id = h.sign_in();
    let handle = h
        .invoke("session_token", json!({"sessionId": id}))
        .expect("held");
    h.invoke("sign_out", json!({"sessionId": id}))
        .expect("signed out");
    // The held snapshot is still valid, but its session is gone: a copy follows the session.
    assert_eq!(
        h.code_of("copy_token", json!({"tokenRef": handle["tokenRef"]})),
        "session_not_found"
    );
}

#[test]
fn try_it() {
    let h = harness();
    let minted = h.mint();
    let result = h
        .invoke(
            "try_it",
            json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator", "method": "GET", "resource": "invoices"}}),
        )
        .expect("ok");
    assert_eq!(result["status"], 200);
    let code = h.code_of(
        "try_it",
        json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator", "method": "PATCH", "resource": "invoices"}}),
    );
    assert_eq!(code, "invalid_method");

    // The request builder: query parameters, the answer's headers, body and paging fields.
    let page = h
        .invoke(
            "try_it",
            json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator",
                   "method": "GET", "resource": "invoices",
                   "query": [{"name": "limit", "value": "5"}, {"name": "page", "value": "2"}, {"name": " ", "value": "skipped"}]}}),
        )
        .expect("ok");
    assert!(
        page["url"]
            .as_str()
            .unwrap()
            .ends_with("/api/invoices?limit=5&page=2"),
        "{page}"
    );
    assert_eq!(page["paging"]["page"], 2);
    assert_eq!(page["paging"]["limit"], 5);
    assert_eq!(page["paging"]["prevPage"], 1);
    assert!(page["body"].as_str().unwrap().contains("\"docs\""));
    assert_eq!(page["bodyTruncated"], false);
    assert!(
        page["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["name"] == "content-type")
    );
    h.invoke("copy_token", json!({"tokenRef": minted["tokenRef"]}))
        .expect("copied");
    let token = h.clipboard_text();
    assert!(token.starts_with("eyJ"));
    assert!(
        !page.to_string().contains(&token),
        "the token is never echoed"
    );
    // A body that is not JSON, or a body on a GET, is refused before anything is sent.
    let bad_json = json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator",
                          "method": "POST", "resource": "invoices", "body": "{amount: 10"}});
    assert_eq!(h.code_of("try_it", bad_json), "invalid_request");
    let get_body = json!({"input": {"source": {"tokenRef": minted["tokenRef"]}, "profileId": "emulator",
                          "method": "GET", "resource": "invoices", "body": "{}"}});
    assert_eq!(h.code_of("try_it", get_body), "invalid_request");
}

#[test]
fn copy_try_it_curl() {
    let h = harness();
    h.invoke(
        "copy_try_it_curl",
        json!({"request": {"profileId": "emulator", "method": "POST", "resource": "invoices",
               "query": [{"name": "note", "value": "it's"}], "body": "{\"amount\": 10}"}}),
    )
    .expect("copied");
    let line = h.clipboard_text();
    assert!(
        line.starts_with(
            "curl -X POST -H \"Authorization: Bearer $(drivly-keys token --profile emulator)\""
        ),
        "{line}"
    );
    assert!(line.contains("--data '{\"amount\":10}'"), "{line}");
    assert!(line.ends_with("/api/invoices?note=it%27s'"), "{line}");
    assert!(!line.contains("eyJ"), "never a token: {line}");
    assert_eq!(
        h.code_of(
            "copy_try_it_curl",
            json!({"request": {"profileId": "emulator", "method": "GET", "resource": "../auth"}}),
        ),
        "invalid_request"
    );
}

/// Puts `text` on the harness's clipboard, as the user copying it elsewhere would.
fn user_copies(h: &super::Harness, text: Option<&str>) {
    *h.clipboard
        .content
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = text.map(str::to_owned);
}

#[test]
fn clipboard_jwt() {
    let h = harness();
    user_copies(&h, Some(&format!("Bearer {SAMPLE_JWT}\n")));
    let offer = h.invoke("clipboard_jwt", json!({})).expect("ok");
    assert_eq!(offer["subject"], "usr_1");
    // The offer says who and until when, never the token.
    assert!(!offer.to_string().contains(SAMPLE_JWT), "{offer}");
    user_copies(&h, Some("just some text"));
    assert_eq!(
        h.invoke("clipboard_jwt", json!({})).expect("ok"),
        json!(null)
    );
    user_copies(&h, None);
    assert_eq!(
        h.invoke("clipboard_jwt", json!({})).expect("ok"),
        json!(null)
    );
}

#[test]
fn inspect_clipboard() {
    let h = harness();
    user_copies(&h, Some(&format!("  \"{SAMPLE_JWT}\"  ")));
    let handle = h.invoke("inspect_clipboard", json!({})).expect("ok");
    assert_eq!(handle["inspection"]["subject"], "usr_1");
    assert!(!handle.to_string().contains(SAMPLE_JWT));
    // Held in its clean form: the copy is the token itself, without quotes or spaces.
    h.invoke("copy_token", json!({"tokenRef": handle["tokenRef"]}))
        .expect("copied");
    assert_eq!(
        h.clipboard.content.lock().unwrap().as_deref(),
        Some(SAMPLE_JWT)
    );
    // A token brought in from the clipboard goes only to the server its `iss` names (none here).
    assert_eq!(
        h.code_of(
            "try_it",
            json!({"input": {"source": {"tokenRef": handle["tokenRef"]}, "profileId": "emulator",
                   "method": "GET", "resource": "invoices"}}),
        ),
        "token_wrong_origin"
    );
    user_copies(&h, Some("dk_live_not_a_jwt"));
    assert_eq!(
        h.code_of("inspect_clipboard", json!({})),
        "clipboard_no_jwt"
    );
}
