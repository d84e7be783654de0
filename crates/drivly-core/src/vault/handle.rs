//! [`Vault`]: API keys, session secrets and the mint history, over a [`SecretStore`] and the
//! durable index.
//!
//! Thread safety: `Vault` is `Send + Sync`. Every operation that reads or changes the index
//! holds the index's cross-process lock for its whole journaled cycle (keyring calls included,
//! each bounded by the store's timeout), so the app's threads and a concurrent CLI never see or
//! reconcile another writer's half-done step. All calls block: use `spawn_blocking` from async.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::error::{VaultError, validate_label, validate_note};
use super::index::{ApiKeyMeta, INDEX_SCHEMA_VERSION, IndexDoc, JournalState};
use super::reconcile::{self, ReconcileReport};
use super::secret_store::SecretStore;
use super::{EntryKind, EntryName};
use crate::app_paths::AppPaths;
use crate::clock::{Clock, SystemClock};
use crate::durable_file::{DEFAULT_LOCK_WAIT, DurableFile, FileLock, FileNotice};
use crate::profile::ProfileId;
use crate::secret::ApiKey;

/// The credential vault. See the module docs.
#[derive(Debug)]
pub struct Vault {
    pub(super) file: DurableFile,
    pub(super) store: Arc<dyn SecretStore>,
    pub(super) clock: Arc<dyn Clock>,
    lock_wait: Duration,
}

impl Vault {
    /// Opens the vault index under `paths` over `store`, removes stale temporary files and
    /// reconciles index and store. Fails only when the index folder or file is unusable; a
    /// store that is locked or unavailable is reported in the [`ReconcileReport`] instead, so
    /// the app can still list metadata and ask the user to unlock the keyring.
    pub fn open(
        paths: &AppPaths,
        store: Arc<dyn SecretStore>,
    ) -> Result<(Self, ReconcileReport), VaultError> {
        Self::open_with_clock(paths, store, Arc::new(SystemClock))
    }

    /// [`Vault::open`] with an explicit clock.
    pub fn open_with_clock(
        paths: &AppPaths,
        store: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<(Self, ReconcileReport), VaultError> {
        paths.ensure_exist()?;
        let vault = Self {
            file: DurableFile::new(paths.vault_index_file()),
            store,
            clock,
            lock_wait: DEFAULT_LOCK_WAIT,
        };
        let report = {
            let _lock = vault.file.lock(vault.lock_wait)?;
            let removed = vault.file.remove_stale_temp_files()?;
            let (mut doc, notices) = vault.load()?;
            let mut report = reconcile::run(vault.store.as_ref(), &mut doc);
            report.temp_files_removed = removed;
            report.file_notices = notices;
            if report.changed {
                vault.save(&doc)?;
            }
            report
        };
        Ok((vault, report))
    }

    /// Opens the vault without reconciling: no keyring listing and no journal repair, for
    /// read-mostly fast paths (`drivly-keys token` reading the shared JWT). Writes still go
    /// through the journal; anything an interrupted operation left is repaired by the next
    /// [`Vault::open`] (the desktop app and every writing CLI command use that).
    ///
    /// # Errors
    /// When the index folder cannot be created.
    pub fn open_for_lookup(
        paths: &AppPaths,
        store: Arc<dyn SecretStore>,
    ) -> Result<Self, VaultError> {
        paths.ensure_exist()?;
        Ok(Self {
            file: DurableFile::new(paths.vault_index_file()),
            store,
            clock: Arc::new(SystemClock),
            lock_wait: DEFAULT_LOCK_WAIT,
        })
    }

    /// The secret store in use.
    pub fn store(&self) -> &Arc<dyn SecretStore> {
        &self.store
    }

    pub(super) fn load(&self) -> Result<(IndexDoc, Vec<FileNotice>), VaultError> {
        let loaded = self
            .file
            .load_versioned::<IndexDoc>(INDEX_SCHEMA_VERSION, self.clock.now())?;
        Ok((loaded.value.unwrap_or_default(), loaded.notices))
    }

    pub(super) fn save(&self, doc: &IndexDoc) -> Result<(), VaultError> {
        Ok(self.file.store_versioned(doc, INDEX_SCHEMA_VERSION)?)
    }

    /// Takes the lock and loads the index (notices found mid-run are logged; open reports them).
    pub(super) fn begin(&self) -> Result<(FileLock, IndexDoc), VaultError> {
        let lock = self.file.lock(self.lock_wait)?;
        let (doc, notices) = self.load()?;
        for notice in notices {
            tracing::warn!(notice = %notice.message(), "vault index recovered");
        }
        Ok((lock, doc))
    }

    /// Read-modify-write of the index alone (no keyring call).
    pub(super) fn modify<T>(
        &self,
        change: impl FnOnce(&mut IndexDoc) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let (_lock, mut doc) = self.begin()?;
        let out = change(&mut doc)?;
        self.save(&doc)?;
        Ok(out)
    }

    /// Stores a new API key: journaled (`pending`, keyring write, `active`). Labels are unique
    /// per profile (case-insensitive).
    pub fn add_api_key(
        &self,
        label: &str,
        profile_id: &ProfileId,
        key: &ApiKey,
        note: Option<String>,
    ) -> Result<ApiKeyMeta, VaultError> {
        let label = validate_label(label)?;
        let note = validate_note(note)?;
        if key.expose_secret().trim().is_empty() {
            return Err(VaultError::EmptySecret);
        }
        let (_lock, mut doc) = self.begin()?;
        ensure_label_free(&doc, profile_id, &label, None)?;
        let mut meta = ApiKeyMeta {
            id: Uuid::new_v4(),
            label,
            profile_id: profile_id.clone(),
            created: self.clock.now(),
            last_used: None,
            masked_tail: key.masked_tail(),
            note,
            missing_secret: false,
            state: JournalState::Pending,
        };
        doc.api_keys.push(meta.clone());
        self.save(&doc)?;
        let name = EntryName::new(EntryKind::ApiKey, meta.id);
        if let Err(e) = self.store.set(&name, key.expose_secret().as_bytes()) {
            // Undo when we can be sure nothing is left behind; otherwise the pending record
            // stays for reconcile (a timed-out write may still land).
            if self.store.delete(&name).is_ok() {
                doc.api_keys.retain(|k| k.id != meta.id);
                self.save(&doc)?;
            }
            return Err(e.into());
        }
        meta.state = JournalState::Active;
        if let Some(slot) = doc.api_keys.iter_mut().find(|k| k.id == meta.id) {
            slot.state = JournalState::Active;
        }
        self.save(&doc)?;
        Ok(meta)
    }

    /// Every API key record, including ones flagged `missing_secret` or mid-removal.
    pub fn list_api_keys(&self) -> Result<Vec<ApiKeyMeta>, VaultError> {
        let (_lock, doc) = self.begin()?;
        Ok(doc.api_keys)
    }

    /// The active key labelled `label` (case-insensitive) on `profile_id`.
    pub fn find_api_key_by_label(
        &self,
        profile_id: &ProfileId,
        label: &str,
    ) -> Result<Option<ApiKeyMeta>, VaultError> {
        let label = label.trim();
        Ok(self.list_api_keys()?.into_iter().find(|k| {
            &k.profile_id == profile_id
                && k.state == JournalState::Active
                && k.label.to_lowercase() == label.to_lowercase()
        }))
    }

    /// The key itself, from the keyring.
    pub fn reveal_api_key(&self, id: Uuid) -> Result<ApiKey, VaultError> {
        let meta = self.active_key(id)?;
        let bytes = self
            .store
            .get(&EntryName::new(EntryKind::ApiKey, meta.id))?;
        let text = std::str::from_utf8(bytes.expose())
            .map_err(|_| VaultError::NotText(format!("the API key '{}'", meta.label)))?;
        Ok(ApiKey::new(text))
    }

    /// Replaces the secret of an existing key (for a key flagged `missing_secret`).
    pub fn replace_api_key_secret(&self, id: Uuid, key: &ApiKey) -> Result<ApiKeyMeta, VaultError> {
        if key.expose_secret().trim().is_empty() {
            return Err(VaultError::EmptySecret);
        }
        let (_lock, mut doc) = self.begin()?;
        let slot = active_slot(&mut doc, id)?;
        self.store.set(
            &EntryName::new(EntryKind::ApiKey, id),
            key.expose_secret().as_bytes(),
        )?;
        slot.masked_tail = key.masked_tail();
        slot.missing_secret = false;
        let meta = slot.clone();
        self.save(&doc)?;
        Ok(meta)
    }

    /// Changes a key's label (unique per profile).
    pub fn rename_api_key(&self, id: Uuid, label: &str) -> Result<ApiKeyMeta, VaultError> {
        let label = validate_label(label)?;
        self.modify(|doc| {
            let profile = active_slot(doc, id)?.profile_id.clone();
            ensure_label_free(doc, &profile, &label, Some(id))?;
            let slot = active_slot(doc, id)?;
            slot.label = label;
            Ok(slot.clone())
        })
    }

    /// Records that the key was just used.
    pub fn touch_api_key(&self, id: Uuid) -> Result<ApiKeyMeta, VaultError> {
        let now = self.clock.now();
        self.modify(|doc| {
            let slot = active_slot(doc, id)?;
            slot.last_used = Some(now);
            Ok(slot.clone())
        })
    }

    /// Removes a key locally: journaled (`deleting`, keyring delete, record removed). It does
    /// not revoke the key on the server. When the keyring fails, the record stays `deleting`
    /// and the next open finishes the removal.
    pub fn remove_api_key(&self, id: Uuid) -> Result<ApiKeyMeta, VaultError> {
        let (_lock, mut doc) = self.begin()?;
        let slot = doc
            .api_keys
            .iter_mut()
            .find(|k| k.id == id)
            .ok_or(VaultError::ApiKeyNotFound(id))?;
        slot.state = JournalState::Deleting;
        let meta = slot.clone();
        self.save(&doc)?;
        self.store.delete(&EntryName::new(EntryKind::ApiKey, id))?;
        doc.api_keys.retain(|k| k.id != id);
        self.save(&doc)?;
        Ok(meta)
    }

    fn active_key(&self, id: Uuid) -> Result<ApiKeyMeta, VaultError> {
        self.list_api_keys()?
            .into_iter()
            .find(|k| k.id == id && k.state == JournalState::Active)
            .ok_or(VaultError::ApiKeyNotFound(id))
    }
}

fn active_slot(doc: &mut IndexDoc, id: Uuid) -> Result<&mut ApiKeyMeta, VaultError> {
    doc.api_keys
        .iter_mut()
        .find(|k| k.id == id && k.state == JournalState::Active)
        .ok_or(VaultError::ApiKeyNotFound(id))
}

fn ensure_label_free(
    doc: &IndexDoc,
    profile: &ProfileId,
    label: &str,
    except: Option<Uuid>,
) -> Result<(), VaultError> {
    let taken = doc.api_keys.iter().any(|k| {
        &k.profile_id == profile
            && Some(k.id) != except
            && k.state != JournalState::Deleting
            && k.label.to_lowercase() == label.to_lowercase()
    });
    if taken {
        return Err(VaultError::DuplicateLabel {
            label: label.to_owned(),
            profile: profile.to_string(),
        });
    }
    Ok(())
}
