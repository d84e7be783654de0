//! Settings → "Sign-in links": which desktop entry opens this build's sign-in links, and removing
//! the per-user entry a build-folder run of the app wrote (an installed package's system entry
//! needs none). Reads files and asks `xdg-mime`, so it runs on the blocking pool.

use drivly_core::Code;
use drivly_core::link_handler::{LinkHandlerStatus, status};
use drivly_core::login::RedirectTarget;

use crate::blocking;
use crate::ipc_error::{IpcError, IpcResult};

/// This build's scheme (`ly.driv.keys`, or `ly.driv.keys.dev` for debug builds); a build is
/// always a private-use target, the loopback one exists only per sign-in.
fn scheme() -> String {
    match RedirectTarget::for_this_build() {
        RedirectTarget::PrivateUse { scheme } => scheme,
        RedirectTarget::Loopback { .. } => String::new(),
    }
}

/// Who opens this build's sign-in links.
#[tauri::command]
pub async fn link_handler_status() -> IpcResult<LinkHandlerStatus> {
    blocking::run(|| Ok::<_, IpcError>(status(&scheme()))).await
}

/// Removes the per-user entry (and its default in `mimeapps.list`); returns the status after.
#[tauri::command]
pub async fn remove_link_handler_entry() -> IpcResult<LinkHandlerStatus> {
    blocking::run(|| {
        #[cfg(target_os = "linux")]
        crate::desktop_entry::remove_user_entry().map_err(|error| {
            IpcError::new(
                Code::LinkHandlerRemoveFailed,
                format!("could not remove the per-user link entry: {error}"),
            )
        })?;
        Ok::<_, IpcError>(status(&scheme()))
    })
    .await
}
