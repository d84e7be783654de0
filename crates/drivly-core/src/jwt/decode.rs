//! The tolerant compact-JWT decoder shared by inspection and verification.
//!
//! Why our own: `jsonwebtoken` refuses `alg: none` and unknown algorithms, but an inspector must
//! show exactly those tokens (with a warning). Invariants:
//! - work is bounded: input over [`MAX_TOKEN_BYTES`] is refused before anything else, and
//!   serde_json's recursion limit stops deep nesting without a stack overflow;
//! - it never panics on any input (fuzzed, see `fuzz/`);
//! - the compact token is never copied, except once into a zeroizing buffer when whitespace has
//!   to be removed from inside it, and never into an error.

use std::ops::Deref;

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeSliceError, Engine};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::error::{JwtError, Segment};
use super::json;

/// The largest input accepted, in bytes (64 KiB). Real JWTs are under 8 KiB.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// base64url that accepts the (non-standard) padded form too: people paste what they have.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A signature this long or shorter is checked in a stack buffer; RSA-4096 signatures are 512
/// bytes, so only odd input takes the allocating path.
const SIGNATURE_STACK_BYTES: usize = 512;

/// The token with whitespace removed. A pasted token rarely contains whitespace inside, and then
/// the caller's text is used as is: not copying a bearer credential is both the cheapest and the
/// safest option.
pub(crate) enum Compact<'a> {
    /// The input needed only trimming.
    Borrowed(&'a str),
    /// The input had whitespace inside (a line-wrapped token); this is the one copy.
    Owned(Zeroizing<String>),
}

impl Deref for Compact<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Self::Borrowed(text) => text,
            Self::Owned(text) => text,
        }
    }
}

/// A decoded token. Not `Serialize`, and its `Debug` hides the signing input.
pub(crate) struct DecodedToken<'a> {
    /// `header.payload.signature` exactly as received (without whitespace).
    compact: Compact<'a>,
    /// Byte offset of the second dot in `compact`.
    second_dot: usize,
    /// The header object.
    pub header: Map<String, Value>,
    /// The claims object.
    pub claims: Map<String, Value>,
    /// Length of the cleaned token, in bytes.
    pub len: usize,
}

impl std::fmt::Debug for DecodedToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedToken")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl DecodedToken<'_> {
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
        if sig.is_empty() {
            return false;
        }
        // Decoding is the exact check (alphabet, length, padding, trailing bits); the bytes are
        // thrown away, so a stack buffer saves the allocation for every real signature.
        let mut buf = [0u8; SIGNATURE_STACK_BYTES];
        match B64URL.decode_slice(sig, &mut buf) {
            Ok(_) => true,
            Err(DecodeSliceError::DecodeError(_)) => false,
            Err(DecodeSliceError::OutputSliceTooSmall) => B64URL.decode(sig).is_ok(),
        }
    }

    /// A string header parameter.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }
}

/// Removes what people paste around a token: surrounding whitespace, a `Bearer ` prefix (any
/// case), surrounding quotes, and whitespace inside (line-wrapped tokens).
pub(crate) fn clean(input: &str) -> Compact<'_> {
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
    // Whitespace is either ASCII below '!' or not ASCII at all, so text of visible ASCII only
    // (every well-formed token) has none inside. A fold rather than `all` so the scan has no
    // early exit and is vectorised: the common case reads every byte anyway.
    if text
        .bytes()
        .fold(true, |graphic, b| graphic & b.is_ascii_graphic())
    {
        return Compact::Borrowed(text);
    }
    // Sized up front so the buffer never grows: growing would free an un-zeroized partial copy.
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    for piece in text.split(char::is_whitespace) {
        out.push_str(piece);
    }
    Compact::Owned(out)
}

/// The token as a server wants it: `input` without the whitespace, `Bearer ` prefix and quotes
/// people paste around it (what [`super::inspect`] reads). Zeroized when dropped.
pub fn compact_token(input: &str) -> Zeroizing<String> {
    Zeroizing::new((*clean(input)).to_owned())
}

/// Decodes a compact JWT without verifying it. See the module docs.
pub(crate) fn decode(input: &str) -> Result<DecodedToken<'_>, JwtError> {
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
    // In a JWS the first dot ends the short header and the last starts the short signature, so
    // they are searched for from each end; the payload between them, most of the token, is
    // then only scanned (memchr) for a dot that would make it something else.
    let (first_dot, second_dot) = match (compact.find('.'), compact.rfind('.')) {
        (Some(first), Some(last))
            if compact
                .get(first + 1..last)
                .is_some_and(|payload| !payload.contains('.')) =>
        {
            (first, last)
        }
        _ => {
            let count = compact.bytes().filter(|&b| b == b'.').count();
            return Err(match count {
                0 => JwtError::Opaque,
                4 => JwtError::Encrypted,
                _ => JwtError::SegmentCount { found: count + 1 },
            });
        }
    };
    let header_b64 = &compact[..first_dot];
    let payload_b64 = &compact[first_dot + 1..second_dot];
    // One buffer for both parts: the header's allocation is reused for the payload.
    let mut buf = Vec::with_capacity(base64::decoded_len_estimate(
        header_b64.len().max(payload_b64.len()),
    ));
    let header = decode_object(header_b64, Segment::Header, &mut buf)?;
    let claims = decode_object(payload_b64, Segment::Payload, &mut buf)?;
    let len = compact.len();
    Ok(DecodedToken {
        compact,
        second_dot,
        header,
        claims,
        len,
    })
}

/// base64url-decodes one part into `buf` (cleared first) and parses it as a JSON object.
fn decode_object(
    part: &str,
    segment: Segment,
    buf: &mut Vec<u8>,
) -> Result<Map<String, Value>, JwtError> {
    buf.clear();
    B64URL.decode_vec(part, buf).map_err(|e| JwtError::Base64 {
        segment,
        detail: e.to_string(),
    })?;
    let text = std::str::from_utf8(buf).map_err(|_| JwtError::NotUtf8 { segment })?;
    let value = json::parse(text).map_err(|e| JwtError::NotJson {
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
