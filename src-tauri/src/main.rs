//! Drivly Keys desktop entry point; everything lives in the library so tests can build the app
//! on Tauri's mock runtime.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    drivly_keys_app::run();
}
