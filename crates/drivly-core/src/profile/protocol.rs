//! A profile's protocol settings (protocol.md B, each configurable because Drivly documents
//! only minting): the endpoint paths, the redirect form and the OAuth `client_id`, with the
//! validation both front ends share and a patch that changes only what is given.

use super::model::{Endpoints, Profile, ProfileError, RedirectForm};

/// Longest endpoint path or client id accepted.
pub const MAX_SETTING_CHARS: usize = 200;

/// What to change; `None` leaves a setting as it is. For the optional endpoints and the client
/// id, `Some(None)` (from an empty value) removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProtocolPatch {
    /// The redirect form asked for at sign-in.
    pub redirect_form: Option<RedirectForm>,
    /// The OAuth client id.
    pub client_id: Option<Option<String>>,
    /// `GET` authorization page and `POST` minting (`auth`).
    pub authorize_path: Option<String>,
    /// Code exchange (`auth/token`).
    pub token_path: Option<String>,
    /// Refresh (`auth/refresh`).
    pub refresh_path: Option<String>,
    /// Revoke (`auth/revoke`); `Some(None)`: the server has none.
    pub revoke_path: Option<Option<String>>,
    /// JWKS (`.well-known/jwks.json`); `Some(None)`: the server publishes none.
    pub jwks_path: Option<Option<String>>,
}

impl ProtocolPatch {
    /// A patch that puts every setting back to the contract's defaults (no client id).
    pub fn drivly_defaults() -> Self {
        let d = Endpoints::default();
        Self {
            redirect_form: Some(RedirectForm::Code),
            client_id: Some(None),
            authorize_path: Some(d.auth),
            token_path: Some(d.token),
            refresh_path: Some(d.refresh),
            revoke_path: Some(d.revoke),
            jwks_path: Some(d.jwks),
        }
    }

    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Validates every given value and applies them to `profile`; on an error nothing changes.
    ///
    /// # Errors
    /// [`ProfileError::InvalidSetting`] naming the setting and why.
    pub fn apply(&self, profile: &mut Profile) -> Result<(), ProfileError> {
        let mut next = profile.clone();
        if let Some(form) = self.redirect_form {
            next.redirect_form = form;
        }
        if let Some(id) = &self.client_id {
            next.client_id = match id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(value) => Some(validate_client_id(value)?),
            };
        }
        if let Some(p) = &self.authorize_path {
            next.endpoints.auth = validate_endpoint_path("authorize path", p)?;
        }
        if let Some(p) = &self.token_path {
            next.endpoints.token = validate_endpoint_path("token path", p)?;
        }
        if let Some(p) = &self.refresh_path {
            next.endpoints.refresh = validate_endpoint_path("refresh path", p)?;
        }
        if let Some(p) = &self.revoke_path {
            next.endpoints.revoke = optional_path("revoke path", p.as_deref())?;
        }
        if let Some(p) = &self.jwks_path {
            next.endpoints.jwks = optional_path("JWKS path", p.as_deref())?;
        }
        *profile = next;
        Ok(())
    }
}

fn optional_path(what: &str, value: Option<&str>) -> Result<Option<String>, ProfileError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => validate_endpoint_path(what, p).map(Some),
    }
}

/// Checks an endpoint path: relative to the base URL (no scheme, no host, no `..`, no query
/// or fragment), so a setting can never send credentials to another server. A leading `/` is
/// dropped (paths always stay under the base URL's own path).
///
/// # Errors
/// [`ProfileError::InvalidSetting`] naming `what` and the rule broken.
pub fn validate_endpoint_path(what: &str, value: &str) -> Result<String, ProfileError> {
    let bad = |why: &str| Err(ProfileError::InvalidSetting(format!("the {what} {why}")));
    let trimmed = value.trim();
    let path = trimmed.trim_start_matches('/');
    if path.is_empty() {
        return bad("is empty: give a path relative to the base URL, such as auth/refresh");
    }
    if path.chars().count() > MAX_SETTING_CHARS {
        return bad("is too long (200 characters at most)");
    }
    if trimmed.starts_with("//")
        || path.contains("://")
        || path.split('/').next().is_some_and(|s| s.contains(':'))
    {
        return bad(
            "must be relative to the base URL, without a scheme or host (for example oauth/token)",
        );
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return bad("may not contain '.' or '..' segments");
    }
    if path.contains(['?', '#', '\\']) || path.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return bad("may only hold path characters (no spaces, '?', '#' or '\\')");
    }
    Ok(path.to_owned())
}

/// Checks an OAuth client id: printable, no spaces, at most 200 characters.
///
/// # Errors
/// [`ProfileError::InvalidSetting`].
pub fn validate_client_id(value: &str) -> Result<String, ProfileError> {
    let ok = !value.is_empty()
        && value.chars().count() <= MAX_SETTING_CHARS
        && value.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(ProfileError::InvalidSetting(
            "the client id must be 1 to 200 printable ASCII characters without spaces".into(),
        ))
    }
}

/// Why the token redirect form is a risk, shown wherever it is chosen (issue 13 item 4).
pub const TOKEN_FORM_WARNING: &str = "the token redirect form puts the refresh token, which never \
expires, in a URL: it can stay in the browser's history and, while the link is handed to the \
app, in the command line of the process that forwards it. Keep the code form (with PKCE) unless \
the server offers nothing else.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_under_the_base_url() {
        assert_eq!(
            validate_endpoint_path("p", "/oauth/refresh").unwrap(),
            "oauth/refresh"
        );
        assert_eq!(
            validate_endpoint_path("p", ".well-known/jwks.json").unwrap(),
            ".well-known/jwks.json"
        );
        for bad in [
            "",
            "https://evil.example/x",
            "//evil.example/x",
            "evil.example:443/x",
            "a/../../x",
            "./x",
            "a?b=1",
            "a#b",
            "a b",
            "a\\b",
        ] {
            assert!(validate_endpoint_path("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_nothing_on_error() {
        let mut p = Profile::drivly();
        let patch = ProtocolPatch {
            refresh_path: Some("oauth/refresh".into()),
            client_id: Some(Some("app_1".into())),
            revoke_path: Some(None),
            ..ProtocolPatch::default()
        };
        patch.apply(&mut p).unwrap();
        assert_eq!(p.endpoints.refresh, "oauth/refresh");
        assert_eq!(p.endpoints.token, "auth/token");
        assert_eq!(p.endpoints.revoke, None);
        assert_eq!(p.client_id.as_deref(), Some("app_1"));

        let before = p.clone();
        let bad = ProtocolPatch {
            token_path: Some("x/y".into()),
            jwks_path: Some(Some("../keys".into())),
            ..ProtocolPatch::default()
        };
        assert!(bad.apply(&mut p).is_err());
        assert_eq!(p, before);

        ProtocolPatch::drivly_defaults().apply(&mut p).unwrap();
        assert_eq!(p, Profile::drivly());
    }

    #[test]
    fn client_ids_are_printable() {
        assert!(validate_client_id("app_42").is_ok());
        assert!(validate_client_id("a b").is_err());
        assert!(validate_client_id("").is_err());
    }
}
