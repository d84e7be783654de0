//! Shared test harness: a private `DRIVLY_KEYS_HOME` and keyring service per test, the real
//! emulator on 127.0.0.1, the real `drivly-keys` binary, and canary checks.
//!
//! Keyring tests are `#[ignore]`d, so a plain `cargo test` lists them as ignored; the test command
//! runs them with `--include-ignored` inside a private D-Bus with an unlocked gnome-keyring.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;
use chrono::Utc;
use drivly_emulator::{Config, Emulator};
use tempfile::TempDir;

/// One test's isolated world.
pub struct World {
    pub home: TempDir,
    pub service: String,
    pub emulator: Option<Emulator>,
}

impl World {
    /// A world without an emulator.
    pub fn offline() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            service: format!("ly.driv.keys.test.{}", uuid_like()),
            emulator: None,
        }
    }

    /// A world with an emulator started from `config`.
    pub async fn with_emulator(config: Config) -> Self {
        let mut world = Self::offline();
        world.emulator = Some(Emulator::start(config).await.unwrap());
        world
    }

    pub fn emu(&self) -> &Emulator {
        self.emulator.as_ref().expect("this world has an emulator")
    }

    /// The `drivly-keys` binary with this world's environment.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("drivly-keys").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("DRIVLY_KEYS_HOME", self.home.path())
            .env("DRIVLY_KEYS_KEYRING_SERVICE", &self.service)
            .env("NO_COLOR", "1");
        for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
            if let Some(v) = std::env::var_os(var) {
                cmd.env(var, v);
            }
        }
        if let Some(emu) = &self.emulator {
            cmd.env("DRIVLY_KEYS_EMULATOR_URL", emu.base_url().as_str())
                .env("DRIVLY_KEYS_PROFILE", "emulator");
        }
        cmd
    }

    /// Runs `args` (on a blocking thread, so the emulator keeps serving) and returns the output.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None).await
    }

    /// Runs `args` with `stdin` piped in.
    pub async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.cmd();
        cmd.args(args);
        let stdin = stdin.map(str::to_owned);
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            use std::process::Stdio;
            cmd.stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            if let Some(text) = stdin {
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(text.as_bytes())
                    .unwrap();
            }
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap()
    }

    /// Signs in through `login --no-browser`, following the printed URL through the emulator's
    /// pages and then requesting the loopback redirect, as a browser would.
    pub async fn login(&self, extra: &[&str]) -> Output {
        let (email, password) = self.emu().demo_user();
        self.login_as(&email, &password, extra).await
    }

    /// As [`World::login`], as the user `email` (the emulator must know them).
    pub async fn login_as(&self, email: &str, password: &str, extra: &[&str]) -> Output {
        use std::io::{BufRead, BufReader};
        use std::process::Stdio;
        let mut cmd = self.cmd();
        cmd.args(["login", "--no-browser"]).args(extra);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (url, rest) = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stderr);
            let mut seen = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 {
                    panic!("login ended before printing a URL: {seen}");
                }
                seen.push_str(&line);
                if line.starts_with("http") {
                    return (line.trim().to_owned(), reader);
                }
            }
        })
        .await
        .unwrap();
        let authorize = url::Url::parse(&url).unwrap();
        let redirect =
            drivly_emulator::testing::complete_browser_login(&authorize, email, password, true)
                .await
                .unwrap();
        assert_eq!(
            redirect.host_str(),
            Some("127.0.0.1"),
            "the redirect goes to the loopback listener"
        );
        let answer = reqwest::Client::new().get(redirect).send().await.unwrap();
        assert!(answer.status().is_success());
        tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut rest = rest;
            let mut tail = String::new();
            rest.read_to_string(&mut tail).unwrap();
            let mut out = child.wait_with_output().unwrap();
            out.stderr = format!("{url}\n{tail}").into_bytes();
            out
        })
        .await
        .unwrap()
    }

    /// The vault index file under the test's home folder (wherever the folders are named).
    pub fn index_file(&self) -> std::path::PathBuf {
        fn find(dir: &Path) -> Option<std::path::PathBuf> {
            for entry in std::fs::read_dir(dir).ok()? {
                let path = entry.ok()?.path();
                if path.is_dir() {
                    if let Some(found) = find(&path) {
                        return Some(found);
                    }
                } else if path.file_name().is_some_and(|n| n == "vault-index.json") {
                    return Some(path);
                }
            }
            None
        }
        find(self.home.path()).expect("a vault index")
    }

    /// The status the emulator's API answers `GET /api/invoices` with, authorised by `jwt`.
    pub async fn invoices_status(&self, jwt: &str) -> u16 {
        let url = format!(
            "{}/invoices",
            self.emu().base_url().as_str().trim_end_matches('/')
        );
        reqwest::Client::new()
            .get(url)
            .bearer_auth(jwt)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Number of refresh requests the emulator has seen.
    pub fn refreshes(&self) -> usize {
        self.emu()
            .request_log()
            .iter()
            .filter(|r| r.path == "/api/auth/refresh")
            .count()
    }

    /// Asserts no file under the home folder holds `secret`.
    pub fn assert_not_in_files(&self, secret: &str) {
        assert_not_in_dir(self.home.path(), secret);
    }
}

fn assert_not_in_dir(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_not_in_dir(&path, secret);
        } else if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(secret),
                "a secret is in plaintext in {}",
                path.display()
            );
        }
    }
}

/// A unique-enough suffix (time + pid + counter).
pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts success, with the output in the failure message.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
}

/// Asserts an exit code.
pub fn exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
}

/// Asserts no refresh token (`drt_…`) or authorization code (`dac_…`) of the emulator appears
/// in either stream: those are never printed, even with `RUST_LOG=trace`.
pub fn assert_no_session_secrets(out: &Output) {
    for prefix in ["drt_", "dac_"] {
        assert!(!stdout(out).contains(prefix), "{prefix}… on stdout");
        assert!(!stderr(out).contains(prefix), "{prefix}… on stderr");
    }
}

/// Runs `args` with `RUST_LOG=trace`, so every log line of the core is on standard error.
pub async fn run_traced(world: &World, args: &[&str]) -> Output {
    let mut cmd = world.cmd();
    cmd.args(args).env("RUST_LOG", "trace");
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Asserts `secret` appears in neither stream.
pub fn assert_not_in_output(out: &Output, secret: &str) {
    assert!(!stdout(out).contains(secret), "secret on stdout");
    assert!(!stderr(out).contains(secret), "secret on stderr");
}

/// Seconds the JWT has left, from its `exp` claim.
pub fn seconds_left(jwt: &str) -> i64 {
    let claims = base64_like::decode_payload(jwt);
    let exp = claims["exp"].as_i64().expect("exp claim");
    exp - Utc::now().timestamp()
}

/// The JWT's claims.
pub fn claims(jwt: &str) -> serde_json::Value {
    base64_like::decode_payload(jwt)
}

/// Minimal JWT payload decoding for assertions (independent of the code under test).
mod base64_like {
    pub fn decode_payload(jwt: &str) -> serde_json::Value {
        let payload = jwt.trim().split('.').nth(1).expect("three parts");
        let bytes = decode(payload);
        serde_json::from_slice(&bytes).expect("JSON claims")
    }

    fn decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = Vec::new();
        let mut buffer = 0u32;
        let mut bits = 0;
        for c in text.bytes().filter(|c| *c != b'=') {
            let v = ALPHABET.iter().position(|a| *a == c).expect("base64url") as u32;
            buffer = (buffer << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
                buffer &= (1 << bits) - 1;
            }
        }
        out
    }
}

/// Waits `secs` seconds (a real wait: tokens expire on the wall clock).
pub async fn wait(secs: f64) {
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
}

/// The default emulator configuration with a canary API key.
pub fn config_with_key(key: &str) -> Config {
    Config {
        api_keys: vec![key.to_owned()],
        ..Config::default()
    }
}
