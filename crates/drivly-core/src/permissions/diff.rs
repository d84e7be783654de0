//! Requested versus granted permissions.
//!
//! A server may grant fewer permissions than a mint or sign-in asked for (or more); the app
//! shows both sides. The comparison is exact: `.write` does not imply `.read`, because Drivly
//! documents them as separate grants.

use serde::Serialize;

use super::set::PermissionSet;

/// The difference between what was asked for and what the token carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionDiff {
    /// Requested but not granted, sorted.
    pub missing: Vec<String>,
    /// Granted but not requested, sorted.
    pub extra: Vec<String>,
}

impl PermissionDiff {
    /// True when the token carries exactly what was requested.
    pub fn is_exact(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares `requested` with `granted`. Unrecognised strings take part by their text, so an
/// unusual permission the server echoes back is not reported as missing.
pub fn diff(requested: &PermissionSet, granted: &PermissionSet) -> PermissionDiff {
    let mut missing: Vec<String> = requested
        .permissions()
        .filter(|p| !granted.contains(p))
        .map(ToString::to_string)
        .collect();
    missing.extend(
        requested
            .unrecognised()
            .iter()
            .filter(|s| !granted.unrecognised().contains(s))
            .cloned(),
    );
    let mut extra: Vec<String> = granted
        .permissions()
        .filter(|p| !requested.contains(p))
        .map(ToString::to_string)
        .collect();
    extra.extend(
        granted
            .unrecognised()
            .iter()
            .filter(|s| !requested.unrecognised().contains(s))
            .cloned(),
    );
    missing.sort();
    extra.sort();
    PermissionDiff { missing, extra }
}
