//! `keys copy` against a real X server and the real `xclip` (issue #19: no fake tool): the key
//! reaches the clipboard through the detached helper, is marked for clipboard managers
//! (`x-kde-passwordManagerHint: secret`), is cleared after the delay (the flag's, or the app's
//! setting), is left alone when the user copied something else, and the command returns while
//! the helper still holds it. Needs the keyring and a display: scripts/test runs it in its
//! session, where Xvfb provides `DISPLAY`.

mod common;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{World, assert_not_in_output, config_with_key, ok, stdout};
use drivly_core::app_paths::AppPaths;
use drivly_core::profile::store::ProfileStore;
use drivly_core::settings::SettingsPatch;

const CANARY: &str = "sk_test_CLIPBOARD_CANARY_5e1d9b7a3c";

fn display() -> String {
    std::env::var("DISPLAY")
        .ok()
        .filter(|d| !d.is_empty())
        .expect("this test needs an X display: run it through scripts/test (Xvfb)")
}

/// `xclip -selection clipboard -o [-t TARGET]`: Ok(text) when it read something, Err(stderr)
/// when it could not (no owner, or the target is not offered).
fn xclip_read(target: Option<&str>) -> Result<String, String> {
    let mut cmd = Command::new("xclip");
    cmd.args(["-selection", "clipboard", "-o"]);
    if let Some(target) = target {
        cmd.args(["-t", target]);
    }
    let out = cmd
        .env("DISPLAY", display())
        .output()
        .expect("xclip is installed (scripts/lib/setup.sh)");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// What the user copies in another program: an `xclip` that stays in the foreground owning
/// the clipboard until killed.
fn user_copies(text: &str) -> Child {
    let mut child = Command::new("xclip")
        .args(["-quiet", "-selection", "clipboard", "-i"])
        .env("DISPLAY", display())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    // Owned once xclip reads it back to us.
    wait_until("the user's copy to own the clipboard", || {
        xclip_read(None).is_ok_and(|t| t == text)
    });
    child
}

/// Polls `done` every 100 ms; a generous 20 s bound, since the delays under test are 2-3 s.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The clipboard no longer holds the canary, and that is because it is empty (xclip, which
/// just read the canary, now finds no owner or no text), not because xclip failed otherwise.
fn is_cleared() -> bool {
    match xclip_read(None) {
        Ok(text) => text.is_empty(),
        Err(message) => message.contains("not available") || message.is_empty(),
    }
}

fn copy(w: &World, extra: &[&str]) -> std::process::Output {
    let mut cmd = w.cmd();
    cmd.args(["keys", "copy", "ci-key", "--json"])
        .args(extra)
        .env("DISPLAY", display());
    if let Some(auth) = std::env::var_os("XAUTHORITY") {
        cmd.env("XAUTHORITY", auth);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    ok(&out);
    assert_not_in_output(&out, CANARY);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service and an X display: scripts/test runs it under Xvfb"]
async fn keys_copy_marks_the_key_and_clears_it_unless_replaced() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    ok(&w
        .run_with_stdin(&["keys", "add", "ci-key"], Some(CANARY))
        .await);

    // 1. Marked, held by the helper after the command returned, cleared after --clear-after.
    let out = copy(&w, &["--clear-after", "3"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["clearAfterSeconds"], 3);
    assert_eq!(
        xclip_read(None).as_deref(),
        Ok(CANARY),
        "held after the command exited"
    );
    let targets = xclip_read(Some("TARGETS")).unwrap();
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "offered targets: {targets}"
    );
    assert_eq!(
        xclip_read(Some("x-kde-passwordManagerHint")).as_deref(),
        Ok("secret")
    );
    wait_until("the copy to be cleared", is_cleared);

    // 2. Something the user copied meanwhile survives the delay (and the helper then exits).
    copy(&w, &["--clear-after", "2"]);
    assert_eq!(xclip_read(None).as_deref(), Ok(CANARY));
    let mut theirs = user_copies("the user's own text");
    std::thread::sleep(Duration::from_secs(5)); // past the 2 s delay, generously
    assert_eq!(xclip_read(None).as_deref(), Ok("the user's own text"));
    let _ = theirs.kill();
    let _ = theirs.wait();

    // 3. Without the flag the app's setting applies (here 2 s, written as the app writes it);
    //    --clear-after 0 never clears.
    let store = ProfileStore::open(&AppPaths::in_folder(w.home.path())).unwrap();
    store
        .update_settings(&SettingsPatch {
            clipboard_clear_seconds: Some(2),
            ..SettingsPatch::default()
        })
        .unwrap();
    let out = copy(&w, &[]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["clearAfterSeconds"], 2);
    assert_eq!(xclip_read(None).as_deref(), Ok(CANARY));
    wait_until(
        "the copy to be cleared after the setting's delay",
        is_cleared,
    );

    let out = copy(&w, &["--clear-after", "0"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(report["clearAfterSeconds"].is_null());
    std::thread::sleep(Duration::from_secs(4)); // past the setting's 2 s
    assert_eq!(xclip_read(None).as_deref(), Ok(CANARY), "never cleared");
    // Taking the clipboard lets that helper go; then leave it empty for whatever runs next.
    let mut theirs = user_copies("done");
    let _ = theirs.kill();
    let _ = theirs.wait();

    // An absurd delay is a usage error, before anything is copied.
    let mut cmd = w.cmd();
    let out = cmd
        .args(["keys", "copy", "ci-key", "--clear-after", "999999"])
        .output()
        .unwrap();
    common::exit(&out, 2);
}
