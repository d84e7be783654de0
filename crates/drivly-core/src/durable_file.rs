//! Durable, versioned JSON files shared by several processes: the config file and the vault
//! index.
//!
//! Invariants (a `kill -9` or power loss at any instant leaves the old or the new generation,
//! never a torn file):
//! - a write goes to a temporary file in the same folder, is fsynced, the current file is kept
//!   as `<name>.bak` (hard link, or copy where links are unsupported), the temporary file is
//!   renamed over the target, and the folder is fsynced so the rename itself is durable;
//! - temporary files are named `.<name>.tmp-<pid>-<random>` and removed by the next writer that
//!   holds the lock, so a crash never leaves litter for long;
//! - an unreadable or future-version file is renamed to `<name>.corrupt-<timestamp>` and reported
//!   as a [`FileNotice`]; the previous generation (`.bak`) is used when it is readable. Nothing is
//!   silently reset, and callers never touch the keyring because a file was unreadable;
//! - read-modify-write cycles hold an exclusive advisory lock on `<name>.lock` (fs4), taken with a
//!   bounded wait so a stuck process gives an error, not a hang.

use crate::Code;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// How long [`DurableFile::lock`] waits for another process by default.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(10);

/// The key every versioned document carries.
const VERSION_KEY: &str = "schemaVersion";

/// A file written atomically with its previous generation kept.
#[derive(Debug, Clone)]
pub struct DurableFile {
    path: PathBuf,
}

/// Durable file errors. None of them carries file contents.
#[derive(Debug, thiserror::Error)]
pub enum DurableFileError {
    /// Reading, writing, renaming or syncing failed (disk full, read-only folder, permissions).
    #[error("could not {action} {path}: {source}; check free space and the folder's permissions")]
    Io {
        /// What was being done, for the message.
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Another process held the lock for longer than the wait.
    #[error(
        "{path} is locked by another Drivly Keys process; close the other window or command and retry"
    )]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// The value could not be turned into JSON (a programming error, reported rather than hidden).
    #[error("could not encode {path} as JSON: {detail}")]
    Encode {
        /// The target file.
        path: PathBuf,
        /// The serializer's message.
        detail: String,
    },
}

impl ErrorCode for DurableFileError {
    fn code(&self) -> Code {
        match self {
            Self::Io { .. } => Code::FileIo,
            Self::Locked { .. } => Code::FileLocked,
            Self::Encode { .. } => Code::FileEncode,
        }
    }
}

/// Something about a file the user should be told: shown once by the UI or the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileNotice {
    /// The file concerned.
    pub file: PathBuf,
    /// What happened.
    pub kind: FileNoticeKind,
    /// Where the unreadable file was moved, when it was.
    pub moved_to: Option<PathBuf>,
}

/// The kinds of [`FileNotice`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FileNoticeKind {
    /// The file could not be parsed (truncated, not JSON, wrong shape).
    Unreadable {
        /// The parser's message (never file contents).
        detail: String,
    },
    /// The file was written by a newer version of Drivly Keys.
    FutureVersion {
        /// The version found.
        found: u64,
        /// The newest version this build understands.
        supported: u64,
    },
    /// The previous generation (`.bak`) was used instead.
    RestoredFromBackup,
}

impl FileNotice {
    /// A sentence for people.
    pub fn message(&self) -> String {
        let file = self.file.display();
        let moved = self
            .moved_to
            .as_ref()
            .map(|p| format!(" It was moved to {} so nothing is lost.", p.display()))
            .unwrap_or_default();
        match &self.kind {
            FileNoticeKind::Unreadable { detail } => {
                format!("{file} could not be read ({detail}).{moved}")
            }
            FileNoticeKind::FutureVersion { found, supported } => format!(
                "{file} was written by a newer Drivly Keys (format {found}, this version reads up to {supported}); update the app to use it.{moved}"
            ),
            FileNoticeKind::RestoredFromBackup => {
                format!("{file} was restored from its previous saved version.")
            }
        }
    }
}

/// The outcome of [`DurableFile::load_versioned`].
#[derive(Debug)]
pub struct Loaded<T> {
    /// The document, or `None` when there is none yet (first start, or nothing readable).
    pub value: Option<T>,
    /// What the user should be told.
    pub notices: Vec<FileNotice>,
}

/// Holds `<name>.lock` exclusively until dropped.
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the descriptor releases the lock as well; unlocking first just makes it prompt.
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

impl DurableFile {
    /// A durable file at `path`; nothing is touched until used.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The target path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The previous generation's path (`<name>.bak`).
    pub fn backup_path(&self) -> PathBuf {
        self.sibling(".bak")
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.file_name();
        name.push_str(suffix);
        self.path.with_file_name(name)
    }

    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned())
    }

    fn folder(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    fn temp_prefix(&self) -> String {
        format!(".{}.tmp-", self.file_name())
    }

    /// Takes the cross-process lock, waiting at most `wait`.
    pub fn lock(&self, wait: Duration) -> Result<FileLock, DurableFileError> {
        let path = self.sibling(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| io("open the lock file", &path, source))?;
        let start = Instant::now();
        loop {
            match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
                Ok(true) => return Ok(FileLock { file }),
                Ok(false) if start.elapsed() < wait => std::thread::sleep(Duration::from_millis(5)),
                Ok(false) => return Err(DurableFileError::Locked { path }),
                Err(source) => return Err(io("lock", &path, source)),
            }
        }
    }

    /// Removes temporary files left by writers that crashed. Call it while holding the lock:
    /// writers only create temporary files under the lock, so none of them is in use.
    pub fn remove_stale_temp_files(&self) -> Result<usize, DurableFileError> {
        let folder = self.folder();
        let prefix = self.temp_prefix();
        let entries = match fs::read_dir(&folder) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(source) => return Err(io("list", &folder, source)),
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let path = entry.path();
                fs::remove_file(&path).map_err(|source| io("remove", &path, source))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Reads the whole file; `None` when it does not exist.
    pub fn read(&self) -> Result<Option<Vec<u8>>, DurableFileError> {
        read_optional(&self.path)
    }

    /// Replaces the file atomically with `bytes`, keeping the current content as `.bak`.
    /// Callers doing read-modify-write hold [`DurableFile::lock`] around the whole cycle.
    pub fn write_atomic(&self, bytes: &[u8]) -> Result<(), DurableFileError> {
        let folder = self.folder();
        let temp = folder.join(format!(
            "{}{}-{:08x}",
            self.temp_prefix(),
            std::process::id(),
            rand::random::<u32>()
        ));
        let result = self.write_via(&temp, bytes);
        if result.is_err() {
            // Best effort: a failed write must not leave a partial temporary file behind.
            let _ = fs::remove_file(&temp);
        }
        result
    }

    fn write_via(&self, temp: &Path, bytes: &[u8]) -> Result<(), DurableFileError> {
        let mut file = create_private_file(temp).map_err(|s| io("create", temp, s))?;
        file.write_all(bytes).map_err(|s| io("write", temp, s))?;
        file.sync_all().map_err(|s| io("sync", temp, s))?;
        drop(file);
        if self.path.exists() {
            self.keep_previous_generation()?;
        }
        rename_with_retry(temp, &self.path).map_err(|s| io("replace", &self.path, s))?;
        sync_folder(&self.folder())
    }

    /// Makes `.bak` the current content without ever leaving the target missing: a link (or a
    /// copy) goes to a temporary name first, then is renamed over the old `.bak`.
    fn keep_previous_generation(&self) -> Result<(), DurableFileError> {
        let staged = self.folder().join(format!(
            "{}bak-{}-{:08x}",
            self.temp_prefix(),
            std::process::id(),
            rand::random::<u32>()
        ));
        if fs::hard_link(&self.path, &staged).is_err() {
            fs::copy(&self.path, &staged).map_err(|s| io("back up", &self.path, s))?;
            File::open(&staged)
                .and_then(|f| f.sync_all())
                .map_err(|s| io("sync", &staged, s))?;
        }
        let backup = self.backup_path();
        rename_with_retry(&staged, &backup).map_err(|s| io("back up", &backup, s))?;
        // When `.bak` already is a link to the current file (a writer was killed between its
        // two renames), POSIX rename does nothing and leaves the staged name: remove it.
        if staged.exists() {
            let _ = fs::remove_file(&staged);
        }
        Ok(())
    }

    /// Moves the file aside as `<name>.corrupt-<timestamp>` and returns the new path.
    pub fn quarantine(&self, now: DateTime<Utc>) -> Result<PathBuf, DurableFileError> {
        let stamp = now.format("%Y%m%dT%H%M%S%.3fZ");
        let mut target = self.sibling(&format!(".corrupt-{stamp}"));
        let mut n = 1;
        while target.exists() {
            target = self.sibling(&format!(".corrupt-{stamp}-{n}"));
            n += 1;
        }
        rename_with_retry(&self.path, &target).map_err(|s| io("move aside", &self.path, s))?;
        sync_folder(&self.folder())?;
        Ok(target)
    }

    /// Loads a versioned JSON document (an object whose `schemaVersion` is at most
    /// `supported`). Unreadable and future-version files are quarantined and reported; the
    /// `.bak` generation is then used (and written back as the current file) when readable.
    /// Call it while holding the lock, since it may move and write files.
    pub fn load_versioned<T: DeserializeOwned + Serialize>(
        &self,
        supported: u64,
        now: DateTime<Utc>,
    ) -> Result<Loaded<T>, DurableFileError> {
        let mut notices = Vec::new();
        if let Some(bytes) = self.read()? {
            match parse_versioned::<T>(&bytes, supported) {
                Ok(value) => {
                    return Ok(Loaded {
                        value: Some(value),
                        notices,
                    });
                }
                Err(kind) => {
                    let moved_to = self.quarantine(now)?;
                    notices.push(FileNotice {
                        file: self.path.clone(),
                        kind,
                        moved_to: Some(moved_to),
                    });
                }
            }
        }
        // No usable current file: fall back to the previous generation if it reads cleanly.
        let Some(bytes) = read_optional(&self.backup_path())? else {
            return Ok(Loaded {
                value: None,
                notices,
            });
        };
        let Ok(value) = parse_versioned::<T>(&bytes, supported) else {
            return Ok(Loaded {
                value: None,
                notices,
            });
        };
        self.write_atomic(&bytes)?;
        notices.push(FileNotice {
            file: self.path.clone(),
            kind: FileNoticeKind::RestoredFromBackup,
            moved_to: None,
        });
        Ok(Loaded {
            value: Some(value),
            notices,
        })
    }

    /// Writes `value` as pretty JSON with `schemaVersion` set to `version`.
    pub fn store_versioned<T: Serialize>(
        &self,
        value: &T,
        version: u64,
    ) -> Result<(), DurableFileError> {
        let encode = |detail: String| DurableFileError::Encode {
            path: self.path.clone(),
            detail,
        };
        let mut json = serde_json::to_value(value).map_err(|e| encode(e.to_string()))?;
        let Some(object) = json.as_object_mut() else {
            return Err(encode("the document is not a JSON object".into()));
        };
        object.insert(VERSION_KEY.into(), version.into());
        let mut bytes = serde_json::to_vec_pretty(&json).map_err(|e| encode(e.to_string()))?;
        bytes.push(b'\n');
        self.write_atomic(&bytes)
    }
}

/// Parses `bytes` as a versioned document, or says why it cannot be used.
fn parse_versioned<T: DeserializeOwned>(bytes: &[u8], supported: u64) -> Result<T, FileNoticeKind> {
    let unreadable = |detail: String| FileNoticeKind::Unreadable { detail };
    let json: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| unreadable(format!("not valid JSON: {e}")))?;
    let version = json
        .get(VERSION_KEY)
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| unreadable(format!("no numeric {VERSION_KEY}")))?;
    if version > supported {
        return Err(FileNoticeKind::FutureVersion {
            found: version,
            supported,
        });
    }
    if version == 0 {
        return Err(unreadable(format!(
            "{VERSION_KEY} 0 is not a valid version"
        )));
    }
    serde_json::from_value(json).map_err(|e| unreadable(format!("unexpected content: {e}")))
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, DurableFileError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(io("read", path, source)),
    }
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> DurableFileError {
    DurableFileError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Renames, retrying briefly: on Windows a rename fails while another process has the target
/// open (an antivirus scan, a reader), which clears within milliseconds.
fn rename_with_retry(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut attempt = 0;
    loop {
        match fs::rename(from, to) {
            Ok(()) => return Ok(()),
            Err(_) if cfg!(windows) && attempt < 20 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Makes a rename durable (Unix); Windows has no directory handles to sync.
fn sync_folder(folder: &Path) -> Result<(), DurableFileError> {
    #[cfg(unix)]
    {
        File::open(folder)
            .and_then(|f| f.sync_all())
            .map_err(|s| io("sync the folder", folder, s))?;
    }
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Doc {
        n: u32,
    }

    #[test]
    fn write_keeps_previous_generation_and_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let f = DurableFile::new(dir.path().join("c.json"));
        f.store_versioned(&Doc { n: 1 }, 1).unwrap();
        f.store_versioned(&Doc { n: 2 }, 1).unwrap();
        let now = Utc::now();
        let loaded: Loaded<Doc> = f.load_versioned(1, now).unwrap();
        assert_eq!(loaded.value, Some(Doc { n: 2 }));
        let bak = fs::read_to_string(f.backup_path()).unwrap();
        assert!(bak.contains("\"n\": 1"));
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn corrupt_and_future_files_are_moved_aside_and_backup_used() {
        let table: [(&[u8], &str); 4] = [
            (b"{\"schemaVersion\": 9, \"n\": 3}", "future"),
            (b"{\"n\": 3", "truncated"),
            (b"\xff\xfe garbage", "binary"),
            (b"[1,2]", "not an object"),
        ];
        for (content, case) in table {
            let dir = tempfile::tempdir().unwrap();
            let f = DurableFile::new(dir.path().join("c.json"));
            f.store_versioned(&Doc { n: 1 }, 1).unwrap();
            f.store_versioned(&Doc { n: 2 }, 1).unwrap();
            fs::write(f.path(), content).unwrap();
            let loaded: Loaded<Doc> = f.load_versioned(1, Utc::now()).unwrap();
            assert_eq!(loaded.value, Some(Doc { n: 1 }), "{case}");
            assert_eq!(loaded.notices.len(), 2, "{case}");
            let moved = loaded.notices[0].moved_to.clone().unwrap();
            assert_eq!(fs::read(moved).unwrap(), content, "{case}");
            assert!(!loaded.notices[0].message().is_empty());
        }
    }

    #[test]
    fn lock_is_exclusive_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let f = DurableFile::new(dir.path().join("c.json"));
        let held = f.lock(DEFAULT_LOCK_WAIT).unwrap();
        let err = f.lock(Duration::from_millis(20)).unwrap_err();
        assert_eq!(err.code(), "file_locked");
        drop(held);
        assert!(f.lock(Duration::from_millis(20)).is_ok());
    }
}
