//! The profile data model and its validation.

use crate::Code;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::ErrorCode;

/// A profile's stable identifier: a lowercase slug such as `drivly` or `emulator`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfileId(String);

impl ProfileId {
    /// Validates a slug: 1 to 40 characters of `a-z`, `0-9` and `-`, not starting with `-`.
    pub fn parse(value: &str) -> Result<Self, ProfileError> {
        let ok = !value.is_empty()
            && value.len() <= 40
            && !value.starts_with('-')
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(ProfileError::InvalidId(value.chars().take(60).collect()))
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProfileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The environment badge shown wherever a profile is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Real money, real data.
    Production,
    /// Drivly's sandbox.
    Sandbox,
    /// A server on this machine, such as the bundled emulator.
    Local,
}

impl Environment {
    /// Parses `production`, `sandbox` or `local`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "production" => Some(Self::Production),
            "sandbox" => Some(Self::Sandbox),
            "local" => Some(Self::Local),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Sandbox => "sandbox",
            Self::Local => "local",
        }
    }
}

/// How the sign-in redirect carries its result (protocol.md B.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum RedirectForm {
    /// `?code=…&state=…`, exchanged with the PKCE verifier (preferred).
    #[default]
    Code,
    /// `?token=…&refreshToken=…&expires=…&state=…` (accepted for compatibility).
    Token,
}

/// Endpoint paths relative to the profile's base URL (protocol.md B.1 to B.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoints {
    /// `POST` mints a JWT from an API key; `GET` is the browser authorization page.
    pub auth: String,
    /// Code exchange.
    pub token: String,
    /// Refresh-token exchange.
    pub refresh: String,
    /// Refresh-token revocation; `None` when the server has none.
    pub revoke: Option<String>,
    /// Public keys; `None` when the server publishes none.
    pub jwks: Option<String>,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            auth: "auth".into(),
            token: "auth/token".into(),
            refresh: "auth/refresh".into(),
            revoke: Some("auth/revoke".into()),
            jwks: Some(".well-known/jwks.json".into()),
        }
    }
}

/// One Drivly environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Stable identifier.
    pub id: ProfileId,
    /// Display name.
    pub name: String,
    /// API base URL, for example `https://commerce.driv.ly/api`.
    pub base_url: Url,
    /// Badge.
    pub environment: Environment,
    /// Endpoint paths.
    #[serde(default)]
    pub endpoints: Endpoints,
    /// Redirect form requested at sign-in.
    #[serde(default)]
    pub redirect_form: RedirectForm,
    /// Where API keys are created and revoked by people (Drivly's dashboard).
    #[serde(default)]
    pub dashboard_url: Option<Url>,
    /// An endpoint that revokes an API key on the server (`POST {"apiKey": …}`). Drivly has
    /// none (keys are revoked in its dashboard); the emulator has one.
    #[serde(default)]
    pub api_key_revoke_url: Option<Url>,
    /// The OAuth `client_id` sent on the authorization URL and in the token, refresh and
    /// revoke requests; `None` sends none (Drivly documents none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// Profile validation and lookup errors.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The identifier is not a slug.
    #[error("'{0}' is not a valid profile name: use lowercase letters, digits and '-'")]
    InvalidId(String),
    /// The base URL is not http(s) or cannot be a base.
    #[error("'{0}' is not a usable base URL: it must be an http:// or https:// URL")]
    InvalidUrl(String),
    /// No profile has that identifier.
    #[error("no profile named '{0}'")]
    NotFound(String),
    /// A profile with that identifier exists.
    #[error("a profile named '{0}' already exists")]
    AlreadyExists(String),
    /// Built-in profiles cannot be removed.
    #[error("the built-in profile '{0}' cannot be removed")]
    BuiltIn(String),
    /// A protocol setting (endpoint path, client id) is malformed.
    #[error("{0}")]
    InvalidSetting(String),
}

impl ErrorCode for ProfileError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidId(_) => Code::InvalidProfileName,
            Self::InvalidUrl(_) => Code::InvalidUrl,
            Self::NotFound(_) => Code::ProfileNotFound,
            Self::AlreadyExists(_) => Code::ProfileExists,
            Self::BuiltIn(_) => Code::ProfileBuiltIn,
            Self::InvalidSetting(_) => Code::InvalidProfileSetting,
        }
    }
}

impl Profile {
    /// The id of the built-in Drivly production profile.
    pub const DRIVLY_ID: &'static str = "drivly";
    /// The id of the built-in Drivly sandbox profile.
    pub const DRIVLY_SANDBOX_ID: &'static str = "drivly-sandbox";
    /// The id of the built-in local emulator profile.
    pub const EMULATOR_ID: &'static str = "emulator";
    /// The emulator's default address, used by the built-in emulator profile.
    pub const EMULATOR_DEFAULT_BASE: &'static str = "http://127.0.0.1:7878/api";

    /// Drivly production.
    pub fn drivly() -> Self {
        Self {
            id: ProfileId(Self::DRIVLY_ID.into()),
            name: "Drivly".into(),
            base_url: Url::parse("https://commerce.driv.ly/api").expect("static URL"),
            environment: Environment::Production,
            endpoints: Endpoints::default(),
            redirect_form: RedirectForm::Code,
            dashboard_url: Some(Url::parse("https://dashboard.driv.ly").expect("static URL")),
            api_key_revoke_url: None,
            client_id: None,
        }
    }

    /// Drivly's sandbox. Drivly documents a `sandbox` environment (its SDK's `DRIVLY_ENV`) but
    /// no separate sandbox host, so this profile uses the one documented base URL; which
    /// environment answers is then decided by the sandbox key or account (docs/connecting.md).
    pub fn drivly_sandbox() -> Self {
        Self {
            id: ProfileId(Self::DRIVLY_SANDBOX_ID.into()),
            name: "Drivly sandbox".into(),
            environment: Environment::Sandbox,
            ..Self::drivly()
        }
    }

    /// The local emulator at `base_url` (its `/api` root).
    pub fn emulator(base_url: Url) -> Self {
        let origin = base_url.join("/").unwrap_or_else(|_| base_url.clone());
        Self {
            id: ProfileId(Self::EMULATOR_ID.into()),
            name: "Local emulator".into(),
            dashboard_url: origin.join("dashboard").ok(),
            api_key_revoke_url: origin.join("__emulator/api-keys/revoke").ok(),
            base_url,
            environment: Environment::Local,
            endpoints: Endpoints::default(),
            redirect_form: RedirectForm::Code,
            client_id: None,
        }
    }

    /// True for the profiles that ship with the app.
    pub fn is_built_in(&self) -> bool {
        matches!(
            self.id.as_str(),
            Self::DRIVLY_ID | Self::DRIVLY_SANDBOX_ID | Self::EMULATOR_ID
        )
    }

    /// Checks that a base URL is http(s) and can carry paths.
    pub fn validate_base_url(value: &str) -> Result<Url, ProfileError> {
        let url = Url::parse(value.trim()).map_err(|_| ProfileError::InvalidUrl(value.into()))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(ProfileError::InvalidUrl(value.into()));
        }
        Ok(url)
    }

    /// The absolute URL of `path` under the base URL (`{base}/{path}`), keeping the base's
    /// own path (so `https://host/api` + `auth` is `https://host/api/auth`).
    pub fn endpoint(&self, path: &str) -> Url {
        let mut base = self.base_url.clone();
        if !base.path().ends_with('/') {
            let with_slash = format!("{}/", base.path());
            base.set_path(&with_slash);
        }
        base.join(path.trim_start_matches('/')).unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_keeps_the_base_path() {
        let p = Profile::drivly();
        assert_eq!(
            p.endpoint("auth").as_str(),
            "https://commerce.driv.ly/api/auth"
        );
        assert_eq!(
            p.endpoint("/auth/token").as_str(),
            "https://commerce.driv.ly/api/auth/token"
        );
        let e = Profile::emulator(Url::parse("http://127.0.0.1:9000/api/").unwrap());
        assert_eq!(
            e.endpoint(".well-known/jwks.json").as_str(),
            "http://127.0.0.1:9000/api/.well-known/jwks.json"
        );
        assert_eq!(
            e.api_key_revoke_url.unwrap().as_str(),
            "http://127.0.0.1:9000/__emulator/api-keys/revoke"
        );
    }

    #[test]
    fn ids_are_slugs() {
        assert!(ProfileId::parse("staging-2").is_ok());
        for bad in ["", "Caps", "-x", "a b", "ü", &"x".repeat(41)] {
            assert!(ProfileId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_urls_must_be_http() {
        assert!(Profile::validate_base_url("https://x.example/api").is_ok());
        assert!(Profile::validate_base_url("ftp://x").is_err());
        assert!(Profile::validate_base_url("mailto:a@b").is_err());
        assert!(Profile::validate_base_url("not a url").is_err());
    }
}
