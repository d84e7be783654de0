//! DNS-rebinding defence: every route answers only requests addressed to the emulator itself.
//!
//! A web page can point its own host name at 127.0.0.1 and then read `/dashboard` (with its
//! form token) or drive the forms as "same origin". Such a request still names the page's host
//! in `Host`, so anything but `127.0.0.1:PORT` or `localhost:PORT` is refused before routing,
//! with 421 Misdirected Request: the request reached a server that does not answer for that
//! authority. 421 rather than 403 because nothing is wrong with the caller's credentials, and
//! a client that maps 403 to "permission denied" would tell the user the wrong story.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::shared::Shared;

/// Refuses a request whose `Host` (or absolute-form authority) is not ours.
pub(super) async fn require_own_host(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let port = shared.origin.port_or_known_default().unwrap_or_default();
    let header_host = req
        .headers()
        .get_all(header::HOST)
        .iter()
        .map(|v| v.to_str().ok())
        .collect::<Vec<_>>();
    let uri_host = req.uri().authority().map(|a| a.as_str());
    // Exactly one Host header (HTTP/1.1 requires it), and an absolute-form target, when
    // present, must name us too (it takes precedence over Host, RFC 9112 §3.2.2).
    let ours = match header_host.as_slice() {
        [Some(host)] => is_own_host(host, port) && uri_host.is_none_or(|h| is_own_host(h, port)),
        _ => false,
    };
    if ours {
        return next.run(req).await;
    }
    tracing::warn!("refused a request addressed to another host");
    ApiError::MisdirectedHost {
        expected: format!("127.0.0.1:{port}"),
    }
    .into_response()
}

/// `127.0.0.1:PORT` or `localhost:PORT` (any letter case); without the port only when it is 80,
/// where browsers leave it out.
fn is_own_host(value: &str, port: u16) -> bool {
    let value = value.trim().to_ascii_lowercase();
    let (name, given_port) = match value.rsplit_once(':') {
        Some((name, p)) => (name, p.parse::<u16>().ok()),
        None => (value.as_str(), Some(80)),
    };
    matches!(name, "127.0.0.1" | "localhost") && given_port == Some(port)
}

#[cfg(test)]
mod tests {
    use super::is_own_host;

    #[test]
    fn only_our_address_is_ours() {
        assert!(is_own_host("127.0.0.1:7878", 7878));
        assert!(is_own_host("localhost:7878", 7878));
        assert!(is_own_host("LocalHost:7878", 7878));
        assert!(is_own_host("127.0.0.1", 80));
        for other in [
            "127.0.0.1:7879",
            "127.0.0.1",
            "localhost",
            "evil.example:7878",
            "evil.example",
            "localhost.:7878",
            "127.0.0.1.evil.example:7878",
            "user@127.0.0.1:7878",
            "[::1]:7878",
            "0.0.0.0:7878",
            "127.0.0.1:7878:7878",
            "",
        ] {
            assert!(!is_own_host(other, 7878), "{other}");
        }
    }
}
