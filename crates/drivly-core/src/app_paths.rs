//! Where Drivly Keys keeps its files: one place computes the config and data folders, so the
//! desktop app and the command line always share the same profiles, settings and vault index.
//!
//! Invariants:
//! - `DRIVLY_KEYS_HOME`, when set and non-empty, replaces both folders with one. Tests, the
//!   end-to-end suite and the demo set it so they never touch the user's real configuration.
//! - Otherwise, on Linux and the BSDs, `$XDG_CONFIG_HOME/drivly-keys` and
//!   `$XDG_DATA_HOME/drivly-keys` (`~/.config/drivly-keys`, `~/.local/share/drivly-keys`); on
//!   macOS and Windows the `directories` crate's folders for `ly.driv.keys`.
//! - Builds before issue #13 used `~/.config/keys` and `~/.local/share/keys` on Linux. The
//!   first start that finds such a folder holding our files, and no new folder yet, renames it
//!   to the new name: one atomic rename, so the files are never half moved. A `keys` folder
//!   without our files (another program's) is left alone.
//! - At every start ([`AppPaths::ensure_exist`]) the folders are made private again (0700)
//!   and the files we write there 0600, whatever a backup tool or a umask did since: file names
//!   alone (profile names, key labels in the index) are personal data. Only files whose names
//!   are ours are touched, so a `DRIVLY_KEYS_HOME` shared with other files keeps their modes.
//! - Nothing secret is ever stored under these folders: secrets live in the OS keyring only.

use crate::Code;
use std::path::{Path, PathBuf};

use crate::ErrorCode;

/// Environment variable that moves every file of the app into one folder.
pub const HOME_ENV: &str = "DRIVLY_KEYS_HOME";

/// The reverse-domain identifier of the app, split as `directories` wants it (macOS and
/// Windows; on Linux the same triple gave the old `keys` folders).
const QUALIFIER: &str = "ly";
const ORGANIZATION: &str = "driv";
const APPLICATION: &str = "keys";

/// The folder name under the XDG config and data folders.
const FOLDER_NAME: &str = "drivly-keys";

/// The folder, under the data folder, of the cross-process refresh locks.
const LOCK_FOLDER: &str = "locks";

/// The folders the app reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    config_dir: PathBuf,
    data_dir: PathBuf,
    /// The folders of older builds to move over once (`keys` on Linux), config then data.
    legacy: Option<(PathBuf, PathBuf)>,
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
    /// The folder of an older build could not be renamed to the new name.
    #[error(
        "could not move the Drivly Keys folder {from} to {to}: {source}; move it yourself (mv) and start again"
    )]
    Migrate {
        /// The old folder.
        from: PathBuf,
        /// The new folder.
        to: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl ErrorCode for AppPathsError {
    fn code(&self) -> Code {
        match self {
            Self::NoHome => Code::NoHomeFolder,
            Self::CreateDir { .. } | Self::Migrate { .. } => Code::FolderNotWritable,
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

    /// The platform folders, ignoring `DRIVLY_KEYS_HOME` (see the module docs).
    pub fn platform() -> Result<Self, AppPathsError> {
        if cfg!(any(target_os = "macos", windows)) {
            let dirs = directories::ProjectDirs::from(QUALIFIER, ORGANIZATION, APPLICATION)
                .ok_or(AppPathsError::NoHome)?;
            return Ok(Self {
                config_dir: dirs.config_dir().to_path_buf(),
                data_dir: dirs.data_dir().to_path_buf(),
                legacy: None,
            });
        }
        let base = directories::BaseDirs::new().ok_or(AppPathsError::NoHome)?;
        Ok(Self::under_xdg(base.config_dir(), base.data_dir()))
    }

    /// The Linux folders under the XDG config and data folders, with the old `keys` folders
    /// to move over.
    fn under_xdg(config_home: &Path, data_home: &Path) -> Self {
        Self {
            config_dir: config_home.join(FOLDER_NAME),
            data_dir: data_home.join(FOLDER_NAME),
            legacy: Some((config_home.join(APPLICATION), data_home.join(APPLICATION))),
        }
    }

    /// Both folders set to `folder` (what `DRIVLY_KEYS_HOME` does; tests use it directly).
    pub fn in_folder(folder: impl Into<PathBuf>) -> Self {
        let folder = folder.into();
        Self {
            config_dir: folder.clone(),
            data_dir: folder,
            legacy: None,
        }
    }

    /// Prepares the folders; run at every start (the profile store and the vault call it):
    /// moves an older build's folders over once, creates the folders (and parents) when
    /// missing, then makes the folders 0700 and our files in them 0600 again (Unix).
    ///
    /// # Errors
    /// [`AppPathsError::Migrate`] when an old folder exists but cannot be renamed (nothing is
    /// created then, so no empty folder hides the old files); [`AppPathsError::CreateDir`].
    pub fn ensure_exist(&self) -> Result<(), AppPathsError> {
        if let Some((old_config, old_data)) = &self.legacy {
            move_legacy_folder(old_config, &self.config_dir)?;
            move_legacy_folder(old_data, &self.data_dir)?;
        }
        for dir in [&self.config_dir, &self.data_dir] {
            create_private_dir(dir).map_err(|source| AppPathsError::CreateDir {
                path: dir.clone(),
                source,
            })?;
        }
        for dir in [&self.config_dir, &self.data_dir] {
            make_private(dir);
        }
        let locks = self.lock_dir();
        if locks.is_dir() {
            make_private(&locks);
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
        self.data_dir.join(LOCK_FOLDER)
    }
}

/// Renames an older build's folder to `new` when it holds our files and `new` does not exist
/// yet. A rename within one parent folder is atomic: the files are all in one place or the
/// other. Two processes starting at once: the loser finds the old folder gone and `new` there.
fn move_legacy_folder(old: &Path, new: &Path) -> Result<(), AppPathsError> {
    if new.symlink_metadata().is_ok() || !holds_our_files(old) {
        if new.exists() && holds_our_files(old) {
            tracing::warn!(
                old = %old.display(),
                new = %new.display(),
                "both the old and the new Drivly Keys folders exist; the old one is left as it is"
            );
        }
        return Ok(());
    }
    match std::fs::rename(old, new) {
        Ok(()) => {
            tracing::info!(old = %old.display(), new = %new.display(), "moved the Drivly Keys folder");
            Ok(())
        }
        Err(_) if !old.exists() && new.exists() => Ok(()), // another process moved it first
        Err(source) => Err(AppPathsError::Migrate {
            from: old.to_path_buf(),
            to: new.to_path_buf(),
            source,
        }),
    }
}

/// True when `folder` is a real folder (not a link) holding our config file or vault index,
/// recognised by the versioned format every file of ours carries.
fn holds_our_files(folder: &Path) -> bool {
    let is_dir = folder.symlink_metadata().is_ok_and(|m| m.is_dir());
    is_dir
        && ["config.json", "vault-index.json"].iter().any(|name| {
            std::fs::read_to_string(folder.join(name))
                .is_ok_and(|text| text.contains("\"schemaVersion\""))
        })
}

/// Whether a file name in our folders is one we write: the config file and the vault index
/// with their `.bak`, `.lock`, `.corrupt-*` siblings and `.<name>.tmp-*` temporaries, the
/// refresh locks (`<id>.refresh.lock`), and the tray hint marker.
fn is_our_file(name: &str) -> bool {
    ["config.json", "vault-index.json"].iter().any(|ours| {
        name == *ours
            || name
                .strip_prefix(ours)
                .is_some_and(|rest| rest.starts_with('.'))
            || name
                .strip_prefix('.')
                .and_then(|n| n.strip_prefix(ours))
                .is_some_and(|rest| rest.starts_with(".tmp-"))
    }) || name.ends_with(".refresh.lock")
        || name == "tray-hint-shown"
}

/// Makes `dir` 0700 and the files of ours in it 0600. Failures are logged, not fatal: a
/// folder we cannot chmod is still usable, and refusing to start would help nobody.
#[cfg(unix)]
fn make_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let set = |path: &Path, mode: u32| {
        let Ok(meta) = path.symlink_metadata() else {
            return;
        };
        // Never follow a link: its target is not ours to change.
        let wanted = meta.file_type().is_dir() || meta.file_type().is_file();
        if wanted
            && meta.permissions().mode() & 0o7777 != mode
            && let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        {
            tracing::warn!(path = %path.display(), error = %e, "could not make private");
        }
    };
    set(dir, 0o700);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_str().is_some_and(is_our_file) {
            set(&entry.path(), 0o600);
        }
    }
}

#[cfg(not(unix))]
fn make_private(_dir: &Path) {}

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
        let p = AppPaths::under_xdg(Path::new("/h/.config"), Path::new("/h/.local/share"));
        assert_eq!(p.config_dir(), Path::new("/h/.config/drivly-keys"));
        assert_eq!(p.data_dir(), Path::new("/h/.local/share/drivly-keys"));
    }

    #[test]
    fn our_file_names_are_recognised() {
        for ours in [
            "config.json",
            "config.json.bak",
            "config.json.lock",
            "config.json.corrupt-20260101T000000Z",
            ".config.json.tmp-12-ab",
            "vault-index.json",
            "vault-index.json.bak",
            ".vault-index.json.tmp-1-x",
            "0b6c.refresh.lock",
            "tray-hint-shown",
        ] {
            assert!(is_our_file(ours), "{ours}");
        }
        for theirs in [
            "notes.txt",
            "config.jsonx",
            "run.sh",
            ".bashrc",
            "vault-index",
        ] {
            assert!(!is_our_file(theirs), "{theirs}");
        }
    }
}

#[cfg(all(test, unix))]
mod unix_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    const CONFIG: &str = r#"{"schemaVersion":1,"profiles":[]}"#;
    const INDEX: &str = r#"{"schemaVersion":1,"keys":[]}"#;

    fn mode(path: &Path) -> u32 {
        path.symlink_metadata().unwrap().permissions().mode() & 0o7777
    }

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// An XDG layout in a temporary folder, with the old `keys` folders as a 0.1 build left them.
    fn old_layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config");
        let data = home.path().join("data");
        std::fs::create_dir_all(config.join("keys")).unwrap();
        std::fs::create_dir_all(data.join("keys/locks")).unwrap();
        std::fs::write(config.join("keys/config.json"), CONFIG).unwrap();
        std::fs::write(data.join("keys/vault-index.json"), INDEX).unwrap();
        std::fs::write(data.join("keys/locks/s1.refresh.lock"), "").unwrap();
        for dir in [
            config.join("keys"),
            data.join("keys"),
            data.join("keys/locks"),
        ] {
            chmod(&dir, 0o755);
        }
        (home, config, data)
    }

    #[test]
    fn the_old_keys_folders_move_over_once_and_become_private() {
        let (_home, config, data) = old_layout();
        chmod(&config.join("keys/config.json"), 0o644);
        let paths = AppPaths::under_xdg(&config, &data);
        paths.ensure_exist().unwrap();
        assert!(!config.join("keys").exists() && !data.join("keys").exists());
        assert_eq!(
            std::fs::read_to_string(paths.config_file()).unwrap(),
            CONFIG
        );
        assert_eq!(
            std::fs::read_to_string(paths.vault_index_file()).unwrap(),
            INDEX
        );
        assert!(paths.lock_dir().join("s1.refresh.lock").exists());
        for dir in [
            paths.config_dir(),
            paths.data_dir(),
            paths.lock_dir().as_path(),
        ] {
            assert_eq!(mode(dir), 0o700, "{}", dir.display());
        }
        assert_eq!(mode(&paths.config_file()), 0o600);
        assert_eq!(mode(&paths.lock_dir().join("s1.refresh.lock")), 0o600);

        // A later start changes nothing, and an old folder made again is not merged in.
        std::fs::create_dir_all(config.join("keys")).unwrap();
        std::fs::write(
            config.join("keys/config.json"),
            r#"{"schemaVersion":1,"x":1}"#,
        )
        .unwrap();
        paths.ensure_exist().unwrap();
        assert_eq!(
            std::fs::read_to_string(paths.config_file()).unwrap(),
            CONFIG
        );
        assert!(config.join("keys/config.json").exists());
    }

    #[test]
    fn a_keys_folder_of_another_program_is_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config");
        let data = home.path().join("data");
        std::fs::create_dir_all(config.join("keys")).unwrap();
        std::fs::write(config.join("keys/config.json"), r#"{"theme":"dark"}"#).unwrap();
        std::fs::create_dir_all(data.join("keys")).unwrap();
        std::fs::write(data.join("keys/id_ed25519.pub"), "ssh-ed25519 AAAA").unwrap();
        let paths = AppPaths::under_xdg(&config, &data);
        paths.ensure_exist().unwrap();
        assert!(config.join("keys/config.json").exists());
        assert!(data.join("keys/id_ed25519.pub").exists());
        assert!(paths.config_dir().is_dir() && !paths.config_file().exists());
    }

    #[test]
    fn a_failed_move_creates_nothing() {
        let (_home, config, data) = old_layout();
        // The new folder's parent refuses writes: the rename fails.
        chmod(&config, 0o500);
        let paths = AppPaths::under_xdg(&config, &data);
        let result = paths.ensure_exist();
        chmod(&config, 0o755);
        if !folder_modes_bind_us() {
            return; // root ignores folder modes: the rename succeeded, nothing to prove here
        }
        assert!(
            matches!(result, Err(AppPathsError::Migrate { .. })),
            "{result:?}"
        );
        assert!(!paths.config_dir().exists());
        assert!(config.join("keys/config.json").exists());
    }

    /// False for root, whom a read-only folder does not stop.
    fn folder_modes_bind_us() -> bool {
        let probe = tempfile::tempdir().unwrap();
        chmod(probe.path(), 0o500);
        let written = std::fs::write(probe.path().join("x"), "").is_ok();
        chmod(probe.path(), 0o700);
        !written
    }

    #[test]
    fn modes_are_applied_again_at_every_start_to_our_files_only() {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join("dk");
        let paths = AppPaths::in_folder(&folder);
        paths.ensure_exist().unwrap();
        std::fs::create_dir_all(paths.lock_dir()).unwrap();
        std::fs::write(paths.config_file(), CONFIG).unwrap();
        std::fs::write(folder.join("config.json.bak"), CONFIG).unwrap();
        std::fs::write(paths.lock_dir().join("s.refresh.lock"), "").unwrap();
        std::fs::write(folder.join("notes.txt"), "mine").unwrap();
        for (path, m) in [
            (folder.clone(), 0o755),
            (paths.lock_dir(), 0o777),
            (paths.config_file(), 0o644),
            (folder.join("config.json.bak"), 0o666),
            (paths.lock_dir().join("s.refresh.lock"), 0o644),
            (folder.join("notes.txt"), 0o755),
        ] {
            chmod(&path, m);
        }
        paths.ensure_exist().unwrap();
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&paths.lock_dir()), 0o700);
        assert_eq!(mode(&paths.config_file()), 0o600);
        assert_eq!(mode(&folder.join("config.json.bak")), 0o600);
        assert_eq!(mode(&paths.lock_dir().join("s.refresh.lock")), 0o600);
        assert_eq!(
            mode(&folder.join("notes.txt")),
            0o755,
            "not ours: untouched"
        );
    }
}
