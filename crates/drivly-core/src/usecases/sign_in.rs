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
//! Expiry: the lifetime the server stated relative to its own clock (`client/lifetime.rs`),
//! counted from the sending of the request; a stated lifetime of zero or less is refused
//! (`token_already_expired`). An unknown expiry (a token form without one) means "expired
//! now", so the refresher refreshes at its first chance and learns the real expiry from that
//! answer (never an error: the refresh token is what matters).
//!
//! Binding: the callback was matched to its sign-in through the redirect it started with
//! (`LoginRegistry::complete`), and the code is exchanged at the profile as it was at start.
//!
//! Order matters: the refresh token is written before anything is announced
//! ([`session::establish`]), so a crash right after sign-in loses nothing the user would see.
//!
//! One account, one session per profile (issue #16): signing in again as the same `sub` on the
//! same profile replaces the earlier session once the new one is stored: the earlier one is
//! signed out (its refresh token revoked where the server can) and its label carries over.
//! A failure there never undoes the sign-in; the earlier session simply stays.
//!
//! [`LoginRegistry::complete`]: crate::login::LoginRegistry::complete
//! [`session::establish`]: crate::session::establish

use crate::Code;
use chrono::{DateTime, TimeDelta, Utc};

use super::error::{UseCaseError, blocking};
use super::running::RunningSessions;
use super::sign_out::{SignedOut, sign_out};
use crate::client::{ClientError, DrivlyClient, jwt_exp, jwt_iat};
use crate::login::{CompletedLogin, LoginOutcome};
use crate::profile::Profile;
use crate::secret::{Jwt, RefreshToken};
use crate::session::ports::SharedJwt;
use crate::session::{
    SKEW_SHOWN_SECS, SessionError, SessionId, SessionMeta, SessionView, establish,
};
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
    fn code(&self) -> Code {
        match self {
            Self::Denied { .. } => Code::SignInDenied,
            Self::Exchange(e) => e.code(),
            Self::NoRefreshToken => Code::NoRefreshToken,
            Self::Session(e) => e.code(),
            Self::WrongProfile => Code::ProfileMismatch,
            Self::ProfileChanged => Code::ProfileChangedDuringSignIn,
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
    /// The earlier sessions of the same account on this profile, signed out now.
    pub replaced: Vec<SignedOut>,
}

impl SignedIn {
    /// One sentence for people: who is signed in where, and what it replaced.
    pub fn message(&self, profile_name: &str) -> String {
        let who = match self
            .view
            .meta
            .account
            .as_deref()
            .or(self.view.meta.subject.as_deref())
        {
            Some(account) => format!("Signed in to {profile_name} as {account}."),
            None => format!("Signed in to {profile_name}."),
        };
        match self.replaced.as_slice() {
            [] => who,
            [one] if one.revocation.local_only_reason().is_none() => {
                format!("{who} It replaces the earlier session of this account, now revoked.")
            }
            [_] => format!(
                "{who} It replaces the earlier session of this account (ended on this computer; the server was not told)."
            ),
            many => format!(
                "{who} It replaces {} earlier sessions of this account.",
                many.len()
            ),
        }
    }
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
    // The lifetime as the server stated it, relative to its own clock (`client/lifetime.rs`),
    // and the clock difference its answer showed.
    let (access, refresh_token, stated_lifetime, skew) = match completed.outcome {
        LoginOutcome::Denied { error, description } => {
            return Err(SignInError::Denied { error, description });
        }
        LoginOutcome::Code { code, verifier } => {
            // The profile as captured at start (`CompletedLogin::profile`).
            let client = DrivlyClient::new(&completed.profile)?;
            let set = client
                .exchange_code(&code, &verifier, &completed.redirect_uri)
                .await?;
            let lifetime = set.lifetime();
            (
                set.jwt,
                set.refresh_token,
                Some(lifetime),
                set.server_skew_secs,
            )
        }
        LoginOutcome::Tokens {
            jwt,
            refresh_token,
            expires,
        } => {
            let lifetime = token_form_lifetime(&jwt, expires, clock.now());
            (jwt, refresh_token, lifetime, None)
        }
    };
    let refresh_token: RefreshToken = refresh_token.ok_or(SignInError::NoRefreshToken)?;
    if let Some(lifetime) = stated_lifetime
        && lifetime <= TimeDelta::zero()
    {
        return Err(SignInError::Session(SessionError::TokenAlreadyExpired {
            lifetime_secs: lifetime.num_seconds(),
        }));
    }
    let now = clock.now();
    let (subject, account, granted) = describe(&access, now);
    // Unknown lifetime means "refresh at once" (module docs).
    let expires = requested_at + stated_lifetime.unwrap_or_else(TimeDelta::zero);
    let permissions = if granted.is_empty() {
        completed.permissions
    } else {
        granted
    };

    let earlier = same_account(running, &completed.profile_id, subject.as_deref()).await;
    let mut meta = SessionMeta::new(
        SessionId::new_random(),
        completed.profile_id,
        subject,
        permissions,
        now,
    );
    meta.account = account;
    meta.label = earlier.iter().find_map(|m| m.label.clone());
    meta.last_refresh = Some(requested_at);
    meta.jwt_expires = Some(expires);
    meta.server_clock_skew_secs = skew.filter(|s| s.abs() > SKEW_SHOWN_SECS);
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
    let mut replaced = Vec::new();
    for old in earlier {
        match sign_out(running, &old.id).await {
            Ok(out) => replaced.push(out),
            Err(e) => {
                tracing::warn!(session = %old.id, code = e.code().as_str(), "the earlier session of this account stays: it could not be signed out");
            }
        }
    }
    Ok(SignedIn { view, replaced })
}

/// The stored sessions of `subject` on `profile` (none when the token names no subject).
async fn same_account(
    running: &RunningSessions,
    profile: &crate::profile::ProfileId,
    subject: Option<&str>,
) -> Vec<SessionMeta> {
    let Some(subject) = subject.map(str::to_owned) else {
        return Vec::new();
    };
    let store = running.store();
    let records = blocking(move || store.records()).await;
    match records {
        Ok(records) => records
            .into_iter()
            .filter(|m| &m.profile_id == profile && m.subject.as_deref() == Some(subject.as_str()))
            .collect(),
        Err(e) => {
            tracing::warn!(
                code = e.code().as_str(),
                "could not list sessions to replace"
            );
            Vec::new()
        }
    }
}

/// The lifetime of a token-form sign-in: the redirect has no `Date`, so the token's `iat` is
/// the server's clock (the URL's expiry, else `exp`, minus it); without `iat`, the expiry
/// against the local clock. `None` when nothing states an expiry.
fn token_form_lifetime(
    token: &Jwt,
    expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<TimeDelta> {
    let expires = expires.or_else(|| jwt_exp(token.expose_secret()))?;
    Some(match jwt_iat(token.expose_secret()) {
        Some(iat) => expires - iat,
        None => expires - now,
    })
}

/// The subject, the account's name and the granted permissions of a session JWT, for the
/// record.
fn describe(token: &Jwt, now: DateTime<Utc>) -> (Option<String>, Option<String>, Vec<String>) {
    match jwt::inspect(token.expose_secret(), now) {
        Ok(inspection) => (
            inspection.subject.clone(),
            account_name(&inspection.claims),
            inspection.permissions.granted.clone(),
        ),
        Err(_) => (None, None, Vec::new()),
    }
}

/// The longest account name kept (a claim is the server's text, shown in lists).
const MAX_ACCOUNT_CHARS: usize = 200;

/// The account as people know it: the `email`, `name` or `preferred_username` claim (OpenID
/// Connect's standard claims), the first that is a non-empty single-line string.
pub fn account_name(claims: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    ["email", "name", "preferred_username"]
        .iter()
        .filter_map(|claim| claims.get(*claim)?.as_str())
        .map(str::trim)
        .find(|v| !v.is_empty() && !v.chars().any(char::is_control))
        .map(|v| v.chars().take(MAX_ACCOUNT_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_the_email_else_the_name_else_the_username() {
        let claims = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        let all = claims(
            serde_json::json!({"sub": "usr_1", "email": "ana@example.com", "name": "Ana", "preferred_username": "ana"}),
        );
        assert_eq!(account_name(&all).as_deref(), Some("ana@example.com"));
        let named = claims(serde_json::json!({"email": " ", "name": "Ana Lima"}));
        assert_eq!(account_name(&named).as_deref(), Some("Ana Lima"));
        let user = claims(serde_json::json!({"email": 42, "preferred_username": "ana"}));
        assert_eq!(account_name(&user).as_deref(), Some("ana"));
        let odd = claims(serde_json::json!({"name": "two\nlines"}));
        assert_eq!(account_name(&odd), None);
        let long = claims(serde_json::json!({"name": "x".repeat(500)}));
        assert_eq!(
            account_name(&long).map(|n| n.chars().count()),
            Some(MAX_ACCOUNT_CHARS)
        );
    }

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
