//! Reconciling the index with the secret store at open (there is no transaction across both).
//!
//! Every case is fixed or reported, never silently dropped:
//! - `pending` with its secret → completed (`active`); without → rolled back (record dropped);
//! - `deleting` → the delete is finished (an absent secret counts as deleted);
//! - `active` without its secret → kept, flagged `missingSecret` and reported;
//! - secrets in the store that no record owns (stores that can enumerate) → listed as orphans,
//!   never deleted, since an unreadable index must never cost the user a secret. Leftover probe
//!   values are the only items removed.
//!
//! When the store is locked or unavailable nothing is changed and the error is reported.

use std::collections::BTreeSet;

use serde::Serialize;
use uuid::Uuid;

use super::index::{IndexDoc, JournalState};
use super::secret_store::{SecretStore, StoreError, StoreInfo};
use super::{EntryKind, EntryName};
use crate::ErrorCode;
use crate::durable_file::FileNotice;

/// What [`super::Vault::open`] found and did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileReport {
    /// The store, as probed; `None` when the probe failed.
    pub store: Option<StoreInfo>,
    /// Why the store could not be checked (then nothing was reconciled).
    pub store_error: Option<ReportedError>,
    /// Index file notices (moved aside, restored from backup).
    pub file_notices: Vec<FileNotice>,
    /// Temporary files left by a crashed writer and removed.
    pub temp_files_removed: usize,
    /// Whether orphaned secrets could be looked for.
    pub orphan_scan: OrphanScan,
    /// Each case fixed or needing attention.
    pub items: Vec<ReconcileItem>,
    /// True when the index was changed.
    #[serde(skip)]
    pub(crate) changed: bool,
}

impl ReconcileReport {
    /// True when something needs the user (missing secrets, orphans, failures).
    pub fn needs_attention(&self) -> bool {
        self.store_error.is_some()
            || !self.file_notices.is_empty()
            || self.items.iter().any(|i| i.action.needs_attention())
    }
}

/// An error reduced to its code and message, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportedError {
    /// Stable code.
    pub code: String,
    /// Message for people.
    pub message: String,
}

impl From<&StoreError> for ReportedError {
    fn from(e: &StoreError) -> Self {
        Self {
            code: e.code().as_str().into(),
            message: e.to_string(),
        }
    }
}

/// Whether orphans were looked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OrphanScan {
    /// Not attempted (the store failed first).
    #[default]
    NotRun,
    /// The store listed its items.
    Done,
    /// The store cannot enumerate its items.
    Unsupported,
    /// Listing failed.
    Failed(ReportedError),
}

/// One reconciled case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileItem {
    /// What was found or done.
    pub action: ReconcileAction,
    /// The store entry (`<kind>/<uuid>`).
    pub entry: String,
    /// The record's id.
    pub id: Uuid,
    /// The key label, when the record has one.
    pub label: Option<String>,
}

/// The cases of [`ReconcileItem`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ReconcileAction {
    /// An active record has no secret: shown as "missing secret".
    MissingSecret,
    /// An interrupted add had written its secret: completed.
    PendingCompleted,
    /// An interrupted add had not written its secret: record dropped.
    PendingRolledBack,
    /// An interrupted removal was finished.
    DeleteFinished,
    /// An interrupted removal could not be finished now (retried at next open).
    DeleteFailed(ReportedError),
    /// A secret in the store that no record owns (listed, not deleted).
    OrphanedSecret,
    /// The record could not be checked.
    CheckFailed(ReportedError),
}

impl ReconcileAction {
    /// True for cases the user should act on.
    pub fn needs_attention(&self) -> bool {
        matches!(
            self,
            Self::MissingSecret
                | Self::DeleteFailed(_)
                | Self::OrphanedSecret
                | Self::CheckFailed(_)
        )
    }
}

/// Presence of entries: from one listing when the store can enumerate, else one read each.
struct Presence<'a> {
    store: &'a dyn SecretStore,
    listed: Option<BTreeSet<EntryName>>,
}

impl Presence<'_> {
    fn has(&self, name: &EntryName) -> Result<bool, StoreError> {
        if let Some(listed) = &self.listed {
            return Ok(listed.contains(name));
        }
        match self.store.get(name) {
            Ok(_) => Ok(true),
            Err(StoreError::Missing) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// Reconciles `doc` with `store`; the caller holds the index lock and saves when `changed`.
pub(crate) fn run(store: &dyn SecretStore, doc: &mut IndexDoc) -> ReconcileReport {
    let mut report = ReconcileReport::default();
    match store.probe() {
        Ok(info) => report.store = Some(info),
        Err(e) => {
            report.store_error = Some((&e).into());
            return report;
        }
    }
    let listed = match store.list() {
        Ok(Some(names)) => {
            report.orphan_scan = OrphanScan::Done;
            Some(names.into_iter().collect::<BTreeSet<_>>())
        }
        Ok(None) => {
            report.orphan_scan = OrphanScan::Unsupported;
            None
        }
        Err(e) => {
            report.orphan_scan = OrphanScan::Failed((&e).into());
            None
        }
    };
    let presence = Presence { store, listed };
    reconcile_keys(&presence, doc, &mut report);
    reconcile_sessions(&presence, doc, &mut report);
    if let Some(listed) = &presence.listed {
        report_orphans(store, listed, doc, &mut report);
    }
    report
}

fn item(action: ReconcileAction, name: &EntryName, label: Option<&str>) -> ReconcileItem {
    ReconcileItem {
        action,
        entry: name.user(),
        id: name.id,
        label: label.map(str::to_owned),
    }
}

fn reconcile_keys(presence: &Presence<'_>, doc: &mut IndexDoc, report: &mut ReconcileReport) {
    let mut keep = Vec::with_capacity(doc.api_keys.len());
    for mut key in std::mem::take(&mut doc.api_keys) {
        let name = EntryName::new(EntryKind::ApiKey, key.id);
        let label = Some(key.label.as_str());
        match key.state {
            JournalState::Deleting => match presence.store.delete(&name) {
                Ok(_) => {
                    report
                        .items
                        .push(item(ReconcileAction::DeleteFinished, &name, label));
                    report.changed = true;
                    continue;
                }
                Err(e) => {
                    let action = ReconcileAction::DeleteFailed((&e).into());
                    report.items.push(item(action, &name, label));
                }
            },
            JournalState::Pending | JournalState::Active => match presence.has(&name) {
                Ok(true) => {
                    if key.state == JournalState::Pending {
                        report
                            .items
                            .push(item(ReconcileAction::PendingCompleted, &name, label));
                    }
                    report.changed |= key.state != JournalState::Active || key.missing_secret;
                    key.state = JournalState::Active;
                    key.missing_secret = false;
                }
                Ok(false) if key.state == JournalState::Pending => {
                    report
                        .items
                        .push(item(ReconcileAction::PendingRolledBack, &name, label));
                    report.changed = true;
                    continue;
                }
                Ok(false) => {
                    report
                        .items
                        .push(item(ReconcileAction::MissingSecret, &name, label));
                    report.changed |= !key.missing_secret;
                    key.missing_secret = true;
                }
                Err(e) => {
                    report.items.push(item(
                        ReconcileAction::CheckFailed((&e).into()),
                        &name,
                        label,
                    ));
                }
            },
        }
        keep.push(key);
    }
    doc.api_keys = keep;
}

fn reconcile_sessions(presence: &Presence<'_>, doc: &mut IndexDoc, report: &mut ReconcileReport) {
    let mut keep = Vec::with_capacity(doc.sessions.len());
    for mut session in std::mem::take(&mut doc.sessions) {
        let token = EntryName::new(EntryKind::RefreshToken, session.id);
        if session.state == JournalState::Deleting {
            let blob = EntryName::new(EntryKind::SessionSecret, session.id);
            match presence
                .store
                .delete(&token)
                .and_then(|_| presence.store.delete(&blob))
            {
                Ok(_) => {
                    report
                        .items
                        .push(item(ReconcileAction::DeleteFinished, &token, None));
                    report.changed = true;
                    continue;
                }
                Err(e) => {
                    let action = ReconcileAction::DeleteFailed((&e).into());
                    report.items.push(item(action, &token, None));
                }
            }
        } else {
            if session.state == JournalState::Pending {
                session.state = JournalState::Active;
                report.changed = true;
            }
            match presence.has(&token) {
                Ok(true) => {}
                Ok(false) => report
                    .items
                    .push(item(ReconcileAction::MissingSecret, &token, None)),
                Err(e) => {
                    report.items.push(item(
                        ReconcileAction::CheckFailed((&e).into()),
                        &token,
                        None,
                    ));
                }
            }
        }
        keep.push(session);
    }
    doc.sessions = keep;
}

fn report_orphans(
    store: &dyn SecretStore,
    listed: &BTreeSet<EntryName>,
    doc: &IndexDoc,
    report: &mut ReconcileReport,
) {
    let keys: BTreeSet<Uuid> = doc.api_keys.iter().map(|k| k.id).collect();
    // The listing predates the deletions this reconcile finished.
    let deleted: BTreeSet<Uuid> = report
        .items
        .iter()
        .filter(|i| i.action == ReconcileAction::DeleteFinished)
        .map(|i| i.id)
        .collect();
    let sessions: BTreeSet<Uuid> = doc.sessions.iter().map(|s| s.id).collect();
    for name in listed {
        let owned = match name.kind {
            EntryKind::ApiKey => keys.contains(&name.id),
            EntryKind::RefreshToken | EntryKind::SessionSecret => sessions.contains(&name.id),
            // Expires on its own (login::pending_store); never an orphan.
            EntryKind::PendingSignIn => true,
            EntryKind::Probe => {
                // A probe value left by a process killed mid-probe: ours, holds nothing.
                let _ = store.delete(name);
                true
            }
        };
        if !owned && !deleted.contains(&name.id) {
            report
                .items
                .push(item(ReconcileAction::OrphanedSecret, name, None));
        }
    }
}
