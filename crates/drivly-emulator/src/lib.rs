//! A Drivly-compatible auth and API server on 127.0.0.1, for offline use, demos and tests.
//!
//! It speaks the wire contract of `docs/protocol.md` (sections A to C) and shares no code with
//! the client, so a protocol mismatch shows up as a failing test instead of hiding behind a
//! shared type.
//!
//! ```no_run
//! # async fn demo() -> Result<(), drivly_emulator::StartError> {
//! let emu = drivly_emulator::Emulator::start(drivly_emulator::Config::default()).await?;
//! println!("{} (key {})", emu.base_url(), emu.demo_api_key());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Choices where the contract is silent (how the real API most plausibly behaves):
//! - JWTs are EdDSA (Ed25519) by default, `kid` in the header, public key at
//!   `/api/.well-known/jwks.json`; HS256 with a given secret as an option (empty JWKS then).
//!   Claims: `iss` (base URL), `sub` (user id, or `acct_emulator` for API keys), `permissions`,
//!   `iat`, `exp`, `jti`, `kind` (`api` or `session`), and `sid` (session or API key id, so
//!   revoking either makes its JWTs answer 401).
//! - Minting accepts `expires` as RFC 3339 or a plain `YYYY-MM-DD` date; only API keys may mint.
//! - Authorization codes live 60 s and are consumed by the first exchange attempt; reuse revokes
//!   the session they produced. Sign-ins in progress expire after 10 minutes.
//! - Refresh with a replaced (rotated) token revokes the whole session (RFC 9700 §4.14.2) and
//!   answers `400 invalid_grant`, as do unknown and revoked tokens.
//! - Revoke answers `204` for known and unknown tokens alike (RFC 7009 §2.2).
//! - `.write` does not imply `.read`; API keys may do everything. Lists paginate with
//!   `page` (from 1) and `limit` (1 to 100, default 10).
//! - Errors are `{"error": code, "message": text}`; bodies over 64 KiB answer `413`.
//! - The request log and the latency and failure controls skip `/__emulator/`; a request whose
//!   connection was dropped is logged with status `0`.
//! - Dialects ([`Dialect`], `--dialect`) speak the variants of protocol.md D on request, and
//!   `Config::clock_offset_secs` (`--clock-offset`) shifts the server's clock, `Date` included.
//! - The demo API key is new at every start (only digests are stored); the demo user is
//!   [`DEMO_EMAIL`] / [`DEMO_PASSWORD`].

mod config;
mod controls;
mod dialect;
mod error;
mod html;
mod permissions;
mod persist;
mod resources;
mod routes;
mod server;
mod shared;
mod signing;
mod state;
#[cfg(feature = "testing")]
pub mod testing;
mod tokens;

pub use config::{Config, Signing};
pub use controls::{Endpoint, LoggedRequest};
pub use dialect::{Dialect, HS256_TEST_SECRET, UnknownDialect};
pub use error::ApiError;
pub use persist::PersistError;
pub use server::{DEMO_EMAIL, DEMO_PASSWORD, Emulator, StartError};
pub use signing::SigningError;
