//! Commands that need neither the keyring nor a server: profiles, decode, completions, help,
//! and every usage error with its documented exit code. Also: an unreachable keyring gives a
//! specific message and exit 5.

mod common;

use common::{World, exit, ok, stderr, stdout};

#[tokio::test]
async fn profiles_add_use_list_remove_with_json() {
    let w = World::offline();
    ok(&w
        .run(&[
            "profiles",
            "add",
            "staging",
            "--url",
            "https://staging.example.com/api",
            "--env",
            "sandbox",
        ])
        .await);
    let out = w
        .run(&[
            "profiles",
            "add",
            "mine",
            "--url",
            "http://127.0.0.1:9/api",
            "--json",
        ])
        .await;
    ok(&out);
    let added: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(added["environment"], "local");
    assert_eq!(added["id"], "mine");
    ok(&w.run(&["profiles", "use", "staging"]).await);
    let out = w.run(&["profiles", "list", "--json"]).await;
    ok(&out);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list["activeProfile"], "staging");
    let ids: Vec<&str> = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["drivly", "drivly-sandbox", "emulator", "staging", "mine"]
    );
    assert_eq!(list["profiles"][3]["environment"], "sandbox");
    assert_eq!(
        list["profiles"][3]["baseUrl"],
        "https://staging.example.com/api"
    );
    // The human list is the report: it arrives through a pipe on standard output, uncoloured.
    let out = w.run(&["profiles", "list"]).await;
    ok(&out);
    assert!(stdout(&out).contains("* staging"), "{}", stdout(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // Errors: duplicate (1), built-in removal (1), unknown (6), bad name and URL (2).
    exit(
        &w.run(&[
            "profiles",
            "add",
            "staging",
            "--url",
            "https://x.example/api",
        ])
        .await,
        1,
    );
    exit(&w.run(&["profiles", "remove", "drivly"]).await, 1);
    let out = w.run(&["profiles", "remove", "nope"]).await;
    exit(&out, 6);
    assert!(stderr(&out).contains("no profile named 'nope'"));
    exit(
        &w.run(&[
            "profiles",
            "add",
            "Bad Name",
            "--url",
            "https://x.example/api",
        ])
        .await,
        2,
    );
    let out = w
        .run(&["profiles", "add", "ftp", "--url", "ftp://x.example"])
        .await;
    exit(&out, 2);
    assert!(stderr(&out).contains("not a usable base URL"));
    ok(&w.run(&["profiles", "remove", "staging"]).await);
    let out = w.run(&["profiles", "list", "--json"]).await;
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        list["activeProfile"], "drivly",
        "removing the active profile falls back to Drivly"
    );
}

/// An unsigned token with a future `exp`, built by hand (header `alg: none`).
fn handmade_jwt(claims: &str) -> String {
    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
    format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(claims.as_bytes())
    )
}

#[tokio::test]
async fn decode_shows_claims_permissions_and_warnings() {
    let w = World::offline();
    let exp = chrono::Utc::now().timestamp() + 3600;
    let jwt = handmade_jwt(&format!(
        r#"{{"sub":"usr_1","permissions":["invoices.read","services.write","weird"],"exp":{exp}}}"#
    ));
    let out = w.run(&["decode", &jwt]).await;
    ok(&out);
    let text = stdout(&out);
    assert!(
        stderr(&out).is_empty(),
        "the human view is the report: standard output"
    );
    assert!(text.contains("usr_1"));
    assert!(text.contains("invoices"));
    assert!(text.contains("unrecognised permission: weird"));
    assert!(text.contains("danger:"), "alg none is flagged: {text}");
    // From standard input, as JSON.
    let out = w
        .run_with_stdin(&["decode", "-", "--json"], Some(&jwt))
        .await;
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["subject"], "usr_1");
    assert_eq!(
        doc["permissions"]["granted"],
        serde_json::json!(["invoices.read", "services.write"])
    );
    assert!(
        doc["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "alg_none")
    );
    assert!(doc["secondsRemaining"].as_i64().unwrap() > 3500);
    // Not a JWT: specific message, exit 2, and the input is not echoed.
    let out = w.run(&["decode", "sk_live_CANARY_not_a_jwt"]).await;
    exit(&out, 2);
    assert!(stderr(&out).contains("not a JWT"));
    assert!(!stderr(&out).contains("CANARY"));
    let out = w.run(&["decode", "--json", "a.b"]).await;
    exit(&out, 2);
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["code"], "jwt_segment_count");
}

#[tokio::test]
async fn usage_errors_have_specific_messages_and_exit_2() {
    let w = World::offline();
    let out = w
        .run(&["mint", "--key", "k", "--permissions", "invoices.raed"])
        .await;
    exit(&out, 2);
    assert!(stderr(&out).contains("'invoices.raed': the access 'raed' is not read or write"));
    let out = w
        .run(&[
            "mint",
            "--key",
            "k",
            "--permissions",
            "Invoices.read",
            "--json",
        ])
        .await;
    exit(&out, 2);
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["code"], "permission_not_lowercase");
    let out = w
        .run(&[
            "mint",
            "--key",
            "k",
            "--permissions",
            "invoices.read",
            "--expires",
            "3 weeks",
        ])
        .await;
    exit(&out, 2);
    assert!(stderr(&out).contains("'3 weeks' is not a valid --expires"));
    let out = w
        .run(&[
            "mint",
            "--key",
            "k",
            "--permissions",
            "invoices.read",
            "--expires",
            "2001-01-01T00:00:00Z",
        ])
        .await;
    exit(&out, 2);
    assert!(stderr(&out).contains("not in the future"));
    let out = w.run(&["login", "--permissions", "invoices"]).await;
    exit(&out, 2);
    assert!(stderr(&out).contains("has no access part"));
    exit(&w.run(&["token", "--min-ttl", "soon"]).await, 2);
    exit(&w.run(&["no-such-command"]).await, 2);
    exit(&w.run(&["exec"]).await, 2);
    // Unknown profile: exit 6, through the flag and the environment variable alike.
    let out = w.run(&["token", "--profile", "nope"]).await;
    exit(&out, 6);
    assert!(stderr(&out).contains("no profile named 'nope'"));
    let mut cmd = w.cmd();
    let out = cmd
        .args(["keys", "list"])
        .env("DRIVLY_KEYS_PROFILE", "ghost")
        .output()
        .unwrap();
    exit(&out, 6);
    exit(&w.run(&["token", "--profile", "Not Valid"]).await, 2);
}

#[tokio::test]
async fn an_unreachable_keyring_is_exit_5_with_a_specific_message() {
    let w = World::offline();
    for args in [
        &["keys", "list"][..],
        &["token"],
        &["mint", "--key", "k", "--permissions", "invoices.read"],
        &["logout"],
    ] {
        let mut cmd = w.cmd();
        let out = cmd
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .output()
            .unwrap();
        exit(&out, 5);
        assert!(
            stderr(&out).contains("system keyring is not available"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // Status still lists the profiles, reports the keyring, and exits 5.
    let mut cmd = w.cmd();
    let out = cmd
        .args(["status", "--json"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .unwrap();
    exit(&out, 5);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["keyring"]["ok"], false);
    assert_eq!(doc["keyring"]["code"], "keyring_unavailable");
    assert!(doc["profiles"].as_array().unwrap().len() >= 2);
}

#[tokio::test]
async fn help_has_examples_and_exit_codes_and_completions_work() {
    let w = World::offline();
    let out = w.run(&["--help"]).await;
    ok(&out);
    let help = stdout(&out);
    assert!(help.contains("Exit codes:") && help.contains("5  keyring"));
    for sub in [
        "profiles",
        "keys",
        "mint",
        "login",
        "token",
        "status",
        "logout",
        "decode",
        "exec",
        "completions",
    ] {
        let out = w.run(&[sub, "--help"]).await;
        ok(&out);
        assert!(
            stdout(&out).contains("Examples:"),
            "{sub} --help has examples"
        );
    }
    for sub in [["keys", "add"], ["profiles", "list"]] {
        let out = w.run(&[sub[0], sub[1], "--help"]).await;
        assert!(stdout(&out).contains("Examples:"));
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = w.run(&["completions", shell]).await;
        ok(&out);
        assert!(stdout(&out).contains("drivly-keys"));
    }
}
