//! Names of keyring items: the keyring's `user` field is `<kind>/<uuid>`, never free text, so
//! a label change never renames an item and every item this app owns can be recognised.

use std::fmt;

use uuid::Uuid;

/// What a keyring item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// A Drivly API key.
    ApiKey,
    /// A session refresh token.
    RefreshToken,
    /// A per-session secret blob (for example a cached JWT).
    SessionSecret,
    /// The short-lived value written by [`super::SecretStore::probe`].
    Probe,
    /// A sign-in waiting for its redirect (state and PKCE verifier), kept across an app quit.
    PendingSignIn,
}

impl EntryKind {
    /// The prefix used in the item's `user` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api-key",
            Self::RefreshToken => "refresh-token",
            Self::SessionSecret => "session-secret",
            Self::Probe => "probe",
            Self::PendingSignIn => "pending-sign-in",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "api-key" => Some(Self::ApiKey),
            "refresh-token" => Some(Self::RefreshToken),
            "session-secret" => Some(Self::SessionSecret),
            "probe" => Some(Self::Probe),
            "pending-sign-in" => Some(Self::PendingSignIn),
            _ => None,
        }
    }
}

/// The name of one logical secret in the store (a chunked value spans several items that all
/// derive from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryName {
    /// What it holds.
    pub kind: EntryKind,
    /// The id of the record it belongs to (API key id or session id).
    pub id: Uuid,
}

impl EntryName {
    /// A name for `kind` and `id`.
    pub fn new(kind: EntryKind, id: Uuid) -> Self {
        Self { kind, id }
    }

    /// The keyring `user` field: `<kind>/<uuid>`.
    pub fn user(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.id)
    }

    /// Parses a keyring `user` field, including the chunk items of a chunked value
    /// (`<kind>/<uuid>#…`), which map to their logical entry. `None` for foreign items.
    pub fn parse_user(user: &str) -> Option<Self> {
        let base = user.split('#').next().unwrap_or(user);
        let (kind, id) = base.split_once('/')?;
        Some(Self {
            kind: EntryKind::parse(kind)?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_round_trip_and_chunks_map_to_their_entry() {
        let n = EntryName::new(EntryKind::RefreshToken, Uuid::new_v4());
        assert_eq!(EntryName::parse_user(&n.user()), Some(n));
        assert_eq!(
            EntryName::parse_user(&format!("{}#ab12.3", n.user())),
            Some(n)
        );
        for foreign in [
            "",
            "x",
            "api-key/",
            "api-key/not-a-uuid",
            "other/00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(EntryName::parse_user(foreign), None, "{foreign}");
        }
    }
}
