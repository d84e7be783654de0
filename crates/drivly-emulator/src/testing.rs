//! A scripted browser for tests: walks the emulator's real login and consent pages over HTTP.
//!
//! It behaves like a browser with redirects turned off: it loads the authorization URL, reads the
//! form on the page (its `action` and hidden fields), posts it as
//! `application/x-www-form-urlencoded`, and stops at the first redirect, returning its
//! `Location`. Nothing is special-cased on the server side, so the pages tested are the pages a
//! person sees. Enabled by the `testing` feature.

use url::Url;

/// Why the scripted login did not reach a redirect.
#[derive(Debug, thiserror::Error)]
pub enum TestingError {
    /// The HTTP request failed.
    #[error("HTTP request to the emulator failed: {0}")]
    Http(#[from] reqwest::Error),
    /// A page answered with an unexpected status (the login page answers 401 for a wrong
    /// password; the message gives the status and the page's title).
    #[error("the {step} page answered HTTP {status} ({title}); check the URL and credentials")]
    UnexpectedPage {
        /// Which step: `authorization`, `login` or `consent`.
        step: &'static str,
        /// The HTTP status.
        status: u16,
        /// The page's `<title>`, for diagnosis.
        title: String,
    },
    /// The page had no form where one was expected.
    #[error("the {0} page has no form to submit")]
    NoForm(&'static str),
    /// A redirect without a usable `Location`.
    #[error("a redirect came without a valid Location header")]
    BadLocation,
}

/// Walks the login and consent pages for `authorize_url` and returns the final redirect's
/// `Location` (the app's redirect URI with `code`, the token form, or an `error`). If the
/// authorization request itself is redirected (an invalid parameter), that `Location` is
/// returned at once.
pub async fn complete_browser_login(
    authorize_url: &Url,
    email: &str,
    password: &str,
    approve: bool,
) -> Result<Url, TestingError> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let first = client.get(authorize_url.clone()).send().await?;
    let login_page = match page_or_redirect(first, "authorization").await? {
        Step::Redirect(location) => return Ok(location),
        Step::Page(page) => page,
    };
    let login = Form::find(&login_page, authorize_url).ok_or(TestingError::NoForm("login"))?;
    let mut fields = login.hidden.clone();
    fields.push(("email".into(), email.into()));
    fields.push(("password".into(), password.into()));
    let response = client
        .post(login.action.clone())
        .form(&fields)
        .send()
        .await?;
    let consent_page = match page_or_redirect(response, "login").await? {
        Step::Redirect(location) => return Ok(location),
        Step::Page(page) => page,
    };
    let consent =
        Form::find(&consent_page, &login.action).ok_or(TestingError::NoForm("consent"))?;
    let mut fields = consent.hidden.clone();
    let decision = if approve { "approve" } else { "deny" };
    fields.push(("decision".into(), decision.into()));
    let response = client
        .post(consent.action.clone())
        .form(&fields)
        .send()
        .await?;
    match page_or_redirect(response, "consent").await? {
        Step::Redirect(location) => Ok(location),
        Step::Page(page) => Err(TestingError::UnexpectedPage {
            step: "consent",
            status: 200,
            title: title(&page),
        }),
    }
}

enum Step {
    Page(String),
    Redirect(Url),
}

async fn page_or_redirect(
    response: reqwest::Response,
    step: &'static str,
) -> Result<Step, TestingError> {
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(TestingError::BadLocation)?;
        let base = response.url().clone();
        return base
            .join(location)
            .map(Step::Redirect)
            .map_err(|_| TestingError::BadLocation);
    }
    let body = response.text().await?;
    if status != reqwest::StatusCode::OK {
        return Err(TestingError::UnexpectedPage {
            step,
            status: status.as_u16(),
            title: title(&body),
        });
    }
    Ok(Step::Page(body))
}

/// The first form on a page.
#[derive(Debug, Clone)]
struct Form {
    action: Url,
    hidden: Vec<(String, String)>,
}

impl Form {
    fn find(html: &str, page_url: &Url) -> Option<Self> {
        let start = html.find("<form")?;
        let end = html[start..]
            .find("</form>")
            .map_or(html.len(), |e| start + e);
        let form = &html[start..end];
        let tag_end = form.find('>')?;
        let action = attribute(&form[..tag_end], "action").unwrap_or_default();
        let action = page_url.join(&action).ok()?;
        let hidden = form
            .split("<input")
            .skip(1)
            .filter_map(|input| {
                let tag = &input[..input.find('>')?];
                (attribute(tag, "type")? == "hidden").then_some(())?;
                Some((
                    attribute(tag, "name")?,
                    attribute(tag, "value").unwrap_or_default(),
                ))
            })
            .collect();
        Some(Self { action, hidden })
    }
}

/// The value of a double-quoted attribute in a tag, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn title(html: &str) -> String {
    html.split("<title>")
        .nth(1)
        .and_then(|rest| rest.split("</title>").next())
        .map(unescape)
        .unwrap_or_default()
}
