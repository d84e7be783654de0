//! Refresh at scale (issue #8): many signed-in sessions on the emulator with short JWTs, each
//! with its own [`SessionRefresher`], run for minutes while a share of them is asked for tokens.
//!
//! Measures: tokens handed out with less than the promised time left (must be zero), refresh
//! requests per session per JWT lifetime, the most refreshes in flight at once (and waiting at
//! the refresh gate) and the largest number started in one second (the burst), the 99th
//! percentile of lateness of background refreshes against their planned point (queueing at the
//! gate included), and CPU milliseconds per refresh (this process minus the emulator's
//! threads). Prints one JSON object on standard output for `scripts/bench`, and a readable
//! summary on standard error.
//!
//! Run: `cargo run --release -p drivly-core --example refresh_at_scale -- --sessions 1000
//! --seconds 300 --lifetime 60`. The emulator runs in-process on its own runtime (threads named
//! `emulator`) so its CPU time can be told apart; the refreshers share one `DrivlyClient`, one
//! refresh gate and an in-memory store, as the app shares one client and one gate per profile.
//! `--max-in-flight N` sets the gate's cap (`0`: no gate, every due refresh goes at once).

mod cpu;
mod probe;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{TimeDelta, Utc};
use drivly_core::client::DrivlyClient;
use drivly_core::clock::SystemClock;
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::secret::{AuthCode, PkceVerifier};
use drivly_core::session::clock_watch::{CLOCK_CHECK_TICK, ClockWatch};
use drivly_core::session::{
    MemorySessionStore, RefreshPolicy, RefresherConfig, RefresherDeps, SessionId, SessionMeta,
    SessionRefresher, SharedJwt, establish,
};
use drivly_core::session::{RefreshGate, refresh_gate::DEFAULT_MAX_IN_FLIGHT};
use drivly_emulator::{Config, Emulator};
use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};

use probe::Probe;

/// Any failure of the benchmark; it reports and exits non-zero.
type Failure = Box<dyn std::error::Error + Send + Sync>;

const VERIFIER: &str = "refresh-at-scale-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
const REDIRECT_URI: &str = "ly.driv.keys.bench:/auth/callback";
/// Sign-ins in flight at once during set-up.
const SIGN_IN_CONCURRENCY: usize = 16;
/// Each asked-for session is asked once per this period.
const ASK_PERIOD: Duration = Duration::from_secs(2);

/// Command-line settings.
#[derive(Debug, Clone, Copy)]
struct Args {
    sessions: usize,
    seconds: u64,
    lifetime: u64,
    /// How many of the sessions are asked for tokens (the rest refresh in the background only).
    asked: usize,
    /// The refresh gate's cap; 0 runs without a gate.
    max_in_flight: usize,
}

impl Args {
    fn parse() -> Result<Self, Failure> {
        let mut args = Self {
            sessions: 1000,
            seconds: 300,
            lifetime: 60,
            asked: 100,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let value: u64 = it
                .next()
                .ok_or_else(|| format!("{flag} needs a number"))?
                .parse()?;
            match flag.as_str() {
                "--sessions" => args.sessions = usize::try_from(value)?,
                "--seconds" => args.seconds = value,
                "--lifetime" => args.lifetime = value,
                "--asked" => args.asked = usize::try_from(value)?,
                "--max-in-flight" => args.max_in_flight = usize::try_from(value)?,
                other => return Err(format!("unknown flag {other}; see the module docs").into()),
            }
        }
        args.asked = args.asked.min(args.sessions);
        Ok(args)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("refresh_at_scale failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Failure> {
    let args = Args::parse()?;
    // Blocking threads are kept alive so their CPU time stays visible in /proc/self/task.
    let emu_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("emulator")
        .thread_keep_alive(Duration::from_secs(86_400))
        .enable_all()
        .build()?;
    let emu = emu_rt.block_on(Emulator::start(Config {
        jwt_lifetime: Duration::from_secs(args.lifetime),
        ..Config::default()
    }))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("refresher")
        .enable_all()
        .build()?;
    let report = rt.block_on(measure(&emu, args));
    drop(rt);
    emu_rt.block_on(async move { drop(emu) });
    let report = report?;
    println!("{report}");
    Ok(())
}

/// Signs one session in through the emulator's pages and stores it.
async fn sign_in(
    emu: &Emulator,
    client: &DrivlyClient,
    store: &MemorySessionStore,
) -> Result<SessionMeta, Failure> {
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    let mut url = url::Url::parse(&format!("{}/auth", emu.base_url()))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("state", "state-refresh-at-scale-0123456789")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("permissions", "invoices.read");
    let (email, password) = emu.demo_user();
    let back =
        drivly_emulator::testing::complete_browser_login(&url, &email, &password, true).await?;
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .ok_or("the emulator redirected without a code")?;
    let tokens = client
        .exchange_code(
            &AuthCode::new(code),
            &PkceVerifier::new(VERIFIER),
            REDIRECT_URI,
        )
        .await?;
    let refresh_token = tokens
        .refresh_token
        .ok_or("the code exchange gave no refresh token")?;
    let meta = SessionMeta::new(
        SessionId::new_random(),
        ProfileId::parse("emulator")?,
        None,
        vec!["invoices.read".into()],
        Utc::now(),
    );
    let shared = SharedJwt {
        jwt: tokens.jwt,
        requested_at: tokens.requested_at,
        expires: tokens.expires,
    };
    establish(Arc::new(store.clone()), &meta, &refresh_token, &shared).await?;
    Ok(meta)
}

/// Seconds left on a JWT by its `exp` claim, in milliseconds; `None` when unreadable.
fn millis_left(jwt: &str) -> Option<i64> {
    let payload = URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1)?).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    Some(claims.get("exp")?.as_i64()? * 1000 - Utc::now().timestamp_millis())
}

/// What the askers saw.
#[derive(Debug, Default)]
struct Asked {
    calls: AtomicUsize,
    errors: AtomicUsize,
    /// Tokens with less than the promised time left (beyond `exp`'s one-second resolution).
    short: AtomicUsize,
    min_left_ms: AtomicI64,
}

async fn measure(emu: &Emulator, args: Args) -> Result<serde_json::Value, Failure> {
    let profile = Profile::emulator(emu.base_url());
    let client = Arc::new(
        DrivlyClient::builder(&profile)
            .timeout(Duration::from_secs(30))
            .build()?,
    );
    let store = MemorySessionStore::new();
    let lock_dir = tempfile::tempdir()?;
    let probe = Arc::new(Probe::default());

    eprintln!("refresh_at_scale: signing in {} sessions", args.sessions);
    let metas: Vec<SessionMeta> = futures::stream::iter(0..args.sessions)
        .map(|_| sign_in(emu, &client, &store))
        .buffer_unordered(SIGN_IN_CONCURRENCY)
        .try_collect()
        .await?;
    // As the app's background mode: one clock watch for every refresher, each of which
    // otherwise sleeps until its next refresh.
    let (clock_watch, _clock_watch_task) =
        ClockWatch::start(Arc::new(SystemClock), CLOCK_CHECK_TICK);
    // Memory per idle session: what the refreshers add to the process once all are started
    // and settled (the sessions' records and the emulator's state were already there).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let resident_before = cpu::resident_bytes();
    let gate = (args.max_in_flight > 0).then(|| RefreshGate::new(args.max_in_flight));
    let mut refreshers = Vec::with_capacity(metas.len());
    for meta in metas {
        let deps = RefresherDeps {
            issuer: client.clone(),
            store: Arc::new(store.clone()),
            events: probe.clone(),
            clock: Arc::new(SystemClock),
        };
        let mut config = RefresherConfig::new(lock_dir.path());
        config.clock_watch = Some(clock_watch.clone());
        config.tick = Duration::from_secs(600);
        config.refresh_gate = gate.clone();
        refreshers.push(Arc::new(SessionRefresher::start(meta, deps, config).await));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let resident_after = cpu::resident_bytes();
    let bytes_per_session =
        resident_after.saturating_sub(resident_before) / args.sessions.max(1) as u64;

    let lifetime = TimeDelta::seconds(i64::try_from(args.lifetime)?);
    let promised_ms = RefreshPolicy::default()
        .default_min_ttl(lifetime)
        .num_milliseconds();
    let log_start = emu.request_log().len();
    let started = Utc::now();
    let (cpu_start, emu_cpu_start) = (cpu::process_ms(), cpu::threads_ms("emulator"));
    probe.arm();
    eprintln!(
        "refresh_at_scale: running {} s ({} sessions asked every {} s)",
        args.seconds,
        args.asked,
        ASK_PERIOD.as_secs()
    );

    let asked = Arc::new(Asked {
        min_left_ms: AtomicI64::new(i64::MAX),
        ..Asked::default()
    });
    let end = tokio::time::Instant::now() + Duration::from_secs(args.seconds);
    if args.asked > 0 {
        let step = ASK_PERIOD / u32::try_from(args.asked)?;
        let mut tick = tokio::time::interval(step);
        let mut next = 0usize;
        while tokio::time::Instant::now() < end {
            tick.tick().await;
            let (refresher, asked) = (refreshers[next % args.asked].clone(), asked.clone());
            next += 1;
            tokio::spawn(async move {
                asked.calls.fetch_add(1, Ordering::Relaxed);
                match refresher.token(None).await {
                    Ok(jwt) => {
                        let left = millis_left(jwt.expose_secret()).unwrap_or(i64::MIN);
                        asked.min_left_ms.fetch_min(left, Ordering::Relaxed);
                        if left < promised_ms - 1000 {
                            asked.short.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(_) => {
                        asked.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    } else {
        tokio::time::sleep_until(end).await;
    }

    let seen = probe.take();
    let (cpu_end, emu_cpu_end) = (cpu::process_ms(), cpu::threads_ms("emulator"));
    let finished = Utc::now();
    drop(refreshers);

    let mut refresh_times: Vec<i64> = emu
        .request_log()
        .iter()
        .skip(log_start)
        .filter(|r| r.path == "/api/auth/refresh" && r.at >= started && r.at <= finished)
        .map(|r| r.at.timestamp_millis())
        .collect();
    refresh_times.sort_unstable();
    let refreshes = refresh_times.len();
    let failed_requests = emu
        .request_log()
        .iter()
        .skip(log_start)
        .filter(|r| r.path == "/api/auth/refresh" && r.status != 200)
        .count();
    let most_in = |window_ms: i64| {
        let mut best = 0;
        let mut low = 0;
        for high in 0..refresh_times.len() {
            while refresh_times[high] - refresh_times[low] >= window_ms {
                low += 1;
            }
            best = best.max(high - low + 1);
        }
        best
    };
    let mut lateness = seen.lateness_ms.clone();
    lateness.sort_unstable();
    let pct = |p: f64| -> i64 {
        if lateness.is_empty() {
            return 0;
        }
        // Nearest-rank percentile; the cast is of a small, non-negative index.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let rank = ((p / 100.0) * lateness.len() as f64).ceil() as usize;
        lateness[rank.clamp(1, lateness.len()) - 1]
    };
    let run_secs = (finished - started).num_milliseconds() as f64 / 1000.0;
    let lifetimes = run_secs / args.lifetime as f64;
    let per_session_per_lifetime = refreshes as f64 / (args.sessions as f64 * lifetimes);
    let bench_cpu_ms = cpu_end.saturating_sub(cpu_start)
        - emu_cpu_end
            .saturating_sub(emu_cpu_start)
            .min(cpu_end.saturating_sub(cpu_start));
    let cpu_per_refresh = if refreshes == 0 {
        0.0
    } else {
        bench_cpu_ms as f64 / refreshes as f64
    };
    let min_left = asked.min_left_ms.load(Ordering::Relaxed);
    // Refresh requests per second of the run, for the plot in BENCHMARKS.md.
    let first_ms = started.timestamp_millis();
    let mut per_second = vec![0u32; run_secs.ceil() as usize + 1];
    for at in &refresh_times {
        if let Some(slot) = usize::try_from((at - first_ms) / 1000)
            .ok()
            .and_then(|i| per_second.get_mut(i))
        {
            *slot += 1;
        }
    }
    let report = serde_json::json!({
        "sessions": args.sessions,
        "asked_sessions": args.asked,
        "lifetime_s": args.lifetime,
        "run_s": run_secs,
        "promised_min_ttl_ms": promised_ms,
        "token_calls": asked.calls.load(Ordering::Relaxed),
        "token_errors": asked.errors.load(Ordering::Relaxed),
        "tokens_short": asked.short.load(Ordering::Relaxed),
        "min_left_ms": if min_left == i64::MAX { serde_json::Value::Null } else { min_left.into() },
        "refresh_requests": refreshes,
        "refresh_requests_failed": failed_requests,
        "per_session_per_lifetime": per_session_per_lifetime,
        "background_refreshes": seen.lateness_ms.len(),
        "on_demand_refreshes": seen.on_demand,
        "state_failures": seen.failures,
        "max_in_flight": seen.max_in_flight,
        "max_in_flight_cap": args.max_in_flight,
        // Refreshes due but waiting for the gate at once: the burst the cap absorbed.
        "max_queued": gate.as_ref().map_or(0, |g| g.peaks().waiting),
        "max_started_in_1s": most_in(1000),
        "mean_per_s": refreshes as f64 / run_secs,
        "lateness_p50_ms": pct(50.0),
        "lateness_p99_ms": pct(99.0),
        "lateness_max_ms": lateness.last().copied().unwrap_or(0),
        "cpu_ms_bench": bench_cpu_ms,
        "cpu_ms_emulator": emu_cpu_end.saturating_sub(emu_cpu_start),
        "cpu_ms_per_refresh": cpu_per_refresh,
        "resident_bytes_per_idle_session": bytes_per_session,
        "refreshes_per_second": per_second,
    });
    eprintln!("refresh_at_scale: {report:#}");
    Ok(report)
}
