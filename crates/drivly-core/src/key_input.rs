//! Checking an API key as people paste it: trimmed, then rejected with a specific message when
//! it cannot be a key (empty, whitespace inside, several lines, over-long, or a JWT pasted where
//! a key belongs). Shared by the desktop app and the command line; the UI mirrors these rules for
//! instant feedback, and this is the authority.

use crate::Code;
use crate::ErrorCode;
use crate::secret::ApiKey;

/// The longest API key accepted, in characters.
pub const MAX_API_KEY_CHARS: usize = 4096;

/// Why pasted text is not an API key. Messages never include the pasted value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyInputError {
    /// Nothing but whitespace.
    #[error("the API key is empty; paste the key from Drivly's dashboard")]
    Empty,
    /// Line breaks inside.
    #[error("the API key spans several lines; paste only the key, on one line")]
    SeveralLines,
    /// Spaces or tabs inside.
    #[error("the API key contains spaces; paste only the key, without surrounding text")]
    WhitespaceInside,
    /// Longer than [`MAX_API_KEY_CHARS`].
    #[error("the API key is too long (over {MAX_API_KEY_CHARS} characters); paste only the key")]
    TooLong,
    /// Three base64url segments: a JWT, not an API key.
    #[error(
        "this looks like a JWT, not an API key; inspect it on the Inspect screen or with `drivly-keys decode`, and paste the API key from Drivly's dashboard here"
    )]
    LooksLikeJwt,
}

impl ErrorCode for KeyInputError {
    fn code(&self) -> Code {
        match self {
            Self::Empty => Code::KeyEmpty,
            Self::SeveralLines => Code::KeySeveralLines,
            Self::WhitespaceInside => Code::KeyWhitespace,
            Self::TooLong => Code::KeyTooLong,
            Self::LooksLikeJwt => Code::KeyIsJwt,
        }
    }
}

/// Trims `raw` and checks it can be an API key.
///
/// # Errors
/// The first rule the text breaks, as a [`KeyInputError`].
pub fn parse_api_key_input(raw: &str) -> Result<ApiKey, KeyInputError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(KeyInputError::Empty);
    }
    if text.contains(['\n', '\r']) {
        return Err(KeyInputError::SeveralLines);
    }
    if text.chars().any(char::is_whitespace) {
        return Err(KeyInputError::WhitespaceInside);
    }
    if text.chars().count() > MAX_API_KEY_CHARS {
        return Err(KeyInputError::TooLong);
    }
    if looks_like_jwt(text) {
        return Err(KeyInputError::LooksLikeJwt);
    }
    Ok(ApiKey::new(text))
}

/// How every JWT starts: its header is base64url JSON, and `{"` encodes to `eyJ`. Exported to
/// the UI (`ui/src/ipc/generated/contract.ts`), whose instant check applies the same rule.
pub const JWT_PREFIX: &str = "eyJ";

/// A JWT is [`JWT_PREFIX`] followed, somewhere, by the dot that ends its header; no API key
/// format starts that way.
fn looks_like_jwt(text: &str) -> bool {
    text.starts_with(JWT_PREFIX) && text.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_shape_has_its_own_error() {
        let cases = [
            ("", KeyInputError::Empty),
            ("   \t ", KeyInputError::Empty),
            ("dk_live_abc\ndk_live_def", KeyInputError::SeveralLines),
            ("dk_live abc", KeyInputError::WhitespaceInside),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
                KeyInputError::LooksLikeJwt,
            ),
            (
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
                KeyInputError::LooksLikeJwt,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_api_key_input(input).unwrap_err(),
                expected,
                "{input:?}"
            );
        }
        let long = "k".repeat(MAX_API_KEY_CHARS + 1);
        assert_eq!(
            parse_api_key_input(&long).unwrap_err(),
            KeyInputError::TooLong
        );
    }

    #[test]
    fn good_keys_are_trimmed() {
        let key = parse_api_key_input("  dk_live_CANARY0123456789\n").unwrap();
        assert_eq!(key.expose_secret(), "dk_live_CANARY0123456789");
        assert!(
            parse_api_key_input("sk.with.dots").is_ok(),
            "dotted keys that are not JWTs pass"
        );
    }

    #[test]
    fn messages_never_echo_the_input() {
        let err = parse_api_key_input("CANARY secret").unwrap_err();
        assert!(!err.to_string().contains("CANARY"));
    }
}
