//! `decode [TOKEN | -]`: the inspector's view in the terminal (claims, permissions table,
//! expiry, warnings), computed locally by the core's `jwt::inspect`. Nothing is sent anywhere.

use std::io::Read;

use chrono::Utc;
use drivly_core::jwt::{Inspection, MAX_TOKEN_BYTES, Severity, TimeClaim, inspect};
use zeroize::Zeroizing;

use crate::cli::DecodeArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `decode`.
///
/// # Errors
/// A `jwt_*` error (exit 2) when the input is not a JWT; [`CliError::Input`].
pub fn run(ctx: &Ctx, args: &DecodeArgs) -> Result<(), CliError> {
    let token = match args.token.as_deref() {
        Some(t) if t != "-" => Zeroizing::new(t.to_owned()),
        _ => {
            let mut bytes = Zeroizing::new(Vec::new());
            std::io::stdin()
                .lock()
                .take(u64::try_from(MAX_TOKEN_BYTES).unwrap_or(u64::MAX) + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::Input(e.kind().to_string()))?;
            Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let inspection = inspect(&token, Utc::now()).map_err(CliError::core)?;
    if ctx.out.json() {
        return ctx.out.report(&inspection);
    }
    // The human view is a report for people: standard error, like every other message.
    for line in render(ctx, &inspection) {
        ctx.out.info(&line);
    }
    Ok(())
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
fn render(ctx: &Ctx, i: &Inspection) -> Vec<String> {
    let mut lines = Vec::new();
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
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
            Severity::Danger => ctx.out.paint("danger", "31"),
            Severity::Warning => ctx.out.paint("warning", "33"),
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
