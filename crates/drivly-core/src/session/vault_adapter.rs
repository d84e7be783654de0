//! [`SessionStore`] for the real [`Vault`]: the refresh token in its `refresh-token/<id>` item,
//! the shared JWT in its `session-secret/<id>` blob (encoded by [`SharedJwt::encode`]), and the
//! metadata in the vault's [`SessionRecord`] (the fields it has no slot for go in `extra`).
//!
//! Invariants: the vault keys sessions by UUID, so a [`SessionId`] that is not a UUID is refused
//! rather than mapped; a missing keyring item is `Ok(None)`; every vault error keeps its code.

use uuid::Uuid;

use super::model::{SessionId, SessionMeta};
use super::ports::{SessionStore, SharedJwt, StoreError};
use crate::ErrorCode;
use crate::secret::RefreshToken;
use crate::vault::{self, SessionRecord, Vault, VaultError};

fn uuid(id: &SessionId) -> Result<Uuid, StoreError> {
    Uuid::parse_str(id.as_str()).map_err(|_| {
        StoreError::Failed("the session id is not a UUID, so the vault cannot hold it".into())
    })
}

fn store_error(error: &VaultError) -> StoreError {
    match error {
        VaultError::Store(vault::StoreError::Locked | vault::StoreError::Timeout { .. }) => {
            StoreError::Locked
        }
        VaultError::Store(
            vault::StoreError::Unavailable { .. } | vault::StoreError::NotPlatformStore { .. },
        ) => StoreError::Unavailable(error.to_string()),
        other => StoreError::Failed(format!("{} ({})", other, other.code())),
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
        let mut extra = serde_json::Map::new();
        for (key, value) in [
            ("nextRefresh", meta.next_refresh),
            ("jwtExpires", meta.jwt_expires),
        ] {
            if let Some(at) = value {
                extra.insert(key.into(), serde_json::Value::String(at.to_rfc3339()));
            }
        }
        let record = SessionRecord {
            id: uuid(&meta.id)?,
            profile_id: meta.profile_id.clone(),
            subject: meta.subject.clone(),
            permissions: meta.permissions.clone(),
            created: meta.created,
            last_refresh: meta.last_refresh,
            extra,
            state: vault::JournalState::Active,
        };
        self.put_session(record)
            .map(|_| ())
            .map_err(|e| store_error(&e))
    }

    fn has_record(&self, id: &SessionId) -> Result<bool, StoreError> {
        let id = uuid(id)?;
        let records = self.list_sessions().map_err(|e| store_error(&e))?;
        Ok(records
            .iter()
            .any(|r| r.id == id && r.state == vault::JournalState::Active))
    }
}

/// The session metadata of a vault record (for starting a refresher on a stored session).
pub fn meta_from_record(record: &SessionRecord) -> SessionMeta {
    let at = |key: &str| {
        record
            .extra
            .get(key)
            .and_then(serde_json::Value::as_str)
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&chrono::Utc))
    };
    SessionMeta {
        // A UUID is always a valid session id.
        id: SessionId::parse(&record.id.to_string()).unwrap_or_else(SessionId::new_random),
        profile_id: record.profile_id.clone(),
        subject: record.subject.clone(),
        permissions: record.permissions.clone(),
        created: record.created,
        last_refresh: record.last_refresh,
        next_refresh: at("nextRefresh"),
        jwt_expires: at("jwtExpires"),
    }
}
