//! One Drivly permission, `<resource>.read` or `<resource>.write`, and the strict parser that
//! produces it.
//!
//! Invariant: a [`Permission`] value always holds a valid resource name (1 to 64 characters of
//! `a-z`, `0-9`, `_`, `-`), so code holding one never re-validates. Each bad shape has its own
//! [`PermissionError`] variant whose message tells the user how to fix the string, because this
//! parser also checks what people type into the mint form.

use crate::Code;
use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::ErrorCode;

/// The longest resource name accepted; Drivly's resource names are short words.
pub const MAX_RESOURCE_LEN: usize = 64;

/// How many characters of a bad input an error message quotes, so a pasted essay does not
/// become a screen-filling error.
const QUOTE_LIMIT: usize = 60;

/// An HTTP method a permission can grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`, granted by `.read`.
    Get,
    /// `POST`, granted by `.write`.
    Post,
    /// `PUT`, granted by `.write`.
    Put,
    /// `DELETE`, granted by `.write`.
    Delete,
}

impl Method {
    /// All four methods, in table order.
    pub const ALL: [Method; 4] = [Method::Get, Method::Post, Method::Put, Method::Delete];

    /// Parses a method name, ignoring case. Methods Drivly's permission model does not cover
    /// (`PATCH`, `HEAD`, ...) give `None`, so callers cannot silently treat them as allowed.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "GET" => Some(Self::Get),
            "POST" => Some(Self::Post),
            "PUT" => Some(Self::Put),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }

    /// The upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    /// The access level that grants this method.
    pub fn required_access(self) -> Access {
        match self {
            Self::Get => Access::Read,
            Self::Post | Self::Put | Self::Delete => Access::Write,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The access part of a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// `.read`: grants `GET`.
    Read,
    /// `.write`: grants `POST`, `PUT` and `DELETE` (and not `GET`: Drivly keeps them separate).
    Write,
}

impl Access {
    /// `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    /// The methods this access level grants.
    pub fn methods(self) -> &'static [Method] {
        match self {
            Self::Read => &[Method::Get],
            Self::Write => &[Method::Post, Method::Put, Method::Delete],
        }
    }
}

/// A valid permission such as `invoices.read`. Ordered by resource, then read before write.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Permission {
    /// The whole `<resource>.<access>` text, kept whole because permissions are shown (every
    /// inspection lists them) far more often than taken apart: showing one is then a copy or a
    /// move rather than a formatting pass into a new allocation.
    text: String,
    /// Length of the resource at the start of `text`.
    resource_len: usize,
    access: Access,
}

impl Permission {
    /// Parses `<resource>.read` or `<resource>.write` exactly (no trimming, no case folding).
    ///
    /// # Errors
    /// A [`PermissionError`] naming the bad shape: empty, no dot, empty resource, unknown
    /// access, upper case, a forbidden character, more than one dot, or too long.
    #[inline]
    pub fn parse(input: &str) -> Result<Self, PermissionError> {
        // A token carries dozens of permissions and nearly all of them are well formed, so those
        // are recognised in one pass over their bytes (inlined, so the value is built where it
        // is stored); only the rest take the step-by-step checks, whose order decides which
        // problem an error names.
        if let Some((resource_len, access)) = split_well_formed(input) {
            return Ok(Self {
                text: input.to_owned(),
                resource_len,
                access,
            });
        }
        Self::parse_checked(input)
    }

    /// [`Permission::parse`] one check at a time: the path of anything not well formed.
    fn parse_checked(input: &str) -> Result<Self, PermissionError> {
        if input.is_empty() {
            return Err(PermissionError::Empty);
        }
        if input.len() > MAX_RESOURCE_LEN + ".write".len() {
            return Err(PermissionError::TooLong {
                input: quote(input),
                max: MAX_RESOURCE_LEN,
            });
        }
        let Some((resource, access)) = input.rsplit_once('.') else {
            return Err(PermissionError::MissingAccess {
                input: quote(input),
            });
        };
        if resource.contains('.') {
            return Err(PermissionError::TooManyDots {
                input: quote(input),
            });
        }
        if resource.len() > MAX_RESOURCE_LEN {
            return Err(PermissionError::TooLong {
                input: quote(input),
                max: MAX_RESOURCE_LEN,
            });
        }
        if resource.is_empty() {
            return Err(PermissionError::EmptyResource {
                input: quote(input),
            });
        }
        let access = match access {
            "read" => Access::Read,
            "write" => Access::Write,
            other if matches!(other.to_ascii_lowercase().as_str(), "read" | "write") => {
                return Err(PermissionError::NotLowercase {
                    input: quote(input),
                    suggestion: input.to_ascii_lowercase(),
                });
            }
            other => {
                return Err(PermissionError::UnknownAccess {
                    input: quote(input),
                    access: quote(other),
                });
            }
        };
        // Resource characters are all ASCII, so valid names pass a plain byte scan; only a bad
        // name pays for decoding chars to find which character to name.
        let all_valid = resource.bytes().all(|b| is_resource_char(char::from(b)));
        if !all_valid && let Some(bad) = resource.chars().find(|c| !is_resource_char(*c)) {
            if bad.is_ascii_uppercase()
                && resource
                    .chars()
                    .all(|c| is_resource_char(c.to_ascii_lowercase()))
            {
                return Err(PermissionError::NotLowercase {
                    input: quote(input),
                    suggestion: input.to_ascii_lowercase(),
                });
            }
            return Err(PermissionError::InvalidCharacter {
                input: quote(input),
                character: bad,
            });
        }
        Ok(Self {
            text: input.to_owned(),
            resource_len: resource.len(),
            access,
        })
    }

    /// Builds a permission from parts, validating the resource name.
    ///
    /// # Errors
    /// As [`Permission::parse`].
    pub fn new(resource: &str, access: Access) -> Result<Self, PermissionError> {
        Self::parse(&format!("{resource}.{}", access.as_str()))
    }

    /// The resource, such as `invoices`.
    pub fn resource(&self) -> &str {
        self.text.get(..self.resource_len).unwrap_or_default()
    }

    /// The whole permission, such as `invoices.read`.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The whole permission as an owned string, without copying it.
    pub(crate) fn into_string(self) -> String {
        self.text
    }

    /// The access level.
    pub fn access(&self) -> Access {
        self.access
    }

    /// True when this permission grants `method` on `resource`.
    pub fn grants(&self, method: Method, resource: &str) -> bool {
        self.resource() == resource && method.required_access() == self.access
    }
}

impl Ord for Permission {
    fn cmp(&self, other: &Self) -> Ordering {
        // By resource first: comparing the whole text would put `a-b.read` before `a.read`
        // ('-' sorts before '.'), and the table groups a resource's permissions together.
        (self.resource(), self.access).cmp(&(other.resource(), other.access))
    }
}

impl PartialOrd for Permission {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permission")
            .field("resource", &self.resource())
            .field("access", &self.access)
            .finish()
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// The resource length and access of a well-formed permission (what [`Permission::parse`]
/// accepts), or `None` for anything else.
fn split_well_formed(input: &str) -> Option<(usize, Access)> {
    let (resource, access) = match input.strip_suffix(".read") {
        Some(resource) => (resource, Access::Read),
        None => (input.strip_suffix(".write")?, Access::Write),
    };
    // No resource character is a dot, so this also rules out a second one.
    let valid = (1..=MAX_RESOURCE_LEN).contains(&resource.len())
        && resource.bytes().all(|b| RESOURCE_BYTES[usize::from(b)]);
    valid.then_some((resource.len(), access))
}

/// True for the characters a resource name may hold.
const fn is_resource_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
}

/// [`is_resource_char`] for every byte, so that checking a name costs one lookup a byte.
const RESOURCE_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < table.len() {
        table[byte] = is_resource_char(byte as u8 as char);
        byte += 1;
    }
    table
};

/// The first [`QUOTE_LIMIT`] characters of `input`, with an ellipsis when cut.
pub(crate) fn quote(input: &str) -> String {
    let mut chars = input.chars();
    let mut out: String = chars.by_ref().take(QUOTE_LIMIT).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Why a string is not a valid permission. Messages say how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermissionError {
    /// The string is empty.
    #[error(
        "A permission cannot be empty: write <resource>.read or <resource>.write, for example invoices.read."
    )]
    Empty,
    /// No `.read`/`.write` suffix at all.
    #[error(
        "'{input}' has no access part: add .read (GET) or .write (POST, PUT, DELETE), for example {input}.read."
    )]
    MissingAccess {
        /// The input, shortened.
        input: String,
    },
    /// Nothing before the dot.
    #[error(
        "'{input}' has no resource: put the resource name before the dot, for example invoices.read."
    )]
    EmptyResource {
        /// The input, shortened.
        input: String,
    },
    /// The part after the dot is neither `read` nor `write`.
    #[error(
        "'{input}': the access '{access}' is not read or write; Drivly permissions are <resource>.read or <resource>.write."
    )]
    UnknownAccess {
        /// The input, shortened.
        input: String,
        /// The access part found.
        access: String,
    },
    /// Upper-case letters where Drivly uses lower case.
    #[error("'{input}': permissions are lower case; write {suggestion}.")]
    NotLowercase {
        /// The input, shortened.
        input: String,
        /// The lower-cased form.
        suggestion: String,
    },
    /// A character that cannot appear in a resource name.
    #[error(
        "'{input}': the resource name contains {character:?}; use only lowercase letters, digits, _ and -."
    )]
    InvalidCharacter {
        /// The input, shortened.
        input: String,
        /// The first offending character.
        character: char,
    },
    /// More than one dot.
    #[error("'{input}' has more than one dot; write a single <resource>.read or <resource>.write.")]
    TooManyDots {
        /// The input, shortened.
        input: String,
    },
    /// Longer than any resource name.
    #[error("'{input}' is too long: resource names have at most {max} characters.")]
    TooLong {
        /// The input, shortened.
        input: String,
        /// The limit.
        max: usize,
    },
}

impl ErrorCode for PermissionError {
    fn code(&self) -> Code {
        match self {
            Self::Empty => Code::PermissionEmpty,
            Self::MissingAccess { .. } => Code::PermissionMissingAccess,
            Self::EmptyResource { .. } => Code::PermissionEmptyResource,
            Self::UnknownAccess { .. } => Code::PermissionUnknownAccess,
            Self::NotLowercase { .. } => Code::PermissionNotLowercase,
            Self::InvalidCharacter { .. } => Code::PermissionInvalidCharacter,
            Self::TooManyDots { .. } => Code::PermissionTooManyDots,
            Self::TooLong { .. } => Code::PermissionTooLong,
        }
    }
}
