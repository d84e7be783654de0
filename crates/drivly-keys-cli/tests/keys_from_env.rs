//! Importing the API key Drivly's SDK reads from the environment (issue #14: `DRIVLY_API_KEY`
//! offered for import): `keys list` offers it when the profile has no key, `keys add
//! --from-env [VAR]` stores it, and a missing variable is named without any value leaking.

mod common;

use std::process::Output;

use common::{World, assert_not_in_output, config_with_key, exit, ok, stderr, stdout};

const CANARY: &str = "sk_test_ENVCANARY_4d2b9e7a1c3f5e6d";

/// Runs the CLI with `env` added to the world's environment.
async fn run_with_env(w: &World, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = w.cmd();
    cmd.args(args).stdin(std::process::Stdio::null());
    for (name, value) in env {
        cmd.env(name, value);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn the_sdk_variable_is_offered_then_imported() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    let sdk = [("DRIVLY_API_KEY", CANARY)];

    // No key yet: the list says so and offers the variable, without printing it.
    let out = run_with_env(&w, &["keys", "list"], &sdk).await;
    ok(&out);
    assert_not_in_output(&out, CANARY);
    assert!(
        stderr(&out).contains("DRIVLY_API_KEY is set in this shell")
            && stderr(&out).contains("--from-env"),
        "{}",
        stderr(&out)
    );
    // Without the variable there is nothing to offer.
    let out = w.run(&["keys", "list"]).await;
    assert!(!stderr(&out).contains("DRIVLY_API_KEY"), "{}", stderr(&out));

    // Imported, the key works against the server and the CLI says how to stop keeping it in
    // the shell.
    let out = run_with_env(&w, &["keys", "add", "sdk-key", "--from-env"], &sdk).await;
    ok(&out);
    assert_not_in_output(&out, CANARY);
    assert!(
        stderr(&out).contains("drivly://emulator/keys/sdk-key"),
        "{}",
        stderr(&out)
    );
    ok(&w.run(&["keys", "verify", "sdk-key"]).await);
    w.assert_not_in_files(CANARY);

    // Once a key is stored, the list no longer offers the variable.
    let out = run_with_env(&w, &["keys", "list"], &sdk).await;
    ok(&out);
    assert!(stdout(&out).contains("sdk-key"));
    assert!(!stderr(&out).contains("--from-env"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn another_variable_can_be_named_and_a_missing_one_is_refused_by_name() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    let out = run_with_env(
        &w,
        &["keys", "add", "ci", "--from-env", "CI_DRIVLY_KEY"],
        &[("CI_DRIVLY_KEY", &format!("  {CANARY}\n"))],
    )
    .await;
    ok(&out);
    ok(&w.run(&["keys", "verify", "ci"]).await);

    let out = w
        .run(&["keys", "add", "missing", "--from-env", "NOT_SET_ANYWHERE"])
        .await;
    exit(&out, 2);
    assert!(
        stderr(&out).contains("NOT_SET_ANYWHERE is not set"),
        "{}",
        stderr(&out)
    );
    let out = run_with_env(
        &w,
        &["keys", "add", "blank", "--from-env"],
        &[("DRIVLY_API_KEY", "  ")],
    )
    .await;
    exit(&out, 2);
    assert!(
        stderr(&out).contains("DRIVLY_API_KEY is empty"),
        "{}",
        stderr(&out)
    );
    let list = w.run(&["keys", "list", "--json"]).await;
    let keys: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(
        keys["keys"].as_array().unwrap().len(),
        1,
        "only the good key was stored"
    );
}
