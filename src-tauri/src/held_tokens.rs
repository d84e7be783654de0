//! Tokens the app holds for the UI without ever sending them there.
//!
//! A minted token (or a session's current JWT opened in the inspector) stays in Rust; the UI
//! gets an opaque, random `tokenRef` and asks Rust to inspect, copy or try it. The map is
//! bounded: the oldest refs are forgotten first, and tokens zeroize when dropped.
//!
//! Each token remembers the origin of the profile it was issued for (scheme, host and port of
//! its base URL when it was held): "Try it" sends a held token only there, so a page cannot
//! hand a session's JWT to another server by naming another profile.

use std::collections::VecDeque;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use drivly_core::secret::Jwt;
use rand::RngCore;

/// How many tokens are kept at most.
const CAPACITY: usize = 64;

/// Where a held token came from, so a copy follows the right freshness rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldSource {
    /// Minted from an API key at this instant (the history entry's `minted_at`): copied as is
    /// while it is live.
    Minted(DateTime<Utc>),
    /// Otherwise fixed (taken from the clipboard): copied as is while it is live.
    Fixed,
    /// A session's JWT at the time it was opened: a copy takes the session's fresh JWT instead.
    Session(String),
}

/// The origin (`https://host:port`) of the server a token was issued by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedBy(String);

impl IssuedBy {
    /// The origin of `base_url` (a profile's API base URL).
    pub fn base_url(base_url: &url::Url) -> Self {
        Self(base_url.origin().ascii_serialization())
    }

    /// The origin named by a token's own `iss` claim (for a token the user brought, such as
    /// one from the clipboard); without a readable URL there, an origin no profile has, so the
    /// token is sent nowhere by "Try it".
    pub fn claimed(iss: Option<&str>) -> Self {
        match iss.and_then(|iss| url::Url::parse(iss).ok()) {
            Some(url) if url.origin().is_tuple() => Self::base_url(&url),
            _ => Self("an unknown server".to_owned()),
        }
    }

    /// The origin as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

type Held = (String, Jwt, HeldSource, IssuedBy);

/// The held tokens, by reference.
#[derive(Debug, Default)]
pub struct HeldTokens {
    tokens: Mutex<VecDeque<Held>>,
}

impl HeldTokens {
    /// Keeps `jwt`, issued by `issuer`, and returns its new reference.
    pub fn hold(&self, jwt: Jwt, issuer: IssuedBy) -> String {
        self.hold_from(jwt, HeldSource::Fixed, issuer)
    }

    /// Keeps a token minted at `minted_at`, so the mint history can offer it for this run.
    pub fn hold_minted(&self, jwt: Jwt, minted_at: DateTime<Utc>, issuer: IssuedBy) -> String {
        self.hold_from(jwt, HeldSource::Minted(minted_at), issuer)
    }

    /// The reference of the token minted at `minted_at`, while it is still held.
    pub fn minted_ref(&self, minted_at: DateTime<Utc>) -> Option<String> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(_, _, source, _)| *source == HeldSource::Minted(minted_at))
            .map(|(token_ref, ..)| token_ref.clone())
    }

    /// Keeps a session's current `jwt`, remembering the session and its server.
    pub fn hold_session(&self, jwt: Jwt, session_id: &str, issuer: IssuedBy) -> String {
        self.hold_from(jwt, HeldSource::Session(session_id.to_owned()), issuer)
    }

    fn hold_from(&self, jwt: Jwt, source: HeldSource, issuer: IssuedBy) -> String {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token_ref: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= CAPACITY {
            tokens.pop_front();
        }
        tokens.push_back((token_ref.clone(), jwt, source, issuer));
        token_ref
    }

    /// The token behind `token_ref`, if still held.
    pub fn get(&self, token_ref: &str) -> Option<Jwt> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(r, ..)| r == token_ref)
            .map(|(_, jwt, ..)| jwt.clone())
    }

    /// Where the token behind `token_ref` came from, if still held.
    pub fn source(&self, token_ref: &str) -> Option<HeldSource> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(r, ..)| r == token_ref)
            .map(|(_, _, source, _)| source.clone())
    }

    /// The origin the token behind `token_ref` was issued by, if still held.
    pub fn issuer(&self, token_ref: &str) -> Option<IssuedBy> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(r, ..)| r == token_ref)
            .map(|(.., issuer)| issuer.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_are_opaque_and_bounded() {
        let held = HeldTokens::default();
        let here = IssuedBy::base_url(&"https://api.example/v1".parse().unwrap());
        let first = held.hold(Jwt::new("a.b.c"), here.clone());
        assert_eq!(held.issuer(&first), Some(here.clone()));
        assert_eq!(here.as_str(), "https://api.example");
        assert_eq!(first.len(), 32);
        assert_eq!(held.get(&first).unwrap().expose_secret(), "a.b.c");
        for _ in 0..CAPACITY {
            held.hold(Jwt::new("x.y.z"), here.clone());
        }
        assert!(held.get(&first).is_none(), "the oldest ref is forgotten");
        assert!(held.get("not-a-ref").is_none());
    }
}
