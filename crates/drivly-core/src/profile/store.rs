//! The profile store: profiles, the active profile and the settings, in one versioned,
//! non-secret config file shared by the desktop app and the command line.
//!
//! Invariants:
//! - the built-in profiles ([`Profile::drivly`], [`Profile::drivly_sandbox`], [`Profile::emulator`]) are always listed; the
//!   file only stores user profiles and user edits of built-ins (same id), so a new release can
//!   change a built-in's defaults;
//! - every operation re-reads the file under the cross-process lock ([`DurableFile`]), so a
//!   change made by the CLI is seen by the running app and two writers never lose an update;
//! - an unreadable or future-version file is moved aside and reported through
//!   [`ProfileStore::take_notices`], never silently reset; the keyring is not involved here;
//! - process-level overrides come from the environment (`DRIVLY_KEYS_EMULATOR_URL`,
//!   `DRIVLY_KEYS_PROFILE`), read once into [`EnvOverrides`] so tests pass them explicitly.
//!
//! Thread safety: `ProfileStore` is `Send + Sync`; operations are blocking file I/O (call them
//! from `spawn_blocking` in async code).

use crate::Code;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use super::protocol::{validate_client_id, validate_endpoint_path};
use super::{Profile, ProfileError, ProfileId};
use crate::ErrorCode;
use crate::app_paths::{AppPaths, AppPathsError};
use crate::clock::{Clock, SystemClock};
use crate::durable_file::{DEFAULT_LOCK_WAIT, DurableFile, DurableFileError, FileNotice};
use crate::settings::{Settings, SettingsError, SettingsPatch};

/// The config format this build writes and the newest it reads.
pub const CONFIG_SCHEMA_VERSION: u64 = 1;
/// Overrides the built-in emulator profile's base URL (the demo starts an emulator on a port).
pub const EMULATOR_URL_ENV: &str = "DRIVLY_KEYS_EMULATOR_URL";
/// Overrides the active profile for one process.
pub const PROFILE_ENV: &str = "DRIVLY_KEYS_PROFILE";
/// The longest display name accepted.
pub const MAX_PROFILE_NAME_CHARS: usize = 80;

/// Process-level overrides, normally read from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvOverrides {
    /// Value of `DRIVLY_KEYS_EMULATOR_URL`, unparsed.
    pub emulator_url: Option<String>,
    /// Value of `DRIVLY_KEYS_PROFILE`, unparsed.
    pub profile: Option<String>,
}

impl EnvOverrides {
    /// Reads `DRIVLY_KEYS_EMULATOR_URL` and `DRIVLY_KEYS_PROFILE` (empty counts as unset).
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            emulator_url: var(EMULATOR_URL_ENV),
            profile: var(PROFILE_ENV),
        }
    }
}

/// Config store errors.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A profile rule was broken (bad id, unknown profile, built-in removal, …).
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A setting was out of range.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The config file could not be read or written.
    #[error(transparent)]
    File(#[from] DurableFileError),
    /// The config folder could not be found or created.
    #[error(transparent)]
    Paths(#[from] AppPathsError),
    /// An environment override is malformed.
    #[error("{var} is set to an unusable value ({detail}); fix or unset it")]
    InvalidEnv {
        /// The variable.
        var: &'static str,
        /// Why it is unusable.
        detail: String,
    },
    /// A display name is empty or too long.
    #[error("a profile name must be 1 to {MAX_PROFILE_NAME_CHARS} characters")]
    InvalidName,
}

impl ErrorCode for ConfigError {
    fn code(&self) -> Code {
        match self {
            Self::Profile(e) => e.code(),
            Self::Settings(e) => e.code(),
            Self::File(e) => e.code(),
            Self::Paths(e) => e.code(),
            Self::InvalidEnv { .. } => Code::InvalidEnvironmentVariable,
            Self::InvalidName => Code::InvalidProfileDisplayName,
        }
    }
}

/// The config file's content (`schemaVersion` is added by [`DurableFile::store_versioned`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigDoc {
    /// User profiles, and user edits of built-ins under the built-in's id.
    #[serde(default)]
    profiles: Vec<Profile>,
    /// The active profile; `None` means Drivly.
    #[serde(default)]
    active_profile: Option<ProfileId>,
    /// Settings.
    #[serde(default)]
    settings: Settings,
}

/// Profiles, the active profile and settings, in the config file. See the module docs.
#[derive(Debug)]
pub struct ProfileStore {
    file: DurableFile,
    overrides: EnvOverrides,
    clock: Arc<dyn Clock>,
    lock_wait: Duration,
    notices: Mutex<Vec<FileNotice>>,
}

impl ProfileStore {
    /// Opens the config at `paths` with the environment's overrides; creates the folder,
    /// removes temporary files left by a crashed writer and reads the file once so that any
    /// notice (file moved aside, restored from backup) is available from the start.
    pub fn open(paths: &AppPaths) -> Result<Self, ConfigError> {
        Self::open_with(paths, EnvOverrides::from_env(), Arc::new(SystemClock))
    }

    /// [`ProfileStore::open`] with explicit overrides and clock (tests, embedding).
    pub fn open_with(
        paths: &AppPaths,
        overrides: EnvOverrides,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ConfigError> {
        paths.ensure_exist()?;
        let store = Self {
            file: DurableFile::new(paths.config_file()),
            overrides,
            clock,
            lock_wait: DEFAULT_LOCK_WAIT,
            notices: Mutex::new(Vec::new()),
        };
        {
            let _lock = store.file.lock(store.lock_wait)?;
            store.file.remove_stale_temp_files()?;
            store.load_locked()?;
        }
        Ok(store)
    }

    /// Notices gathered since the last call (file moved aside, restored from backup); the UI
    /// and the CLI show each once.
    pub fn take_notices(&self) -> Vec<FileNotice> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Every profile: the built-ins first, then the user's in the order they were added.
    pub fn list(&self) -> Result<Vec<Profile>, ConfigError> {
        let doc = self.read()?;
        self.merged(&doc)
    }

    /// One profile.
    pub fn get(&self, id: &ProfileId) -> Result<Profile, ConfigError> {
        self.list()?
            .into_iter()
            .find(|p| &p.id == id)
            .ok_or_else(|| ProfileError::NotFound(id.to_string()).into())
    }

    /// Adds a user profile; its id must be new.
    pub fn add(&self, profile: Profile) -> Result<Profile, ConfigError> {
        validate(&profile)?;
        self.modify(|doc, all| {
            if all.iter().any(|p| p.id == profile.id) {
                return Err(ProfileError::AlreadyExists(profile.id.to_string()).into());
            }
            doc.profiles.push(profile.clone());
            Ok(profile.clone())
        })
    }

    /// Replaces the profile with the same id. Built-ins may be edited (for example their
    /// endpoint paths); the edit is kept under the built-in's id.
    pub fn update(&self, profile: Profile) -> Result<Profile, ConfigError> {
        validate(&profile)?;
        self.modify(|doc, all| {
            if !all.iter().any(|p| p.id == profile.id) {
                return Err(ProfileError::NotFound(profile.id.to_string()).into());
            }
            match doc.profiles.iter_mut().find(|p| p.id == profile.id) {
                Some(slot) => *slot = profile.clone(),
                None => doc.profiles.push(profile.clone()),
            }
            Ok(profile.clone())
        })
    }

    /// Removes a user profile (built-ins cannot be removed). When it was active, Drivly becomes
    /// active. Credentials stored for it in the vault are not touched here.
    pub fn remove(&self, id: &ProfileId) -> Result<Profile, ConfigError> {
        self.modify(|doc, all| {
            let found = all
                .iter()
                .find(|p| &p.id == id)
                .cloned()
                .ok_or_else(|| ProfileError::NotFound(id.to_string()))?;
            if found.is_built_in() {
                return Err(ProfileError::BuiltIn(id.to_string()).into());
            }
            doc.profiles.retain(|p| &p.id != id);
            if doc.active_profile.as_ref() == Some(id) {
                doc.active_profile = None;
            }
            Ok(found)
        })
    }

    /// The active profile: `DRIVLY_KEYS_PROFILE` when set, else the stored choice, else Drivly.
    pub fn active(&self) -> Result<Profile, ConfigError> {
        if let Some(name) = &self.overrides.profile {
            let id = ProfileId::parse(name.trim()).map_err(|e| ConfigError::InvalidEnv {
                var: PROFILE_ENV,
                detail: e.to_string(),
            })?;
            return self.get(&id);
        }
        let doc = self.read()?;
        let all = self.merged(&doc)?;
        let wanted = doc.active_profile.unwrap_or_else(|| Profile::drivly().id);
        // A stale choice (profile removed by hand) falls back to Drivly rather than failing.
        Ok(all
            .iter()
            .find(|p| p.id == wanted)
            .or_else(|| all.first())
            .cloned()
            .unwrap_or_else(Profile::drivly))
    }

    /// Makes `id` the stored active profile (the environment override still wins per process).
    pub fn set_active(&self, id: &ProfileId) -> Result<Profile, ConfigError> {
        self.modify(|doc, all| {
            let found = all
                .iter()
                .find(|p| &p.id == id)
                .cloned()
                .ok_or_else(|| ProfileError::NotFound(id.to_string()))?;
            doc.active_profile = Some(id.clone());
            Ok(found)
        })
    }

    /// The settings.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        Ok(self.read()?.settings)
    }

    /// Applies `patch` to the settings and returns the result.
    pub fn update_settings(&self, patch: &SettingsPatch) -> Result<Settings, ConfigError> {
        self.modify(|doc, _| {
            doc.settings.apply(patch)?;
            Ok(doc.settings.clone())
        })
    }

    fn read(&self) -> Result<ConfigDoc, ConfigError> {
        let _lock = self.file.lock(self.lock_wait)?;
        self.load_locked()
    }

    fn load_locked(&self) -> Result<ConfigDoc, ConfigError> {
        let loaded = self
            .file
            .load_versioned::<ConfigDoc>(CONFIG_SCHEMA_VERSION, self.clock.now())?;
        if !loaded.notices.is_empty() {
            let mut notices = self.notices.lock().unwrap_or_else(|e| e.into_inner());
            notices.extend(loaded.notices);
        }
        Ok(loaded.value.unwrap_or_default())
    }

    /// Read-modify-write under the lock; the file is written only when `change` succeeds.
    fn modify<T>(
        &self,
        change: impl FnOnce(&mut ConfigDoc, &[Profile]) -> Result<T, ConfigError>,
    ) -> Result<T, ConfigError> {
        let _lock = self.file.lock(self.lock_wait)?;
        let mut doc = self.load_locked()?;
        let all = self.merged(&doc)?;
        let out = change(&mut doc, &all)?;
        self.file.store_versioned(&doc, CONFIG_SCHEMA_VERSION)?;
        Ok(out)
    }

    /// Built-ins (with user edits and the emulator URL override) followed by user profiles.
    fn merged(&self, doc: &ConfigDoc) -> Result<Vec<Profile>, ConfigError> {
        let emulator_url = match &self.overrides.emulator_url {
            Some(raw) => {
                Some(
                    Profile::validate_base_url(raw).map_err(|e| ConfigError::InvalidEnv {
                        var: EMULATOR_URL_ENV,
                        detail: e.to_string(),
                    })?,
                )
            }
            None => None,
        };
        let default_emulator = Url::parse(Profile::EMULATOR_DEFAULT_BASE)
            .map(Profile::emulator)
            .unwrap_or_else(|_| Profile::drivly());
        let mut out = Vec::with_capacity(doc.profiles.len() + 3);
        for builtin in [
            Profile::drivly(),
            Profile::drivly_sandbox(),
            default_emulator,
        ] {
            let mut p = doc
                .profiles
                .iter()
                .find(|p| p.id == builtin.id)
                .cloned()
                .unwrap_or(builtin);
            if let (Some(url), true) = (&emulator_url, p.id.as_str() == Profile::EMULATOR_ID) {
                let fresh = Profile::emulator(url.clone());
                p.base_url = fresh.base_url;
                p.dashboard_url = fresh.dashboard_url;
                p.api_key_revoke_url = fresh.api_key_revoke_url;
            }
            out.push(p);
        }
        out.extend(doc.profiles.iter().filter(|p| !p.is_built_in()).cloned());
        Ok(out)
    }
}

/// Checks what deserialization cannot: the id is a slug, the name is sensible, the URL is http(s).
fn validate(profile: &Profile) -> Result<(), ConfigError> {
    ProfileId::parse(profile.id.as_str())?;
    let chars = profile.name.trim().chars().count();
    if chars == 0 || chars > MAX_PROFILE_NAME_CHARS {
        return Err(ConfigError::InvalidName);
    }
    Profile::validate_base_url(profile.base_url.as_str())?;
    // The paths are checked again here, whoever built the profile (IPC, CLI, a hand-edited
    // file), so no setting can point a credential at another host.
    let e = &profile.endpoints;
    for (what, path) in [
        ("authorize path", Some(&e.auth)),
        ("token path", Some(&e.token)),
        ("refresh path", Some(&e.refresh)),
        ("revoke path", e.revoke.as_ref()),
        ("JWKS path", e.jwks.as_ref()),
    ] {
        if let Some(path) = path {
            validate_endpoint_path(what, path)?;
        }
    }
    if let Some(id) = &profile.client_id {
        validate_client_id(id)?;
    }
    Ok(())
}

/// Drivly's SDK variable choosing its environment: `sandbox` or `production`.
pub const DRIVLY_ENV: &str = "DRIVLY_ENV";

/// The built-in profile `DRIVLY_ENV` names (`sandbox` or `production`, any case).
///
/// # Errors
/// [`ConfigError::InvalidEnv`] for any other value.
pub fn profile_for_drivly_env(value: &str) -> Result<ProfileId, ConfigError> {
    let id = match value.trim().to_ascii_lowercase().as_str() {
        "sandbox" => Profile::DRIVLY_SANDBOX_ID,
        "production" => Profile::DRIVLY_ID,
        _ => {
            return Err(ConfigError::InvalidEnv {
                var: DRIVLY_ENV,
                detail: "use sandbox or production".into(),
            });
        }
    };
    Ok(ProfileId::parse(id)?)
}
