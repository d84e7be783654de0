//! A set of permissions as a token grants them, plus the strings that were not permissions.
//!
//! Invariants: recognised permissions are deduplicated and ordered; unrecognised strings are
//! kept (shortened, deduplicated, in arrival order) so the UI can show "unrecognised" instead of
//! silently dropping something the server may honour. Sizes are capped so a hostile token
//! cannot make the table unbounded.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::permission::{Access, Method, Permission, quote};

/// At most this many entries are read from one token; the rest are counted as dropped.
pub const MAX_ENTRIES: usize = 1000;

/// One row of the resource × method table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionRow {
    /// The resource, such as `invoices`.
    pub resource: String,
    /// Granted by `<resource>.read`.
    pub get: bool,
    /// Granted by `<resource>.write`.
    pub post: bool,
    /// Granted by `<resource>.write`.
    pub put: bool,
    /// Granted by `<resource>.write`.
    pub delete: bool,
}

/// Recognised permissions and the unrecognised strings next to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet {
    granted: BTreeSet<Permission>,
    unrecognised: Vec<String>,
    dropped: usize,
}

impl PermissionSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses each string with [`Permission::parse`] after trimming it; strings that do not
    /// parse are kept as unrecognised. Reads at most [`MAX_ENTRIES`] entries.
    pub fn from_strings<I, S>(items: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = Self::new();
        for item in items {
            set.add_str(item.as_ref());
        }
        set
    }

    /// Adds one string: a permission when it parses, otherwise an unrecognised entry. Blank
    /// strings are ignored.
    pub fn add_str(&mut self, item: &str) {
        if self.granted.len() + self.unrecognised.len() >= MAX_ENTRIES {
            self.dropped += 1;
            return;
        }
        let trimmed = item.trim();
        if trimmed.is_empty() {
            return;
        }
        match Permission::parse(trimmed) {
            Ok(permission) => {
                self.granted.insert(permission);
            }
            Err(_) => self.add_unrecognised(trimmed),
        }
    }

    /// Records a value that is not a permission string (for example a number in the array).
    pub fn add_unrecognised(&mut self, item: &str) {
        if self.granted.len() + self.unrecognised.len() >= MAX_ENTRIES {
            self.dropped += 1;
            return;
        }
        let shown = quote(item);
        if !self.unrecognised.contains(&shown) {
            self.unrecognised.push(shown);
        }
    }

    /// Adds a parsed permission.
    pub fn insert(&mut self, permission: Permission) {
        self.granted.insert(permission);
    }

    /// The recognised permissions, ordered by resource then access.
    pub fn permissions(&self) -> impl Iterator<Item = &Permission> {
        self.granted.iter()
    }

    /// True when `permission` is in the set.
    pub fn contains(&self, permission: &Permission) -> bool {
        self.granted.contains(permission)
    }

    /// The strings that were not permissions, shortened for display.
    pub fn unrecognised(&self) -> &[String] {
        &self.unrecognised
    }

    /// How many entries were ignored because the token held more than [`MAX_ENTRIES`].
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Number of recognised permissions.
    pub fn len(&self) -> usize {
        self.granted.len()
    }

    /// True when there is no recognised permission (there may still be unrecognised ones).
    pub fn is_empty(&self) -> bool {
        self.granted.is_empty()
    }

    /// The recognised permissions as strings, in order.
    pub fn to_strings(&self) -> Vec<String> {
        self.granted.iter().map(ToString::to_string).collect()
    }

    /// True when the set grants `method` on `resource`.
    pub fn allows(&self, method: Method, resource: &str) -> bool {
        self.granted.iter().any(|p| p.grants(method, resource))
    }

    /// The resource × {GET, POST, PUT, DELETE} table, one row per resource, sorted by resource.
    pub fn table(&self) -> Vec<PermissionRow> {
        let mut rows: BTreeMap<&str, PermissionRow> = BTreeMap::new();
        for permission in &self.granted {
            let row = rows
                .entry(permission.resource())
                .or_insert_with(|| PermissionRow {
                    resource: permission.resource().to_owned(),
                    get: false,
                    post: false,
                    put: false,
                    delete: false,
                });
            match permission.access() {
                Access::Read => row.get = true,
                Access::Write => {
                    row.post = true;
                    row.put = true;
                    row.delete = true;
                }
            }
        }
        rows.into_values().collect()
    }
}
