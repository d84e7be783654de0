//! Test controls: the knobs tests turn to put the emulator into a fault mode.
//!
//! The same controls are reachable from Rust (methods on [`crate::Emulator`]) and over HTTP
//! under `/__emulator/`. They live apart from the account state so that [`crate::Emulator::reset`]
//! can restore both, and so a fault check never needs the state lock.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which requests a fault injected with [`crate::Emulator::fail_next`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /api/auth` (minting with an API key).
    Mint,
    /// `POST /api/auth/token` (code exchange).
    Token,
    /// `POST /api/auth/refresh`.
    Refresh,
    /// `POST /api/auth/revoke`.
    Revoke,
    /// `GET /api/.well-known/jwks.json`.
    Jwks,
    /// The resource endpoints (`/api/invoices...`, `/api/services...`).
    Resources,
    /// Any request under `/api` (the browser pages under `/api/auth` included).
    Any,
}

impl Endpoint {
    /// Classifies a request; `None` for requests outside `/api`.
    pub(crate) fn classify(method: &http::Method, path: &str) -> Option<Self> {
        let rest = path.strip_prefix("/api")?;
        let post = method == http::Method::POST;
        Some(match rest {
            "/auth" if post => Self::Mint,
            "/auth/token" | "/oauth/token" if post => Self::Token,
            "/auth/refresh" | "/oauth/refresh" if post => Self::Refresh,
            "/auth/revoke" | "/oauth/revoke" if post => Self::Revoke,
            "/.well-known/jwks.json" => Self::Jwks,
            r if crate::resources::RESOURCES.iter().any(|name| {
                r.strip_prefix('/')
                    .is_some_and(|p| p.split('/').next() == Some(name))
            }) =>
            {
                Self::Resources
            }
            _ => Self::Any,
        })
    }

    /// True when a fault registered for `self` applies to a request classified as `actual`.
    pub(crate) fn covers(self, actual: Self) -> bool {
        self == Self::Any || self == actual
    }
}

/// One request as the emulator saw it. Holds no query string, header or body, so never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// HTTP method, for example `POST`.
    pub method: String,
    /// Path without the query string, for example `/api/auth/refresh`.
    pub path: String,
    /// Status answered; `0` when the connection was dropped before an answer (see
    /// [`crate::Emulator::drop_connection_after_next_rotation`]).
    pub status: u16,
    /// When the request arrived, on the emulator's (possibly skewed) clock.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A pending injected failure.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub endpoint: Endpoint,
    pub remaining: u32,
    pub status: u16,
    pub retry_after: Option<u64>,
}

/// The current values of every test control.
#[derive(Debug, Clone)]
pub(crate) struct Controls {
    pub jwt_lifetime: Duration,
    pub rotation: bool,
    pub latency: Duration,
    pub faults: Vec<Fault>,
    pub refresh_invalid_grant: bool,
    pub drop_after_rotation: bool,
    pub skew: chrono::Duration,
}

impl Controls {
    /// The controls as a [`crate::Config`] sets them at start.
    pub fn from_config(config: &crate::Config) -> Self {
        Self {
            jwt_lifetime: config.jwt_lifetime,
            rotation: config.rotation,
            latency: Duration::ZERO,
            faults: Vec::new(),
            refresh_invalid_grant: false,
            drop_after_rotation: false,
            skew: chrono::Duration::seconds(config.clock_offset_secs),
        }
    }

    /// Takes one injected failure for a request of kind `actual`, if one is pending.
    pub fn take_fault(&mut self, actual: Endpoint) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|f| f.remaining > 0 && f.endpoint.covers(actual))?;
        let fault = &mut self.faults[index];
        fault.remaining -= 1;
        let taken = fault.clone();
        if fault.remaining == 0 {
            self.faults.remove(index);
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn classifies_paths() {
        let c = |m: &Method, p: &str| Endpoint::classify(m, p);
        assert_eq!(c(&Method::POST, "/api/auth"), Some(Endpoint::Mint));
        assert_eq!(c(&Method::GET, "/api/auth"), Some(Endpoint::Any));
        assert_eq!(
            c(&Method::POST, "/api/auth/refresh"),
            Some(Endpoint::Refresh)
        );
        assert_eq!(
            c(&Method::GET, "/api/invoices/inv_1"),
            Some(Endpoint::Resources)
        );
        assert_eq!(c(&Method::GET, "/api/invoicesx"), Some(Endpoint::Any));
        assert_eq!(c(&Method::GET, "/dashboard"), None);
    }

    #[test]
    fn faults_count_down() {
        let mut controls = Controls::from_config(&crate::Config::default());
        controls.faults.push(Fault {
            endpoint: Endpoint::Refresh,
            remaining: 2,
            status: 503,
            retry_after: Some(1),
        });
        assert!(controls.take_fault(Endpoint::Mint).is_none());
        assert!(controls.take_fault(Endpoint::Refresh).is_some());
        assert!(controls.take_fault(Endpoint::Refresh).is_some());
        assert!(controls.take_fault(Endpoint::Refresh).is_none());
    }
}
