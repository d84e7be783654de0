//! The Drivly HTTP client: mint, code exchange, refresh, revoke, "try it", API-key check and
//! JWKS, for one profile (see `shared/docs/protocol.md`).
//!
//! Invariants: reqwest with rustls; connect and total timeouts; redirects followed only for
//! same-origin GETs, never for token calls (a
//! token call answered with a redirect is an error, not a hop that could carry a credential
//! elsewhere); `Authorization` marked sensitive; responses parsed tolerantly ([`wire`]);
//! every failure a typed [`ClientError`] whose message holds no secret and no URL query.
//! Nothing here retries or schedules: that is the session refresher's job.

mod auth;
mod error;
mod http;
mod lifetime;
mod probe;
mod resources;
mod tokens;
mod wire;

pub use auth::RevokeOutcome;
pub use error::ClientError;
pub use http::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DrivlyClient, DrivlyClientBuilder};
pub use lifetime::{ExpiryBasis, LifetimeSource};
pub use probe::ProbeAnswer;
pub use reqwest::Method;
pub use resources::{BODY_PREVIEW_CHARS, KeyVerdict, Paging, TryItResult};
pub use tokens::{EXPIRY_SKEW_TOLERANCE_SECS, ExpirySkew, MintedToken, ParseWarning, TokenSet};
pub use wire::{jwt_exp, jwt_iat};
