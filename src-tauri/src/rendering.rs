//! How the window's web content is drawn on Linux.
//!
//! WebKitGTK composites pages with OpenGL by default. On machines without a GPU driver (VMs,
//! remote desktops, Xvfb) that is Mesa's llvmpipe, and the compositing layers, tiles and shader
//! JIT live in the web process's own memory: measured under Xvfb, this window's web process
//! took about 80 MiB more with compositing than without (BENCHMARKS.md). The UI is forms,
//! tables and text with no animation worth a GPU, so the app draws without accelerated
//! compositing. `DRIVLY_KEYS_GPU_COMPOSITING=1` keeps WebKit's default, and a
//! `WEBKIT_DISABLE_COMPOSITING_MODE` the user set is left alone.
//!
//! WebKit reads the choice from the environment when it creates the webview's settings, and
//! switching it on a live page replaces the page's web process (which WebDriver sessions do not
//! survive), so `main` sets it before anything else runs.

/// The variable that keeps WebKit's default compositing.
pub const GPU_COMPOSITING_ENV: &str = "DRIVLY_KEYS_GPU_COMPOSITING";

/// WebKitGTK's switch for accelerated compositing.
pub const WEBKIT_COMPOSITING_ENV: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The variable `main` should set for WebKit, given the environment (`lookup`), if any.
pub fn webkit_environment(
    lookup: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, &'static str)> {
    if !cfg!(target_os = "linux") || lookup(WEBKIT_COMPOSITING_ENV).is_some() {
        return None;
    }
    let gpu = lookup(GPU_COMPOSITING_ENV);
    if matches!(
        gpu.as_deref().map(str::trim),
        Some("1" | "true" | "yes" | "on")
    ) {
        return None;
    }
    Some((WEBKIT_COMPOSITING_ENV, "1"))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn compositing_is_off_by_default() {
        assert_eq!(
            webkit_environment(env(&[])),
            Some((WEBKIT_COMPOSITING_ENV, "1"))
        );
    }

    #[test]
    fn only_an_explicit_yes_keeps_gpu_compositing() {
        for yes in ["1", "true", "yes", "on", " 1 "] {
            assert_eq!(webkit_environment(env(&[(GPU_COMPOSITING_ENV, yes)])), None);
        }
        for no in ["", "0", "false", "no", "maybe"] {
            assert!(webkit_environment(env(&[(GPU_COMPOSITING_ENV, no)])).is_some());
        }
    }

    #[test]
    fn a_choice_already_in_the_environment_is_kept() {
        assert_eq!(
            webkit_environment(env(&[(WEBKIT_COMPOSITING_ENV, "0")])),
            None
        );
    }
}
