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

#[tokio::test]
async fn a_full_sign_in_through_the_loopback_redirect() {
    use drivly_core::client::DrivlyClient;
    use drivly_core::login::{LoginOutcome, LoginRegistry};
    use drivly_core::profile::Profile;

    let emu = drivly_emulator::Emulator::start(drivly_emulator::Config::default())
        .await
        .unwrap();
    let client = DrivlyClient::new(&Profile::emulator(emu.base_url())).unwrap();
    let registry = LoginRegistry::new(std::sync::Arc::new(drivly_core::clock::SystemClock));
    let (listener, target) = LoopbackListener::bind().await.unwrap();
    let started = registry.start(
        client.profile(),
        &["services.read".to_owned()],
        target.clone(),
    );
    let waiter = tokio::spawn(
        listener
            .expect_state(started.state.clone())
            .accept_callback(Duration::from_secs(30)),
    );

    // The "browser": the scripted login pages, then it follows the redirect to the listener.
    let (email, password) = emu.demo_user();
    let location = drivly_emulator::testing::complete_browser_login(
        &started.authorize_url,
        &email,
        &password,
        true,
    )
    .await
    .unwrap();
    let page = reqwest::get(location.clone()).await.unwrap();
    assert_eq!(page.status(), 200);

    let url = waiter.await.unwrap().unwrap();
    assert_eq!(url, location.as_str());
    let done = registry
        .complete(parse_callback(&url, &target).unwrap())
        .unwrap();
    let LoginOutcome::Code { code, verifier } = done.outcome else {
        panic!("expected a code");
    };
    let set = client
        .exchange_code(&code, &verifier, &done.redirect_uri)
        .await
        .unwrap();
    assert!(set.refresh_token.is_some());
    assert!(
        TcpStream::connect(("127.0.0.1", target_port(&target)))
            .await
            .is_err()
    );
}

fn target_port(target: &RedirectTarget) -> u16 {
    match target {
        RedirectTarget::Loopback { port } => *port,
        RedirectTarget::PrivateUse { .. } => 0,
    }
}

/// Holds `count` idle connections, then sends the real callback: it must be answered while
/// they are all still open (before any head timeout could have freed a place).
async fn callback_with_idle_connections(count: usize) {
    let (listener, _) = LoopbackListener::bind().await.unwrap();
    let port = listener.port();
    let waiter = tokio::spawn(
        listener
            .expect_state("st")
            .accept_callback(Duration::from_secs(60)),
    );
    let mut idle = Vec::new();
    for _ in 0..count {
        idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    }
    let response = raw(
        port,
        &format!("GET /callback?code=c&state=st HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    )
    .await;
    assert_eq!(status(&response), "200", "{response:?}");
    let url = tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(url.ends_with("/callback?code=c&state=st"));
    drop(idle);
}

#[tokio::test]
async fn twenty_idle_connections_do_not_block_the_callback() {
    callback_with_idle_connections(20).await;
}

#[tokio::test]
async fn more_idle_connections_than_the_bound_only_evict_each_other() {
    callback_with_idle_connections(150).await;
}
