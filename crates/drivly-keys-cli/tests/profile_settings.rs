//! `profiles add|edit|show` with protocol settings (issue 14): values kept as given, only the
//! flags given change, paths stay relative, the token form is warned about, built-in URLs are
//! fixed, `DRIVLY_ENV` picks the built-in Drivly profile.

mod common;

use common::{World, exit, ok, stderr, stdout};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).unwrap()
}

#[tokio::test]
async fn protocol_settings_are_stored_shown_and_edited_one_at_a_time() {
    let w = World::offline();
    ok(&w
        .run(&[
            "profiles",
            "add",
            "acme",
            "--url",
            "https://auth.acme.example/api",
            "--client-id",
            "app_42",
            "--authorize-path",
            "oauth/authorize",
            "--token-path",
            "/oauth/token",
            "--refresh-path",
            "oauth/refresh",
            "--revoke-path",
            "",
        ])
        .await);
    let out = w.run(&["profiles", "show", "acme", "--json"]).await;
    ok(&out);
    let v = json(&out);
    assert_eq!(v["clientId"], "app_42");
    assert_eq!(v["authorizePath"], "oauth/authorize");
    assert_eq!(v["tokenPath"], "oauth/token");
    assert_eq!(v["refreshPath"], "oauth/refresh");
    assert_eq!(v["revokePath"], serde_json::Value::Null);
    assert_eq!(v["jwksPath"], ".well-known/jwks.json");
    assert_eq!(v["redirectForm"], "code");

    // Only what is given changes; the human report is on stdout.
    let out = w
        .run(&["profiles", "edit", "acme", "--jwks-path", "keys.json"])
        .await;
    ok(&out);
    assert!(
        stdout(&out).contains("jwks path       keys.json"),
        "{}",
        stdout(&out)
    );
    let v = json(&w.run(&["profiles", "show", "acme", "--json"]).await);
    assert_eq!(v["jwksPath"], "keys.json");
    assert_eq!(v["refreshPath"], "oauth/refresh");
    assert_eq!(v["clientId"], "app_42");

    // The token form is allowed, with the reason it is risky.
    let out = w
        .run(&["profiles", "edit", "acme", "--redirect-form", "token"])
        .await;
    ok(&out);
    assert!(
        stderr(&out).contains("browser's history"),
        "{}",
        stderr(&out)
    );

    // Paths stay relative to the base URL; nothing changes on a refusal (exit 2).
    for bad in ["https://evil.example/x", "../x", "//evil.example/x"] {
        let out = w
            .run(&["profiles", "edit", "acme", "--refresh-path", bad, "--json"])
            .await;
        exit(&out, 2);
        assert!(
            stderr(&out).contains("invalid_profile_setting"),
            "{}",
            stderr(&out)
        );
    }
    let v = json(&w.run(&["profiles", "show", "acme", "--json"]).await);
    assert_eq!(v["refreshPath"], "oauth/refresh");

    // --defaults puts Drivly's settings back; a flag given with it wins.
    ok(&w
        .run(&[
            "profiles",
            "edit",
            "acme",
            "--defaults",
            "--client-id",
            "app_7",
        ])
        .await);
    let v = json(&w.run(&["profiles", "show", "acme", "--json"]).await);
    assert_eq!(v["refreshPath"], "auth/refresh");
    assert_eq!(v["revokePath"], "auth/revoke");
    assert_eq!(v["redirectForm"], "code");
    assert_eq!(v["clientId"], "app_7");

    // A URL change of an empty custom profile is allowed (no keys or sessions)... but this
    // build's test keyring may be absent, so only the built-in rule is checked here: fixed.
    let out = w
        .run(&[
            "profiles",
            "edit",
            "drivly",
            "--url",
            "https://evil.example/api",
        ])
        .await;
    assert!(!out.status.success());
    let v = json(&w.run(&["profiles", "show", "drivly", "--json"]).await);
    assert_eq!(v["baseUrl"], "https://commerce.driv.ly/api");
    // A built-in's paths may be adapted.
    ok(&w
        .run(&["profiles", "edit", "drivly", "--client-id", "app_1"])
        .await);
    let v = json(&w.run(&["profiles", "show", "drivly", "--json"]).await);
    assert_eq!(v["clientId"], "app_1");
}

#[tokio::test]
async fn drivly_env_chooses_the_built_in_sandbox_or_production() {
    let w = World::offline();
    let v = json(
        &w.run(&["profiles", "show", "drivly-sandbox", "--json"])
            .await,
    );
    assert_eq!(v["environment"], "sandbox");
    assert_eq!(v["builtIn"], true);
    for (value, id) in [("sandbox", "drivly-sandbox"), ("production", "drivly")] {
        let out = w
            .cmd()
            .env("DRIVLY_ENV", value)
            .args(["status", "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["activeProfile"], id, "{value}");
    }
    let out = w
        .cmd()
        .env("DRIVLY_ENV", "staging")
        .args(["keys", "list"])
        .output()
        .unwrap();
    exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("DRIVLY_ENV"));
}
