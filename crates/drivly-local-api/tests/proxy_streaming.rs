//! The proxy against a scripted upstream (the emulator answers in one piece): a response
//! streams through chunk by chunk while the upstream is still writing, a large request body
//! arrives intact, and the upstream sees the source's token, never the caller's.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use chrono::Utc;
use drivly_core::secret::Jwt;
use drivly_local_api::{FreshJwt, ProxyConfig, SourceError, TokenSource, serve_proxy};
use tokio::sync::{Notify, mpsc};

#[derive(Debug, Default)]
struct FixedToken {
    asked: AtomicUsize,
}

impl TokenSource for FixedToken {
    fn fresh(
        &self,
        _: Option<Duration>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<FreshJwt, SourceError>> + Send + '_>> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Ok(FreshJwt {
                jwt: Jwt::new("header.payload.signature"),
                expires: Utc::now() + chrono::TimeDelta::minutes(10),
            })
        })
    }
}

async fn upstream(release: Arc<Notify>) -> u16 {
    let app = Router::new()
        .route(
            "/api/stream",
            get(move || {
                let release = Arc::clone(&release);
                async move {
                    let (tx, rx) = mpsc::channel::<Bytes>(4);
                    tokio::spawn(async move {
                        tx.send(Bytes::from_static(b"first\n")).await.unwrap();
                        release.notified().await;
                        tx.send(Bytes::from_static(b"second\n")).await.unwrap();
                    });
                    let stream = futures::stream::unfold(rx, |mut rx| async move {
                        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
                    });
                    Body::from_stream(stream)
                }
            }),
        )
        .route(
            "/api/echo",
            post(|headers: HeaderMap, body: Bytes| async move {
                let auth = headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let cookie = headers.contains_key("cookie").to_string();
                ([("x-seen-auth", auth), ("x-seen-cookie", cookie)], body)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

#[tokio::test]
async fn bodies_stream_both_ways_with_the_sources_token() {
    let release = Arc::new(Notify::new());
    let up = upstream(Arc::clone(&release)).await;
    let source = Arc::new(FixedToken::default());
    let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log_lines = Arc::clone(&lines);
    let proxy = serve_proxy(ProxyConfig {
        upstream: url::Url::parse(&format!("http://127.0.0.1:{up}/api")).unwrap(),
        source: source.clone(),
        port: 0,
        log: Arc::new(move |line| log_lines.lock().unwrap().push(line.to_string())),
    })
    .await
    .unwrap();
    let base = proxy.url.as_str().trim_end_matches('/').to_owned();
    let client = reqwest::Client::new();

    // The first chunk arrives while the upstream is still holding the second back.
    let mut answer = client.get(format!("{base}/stream")).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let first = tokio::time::timeout(Duration::from_secs(10), answer.chunk())
        .await
        .expect("the first chunk came through before the upstream finished")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"first\n");
    release.notify_one();
    let mut rest = Vec::new();
    while let Some(chunk) = answer.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(rest, b"second\n");

    // A 2 MiB body goes up and comes back byte for byte; the caller's Authorization and Cookie
    // stay behind, the source's token goes up.
    let body: Vec<u8> = (0..2 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let echo = client
        .post(format!("{base}/echo?secret=QUERYVALUE"))
        .header("authorization", "Bearer the-callers-own")
        .header("cookie", "session=abc")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(echo.status(), 200);
    assert_eq!(
        echo.headers()["x-seen-auth"],
        "Bearer header.payload.signature"
    );
    assert_eq!(echo.headers()["x-seen-cookie"], "false");
    assert_eq!(echo.bytes().await.unwrap().to_vec(), body);

    assert_eq!(
        source.asked.load(Ordering::SeqCst),
        2,
        "one ask per request"
    );
    let log = lines.lock().unwrap().join("\n");
    assert!(log.contains("GET /api/stream 200"), "{log}");
    assert!(log.contains("POST /api/echo?… 200"), "{log}");
    for secret in ["QUERYVALUE", "the-callers-own", "header.payload", "abc"] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
    proxy.server.shutdown().await;
}
