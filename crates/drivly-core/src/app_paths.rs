//! Where Drivly Keys keeps its files: one place computes the config and data folders, so the
//! desktop app and the command line always share the same profiles, settings and vault index.
//!
//! Invariants:
//! - `DRIVLY_KEYS_HOME`, when set and non-empty, replaces both folders with one. Tests, the
//!   end-to-end suite and the demo set it so they never touch the user's real configuration.
//! - Otherwise the platform folders of the `directories` crate for the identifier
//!   `ly.driv.keys` are used (`~/.config/drivly-keys` and `~/.local/share/drivly-keys` on Linux).
//! - Nothing secret is ever stored under these folders: secrets live in the OS keyring only.

use crate::Code;
use std::path::{Path, PathBuf};

use crate::ErrorCode;

/// Environment variable that moves every file of the app into one folder.
pub const HOME_ENV: &str = "DRIVLY_KEYS_HOME";

/// The reverse-domain identifier of the app, split as `directories` wants it.
const QUALIFIER: &str = "ly";
const ORGANIZATION: &str = "driv";
const APPLICATION: &str = "keys";

/// The folders the app reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    config_dir: PathBuf,
    data_dir: PathBuf,
}

/// The app's folders could not be determined or created.
#[derive(Debug, thiserror::Error)]
pub enum AppPathsError {
    /// The platform reports no home folder (for example a service account without `HOME`).
    #[error(
        "no home folder was found for this user: set {HOME_ENV} to a folder Drivly Keys may use"
    )]
    NoHome,
    /// A folder could not be created.
    #[error(
        "could not create the folder {path}: {source}; check its permissions or set {HOME_ENV}"
    )]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl ErrorCode for AppPathsError {
    fn code(&self) -> Code {
        match self {
            Self::NoHome => Code::NoHomeFolder,
            Self::CreateDir { .. } => Code::FolderNotWritable,
        }
    }
}

impl AppPaths {
    /// The folders for this process: `DRIVLY_KEYS_HOME` when set, else the platform folders.
    /// Does not create them; [`AppPaths::ensure_exist`] does.
    pub fn from_env() -> Result<Self, AppPathsError> {
        match std::env::var_os(HOME_ENV) {
            Some(home) if !home.is_empty() => Ok(Self::in_folder(PathBuf::from(home))),
            _ => Self::platform(),
        }
    }

    /// The platform folders for `ly.driv.keys`, ignoring `DRIVLY_KEYS_HOME`.
    pub fn platform() -> Result<Self, AppPathsError> {
        let dirs = directories::ProjectDirs::from(QUALIFIER, ORGANIZATION, APPLICATION)
            .ok_or(AppPathsError::NoHome)?;
        Ok(Self {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
        })
    }

    /// Both folders set to `folder` (what `DRIVLY_KEYS_HOME` does; tests use it directly).
    pub fn in_folder(folder: impl Into<PathBuf>) -> Self {
        let folder = folder.into();
        Self {
            config_dir: folder.clone(),
            data_dir: folder,
        }
    }

    /// Creates both folders (and parents) when missing; on Unix they are made private (0700)
    /// because file names alone (profile names, key labels in the index) are personal data.
    pub fn ensure_exist(&self) -> Result<(), AppPathsError> {
        for dir in [&self.config_dir, &self.data_dir] {
            create_private_dir(dir).map_err(|source| AppPathsError::CreateDir {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// The config folder (profiles, settings).
    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// The data folder (the vault index).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The profiles and settings file.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.json")
    }

    /// The vault's non-secret index (key labels, session records, mint history).
    pub fn vault_index_file(&self) -> PathBuf {
        self.data_dir.join("vault-index.json")
    }

    /// The folder of the cross-process refresh locks, shared by the app and the CLI so they
    /// never refresh one session at once.
    pub fn lock_dir(&self) -> PathBuf {
        self.data_dir.join("locks")
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_folder_holds_everything() {
        let p = AppPaths::in_folder("/tmp/x");
        assert_eq!(p.config_file(), PathBuf::from("/tmp/x/config.json"));
        assert_eq!(
            p.vault_index_file(),
            PathBuf::from("/tmp/x/vault-index.json")
        );
    }

    #[test]
    fn platform_folders_name_the_app() {
        // A home folder exists on every machine the tests run on.
        if let Ok(p) = AppPaths::platform() {
            assert!(p.config_dir().to_string_lossy().contains("keys"));
        }
    }
}
