//! Which desktop entry opens the sign-in link (`x-scheme-handler/<scheme>`) on Linux, and the
//! per-user fallback entry the app writes when it runs from a build folder.
//!
//! An installed package ships a system entry (`/usr/share/applications/*.desktop`) that already
//! handles the scheme; the app must then write nothing into the user's data folder, so that
//! removing the package leaves nothing behind. A run from a build folder has no such entry and
//! registers its own `<bin>-handler.desktop` under `$XDG_DATA_HOME/applications`; that entry can
//! be listed and removed here (the CLI's `link-handler` command, a Settings button).
//! Parsing is deliberately small: the `[Desktop Entry]` group's `MimeType=` and `Exec=` keys.

use std::path::{Path, PathBuf};

/// A desktop entry that declares the scheme's MIME type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerEntry {
    /// The `.desktop` file.
    pub path: PathBuf,
    /// The program of its `Exec=` line (first word, quotes removed).
    pub program: String,
}

/// The MIME type a URL scheme is registered under.
pub fn scheme_mime(scheme: &str) -> String {
    format!("x-scheme-handler/{scheme}")
}

/// `$XDG_DATA_HOME` (default `~/.local/share`).
pub fn user_data_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
}

/// `$XDG_DATA_DIRS` (default `/usr/local/share:/usr/share`).
pub fn system_data_dirs() -> Vec<PathBuf> {
    let raw = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".to_owned());
    raw.split(':')
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// The `MimeType=` list and `Exec=` program of a desktop entry's main group.
fn parse_entry(text: &str) -> (Vec<String>, Option<String>) {
    let mut in_main = false;
    let mut mimes = Vec::new();
    let mut program = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_main = line == "[Desktop Entry]";
            continue;
        }
        if !in_main {
            continue;
        }
        if let Some(value) = line.strip_prefix("MimeType=") {
            mimes = value
                .split(';')
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect();
        } else if let Some(value) = line.strip_prefix("Exec=") {
            program = exec_program(value);
        }
    }
    (mimes, program)
}

/// The first word of an `Exec=` value, with the spec's double quotes removed.
fn exec_program(value: &str) -> Option<String> {
    let value = value.trim();
    if let Some(rest) = value.strip_prefix('"') {
        let end = rest.find('"')?;
        return Some(rest[..end].replace("\\\\", "\\"));
    }
    value.split_whitespace().next().map(str::to_owned)
}

/// The entries in `<data_dir>/applications` that declare `scheme`, sorted by path.
pub fn entries_handling(data_dir: &Path, scheme: &str) -> Vec<HandlerEntry> {
    let mime = scheme_mime(scheme);
    let Ok(read) = std::fs::read_dir(data_dir.join("applications")) else {
        return Vec::new();
    };
    let mut found: Vec<HandlerEntry> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "desktop"))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let (mimes, program) = parse_entry(&text);
            mimes.contains(&mime).then(|| HandlerEntry {
                path,
                program: program.unwrap_or_default(),
            })
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Whether an entry's `Exec` program runs `exe`: the same absolute path, or the same file name
/// found through one of `path_dirs` (`Exec=drivly-keys-app %u` in a package's entry).
fn runs(program: &str, exe: &Path, path_dirs: &[PathBuf]) -> bool {
    let program_path = Path::new(program);
    if program_path.is_absolute() {
        return program_path == exe;
    }
    let (Some(name), Some(parent)) = (exe.file_name(), exe.parent()) else {
        return false;
    };
    program_path.as_os_str() == name && path_dirs.iter().any(|d| d == parent)
}

/// The system entry (from `system_dirs`) that already opens `scheme` with `exe`, if any.
/// When there is one, the app registers nothing in the user's data folder.
pub fn system_entry_for(
    exe: &Path,
    scheme: &str,
    system_dirs: &[PathBuf],
    path_dirs: &[PathBuf],
) -> Option<HandlerEntry> {
    system_dirs
        .iter()
        .flat_map(|dir| entries_handling(dir, scheme))
        .find(|entry| runs(&entry.program, exe, path_dirs))
}

/// The directories of `$PATH`.
pub fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}

/// The per-user handler entries the app wrote (`*-handler.desktop` declaring `scheme`).
pub fn user_handler_entries(user_dir: &Path, scheme: &str) -> Vec<HandlerEntry> {
    entries_handling(user_dir, scheme)
        .into_iter()
        .filter(|e| {
            e.path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with("-handler.desktop"))
        })
        .collect()
}

/// Removes the app's per-user handler entries for `scheme` and their lines in `mimeapps`
/// (`$XDG_CONFIG_HOME/mimeapps.list`, when given); returns the entries removed.
///
/// # Errors
/// The first file that could not be removed or rewritten.
pub fn remove_user_handler_entries(
    user_dir: &Path,
    scheme: &str,
    mimeapps: Option<&Path>,
) -> std::io::Result<Vec<PathBuf>> {
    let entries = user_handler_entries(user_dir, scheme);
    for entry in &entries {
        std::fs::remove_file(&entry.path)?;
    }
    if let Some(list) = mimeapps
        && !entries.is_empty()
    {
        forget_in_mimeapps(list, &scheme_mime(scheme), &entries)?;
    }
    Ok(entries.into_iter().map(|e| e.path).collect())
}

/// Drops `mime=<removed entry>;` associations from a `mimeapps.list`.
fn forget_in_mimeapps(list: &Path, mime: &str, removed: &[HandlerEntry]) -> std::io::Result<()> {
    let Ok(text) = std::fs::read_to_string(list) else {
        return Ok(());
    };
    let names: Vec<String> = removed
        .iter()
        .filter_map(|e| e.path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let mut changed = false;
    let kept: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let Some(value) = line.strip_prefix(&format!("{mime}=")) else {
                return Some(line.to_owned());
            };
            let left: Vec<&str> = value
                .split(';')
                .filter(|v| !v.is_empty() && !names.iter().any(|n| n == v))
                .collect();
            changed = true;
            (!left.is_empty()).then(|| format!("{mime}={};", left.join(";")))
        })
        .collect();
    if changed {
        std::fs::write(list, kept.join("\n") + "\n")?;
    }
    Ok(())
}

/// `$XDG_CONFIG_HOME/mimeapps.list` (default `~/.config/mimeapps.list`).
pub fn user_mimeapps_list() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("mimeapps.list"))
}

/// The entry the desktop opens the scheme with (`xdg-mime query default`), if it answers.
pub fn default_handler(scheme: &str) -> Option<String> {
    let output = std::process::Command::new("xdg-mime")
        .args(["query", "default", &scheme_mime(scheme)])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (output.status.success() && !name.is_empty()).then_some(name)
}

/// Who opens the app's sign-in links on this account: what `drivly-keys link-handler` prints
/// and Settings → "Sign-in links" shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LinkHandlerStatus {
    /// The URL scheme, e.g. `ly.driv.keys`.
    pub scheme: String,
    /// The desktop entry the desktop opens it with (`xdg-mime query default`), if it answers.
    pub default_entry: Option<String>,
    /// System entries (an installed package's) that declare the scheme.
    #[ts(as = "Vec<String>")]
    pub system_entries: Vec<PathBuf>,
    /// Per-user entries a build-folder run of the app wrote (removable).
    #[ts(as = "Vec<String>")]
    pub user_entries: Vec<PathBuf>,
}

/// Reads [`LinkHandlerStatus`] for `scheme` from the XDG folders and `xdg-mime`.
pub fn status(scheme: &str) -> LinkHandlerStatus {
    LinkHandlerStatus {
        scheme: scheme.to_owned(),
        default_entry: default_handler(scheme),
        system_entries: system_data_dirs()
            .iter()
            .flat_map(|d| entries_handling(d, scheme))
            .map(|e| e.path)
            .collect(),
        user_entries: user_data_dir()
            .map(|d| user_handler_entries(&d, scheme))
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.path)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEME: &str = "ly.driv.keys";

    fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
        let apps = dir.join("applications");
        std::fs::create_dir_all(&apps).unwrap();
        let path = apps.join(name);
        std::fs::write(&path, body).unwrap();
        path
    }

    fn entry(exec: &str, mime: &str) -> String {
        format!("[Desktop Entry]\nType=Application\nName=x\nExec={exec}\nMimeType={mime}\n")
    }

    #[test]
    fn a_package_entry_is_found_for_the_installed_binary() {
        let system = tempfile::tempdir().unwrap();
        write(
            system.path(),
            "Drivly Keys.desktop",
            &entry("drivly-keys-app %u", "x-scheme-handler/ly.driv.keys;"),
        );
        let dirs = [system.path().to_path_buf()];
        let path = [PathBuf::from("/usr/bin")];
        let found = system_entry_for(Path::new("/usr/bin/drivly-keys-app"), SCHEME, &dirs, &path);
        assert!(found.is_some());
        // A build-folder binary of the same name is not the package's.
        let other = Path::new("/home/me/target/release/drivly-keys-app");
        assert_eq!(system_entry_for(other, SCHEME, &dirs, &path), None);
        // The debug scheme is not handled by the package.
        let exe = Path::new("/usr/bin/drivly-keys-app");
        assert_eq!(
            system_entry_for(exe, "ly.driv.keys.dev", &dirs, &path),
            None
        );
    }

    #[test]
    fn absolute_and_quoted_exec_lines_match_exactly() {
        let system = tempfile::tempdir().unwrap();
        write(
            system.path(),
            "a.desktop",
            &entry(
                "\"/opt/drivly/app\" %u",
                "text/plain;x-scheme-handler/ly.driv.keys;",
            ),
        );
        let dirs = [system.path().to_path_buf()];
        assert!(system_entry_for(Path::new("/opt/drivly/app"), SCHEME, &dirs, &[]).is_some());
        assert!(system_entry_for(Path::new("/opt/other/app"), SCHEME, &dirs, &[]).is_none());
    }

    #[test]
    fn entries_without_the_mime_type_or_outside_the_main_group_do_not_count() {
        let system = tempfile::tempdir().unwrap();
        write(
            system.path(),
            "a.desktop",
            &entry("/usr/bin/app %u", "text/plain;"),
        );
        write(
            system.path(),
            "b.desktop",
            "[Desktop Entry]\nExec=/usr/bin/app %u\n[Desktop Action x]\nMimeType=x-scheme-handler/ly.driv.keys;\n",
        );
        assert!(entries_handling(system.path(), SCHEME).is_empty());
    }

    #[test]
    fn user_entries_are_removed_with_their_default() {
        let user = tempfile::tempdir().unwrap();
        let handler = write(
            user.path(),
            "drivly-keys-app-handler.desktop",
            &entry(
                "/tmp/b/drivly-keys-app %u",
                "x-scheme-handler/ly.driv.keys;",
            ),
        );
        let unrelated = write(
            user.path(),
            "mine.desktop",
            &entry("/x %u", "x-scheme-handler/ly.driv.keys;"),
        );
        let list = user.path().join("mimeapps.list");
        std::fs::write(
            &list,
            "[Default Applications]\nx-scheme-handler/ly.driv.keys=drivly-keys-app-handler.desktop;\ntext/html=firefox.desktop;\n",
        )
        .unwrap();
        let removed = remove_user_handler_entries(user.path(), SCHEME, Some(&list)).unwrap();
        assert_eq!(removed, vec![handler.clone()]);
        assert!(!handler.exists());
        assert!(unrelated.exists());
        let text = std::fs::read_to_string(&list).unwrap();
        assert!(!text.contains("ly.driv.keys"), "{text}");
        assert!(text.contains("text/html=firefox.desktop;"));
        assert!(
            remove_user_handler_entries(user.path(), SCHEME, Some(&list))
                .unwrap()
                .is_empty()
        );
    }
}
