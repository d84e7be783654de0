//! The speed check of issue #7 item 4: `drivly-keys token` with a fresh shared JWT against
//! `gh auth token` reading its own token store, in one run, medians compared. Ignored by
//! default (it measures, it does not assert a time); run it with
//! `cargo test -p drivly-keys-cli --test bench_token -- --ignored --nocapture` inside the
//! keyring session, with Debian's `gh` installed.

mod common;

use std::process::Command;
use std::time::Instant;

use common::{World, ok};
use drivly_emulator::Config;

const RUNS: usize = 41;

fn median_ms(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn time(mut make: impl FnMut() -> Command) -> Vec<f64> {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let out = make().output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run on demand"]
async fn token_is_as_fast_as_gh_auth_token() {
    let w = World::with_emulator(Config::default()).await;
    ok(&w.login(&[]).await);
    let gh_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        gh_dir.path().join("hosts.yml"),
        "github.com:\n    oauth_token: gho_benchmark_not_a_real_token\n    user: octocat\n    git_protocol: https\n",
    )
    .unwrap();
    let w = std::sync::Arc::new(w);
    let w2 = std::sync::Arc::clone(&w);
    let gh_path = gh_dir.path().to_owned();
    let (ours, theirs) = tokio::task::spawn_blocking(move || {
        // Interleave nothing: warm both once, then measure each series.
        let ours = time(|| {
            let mut c = w2.cmd();
            c.arg("token");
            c
        });
        let theirs = time(|| {
            let mut c = Command::new("gh");
            c.args(["auth", "token"]).env("GH_CONFIG_DIR", &gh_path);
            c
        });
        (ours, theirs)
    })
    .await
    .unwrap();
    let (a, b) = (median_ms(ours), median_ms(theirs));
    println!(
        "drivly-keys token: median {a:.1} ms; gh auth token: median {b:.1} ms; ratio {:.2}",
        a / b
    );
    assert!(
        w.refreshes() == 0,
        "the fresh JWT was served without the network"
    );
}
