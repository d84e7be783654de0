//! Dialects: the variants of the wire format a real deployment may speak (protocol.md D), so
//! that the client's tolerance and its per-profile settings are tested end to end against a
//! server that differs from part B.
//!
//! Each dialect is independent and they combine. Some only pick a starting value that existed
//! before dialects (`token-form`, `no-rotation`, `hs256`); the others shape the routes, the
//! token answers, the authorization request and the redirect. This module holds the names, the
//! parsing of `--dialect` values and the shaping of token answers; it shares nothing with the
//! client's parser.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The fixed HMAC secret of the `hs256` dialect (tests verify signatures with it).
pub const HS256_TEST_SECRET: &str = "drivly-emulator-hs256-test-secret-0123456789";

/// One wire-format variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialect {
    /// The redirect carries `token`, `refreshToken` and `expires` instead of a code.
    TokenForm,
    /// Token answers use `access_token`, `refresh_token` and `expires_in` (seconds).
    SnakeCase,
    /// Token answers are wrapped once in `{"data": {...}}`.
    DataEnvelope,
    /// Refresh returns no new refresh token; the old one stays valid.
    NoRotation,
    /// JWTs are signed with HS256 and [`HS256_TEST_SECRET`]; the JWKS publishes no key.
    Hs256,
    /// `GET .well-known/jwks.json` answers 404.
    NoJwks,
    /// `POST auth/revoke` answers 404.
    NoRevoke,
    /// Authorize, token, refresh and revoke live under `oauth/` instead of `auth/`
    /// (minting stays at `POST auth`).
    OauthPaths,
    /// `client_id` with this value is required on the authorization URL and in the token,
    /// refresh and revoke bodies.
    ClientId(String),
    /// The redirect also carries `token_type`, `expires_in`, `scope` and `session_state`.
    RedirectExtras,
}

/// A `--dialect` value that names no dialect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown dialect '{0}'; known: token-form, snake-case, data-envelope, no-rotation, hs256, no-jwks, no-revoke, oauth-paths, client-id=ID, redirect-extras"
)]
pub struct UnknownDialect(String);

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(match value.trim() {
            "token-form" => Self::TokenForm,
            "snake-case" => Self::SnakeCase,
            "data-envelope" => Self::DataEnvelope,
            "no-rotation" => Self::NoRotation,
            "hs256" => Self::Hs256,
            "no-jwks" => Self::NoJwks,
            "no-revoke" => Self::NoRevoke,
            "oauth-paths" => Self::OauthPaths,
            "redirect-extras" => Self::RedirectExtras,
            other => match other.strip_prefix("client-id=") {
                Some(id)
                    if !id.is_empty()
                        && id.len() <= 128
                        && id.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Self::ClientId(id.to_owned())
                }
                _ => return Err(UnknownDialect(other.chars().take(64).collect())),
            },
        })
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TokenForm => f.write_str("token-form"),
            Self::SnakeCase => f.write_str("snake-case"),
            Self::DataEnvelope => f.write_str("data-envelope"),
            Self::NoRotation => f.write_str("no-rotation"),
            Self::Hs256 => f.write_str("hs256"),
            Self::NoJwks => f.write_str("no-jwks"),
            Self::NoRevoke => f.write_str("no-revoke"),
            Self::OauthPaths => f.write_str("oauth-paths"),
            Self::ClientId(id) => write!(f, "client-id={id}"),
            Self::RedirectExtras => f.write_str("redirect-extras"),
        }
    }
}

/// The dialects that shape requests and answers at run time (the others only chose a starting
/// value in the configuration).
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    pub snake_case: bool,
    pub data_envelope: bool,
    pub no_jwks: bool,
    pub no_revoke: bool,
    pub oauth_paths: bool,
    pub client_id: Option<String>,
    pub redirect_extras: bool,
}

impl Shape {
    pub(crate) fn from_dialects(dialects: &[Dialect]) -> Self {
        let mut shape = Self::default();
        for d in dialects {
            match d {
                Dialect::SnakeCase => shape.snake_case = true,
                Dialect::DataEnvelope => shape.data_envelope = true,
                Dialect::NoJwks => shape.no_jwks = true,
                Dialect::NoRevoke => shape.no_revoke = true,
                Dialect::OauthPaths => shape.oauth_paths = true,
                Dialect::ClientId(id) => shape.client_id = Some(id.clone()),
                Dialect::RedirectExtras => shape.redirect_extras = true,
                Dialect::TokenForm | Dialect::NoRotation | Dialect::Hs256 => {}
            }
        }
        shape
    }

    /// The folder of the session endpoints: `auth` or `oauth`.
    pub(crate) fn session_folder(&self) -> &'static str {
        if self.oauth_paths { "oauth" } else { "auth" }
    }

    /// Whether a request's `client_id` is acceptable.
    pub(crate) fn client_ok(&self, sent: Option<&str>) -> bool {
        match &self.client_id {
            None => true,
            Some(want) => sent == Some(want.as_str()),
        }
    }

    /// Shapes a token answer built in part B's form (`token`, `refreshToken`, `expires` as
    /// RFC 3339): renames to snake case with `expires_in` counted from `now`, and wraps it.
    pub(crate) fn token_answer(&self, body: Value, now: DateTime<Utc>) -> Value {
        let mut body = body;
        if self.snake_case
            && let Value::Object(map) = body
        {
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "token" => {
                        out.insert("access_token".into(), value);
                        out.insert("token_type".into(), json!("Bearer"));
                    }
                    "refreshToken" => {
                        out.insert("refresh_token".into(), value);
                    }
                    "expires" => {
                        let secs = value
                            .as_str()
                            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                            .map(|at| (at.with_timezone(&Utc) - now).num_seconds().max(0));
                        if let Some(secs) = secs {
                            out.insert("expires_in".into(), json!(secs));
                        }
                    }
                    _ => {
                        out.insert(key, value);
                    }
                }
            }
            body = Value::Object(out);
        }
        if self.data_envelope {
            body = json!({ "data": body });
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "token-form",
            "snake-case",
            "data-envelope",
            "no-rotation",
            "hs256",
            "no-jwks",
            "no-revoke",
            "oauth-paths",
            "client-id=app_123",
            "redirect-extras",
        ] {
            let d: Dialect = name.parse().unwrap_or(Dialect::Hs256);
            assert_eq!(d.to_string(), name);
        }
        assert!("client-id=".parse::<Dialect>().is_err());
        assert!("snake".parse::<Dialect>().is_err());
    }

    #[test]
    fn token_answers_are_shaped() {
        let now = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let shape = Shape {
            snake_case: true,
            data_envelope: true,
            ..Shape::default()
        };
        let body = json!({"token": "t", "refreshToken": "r", "expires": "2030-01-01T00:10:00Z"});
        assert_eq!(
            shape.token_answer(body, now),
            json!({"data": {"access_token": "t", "token_type": "Bearer", "refresh_token": "r", "expires_in": 600}})
        );
    }
}
