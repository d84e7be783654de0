//! The cross-process refresh lock: an advisory file lock per session, so the desktop app and
//! the `drivly-keys` command line (or two app instances when single-instance fails) never
//! refresh one session at once. Two refreshes with one rotating refresh token look like token
//! theft to the server, which then revokes the whole session (RFC 9700 §4.14.2).
//!
//! Invariants: the lock file is `<dir>/<session id>.refresh.lock` and holds nothing; the lock is
//! `flock`-style (fs4), held by the open file description, so it also excludes a second
//! refresher in the same process and is released by the OS if the process dies. Waiting polls
//! `try_lock` on a short async sleep, so a waiting task stays cancellable and never ties up a
//! blocking thread; a timeout prevents a hang behind a stuck holder.

use crate::Code;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use fs4::fs_std::FileExt;

use super::model::SessionId;

/// How often a waiting task retries the lock.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The lock file could not be created or locked.
    #[error(
        "could not use the session lock file {path}: {source}; check that the data folder is writable"
    )]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Another process held the lock for the whole timeout.
    #[error(
        "another process has been refreshing this session for over {0:?}; try again, or quit the other drivly-keys process"
    )]
    TimedOut(Duration),
}

impl crate::ErrorCode for LockError {
    fn code(&self) -> Code {
        match self {
            Self::Io { .. } => Code::SessionLockFailed,
            Self::TimedOut(_) => Code::SessionLockTimeout,
        }
    }
}

/// A held refresh lock; dropping it releases the lock.
#[derive(Debug)]
pub struct RefreshLock {
    // Closing the file releases the lock; it is never read or written.
    _file: File,
}

/// The lock file of a session in `dir`.
pub fn lock_path(dir: &Path, id: &SessionId) -> PathBuf {
    dir.join(format!("{id}.refresh.lock"))
}

impl RefreshLock {
    /// Takes the session's lock in `dir` (created if missing), waiting up to `timeout`.
    ///
    /// # Errors
    /// [`LockError::Io`] when the file cannot be created or locked, [`LockError::TimedOut`]
    /// when another holder keeps it longer than `timeout`.
    pub async fn acquire(dir: &Path, id: &SessionId, timeout: Duration) -> Result<Self, LockError> {
        let path = lock_path(dir, id);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if FileExt::try_lock_exclusive(&file).map_err(io)? {
                return Ok(Self { _file: file });
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(LockError::TimedOut(timeout));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_holder_waits_then_times_out_and_gets_it_after_release() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let id = SessionId::new_random();
        let first = RefreshLock::acquire(dir.path(), &id, Duration::from_secs(5)).await;
        assert!(first.is_ok());
        let second = RefreshLock::acquire(dir.path(), &id, Duration::from_millis(100)).await;
        assert!(matches!(second, Err(LockError::TimedOut(_))));
        drop(first);
        let third = RefreshLock::acquire(dir.path(), &id, Duration::from_secs(5)).await;
        assert!(third.is_ok());
        // Another session's lock is independent.
        let other =
            RefreshLock::acquire(dir.path(), &SessionId::new_random(), Duration::ZERO).await;
        assert!(other.is_ok());
    }
}
