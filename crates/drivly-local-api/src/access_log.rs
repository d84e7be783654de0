//! The one line per request a local server reports.
//!
//! It holds the method, the path, the status and the time taken, and nothing else: no header
//! value (an `Authorization` would be a secret) and no query string (`?api_key=…` exists in the
//! wild); a query is shown as `?…`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One request, as logged.
#[derive(Debug, Clone)]
pub struct RequestLine {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Whether a query string was present (its text is never kept).
    pub had_query: bool,
    /// The status answered.
    pub status: u16,
    /// From the request's arrival to the answer's head.
    pub elapsed: Duration,
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query = if self.had_query { "?…" } else { "" };
        write!(
            f,
            "{} {}{query} {} {} ms",
            self.method,
            self.path,
            self.status,
            self.elapsed.as_millis()
        )
    }
}

/// Where request lines go (the CLI prints them on standard error; the app logs them).
pub type AccessLog = Arc<dyn Fn(&RequestLine) + Send + Sync>;
