//! Why a pasted string could not be decoded as a JWT.
//!
//! Messages name the part that is wrong and what to do; they never quote the token (a JWT is a
//! bearer credential) and serde_json's syntax errors, which are included, only give positions.

use crate::Code;
use std::fmt;

use crate::ErrorCode;

/// A part of a compact JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// The first part: the JOSE header.
    Header,
    /// The second part: the claims.
    Payload,
    /// The third part: the signature.
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header (first part)",
            Self::Payload => "payload (second part)",
            Self::Signature => "signature (third part)",
        })
    }
}

/// A decoding failure. See the module docs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Nothing left after trimming whitespace and `Bearer `.
    #[error("The input is empty: paste a JWT (three base64url parts separated by dots).")]
    Empty,
    /// Over the size cap; rejected before any parsing.
    #[error("The input is {len} bytes; tokens over {max} bytes are refused. Paste a single JWT.")]
    TooLarge {
        /// Input length in bytes.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// No dots at all: an API key, a refresh token or another opaque string.
    #[error(
        "This is not a JWT: it has no dots. It looks like an opaque token (an API key or a refresh token), which has nothing to decode."
    )]
    Opaque,
    /// Five parts: an encrypted JWE.
    #[error(
        "This has five parts: it is an encrypted token (JWE), which cannot be read without the recipient's key."
    )]
    Encrypted,
    /// Neither one, three nor five parts.
    #[error(
        "A JWT has three parts separated by dots (header.payload.signature); this has {found}. Check that the whole token was copied."
    )]
    SegmentCount {
        /// Parts found.
        found: usize,
    },
    /// A part is not base64url.
    #[error(
        "The {segment} is not valid base64url ({detail}). Check the token was copied whole, without extra characters."
    )]
    Base64 {
        /// Which part.
        segment: Segment,
        /// The decoder's description (an offset or a length, never the content).
        detail: String,
    },
    /// A part decodes to bytes that are not UTF-8 text.
    #[error("The {segment} decodes to bytes that are not UTF-8 text, so it is not JSON.")]
    NotUtf8 {
        /// Which part.
        segment: Segment,
    },
    /// A part is not JSON.
    #[error("The {segment} is not valid JSON ({detail}).")]
    NotJson {
        /// Which part.
        segment: Segment,
        /// serde_json's syntax error (position only).
        detail: String,
    },
    /// A part is JSON but not an object.
    #[error("The {segment} is a JSON {found}, but a JWT needs a JSON object here.")]
    NotObject {
        /// Which part.
        segment: Segment,
        /// The JSON type found, such as `array`.
        found: &'static str,
    },
}

impl ErrorCode for JwtError {
    fn code(&self) -> Code {
        match self {
            Self::Empty => Code::JwtEmpty,
            Self::TooLarge { .. } => Code::JwtTooLarge,
            Self::Opaque => Code::JwtOpaqueToken,
            Self::Encrypted => Code::JwtEncrypted,
            Self::SegmentCount { .. } => Code::JwtSegmentCount,
            Self::Base64 { .. } => Code::JwtBadBase64,
            Self::NotUtf8 { .. } => Code::JwtNotUtf8,
            Self::NotJson { .. } => Code::JwtNotJson,
            Self::NotObject { .. } => Code::JwtNotObject,
        }
    }
}
