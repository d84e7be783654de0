//! The one-shot loopback redirect listener (RFC 8252 §7.3 and §8.3), for when the private-use
//! scheme cannot be registered or the user prefers it.
//!
//! Invariants: it listens on `127.0.0.1` only, on an ephemeral port, and only while a sign-in
//! waits; it answers exactly one valid callback (`GET /callback` with a `state`, and the
//! expected state when one was given, and a `Host` of exactly `127.0.0.1:<port>` against DNS
//! rebinding), then closes the port. Anything else gets a static 400 or 404 that echoes
//! nothing, and the listener keeps waiting. Request heads are bounded (8 KiB, 5 s per
//! connection), and connections are served concurrently so an idle browser pre-connection
//! cannot hold up the real request. The number served at once is bounded, but reaching the
//! bound evicts the oldest connection rather than refusing the new one, so idle sockets held
//! by another local process can never keep the browser out. Plain tokio: no web framework in
//! the core.

use crate::Code;
use std::collections::VecDeque;
use std::time::Duration;

use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};
use tracing::{debug, warn};

use super::redirect::{LOOPBACK_CALLBACK_PATH, RedirectTarget};
use crate::ErrorCode;

/// Largest request head read.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once (a bound on open sockets). One more evicts the oldest: a real
/// browser sends its request within milliseconds of connecting, so the newest connection is
/// the one worth keeping, and a process holding idle sockets only ever pushes its own out.
const MAX_CONNECTIONS: usize = 64;
/// Pause after a transient accept failure (out of descriptors, an aborted handshake).
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

const DONE_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Drivly Keys</title></head><body style=\"font-family:sans-serif;margin:3em\">\
<h1>Sign-in received</h1><p>You can close this tab and return to Drivly Keys.</p></body></html>";

/// Why the loopback listener stopped without a callback.
#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    /// No port could be opened on 127.0.0.1.
    #[error(
        "could not open a local port for the sign-in ({0}); use the app's link sign-in instead"
    )]
    Bind(std::io::Error),
    /// Accepting connections failed.
    #[error("the local sign-in listener failed ({0}); start the sign-in again")]
    Accept(std::io::Error),
    /// No valid callback arrived in time.
    #[error("the browser did not come back in time; start the sign-in again")]
    TimedOut,
}

impl ErrorCode for LoopbackError {
    fn code(&self) -> Code {
        match self {
            Self::Bind(_) => Code::LoopbackBindFailed,
            Self::Accept(_) => Code::LoopbackAcceptFailed,
            Self::TimedOut => Code::LoopbackTimedOut,
        }
    }
}

/// A listener waiting for one sign-in callback.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
    expected_state: Option<String>,
}

impl LoopbackListener {
    /// Opens `127.0.0.1:0` and returns the listener with its redirect target
    /// (`http://127.0.0.1:<port>/callback`).
    ///
    /// # Errors
    /// [`LoopbackError::Bind`] when no port can be opened.
    pub async fn bind() -> Result<(Self, RedirectTarget), LoopbackError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(LoopbackError::Bind)?;
        let port = listener.local_addr().map_err(LoopbackError::Bind)?.port();
        let target = RedirectTarget::loopback(port);
        Ok((
            Self {
                listener,
                port,
                expected_state: None,
            },
            target,
        ))
    }

    /// Accepts only a callback carrying this `state`, so a stray request with another state
    /// cannot end the wait before the browser returns.
    pub fn expect_state(mut self, state: impl Into<String>) -> Self {
        self.expected_state = Some(state.into());
        self
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits up to `timeout` for the callback and returns its full URL
    /// (`http://127.0.0.1:<port>/callback?…`), for [`super::parse_callback`]. The port is
    /// closed when this returns, whatever the outcome.
    ///
    /// # Errors
    /// [`LoopbackError::TimedOut`] when no valid callback came; [`LoopbackError::Accept`] on
    /// a socket failure.
    pub async fn accept_callback(self, timeout: Duration) -> Result<String, LoopbackError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let expected = Expected {
            host: format!("127.0.0.1:{}", self.port),
            state: self.expected_state,
        };
        let mut tasks: JoinSet<Option<String>> = JoinSet::new();
        // Oldest first, for eviction; finished ones are dropped at each accept.
        let mut live: VecDeque<AbortHandle> = VecDeque::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    let stream = match accepted {
                        Ok((stream, _)) => stream,
                        Err(e) if is_transient(&e) => {
                            // Another process flooding us must not end the sign-in.
                            warn!(error = %e, "loopback sign-in listener: accept failed, retrying");
                            tokio::time::sleep(ACCEPT_RETRY).await;
                            continue;
                        }
                        Err(e) => return Err(LoopbackError::Accept(e)),
                    };
                    live.retain(|task| !task.is_finished());
                    if live.len() >= MAX_CONNECTIONS
                        && let Some(oldest) = live.pop_front()
                    {
                        oldest.abort();
                    }
                    let expected = expected.clone();
                    live.push_back(tasks.spawn(async move { serve(stream, &expected).await }));
                }
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Ok(Some(target)) = done {
                        return Ok(format!("http://{}{target}", expected.host));
                    }
                }
                () = tokio::time::sleep_until(deadline) => return Err(LoopbackError::TimedOut),
            }
        }
    }
}

/// Accept failures that say nothing about the listener itself: descriptors or memory
/// exhausted for a moment, or a peer that gave up during the handshake.
fn is_transient(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    // errno values shared by Linux and macOS.
    const EMFILE: i32 = 24;
    const ENFILE: i32 = 23;
    const ENOMEM: i32 = 12;
    matches!(
        error.kind(),
        ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
            | ErrorKind::OutOfMemory
    ) || (cfg!(unix)
        && error
            .raw_os_error()
            .is_some_and(|code| matches!(code, EMFILE | ENFILE | ENOMEM)))
}

#[derive(Debug, Clone)]
struct Expected {
    host: String,
    state: Option<String>,
}

/// Serves one connection; returns the request target when it was the valid callback.
async fn serve(mut stream: TcpStream, expected: &Expected) -> Option<String> {
    let head = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        Ok(None) => {
            respond(&mut stream, 400, "Bad Request", "Bad request.").await;
            return None;
        }
        Err(_) => return None,
    };
    match check(&head, expected) {
        Ok(target) => {
            respond(&mut stream, 200, "OK", DONE_PAGE).await;
            Some(target)
        }
        Err((status, reason)) => {
            warn!(status, "loopback sign-in listener refused a request");
            let body = if status == 404 {
                "Not found."
            } else {
                "Bad request."
            };
            respond(&mut stream, status, reason, body).await;
            None
        }
    }
}

/// Reads up to the end of the request head; `None` when it is too long or not UTF-8.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            if end > MAX_HEAD {
                return None;
            }
            buf.truncate(end);
            return String::from_utf8(buf).ok();
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

/// Validates a request head; the target on success, or the status to answer.
fn check(head: &str, expected: &Expected) -> Result<String, (u16, &'static str)> {
    const BAD: (u16, &str) = (400, "Bad Request");
    let mut lines = head.split("\r\n");
    let request_line = lines.next().ok_or(BAD)?;
    let mut parts = request_line.split(' ');
    let (method, target, version) = (
        parts.next().ok_or(BAD)?,
        parts.next().ok_or(BAD)?,
        parts.next().ok_or(BAD)?,
    );
    if parts.next().is_some() || !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(BAD);
    }
    let mut hosts = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim());
    let host = hosts.next().ok_or(BAD)?;
    if hosts.next().is_some() || host != expected.host {
        return Err(BAD);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != LOOPBACK_CALLBACK_PATH {
        return Err((404, "Not Found"));
    }
    if method != "GET" {
        return Err(BAD);
    }
    let state = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "state")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or(BAD)?;
    if let Some(want) = &expected.state
        && !bool::from(want.as_bytes().ct_eq(state.as_bytes()))
    {
        return Err(BAD);
    }
    debug!("loopback sign-in listener received the callback");
    Ok(target.to_owned())
}

async fn respond(stream: &mut TcpStream, status: u16, reason: &str, body: &str) {
    let content_type = if status == 200 {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
Connection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already have gone; nothing useful to do about a failed write.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> Expected {
        Expected {
            host: "127.0.0.1:4000".into(),
            state: Some("abc".into()),
        }
    }

    #[test]
    fn request_heads_are_checked() {
        let ok = "GET /callback?code=x&state=abc HTTP/1.1\r\nHost: 127.0.0.1:4000";
        assert_eq!(
            check(ok, &expected()),
            Ok("/callback?code=x&state=abc".into())
        );
        let cases: &[(&str, u16)] = &[
            (
                "GET /callback?state=abc HTTP/1.1\r\nHost: localhost:4000",
                400,
            ),
            (
                "GET /callback?state=abc HTTP/1.1\r\nHost: evil.example",
                400,
            ),
            ("GET /callback?state=abc HTTP/1.1", 400),
            (
                "GET /callback?state=abc HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nHost: 127.0.0.1:4000",
                400,
            ),
            ("GET /other?state=abc HTTP/1.1\r\nHost: 127.0.0.1:4000", 404),
            (
                "GET /callback/x?state=abc HTTP/1.1\r\nHost: 127.0.0.1:4000",
                404,
            ),
            (
                "POST /callback?state=abc HTTP/1.1\r\nHost: 127.0.0.1:4000",
                400,
            ),
            ("GET /callback?code=x HTTP/1.1\r\nHost: 127.0.0.1:4000", 400),
            ("GET /callback?state= HTTP/1.1\r\nHost: 127.0.0.1:4000", 400),
            (
                "GET /callback?state=abd HTTP/1.1\r\nHost: 127.0.0.1:4000",
                400,
            ),
            (
                "GET /callback?state=abc HTTP/2\r\nHost: 127.0.0.1:4000",
                400,
            ),
            (
                "GET  /callback?state=abc HTTP/1.1\r\nHost: 127.0.0.1:4000",
                400,
            ),
            ("", 400),
        ];
        for (head, status) in cases {
            assert_eq!(
                check(head, &expected()).map_err(|e| e.0),
                Err(*status),
                "{head}"
            );
        }
    }
}
