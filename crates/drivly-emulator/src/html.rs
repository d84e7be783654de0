//! HTML building blocks for the login, consent, error and dashboard pages: escaping and one
//! shared layout with inline CSS (no external assets, no JavaScript).
//!
//! Invariant: every value that did not come from this source file goes through [`escape`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f5f7;color:#1d2330}\
header{background:#14213d;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.2px}\
header small{font-weight:400;opacity:.7;margin-left:8px}\
main{max-width:760px;margin:32px auto;padding:0 16px}\
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:24px 28px;margin-bottom:20px}\
.narrow{max-width:420px;margin:0 auto}\
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:0 0 12px}\
label{display:block;font-weight:600;margin:12px 0 4px}\
input[type=email],input[type=password],input[type=text]{width:100%;padding:9px 11px;border:1px solid #c8ccd4;border-radius:6px;font:inherit}\
button{font:inherit;padding:9px 16px;border-radius:6px;border:1px solid #14213d;background:#14213d;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#14213d}\
button.danger{background:#fff;color:#b42318;border-color:#b42318;padding:4px 10px}\
.actions{display:flex;gap:10px;margin-top:18px}\
.error{background:#fdecea;color:#8a1c12;border-radius:6px;padding:10px 12px;margin-bottom:12px}\
.notice{background:#e8f4ea;color:#1e5631;border-radius:6px;padding:10px 12px;margin-bottom:12px}\
.muted{color:#5b6472;font-size:13px}\
ul.perms{padding-left:20px}ul.perms li{margin:4px 0}\
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:8px 6px;border-bottom:1px solid #eceef2;vertical-align:top}\
th{font-size:13px;color:#5b6472;font-weight:600}\
code{background:#f0f1f4;border-radius:4px;padding:2px 5px;font-size:13px;word-break:break-all}\
form.inline{display:inline;margin:0}";

/// A complete page with the shared layout; `body` must already be escaped.
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · Drivly emulator</title><style>{STYLE}</style></head>\
         <body><header>Drivly<small>local emulator</small></header><main>{body}</main></body></html>",
        title = escape(title),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    // Pages may show a fresh key or carry a sign-in id: keep them out of caches and frames.
    // No CSP form-action: browsers apply it to the redirect after the consent form, which goes to
    // the app's private-use scheme.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    response
}

/// A page that only explains an error.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<div class=\"card narrow\"><h1>{}</h1><p>{}</p></div>",
        escape(title),
        escape(message)
    );
    page(status, title, &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
