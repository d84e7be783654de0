//! Running a child command for `exec` and `run`: spawn it, forward SIGINT, SIGTERM and SIGHUP to
//! it while it runs, and pass its exit status through.
//!
//! Signals are caught (not left to kill this process), so the local servers a run started keep
//! serving until the child has really ended, and the child decides what a signal means. A child
//! killed by a signal gives 128 + the signal's number, as a shell reports it.

use std::process::ExitStatus;

use tokio::process::{Child, Command};

use crate::error::{CliError, EXIT_OTHER};

/// Starts `command` (its program's name is for the error message).
///
/// # Errors
/// [`CliError::Spawn`] when it cannot start.
pub fn spawn(command: &mut Command, program: &str) -> Result<Child, CliError> {
    command
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CliError::Spawn {
            program: program.to_owned(),
            detail: e.kind().to_string(),
        })
}

/// Waits for `child`, forwarding the termination signals this process receives meanwhile.
///
/// # Errors
/// [`CliError::Spawn`] when waiting fails.
pub async fn wait_forwarding_signals(child: &mut Child, program: &str) -> Result<u8, CliError> {
    let status = wait(child).await.map_err(|e| CliError::Spawn {
        program: program.to_owned(),
        detail: e.kind().to_string(),
    })?;
    Ok(exit_code(status))
}

#[cfg(unix)]
async fn wait(child: &mut Child) -> std::io::Result<ExitStatus> {
    use rustix::process::{Pid, Signal, kill_process};
    use tokio::signal::unix::{SignalKind, signal};

    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let pid = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .and_then(Pid::from_raw);
    loop {
        let forward = tokio::select! {
            status = child.wait() => return status,
            _ = interrupt.recv() => Signal::INT,
            _ = terminate.recv() => Signal::TERM,
            _ = hangup.recv() => Signal::HUP,
        };
        if let Some(pid) = pid {
            // The child may have just exited: then there is nobody to tell.
            let _ = kill_process(pid, forward);
        }
    }
}

#[cfg(not(unix))]
async fn wait(child: &mut Child) -> std::io::Result<ExitStatus> {
    child.wait().await
}

/// The child's exit code; 128 + N when signal N ended it.
pub fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(EXIT_OTHER);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(EXIT_OTHER);
        }
    }
    EXIT_OTHER
}
