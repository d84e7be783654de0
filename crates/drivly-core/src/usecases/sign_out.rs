//! Use case: sign out of a session. Revokes the newest refresh token on the server where the
//! server allows it (through the session's refresher, under the cross-process lock, so a
//! refresh in flight is waited for and nothing is resurrected), deletes the secrets and the
//! record, and stops the refresher. The app and the CLI both call [`sign_out`]; the CLI signs
//! out every session of a profile with [`sign_out_profile`].

use super::error::{UseCaseError, blocking};
use super::running::RunningSessions;
use crate::profile::ProfileId;
use crate::session::{Revocation, SessionId};

/// What signing out did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    /// The session.
    pub session_id: SessionId,
    /// Its profile.
    pub profile_id: ProfileId,
    /// What happened on the server (the secrets and the record are gone either way).
    pub revocation: Revocation,
}

impl SignedOut {
    /// One sentence for people.
    pub fn message(&self) -> String {
        match &self.revocation {
            Revocation::Revoked => "Signed out and revoked on the server.".into(),
            Revocation::AlreadyInvalid => {
                "Signed out; the server had already ended this session.".into()
            }
            other => format!(
                "Removed from this computer only: {}.",
                other.local_only_reason().unwrap_or_default()
            ),
        }
    }
}

/// Signs out of the session `id` (running, or stored and started for the purpose).
///
/// # Errors
/// [`UseCaseError::SessionNotFound`]; a store error when the keyring entries or the record
/// could not be deleted (the refresher is stopped all the same).
pub async fn sign_out(
    running: &RunningSessions,
    id: &SessionId,
) -> Result<SignedOut, UseCaseError> {
    let refresher = running.get(id).await?;
    let profile_id = refresher.view().meta.profile_id;
    let revoked = refresher.sign_out().await;
    drop(refresher);
    running.stop(id).await;
    let revocation = revoked?;
    let store = running.store();
    let record_id = id.clone();
    blocking(move || store.remove_record(&record_id)).await?;
    Ok(SignedOut {
        session_id: id.clone(),
        profile_id,
        revocation,
    })
}

/// Signs out of every stored session of `profile_id`, newest first.
///
/// # Errors
/// As [`sign_out`]; stops at the first failure.
pub async fn sign_out_profile(
    running: &RunningSessions,
    profile_id: &ProfileId,
) -> Result<Vec<SignedOut>, UseCaseError> {
    let mut done = Vec::new();
    let stored = super::sessions::stored_sessions(
        running.store(),
        running.clock().as_ref(),
        Some(profile_id),
    )
    .await?;
    for meta in stored {
        done.push(sign_out(running, &meta.meta.id).await?);
    }
    Ok(done)
}
