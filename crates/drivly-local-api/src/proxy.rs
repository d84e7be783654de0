//! The local API proxy: `http://127.0.0.1:PORT<base path>` → the profile's base URL, with a
//! fresh `Authorization: Bearer <JWT>` on every request.
//!
//! Invariants:
//! - it forwards only to the profile's origin, and only under the profile's base path: the
//!   target URL is built from the upstream origin and the request's path, re-parsed (so `..`
//!   segments are resolved), and checked to still be under the base path before anything is
//!   sent; absolute-form targets naming another host are refused by the request guard (421);
//! - the incoming `Authorization` and `Cookie` never go upstream (see `proxy_headers`);
//! - bodies stream both ways (never buffered), redirects are passed back rather than followed,
//!   and a system proxy is never used for a loopback upstream;
//! - one [`RequestLine`] per request: method, path, status, time; no header or query value.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use futures::TryStreamExt;
use url::Url;

use crate::access_log::{AccessLog, RequestLine};
use crate::error::LocalApiError;
use crate::listener::LocalServer;
use crate::proxy_headers::{downstream_response_headers, upstream_request_headers};
use crate::request_guard;
use crate::token_endpoint::error;
use crate::token_source::TokenSource;

/// What to proxy.
#[derive(Clone)]
pub struct ProxyConfig {
    /// The profile's base URL, for example `https://commerce.driv.ly/api`.
    pub upstream: Url,
    /// Where the tokens come from.
    pub source: Arc<dyn TokenSource>,
    /// The port to listen on (0 = any free port).
    pub port: u16,
    /// Where the request lines go.
    pub log: AccessLog,
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("upstream", &self.upstream.as_str())
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// A running proxy.
#[derive(Debug)]
pub struct RunningProxy {
    /// The server (stop it with [`LocalServer::shutdown`]).
    pub server: LocalServer,
    /// Its base URL: `http://127.0.0.1:PORT` and the profile's base path.
    pub url: Url,
}

struct Proxy {
    origin: Url,
    base_path: String,
    source: Arc<dyn TokenSource>,
    client: reqwest::Client,
    log: AccessLog,
    port: u16,
}

/// Starts a proxy for `config.upstream` on 127.0.0.1.
///
/// # Errors
/// [`LocalApiError::Upstream`] for a base URL without a host, [`LocalApiError::Client`],
/// [`LocalApiError::Bind`].
pub async fn serve_proxy(config: ProxyConfig) -> Result<RunningProxy, LocalApiError> {
    let upstream = config.upstream;
    let host = upstream
        .host_str()
        .ok_or_else(|| LocalApiError::Upstream("it has no host".to_owned()))?
        .to_owned();
    let mut origin = upstream.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    let base_path = upstream.path().trim_end_matches('/').to_owned();
    let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("drivly-keys-proxy/", env!("CARGO_PKG_VERSION")));
    if loopback {
        // A system proxy would otherwise see loopback traffic, the JWT included.
        builder = builder.no_proxy();
    }
    let client = builder
        .build()
        .map_err(|e| LocalApiError::Client(e.to_string()))?;
    let source = config.source;
    let log = config.log;
    let path_for_url = base_path.clone();
    let server = LocalServer::start(config.port, move |port| {
        let proxy = Arc::new(Proxy {
            origin,
            base_path,
            source,
            client,
            log,
            port,
        });
        Router::new().fallback(forward).with_state(proxy)
    })
    .await?;
    let url = Url::parse(&format!(
        "http://127.0.0.1:{}{}",
        server.addr().port(),
        path_for_url
    ))
    .map_err(|e| LocalApiError::Upstream(e.to_string()))?;
    Ok(RunningProxy { server, url })
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let had_query = request.uri().query().is_some();
    let response = match relay(&proxy, request).await {
        Ok(response) | Err(response) => response,
    };
    (proxy.log)(&RequestLine {
        method,
        path,
        had_query,
        status: response.status().as_u16(),
        elapsed: started.elapsed(),
    });
    response
}

async fn relay(proxy: &Proxy, request: Request) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    request_guard::check(&parts, proxy.port)
        .map_err(|r| error(r.status(), r.code(), &r.message(proxy.port)))?;
    if parts.method == Method::CONNECT {
        return Err(error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_method",
            "CONNECT is not proxied",
        ));
    }
    let target = target_url(proxy, parts.uri.path(), parts.uri.query()).ok_or_else(|| {
        error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("this proxy only serves paths under {}/", proxy.base_path),
        )
    })?;
    let fresh = proxy.source.fresh(None).await.map_err(|e| {
        let status = if e.needs_credentials() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_GATEWAY
        };
        error(status, e.code.as_str(), &e.message)
    })?;
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes())
        .map_err(|_| error(StatusCode::BAD_REQUEST, "invalid_method", "unknown method"))?;
    let upstream = proxy
        .client
        .request(method, target)
        .headers(upstream_request_headers(&parts.headers))
        .bearer_auth(fresh.jwt.expose_secret())
        .body(reqwest::Body::wrap_stream(body.into_data_stream()))
        .send()
        .await
        .map_err(|e| {
            tracing::info!(
                timeout = e.is_timeout(),
                connect = e.is_connect(),
                "upstream request failed"
            );
            error(
                StatusCode::BAD_GATEWAY,
                "network_error",
                "the Drivly API could not be reached",
            )
        })?;
    let status = upstream.status();
    let headers = downstream_response_headers(upstream.headers());
    let stream = upstream.bytes_stream().map_err(std::io::Error::other);
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() =
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    Ok(response)
}

/// The upstream URL for a request path, or `None` when it would leave the base path.
fn target_url(proxy: &Proxy, path: &str, query: Option<&str>) -> Option<Url> {
    // `set_path` re-parses the path, resolving `.`/`..` (also percent-encoded), so the check
    // below sees the path that would really be requested; it can never change the host.
    let mut url = proxy.origin.clone();
    url.set_path(path);
    url.set_query(query);
    url.set_fragment(None);
    let under_base = proxy.base_path.is_empty()
        || url.path() == proxy.base_path
        || url
            .path()
            .strip_prefix(proxy.base_path.as_str())
            .is_some_and(|rest| rest.starts_with('/'));
    let same_origin = url.origin() == proxy.origin.origin();
    (under_base && same_origin).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token_source::SourceFuture;

    #[derive(Debug)]
    struct NoTokens;
    impl TokenSource for NoTokens {
        fn fresh(&self, _: Option<Duration>) -> SourceFuture<'_> {
            Box::pin(async { unreachable!() })
        }
    }

    fn proxy(base: &str) -> Proxy {
        let upstream = Url::parse(base).unwrap();
        let mut origin = upstream.clone();
        origin.set_path("/");
        Proxy {
            origin,
            base_path: upstream.path().trim_end_matches('/').to_owned(),
            source: Arc::new(NoTokens),
            client: reqwest::Client::new(),
            log: Arc::new(|_| {}),
            port: 1,
        }
    }

    #[test]
    fn targets_stay_under_the_base_path_of_the_upstream_origin() {
        let p = proxy("https://api.example/api");
        let t = |path: &str| target_url(&p, path, Some("a=1")).map(|u| u.to_string());
        assert_eq!(
            t("/api/invoices").as_deref(),
            Some("https://api.example/api/invoices?a=1")
        );
        assert_eq!(t("/api").as_deref(), Some("https://api.example/api?a=1"));
        assert_eq!(t("/apix/invoices"), None);
        assert_eq!(t("/api/../dashboard"), None);
        assert_eq!(t("/api/%2e%2e/dashboard"), None);
        assert_eq!(t("/dashboard"), None);
        assert!(t("//evil.example/api/x").is_none_or(|u| u.starts_with("https://api.example/")));
        assert!(t("/\\\\evil.example/api").is_none_or(|u| u.starts_with("https://api.example/")));
    }
}
