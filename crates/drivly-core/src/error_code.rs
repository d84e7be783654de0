//! The stable, machine-readable code every domain error carries.
//!
//! Errors are typed `thiserror` enums inside the core; at the edges (the desktop IPC boundary,
//! the CLI's `--json` output and exit codes) they become `{code, message}`. The code is one
//! [`Code`]: a closed list, exported to the UI as a TypeScript union (`ui/src/ipc/generated/`),
//! so the UI can branch on a code the compiler knows exists. The message is for people and never
//! contains a secret.

use serde::{Deserialize, Serialize};

/// A domain error with a stable machine-readable code.
pub trait ErrorCode: std::error::Error {
    /// A short, stable identifier, for example [`Code::KeyringLocked`].
    fn code(&self) -> Code;
}

/// Declares [`Code`] from one list of `Variant = "wire_text"` pairs, so the Rust name, the text
/// on the wire (serde), the TypeScript union (ts-rs reads the serde renames) and [`Code::ALL`]
/// cannot disagree.
macro_rules! codes {
    ($($variant:ident = $text:literal,)*) => {
        /// Every error code the core, the CLI and the desktop shell can report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        pub enum Code {
            $(
                #[doc = $text]
                #[serde(rename = $text)]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as it travels: `snake_case`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    ApiKeyNotFound = "api_key_not_found",
    BadRequest = "bad_request",
    BrowserUnavailable = "browser_unavailable",
    CallbackAmbiguousParameters = "callback_ambiguous_parameters",
    CallbackBadEncoding = "callback_bad_encoding",
    CallbackDuplicateParameter = "callback_duplicate_parameter",
    CallbackInvalidValue = "callback_invalid_value",
    CallbackMissingState = "callback_missing_state",
    CallbackMixedForms = "callback_mixed_forms",
    CallbackNoResult = "callback_no_result",
    CallbackTooLong = "callback_too_long",
    CallbackUnknownParameter = "callback_unknown_parameter",
    CallbackUnparseable = "callback_unparseable",
    CallbackWrongTarget = "callback_wrong_target",
    ClientSetupFailed = "client_setup_failed",
    ClipboardUnavailable = "clipboard_unavailable",
    ClipboardNoJwt = "clipboard_no_jwt",
    EmptySecret = "empty_secret",
    EndpointNotFound = "endpoint_not_found",
    EnvFileInvalid = "env_file_invalid",
    EnvFileUnreadable = "env_file_unreadable",
    FileEncode = "file_encode",
    FileIo = "file_io",
    FileLocked = "file_locked",
    FolderNotWritable = "folder_not_writable",
    Forbidden = "forbidden",
    HtmlAnswer = "html_answer",
    IndexEncode = "index_encode",
    IndexIo = "index_io",
    IndexLocked = "index_locked",
    InputUnreadable = "input_unreadable",
    Internal = "internal",
    Interrupted = "interrupted",
    InvalidEnvironmentVariable = "invalid_environment_variable",
    InvalidExpires = "invalid_expires",
    InvalidExpiry = "invalid_expiry",
    InvalidLabel = "invalid_label",
    InvalidMethod = "invalid_method",
    InvalidNote = "invalid_note",
    InvalidProfileDisplayName = "invalid_profile_display_name",
    InvalidProfileName = "invalid_profile_name",
    InvalidProfileSetting = "invalid_profile_setting",
    InvalidRedirectScheme = "invalid_redirect_scheme",
    InvalidRequest = "invalid_request",
    InvalidSetting = "invalid_setting",
    InvalidUrl = "invalid_url",
    JwtBadBase64 = "jwt_bad_base64",
    JwtEmpty = "jwt_empty",
    JwtEncrypted = "jwt_encrypted",
    JwtNotJson = "jwt_not_json",
    JwtNotObject = "jwt_not_object",
    JwtNotUtf8 = "jwt_not_utf8",
    JwtOpaqueToken = "jwt_opaque_token",
    JwtSegmentCount = "jwt_segment_count",
    JwtTooLarge = "jwt_too_large",
    KeyAlgMismatch = "key_alg_mismatch",
    KeyEmpty = "key_empty",
    KeyEmptySecret = "key_empty_secret",
    KeyFormatUnrecognised = "key_format_unrecognised",
    KeyInvalidField = "key_invalid_field",
    KeyIsJwt = "key_is_jwt",
    KeyJwksNoUsableKeys = "key_jwks_no_usable_keys",
    KeyMissingField = "key_missing_field",
    KeyNotForSignatures = "key_not_for_signatures",
    KeyNotFound = "key_not_found",
    KeyNotJson = "key_not_json",
    KeyNotJwks = "key_not_jwks",
    KeyPemUnreadable = "key_pem_unreadable",
    KeyPrivate = "key_private",
    KeySeveralLines = "key_several_lines",
    KeySymmetricInJwks = "key_symmetric_in_jwks",
    KeyTooLarge = "key_too_large",
    KeyTooLong = "key_too_long",
    KeyUnknownAlg = "key_unknown_alg",
    KeyUnsupportedCurve = "key_unsupported_curve",
    KeyUnsupportedType = "key_unsupported_type",
    KeyWhitespace = "key_whitespace",
    KeyringAmbiguous = "keyring_ambiguous",
    KeyringError = "keyring_error",
    KeyringLocked = "keyring_locked",
    KeyringNotPlatform = "keyring_not_platform",
    KeyringTimeout = "keyring_timeout",
    KeyringUnavailable = "keyring_unavailable",
    LabelExists = "label_exists",
    LinkHandlerRemoveFailed = "link_handler_remove_failed",
    LocalServerBindFailed = "local_server_bind_failed",
    LocalServerFailed = "local_server_failed",
    LoginCancelled = "login_cancelled",
    LoginDenied = "login_denied",
    LoginExpired = "login_expired",
    LoginStateMismatch = "login_state_mismatch",
    LoginStateReused = "login_state_reused",
    LoginUnexpectedForm = "login_unexpected_form",
    LoginWrongIssuer = "login_wrong_issuer",
    LoginWrongRedirect = "login_wrong_redirect",
    LoopbackAcceptFailed = "loopback_accept_failed",
    LoopbackBindFailed = "loopback_bind_failed",
    LoopbackTimedOut = "loopback_timed_out",
    MalformedResponse = "malformed_response",
    MissingPermissions = "missing_permissions",
    NetworkError = "network_error",
    NoHomeFolder = "no_home_folder",
    NoPendingLogin = "no_pending_login",
    NoPermissions = "no_permissions",
    NoRefreshToken = "no_refresh_token",
    NotFound = "not_found",
    NotRevoked = "not_revoked",
    NotSignedIn = "not_signed_in",
    OutputFailed = "output_failed",
    PermissionEmpty = "permission_empty",
    PermissionEmptyResource = "permission_empty_resource",
    PermissionInvalidCharacter = "permission_invalid_character",
    PermissionMissingAccess = "permission_missing_access",
    PermissionNotLowercase = "permission_not_lowercase",
    PermissionTooLong = "permission_too_long",
    PermissionTooMany = "permission_too_many",
    PermissionTooManyDots = "permission_too_many_dots",
    PermissionUnknownAccess = "permission_unknown_access",
    ProfileBuiltIn = "profile_built_in",
    ProfileChangedDuringSignIn = "profile_changed_during_sign_in",
    ProfileExists = "profile_exists",
    ProfileInUse = "profile_in_use",
    ProfileMismatch = "profile_mismatch",
    ProfileNotFound = "profile_not_found",
    ProfileUrlFixed = "profile_url_fixed",
    RateLimited = "rate_limited",
    ReferenceInvalid = "reference_invalid",
    RefreshFailed = "refresh_failed",
    RefreshTokenNotSaved = "refresh_token_not_saved",
    RefresherStopped = "refresher_stopped",
    SecretCorrupt = "secret_corrupt",
    SecretMissing = "secret_missing",
    SecretTooLong = "secret_too_long",
    ServerError = "server_error",
    ServiceUnavailable = "service_unavailable",
    SessionLockFailed = "session_lock_failed",
    SessionLockTimeout = "session_lock_timeout",
    SessionNotFound = "session_not_found",
    SessionSignedOut = "session_signed_out",
    SignInDenied = "sign_in_denied",
    SignatureInvalid = "signature_invalid",
    SignatureUnverified = "signature_unverified",
    SignInNeeded = "sign_in_needed",
    SpawnFailed = "spawn_failed",
    StoreWatchFailed = "store_watch_failed",
    Timeout = "timeout",
    TokenAlreadyExpired = "token_already_expired",
    TokenGone = "token_gone",
    TokenLifetimeTooShort = "token_lifetime_too_short",
    Unauthorized = "unauthorized",
    UnexpectedStatus = "unexpected_status",
    Usage = "usage",
    // Issue #13 (security helper): native confirmations, held-token origins, profile removal,
    // orphan sweeping.
    NotConfirmed = "not_confirmed",
    TokenWrongOrigin = "token_wrong_origin",
    ProfileNotEmpty = "profile_not_empty",
    // Issue #16: the desktop refused the global shortcut (another program holds it).
    ShortcutUnavailable = "shortcut_unavailable",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and callers compare a code with its text: `assert_eq!(error.code(), "keyring_locked")`.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl std::str::FromStr for Code {
    type Err = ();

    /// The code with this text, if it is one of ours (persisted records keep codes as text).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn the_wire_text_is_the_declared_text_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let wire = serde_json::to_value(code).unwrap();
            assert_eq!(wire, serde_json::Value::from(code.as_str()));
            assert!(seen.insert(code.as_str()), "{code} declared twice");
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{code} is not snake_case"
            );
            assert_eq!(code.as_str().parse::<Code>(), Ok(*code));
        }
    }
}
