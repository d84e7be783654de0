//! Deep-link registration on Linux, made to work with plain `xdg-open`.
//!
//! The deep-link plugin's `register_all()` writes `<bin>-handler.desktop` with a quoted
//! `Exec="/path/bin" %u`. Debian 12's xdg-open 1.1.3 without a desktop environment cannot run a
//! quoted Exec (`xdg-open: 811: : Permission denied`), while `gio open` can. After the plugin
//! registered, we rewrite the Exec line unquoted whenever the path needs no quoting under the
//! Desktop Entry spec (no spaces or reserved characters), which both launchers accept; paths
//! that need quoting keep the plugin's form.
//!
//! An installed package already ships a system entry handling the scheme: then nothing is
//! written into the user's data folder (so `apt remove` leaves nothing behind). The per-user
//! entry is only the fallback of runs from a build folder, and `remove_user_entry` (the CLI's
//! `drivly-keys link-handler --remove-user-entry`) takes it away again.

use std::path::Path;

/// Characters that force quoting of an Exec argument (Desktop Entry spec, "The Exec key").
const RESERVED: &[char] = &[
    ' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')',
    '`', '=',
];

/// The unquoted Exec value for `exe`, or `None` when the path must stay quoted.
pub fn unquoted_exec(exe: &str) -> Option<String> {
    if exe.is_empty() || exe.contains(RESERVED) || exe.contains('%') {
        return None;
    }
    Some(format!("{exe} %u"))
}

/// Rewrites the `Exec=` line of the handler entry at `path` to the unquoted form.
/// Returns whether the file changed.
pub fn unquote_handler_exec(path: &Path, exe: &str) -> std::io::Result<bool> {
    let Some(exec) = unquoted_exec(exe) else {
        return Ok(false);
    };
    let original = std::fs::read_to_string(path)?;
    let mut changed = false;
    let rewritten: Vec<String> = original
        .lines()
        .map(|line| {
            if line.starts_with("Exec=") && line != format!("Exec={exec}") {
                changed = true;
                format!("Exec={exec}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    if changed {
        std::fs::write(path, rewritten.join("\n") + "\n")?;
    }
    Ok(changed)
}

/// Registers the app's deep-link scheme for this build (through the plugin, then the Exec fix).
/// Failure is not fatal: sign-in falls back to the loopback redirect.
#[cfg(target_os = "linux")]
pub fn register<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    use tauri_plugin_deep_link::DeepLinkExt;

    if let Some(entry) = installed_entry() {
        tracing::info!(entry = %entry.path.display(), "the installed desktop entry handles sign-in links");
        return;
    }
    if let Err(error) = app.deep_link().register_all() {
        tracing::warn!(%error, "could not register the sign-in link handler; loopback sign-in still works");
        return;
    }
    let Ok(exe) = tauri::utils::platform::current_exe() else {
        return;
    };
    let Some(name) = exe.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(data_dir) = app.path().data_dir() else {
        return;
    };
    let entry = data_dir
        .join("applications")
        .join(format!("{name}-handler.desktop"));
    match unquote_handler_exec(&entry, &exe.to_string_lossy()) {
        Ok(true) => {
            let _ = std::process::Command::new("update-desktop-database")
                .arg(data_dir.join("applications"))
                .status();
        }
        Ok(false) => {}
        Err(error) => tracing::warn!(%error, "could not adjust the link handler entry"),
    }
}

/// The system desktop entry (a package's) that already opens this build's scheme with this
/// binary, if any.
#[cfg(target_os = "linux")]
pub fn installed_entry() -> Option<drivly_core::link_handler::HandlerEntry> {
    use drivly_core::link_handler::{path_dirs, system_data_dirs, system_entry_for};
    let exe = tauri::utils::platform::current_exe().ok()?;
    let scheme = drivly_core::login::RedirectTarget::for_this_build();
    let drivly_core::login::RedirectTarget::PrivateUse { scheme } = scheme else {
        return None;
    };
    system_entry_for(&exe, &scheme, &system_data_dirs(), &path_dirs())
}

/// Removes the per-user handler entry a build-folder run wrote (and its default in
/// `mimeapps.list`); returns the files removed. For a Settings button.
///
/// # Errors
/// The file that could not be removed.
#[cfg(target_os = "linux")]
pub fn remove_user_entry() -> std::io::Result<Vec<std::path::PathBuf>> {
    use drivly_core::link_handler::{
        remove_user_handler_entries, user_data_dir, user_mimeapps_list,
    };
    let drivly_core::login::RedirectTarget::PrivateUse { scheme } =
        drivly_core::login::RedirectTarget::for_this_build()
    else {
        return Ok(Vec::new());
    };
    match user_data_dir() {
        Some(dir) => remove_user_handler_entries(&dir, &scheme, user_mimeapps_list().as_deref()),
        None => Ok(Vec::new()),
    }
}

/// Registers the app's deep-link scheme (other desktops need no fix).
#[cfg(not(target_os = "linux"))]
pub fn register<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri_plugin_deep_link::DeepLinkExt;
    if let Err(error) = app.deep_link().register_all() {
        tracing::warn!(%error, "could not register the sign-in link handler");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_unquoted() {
        assert_eq!(
            unquoted_exec("/usr/bin/drivly-keys-app").as_deref(),
            Some("/usr/bin/drivly-keys-app %u")
        );
        assert_eq!(unquoted_exec("/home/a b/app"), None);
        assert_eq!(unquoted_exec("/tmp/$x"), None);
        assert_eq!(unquoted_exec("/tmp/100%"), None);
        assert_eq!(unquoted_exec(""), None);
    }

    #[test]
    fn the_exec_line_is_rewritten_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app-handler.desktop");
        std::fs::write(
            &path,
            "[Desktop Entry]\nType=Application\nName=x\nExec=\"/opt/app\" %u\nMimeType=x-scheme-handler/ly.driv.keys;\n",
        )
        .unwrap();
        assert!(unquote_handler_exec(&path, "/opt/app").unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\nExec=/opt/app %u\n"), "{text}");
        assert!(text.contains("MimeType=x-scheme-handler/ly.driv.keys;"));
        assert!(!unquote_handler_exec(&path, "/opt/app").unwrap());
    }
}
