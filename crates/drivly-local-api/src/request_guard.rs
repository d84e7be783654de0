//! What both local servers refuse before looking at anything else.
//!
//! A web page the user visits can send requests to 127.0.0.1. Three defences keep it from using
//! the user's session through these servers:
//! - **Host** must be `127.0.0.1:PORT` or `localhost:PORT` (421 otherwise): a page that points
//!   its own name at 127.0.0.1 (DNS rebinding) still sends its own name. An absolute-form target
//!   (`GET http://other/… HTTP/1.1`) must name us too.
//! - **Origin**: browsers add it to every cross-origin request and to every non-GET one; no
//!   program this is for sends it (curl, SDKs, test runners do not), so any `Origin` is refused
//!   (403).
//! - **Sec-Fetch-Site** `cross-site` or `same-site` (another port of this machine counts as the
//!   same site): a browser's request on behalf of another page (403). `none` (the user typed the
//!   URL) and `same-origin` pass.

use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};

/// Why a request was refused, with the status it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The Host (or absolute-form authority) is not ours: 421.
    ForeignHost,
    /// The request carries an `Origin` header: 403.
    Origin,
    /// The browser says another site sent it: 403.
    CrossSite,
}

impl Refusal {
    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            Self::ForeignHost => StatusCode::MISDIRECTED_REQUEST,
            Self::Origin | Self::CrossSite => StatusCode::FORBIDDEN,
        }
    }

    /// A stable short code for the JSON answer.
    pub fn code(self) -> &'static str {
        match self {
            Self::ForeignHost => "misdirected_request",
            Self::Origin | Self::CrossSite => "forbidden",
        }
    }

    /// What to tell the caller.
    pub fn message(self, port: u16) -> String {
        match self {
            Self::ForeignHost => format!(
                "this local server only answers requests addressed to 127.0.0.1:{port} or localhost:{port}"
            ),
            Self::Origin => "requests from web pages (with an Origin header) are refused: this \
                             server holds your Drivly session"
                .to_owned(),
            Self::CrossSite => "requests sent by another site are refused: this server holds your \
                                Drivly session"
                .to_owned(),
        }
    }
}

/// Checks a request's head for a server listening on 127.0.0.1:`port`.
///
/// # Errors
/// The first [`Refusal`] that applies, the Host check first.
pub fn check(parts: &Parts, port: u16) -> Result<(), Refusal> {
    let hosts: Vec<Option<&str>> = parts
        .headers
        .get_all(header::HOST)
        .iter()
        .map(|v| v.to_str().ok())
        .collect();
    let target = parts.uri.authority().map(|a| a.as_str());
    let ours = match hosts.as_slice() {
        [Some(host)] => is_own_host(host, port) && target.is_none_or(|t| is_own_host(t, port)),
        // HTTP/1.1 requires exactly one Host; without it only an own absolute-form target
        // names the server.
        [] => target.is_some_and(|t| is_own_host(t, port)),
        _ => false,
    };
    if !ours {
        return Err(Refusal::ForeignHost);
    }
    check_browser_headers(&parts.headers)
}

/// The Origin and fetch-metadata part of [`check`].
///
/// # Errors
/// [`Refusal::Origin`] or [`Refusal::CrossSite`].
pub fn check_browser_headers(headers: &HeaderMap) -> Result<(), Refusal> {
    if headers.contains_key(header::ORIGIN) {
        return Err(Refusal::Origin);
    }
    for site in headers.get_all("sec-fetch-site") {
        let site = site
            .to_str()
            .unwrap_or("cross-site")
            .trim()
            .to_ascii_lowercase();
        if site != "none" && site != "same-origin" {
            return Err(Refusal::CrossSite);
        }
    }
    Ok(())
}

/// `127.0.0.1:PORT` or `localhost:PORT`, any letter case, with the port always given (the
/// servers never listen on 80).
fn is_own_host(value: &str, port: u16) -> bool {
    let value = value.trim().to_ascii_lowercase();
    let Some((name, given)) = value.rsplit_once(':') else {
        return false;
    };
    matches!(name, "127.0.0.1" | "localhost") && given.parse::<u16>().ok() == Some(port)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn only_our_own_authority_passes() {
        let ok = |h: &str| check(&parts("/api/x", &[("host", h)]), 4000);
        assert_eq!(ok("127.0.0.1:4000"), Ok(()));
        assert_eq!(ok("LOCALHOST:4000"), Ok(()));
        assert_eq!(ok("127.0.0.1:4001"), Err(Refusal::ForeignHost));
        assert_eq!(ok("evil.example:4000"), Err(Refusal::ForeignHost));
        assert_eq!(ok("127.0.0.1"), Err(Refusal::ForeignHost));
        assert_eq!(
            check(
                &parts("http://evil.example/api/x", &[("host", "127.0.0.1:4000")]),
                4000
            ),
            Err(Refusal::ForeignHost)
        );
        assert_eq!(
            check(
                &parts("http://127.0.0.1:4000/api/x", &[("host", "127.0.0.1:4000")]),
                4000
            ),
            Ok(())
        );
        let two = parts(
            "/api/x",
            &[("host", "127.0.0.1:4000"), ("host", "evil.example")],
        );
        assert_eq!(check(&two, 4000), Err(Refusal::ForeignHost));
    }

    #[test]
    fn browsers_on_behalf_of_pages_are_refused() {
        let with = |h: &[(&str, &str)]| {
            let mut all = vec![("host", "127.0.0.1:4000")];
            all.extend_from_slice(h);
            check(&parts("/api/x", &all), 4000)
        };
        assert_eq!(with(&[("origin", "null")]), Err(Refusal::Origin));
        assert_eq!(
            with(&[("origin", "http://127.0.0.1:4000")]),
            Err(Refusal::Origin)
        );
        assert_eq!(
            with(&[("sec-fetch-site", "cross-site")]),
            Err(Refusal::CrossSite)
        );
        assert_eq!(
            with(&[("sec-fetch-site", "same-site")]),
            Err(Refusal::CrossSite)
        );
        assert_eq!(with(&[("sec-fetch-site", "none")]), Ok(()));
        assert_eq!(with(&[("sec-fetch-site", "same-origin")]), Ok(()));
        assert_eq!(with(&[]), Ok(()));
    }
}
