//! API keys and minting against the emulator and the real keyring: `keys add` from a pipe,
//! `keys list|remove`, `mint` with and without `--json`, server rejections (7), an
//! unreachable server (4), and a canary key that never reaches argv, output or files.

mod common;

use common::{World, assert_not_in_output, claims, config_with_key, exit, ok, stderr, stdout};
use drivly_emulator::Endpoint;

const CANARY: &str = "sk_test_CANARY_7f3a9c1e5b2d4f6a8c0e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn keys_from_a_pipe_then_mint_list_copy_remove() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    let out = w
        .run_with_stdin(
            &["keys", "add", "ci-key", "--json"],
            Some(&format!("{CANARY}\n")),
        )
        .await;
    ok(&out);
    assert_not_in_output(&out, CANARY);
    let added: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(added["label"], "ci-key");
    assert_eq!(added["maskedTail"], "••••8c0e");
    // A duplicate label is refused without touching the first key.
    let out = w
        .run_with_stdin(&["keys", "add", "CI-key"], Some(CANARY))
        .await;
    exit(&out, 1);
    assert!(stderr(&out).contains("already has a key labelled"));
    // An empty pipe is a usage error.
    exit(
        &w.run_with_stdin(&["keys", "add", "empty"], Some("\n"))
            .await,
        2,
    );

    let out = w.run(&["keys", "list", "--json"]).await;
    ok(&out);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list["profile"], "emulator");
    assert_eq!(list["keys"].as_array().unwrap().len(), 1);
    assert_not_in_output(&out, CANARY);
    // The human list is the report: through a pipe on standard output, one row per key.
    let out = w.run(&["keys", "list"]).await;
    ok(&out);
    assert!(stdout(&out).starts_with("ci-key"), "{}", stdout(&out));
    assert!(stdout(&out).contains("••••8c0e"));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_not_in_output(&out, CANARY);

    // Mint: the token alone on standard output.
    let out = w
        .run(&[
            "mint",
            "--key",
            "ci-key",
            "--permissions",
            "invoices.read,services.write",
            "--expires",
            "1h",
        ])
        .await;
    ok(&out);
    assert_not_in_output(&out, CANARY);
    let jwt = stdout(&out).trim().to_owned();
    assert_eq!(jwt.split('.').count(), 3);
    let c = claims(&jwt);
    assert_eq!(
        c["permissions"],
        serde_json::json!(["invoices.read", "services.write"])
    );
    assert_eq!(c["kind"], "api");
    let left = common::seconds_left(&jwt);
    assert!((3500..=3601).contains(&left), "{left}");
    assert!(
        !stderr(&out).contains(&jwt),
        "the token is not repeated on standard error"
    );
    let out = w
        .run(&[
            "mint",
            "--key",
            "ci-key",
            "--permissions",
            "invoices.read",
            "--expires",
            "2099-01-01T00:00:00Z",
            "--json",
        ])
        .await;
    ok(&out);
    let minted: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(minted["expires"], "2099-01-01T00:00:00Z");
    assert_eq!(minted["key"], "ci-key");
    assert!(minted["token"].as_str().unwrap().starts_with("ey"));

    // The server's 403 and 400 are exit 7; an unknown key label is exit 6.
    w.emu().fail_next(Endpoint::Mint, 1, 403, None);
    exit(
        &w.run(&["mint", "--key", "ci-key", "--permissions", "invoices.read"])
            .await,
        7,
    );
    w.emu().fail_next(Endpoint::Mint, 1, 400, None);
    exit(
        &w.run(&["mint", "--key", "ci-key", "--permissions", "invoices.read"])
            .await,
        7,
    );
    let out = w
        .run(&["mint", "--key", "nope", "--permissions", "invoices.read"])
        .await;
    exit(&out, 6);
    assert!(stderr(&out).contains("no API key labelled 'nope'"));

    // copy: see tests/clipboard.rs (a real X server and xclip).

    // Status counts the key; nothing secret is in any file of the home folder.
    let out = w.run(&["status", "--json"]).await;
    ok(&out);
    let status: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(status["keys"]["byProfile"]["emulator"], 1);
    assert_eq!(status["keyring"]["ok"], true);
    w.assert_not_in_files(CANARY);
    w.assert_not_in_files(&jwt);

    // Verify asks the server, as the app's "Verify" does.
    let out = w.run(&["keys", "verify", "ci-key"]).await;
    ok(&out);
    assert!(
        !stdout(&out).is_empty(),
        "the verdict is the report, on stdout"
    );
    let out = w.run(&["keys", "verify", "ci-key", "--json"]).await;
    ok(&out);
    let verified: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(verified["status"], "valid");

    // Remove revokes on the server where it can, and says so.
    let out = w.run(&["keys", "remove", "ci-key"]).await;
    ok(&out);
    assert!(stderr(&out).contains("was revoked on"), "{}", stderr(&out));
    exit(&w.run(&["keys", "copy", "ci-key"]).await, 6);
    // The emulator revoked it: the same key, added again, is refused by the server.
    ok(&w
        .run_with_stdin(&["keys", "add", "again"], Some(CANARY))
        .await);
    let out = w.run(&["keys", "verify", "again"]).await;
    exit(&out, 7);
    assert!(stderr(&out).contains("rejected this key"));
    assert_not_in_output(&out, CANARY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn keys_add_uses_the_apps_input_rules_and_mask() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    // What the app's form refuses, the CLI refuses: a usage error, nothing stored.
    for (text, code) in [
        ("hello world", "key_whitespace"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "key_is_jwt"),
    ] {
        let out = w
            .run_with_stdin(&["keys", "add", "junk", "--json"], Some(text))
            .await;
        exit(&out, 2);
        assert!(
            stderr(&out).contains(code) || stdout(&out).contains(code),
            "{}",
            stderr(&out)
        );
    }
    let out = w.run(&["keys", "list", "--json"]).await;
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(list["keys"].as_array().unwrap().is_empty());
    // One mask for the app and the CLI: the core's `ApiKey::masked_tail`.
    let out = w
        .run_with_stdin(&["keys", "add", "masked", "--json"], Some(CANARY))
        .await;
    ok(&out);
    let added: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        added["maskedTail"],
        drivly_core::secret::ApiKey::new(CANARY).masked_tail()
    );
    // --keep-on-server removes locally only and says the key still works.
    let out = w
        .run(&["keys", "remove", "masked", "--keep-on-server"])
        .await;
    ok(&out);
    assert!(stderr(&out).contains("still works"), "{}", stderr(&out));
    ok(&w
        .run_with_stdin(&["keys", "add", "back"], Some(CANARY))
        .await);
    ok(&w.run(&["keys", "verify", "back"]).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn rejected_keys_and_unreachable_servers_have_their_exit_codes() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    // A key the server does not know: 401 on mint is exit 7, and the key is not echoed.
    let wrong = "sk_test_CANARY_wrong_0000000000000000";
    ok(&w
        .run_with_stdin(&["keys", "add", "wrong"], Some(wrong))
        .await);
    let out = w
        .run(&["mint", "--key", "wrong", "--permissions", "invoices.read"])
        .await;
    exit(&out, 7);
    assert_not_in_output(&out, wrong);
    // A server that is not there: exit 4.
    ok(&w
        .run_with_stdin(&["keys", "add", "good"], Some(CANARY))
        .await);
    let mut cmd = w.cmd();
    let out = cmd
        .args(["mint", "--key", "good", "--permissions", "invoices.read"])
        .env("DRIVLY_KEYS_EMULATOR_URL", "http://127.0.0.1:9/api")
        .output()
        .unwrap();
    exit(&out, 4);
    assert!(stderr(&out).contains("could not reach the server"));
    assert_not_in_output(&out, CANARY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn a_locked_keyring_is_exit_5_with_a_specific_message() {
    // A private bus whose gnome-keyring was started but never unlocked. It gets runtime and data
    // folders of its own: with the test session's XDG_RUNTIME_DIR, `gnome-keyring-daemon --start`
    // finds the session's unlocked daemon by its control socket and re-initialises *that* one on
    // this short-lived bus, which it then leaves when the bus closes, so every later keyring test
    // met a freshly activated, locked keyring (seen in CI as five "keyring is locked" failures).
    let w = World::offline();
    let private = tempfile::tempdir().unwrap();
    let (data, runtime) = (private.path().join("data"), private.path().join("run"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&runtime).unwrap();
    let private_mode =
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700);
    std::fs::set_permissions(&runtime, private_mode).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("drivly-keys");
    let mut cmd = std::process::Command::new("dbus-run-session");
    cmd.args([
        "--",
        "sh",
        "-c",
        "gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec \"$0\" token",
    ])
    .arg(bin)
    .env("DRIVLY_KEYS_HOME", w.home.path())
    .env("DRIVLY_KEYS_KEYRING_SERVICE", &w.service)
    .env("XDG_DATA_HOME", &data)
    .env("XDG_RUNTIME_DIR", &runtime)
    .env_remove("GNOME_KEYRING_CONTROL")
    .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    exit(&out, 5);
    assert!(
        stderr(&out).contains("the system keyring is locked"),
        "{}",
        stderr(&out)
    );
}
