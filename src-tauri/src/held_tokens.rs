//! Tokens the app holds for the UI without ever sending them there.
//!
//! A minted token (or a session's current JWT opened in the inspector) stays in Rust; the UI
//! gets an opaque, random `tokenRef` and asks Rust to inspect, copy or try it. The map is
//! bounded: the oldest refs are forgotten first, and tokens zeroize when dropped.

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
    /// A pasted or otherwise fixed token: copied as is while it is live.
    Fixed,
    /// A session's JWT at the time it was opened: a copy takes the session's fresh JWT instead.
    Session(String),
}

/// The held tokens, by reference.
#[derive(Debug, Default)]
pub struct HeldTokens {
    tokens: Mutex<VecDeque<(String, Jwt, HeldSource)>>,
}

impl HeldTokens {
    /// Keeps `jwt` and returns its new reference.
    pub fn hold(&self, jwt: Jwt) -> String {
        self.hold_from(jwt, HeldSource::Fixed)
    }

    /// Keeps a token minted at `minted_at`, so the mint history can offer it for this run.
    pub fn hold_minted(&self, jwt: Jwt, minted_at: DateTime<Utc>) -> String {
        self.hold_from(jwt, HeldSource::Minted(minted_at))
    }

    /// The reference of the token minted at `minted_at`, while it is still held.
    pub fn minted_ref(&self, minted_at: DateTime<Utc>) -> Option<String> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(_, _, source)| *source == HeldSource::Minted(minted_at))
            .map(|(token_ref, _, _)| token_ref.clone())
    }

    /// Keeps a session's current `jwt`, remembering the session.
    pub fn hold_session(&self, jwt: Jwt, session_id: &str) -> String {
        self.hold_from(jwt, HeldSource::Session(session_id.to_owned()))
    }

    fn hold_from(&self, jwt: Jwt, source: HeldSource) -> String {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token_ref: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= CAPACITY {
            tokens.pop_front();
        }
        tokens.push_back((token_ref.clone(), jwt, source));
        token_ref
    }

    /// The token behind `token_ref`, if still held.
    pub fn get(&self, token_ref: &str) -> Option<Jwt> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(r, _, _)| r == token_ref)
            .map(|(_, jwt, _)| jwt.clone())
    }

    /// Where the token behind `token_ref` came from, if still held.
    pub fn source(&self, token_ref: &str) -> Option<HeldSource> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .iter()
            .find(|(r, _, _)| r == token_ref)
            .map(|(_, _, source)| source.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_are_opaque_and_bounded() {
        let held = HeldTokens::default();
        let first = held.hold(Jwt::new("a.b.c"));
        assert_eq!(first.len(), 32);
        assert_eq!(held.get(&first).unwrap().expose_secret(), "a.b.c");
        for _ in 0..CAPACITY {
            held.hold(Jwt::new("x.y.z"));
        }
        assert!(held.get(&first).is_none(), "the oldest ref is forgotten");
        assert!(held.get("not-a-ref").is_none());
    }
}
