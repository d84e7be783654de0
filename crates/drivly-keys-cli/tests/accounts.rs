//! Who is signed in (issue #16), through the CLI as a user runs it: sessions are named by the
//! account the token names (its email), signing in again as the same account replaces the
//! session, and `--session` picks one by its name, account or id on `token`, `status` and
//! `logout`, with a note saying which one was used when there are several and none was named.

mod common;

use common::{World, claims, exit, ok, stderr, stdout};
use drivly_emulator::Config;

const ANA: (&str, &str) = ("ana@example.com", "ana-password");

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
async fn sessions_are_named_by_account_replaced_per_account_and_picked_by_name() {
    let w = World::with_emulator(Config {
        users: vec![(ANA.0.into(), ANA.1.into())],
        ..Config::default()
    })
    .await;
    let (demo, _) = w.emu().demo_user();

    // The account is the token's email; a second sign-in as the same account replaces the first.
    let first = json(&w.login(&["--json"]).await);
    assert_eq!(first["account"], demo.as_str());
    assert_eq!(first["replaced"], serde_json::json!([]));
    let again = w.login(&[]).await;
    ok(&again);
    assert!(
        stderr(&again).contains("replaces the earlier session of this account, now revoked"),
        "{}",
        stderr(&again)
    );
    let status = json(&w.run(&["status", "--json"]).await);
    assert_eq!(status["sessions"].as_array().map(Vec::len), Some(1));
    assert_ne!(status["sessions"][0]["id"], first["sessionId"]);
    assert!(
        w.emu()
            .request_log()
            .iter()
            .any(|r| r.path == "/api/auth/revoke"),
        "the replaced session's refresh token was revoked"
    );

    // Two accounts: without --session the newest is used, and the CLI says so.
    let ana = json(&w.login_as(ANA.0, ANA.1, &["--json"]).await);
    assert_eq!(ana["account"], ANA.0);
    let out = w.run(&["token"]).await;
    ok(&out);
    assert_eq!(claims(stdout(&out).trim())["email"], ANA.0);
    assert!(
        stderr(&out).contains("'emulator' has 2 sessions; using the newest, ana@example.com ("),
        "{}",
        stderr(&out)
    );

    // --session by account: the token is that account's, and nothing is said.
    let out = w.run(&["token", "--session", &demo.to_uppercase()]).await;
    ok(&out);
    assert_eq!(claims(stdout(&out).trim())["email"], demo.as_str());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    // --session by the name given in the app (written to the record as the app does).
    let path = w.index_file();
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for session in index["sessions"].as_array_mut().unwrap() {
        if session["account"] == demo.as_str() {
            session["label"] = "staging admin".into();
        }
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&index).unwrap()).unwrap();
    let out = w.run(&["token", "--session", "Staging Admin"]).await;
    ok(&out);
    assert_eq!(claims(stdout(&out).trim())["email"], demo.as_str());
    let shown = w.run(&["status"]).await;
    assert!(
        stdout(&shown).contains("staging admin"),
        "{}",
        stdout(&shown)
    );

    // status and logout take --session too; an unknown one is exit 6.
    let one = json(&w.run(&["status", "--session", ANA.0, "--json"]).await);
    assert_eq!(one["sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["sessions"][0]["account"], ANA.0);
    exit(&w.run(&["status", "--session", "nobody"]).await, 6);
    let out = w.run(&["logout", "--session", ANA.0, "--json"]).await;
    ok(&out);
    let report = json(&out);
    assert_eq!(report["sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["sessions"][0]["outcome"], "revoked");
    let left = json(&w.run(&["status", "--json"]).await);
    assert_eq!(left["sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(left["sessions"][0]["label"], "staging admin");
}
