//! The JSON body extractor every API endpoint uses, so that malformed, non-JSON and oversized
//! bodies all answer with the emulator's `{error, message}` shape (axum's own `Json` answers in
//! plain text).
//!
//! Parse errors never echo the body: serde's data errors can quote a value, which may be a
//! credential, so only the position and, for missing or unknown fields, the field name are kept.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest request body accepted, in bytes.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let declared_non_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime != "application/json" && !mime.ends_with("+json")
            })
            .unwrap_or(false);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit: BODY_LIMIT }
            } else {
                ApiError::InvalidRequest("could not read the request body; send it again".into())
            }
        })?;
        if declared_non_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| describe(&e))
    }
}

/// A message for a serde error that cannot contain any part of the body.
fn describe(error: &serde_json::Error) -> ApiError {
    let text = error.to_string();
    let position = format!("line {} column {}", error.line(), error.column());
    let message = match error.classify() {
        serde_json::error::Category::Data => match text.split(" at line").next() {
            Some(head)
                if head.starts_with("missing field") || head.starts_with("unknown field") =>
            {
                format!("the JSON body is not accepted: {head}")
            }
            _ => format!("the JSON body has a field of the wrong type near {position}"),
        },
        serde_json::error::Category::Eof => {
            "the JSON body ends too early; send complete JSON".into()
        }
        _ => format!("the body is not valid JSON (error near {position}); send a JSON object"),
    };
    ApiError::MalformedJson(message)
}
