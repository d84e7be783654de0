//! Drivly Keys desktop entry point; everything lives in the library so tests can build the app
//! on Tauri's mock runtime.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some((name, value)) =
        drivly_keys_app::rendering::webkit_environment(|name| std::env::var(name).ok())
    {
        // The one unsafe block in the workspace. WebKit takes its rendering mode only from the
        // environment (see rendering.rs). SAFETY: this is the first statement of `main`, before
        // any thread exists, so nothing can read the environment while it changes.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(name, value);
        }
    }
    drivly_keys_app::run();
}
