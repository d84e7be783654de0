//! What the double saw, as JSON lines on standard output (the test reads them).

use std::io::Write;

/// Prints `value` as one line and flushes, so a reader sees it at once.
pub fn event(value: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}
