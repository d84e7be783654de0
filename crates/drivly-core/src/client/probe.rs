//! Side-effect-free probes for `doctor`: a credential-less `GET` of an endpoint, reporting what
//! answered (status, content type) and the server's clock from its `Date` header. A `GET` on a
//! POST-only endpoint is expected to answer 405, which still proves the path exists; only 404
//! says it does not. No body is read into the report except a JWKS (public keys).

use reqwest::Method;

use super::error::ClientError;
use super::http::{DrivlyClient, Outgoing};

/// What answered one probe.
#[derive(Debug, Clone)]
pub struct ProbeAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` mime type, lowercased.
    pub content_type: Option<String>,
    /// `server Date − local clock`, in seconds, when the server sent a `Date`.
    pub skew_secs: Option<i64>,
    /// The body parsed as JSON, for a JSON answer (the caller only asks this of public data).
    pub json: Option<serde_json::Value>,
}

impl DrivlyClient {
    /// `GET {base}/{path}` (or the base URL itself for `None`) without any credential.
    ///
    /// # Errors
    /// Transport errors (`network_error`, `timeout`) when nothing answered.
    pub async fn probe(&self, path: Option<&str>) -> Result<ProbeAnswer, ClientError> {
        let url = match path {
            Some(p) => self.profile.endpoint(p),
            None => self.profile.base_url.clone(),
        };
        let endpoint = path.unwrap_or("(base URL)");
        let answer = self
            .send(Outgoing {
                method: Method::GET,
                url,
                endpoint,
                bearer: None,
                json: None,
            })
            .await?;
        let json = answer
            .content_type
            .as_deref()
            .filter(|t| t.contains("json"))
            .and_then(|_| serde_json::from_slice(&answer.body).ok());
        Ok(ProbeAnswer {
            status: answer.status.as_u16(),
            content_type: answer.content_type.clone(),
            skew_secs: answer.skew_secs,
            json,
        })
    }
}
