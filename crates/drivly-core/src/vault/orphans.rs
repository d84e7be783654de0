//! Orphans: keyring items of ours that no index entry names (a profile removed by an older
//! build, a rotation that landed after its session was signed out, a crash between a keyring
//! write and its record). Reconcile lists them at open; [`Vault::sweep_orphans`] removes them.
//!
//! An item is only removed once it has been seen orphaned for the grace period (a day in the
//! app): the first sweep that finds it records when, in a small non-secret file beside the
//! index (`orphans-seen.json`: entry names and dates, never values), and a later sweep deletes
//! it if it is still unnamed. Why the wait: a sign-in writes its refresh token just before its
//! record, without the index lock, so another process may see a brand-new token as orphaned
//! for a moment. Every other writer names its item in the index first (`pending`), and the
//! sweep runs under the index lock, so those are never taken for orphans. Pending sign-ins
//! (which expire on their own) and probe values (another process may be probing) are never
//! orphans.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::VaultError;
use super::handle::Vault;
use super::index::IndexDoc;
use super::{EntryKind, EntryName};
use crate::durable_file::DurableFile;

/// The app's grace period: an item unnamed for a day is not being written by anyone.
pub const ORPHAN_GRACE: Duration = Duration::from_secs(24 * 60 * 60);

/// The name of the file that remembers when each orphan was first seen.
const SEEN_FILE: &str = "orphans-seen.json";
const SEEN_SCHEMA_VERSION: u64 = 1;

/// When each orphan was first seen, by entry (`<kind>/<uuid>`). Not secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeenDoc {
    #[serde(default)]
    first_seen: BTreeMap<String, DateTime<Utc>>,
}

/// One orphaned item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Orphan {
    /// The store entry (`<kind>/<uuid>`).
    pub entry: String,
    /// What kind of secret it is.
    pub kind: &'static str,
    /// When a sweep first found it unnamed; `None` when no sweep has seen it yet.
    pub first_seen: Option<DateTime<Utc>>,
}

/// What [`Vault::find_orphans`] or [`Vault::sweep_orphans`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrphanReport {
    /// False when the store cannot list its items (then nothing is known or removed).
    pub enumerable: bool,
    /// Orphans still in the store (within their grace period, or found without sweeping).
    pub remaining: Vec<Orphan>,
    /// Orphans deleted by this sweep.
    pub removed: Vec<Orphan>,
}

impl Vault {
    fn seen_file(&self) -> DurableFile {
        DurableFile::new(self.file.path().with_file_name(SEEN_FILE))
    }

    fn load_seen(&self) -> SeenDoc {
        match self
            .seen_file()
            .load_versioned::<SeenDoc>(SEEN_SCHEMA_VERSION, self.clock.now())
        {
            Ok(loaded) => loaded.value.unwrap_or_default(),
            // Losing the dates only restarts the grace period: never a reason to fail.
            Err(error) => {
                tracing::warn!(code = %crate::ErrorCode::code(&VaultError::from(error)), "the orphan dates could not be read");
                SeenDoc::default()
            }
        }
    }

    /// Keyring items of ours that no index entry names (see the module docs), with when a
    /// sweep first saw each. Changes nothing.
    ///
    /// # Errors
    /// The index's and the store's errors.
    pub fn find_orphans(&self) -> Result<OrphanReport, VaultError> {
        let (_lock, doc) = self.begin()?;
        let Some(orphans) = self.unnamed(&doc)? else {
            return Ok(OrphanReport::default());
        };
        let seen = self.load_seen();
        Ok(OrphanReport {
            enumerable: true,
            remaining: orphans
                .iter()
                .map(|name| orphan(name, seen.first_seen.get(&name.user()).copied()))
                .collect(),
            removed: Vec::new(),
        })
    }

    /// Deletes orphans first seen at least `grace` ago and records the new ones, under the
    /// index lock. An item named again (its record came back) is forgotten.
    ///
    /// # Errors
    /// The index's and the store's errors; a failed delete is left for the next sweep.
    pub fn sweep_orphans(&self, grace: Duration) -> Result<OrphanReport, VaultError> {
        let (_lock, doc) = self.begin()?;
        let Some(orphans) = self.unnamed(&doc)? else {
            return Ok(OrphanReport::default());
        };
        let now = self.clock.now();
        let grace = chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
        let before = self.load_seen();
        let mut after = SeenDoc::default();
        let mut report = OrphanReport {
            enumerable: true,
            ..OrphanReport::default()
        };
        for name in &orphans {
            let user = name.user();
            let first = before.first_seen.get(&user).copied();
            match first {
                Some(at) if now.signed_duration_since(at) >= grace => {
                    match self.store.delete(name) {
                        Ok(_) => {
                            tracing::info!(entry = %user, "an orphaned keyring item was removed");
                            report.removed.push(orphan(name, first));
                            continue;
                        }
                        Err(error) => {
                            tracing::warn!(entry = %user, code = %crate::ErrorCode::code(&error), "an orphaned keyring item could not be removed");
                        }
                    }
                    after.first_seen.insert(user, at);
                    report.remaining.push(orphan(name, first));
                }
                _ => {
                    let at = first.unwrap_or(now);
                    after.first_seen.insert(user, at);
                    report.remaining.push(orphan(name, Some(at)));
                }
            }
        }
        if after.first_seen != before.first_seen {
            self.seen_file()
                .store_versioned(&after, SEEN_SCHEMA_VERSION)?;
        }
        Ok(report)
    }

    /// Items in the store no entry of `doc` names; `None` when the store cannot list.
    fn unnamed(&self, doc: &IndexDoc) -> Result<Option<Vec<EntryName>>, VaultError> {
        let Some(listed) = self.store.list()? else {
            return Ok(None);
        };
        let keys: BTreeSet<Uuid> = doc.api_keys.iter().map(|k| k.id).collect();
        let sessions: BTreeSet<Uuid> = doc.sessions.iter().map(|s| s.id).collect();
        Ok(Some(
            listed
                .into_iter()
                .filter(|name| match name.kind {
                    EntryKind::ApiKey => !keys.contains(&name.id),
                    EntryKind::RefreshToken | EntryKind::SessionSecret => {
                        !sessions.contains(&name.id)
                    }
                    EntryKind::PendingSignIn | EntryKind::Probe => false,
                })
                .collect(),
        ))
    }
}

fn orphan(name: &EntryName, first_seen: Option<DateTime<Utc>>) -> Orphan {
    Orphan {
        entry: name.user(),
        kind: name.kind.as_str(),
        first_seen,
    }
}
