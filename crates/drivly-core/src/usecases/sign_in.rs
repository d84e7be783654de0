//! Use case: complete a browser sign-in. From a callback matched by
//! [`LoginRegistry::complete`] (either redirect form: a code exchanged with its PKCE verifier, or
//! the tokens themselves) to a session whose refresh token is in the keyring, whose record
//! (with `lastRefresh`) is in the index, and whose live state is handed to the process's
//! [`RunningSessions`].
//!
//! The desktop app (deep link or loopback) and the CLI (loopback) both call
//! [`complete_sign_in`], so both store sessions the same way and either can refresh what the
//! other signed in.
//!
//! Unknown expiry, one rule for both: the response's expiry, else the token's `exp`, else
//! "expired now", so the refresher refreshes at its first chance and learns the real expiry
//! from that answer (never an error: the refresh token is what matters).
//!
//! Binding: the callback was matched to its sign-in through the redirect it started with
//! (`LoginRegistry::complete`), and the code is exchanged at the profile as it was at start.
//!
//! Order matters: the refresh token is written before anything is announced
//! ([`session::establish`]), so a crash right after sign-in loses nothing the user would see.
//!
//! [`LoginRegistry::complete`]: crate::login::LoginRegistry::complete
//! [`session::establish`]: crate::session::establish

use chrono::{DateTime, Utc};

use super::error::UseCaseError;
use super::running::RunningSessions;
use crate::client::{ClientError, DrivlyClient};
use crate::login::{CompletedLogin, LoginOutcome};
use crate::profile::Profile;
use crate::secret::{Jwt, RefreshToken};
use crate::session::ports::SharedJwt;
use crate::session::{SessionError, SessionId, SessionMeta, SessionView, establish};
use crate::{ErrorCode, jwt};

/// Why a sign-in could not finish.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The user declined, or the server refused the request.
    #[error("sign-in was not completed: {}", describe_denial(.error, .description.as_deref()))]
    Denied {
        /// The OAuth error code, such as `access_denied`.
        error: String,
        /// The server's explanation, as plain text.
        description: Option<String>,
    },
    /// The code exchange failed.
    #[error("the sign-in could not be completed: {0}")]
    Exchange(#[from] ClientError),
    /// The server returned no refresh token, so the session could not be kept fresh.
    #[error(
        "the server returned no refresh token, so this session cannot be kept fresh; sign in again or check the profile's settings"
    )]
    NoRefreshToken,
    /// The session could not be stored.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The login was started on another profile than the one given.
    #[error("this sign-in was started for another profile; start it again")]
    WrongProfile,
    /// The profile's server address changed while the user was in the browser: the new
    /// session would be refreshed at another server than the one that issued it.
    #[error("the profile's server address changed during the sign-in; start the sign-in again")]
    ProfileChanged,
    /// The stored session could not be started.
    #[error(transparent)]
    Start(Box<UseCaseError>),
}

fn describe_denial(error: &str, description: Option<&str>) -> String {
    match (error, description) {
        ("access_denied", None) => "access was denied in the browser".to_owned(),
        (_, Some(text)) => format!("{error}: {text}"),
        (_, None) => error.to_owned(),
    }
}

impl ErrorCode for SignInError {
    fn code(&self) -> &'static str {
        match self {
            Self::Denied { .. } => "sign_in_denied",
            Self::Exchange(e) => e.code(),
            Self::NoRefreshToken => "no_refresh_token",
            Self::Session(e) => e.code(),
            Self::WrongProfile => "profile_mismatch",
            Self::ProfileChanged => "profile_changed_during_sign_in",
            Self::Start(e) => e.code(),
        }
    }
}

/// A stored, signed-in session.
#[derive(Debug)]
pub struct SignedIn {
    /// The session as the UI and the CLI show it (its refresher runs when the process runs
    /// sessions in the background).
    pub view: SessionView,
}

/// Exchanges the code (or takes the delivered tokens), stores the new session and hands it
/// to `running`.
///
/// `profile` is the profile as it is now; it must be the one the login was started on, and
/// still point at the same server. The code exchange itself uses the profile as it was when
/// the sign-in started ([`CompletedLogin::profile`]): a path changed meanwhile never redirects
/// the code and verifier elsewhere.
///
/// # Errors
/// [`SignInError::Denied`] when the user declined; [`SignInError::Exchange`] when the server
/// refused the code (expired, reused, wrong verifier) or could not be reached;
/// [`SignInError::NoRefreshToken`]; [`SignInError::Session`] when the keyring refused a write;
/// [`SignInError::WrongProfile`], [`SignInError::ProfileChanged`] (nothing is sent).
pub async fn complete_sign_in(
    completed: CompletedLogin,
    profile: &Profile,
    running: &RunningSessions,
) -> Result<SignedIn, SignInError> {
    if completed.profile_id != profile.id || completed.profile.id != profile.id {
        return Err(SignInError::WrongProfile);
    }
    if completed.profile.base_url != profile.base_url {
        return Err(SignInError::ProfileChanged);
    }
    let clock = running.clock();
    let requested_at = clock.now();
    let (access, refresh_token, expires) = match completed.outcome {
        LoginOutcome::Denied { error, description } => {
            return Err(SignInError::Denied { error, description });
        }
        LoginOutcome::Code { code, verifier } => {
            // The profile as captured at start (`CompletedLogin::profile`).
            let client = DrivlyClient::new(&completed.profile)?;
            let set = client
                .exchange_code(&code, &verifier, &completed.redirect_uri)
                .await?;
            (set.jwt, set.refresh_token, Some(set.expires))
        }
        LoginOutcome::Tokens {
            jwt,
            refresh_token,
            expires,
        } => (jwt, refresh_token, expires),
    };
    let refresh_token: RefreshToken = refresh_token.ok_or(SignInError::NoRefreshToken)?;
    let now = clock.now();
    let (subject, granted, token_exp) = describe(&access, now);
    // The response's expiry is authoritative (RFC 9068 §6); the token's `exp` is the fallback
    // for the token form; unknown means "refresh at once" (module docs).
    let expires = expires.or(token_exp).unwrap_or(now);
    let permissions = if granted.is_empty() {
        completed.permissions
    } else {
        granted
    };

    let mut meta = SessionMeta::new(
        SessionId::new_random(),
        completed.profile_id,
        subject,
        permissions,
        now,
    );
    meta.last_refresh = Some(requested_at);
    meta.jwt_expires = Some(expires);
    let shared = SharedJwt {
        jwt: access,
        requested_at,
        expires,
    };
    let live = establish(running.store(), &meta, &refresh_token, &shared).await?;
    tracing::info!(session = %meta.id.as_str(), profile = %meta.profile_id, "signed in");
    let view = running
        .adopt(live)
        .await
        .map_err(|e| SignInError::Start(Box::new(e)))?;
    Ok(SignedIn { view })
}

/// The subject, the granted permissions and the `exp` of a session JWT, for the record.
fn describe(
    token: &Jwt,
    now: DateTime<Utc>,
) -> (Option<String>, Vec<String>, Option<DateTime<Utc>>) {
    match jwt::inspect(token.expose_secret(), now) {
        Ok(inspection) => (
            inspection.subject.clone(),
            inspection.permissions.granted.clone(),
            inspection.expires_at.at(),
        ),
        Err(_) => (None, Vec::new(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denial_messages_are_plain_and_specific() {
        let denied = SignInError::Denied {
            error: "access_denied".into(),
            description: None,
        };
        assert_eq!(
            denied.to_string(),
            "sign-in was not completed: access was denied in the browser"
        );
        assert_eq!(denied.code(), "sign_in_denied");
        let with_text = SignInError::Denied {
            error: "access_denied".into(),
            description: Some("<b>no</b>".into()),
        };
        assert!(with_text.to_string().ends_with("access_denied: <b>no</b>"));
    }
}
