//! Why the app could not start: the set-up hook's error, printed on the terminal that started
//! it (there is no window yet to show it in).

use crate::ipc_error::IpcError;

/// A failure of [`crate::app_builder`]'s start function.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// `--demo` was asked of a build without the `demo` feature.
    #[error("this build has no demo mode (build with the `demo` feature: scripts/demo)")]
    NoDemoMode,
    /// The embedded emulator of demo mode did not start.
    #[cfg(feature = "demo")]
    #[error("the demo emulator could not start: {0}")]
    Demo(#[from] drivly_emulator::StartError),
    /// The app's folders or stores could not be opened.
    #[error("{} ({})", .0.message, .0.code)]
    State(IpcError),
}

impl From<IpcError> for StartError {
    fn from(error: IpcError) -> Self {
        Self::State(error)
    }
}
