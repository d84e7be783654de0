//! The vault's non-secret index: API key metadata, session records and the mint history, kept
//! in a durable versioned JSON file beside the config ([`crate::durable_file`]).
//!
//! Each record that owns keyring items carries a journal [`JournalState`], because the index
//! and the keyring cannot change in one transaction:
//! - add: record `pending` → keyring write → record `active`;
//! - remove: record `deleting` → keyring delete (absent counts as done) → record removed.
//!
//! A crash between steps leaves a state that [`super::Vault::open`] reconciles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::profile::ProfileId;

/// The index format this build writes and the newest it reads.
pub const INDEX_SCHEMA_VERSION: u64 = 1;
/// How many mint records are kept (oldest dropped first).
pub const MINT_HISTORY_LIMIT: usize = 200;

/// Where a record is in its add or remove cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalState {
    /// Being added: the secret may or may not be in the keyring yet.
    Pending,
    /// In use.
    #[default]
    Active,
    /// Being removed: the secret may or may not still be in the keyring.
    Deleting,
}

/// Metadata of a stored API key (the key itself is only in the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyMeta {
    /// Stable id; the keyring item is `api-key/<id>`.
    pub id: Uuid,
    /// Unique per profile.
    pub label: String,
    /// The profile it belongs to.
    pub profile_id: ProfileId,
    /// When it was added.
    pub created: DateTime<Utc>,
    /// When it was last used to mint or call.
    #[serde(default)]
    pub last_used: Option<DateTime<Utc>>,
    /// `••••abcd`, computed when added.
    pub masked_tail: String,
    /// A free note.
    #[serde(default)]
    pub note: Option<String>,
    /// True when the last reconcile found no secret in the keyring.
    #[serde(default)]
    pub missing_secret: bool,
    /// Journal state.
    #[serde(default)]
    pub state: JournalState,
}

/// A user session's non-secret record. The session logic lives elsewhere; the vault only keeps
/// the record and its secrets (refresh token, optional cached blob). Unknown fields are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    /// Stable id; keyring items are `refresh-token/<id>` and `session-secret/<id>`.
    pub id: Uuid,
    /// The profile it belongs to.
    pub profile_id: ProfileId,
    /// The user (the token's `sub`), when known.
    #[serde(default)]
    pub subject: Option<String>,
    /// The account's email or name from the token, when the server sends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The user's own name for the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Granted permissions.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// When the session was created.
    pub created: DateTime<Utc>,
    /// When the refresh token was last used successfully.
    #[serde(default)]
    pub last_refresh: Option<DateTime<Utc>>,
    /// When the next background refresh is planned. (Older builds kept it in `extra` under
    /// the same name, so files written by either build read the same.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_refresh: Option<DateTime<Utc>>,
    /// When the current JWT expires (same name as older builds' `extra` entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt_expires: Option<DateTime<Utc>>,
    /// The server's clock minus the local clock, in seconds, when over 30 s (see
    /// `session::SessionMeta::server_clock_skew_secs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_clock_skew_secs: Option<i64>,
    /// The stored refresh token is dead (a rotated one could not be saved): never send it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refresh_token_unusable: bool,
    /// Fields this build does not know, kept as they were.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Journal state (set by the vault).
    #[serde(default)]
    pub state: JournalState,
}

/// One JWT minted from an API key: metadata only, never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MintRecord {
    /// A label the user gave, if any.
    #[serde(default)]
    pub label: Option<String>,
    /// The profile it was minted on.
    pub profile_id: ProfileId,
    /// The API key used.
    #[serde(default)]
    pub key_id: Option<Uuid>,
    /// Permissions requested.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Expiry reported by the server.
    #[serde(default)]
    pub expires: Option<DateTime<Utc>>,
    /// When it was minted.
    pub minted_at: DateTime<Utc>,
}

/// The whole index document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IndexDoc {
    #[serde(default)]
    pub api_keys: Vec<ApiKeyMeta>,
    #[serde(default)]
    pub sessions: Vec<SessionRecord>,
    #[serde(default)]
    pub mint_history: Vec<MintRecord>,
}
