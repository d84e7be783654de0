//! Running the core's blocking calls (keyring over D-Bus, index files) off the async runtime.

use crate::ipc_error::{IpcError, IpcResult};
use drivly_core::Code;

/// Runs `work` on the blocking pool and flattens its result.
pub async fn run<T, E, F>(work: F) -> IpcResult<T>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<IpcError> + Send + 'static,
{
    match tauri::async_runtime::spawn_blocking(work).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(IpcError::new(
            Code::Internal,
            "a background task stopped unexpectedly; try again",
        )),
    }
}
