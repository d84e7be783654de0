//! A set of permissions as a token grants them, plus the strings that were not permissions.
//!
//! Invariants: recognised permissions are deduplicated and ordered; unrecognised strings are
//! kept (shortened, deduplicated, in arrival order) so the UI can show "unrecognised" instead of
//! silently dropping something the server may honour. Sizes are capped so a hostile token
//! cannot make the table unbounded.

use serde::Serialize;

use super::permission::{Access, Method, Permission, quote};

/// At most this many entries are read from one token; the rest are counted as dropped.
pub const MAX_ENTRIES: usize = 1000;

/// One row of the resource × method table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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
    /// Sorted and free of duplicates. A sorted Vec rather than a `BTreeSet`: a token carries a
    /// few dozen permissions, where a binary search and a short move beat allocating and
    /// walking tree nodes, and [`MAX_ENTRIES`] bounds the moves for a hostile token.
    granted: Vec<Permission>,
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
        if let Some(permission) = self.recognise(item) {
            self.insert(permission);
        }
    }

    /// `item`, trimmed, as a permission. A blank string gives `None`; any other string that
    /// does not parse is added as unrecognised and gives `None`.
    fn recognise(&mut self, item: &str) -> Option<Permission> {
        let trimmed = item.trim();
        if trimmed.is_empty() {
            return None;
        }
        match Permission::parse(trimmed) {
            Ok(permission) => Some(permission),
            Err(_) => {
                self.add_unrecognised(trimmed);
                None
            }
        }
    }

    /// Starts adding up to `count` entries (one claim's) together; see [`Batch`].
    pub(crate) fn batch(&mut self, count: usize) -> Batch<'_> {
        // While the entries cannot fill the set, when each permission joins it does not change
        // what is kept. Otherwise they are added one by one, so that the cap drops exactly the
        // entries it always has.
        let fits = self.granted.len() + self.unrecognised.len() + count <= MAX_ENTRIES;
        Batch {
            pending: fits.then(|| Vec::with_capacity(count)),
            set: self,
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
        if let Err(at) = self.granted.binary_search(&permission) {
            self.granted.insert(at, permission);
        }
    }

    /// Adds parsed permissions, as [`PermissionSet::insert`] does one at a time.
    fn insert_all(&mut self, mut permissions: Vec<Permission>) {
        // Sorting by key orders all but long permissions whose keys are equal (see
        // `sort_key`); the second sort settles those, and finds everything else already in
        // order in one pass.
        permissions.sort_by_cached_key(Permission::sort_key);
        permissions.sort_unstable();
        if self.granted.is_empty() {
            self.granted = permissions;
        } else {
            self.granted.append(&mut permissions);
            self.granted.sort_unstable();
        }
        self.granted.dedup();
    }

    /// The recognised permissions, ordered by resource then access.
    pub fn permissions(&self) -> impl Iterator<Item = &Permission> {
        self.granted.iter()
    }

    /// True when `permission` is in the set.
    pub fn contains(&self, permission: &Permission) -> bool {
        self.granted.binary_search(permission).is_ok()
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
        self.granted.iter().map(|p| p.as_str().to_owned()).collect()
    }

    /// As [`PermissionSet::to_strings`], moving the strings out instead of copying them.
    pub(crate) fn into_strings(self) -> Vec<String> {
        self.granted
            .into_iter()
            .map(Permission::into_string)
            .collect()
    }

    /// True when the set grants `method` on `resource`.
    pub fn allows(&self, method: Method, resource: &str) -> bool {
        self.granted.iter().any(|p| p.grants(method, resource))
    }

    /// The resource × {GET, POST, PUT, DELETE} table, one row per resource, sorted by resource.
    pub fn table(&self) -> Vec<PermissionRow> {
        // `granted` is sorted by resource, so each resource's permissions form one run; counting
        // the runs first sizes the table exactly.
        let runs = || self.granted.chunk_by(|a, b| a.resource() == b.resource());
        let mut rows = Vec::with_capacity(runs().count());
        rows.extend(runs().filter_map(|run| {
            let has = |access| run.iter().any(|p| p.access() == access);
            let write = has(Access::Write);
            Some(PermissionRow {
                resource: run.first()?.resource().to_owned(),
                get: has(Access::Read),
                post: write,
                put: write,
                delete: write,
            })
        }));
        rows
    }
}

/// Entries added to a [`PermissionSet`] together, such as the strings of a token's
/// `permissions` array. The set ends up as if each had been added on its own, but the
/// permissions among them are sorted in once, when the batch is dropped, rather than by one
/// binary search each: that was most of the cost of reading a token's permissions.
#[derive(Debug)]
pub(crate) struct Batch<'a> {
    set: &'a mut PermissionSet,
    /// The permissions to sort in; `None` when they are added to the set one by one.
    pending: Option<Vec<Permission>>,
}

impl Batch<'_> {
    /// As [`PermissionSet::add_str`].
    pub(crate) fn add_str(&mut self, item: &str) {
        match &mut self.pending {
            Some(pending) => pending.extend(self.set.recognise(item)),
            None => self.set.add_str(item),
        }
    }

    /// As [`PermissionSet::add_unrecognised`].
    pub(crate) fn add_unrecognised(&mut self, item: &str) {
        self.set.add_unrecognised(item);
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if let Some(pending) = self.pending.take() {
            self.set.insert_all(pending);
        }
    }
}
