//! Checking an API key as people paste it: trimmed, then rejected with a specific message when
//! it cannot be a key (empty, whitespace inside, several lines, over-long, or a JWT pasted where
//! a key belongs). Shared by the desktop app and the command line; the UI mirrors these rules for
//! instant feedback, and this is the authority.

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
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "key_empty",
            Self::SeveralLines => "key_several_lines",
            Self::WhitespaceInside => "key_whitespace",
            Self::TooLong => "key_too_long",
            Self::LooksLikeJwt => "key_is_jwt",
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

fn looks_like_jwt(text: &str) -> bool {
    let base64url = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts: Vec<&str> = text.split('.').collect();
    text.starts_with("eyJ") && parts.len() >= 2
        || parts.len() == 3
            && base64url(parts[0])
            && base64url(parts[1])
            && parts[0].starts_with("eyJ")
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
