//! `doctor`: whether a profile can work, in one report a user can paste into a support request
//! (no secret in it, ever): the server's reachability, each configured endpoint and the JWKS
//! probed without credentials, the clock skew from the server's `Date` header, the keyring, the
//! sign-in link's handler and the profile's sessions. Exit 0 when all is well, 4 when the server
//! cannot be reached, 1 with the problems listed otherwise.

use std::time::Duration;

use std::sync::Arc;

use drivly_core::doctor::{DoctorReport, Verdict, check_profile, keyring_line};
use drivly_core::login::RELEASE_SCHEME;

use crate::context::Ctx;
use crate::error::{CliError, EXIT_NETWORK, EXIT_OK, EXIT_OTHER};

/// How long each probe may take: a support report should come back within a minute.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `doctor` for the profile this run uses; returns the exit status.
///
/// # Errors
/// Profile store errors, and output failures.
pub async fn run(ctx: &Ctx) -> Result<u8, CliError> {
    let profile = ctx.profile()?;
    let vault = ctx.vault().map(Arc::new).map_err(|e| keyring_line(Err(&e)));
    // Desktop entries and `xdg-mime` are how Linux desktops route the sign-in link.
    let scheme = cfg!(target_os = "linux").then_some(RELEASE_SCHEME);
    let report = check_profile(&profile, vault, scheme, PROBE_TIMEOUT)
        .await
        .map_err(CliError::use_case)?;
    if ctx.out.json() {
        ctx.out.report(&report)?;
    } else {
        print_human(ctx, &report)?;
    }
    Ok(match report.verdict() {
        Verdict::AllWell => EXIT_OK,
        Verdict::Unreachable => EXIT_NETWORK,
        Verdict::Problems => EXIT_OTHER,
    })
}

fn print_human(ctx: &Ctx, r: &DoctorReport) -> Result<(), CliError> {
    let out = &ctx.out;
    out.report_line(&format!("Profile {} at {}", r.profile, r.base_url))?;
    let server = if r.server.reachable {
        format!(
            "reachable ({} address(es), {})",
            r.server.addresses, r.server.scheme
        )
    } else {
        format!(
            "NOT reachable: {}",
            r.server.error.as_deref().unwrap_or("no answer")
        )
    };
    out.report_line(&format!("  server {}: {server}", r.server.host))?;
    for e in &r.endpoints {
        let answer = match (e.status, &e.error) {
            (Some(status), _) if e.missing => format!("{status} (not found)"),
            (Some(status), _) => status.to_string(),
            (None, Some(error)) => format!("failed: {error}"),
            (None, None) => "no answer".to_owned(),
        };
        out.report_line(&format!("  endpoint {:<9} {}  {answer}", e.name, e.url))?;
    }
    let jwks = match (&r.jwks.problem, r.jwks.keys.is_empty()) {
        (Some(problem), _) => problem.clone(),
        (None, true) => "no keys published".to_owned(),
        (None, false) => r
            .jwks
            .keys
            .iter()
            .map(|k| {
                format!(
                    "{} ({})",
                    k.kid.as_deref().unwrap_or("no kid"),
                    k.alg.as_deref().or(k.kty.as_deref()).unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    out.report_line(&format!("  jwks: {jwks}"))?;
    match r.clock_skew_seconds {
        Some(skew) => out.report_line(&format!(
            "  clock: the server is {skew} s from this computer (server minus local)"
        ))?,
        None => out.report_line("  clock: no Date header to compare")?,
    }
    let keyring = if r.keyring.ok {
        "open".to_owned()
    } else {
        format!(
            "NOT open: {}",
            r.keyring.message.as_deref().unwrap_or("unavailable")
        )
    };
    out.report_line(&format!("  keyring: {keyring}"))?;
    if let Some(link) = &r.link_handler {
        out.report_line(&format!(
            "  sign-in links ({}:): opened by {}{}",
            link.scheme,
            link.handled_by.as_deref().unwrap_or("nothing"),
            link.origin
                .as_deref()
                .map(|o| format!(" ({o} entry)"))
                .unwrap_or_default()
        ))?;
    }
    for s in &r.sessions {
        let left = s
            .seconds_left
            .map_or_else(|| "no JWT".to_owned(), |secs| format!("{secs} s left"));
        out.report_line(&format!(
            "  session {} ({}): {left}{}",
            s.id,
            s.subject.as_deref().unwrap_or("unknown user"),
            s.problem
                .as_deref()
                .map(|p| format!("; {p}"))
                .unwrap_or_default()
        ))?;
    }
    if let Some(orphans) = r.orphans.as_ref().filter(|o| !o.remaining.is_empty()) {
        out.report_line(&format!(
            "  keyring items that belong to nothing: {} (each removed a day after it was first found)",
            orphans.remaining.len()
        ))?;
        for o in &orphans.remaining {
            let seen = o.first_seen.map_or_else(
                || "not yet seen by a start-up".to_owned(),
                |t| format!("first seen {t}"),
            );
            out.report_line(&format!("    {} ({}; {seen})", o.entry, o.kind))?;
        }
    }
    if r.problems.is_empty() {
        out.report_line("All well.")?;
    } else {
        out.report_line("Problems:")?;
        for p in &r.problems {
            out.report_line(&format!("  - {p}"))?;
        }
    }
    Ok(())
}
