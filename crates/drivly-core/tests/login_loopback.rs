//! The loopback listener over real sockets: crafted foreign requests are refused without echo
//! and the wait goes on; the valid callback is answered and returned; the port then closes.

use std::time::Duration;

use drivly_core::login::{LoopbackError, LoopbackListener, RedirectTarget, parse_callback};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends raw bytes and reads the whole response (the listener closes each connection).
async fn raw(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn status(response: &str) -> &str {
    response.split(' ').nth(1).unwrap_or("")
}

#[tokio::test]
async fn foreign_requests_are_refused_then_the_callback_is_taken_and_the_port_closes() {
    let (listener, target) = LoopbackListener::bind().await.unwrap();
    let port = listener.port();
    assert_eq!(target, RedirectTarget::loopback(port));
    let listener = listener.expect_state("good-state");
    let waiter = tokio::spawn(listener.accept_callback(Duration::from_secs(30)));
    let host = format!("127.0.0.1:{port}");

    // An idle connection (a browser pre-connect) must not block the others.
    let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();

    let foreign = [
        (
            format!(
                "GET /callback?code=c&state=good-state HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"
            ),
            "400",
        ),
        (
            format!(
                "GET /callback?code=c&state=good-state HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
            ),
            "400",
        ),
        (
            "GET /callback?code=c&state=good-state HTTP/1.1\r\n\r\n".to_owned(),
            "400",
        ),
        (
            format!("GET /admin?code=ECHOME&state=good-state HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            "404",
        ),
        (
            format!("GET /callback?code=ECHOME HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            "400",
        ),
        (
            format!("GET /callback?code=c&state=other HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            "400",
        ),
        (
            format!("POST /callback?code=c&state=good-state HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            "400",
        ),
        (
            format!(
                "GET /callback?state=good-state&x={} HTTP/1.1\r\nHost: {host}\r\n\r\n",
                "A".repeat(9000)
            ),
            "400",
        ),
        ("garbage\r\n\r\n".to_owned(), "400"),
    ];
    for (request, want) in &foreign {
        let response = raw(port, request).await;
        assert_eq!(status(&response), *want, "{:.80}", request);
        assert!(
            !response.contains("ECHOME") && !response.contains("good-state"),
            "{response}"
        );
    }
    assert!(!waiter.is_finished());

    let response = raw(
        port,
        &format!("GET /callback?code=real&state=good-state HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test\r\n\r\n"),
    )
    .await;
    assert_eq!(status(&response), "200");
    assert!(response.contains("return to Drivly Keys"));
    assert!(!response.contains("real"));

    let url = waiter.await.unwrap().unwrap();
    assert_eq!(
        url,
        format!("http://{host}/callback?code=real&state=good-state")
    );
    assert!(parse_callback(&url, &target).is_ok());

    // One-shot: the port is closed now.
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[tokio::test]
async fn without_an_expected_state_any_state_is_taken() {
    let (listener, _) = LoopbackListener::bind().await.unwrap();
    let port = listener.port();
    let waiter = tokio::spawn(listener.accept_callback(Duration::from_secs(30)));
    let response = raw(
        port,
        &format!(
            "GET /callback?error=access_denied&state=s1 HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status(&response), "200");
    let url = waiter.await.unwrap().unwrap();
    assert!(url.ends_with("/callback?error=access_denied&state=s1"));
}

#[tokio::test]
async fn it_times_out_and_closes() {
    let (listener, _) = LoopbackListener::bind().await.unwrap();
    let port = listener.port();
    let result = listener.accept_callback(Duration::from_millis(200)).await;
    assert!(matches!(result, Err(LoopbackError::TimedOut)));
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}
