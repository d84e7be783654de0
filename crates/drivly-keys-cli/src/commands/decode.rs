//! `decode [TOKEN | -] [--verify [--jwks URL]]`: the inspector's view in the terminal (claims,
//! permissions table, expiry, warnings), computed locally by the core's `jwt::inspect`.
//!
//! The token is read from standard input by default: an argument is visible to every local
//! user through `ps`, so one given there still works but earns a one-line note when a person
//! is at the terminal. `--verify` checks the signature with the core's `jwt::verify` against
//! the profile's published keys (or `--jwks URL`), with the same per-key algorithm allow-lists
//! as the app; only the JWKS is fetched, the token never leaves this process.

use std::io::{IsTerminal, Read};

use chrono::Utc;
use drivly_core::Code;
use drivly_core::client::DrivlyClient;
use drivly_core::jwt::{
    Inspection, KeySet, MAX_TOKEN_BYTES, Severity, SignatureStatus, TimeClaim, inspect, verify,
};
use drivly_core::profile::Profile;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::cli::DecodeArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// The note printed when the token came as an argument and a person is at the terminal.
pub const ARGV_NOTE: &str = "note: a token given as an argument is visible to other users of this computer (ps); pipe it instead: drivly-keys token | drivly-keys decode";

/// The `signature` object of `--json`.
#[derive(Debug, Serialize)]
struct SignatureView {
    /// `verified`, `invalid` or `unverified`.
    status: &'static str,
    /// What was checked, or why nothing could be.
    message: String,
}

impl SignatureView {
    fn not_checked() -> Self {
        Self {
            status: "unverified",
            message: "The signature was not checked; add --verify to check it against the profile's published keys.".into(),
        }
    }

    fn of(status: &SignatureStatus, source: &str) -> Self {
        match status {
            SignatureStatus::Verified { key_id, alg } => Self {
                status: "verified",
                message: match key_id {
                    Some(kid) => format!("Verified ({alg}) with the key \"{kid}\" from {source}."),
                    None => format!("Verified ({alg}) with a key from {source}."),
                },
            },
            SignatureStatus::NotVerified { reason } => Self {
                status: "unverified",
                message: reason.clone(),
            },
            SignatureStatus::Failed { reason } => Self {
                status: "invalid",
                message: reason.clone(),
            },
        }
    }
}

/// What `--json` prints: the inspection with the signature's outcome beside it.
#[derive(Debug, Serialize)]
struct DecodeReport<'a> {
    #[serde(flatten)]
    inspection: &'a Inspection,
    signature: &'a SignatureView,
}

/// Runs `decode`.
///
/// # Errors
/// A `jwt_*` error (exit 2) when the input is not a JWT; [`CliError::Input`]; with
/// `--verify`, `signature_invalid` or `signature_unverified` (exit 8) unless verified.
pub async fn run(ctx: &Ctx, args: &DecodeArgs) -> Result<(), CliError> {
    let token = read_token(ctx, args)?;
    let inspection = inspect(&token, Utc::now()).map_err(CliError::core)?;
    let signature = if args.verify {
        check_signature(ctx, args, &token).await?
    } else {
        SignatureView::not_checked()
    };
    if ctx.out.json() {
        ctx.out.report(&DecodeReport {
            inspection: &inspection,
            signature: &signature,
        })?;
    } else {
        // The human view is the command's primary output: standard output, so it pipes.
        for line in render(ctx, &inspection, &signature) {
            ctx.out.report_line(&line)?;
        }
    }
    match (args.verify, signature.status) {
        (false, _) | (true, "verified") => Ok(()),
        (true, "invalid") => Err(CliError::Core {
            code: Code::SignatureInvalid,
            message: format!("the signature is not valid: {}", signature.message),
        }),
        (true, _) => Err(CliError::Core {
            code: Code::SignatureUnverified,
            message: format!("the signature could not be verified: {}", signature.message),
        }),
    }
}

/// The token from the argument or standard input (`-` or no argument).
fn read_token(ctx: &Ctx, args: &DecodeArgs) -> Result<Zeroizing<String>, CliError> {
    if let Some(token) = args.token.as_deref().filter(|t| *t != "-") {
        // Scripts pass tokens however they like; a person typing one should learn the risk.
        if std::io::stdin().is_terminal() {
            ctx.out.info(ARGV_NOTE);
        }
        return Ok(Zeroizing::new(token.to_owned()));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(u64::try_from(MAX_TOKEN_BYTES).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Input(e.kind().to_string()))?;
    Ok(Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Fetches the keys (the profile's JWKS, or `--jwks`) and checks `token` against them. A
/// failure to get keys is an "unverified" outcome, not an error: the report still prints.
///
/// # Errors
/// `invalid_url` (exit 2) for a malformed `--jwks`; profile lookup errors.
async fn check_signature(
    ctx: &Ctx,
    args: &DecodeArgs,
    token: &str,
) -> Result<SignatureView, CliError> {
    let (profile, source) = match &args.jwks {
        Some(url) => {
            let url = Profile::validate_base_url(url).map_err(CliError::core)?;
            // A throwaway profile whose JWKS endpoint is the given URL, so the fetch goes
            // through the same client (timeouts, redirect rules, JSON checks); the profile's
            // other endpoints are never used here.
            let mut profile = Profile::drivly();
            profile.base_url = url.clone();
            profile.endpoints.jwks = Some(url.to_string());
            (profile, url.to_string())
        }
        None => {
            let profile = ctx.profile()?;
            let source = format!("the JWKS of the profile '{}'", profile.id);
            (profile, source)
        }
    };
    let unverified = |message: String| SignatureView {
        status: "unverified",
        message,
    };
    let client = match DrivlyClient::new(&profile) {
        Ok(client) => client,
        Err(e) => return Ok(unverified(e.to_string())),
    };
    let keys = match client.fetch_jwks().await {
        Ok(Some(text)) => match KeySet::from_jwks_json(&text) {
            Ok(keys) => keys,
            Err(e) => return Ok(unverified(format!("{source} is not usable: {e}"))),
        },
        Ok(None) => {
            return Ok(unverified(format!(
                "{source} publishes no public keys, so the signature cannot be checked; pass --jwks URL"
            )));
        }
        Err(e) => return Ok(unverified(format!("could not fetch {source}: {e}"))),
    };
    Ok(SignatureView::of(
        &verify(token, &keys, Utc::now()),
        &source,
    ))
}

fn time_line(name: &str, claim: &TimeClaim) -> String {
    match claim {
        TimeClaim::Absent => format!("{name:<10} (absent)"),
        TimeClaim::Invalid { raw, reason } => format!("{name:<10} invalid: {raw} ({reason})"),
        TimeClaim::Valid { at, relative, .. } => {
            format!("{name:<10} {} ({relative})", at.to_rfc3339())
        }
    }
}

/// The human view, one line per entry.
fn render(ctx: &Ctx, i: &Inspection, signature: &SignatureView) -> Vec<String> {
    let mut lines = Vec::new();
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
    let status = match signature.status {
        "verified" => ctx.out.paint_report("verified", "32"),
        "invalid" => ctx.out.paint_report("INVALID", "31"),
        _ => "not verified".to_owned(),
    };
    lines.push(format!(
        "{:<10} {status}: {}",
        "signature", signature.message
    ));
    lines.push(format!("{:<10} {}", "alg", opt(&i.alg)));
    lines.push(format!("{:<10} {}", "issuer", opt(&i.issuer)));
    lines.push(format!("{:<10} {}", "subject", opt(&i.subject)));
    lines.push(format!("{:<10} {}", "kind", opt(&i.kind)));
    lines.push(time_line("issued", &i.issued_at));
    lines.push(time_line("not before", &i.not_before));
    lines.push(time_line("expires", &i.expires_at));
    lines.push(String::new());
    lines.push(format!(
        "{:<24} {:^5} {:^5} {:^5} {:^6}",
        "permissions", "GET", "POST", "PUT", "DELETE"
    ));
    let mark = |b: bool| if b { "✓" } else { "·" };
    for row in &i.permissions.table {
        lines.push(format!(
            "{:<24} {:^5} {:^5} {:^5} {:^6}",
            row.resource,
            mark(row.get),
            mark(row.post),
            mark(row.put),
            mark(row.delete)
        ));
    }
    if i.permissions.table.is_empty() {
        lines.push("(no permissions)".into());
    }
    for other in &i.permissions.unrecognised {
        lines.push(format!("unrecognised permission: {other}"));
    }
    if !i.warnings.is_empty() {
        lines.push(String::new());
    }
    for w in &i.warnings {
        let label = match w.severity {
            Severity::Danger => ctx.out.paint_report("danger", "31"),
            Severity::Warning => ctx.out.paint_report("warning", "33"),
            Severity::Info => "info".to_owned(),
        };
        lines.push(format!("{label}: {}", w.message));
    }
    lines.push(String::new());
    lines.push("claims:".into());
    let claims = serde_json::to_string_pretty(&i.claims).unwrap_or_default();
    lines.extend(claims.lines().map(str::to_owned));
    lines
}
