//! `drivly://` references in `run`'s environment: what they name, and resolving them.
//!
//! - `drivly://PROFILE/keys/LABEL`: the stored API key labelled LABEL on PROFILE;
//! - `drivly://PROFILE/session`: a fresh JWT of PROFILE's newest session;
//! - `drivly://PROFILE/session/SESSION`: of the session whose id starts with SESSION.
//!
//! A failure names the variable and the reason; the value it would have had never appears.

use drivly_core::Code;
use drivly_core::profile::ProfileId;

use crate::error::CliError;

/// The scheme prefix that marks a reference.
pub const PREFIX: &str = "drivly://";

/// What a reference names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A stored API key.
    Key {
        /// The profile.
        profile: String,
        /// The key's label.
        label: String,
    },
    /// A session JWT.
    Session {
        /// The profile.
        profile: String,
        /// A session id (or its start); the newest session when `None`.
        session: Option<String>,
    },
}

impl Reference {
    /// The reference in `value`, `None` when the value is not one (it then passes through).
    ///
    /// # Errors
    /// `reference_invalid` (exit 2) for a `drivly://` value of another shape.
    pub fn parse(variable: &str, value: &str) -> Result<Option<Self>, CliError> {
        let Some(rest) = value.trim().strip_prefix(PREFIX) else {
            return Ok(None);
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let invalid = |why: &str| {
            CliError::usage(
                Code::ReferenceInvalid,
                format!(
                    "{variable}: {why}; write drivly://PROFILE/keys/LABEL, drivly://PROFILE/session or drivly://PROFILE/session/SESSION"
                ),
            )
        };
        let profile = parts.first().copied().unwrap_or_default();
        if ProfileId::parse(profile).is_err() {
            return Err(invalid("the reference does not start with a profile name"));
        }
        let profile = profile.to_owned();
        match parts.get(1..).unwrap_or_default() {
            ["keys", label] if !label.is_empty() => Ok(Some(Self::Key {
                profile,
                label: (*label).to_owned(),
            })),
            ["session"] => Ok(Some(Self::Session {
                profile,
                session: None,
            })),
            ["session", id] if !id.is_empty() => Ok(Some(Self::Session {
                profile,
                session: Some((*id).to_owned()),
            })),
            _ => Err(invalid("the reference names neither a key nor a session")),
        }
    }

    /// The profile it names.
    pub fn profile(&self) -> &str {
        match self {
            Self::Key { profile, .. } | Self::Session { profile, .. } => profile,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_or_pass_through() {
        assert_eq!(Reference::parse("X", "hello").unwrap(), None);
        assert_eq!(
            Reference::parse("X", "drivly://emulator/keys/ci-key").unwrap(),
            Some(Reference::Key {
                profile: "emulator".into(),
                label: "ci-key".into()
            })
        );
        assert_eq!(
            Reference::parse("X", "drivly://emulator/session").unwrap(),
            Some(Reference::Session {
                profile: "emulator".into(),
                session: None
            })
        );
        assert_eq!(
            Reference::parse("X", "drivly://emulator/session/3f2a").unwrap(),
            Some(Reference::Session {
                profile: "emulator".into(),
                session: Some("3f2a".into())
            })
        );
        for bad in [
            "drivly://emulator",
            "drivly://emulator/keys",
            "drivly://emulator/keys/",
            "drivly://emulator/tokens/x",
            "drivly:///keys/x",
            "drivly://Bad Name/keys/x",
        ] {
            let e = Reference::parse("MY_VAR", bad).unwrap_err();
            assert!(e.to_string().starts_with("MY_VAR: "), "{e}");
        }
    }
}
