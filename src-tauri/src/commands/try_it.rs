//! "Try it", the request builder: one request to a resource of a profile's API with a token
//! (a held one by reference, or one pasted), with query parameters and a JSON body, and the
//! answer as people read it: status, time, headers, the body pretty-printed and capped, and
//! Drivly's paging fields. "Copy as curl" writes the same request with
//! `$(drivly-keys token --profile …)` in place of the token, so a copied line holds no secret.

use drivly_core::Code;
use drivly_core::client::{DrivlyClient, Method, Paging};
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::secret::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::commands::CopyResult;
use crate::commands::inspect::TokenSource;
use crate::held_tokens::IssuedBy;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// Most query parameters one request carries.
const MAX_QUERY_PARAMS: usize = 32;
/// Longest JSON body accepted, in bytes.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The request, without the token (also what "Copy as curl" writes).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TryItRequest {
    profile_id: String,
    /// Text rather than [`HttpMethod`], so a wrong method is a `{code, message}` error too.
    #[ts(as = "HttpMethod")]
    method: String,
    /// A resource path relative to the profile's base URL, e.g. `invoices` or `invoices/42`.
    resource: String,
    /// Query parameters, in order; empty names are skipped.
    #[serde(default)]
    query: Vec<QueryParam>,
    /// A JSON body (POST and PUT only); `None` or blank sends none.
    #[serde(default)]
    body: Option<String>,
}

/// One query parameter.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct QueryParam {
    name: String,
    value: String,
}

/// What "Try it" sends: the request and the token to send it with.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TryItInput {
    source: TokenSource,
    #[serde(flatten)]
    request: TryItRequest,
}

/// The methods "Try it" offers: the four a Drivly permission grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, TS)]
#[ts(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// Granted by `<resource>.read`.
    Get,
    /// Granted by `<resource>.write`.
    Post,
    /// Granted by `<resource>.write`.
    Put,
    /// Granted by `<resource>.write`.
    Delete,
}

/// One response header.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HeaderLine {
    name: String,
    value: String,
}

/// Drivly's paging fields of a list answer.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PagingView {
    page: u64,
    total_pages: u64,
    total_docs: u64,
    limit: u64,
    next_page: Option<u64>,
    prev_page: Option<u64>,
}

impl From<Paging> for PagingView {
    fn from(p: Paging) -> Self {
        Self {
            page: p.page,
            total_pages: p.total_pages,
            total_docs: p.total_docs,
            limit: p.limit,
            next_page: p.next_page,
            prev_page: p.prev_page,
        }
    }
}

/// What "Try it" got back.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "TryItResult")]
pub struct TryItView {
    status: u16,
    elapsed_ms: u64,
    message: String,
    /// The URL called (the profile's API, the path and the query).
    url: String,
    headers: Vec<HeaderLine>,
    /// The body, pretty-printed when JSON, at most 64 KiB of text, the token redacted.
    body: String,
    body_truncated: bool,
    body_bytes: usize,
    paging: Option<PagingView>,
}

/// A checked request: the method, the path with its query, the JSON body.
struct Checked {
    profile: Profile,
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
}

fn check(state: &AppState, request: &TryItRequest) -> IpcResult<Checked> {
    let method = match request.method.as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        _ => {
            return Err(IpcError::new(
                Code::InvalidMethod,
                "choose GET, POST, PUT or DELETE",
            ));
        }
    };
    let profile = state
        .profiles
        .get(&ProfileId::parse(&request.profile_id)?)?;
    let params: Vec<&QueryParam> = request
        .query
        .iter()
        .filter(|p| !p.name.trim().is_empty())
        .collect();
    if params.len() > MAX_QUERY_PARAMS {
        return Err(IpcError::new(
            Code::InvalidRequest,
            format!("at most {MAX_QUERY_PARAMS} query parameters"),
        ));
    }
    let mut path = request.resource.trim().trim_start_matches('/').to_owned();
    if !params.is_empty() {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for p in params {
            query.append_pair(p.name.trim(), &p.value);
        }
        path.push(if path.contains('?') { '&' } else { '?' });
        path.push_str(&query.finish());
    }
    let text = request.body.as_deref().map(str::trim).unwrap_or_default();
    let body = match (&method, text.is_empty()) {
        (_, true) => None,
        (&Method::POST | &Method::PUT, false) if text.len() > MAX_BODY_BYTES => {
            return Err(IpcError::new(
                Code::InvalidRequest,
                "the body is over 256 KiB; send less",
            ));
        }
        (&Method::POST | &Method::PUT, false) => Some(serde_json::from_str(text).map_err(|e| {
            IpcError::new(
                Code::InvalidRequest,
                format!("the body is not valid JSON ({e}); fix it or leave it empty"),
            )
        })?),
        _ => {
            return Err(IpcError::new(
                Code::InvalidRequest,
                format!(
                    "a {} request carries no body; clear it or choose POST or PUT",
                    request.method
                ),
            ));
        }
    };
    Ok(Checked {
        profile,
        method,
        path,
        body,
    })
}

/// Sends one request to a resource with the token and reports what the server said.
#[tauri::command]
pub async fn try_it(state: tauri::State<'_, AppState>, input: TryItInput) -> IpcResult<TryItView> {
    let token = input.source.resolve(&state)?;
    let checked = check(&state, &input.request)?;
    // A held token goes only to the server it came from: the page names the profile, and must
    // not be able to hand a session's JWT to another host that way. A pasted token is the
    // user's own to send anywhere.
    if let TokenSource::Held { token_ref } = &input.source {
        let target = IssuedBy::base_url(&checked.profile.base_url);
        let issuer = state.tokens.issuer(token_ref);
        if issuer.as_ref() != Some(&target) {
            return Err(IpcError::new(
                Code::TokenWrongOrigin,
                format!(
                    "this token was issued by {} and is only sent there; choose its own profile, not {}",
                    issuer.as_ref().map_or("another server", IssuedBy::as_str),
                    checked.profile.name
                ),
            ));
        }
    }
    let credential = SecretString::new(token.expose_secret().to_owned());
    let client = DrivlyClient::new(&checked.profile)?;
    let url = client.resource_request_url(&checked.path)?;
    let result = client
        .try_it(&credential, checked.method, &checked.path, checked.body)
        .await?;
    Ok(TryItView {
        status: result.status,
        elapsed_ms: result.elapsed_ms,
        message: result.message,
        url: url.to_string(),
        headers: result
            .headers
            .into_iter()
            .map(|(name, value)| HeaderLine { name, value })
            .collect(),
        body: result.body_preview,
        body_truncated: result.body_truncated,
        body_bytes: result.body_bytes,
        paging: result.paging.map(PagingView::from),
    })
}

/// Copies the request as a curl command that fetches a fresh session JWT itself.
#[tauri::command]
pub async fn copy_try_it_curl(
    state: tauri::State<'_, AppState>,
    request: TryItRequest,
) -> IpcResult<CopyResult> {
    let checked = check(&state, &request)?;
    let url = DrivlyClient::new(&checked.profile)?.resource_request_url(&checked.path)?;
    crate::commands::copy_text(&state, &curl(&checked, &url))
}

/// The curl command for a checked request (profile ids are `[a-z0-9-]`: no quoting needed).
fn curl(checked: &Checked, url: &url::Url) -> String {
    let mut line = String::from("curl");
    if checked.method != Method::GET {
        line.push_str(&format!(" -X {}", checked.method));
    }
    line.push_str(&format!(
        " -H \"Authorization: Bearer $(drivly-keys token --profile {})\"",
        checked.profile.id
    ));
    if let Some(body) = &checked.body {
        line.push_str(" -H 'Content-Type: application/json' --data ");
        line.push_str(&shell_quote(&body.to_string()));
    }
    line.push(' ');
    line.push_str(&shell_quote(url.as_str()));
    line
}

/// `text` in single quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn single_quotes_survive_the_shell() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }
}
