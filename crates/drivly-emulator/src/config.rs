//! How an emulator is configured when it starts.
//!
//! Everything here is a starting value: the test controls (see [`crate::Emulator`]) can change
//! the JWT lifetime and rotation later, and [`crate::Emulator::reset`] returns to these values.

use std::path::PathBuf;
use std::time::Duration;

use crate::dialect::{Dialect, HS256_TEST_SECRET};

/// The settings an emulator starts with. Every field is public; `Config::default()` gives an
/// ephemeral port, 10-minute session JWTs, refresh-token rotation, a freshly generated Ed25519
/// signing key and the code redirect form.
#[derive(Debug, Clone)]
pub struct Config {
    /// TCP port on 127.0.0.1; `0` picks a free ephemeral port.
    pub port: u16,
    /// Lifetime of session JWTs (issued by code exchange and refresh). Minted API JWTs use the
    /// `expires` of the request instead (default one year).
    pub jwt_lifetime: Duration,
    /// Whether refresh answers with a new refresh token and kills the old one.
    pub rotation: bool,
    /// How JWTs are signed.
    pub signing: Signing,
    /// Redirect back with the token form (`token`, `refreshToken`, `expires`) instead of a code,
    /// for every authorization request.
    pub token_redirect: bool,
    /// API keys that exist from the start, in addition to the generated demo key.
    pub api_keys: Vec<String>,
    /// Users `(email, password)` that exist from the start, in addition to the demo user.
    pub users: Vec<(String, String)>,
    /// File that keeps API keys, users, sessions and the signing key across restarts.
    pub state_file: Option<PathBuf>,
    /// Wire-format variants to speak (protocol.md D); see [`Dialect`].
    pub dialects: Vec<Dialect>,
    /// The server's clock offset from real time, in seconds: its `Date` header, `iat`, `exp`
    /// and `expires` are shifted by this much. [`crate::Emulator::reset`] returns to it.
    pub clock_offset_secs: i64,
}

impl Config {
    /// Folds the dialects that only pick a starting value into the plain fields:
    /// `token-form` sets [`Config::token_redirect`], `no-rotation` clears [`Config::rotation`],
    /// `hs256` signs with [`HS256_TEST_SECRET`].
    pub(crate) fn with_dialects_applied(mut self) -> Self {
        for d in &self.dialects {
            match d {
                Dialect::TokenForm => self.token_redirect = true,
                Dialect::NoRotation => self.rotation = false,
                Dialect::Hs256 => {
                    self.signing = Signing::Hs256 {
                        secret: HS256_TEST_SECRET.to_owned(),
                    }
                }
                _ => {}
            }
        }
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            jwt_lifetime: Duration::from_secs(600),
            rotation: true,
            signing: Signing::default(),
            token_redirect: false,
            api_keys: Vec::new(),
            users: Vec::new(),
            state_file: None,
            dialects: Vec::new(),
            clock_offset_secs: 0,
        }
    }
}

/// How the emulator signs JWTs.
#[derive(Clone, Default)]
pub enum Signing {
    /// EdDSA (Ed25519) with a key generated at start, or loaded from the state file. Published at
    /// `/api/.well-known/jwks.json` with a `kid`. Ed25519 rather than RSA because key generation is
    /// instant, which keeps tests that start many emulators quick.
    #[default]
    Ed25519Generated,
    /// HS256 with a shared secret, like Drivly's own examples. The JWKS is then empty, since a
    /// symmetric key must not be published.
    Hs256 {
        /// The HMAC secret; must not be empty.
        secret: String,
    },
}

impl std::fmt::Debug for Signing {
    // The HS256 secret stays out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ed25519Generated => f.write_str("Ed25519Generated"),
            Self::Hs256 { .. } => f.write_str("Hs256 { secret: <redacted> }"),
        }
    }
}
