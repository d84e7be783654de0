//! Finding permissions inside JWT claims.
//!
//! Drivly does not document which claim carries permissions (protocol.md A), so the reader is
//! tolerant: `permissions` (array), `scope` (space-separated string, RFC 8693 style) and
//! `scopes` (array or string). Every claim found is merged and named in the result, so the UI
//! can say where the permissions came from. Values of the wrong type become unrecognised
//! entries rather than errors: a display tool must show what is there.

use serde::Serialize;
use serde_json::{Map, Value};

use super::set::{PermissionRow, PermissionSet};

/// The claim permissions were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum PermissionSource {
    /// The `permissions` claim (Drivly's and the emulator's form).
    Permissions,
    /// The `scope` claim (OAuth style, space-separated).
    Scope,
    /// The `scopes` claim.
    Scopes,
}

impl PermissionSource {
    /// The claim name.
    pub fn claim(self) -> &'static str {
        match self {
            Self::Permissions => "permissions",
            Self::Scope => "scope",
            Self::Scopes => "scopes",
        }
    }
}

/// Permissions found in a token's claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FoundPermissions {
    /// The claims that held permissions, in the order checked.
    pub sources: Vec<PermissionSource>,
    /// Everything found, merged.
    pub set: PermissionSet,
}

impl FoundPermissions {
    /// The serialisable summary shown by the UI and the CLI.
    pub fn report(&self) -> PermissionReport {
        PermissionReport {
            sources: self.sources.clone(),
            granted: self.set.to_strings(),
            unrecognised: self.set.unrecognised().to_vec(),
            dropped: self.set.dropped(),
            table: self.set.table(),
        }
    }

    /// As [`FoundPermissions::report`], moving the strings into the report instead of copying.
    pub(crate) fn into_report(self) -> PermissionReport {
        let table = self.set.table();
        let unrecognised = self.set.unrecognised().to_vec();
        let dropped = self.set.dropped();
        PermissionReport {
            sources: self.sources,
            granted: self.set.into_strings(),
            unrecognised,
            dropped,
            table,
        }
    }
}

/// What the UI shows about a token's permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PermissionReport {
    /// The claims permissions came from; empty when the token has none.
    pub sources: Vec<PermissionSource>,
    /// Recognised permissions, sorted.
    pub granted: Vec<String>,
    /// Entries that are not `<resource>.read|write`, shown as unrecognised.
    pub unrecognised: Vec<String>,
    /// Entries ignored beyond the size cap.
    pub dropped: usize,
    /// The resource × method table.
    pub table: Vec<PermissionRow>,
}

/// Reads permissions from `permissions`, `scope` and `scopes` in a claims object. A value that
/// is not an object yields an empty result.
pub fn permissions_from_claims(claims: &Value) -> FoundPermissions {
    match claims.as_object() {
        Some(object) => permissions_from_claim_map(object),
        None => FoundPermissions::default(),
    }
}

/// As [`permissions_from_claims`], for a claims map already unwrapped (saves a copy).
pub fn permissions_from_claim_map(object: &Map<String, Value>) -> FoundPermissions {
    let mut found = FoundPermissions::default();
    for source in [
        PermissionSource::Permissions,
        PermissionSource::Scope,
        PermissionSource::Scopes,
    ] {
        if let Some(value) = object.get(source.claim()) {
            found.sources.push(source);
            add_value(&mut found.set, value);
        }
    }
    found
}

/// Adds an array of strings, or a string split on spaces and commas; anything else is kept as
/// unrecognised JSON text.
fn add_value(set: &mut PermissionSet, value: &Value) {
    match value {
        Value::String(text) => add_delimited(set, text),
        Value::Array(items) => {
            let mut batch = set.batch(items.len());
            for item in items {
                match item {
                    Value::String(text) => batch.add_str(text),
                    other => batch.add_unrecognised(&other.to_string()),
                }
            }
        }
        Value::Null => {}
        other => set.add_unrecognised(&other.to_string()),
    }
}

/// Splits a `scope`-style string on whitespace and commas.
fn add_delimited(set: &mut PermissionSet, text: &str) {
    for part in text.split(|c: char| c.is_whitespace() || c == ',') {
        if !part.is_empty() {
            set.add_str(part);
        }
    }
}
