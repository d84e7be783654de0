//! DNS rebinding: every route refuses a `Host` other than the emulator's own address, over
//! real HTTP with hand-written request heads (an HTTP client would always send the right one).

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

/// Sends `head` (request line and headers, without the final blank line) and returns the
/// status code and the whole answer.
async fn raw(emu: &drivly_emulator::Emulator, head: &str) -> (u16, String) {
    let addr = format!(
        "{}:{}",
        emu.origin().host_str().unwrap(),
        emu.origin().port().unwrap()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("{head}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn every_route_refuses_a_foreign_host() {
    let emu = start().await;
    let port = emu.origin().port().unwrap();
    let routes = [
        "GET /dashboard",
        "GET /",
        "GET /api/auth?response_type=code",
        "POST /api/auth",
        "POST /api/auth/token",
        "POST /api/auth/refresh",
        "GET /api/.well-known/jwks.json",
        "GET /api/invoices",
        "POST /__emulator/reset",
        "GET /no/such/route",
    ];
    for route in routes {
        for host in [
            format!("rebind.example:{port}"),
            "rebind.example".to_owned(),
            format!("127.0.0.1:{}", port.wrapping_add(1)),
            format!("[::1]:{port}"),
        ] {
            let (status, answer) = raw(&emu, &format!("{route} HTTP/1.1\r\nHost: {host}")).await;
            assert_eq!(status, 421, "{route} with Host {host}: {answer}");
            assert!(answer.contains("misdirected_host"), "{answer}");
        }
        // No Host at all, two of them, or an absolute-form target naming another host.
        for head in [
            format!("{route} HTTP/1.0"),
            format!("{route} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: rebind.example:{port}"),
        ] {
            assert_eq!(raw(&emu, &head).await.0, 421, "{head}");
        }
        let (method, path) = route.split_once(' ').unwrap();
        let absolute = format!(
            "{method} http://rebind.example:{port}{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}"
        );
        assert_eq!(raw(&emu, &absolute).await.0, 421, "{absolute}");
    }
    // The refusals reached no handler: nothing was logged.
    assert!(emu.request_log().is_empty(), "{:?}", emu.request_log());
}

#[tokio::test]
async fn the_dashboard_and_its_form_token_stay_unreadable_to_a_rebinding_page() {
    let emu = start().await;
    let port = emu.origin().port().unwrap();
    let (ours, page) = raw(
        &emu,
        &format!("GET /dashboard HTTP/1.1\r\nHost: 127.0.0.1:{port}"),
    )
    .await;
    assert_eq!(ours, 200);
    let (status, answer) = raw(
        &emu,
        &format!("GET /dashboard HTTP/1.1\r\nHost: attacker.example:{port}"),
    )
    .await;
    assert_eq!(status, 421);
    // Whatever the page shows (the form token among it) is not in the refusal.
    let body = page.split("\r\n\r\n").nth(1).unwrap_or_default();
    assert!(body.len() > 100);
    assert!(!answer.contains(body));
    for line in body.lines().filter(|l| l.contains("csrf")) {
        assert!(!answer.contains(line.trim()), "{line}");
    }
}

#[tokio::test]
async fn its_own_names_are_served() {
    let emu = start().await;
    let port = emu.origin().port().unwrap();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
    ] {
        let (status, answer) = raw(&emu, &format!("GET /dashboard HTTP/1.1\r\nHost: {host}")).await;
        assert_eq!(status, 200, "{host}: {answer}");
        let (status, _) = raw(
            &emu,
            &format!("GET /api/.well-known/jwks.json HTTP/1.1\r\nHost: {host}"),
        )
        .await;
        assert_eq!(status, 200, "{host}");
    }
    // And the ordinary client, which names 127.0.0.1:PORT.
    let jwks = client()
        .get(url(&emu, "/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(jwks.status(), 200);
}
