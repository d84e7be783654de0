//! Issue #15: programs that outlive one JWT. `exec --token-server`, `proxy` and `run --env-file`
//! against the real emulator (session JWTs living 8 s, so "after expiry" is seconds away) and
//! the real keyring (hence `#[ignore]`: run inside the keyring session, see tests/common).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{World, claims, config_with_key, exit, ok, seconds_left, stderr, stdout, wait};
use drivly_emulator::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Long enough for a refresh plan (the core refreshes no more often than every 5 s), short
/// enough that "after the first JWT expired" costs seconds.
const JWT_LIFETIME: Duration = Duration::from_secs(8);

fn short_lived() -> Config {
    Config {
        jwt_lifetime: JWT_LIFETIME,
        ..Config::default()
    }
}

/// Sends a hand-written request head to 127.0.0.1:`port` (an HTTP client always sends the
/// right Host); returns the status.
async fn raw(port: u16, head: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream
        .write_all(format!("{head}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Sends SIGTERM to `child` (through kill(1): the tests forbid unsafe code too).
fn terminate(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

async fn wait_child(child: Child) -> std::process::Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the system keyring (run inside the keyring session)"]
async fn token_server_serves_fresh_tokens_for_the_childs_lifetime_only() {
    let w = World::with_emulator(short_lived()).await;
    ok(&w.login(&[]).await);
    let dir = tempfile::tempdir().unwrap();
    let (env_file, stop_file) = (dir.path().join("env"), dir.path().join("stop"));
    let script = format!(
        "printf '%s\\n%s\\n' \"$DRIVLY_TOKEN_URL\" \"$DRIVLY_TOKEN_AUTH\" > {env}.tmp && mv {env}.tmp {env}; \
         while [ ! -e {stop} ]; do sleep 0.1; done; exit 7",
        env = env_file.display(),
        stop = stop_file.display()
    );
    let child = w
        .cmd()
        .args(["exec", "--token-server", "--", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while !env_file.exists() {
        wait(0.05).await;
    }
    let text = std::fs::read_to_string(&env_file).unwrap();
    let mut lines = text.lines();
    let (url, auth) = (
        lines.next().unwrap().to_owned(),
        lines.next().unwrap().to_owned(),
    );
    let parsed = url::Url::parse(&url).unwrap();
    assert_eq!(parsed.host_str(), Some("127.0.0.1"));
    assert_eq!(parsed.path(), "/token");
    let port = parsed.port().unwrap();
    let client = reqwest::Client::new();
    let fetch = || async {
        let answer = client.get(&url).bearer_auth(&auth).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        let doc: serde_json::Value = answer.json().await.unwrap();
        let expires =
            chrono::DateTime::parse_from_rfc3339(doc["expires"].as_str().unwrap()).unwrap();
        assert!(
            expires > chrono::Utc::now(),
            "the answer says when it expires"
        );
        doc["token"].as_str().unwrap().to_owned()
    };

    // Refused: no secret, a wrong one, any Origin, a foreign Host.
    assert_eq!(client.get(&url).send().await.unwrap().status(), 401);
    let wrong = client
        .get(&url)
        .bearer_auth("not-the-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let origin = client
        .get(&url)
        .bearer_auth(&auth)
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(origin.status(), 403);
    let bearer = format!("Authorization: Bearer {auth}");
    assert_eq!(
        raw(
            port,
            &format!("GET /token HTTP/1.1\r\nHost: evil.example:{port}\r\n{bearer}")
        )
        .await,
        421
    );
    assert_eq!(
        raw(
            port,
            &format!("GET /token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{bearer}")
        )
        .await,
        200
    );

    // Before and after expiry: different tokens, each accepted when handed out, and more than
    // two lifetimes in all.
    let first = fetch().await;
    assert_eq!(w.invoices_status(&first).await, 200);
    wait(seconds_left(&first) as f64 + 1.0).await;
    assert_eq!(
        w.invoices_status(&first).await,
        401,
        "the first JWT has expired"
    );
    let second = fetch().await;
    assert_ne!(first, second);
    assert_eq!(w.invoices_status(&second).await, 200);
    wait(seconds_left(&second) as f64 + 1.0).await;
    let third = fetch().await;
    assert_ne!(second, third);
    assert_eq!(w.invoices_status(&third).await, 200);
    assert_eq!(claims(&third)["sub"], claims(&first)["sub"]);

    // A burst of requests asks the refresher, which serves its fresh token: no refresh per
    // request.
    let before = w.refreshes();
    let burst: Vec<_> = (0..20).map(|_| fetch()).collect();
    for token in futures_join(burst).await {
        assert_eq!(token, third);
    }
    assert_eq!(w.refreshes(), before, "the burst caused a refresh");

    // The endpoint lives exactly as long as the child, whose exit status passes through.
    std::fs::write(&stop_file, b"").unwrap();
    let out = wait_child(child).await;
    exit(&out, 7);
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "the endpoint outlived the child"
    );
    for secret in [&auth, &first, &second, &third] {
        assert!(!stdout(&out).contains(secret.as_str()) && !stderr(&out).contains(secret.as_str()));
    }
}

/// Runs `futures` concurrently (the requests overlap on the server).
async fn futures_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    futures::future::join_all(futures).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the system keyring (run inside the keyring session)"]
async fn proxy_adds_fresh_tokens_and_refuses_what_a_web_page_sends() {
    let w = World::with_emulator(short_lived()).await;
    ok(&w
        .login(&["--permissions", "invoices.read,invoices.write"])
        .await);
    let mut child = w
        .cmd()
        .args(["proxy"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    tokio::task::block_in_place(|| reader.read_line(&mut first_line).unwrap());
    let base = first_line.trim().to_owned();
    let parsed = url::Url::parse(&base).unwrap();
    assert_eq!(parsed.host_str(), Some("127.0.0.1"));
    assert_eq!(parsed.path(), "/api", "the profile's path");
    let port = parsed.port().unwrap();
    let client = reqwest::Client::new();
    let get_invoices = || async {
        // An incoming Authorization is dropped; a query passes through (and is never logged).
        client
            .get(format!("{base}/invoices?limit=3&note=QUERYCANARY"))
            .header("Authorization", "Bearer HEADERCANARY")
            .send()
            .await
            .unwrap()
    };
    let answer = get_invoices().await;
    assert_eq!(answer.status(), 200);
    let doc: serde_json::Value = answer.json().await.unwrap();
    assert!(doc.to_string().contains("inv_"), "{doc}");

    // Refused: foreign Host, absolute-form target for another host, Origin, cross-site fetch
    // metadata; and nothing outside the API's path.
    assert_eq!(
        raw(
            port,
            &format!("GET /api/invoices HTTP/1.1\r\nHost: evil.example:{port}")
        )
        .await,
        421
    );
    assert_eq!(
        raw(
            port,
            &format!("GET http://evil.example/api/invoices HTTP/1.1\r\nHost: 127.0.0.1:{port}")
        )
        .await,
        421
    );
    assert_eq!(raw(port, &format!("GET /api/invoices HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example")).await, 403);
    assert_eq!(
        raw(
            port,
            &format!(
                "GET /api/invoices HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nSec-Fetch-Site: cross-site"
            )
        )
        .await,
        403
    );
    assert_eq!(
        raw(
            port,
            &format!("GET /dashboard HTTP/1.1\r\nHost: 127.0.0.1:{port}")
        )
        .await,
        404
    );
    assert_eq!(
        raw(
            port,
            &format!("GET /api/../dashboard HTTP/1.1\r\nHost: 127.0.0.1:{port}")
        )
        .await,
        404
    );
    assert_eq!(
        raw(
            port,
            &format!("GET /api/invoices HTTP/1.1\r\nHost: 127.0.0.1:{port}")
        )
        .await,
        200
    );

    // A POST body goes up intact and the created document comes back.
    let body = serde_json::json!({"customer": "Proxy Test Ltd", "amount": 4321, "note": "é ✓"});
    let created = client
        .post(format!("{base}/invoices"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(created["customer"], "Proxy Test Ltd");
    assert_eq!(created["amount"], 4321);
    assert_eq!(created["note"], "é ✓");
    // A larger answer arrives byte for byte as the emulator sends it.
    let token = stdout(&w.run(&["token"]).await).trim().to_owned();
    let direct = client
        .get(format!(
            "{}/invoices?limit=100",
            w.emu().base_url().as_str().trim_end_matches('/')
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let proxied = client
        .get(format!("{base}/invoices?limit=100"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(direct, proxied);

    // After the first JWT expired, the proxy still succeeds (with a refreshed one).
    wait(JWT_LIFETIME.as_secs_f64() + 1.0).await;
    assert_eq!(get_invoices().await.status(), 200);

    // Many requests, one fresh token: no refresh beyond what the policy plans.
    let before = w.refreshes();
    let mut burst = Vec::new();
    for _ in 0..30 {
        burst.push(get_invoices());
    }
    for answer in futures_join(burst).await {
        assert_eq!(answer.status(), 200);
    }
    assert!(
        w.refreshes() <= before + 1,
        "{} refreshes for one burst",
        w.refreshes() - before
    );

    terminate(&child);
    let mut log = String::new();
    let mut err = child.stderr.take().unwrap();
    tokio::task::block_in_place(|| err.read_to_string(&mut log).unwrap());
    let out = wait_child(child).await;
    ok(&out);
    assert!(log.contains("GET /api/invoices?… 200"), "{log}");
    assert!(log.contains("POST /api/invoices 201"), "{log}");
    assert!(log.contains("GET /dashboard 404"), "{log}");
    for secret in ["HEADERCANARY", "QUERYCANARY", "eyJ", token.as_str()] {
        assert!(!log.contains(secret), "{secret} in the proxy's log:\n{log}");
    }
}

const CANARY: &str = "dk_live_CANARY0123456789abcdef0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the system keyring (run inside the keyring session)"]
async fn run_resolves_references_and_conceals_them_in_the_output() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    ok(&w
        .run_with_stdin(&["keys", "add", "ci-key"], Some(CANARY))
        .await);
    ok(&w.login(&[]).await);
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(
        &env,
        "# references\nexport API_KEY=drivly://emulator/keys/ci-key\nSESSION_JWT=\"drivly://emulator/session\"\nPLAIN='just text # kept'\n",
    )
    .unwrap();
    // The key is written in two writes (split 8 characters from the end), the JWT whole on
    // standard error; checks prove the values were resolved without printing them.
    let script = r#"
        head="${API_KEY%????????}"; printf 'key=%s' "$head"; sleep 0.2; printf '%s\n' "${API_KEY#"$head"}"
        printf 'jwt=%s\n' "$SESSION_JWT" >&2
        [ "${#API_KEY}" -gt 20 ] && echo key-resolved
        case "$SESSION_JWT" in eyJ*) echo jwt-resolved;; esac
        case "$FROM_ENV" in dk_*) echo env-resolved;; esac
        echo "$PLAIN"; echo "$FROM_ENV" >&2
        exit 5"#;
    let mut cmd = w.cmd();
    cmd.args([
        "run",
        "--env-file",
        env.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        script,
    ])
    .env("FROM_ENV", "drivly://emulator/keys/ci-key");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    exit(&out, 5);
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(o.contains("key=<concealed by drivly-keys>\n"), "{o}");
    assert!(e.contains("jwt=<concealed by drivly-keys>\n"), "{e}");
    for line in [
        "key-resolved",
        "jwt-resolved",
        "env-resolved",
        "just text # kept",
    ] {
        assert!(o.contains(line), "{line} missing: {o}");
    }
    assert!(
        !o.contains(&CANARY[..12]) && !e.contains(&CANARY[..12]),
        "{o}{e}"
    );
    assert!(!o.contains("eyJ") && !e.contains("eyJ"));

    // An unknown label stops before the command runs, naming the variable, not a value.
    std::fs::write(&env, "MISSING=drivly://emulator/keys/nope\n").unwrap();
    let out = w
        .run(&[
            "run",
            "--env-file",
            env.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            "echo ran",
        ])
        .await;
    exit(&out, 6);
    assert!(stdout(&out).is_empty(), "the command ran");
    assert!(
        stderr(&out).contains("MISSING: no API key labelled 'nope'"),
        "{}",
        stderr(&out)
    );
    // An unknown profile is exit 6 too; a profile without a session is exit 3.
    std::fs::write(&env, "P=drivly://nowhere/session\n").unwrap();
    exit(
        &w.run(&["run", "--env-file", env.to_str().unwrap(), "--", "true"])
            .await,
        6,
    );
    std::fs::write(&env, "S=drivly://drivly/session\n").unwrap();
    let out = w
        .run(&["run", "--env-file", env.to_str().unwrap(), "--", "true"])
        .await;
    exit(&out, 3);
    assert!(stderr(&out).starts_with("error: S: "), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the system keyring (run inside the keyring session)"]
async fn proxy_with_a_key_mints_least_privilege_tokens() {
    let w = World::with_emulator(config_with_key(CANARY)).await;
    ok(&w
        .run_with_stdin(&["keys", "add", "ci-key"], Some(CANARY))
        .await);
    let mut child = w
        .cmd()
        .args(["proxy", "--key", "ci-key", "--permissions", "invoices.read"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    tokio::task::block_in_place(|| reader.read_line(&mut first_line).unwrap());
    let base = first_line.trim().to_owned();
    let client = reqwest::Client::new();
    let list = client.get(format!("{base}/invoices")).send().await.unwrap();
    assert_eq!(list.status(), 200);
    // Only what was asked for: writing is refused by the server.
    let body = serde_json::json!({"customer": "X", "amount": 1});
    let write = client
        .post(format!("{base}/invoices"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403);
    let mints = || {
        w.emu()
            .request_log()
            .iter()
            .filter(|r| r.path == "/api/auth" && r.method == "POST")
            .count()
    };
    assert_eq!(mints(), 1, "one token serves every request");
    terminate(&child);
    let mut log = String::new();
    let mut err = child.stderr.take().unwrap();
    tokio::task::block_in_place(|| err.read_to_string(&mut log).unwrap());
    ok(&wait_child(child).await);
    assert!(!log.contains(&CANARY[..12]), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the system keyring (run inside the keyring session)"]
async fn exec_forwards_a_signal_to_the_child_and_passes_its_status() {
    let w = World::with_emulator(Config::default()).await;
    ok(&w.login(&[]).await);
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let script = format!(
        "trap 'exit 42' TERM; touch {}; while :; do sleep 0.1; done",
        ready.display()
    );
    let child = w
        .cmd()
        .args(["exec", "--token-server", "--", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while !ready.exists() {
        wait(0.05).await;
    }
    terminate(&child);
    exit(&wait_child(child).await, 42);
}
