//! The token issuer behind each running session: an HTTP client for the session's profile.
//!
//! The desktop app keeps sessions running for days while the user may edit their profile (a
//! fixed refresh path, a client id, from Settings or the CLI). So a session's issuer reads its
//! profile again at every call and rebuilds the client when the profile changed: the edit
//! applies at the next refresh, and "Retry now" after a setup error really retries with the
//! fix. The sessions of one profile share one client, hence one connection pool and one
//! estimate of the server's clock from its `Date` headers (issue #14 item 4), which the
//! client uses for an answer that has none.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures::FutureExt;
use futures::future::BoxFuture;

use super::error::UseCaseError;
use crate::ErrorCode;
use crate::client::{DrivlyClient, RevokeOutcome};
use crate::profile::store::ProfileStore;
use crate::profile::{Profile, ProfileError, ProfileId};
use crate::secret::RefreshToken;
use crate::session::{IssueError, IssuedTokens, TokenIssuer};

/// Builds the token issuer for a profile's session.
pub type Issuers =
    Arc<dyn Fn(&ProfileId) -> Result<Arc<dyn TokenIssuer>, UseCaseError> + Send + Sync>;

/// Where a profile's settings come from.
#[derive(Debug)]
enum Source {
    /// The profile store, read again at each call (the app: profiles change while it runs).
    Store(Arc<ProfileStore>),
    /// One profile, fixed for the process (the CLI works on one profile per run).
    Fixed(Box<Profile>),
}

/// One client per profile, rebuilt when the profile's settings change.
#[derive(Debug)]
struct ProfileClients {
    source: Source,
    clients: Mutex<HashMap<ProfileId, Arc<DrivlyClient>>>,
}

impl ProfileClients {
    fn profile(&self, id: &ProfileId) -> Result<Profile, UseCaseError> {
        match &self.source {
            Source::Store(store) => Ok(store.get(id)?),
            Source::Fixed(profile) if &profile.id == id => Ok((**profile).clone()),
            Source::Fixed(_) => Err(UseCaseError::Config(
                ProfileError::NotFound(id.to_string()).into(),
            )),
        }
    }

    /// The client for the profile as it is now.
    fn client(&self, id: &ProfileId) -> Result<Arc<DrivlyClient>, UseCaseError> {
        let profile = self.profile(id)?;
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = clients.get(id)
            && client.profile() == &profile
        {
            return Ok(Arc::clone(client));
        }
        let client = Arc::new(DrivlyClient::new(&profile)?);
        clients.insert(id.clone(), Arc::clone(&client));
        Ok(client)
    }
}

/// A session's issuer: its profile's current client, looked up at each call.
#[derive(Debug)]
struct ProfileIssuer {
    profile: ProfileId,
    clients: Arc<ProfileClients>,
}

impl ProfileIssuer {
    /// The client, off the async threads (the store reads a file); a profile that can no
    /// longer be read is a failure the refresher retries with its long backoff.
    async fn client(&self) -> Result<Arc<DrivlyClient>, IssueError> {
        let (clients, id) = (Arc::clone(&self.clients), self.profile.clone());
        let found = tokio::task::spawn_blocking(move || clients.client(&id))
            .await
            .unwrap_or(Err(UseCaseError::Interrupted));
        found.map_err(|e| IssueError::Failed {
            code: e.code(),
            message: e.to_string(),
        })
    }
}

impl TokenIssuer for ProfileIssuer {
    fn refresh<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<IssuedTokens, IssueError>> {
        async move {
            let client = self.client().await?;
            TokenIssuer::refresh(&*client, refresh_token).await
        }
        .boxed()
    }

    fn revoke<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<RevokeOutcome, IssueError>> {
        async move {
            let client = self.client().await?;
            TokenIssuer::revoke(&*client, refresh_token).await
        }
        .boxed()
    }
}

fn issuers(source: Source) -> Issuers {
    let clients = Arc::new(ProfileClients {
        source,
        clients: Mutex::new(HashMap::new()),
    });
    Arc::new(move |id| {
        // Fails early for a profile that does not exist (or a client that cannot be built).
        clients.client(id)?;
        Ok(Arc::new(ProfileIssuer {
            profile: id.clone(),
            clients: Arc::clone(&clients),
        }) as Arc<dyn TokenIssuer>)
    })
}

/// Issuers for every profile of `profiles`, following their edits.
pub fn issuers_from_store(profiles: Arc<ProfileStore>) -> Issuers {
    issuers(Source::Store(profiles))
}

/// Issuers for `profile` alone (the CLI works on one profile per run).
pub fn issuers_for(profile: Profile) -> Issuers {
    issuers(Source::Fixed(Box::new(profile)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app_paths::AppPaths;
    use crate::clock::SystemClock;
    use crate::profile::store::EnvOverrides;

    #[test]
    fn sessions_of_a_profile_share_its_client_until_the_profile_changes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let overrides = EnvOverrides {
            emulator_url: Some("http://127.0.0.1:9/api".into()),
            profile: None,
        };
        let store = ProfileStore::open_with(
            &AppPaths::in_folder(dir.path()),
            overrides,
            Arc::new(SystemClock),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let store = Arc::new(store);
        let clients = ProfileClients {
            source: Source::Store(Arc::clone(&store)),
            clients: Mutex::new(HashMap::new()),
        };
        let id = ProfileId::parse("emulator").unwrap_or_else(|e| panic!("{e}"));
        let first = clients.client(&id).unwrap_or_else(|e| panic!("{e}"));
        let again = clients.client(&id).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            Arc::ptr_eq(&first, &again),
            "one client (one clock estimate) per profile"
        );

        let mut edited = store.get(&id).unwrap_or_else(|e| panic!("{e}"));
        edited.endpoints.refresh = "oauth/refresh".into();
        store.update(edited).unwrap_or_else(|e| panic!("{e}"));
        let after = clients.client(&id).unwrap_or_else(|e| panic!("{e}"));
        assert!(!Arc::ptr_eq(&first, &after), "an edit builds a new client");
        assert_eq!(after.profile().endpoints.refresh, "oauth/refresh");

        let gone = ProfileId::parse("nowhere").unwrap_or_else(|e| panic!("{e}"));
        assert!(clients.client(&gone).is_err());
    }
}
