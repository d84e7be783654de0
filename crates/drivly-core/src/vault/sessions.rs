//! Session secrets and records, and the mint history, on [`Vault`].
//!
//! The vault keeps what the session logic needs and nothing of its policy: the refresh token
//! (`refresh-token/<session id>`, replaced in place on rotation: item replacement is atomic in
//! every backend), an optional secret blob (`session-secret/<session id>`, e.g. a cached JWT) and
//! a non-secret [`SessionRecord`]. Refresh token calls do not take the index lock, so a rotated
//! token can be written first, before anything else.

use uuid::Uuid;

use super::error::VaultError;
use super::handle::Vault;
use super::index::{JournalState, MINT_HISTORY_LIMIT, MintRecord, SessionRecord};
use super::{EntryKind, EntryName};
use crate::secret::{RefreshToken, SecretString};

impl Vault {
    /// Stores (or replaces) the refresh token of session `session_id`.
    pub fn put_refresh_token(
        &self,
        session_id: Uuid,
        token: &RefreshToken,
    ) -> Result<(), VaultError> {
        if token.is_empty() {
            return Err(VaultError::EmptySecret);
        }
        let name = EntryName::new(EntryKind::RefreshToken, session_id);
        Ok(self.store.set(&name, token.expose_secret().as_bytes())?)
    }

    /// The refresh token of session `session_id` ([`crate::vault::StoreError::Missing`] when none).
    pub fn get_refresh_token(&self, session_id: Uuid) -> Result<RefreshToken, VaultError> {
        let name = EntryName::new(EntryKind::RefreshToken, session_id);
        let bytes = self.store.get(&name)?;
        let text = std::str::from_utf8(bytes.expose())
            .map_err(|_| VaultError::NotText("a refresh token".into()))?;
        Ok(RefreshToken::new(text))
    }

    /// Deletes the refresh token; `false` when there was none.
    pub fn delete_refresh_token(&self, session_id: Uuid) -> Result<bool, VaultError> {
        let name = EntryName::new(EntryKind::RefreshToken, session_id);
        Ok(self.store.delete(&name)?)
    }

    /// Stores (or replaces) the session's secret blob (for example a cached JWT with its expiry).
    pub fn put_session_secret(
        &self,
        session_id: Uuid,
        value: &SecretString,
    ) -> Result<(), VaultError> {
        let name = EntryName::new(EntryKind::SessionSecret, session_id);
        Ok(self.store.set(&name, value.expose_secret().as_bytes())?)
    }

    /// The session's secret blob.
    pub fn get_session_secret(&self, session_id: Uuid) -> Result<SecretString, VaultError> {
        let name = EntryName::new(EntryKind::SessionSecret, session_id);
        let bytes = self.store.get(&name)?;
        let text = std::str::from_utf8(bytes.expose())
            .map_err(|_| VaultError::NotText("a session secret".into()))?;
        Ok(SecretString::from(text))
    }

    /// Deletes the session's secret blob; `false` when there was none.
    pub fn delete_session_secret(&self, session_id: Uuid) -> Result<bool, VaultError> {
        let name = EntryName::new(EntryKind::SessionSecret, session_id);
        Ok(self.store.delete(&name)?)
    }

    /// Creates or replaces a session record (its state is set to `active`).
    pub fn put_session(&self, record: SessionRecord) -> Result<SessionRecord, VaultError> {
        let mut record = record;
        record.state = JournalState::Active;
        self.modify(|doc| {
            match doc.sessions.iter_mut().find(|s| s.id == record.id) {
                Some(slot) => *slot = record.clone(),
                None => doc.sessions.push(record.clone()),
            }
            Ok(record)
        })
    }

    /// One session record.
    pub fn get_session(&self, id: Uuid) -> Result<SessionRecord, VaultError> {
        self.list_sessions()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(VaultError::SessionNotFound(id))
    }

    /// Every session record.
    pub fn list_sessions(&self) -> Result<Vec<SessionRecord>, VaultError> {
        let (_lock, doc) = self.begin()?;
        Ok(doc.sessions)
    }

    /// Removes a session and its secrets, journaled like key removal (`deleting`, keyring
    /// deletes, record removed). Revoking on the server is the caller's business.
    pub fn remove_session(&self, id: Uuid) -> Result<SessionRecord, VaultError> {
        let (_lock, mut doc) = self.begin()?;
        let slot = doc
            .sessions
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(VaultError::SessionNotFound(id))?;
        slot.state = JournalState::Deleting;
        let record = slot.clone();
        self.save(&doc)?;
        self.store
            .delete(&EntryName::new(EntryKind::RefreshToken, id))?;
        self.store
            .delete(&EntryName::new(EntryKind::SessionSecret, id))?;
        doc.sessions.retain(|s| s.id != id);
        self.save(&doc)?;
        Ok(record)
    }

    /// Appends to the mint history (metadata only), keeping the newest entries.
    pub fn append_mint(&self, record: MintRecord) -> Result<(), VaultError> {
        self.modify(|doc| {
            doc.mint_history.push(record);
            let excess = doc.mint_history.len().saturating_sub(MINT_HISTORY_LIMIT);
            doc.mint_history.drain(..excess);
            Ok(())
        })
    }

    /// The mint history, oldest first.
    pub fn list_mints(&self) -> Result<Vec<MintRecord>, VaultError> {
        let (_lock, doc) = self.begin()?;
        Ok(doc.mint_history)
    }
}
