//! The emulator's account state: API keys, users, sessions, sign-ins in progress, and the
//! resource data. Plain data behind one `std::sync::Mutex` (never held across an `.await`).
//!
//! Invariant: credentials are stored only as SHA-256 digests (see [`crate::tokens`]); an API key
//! keeps its last four characters so the dashboard can show a masked tail.

mod sessions;

pub(crate) use sessions::{CodeGrant, PENDING_LIFETIME, PendingAuthorization};

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::resources::Resources;
use crate::tokens::{constant_time_eq, digest, random_token};

/// The account every API key acts for (API keys act for a whole account).
pub(crate) const ACCOUNT_ID: &str = "acct_emulator";

/// An API key, without its value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApiKeyRecord {
    pub id: String,
    pub label: String,
    pub digest: String,
    pub tail: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A user who can sign in on the login page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UserRecord {
    pub id: String,
    pub email: String,
    pub salt: String,
    pub password_digest: String,
}

/// A browser user session: what one refresh-token family grants.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionRecord {
    pub id: String,
    pub user_id: String,
    pub permissions: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub refreshed_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

/// What a refresh-token digest points to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RefreshEntry {
    pub session_id: String,
    /// True once rotation replaced this token; presenting it again is a replay.
    pub rotated: bool,
}

/// The whole mutable state.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub api_keys: Vec<ApiKeyRecord>,
    pub users: Vec<UserRecord>,
    pub sessions: BTreeMap<String, SessionRecord>,
    pub refresh_tokens: HashMap<String, RefreshEntry>,
    pub pending: HashMap<String, PendingAuthorization>,
    pub codes: HashMap<String, CodeGrant>,
    pub resources: Resources,
}

/// The part of the state the state file keeps (resources and sign-ins in progress are not kept).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Persisted {
    pub version: u32,
    pub signing_seed: Option<String>,
    pub api_keys: Vec<ApiKeyRecord>,
    pub users: Vec<UserRecord>,
    pub sessions: Vec<SessionRecord>,
    pub refresh_tokens: BTreeMap<String, RefreshEntry>,
}

impl State {
    /// A state with the seeded resources and nothing else.
    pub fn seeded(now: DateTime<Utc>) -> Self {
        Self {
            resources: Resources::seeded(now),
            ..Self::default()
        }
    }

    /// Restores the kept parts from a state file.
    pub fn restore(&mut self, persisted: Persisted) {
        self.api_keys = persisted.api_keys;
        self.users = persisted.users;
        self.sessions = persisted
            .sessions
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        self.refresh_tokens = persisted.refresh_tokens.into_iter().collect();
    }

    /// The kept parts, for the state file.
    pub fn to_persisted(&self, signing_seed: Option<String>) -> Persisted {
        Persisted {
            version: 1,
            signing_seed,
            api_keys: self.api_keys.clone(),
            users: self.users.clone(),
            sessions: self.sessions.values().cloned().collect(),
            refresh_tokens: self.refresh_tokens.clone().into_iter().collect(),
        }
    }

    /// Adds an API key with a known value; returns its id. A key that already exists is
    /// reactivated rather than duplicated.
    pub fn add_api_key(&mut self, label: &str, value: &str, now: DateTime<Utc>) -> String {
        let key_digest = digest(value);
        if let Some(existing) = self.api_keys.iter_mut().find(|k| k.digest == key_digest) {
            existing.revoked_at = None;
            return existing.id.clone();
        }
        let id = random_token("key_", 9);
        let tail: String = value
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        self.api_keys.push(ApiKeyRecord {
            id: id.clone(),
            label: label.to_owned(),
            digest: key_digest,
            tail,
            created_at: now,
            revoked_at: None,
        });
        id
    }

    /// Creates a new random API key and returns its value (the only time it is visible).
    pub fn create_api_key(&mut self, label: &str, now: DateTime<Utc>) -> String {
        let value = random_token("drv_test_", 24);
        self.add_api_key(label, &value, now);
        value
    }

    /// The active API key with this value, if any, or why not.
    pub fn check_api_key(&self, value: &str) -> Result<&ApiKeyRecord, &'static str> {
        let key_digest = digest(value);
        match self.api_keys.iter().find(|k| k.digest == key_digest) {
            None => Err("unknown API key; create one in the dashboard"),
            Some(k) if k.revoked_at.is_some() => {
                Err("this API key was revoked; create a new one in the dashboard")
            }
            Some(k) => Ok(k),
        }
    }

    /// True when an API key with this value exists, revoked or not.
    pub fn api_key_known(&self, value: &str) -> bool {
        let key_digest = digest(value);
        self.api_keys.iter().any(|k| k.digest == key_digest)
    }

    /// True when the API key with this id exists and is not revoked.
    pub fn api_key_active(&self, id: &str) -> bool {
        self.api_keys
            .iter()
            .any(|k| k.id == id && k.revoked_at.is_none())
    }

    /// Revokes the API key with this value; false when unknown or already revoked.
    pub fn revoke_api_key_by_value(&mut self, value: &str, now: DateTime<Utc>) -> bool {
        let key_digest = digest(value);
        self.revoke_api_key_where(|k| k.digest == key_digest, now)
    }

    /// Revokes the API key with this id; false when unknown or already revoked.
    pub fn revoke_api_key_by_id(&mut self, id: &str, now: DateTime<Utc>) -> bool {
        self.revoke_api_key_where(|k| k.id == id, now)
    }

    fn revoke_api_key_where(
        &mut self,
        matches: impl Fn(&ApiKeyRecord) -> bool,
        now: DateTime<Utc>,
    ) -> bool {
        match self
            .api_keys
            .iter_mut()
            .find(|k| matches(k) && k.revoked_at.is_none())
        {
            Some(key) => {
                key.revoked_at = Some(now);
                true
            }
            None => false,
        }
    }

    /// Adds a user, or sets the password of an existing one (emails compare case-insensitively).
    pub fn add_user(&mut self, email: &str, password: &str) {
        let salt = random_token("", 12);
        let password_digest = digest(&format!("{salt}:{password}"));
        if let Some(user) = self
            .users
            .iter_mut()
            .find(|u| u.email.eq_ignore_ascii_case(email))
        {
            user.salt = salt;
            user.password_digest = password_digest;
            return;
        }
        let id = format!("usr_{}", self.users.len() + 1);
        self.users.push(UserRecord {
            id,
            email: email.to_owned(),
            salt,
            password_digest,
        });
    }

    /// The id of the user with these credentials, if they match.
    pub fn check_password(&self, email: &str, password: &str) -> Option<String> {
        let user = self
            .users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.trim()))?;
        let candidate = digest(&format!("{}:{password}", user.salt));
        constant_time_eq(&candidate, &user.password_digest).then(|| user.id.clone())
    }

    /// The email of a user id, for display.
    pub fn user_email(&self, user_id: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.id == user_id)
            .map(|u| u.email.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_are_stored_as_digests_and_revocable() {
        let now = Utc::now();
        let mut state = State::seeded(now);
        let key = state.create_api_key("ci", now);
        assert!(
            state
                .api_keys
                .iter()
                .all(|k| k.digest != key && !key.is_empty())
        );
        assert!(state.check_api_key(&key).is_ok());
        assert!(state.revoke_api_key_by_value(&key, now));
        assert!(!state.revoke_api_key_by_value(&key, now));
        assert!(state.check_api_key(&key).is_err());
    }

    #[test]
    fn passwords_check() {
        let mut state = State::default();
        state.add_user("a@example.com", "pw");
        assert!(state.check_password("A@example.com", "pw").is_some());
        assert!(state.check_password("a@example.com", "nope").is_none());
        assert!(state.check_password("b@example.com", "pw").is_none());
    }
}
