//! JWT inspection and signature verification, done locally (people rightly hesitate to paste
//! tokens into websites).
//!
//! - [`inspect`] decodes any compact JWT without verifying it, including expired and `alg: none`
//!   tokens, and describes it: header, claims, the three time claims as [`TimeClaim`]s with
//!   relative text, the permission table, and [`Warning`]s. The result never holds the token.
//! - [`verify`] checks the signature against a [`KeySet`] built from a profile's JWKS or a
//!   pasted PEM, JWK, JWKS or HS secret, each key with an algorithm allow-list.
//! - [`humanize`] words durations the same way for the UI and the CLI.
//!
//! Both entry points refuse input over [`MAX_TOKEN_BYTES`], never panic, and do no I/O.

mod alg;
mod decode;
mod error;
pub mod humanize;
mod inspect;
mod json;
mod jwk;
mod keys;
mod time_claim;
mod verify;
mod warning;

pub use alg::{AlgClass, KeyFamily, SigningAlg, classify_alg};
pub use decode::{MAX_TOKEN_BYTES, compact_token};
pub use error::{JwtError, Segment};
pub use inspect::{CLOCK_SKEW_SECONDS, Inspection, LARGE_TOKEN_BYTES, inspect};
pub use keys::{
    KeyError, KeySet, KeySource, KeySummary, MAX_JWKS_KEYS, MAX_KEY_TEXT_BYTES, SkippedKey,
    VerificationKey,
};
pub use time_claim::{MAX_NUMERIC_DATE, TimeClaim, TimeClaimKind, describe, read_time_claim};
pub use verify::{MAX_KEYS_TRIED, SignatureStatus, verify};
pub use warning::{Severity, Warning, WarningCode};
