//! The credential calls of protocol.md: mint a JWT with an API key (A), exchange a code (B.3),
//! refresh (B.4), revoke a refresh token (B.5), and the emulator's API-key revoke.
//!
//! Request bodies are serialized from borrowed `&str` so no extra owned copy of a secret is
//! made; the serialized bytes go to reqwest, which does not zeroize them (a known, accepted
//! limit of any HTTP stack). Nothing here retries: the refresher owns retry policy, because a
//! blind retry of a rotating refresh token can look like token theft to the server.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::Serialize;

use super::error::ClientError;
use super::http::{CallKind, DrivlyClient, Outgoing, status_error};
use super::tokens::{MintedToken, TokenSet};
use super::wire::{parse_minted, parse_token_set};
use crate::secret::{ApiKey, AuthCode, PkceVerifier, RefreshToken};

/// What a revoke call achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeOutcome {
    /// The server revoked the credential.
    Revoked,
    /// The server has no revoke endpoint (none configured, or `404`): the credential still
    /// works on the server; the caller removes it locally and says so plainly.
    NotSupported,
    /// The server says the credential was already invalid (`400 invalid_grant`; for an API
    /// key also `401`): nothing is left to revoke. A `401` on a session revoke is
    /// [`ClientError::NotRevoked`] instead.
    AlreadyInvalid,
}

#[derive(Serialize)]
struct MintBody<'a> {
    permissions: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExchangeBody<'a> {
    code: &'a str,
    code_verifier: &'a str,
    redirect_uri: &'a str,
    #[serde(rename = "client_id", skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefreshBody<'a> {
    refresh_token: &'a str,
    #[serde(rename = "client_id", skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiKeyBody<'a> {
    api_key: &'a str,
}

/// A token set from a 2xx answer, with the answer's server time attached.
fn token_set(endpoint: &str, answer: &super::http::Answer) -> Result<TokenSet, ClientError> {
    DrivlyClient::expect_json(endpoint, answer)?;
    let mut set = parse_token_set(endpoint, &answer.body, answer.requested_at)?;
    set.server_date = answer.server_date;
    set.server_skew_secs = answer.skew_secs;
    set.sent = Some(answer.sent);
    super::lifetime::settle(&mut set, answer.estimated_server_now);
    Ok(set)
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(value)
        .map_err(|_| ClientError::InvalidRequest("the request body could not be encoded"))
}

impl DrivlyClient {
    /// Mints a JWT with an API key (`POST {base}/auth`), with the given permissions and an
    /// optional expiry (the server's default is one year).
    ///
    /// # Errors
    /// [`ClientError::Unauthorized`] for a rejected key, [`ClientError::BadRequest`] for
    /// permissions the server refuses, and the transport and server errors of any call.
    pub async fn mint(
        &self,
        api_key: &ApiKey,
        permissions: &[String],
        expires: Option<DateTime<Utc>>,
    ) -> Result<MintedToken, ClientError> {
        let endpoint = self.profile.endpoints.auth.clone();
        let body = MintBody {
            permissions,
            expires: expires.map(|e| e.to_rfc3339_opts(SecondsFormat::Secs, true)),
        };
        let answer = self
            .send(Outgoing {
                method: Method::POST,
                url: self.url(&endpoint),
                endpoint: &endpoint,
                bearer: Some(api_key.expose_secret()),
                json: Some(to_json(&body)?),
            })
            .await?;
        if !answer.status.is_success() {
            let scrub = [api_key.expose_secret()];
            return Err(status_error(
                CallKind::Mint,
                &endpoint,
                &answer,
                &scrub,
                None,
            ));
        }
        Self::expect_json(&endpoint, &answer)?;
        parse_minted(&endpoint, &answer.body, answer.requested_at)
    }

    /// Exchanges an authorization code with its PKCE verifier (`POST {base}/auth/token`).
    ///
    /// # Errors
    /// [`ClientError::SignInNeeded`] when the code is used, expired or does not match the
    /// verifier (`400 invalid_grant`), and the transport and server errors of any call.
    pub async fn exchange_code(
        &self,
        code: &AuthCode,
        verifier: &PkceVerifier,
        redirect_uri: &str,
    ) -> Result<TokenSet, ClientError> {
        let endpoint = self.profile.endpoints.token.clone();
        let body = ExchangeBody {
            code: code.expose_secret(),
            code_verifier: verifier.expose_secret(),
            redirect_uri,
            client_id: self.client_id.as_deref(),
        };
        let answer = self
            .send(Outgoing {
                method: Method::POST,
                url: self.url(&endpoint),
                endpoint: &endpoint,
                bearer: None,
                json: Some(to_json(&body)?),
            })
            .await?;
        if !answer.status.is_success() {
            let scrub = [code.expose_secret(), verifier.expose_secret()];
            return Err(status_error(
                CallKind::Exchange,
                &endpoint,
                &answer,
                &scrub,
                None,
            ));
        }
        token_set(&endpoint, &answer)
    }

    /// Exchanges a refresh token for a new JWT (`POST {base}/auth/refresh`). When the answer
    /// carries a new refresh token (rotation), the one passed in is dead from now on.
    ///
    /// # Errors
    /// [`ClientError::SignInNeeded`] on `400 invalid_grant` or `401`; transient errors
    /// ([`ClientError::is_transient`]) are the caller's to retry with backoff.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenSet, ClientError> {
        let endpoint = self.profile.endpoints.refresh.clone();
        let body = RefreshBody {
            refresh_token: refresh_token.expose_secret(),
            client_id: self.client_id.as_deref(),
        };
        let answer = self
            .send(Outgoing {
                method: Method::POST,
                url: self.url(&endpoint),
                endpoint: &endpoint,
                bearer: None,
                json: Some(to_json(&body)?),
            })
            .await?;
        if !answer.status.is_success() {
            let scrub = [refresh_token.expose_secret()];
            return Err(status_error(
                CallKind::Refresh,
                &endpoint,
                &answer,
                &scrub,
                None,
            ));
        }
        token_set(&endpoint, &answer)
    }

    /// Revokes a refresh token on the server (`POST {base}/auth/revoke`).
    ///
    /// # Errors
    /// Transport and server errors; a missing endpoint is [`RevokeOutcome::NotSupported`],
    /// not an error.
    pub async fn revoke(&self, refresh_token: &RefreshToken) -> Result<RevokeOutcome, ClientError> {
        let Some(endpoint) = self.profile.endpoints.revoke.clone() else {
            return Ok(RevokeOutcome::NotSupported);
        };
        let body = RefreshBody {
            refresh_token: refresh_token.expose_secret(),
            client_id: self.client_id.as_deref(),
        };
        let outgoing = Outgoing {
            method: Method::POST,
            url: self.url(&endpoint),
            endpoint: &endpoint,
            bearer: None,
            json: Some(to_json(&body)?),
        };
        self.revoke_call(outgoing, refresh_token.expose_secret(), false)
            .await
    }

    /// Revokes an API key through the profile's `api_key_revoke_url` (`POST {"apiKey": …}`).
    /// Drivly itself has none (keys are revoked in its dashboard): then
    /// [`RevokeOutcome::NotSupported`].
    ///
    /// # Errors
    /// Transport and server errors.
    pub async fn revoke_api_key(&self, api_key: &ApiKey) -> Result<RevokeOutcome, ClientError> {
        let Some(url) = self.profile.api_key_revoke_url.clone() else {
            return Ok(RevokeOutcome::NotSupported);
        };
        let endpoint = url.path().trim_start_matches('/').to_owned();
        let body = ApiKeyBody {
            api_key: api_key.expose_secret(),
        };
        let outgoing = Outgoing {
            method: Method::POST,
            url,
            endpoint: &endpoint,
            bearer: None,
            json: Some(to_json(&body)?),
        };
        self.revoke_call(outgoing, api_key.expose_secret(), true)
            .await
    }

    /// Shared tail of both revoke calls. `known_endpoint`: the URL was configured for exactly
    /// this purpose, so a `404` carrying a JSON error body means "no such credential" (already
    /// invalid) rather than "no such endpoint"; a bare `404` still means no endpoint.
    async fn revoke_call(
        &self,
        outgoing: Outgoing<'_>,
        secret: &str,
        known_endpoint: bool,
    ) -> Result<RevokeOutcome, ClientError> {
        let endpoint = outgoing.endpoint.to_owned();
        let answer = self.send(outgoing).await?;
        if answer.status.is_success() {
            return Ok(RevokeOutcome::Revoked);
        }
        let body = super::wire::parse_error_body(&answer.body, &[]);
        match status_error(CallKind::Revoke, &endpoint, &answer, &[secret], None) {
            ClientError::NotFound { .. } if known_endpoint && body.error.is_some() => {
                Ok(RevokeOutcome::AlreadyInvalid)
            }
            ClientError::NotFound { .. } => Ok(RevokeOutcome::NotSupported),
            // A 401 on a session revoke is a refusal: nothing says the session ended there.
            ClientError::Unauthorized { message } if !known_endpoint => {
                Err(ClientError::NotRevoked { message })
            }
            ClientError::Unauthorized { .. } => Ok(RevokeOutcome::AlreadyInvalid),
            ClientError::BadRequest { .. } if body.error.as_deref() == Some("invalid_grant") => {
                Ok(RevokeOutcome::AlreadyInvalid)
            }
            other => Err(other),
        }
    }
}
