//! How an emulator is configured when it starts.
//!
//! Everything here is a starting value: the test controls (see [`crate::Emulator`]) can change
//! the JWT lifetime and rotation later, and [`crate::Emulator::reset`] returns to these values.

use std::path::PathBuf;
use std::time::Duration;

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
