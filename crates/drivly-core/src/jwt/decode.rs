//! The tolerant compact-JWT decoder shared by inspection and verification.
//!
//! Why our own: `jsonwebtoken` refuses `alg: none` and unknown algorithms, but an inspector must
//! show exactly those tokens (with a warning). Invariants:
//! - work is bounded: input over [`MAX_TOKEN_BYTES`] is refused before anything else, and
//!   serde_json's recursion limit stops deep nesting without a stack overflow;
//! - it never panics on any input (fuzzed, see `fuzz/`);
//! - the compact token is copied once, into a zeroizing buffer, and never into an error.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::error::{JwtError, Segment};

/// The largest input accepted, in bytes (64 KiB). Real JWTs are under 8 KiB.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// base64url that accepts the (non-standard) padded form too: people paste what they have.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A decoded token. Not `Serialize`, and its `Debug` hides the signing input.
pub(crate) struct DecodedToken {
    /// `header.payload` exactly as received (without whitespace), the JWS signing input.
    compact: Zeroizing<String>,
    /// Byte offset of the second dot in `compact`.
    second_dot: usize,
    /// The header object.
    pub header: Map<String, Value>,
    /// The claims object.
    pub claims: Map<String, Value>,
    /// Length of the cleaned token, in bytes.
    pub len: usize,
}

impl std::fmt::Debug for DecodedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedToken")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl DecodedToken {
    /// The JWS signing input: `base64url(header) . base64url(payload)`.
    pub fn signing_input(&self) -> &str {
        self.compact.get(..self.second_dot).unwrap_or_default()
    }

    /// The signature part, still base64url-encoded (may be empty).
    pub fn signature_b64(&self) -> &str {
        self.compact.get(self.second_dot + 1..).unwrap_or_default()
    }

    /// True when the signature part is non-empty and valid base64url.
    pub fn signature_is_well_formed(&self) -> bool {
        let sig = self.signature_b64();
        !sig.is_empty() && B64URL.decode(sig).is_ok()
    }

    /// A string header parameter.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }
}

/// Removes what people paste around a token: surrounding whitespace, a `Bearer ` prefix (any
/// case), surrounding quotes, and whitespace inside (line-wrapped tokens).
pub(crate) fn clean(input: &str) -> Zeroizing<String> {
    let mut text = input.trim();
    if let (Some(prefix), Some(rest)) = (text.get(..6), text.get(6..))
        && prefix.eq_ignore_ascii_case("bearer")
        && (rest.is_empty() || rest.starts_with(char::is_whitespace))
    {
        text = rest.trim();
    }
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        text = text[1..text.len() - 1].trim();
    }
    Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// Decodes a compact JWT without verifying it. See the module docs.
pub(crate) fn decode(input: &str) -> Result<DecodedToken, JwtError> {
    if input.len() > MAX_TOKEN_BYTES {
        return Err(JwtError::TooLarge {
            len: input.len(),
            max: MAX_TOKEN_BYTES,
        });
    }
    let compact = clean(input);
    if compact.is_empty() {
        return Err(JwtError::Empty);
    }
    let dots: Vec<usize> = compact.match_indices('.').map(|(i, _)| i).collect();
    let (first_dot, second_dot) = match dots.as_slice() {
        [] => return Err(JwtError::Opaque),
        [a, b] => (*a, *b),
        [_, _, _, _] => return Err(JwtError::Encrypted),
        other => {
            return Err(JwtError::SegmentCount {
                found: other.len() + 1,
            });
        }
    };
    let header = decode_object(&compact[..first_dot], Segment::Header)?;
    let claims = decode_object(&compact[first_dot + 1..second_dot], Segment::Payload)?;
    let len = compact.len();
    Ok(DecodedToken {
        compact,
        second_dot,
        header,
        claims,
        len,
    })
}

/// base64url-decodes one part and parses it as a JSON object.
fn decode_object(part: &str, segment: Segment) -> Result<Map<String, Value>, JwtError> {
    let bytes = B64URL.decode(part).map_err(|e| JwtError::Base64 {
        segment,
        detail: e.to_string(),
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| JwtError::NotUtf8 { segment })?;
    let value: Value = serde_json::from_str(text).map_err(|e| JwtError::NotJson {
        segment,
        detail: e.to_string(),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(JwtError::NotObject {
            segment,
            found: json_type(&other),
        }),
    }
}

/// The JSON type name of a value, for messages.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
