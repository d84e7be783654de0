//! `profiles remove` with what the profile holds (issue #13 item 16), against the emulator and
//! the real keyring: without `--yes` it says what the profile holds and changes nothing (exit
//! 2, `profile_not_empty`); with it, the session is revoked on the server, the key deleted,
//! and the keyring holds nothing of the profile any more.

mod common;

use common::{World, exit, ok, stderr, stdout};
use drivly_emulator::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn removing_a_profile_needs_yes_and_then_removes_what_it_holds() {
    let w = World::with_emulator(Config::default()).await;
    let url = w.emu().base_url().to_string();
    ok(&w.run(&["profiles", "add", "second", "--url", &url]).await);
    let key = w.emu().demo_api_key();
    ok(&w
        .run_with_stdin(
            &["--profile", "second", "keys", "add", "second-key"],
            Some(&format!("{key}\n")),
        )
        .await);
    ok(&w
        .login(&["--profile", "second", "--permissions", "invoices.read"])
        .await);

    let out = w.run(&["profiles", "remove", "second"]).await;
    exit(&out, 2);
    assert!(
        stderr(&out).contains("holds 1 API key and 1 session") && stderr(&out).contains("--yes"),
        "{}",
        stderr(&out)
    );
    let out = w
        .run(&["--profile", "second", "keys", "list", "--json"])
        .await;
    ok(&out);
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        listed["keys"].as_array().unwrap().len(),
        1,
        "nothing removed"
    );

    let revokes_before = w
        .emu()
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/revoke"))
        .count();
    let out = w
        .run(&["profiles", "remove", "second", "--yes", "--json"])
        .await;
    ok(&out);
    let removed: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(removed["keys"], 1);
    assert_eq!(removed["sessions"][0]["outcome"], "revoked", "{removed}");
    assert!(
        w.emu()
            .request_log()
            .iter()
            .filter(|r| r.path.ends_with("/revoke"))
            .count()
            > revokes_before,
        "the session was revoked on the server"
    );
    // Nothing is left under that name: a new profile called the same holds nothing.
    ok(&w.run(&["profiles", "add", "second", "--url", &url]).await);
    ok(&w.run(&["profiles", "remove", "second"]).await);
}
