//! What every command starts from: the app's folders, the profile store and, only when a
//! command needs a secret, the vault over the real system keyring.
//!
//! Invariants: the CLI never keeps its own copy of anything. Folders come from
//! [`AppPaths::from_env`] (so `DRIVLY_KEYS_HOME` is honoured), profiles from [`ProfileStore`],
//! secrets from [`Vault`] over [`KeyringStore::open_platform`], which refuses the keyring
//! crate's mock and any non-persistent store: there is no plaintext fallback. The keyring is
//! opened lazily so `profiles`, `decode` and `completions` work without one.

use std::sync::Arc;

use drivly_core::Code;
use drivly_core::app_paths::AppPaths;
use drivly_core::clock::SystemClock;
use drivly_core::profile::store::ProfileStore;
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::session::{NoEvents, SessionStore};
use drivly_core::usecases::{RunMode, RunningSessions, Stores, issuers_for};
use drivly_core::vault::{KeyringOptions, KeyringStore, SecretStore, Vault};

use crate::error::CliError;
use crate::output::Out;

/// The shared state of one command run.
#[derive(Debug)]
pub struct Ctx {
    /// The app's folders.
    pub paths: AppPaths,
    /// The profile store.
    pub profiles: Arc<ProfileStore>,
    /// Output settings.
    pub out: Out,
    /// The `--profile` value (or `DRIVLY_KEYS_PROFILE`), unparsed.
    profile_arg: Option<String>,
}

impl Ctx {
    /// Opens the folders and the profile store, and shows any config notice once.
    ///
    /// # Errors
    /// When the folders cannot be found or created, or the config file is unusable.
    pub fn open(out: Out, profile_arg: Option<String>) -> Result<Self, CliError> {
        let paths = AppPaths::from_env().map_err(CliError::core)?;
        let profiles = ProfileStore::open(&paths).map_err(CliError::core)?;
        for notice in profiles.take_notices() {
            out.warn(&notice.message());
        }
        Ok(Self {
            paths,
            profiles: Arc::new(profiles),
            out,
            profile_arg: profile_arg.filter(|p| !p.trim().is_empty()),
        })
    }

    /// The profile this run works on: `--profile`/`DRIVLY_KEYS_PROFILE`, else the active one.
    ///
    /// # Errors
    /// `invalid_profile_name` (exit 2) or `profile_not_found` (exit 6).
    pub fn profile(&self) -> Result<Profile, CliError> {
        match &self.profile_arg {
            Some(name) => {
                let id = ProfileId::parse(name.trim()).map_err(CliError::core)?;
                self.profiles.get(&id).map_err(CliError::core)
            }
            None => match drivly_env() {
                // Drivly's SDK variable, honoured when no profile is named (issue 14).
                Some(value) => {
                    let id = drivly_core::profile::store::profile_for_drivly_env(&value)
                        .map_err(CliError::core)?;
                    self.profiles.get(&id).map_err(CliError::core)
                }
                None => self.profiles.active().map_err(CliError::core),
            },
        }
    }

    /// Opens the vault for the token fast path: the real platform keyring (never the mock),
    /// without the write probe and the reconcile that [`Ctx::vault`] runs, so `token` and `exec`
    /// cost one keyring read while the shared JWT is fresh. Errors surface on the first read.
    ///
    /// # Errors
    /// A `keyring_*` error (exit 5) when this build has no platform keyring.
    pub fn vault_for_lookup(&self) -> Result<Vault, CliError> {
        let store = KeyringStore::open_platform_for_lookup(KeyringOptions::from_env())
            .map_err(CliError::core)?;
        let store: Arc<dyn SecretStore> = Arc::new(store);
        Vault::open_for_lookup(&self.paths, store).map_err(CliError::core)
    }

    /// Opens the vault over the system keyring, proving first that the keyring works.
    ///
    /// # Errors
    /// A `keyring_*` error (exit 5) when the keyring is unavailable or locked.
    pub fn vault(&self) -> Result<Vault, CliError> {
        let store =
            KeyringStore::open_platform(KeyringOptions::from_env()).map_err(CliError::core)?;
        let store: Arc<dyn SecretStore> = Arc::new(store);
        let (vault, report) = Vault::open(&self.paths, store).map_err(CliError::core)?;
        if let Some(error) = &report.store_error {
            return Err(CliError::Core {
                code: keyring_code(&error.code),
                message: error.message.clone(),
            });
        }
        for notice in &report.file_notices {
            self.out.warn(&notice.message());
        }
        Ok(vault)
    }
}

impl Ctx {
    /// What the key and mint use cases work on, over the checked vault.
    ///
    /// # Errors
    /// As [`Ctx::vault`].
    pub fn stores(&self) -> Result<Stores, CliError> {
        Ok(Stores {
            vault: Arc::new(self.vault()?),
            profiles: Arc::clone(&self.profiles),
            clock: Arc::new(SystemClock),
        })
    }

    /// The sessions of `profile` over `vault`, run on demand (a refresher only while this
    /// command needs one), with lock files in the folder the desktop app uses.
    pub fn sessions(&self, vault: Arc<Vault>, profile: &Profile) -> RunningSessions {
        let store: Arc<dyn SessionStore> = vault;
        RunningSessions::new(
            store,
            Arc::new(NoEvents),
            Arc::new(SystemClock),
            issuers_for(profile.clone()),
            self.paths.lock_dir(),
            RunMode::OnDemand,
        )
    }
}

/// `DRIVLY_ENV`, unless `DRIVLY_KEYS_PROFILE` (ours, more specific) is set.
fn drivly_env() -> Option<String> {
    let set = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if set(drivly_core::profile::store::PROFILE_ENV).is_some() {
        return None;
    }
    set(drivly_core::profile::store::DRIVLY_ENV)
}

/// The static code for a reported keyring error (reports carry owned strings).
fn keyring_code(code: &str) -> Code {
    match code.parse::<Code>() {
        Ok(
            code @ (Code::KeyringLocked
            | Code::KeyringTimeout
            | Code::KeyringUnavailable
            | Code::KeyringNotPlatform),
        ) => code,
        _ => Code::KeyringError,
    }
}
