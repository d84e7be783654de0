//! Drivly permission strings: `<resource>.read` grants GET, `<resource>.write` grants POST, PUT,
//! PATCH and DELETE on that resource (exactly as Drivly documents: `.write` does not imply
//! `.read`).
//!
//! The emulator accepts any well-formed resource name (lowercase letters, digits, `-`, `_`), since
//! Drivly has more resources than the emulator serves; only the shape is checked.

use crate::error::ApiError;

/// What a permission grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

/// A parsed permission such as `invoices.read`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permission {
    pub resource: String,
    pub access: Access,
}

impl Permission {
    /// Parses `<resource>.read` or `<resource>.write`.
    pub fn parse(value: &str) -> Result<Self, ApiError> {
        let bad = || {
            ApiError::InvalidPermission(format!(
                "permission {:?} is not of the form <resource>.read or <resource>.write \
                 (for example invoices.read)",
                truncate(value)
            ))
        };
        let (resource, access) = value.rsplit_once('.').ok_or_else(bad)?;
        let access = match access {
            "read" => Access::Read,
            "write" => Access::Write,
            _ => return Err(bad()),
        };
        let valid_name = !resource.is_empty()
            && resource.len() <= 64
            && resource
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid_name {
            return Err(bad());
        }
        Ok(Self {
            resource: resource.to_owned(),
            access,
        })
    }

    /// The permission a request with `method` on `resource` needs.
    pub fn required(resource: &str, method: &http::Method) -> String {
        let access = if method == http::Method::GET || method == http::Method::HEAD {
            "read"
        } else {
            "write"
        };
        format!("{resource}.{access}")
    }

    /// The permission in words, for the consent page: "Read invoices".
    pub fn describe(&self) -> String {
        let name = self.resource.replace(['-', '_'], " ");
        match self.access {
            Access::Read => format!("Read {name}"),
            Access::Write => format!("Create, change and delete {name}"),
        }
    }

    /// The canonical string form.
    pub fn as_string(&self) -> String {
        let access = match self.access {
            Access::Read => "read",
            Access::Write => "write",
        };
        format!("{}.{access}", self.resource)
    }
}

/// Parses a non-empty list of permissions, dropping duplicates while keeping order.
pub(crate) fn parse_list<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Permission>, ApiError> {
    let mut out: Vec<Permission> = Vec::new();
    for value in values {
        let permission = Permission::parse(value.trim())?;
        if !out.contains(&permission) {
            out.push(permission);
        }
    }
    if out.is_empty() {
        return Err(ApiError::InvalidPermission(
            "the permission list is empty; ask for at least one, for example invoices.read".into(),
        ));
    }
    Ok(out)
}

/// Keeps echoed input short in messages.
fn truncate(value: &str) -> String {
    value.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_describes() {
        let p = Permission::parse("invoices.read").unwrap();
        assert_eq!(p.describe(), "Read invoices");
        assert_eq!(p.as_string(), "invoices.read");
        let w = Permission::parse("bank-accounts.write").unwrap();
        assert_eq!(w.describe(), "Create, change and delete bank accounts");
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "invoices",
            "invoices.admin",
            ".read",
            "Invoices.read",
            "a b.read",
            "*",
        ] {
            assert!(Permission::parse(bad).is_err(), "{bad}");
        }
        assert!(parse_list([]).is_err());
        assert_eq!(parse_list(["a.read", "a.read"]).unwrap().len(), 1);
    }

    #[test]
    fn required_permission_follows_method() {
        assert_eq!(
            Permission::required("invoices", &http::Method::GET),
            "invoices.read"
        );
        assert_eq!(
            Permission::required("invoices", &http::Method::DELETE),
            "invoices.write"
        );
    }
}
