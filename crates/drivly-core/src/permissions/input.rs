//! Validation of permissions people type (the CLI's `--permissions`, the app's mint form).
//!
//! Unlike token parsing, which keeps anything it does not understand, user input is strict: a
//! typo such as `invoice.raed` must be caught before a JWT is minted with it. Input is a list
//! separated by commas or whitespace; entries are trimmed, duplicates dropped, order kept.

use super::permission::{Permission, PermissionError};
use crate::Code;
use crate::ErrorCode;

/// At most this many permissions in one request.
pub const MAX_USER_PERMISSIONS: usize = 200;

/// Validates one user-typed permission (trimmed first).
///
/// # Errors
/// The [`PermissionError`] for its shape, with a message saying how to fix it.
pub fn validate_permission(input: &str) -> Result<Permission, PermissionError> {
    Permission::parse(input.trim())
}

/// Parses a user-typed list such as `invoices.read, services.write`. An empty input gives an
/// empty list; whether that is acceptable is the caller's decision.
///
/// # Errors
/// [`PermissionListError::Invalid`] for the first bad entry (with its 1-based position), or
/// [`PermissionListError::TooMany`].
pub fn parse_permission_list(input: &str) -> Result<Vec<Permission>, PermissionListError> {
    let mut out: Vec<Permission> = Vec::new();
    let entries = input
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty());
    for (index, entry) in entries.enumerate() {
        if index >= MAX_USER_PERMISSIONS {
            return Err(PermissionListError::TooMany {
                max: MAX_USER_PERMISSIONS,
            });
        }
        let permission =
            Permission::parse(entry).map_err(|source| PermissionListError::Invalid {
                position: index + 1,
                source,
            })?;
        if !out.contains(&permission) {
            out.push(permission);
        }
    }
    Ok(out)
}

/// Why a user-typed permission list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermissionListError {
    /// One entry is malformed.
    #[error("Permission {position}: {source}")]
    Invalid {
        /// 1-based position in the list.
        position: usize,
        /// What is wrong with it.
        source: PermissionError,
    },
    /// The list is longer than any real request.
    #[error("Too many permissions: at most {max} can be requested at once.")]
    TooMany {
        /// The limit.
        max: usize,
    },
}

impl ErrorCode for PermissionListError {
    fn code(&self) -> Code {
        match self {
            Self::Invalid { source, .. } => source.code(),
            Self::TooMany { .. } => Code::PermissionTooMany,
        }
    }
}
