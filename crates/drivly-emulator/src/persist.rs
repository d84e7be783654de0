//! The state file: API keys, users, sessions and the signing key, kept across restarts.
//!
//! Written atomically (a temporary file in the same folder, flushed, then renamed over the old
//! one) so a crash never leaves half a file. Credentials appear only as digests; the Ed25519 seed
//! is the one secret in the file, so on Unix it is created readable by its owner only.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::state::Persisted;

/// Why the state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// Reading or writing failed.
    #[error("cannot use the state file {path}: {source}; check the path and its permissions")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a state file this version understands.
    #[error(
        "the state file {path} is damaged or from another version; move it away to start fresh"
    )]
    Format {
        /// The file.
        path: PathBuf,
    },
}

/// Reads the state file; `None` when it does not exist yet.
pub(crate) fn load(path: &Path) -> Result<Option<Persisted>, PersistError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(PersistError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let persisted: Persisted = serde_json::from_str(&text).map_err(|_| PersistError::Format {
        path: path.to_owned(),
    })?;
    if persisted.version != 1 {
        return Err(PersistError::Format {
            path: path.to_owned(),
        });
    }
    Ok(Some(persisted))
}

/// Writes the state file atomically.
pub(crate) fn save(path: &Path, persisted: &Persisted) -> Result<(), PersistError> {
    let io = |source| PersistError::Io {
        path: path.to_owned(),
        source,
    };
    let json = serde_json::to_vec_pretty(persisted)
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.tmp",
        crate::tokens::random_token("", 6)
    ));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}
