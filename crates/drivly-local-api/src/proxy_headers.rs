//! Which headers cross the proxy.
//!
//! Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and never cross. On the way up
//! the proxy also drops `Host` (the client sets the upstream's), `Authorization` (replaced by the
//! session's JWT), `Proxy-Authorization`, and `Cookie` (a browser sends 127.0.0.1's cookies to
//! every port of this machine; they are not the API's).

use axum::http::{HeaderMap, HeaderName, header};

const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

const NEVER_UPSTREAM: &[HeaderName] = &[
    header::HOST,
    header::AUTHORIZATION,
    header::PROXY_AUTHORIZATION,
    header::PROXY_AUTHENTICATE,
    header::COOKIE,
];

/// The request headers to send upstream.
pub(crate) fn upstream_request_headers(incoming: &HeaderMap) -> HeaderMap {
    let mut out = without_hop_by_hop(incoming);
    for name in NEVER_UPSTREAM {
        out.remove(name);
    }
    out
}

/// The response headers to send back to the client.
pub(crate) fn downstream_response_headers(upstream: &HeaderMap) -> HeaderMap {
    without_hop_by_hop(upstream)
}

fn without_hop_by_hop(headers: &HeaderMap) -> HeaderMap {
    // Headers named in `Connection` are hop-by-hop too.
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let lower = name.as_str();
        if HOP_BY_HOP.contains(&lower) || named.iter().any(|n| n == lower) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn credentials_and_connection_headers_stay_behind() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer mine"),
        );
        h.insert(header::COOKIE, HeaderValue::from_static("a=b"));
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:1"));
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, x-hop"),
        );
        h.insert("x-hop", HeaderValue::from_static("1"));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        h.append("x-many", HeaderValue::from_static("1"));
        h.append("x-many", HeaderValue::from_static("2"));
        let up = upstream_request_headers(&h);
        let names: Vec<&str> = up.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["content-type", "x-many"]);
        assert_eq!(up.get_all("x-many").iter().count(), 2);
    }
}
