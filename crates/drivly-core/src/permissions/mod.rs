//! Drivly's permission model: `<resource>.read` grants `GET`, `<resource>.write` grants `POST`,
//! `PUT` and `DELETE` on that resource (protocol.md A).
//!
//! - [`Permission`] is one valid permission; [`Permission::parse`] is strict.
//! - [`PermissionSet`] is what a token grants: it keeps strings it does not recognise, so the UI
//!   shows them instead of hiding them, and renders the resource × method [`PermissionRow`]
//!   table.
//! - [`permissions_from_claims`] finds permissions in `permissions`, `scope` or `scopes`.
//! - [`diff`] compares requested with granted; [`parse_permission_list`] validates what people
//!   type; [`KNOWN_RESOURCES`] seeds the UI's grid.
//!
//! Everything here is pure and bounded: no I/O, and inputs are capped in size.

mod claims;
mod diff;
mod input;
mod known;
mod permission;
mod set;
mod sort_key;

pub use claims::{
    FoundPermissions, PermissionReport, PermissionSource, permissions_from_claim_map,
    permissions_from_claims,
};
pub use diff::{PermissionDiff, diff};
pub use input::{
    MAX_USER_PERMISSIONS, PermissionListError, parse_permission_list, validate_permission,
};
pub use known::{KNOWN_RESOURCES, KnownResource, default_sign_in_permissions, is_known_resource};
pub use permission::{Access, MAX_RESOURCE_LEN, Method, Permission, PermissionError};
pub use set::{MAX_ENTRIES, PermissionRow, PermissionSet};
