//! The dashboard: keys shown once then masked, revoking keys and sessions, CSRF token.

use serde_json::json;

use crate::common::*;

fn csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

fn dashboard(emu: &drivly_emulator::Emulator, path: &str) -> String {
    format!("{}{path}", emu.origin())
}

#[tokio::test]
async fn create_show_once_and_revoke_keys() {
    let emu = start().await;
    let c = client();
    let root = c.get(emu.origin()).send().await.unwrap();
    assert_eq!(root.headers()["location"], "/dashboard");
    let page = c.get(dashboard(&emu, "dashboard")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let demo = emu.demo_api_key();
    assert!(
        !html.contains(&demo),
        "keys are never shown in full after creation"
    );
    assert!(
        html.contains(&demo[demo.len() - 4..]),
        "the masked tail is shown"
    );
    let token = csrf(&html);

    let created = c
        .post(dashboard(&emu, "dashboard/api-keys"))
        .form(&[("csrf", token.as_str()), ("label", "<b>CI</b>")])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let html = created.text().await.unwrap();
    assert!(html.contains("&lt;b&gt;CI&lt;/b&gt;") && !html.contains("<b>CI</b>"));
    let key = html
        .split("not shown again.<br><code>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        mint(&emu, &key, json!({"permissions": ["invoices.read"]}))
            .await
            .status(),
        200
    );
    let again = c
        .get(dashboard(&emu, "dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&key));

    let forged = c
        .post(dashboard(&emu, "dashboard/api-keys"))
        .form(&[("csrf", "wrong"), ("label", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // Revoke the new key (the first row is the newest).
    let action = again
        .split("action=\"/dashboard/api-keys/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let revoked = c
        .post(dashboard(&emu, &format!("dashboard/api-keys/{action}")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 303);
    assert_eq!(
        mint(&emu, &key, json!({"permissions": ["invoices.read"]}))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn lists_and_revokes_sessions() {
    let emu = start().await;
    let body = sign_in(&emu, "invoices.read").await;
    let c = client();
    let html = c
        .get(dashboard(&emu, "dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("demo@drivly.test") && html.contains("invoices.read"));
    let action = html
        .split("action=\"/dashboard/sessions/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let response = c
        .post(dashboard(&emu, &format!("dashboard/sessions/{action}")))
        .form(&[("csrf", csrf(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        refresh(&emu, body["refreshToken"].as_str().unwrap())
            .await
            .status(),
        400
    );
    assert_eq!(
        get(&emu, "/invoices", body["token"].as_str().unwrap())
            .await
            .status(),
        401
    );
}
