//! [`SessionStore`] for the real [`Vault`]: the refresh token in its `refresh-token/<id>` item,
//! the shared JWT in its `session-secret/<id>` blob (encoded by [`SharedJwt::encode`]), and the
//! metadata in the vault's [`SessionRecord`] (typed fields, `extra` kept as read).
//!
//! Invariants: the vault keys sessions by UUID, so a [`SessionId`] that is not a UUID is refused
//! rather than mapped; a missing keyring item is `Ok(None)`; every vault error keeps its code.

use crate::Code;
use uuid::Uuid;

use super::model::{SessionId, SessionMeta};
use super::ports::{SessionStore, SharedJwt, StoreError};
use crate::ErrorCode;
use crate::secret::RefreshToken;
use crate::vault::{self, SessionRecord, Vault, VaultError};

fn uuid(id: &SessionId) -> Result<Uuid, StoreError> {
    Uuid::parse_str(id.as_str()).map_err(|_| StoreError::Index {
        code: Code::SessionNotFound,
        detail: "the session id is not a UUID, so the vault cannot hold it".into(),
    })
}

/// The vault's error with its own code: keyring errors as they are, index errors by code.
fn store_error(error: &VaultError) -> StoreError {
    match error {
        VaultError::Store(e) => e.clone(),
        other => StoreError::Index {
            code: other.code(),
            detail: other.to_string(),
        },
    }
}

/// `Ok(None)` for a missing keyring item, the value otherwise.
fn optional<T>(result: Result<T, VaultError>) -> Result<Option<T>, StoreError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(VaultError::Store(vault::StoreError::Missing)) => Ok(None),
        Err(e) => Err(store_error(&e)),
    }
}

impl SessionStore for Vault {
    fn refresh_token(&self, id: &SessionId) -> Result<Option<RefreshToken>, StoreError> {
        optional(self.get_refresh_token(uuid(id)?))
    }

    fn put_refresh_token(&self, id: &SessionId, token: &RefreshToken) -> Result<(), StoreError> {
        Vault::put_refresh_token(self, uuid(id)?, token).map_err(|e| store_error(&e))
    }

    fn shared_jwt(&self, id: &SessionId) -> Result<Option<SharedJwt>, StoreError> {
        Ok(optional(self.get_session_secret(uuid(id)?))?.and_then(|blob| SharedJwt::decode(&blob)))
    }

    fn put_shared_jwt(&self, id: &SessionId, jwt: &SharedJwt) -> Result<(), StoreError> {
        self.put_session_secret(uuid(id)?, &jwt.encode())
            .map_err(|e| store_error(&e))
    }

    fn delete_secrets(&self, id: &SessionId) -> Result<(), StoreError> {
        let id = uuid(id)?;
        // Refresh token first: once it is gone nothing can revive the session.
        self.delete_refresh_token(id).map_err(|e| store_error(&e))?;
        self.delete_session_secret(id)
            .map_err(|e| store_error(&e))?;
        Ok(())
    }

    fn save_record(&self, meta: &SessionMeta) -> Result<(), StoreError> {
        let id = uuid(&meta.id)?;
        // Keep fields a newer build may have written, and the label: the user renames a
        // session in the record itself, so a refresher's older copy never undoes it.
        let existing = self.get_session(id).ok();
        let label = match &existing {
            Some(record) => record.label.clone(),
            None => meta.label.clone(),
        };
        let extra = existing.map(|r| r.extra).unwrap_or_default();
        let record = SessionRecord {
            id,
            profile_id: meta.profile_id.clone(),
            subject: meta.subject.clone(),
            account: meta.account.clone(),
            label,
            permissions: meta.permissions.clone(),
            created: meta.created,
            last_refresh: meta.last_refresh,
            next_refresh: meta.next_refresh,
            jwt_expires: meta.jwt_expires,
            server_clock_skew_secs: meta.server_clock_skew_secs,
            refresh_token_unusable: meta.refresh_token_unusable,
            extra,
            state: vault::JournalState::Active,
        };
        self.put_session(record)
            .map(|_| ())
            .map_err(|e| store_error(&e))
    }

    fn set_label(&self, id: &SessionId, label: Option<&str>) -> Result<(), StoreError> {
        let id = uuid(id)?;
        let mut record = self.get_session(id).map_err(|e| store_error(&e))?;
        record.label = label.map(str::to_owned);
        self.put_session(record)
            .map(|_| ())
            .map_err(|e| store_error(&e))
    }

    fn records(&self) -> Result<Vec<SessionMeta>, StoreError> {
        Ok(self
            .list_sessions()
            .map_err(|e| store_error(&e))?
            .iter()
            .filter(|r| r.state == vault::JournalState::Active)
            .map(meta_from_record)
            .collect())
    }

    fn remove_record(&self, id: &SessionId) -> Result<(), StoreError> {
        match self.remove_session(uuid(id)?) {
            Ok(_) | Err(VaultError::SessionNotFound(_)) => Ok(()),
            Err(e) => Err(store_error(&e)),
        }
    }

    fn has_record(&self, id: &SessionId) -> Result<bool, StoreError> {
        let id = uuid(id)?;
        let records = self.list_sessions().map_err(|e| store_error(&e))?;
        Ok(records
            .iter()
            .any(|r| r.id == id && r.state == vault::JournalState::Active))
    }

    // Asked on every refresh: the trait's default turns every record into a `SessionMeta`
    // to find one; this reads the index once and copies nothing.
    fn refresh_token_unusable(&self, id: &SessionId) -> Result<bool, StoreError> {
        let id = uuid(id)?;
        let records = self.list_sessions().map_err(|e| store_error(&e))?;
        Ok(records.iter().any(|r| {
            r.id == id && r.state == vault::JournalState::Active && r.refresh_token_unusable
        }))
    }
}

/// The session metadata of a vault record (for starting a refresher on a stored session).
pub fn meta_from_record(record: &SessionRecord) -> SessionMeta {
    SessionMeta {
        // A UUID is always a valid session id.
        id: SessionId::parse(&record.id.to_string()).unwrap_or_else(SessionId::new_random),
        profile_id: record.profile_id.clone(),
        subject: record.subject.clone(),
        account: record.account.clone(),
        label: record.label.clone(),
        permissions: record.permissions.clone(),
        created: record.created,
        last_refresh: record.last_refresh,
        next_refresh: record.next_refresh,
        jwt_expires: record.jwt_expires,
        server_clock_skew_secs: record.server_clock_skew_secs,
        refresh_token_unusable: record.refresh_token_unusable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_keep_their_codes() {
        let timeout = VaultError::Store(vault::StoreError::Timeout {
            after: std::time::Duration::from_secs(5),
        });
        assert_eq!(store_error(&timeout).code(), "keyring_timeout");
        assert_eq!(
            store_error(&VaultError::Store(vault::StoreError::Locked)).code(),
            "keyring_locked"
        );
        assert_eq!(
            store_error(&VaultError::SessionNotFound(Uuid::nil())).code(),
            "session_not_found"
        );
        let bad = SessionId::parse("not-a-uuid").unwrap_or_else(SessionId::new_random);
        assert!(uuid(&bad).is_err());
    }

    #[test]
    fn records_written_by_older_builds_read_their_times_into_typed_fields() {
        let old = serde_json::json!({
            "id": "6f1d2c3b-0000-4000-8000-000000000001",
            "profileId": "emulator",
            "created": "2026-01-01T00:00:00Z",
            "lastRefresh": "2026-01-01T00:05:00Z",
            "nextRefresh": "2026-01-01T00:12:00Z",
            "jwtExpires": "2026-01-01T00:15:00Z",
            "futureField": 7
        });
        let record: SessionRecord = serde_json::from_value(old).unwrap_or_else(|e| panic!("{e}"));
        let meta = meta_from_record(&record);
        assert_eq!(
            meta.next_refresh.map(|t| t.to_rfc3339()),
            Some("2026-01-01T00:12:00+00:00".into())
        );
        assert_eq!(
            meta.jwt_expires.map(|t| t.to_rfc3339()),
            Some("2026-01-01T00:15:00+00:00".into())
        );
        assert_eq!(record.extra.len(), 1, "only unknown fields stay in extra");
        let written = serde_json::to_value(&record).unwrap_or_default();
        assert_eq!(written["jwtExpires"], "2026-01-01T00:15:00Z");
        assert_eq!(written["futureField"], 7);
    }

    #[test]
    fn the_dead_token_mark_is_read_from_that_sessions_record_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let paths = crate::app_paths::AppPaths::in_folder(dir.path());
        let (vault, _) = Vault::open(&paths, std::sync::Arc::new(vault::MemoryStore::new()))
            .unwrap_or_else(|e| panic!("{e}"));
        let profile =
            crate::profile::ProfileId::parse("emulator").unwrap_or_else(|e| panic!("{e}"));
        let meta = |unusable| SessionMeta {
            refresh_token_unusable: unusable,
            ..SessionMeta::new(
                SessionId::new_random(),
                profile.clone(),
                None,
                Vec::new(),
                chrono::Utc::now(),
            )
        };
        let (dead, alive) = (meta(true), meta(false));
        for m in [&dead, &alive] {
            SessionStore::save_record(&vault, m).unwrap_or_else(|e| panic!("{e}"));
        }
        let unusable =
            |id| SessionStore::refresh_token_unusable(&vault, id).unwrap_or_else(|e| panic!("{e}"));
        assert!(unusable(&dead.id));
        assert!(!unusable(&alive.id));
        assert!(
            !unusable(&SessionId::new_random()),
            "an unknown session has no mark"
        );
    }
}
