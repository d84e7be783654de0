//! The session model: what a signed-in browser session is, and the views the UI and the CLI see.
//!
//! Invariants: nothing here holds a secret. [`SessionMeta`] is the non-secret record kept in the
//! index (it serializes both ways); [`SessionView`] adds the live [`SessionState`] and only
//! serializes out. The refresh token and the JWT live in the secret store and in the refresher's
//! memory, never in these types, so a view can go to the webview or to `--json` output as is.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::profile::ProfileId;

/// A session's stable identifier: a random UUID, also the key of its keyring entries and its
/// lock file, so it must stay a plain slug (see [`SessionId::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(String);

impl SessionId {
    /// A new random identifier.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// Accepts 1 to 64 characters of `a-z`, `A-Z`, `0-9`, `-` and `_`: the identifier becomes
    /// a file name and a keyring account, where anything else could escape or collide.
    pub fn parse(value: &str) -> Option<Self> {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(value.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The non-secret facts about a session, kept in the index and shown in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionMeta {
    /// The session's identifier.
    pub id: SessionId,
    /// The profile (Drivly environment) it belongs to.
    pub profile_id: ProfileId,
    /// The user the session acts for (the JWT's `sub`), when known.
    pub subject: Option<String>,
    /// The account as people know it: the JWT's `email`, `name` or `preferred_username`
    /// claim, when the server sends one.
    #[serde(default)]
    pub account: Option<String>,
    /// The user's own name for the session ("staging admin"); `None` until they give one.
    #[serde(default)]
    pub label: Option<String>,
    /// The permissions granted at sign-in.
    pub permissions: Vec<String>,
    /// When the session was created (sign-in finished).
    pub created: DateTime<Utc>,
    /// When the JWT was last refreshed successfully.
    pub last_refresh: Option<DateTime<Utc>>,
    /// When the next background refresh is planned.
    pub next_refresh: Option<DateTime<Utc>>,
    /// When the current JWT expires.
    pub jwt_expires: Option<DateTime<Utc>>,
    /// The server's clock minus this computer's, in seconds, from the `Date` of the last
    /// token answer; kept only when it is over [`SKEW_SHOWN_SECS`] (positive: the server is
    /// ahead). Token lifetimes never depend on it; it is shown so people can fix a clock.
    #[serde(default)]
    pub server_clock_skew_secs: Option<i64>,
    /// True when the server rotated the refresh token and the new one could not be saved: the
    /// stored one is dead, and every process refuses to send it ("sign in again") so the
    /// server never sees a replay. Cleared when the new one is saved.
    #[serde(default)]
    pub refresh_token_unusable: bool,
}

impl SessionMeta {
    /// What to call the session: the user's label, else the account, else the `sub`.
    pub fn display_name(&self) -> &str {
        self.label
            .as_deref()
            .or(self.account.as_deref())
            .or(self.subject.as_deref())
            .unwrap_or("session")
    }
}

/// A clock difference with the server above this many seconds is recorded and shown.
pub const SKEW_SHOWN_SECS: i64 = 30;

impl SessionMeta {
    /// Metadata for a session created now, with no refresh yet.
    pub fn new(
        id: SessionId,
        profile_id: ProfileId,
        subject: Option<String>,
        permissions: Vec<String>,
        created: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            profile_id,
            subject,
            account: None,
            label: None,
            permissions,
            created,
            last_refresh: None,
            next_refresh: None,
            jwt_expires: None,
            server_clock_skew_secs: None,
            refresh_token_unusable: false,
        }
    }
}

/// The last failure of a refresh, as shown to people: a stable code and a message that says
/// what to do next. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LastError {
    /// Stable `snake_case` code, for example `service_unavailable`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

/// Where a session stands. Serialized with a `status` tag in `snake_case` (`active`,
/// `refreshing`, `retrying`, `needs_sign_in`, `needs_setup`, `signed_out`) and camelCase fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum SessionState {
    /// A usable JWT is held and the next refresh is scheduled.
    Active,
    /// A refresh is in flight.
    Refreshing,
    /// The last refresh failed with a transient error; the next attempt is scheduled.
    Retrying {
        /// When the next attempt is due (wall clock).
        next_attempt: DateTime<Utc>,
        /// Why the last attempt failed.
        last_error: LastError,
    },
    /// The refresh token is dead (`invalid_grant` or `401`): the user must sign in again.
    /// Nothing is refreshed until then.
    NeedsSignIn {
        /// The server's explanation.
        reason: LastError,
    },
    /// A token endpoint does not exist on the server (`404`/`405` from the refresh endpoint):
    /// the profile's endpoint path or base URL must change, and retrying cannot help. Nothing
    /// is retried in the background; the user's next request ("Retry now", a token) tries
    /// again with the profile as it is then. The held JWT stays usable until it expires.
    NeedsSetup {
        /// What was not found and where to change it.
        reason: LastError,
    },
    /// The session was signed out: its secrets are deleted.
    SignedOut,
}

impl SessionState {
    /// The `status` tag, for logs and comparisons.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Refreshing => "refreshing",
            Self::Retrying { .. } => "retrying",
            Self::NeedsSignIn { .. } => "needs_sign_in",
            Self::NeedsSetup { .. } => "needs_setup",
            Self::SignedOut => "signed_out",
        }
    }
}

/// A session as the UI and the CLI see it: metadata plus the live state. No secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// The metadata.
    #[serde(flatten)]
    pub meta: SessionMeta,
    /// The live state.
    pub state: SessionState,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> SessionMeta {
        let profile = ProfileId::parse("emulator").unwrap_or_else(|_| unreachable!());
        SessionMeta::new(
            SessionId::new_random(),
            profile,
            Some("usr_1".into()),
            vec!["invoices.read".into()],
            DateTime::<Utc>::UNIX_EPOCH,
        )
    }

    #[test]
    fn view_serializes_camel_case_with_a_snake_case_status() {
        let view = SessionView {
            meta: meta(),
            state: SessionState::Retrying {
                next_attempt: DateTime::<Utc>::UNIX_EPOCH,
                last_error: LastError {
                    code: "service_unavailable".into(),
                    message: "later".into(),
                },
            },
        };
        let json = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(json["state"]["status"], "retrying");
        assert_eq!(json["state"]["lastError"]["code"], "service_unavailable");
        assert!(json["state"]["nextAttempt"].is_string());
        assert_eq!(json["profileId"], "emulator");
        assert!(json.get("jwtExpires").is_some());
        let signed_in = serde_json::to_value(SessionState::NeedsSignIn {
            reason: LastError {
                code: "sign_in_needed".into(),
                message: "m".into(),
            },
        })
        .unwrap_or_default();
        assert_eq!(signed_in["status"], "needs_sign_in");
    }

    #[test]
    fn session_ids_are_slugs() {
        assert!(SessionId::parse("abc-DEF_123").is_some());
        assert!(SessionId::parse("").is_none());
        assert!(SessionId::parse("../etc").is_none());
        assert!(SessionId::parse(&"a".repeat(65)).is_none());
        let id = SessionId::new_random();
        assert_eq!(SessionId::parse(id.as_str()), Some(id));
    }
}
