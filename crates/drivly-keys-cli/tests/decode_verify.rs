//! `decode`: the token on standard input (a note about `ps` for one typed as an argument at a
//! terminal), and `--verify` against the emulator's JWKS: verified (exit 0), another server's
//! key, a tampered token and an unsigned one (exit 8 with the report still printed), and
//! `--jwks URL`. No keyring needed.

mod common;

use std::process::{Command, Stdio};

use common::{World, exit, ok, stderr, stdout};
use drivly_emulator::{Config, Emulator};

/// A JWT minted by `emu` with its demo key.
async fn minted_by(emu: &Emulator) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/auth", emu.base_url()))
        .bearer_auth(emu.demo_api_key())
        .json(&serde_json::json!({"permissions": ["invoices.read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[tokio::test]
async fn verify_checks_the_signature_against_the_profile_jwks() {
    let w = World::with_emulator(Config::default()).await;
    let jwt = minted_by(w.emu()).await;

    // Verified: exit 0, and the signature object in --json.
    let out = w
        .run_with_stdin(&["decode", "--verify", "--json"], Some(&jwt))
        .await;
    ok(&out);
    let doc = json(&out);
    assert_eq!(doc["signature"]["status"], "verified", "{doc}");
    assert!(
        doc["signature"]["message"]
            .as_str()
            .unwrap()
            .contains("EdDSA")
    );
    assert_eq!(doc["subject"], doc["claims"]["sub"]);
    // The human view says so too.
    let out = w.run_with_stdin(&["decode", "--verify"], Some(&jwt)).await;
    ok(&out);
    assert!(
        stdout(&out).contains("signature  verified"),
        "{}",
        stdout(&out)
    );
    // Only the keys were fetched; the token was never sent.
    let log = w.emu().request_log();
    assert!(
        log.iter()
            .all(|r| r.path.ends_with("/.well-known/jwks.json") || r.path.ends_with("/auth"))
    );

    // Without --verify: nothing fetched, "unverified", exit 0.
    let before = w.emu().request_log().len();
    let out = w.run_with_stdin(&["decode", "--json"], Some(&jwt)).await;
    ok(&out);
    assert_eq!(json(&out)["signature"]["status"], "unverified");
    assert_eq!(w.emu().request_log().len(), before);

    // A token of another server: no key with its kid, so unverified; exit 8, report printed.
    let other = Emulator::start(Config::default()).await.unwrap();
    let foreign = minted_by(&other).await;
    let out = w
        .run_with_stdin(&["decode", "--verify", "--json"], Some(&foreign))
        .await;
    exit(&out, 8);
    assert_eq!(json(&out)["signature"]["status"], "unverified");
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["error"]["code"], "signature_unverified");
    // ... and verified against that server's JWKS given with --jwks.
    let other_jwks = format!("{}/.well-known/jwks.json", other.base_url());
    let out = w
        .run_with_stdin(
            &["decode", "--verify", "--jwks", &other_jwks, "--json"],
            Some(&foreign),
        )
        .await;
    ok(&out);
    assert_eq!(json(&out)["signature"]["status"], "verified");

    // A tampered signature is invalid: exit 8, with the report and the error code.
    let mut sig: Vec<char> = jwt.rsplit('.').next().unwrap().chars().collect();
    let last = sig.len() - 2;
    sig[last] = if sig[last] == 'A' { 'B' } else { 'A' };
    let (head, _) = jwt.rsplit_once('.').unwrap();
    let bad_signature = format!("{head}.{}", sig.into_iter().collect::<String>());
    let out = w
        .run_with_stdin(&["decode", "--verify", "--json"], Some(&bad_signature))
        .await;
    exit(&out, 8);
    assert_eq!(json(&out)["signature"]["status"], "invalid");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(stderr(&out).trim()).unwrap()["error"]["code"],
        "signature_invalid"
    );

    // Unsigned (alg none) is never verified.
    let (_, rest) = jwt.split_once('.').unwrap();
    let (claims, _) = rest.split_once('.').unwrap();
    let unsigned = format!("eyJhbGciOiJub25lIn0.{claims}.");
    let out = w
        .run_with_stdin(&["decode", "--verify", "--json"], Some(&unsigned))
        .await;
    exit(&out, 8);
    assert_eq!(json(&out)["signature"]["status"], "invalid");

    // An unreachable JWKS is "unverified" (exit 8), not a crash; a malformed URL is usage (2).
    let out = w
        .run_with_stdin(
            &[
                "decode",
                "--verify",
                "--jwks",
                "http://127.0.0.1:9/jwks.json",
                "--json",
            ],
            Some(&jwt),
        )
        .await;
    exit(&out, 8);
    assert_eq!(json(&out)["signature"]["status"], "unverified");
    // (The token as an argument here: these exit before reading standard input.)
    let out = w
        .run(&["decode", &jwt, "--verify", "--jwks", "not a url"])
        .await;
    exit(&out, 2);
    assert!(
        stderr(&out).contains("not a usable base URL"),
        "{}",
        stderr(&out)
    );
    // --jwks means nothing without --verify.
    exit(&w.run(&["decode", &jwt, "--jwks", &other_jwks]).await, 2);
}

#[tokio::test]
async fn a_server_without_public_keys_leaves_the_token_unverified() {
    let config = Config {
        dialects: vec!["hs256".parse().unwrap()],
        ..Config::default()
    };
    let w = World::with_emulator(config).await;
    let jwt = minted_by(w.emu()).await;
    let out = w
        .run_with_stdin(&["decode", "--verify", "--json"], Some(&jwt))
        .await;
    exit(&out, 8);
    let doc = json(&out);
    assert_eq!(doc["signature"]["status"], "unverified", "{doc}");
}

/// The JWT as an argument: it works, and a person at a terminal is told about `ps`; a script
/// (standard input not a terminal) is not nagged.
#[tokio::test]
async fn a_token_in_argv_earns_a_note_at_a_terminal() {
    let w = World::with_emulator(Config::default()).await;
    let jwt = minted_by(w.emu()).await;
    let note = "visible to other users of this computer (ps)";

    let out = w.run(&["decode", &jwt]).await;
    ok(&out);
    assert!(!stderr(&out).contains(note), "no note without a terminal");
    let out = w.run_with_stdin(&["decode"], Some(&jwt)).await;
    ok(&out);
    assert!(!stderr(&out).contains(note));

    // Under a pseudo-terminal (util-linux `script`), as when typed at a shell prompt.
    let bin = assert_cmd::cargo::cargo_bin("drivly-keys");
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("'{}' decode {jwt}", bin.display()),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", w.home.path())
        .env("DRIVLY_KEYS_HOME", w.home.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(note), "{text}");
    assert_eq!(text.matches(note).count(), 1, "one line");
    assert!(text.contains("invoices"), "the report still prints: {text}");
}
