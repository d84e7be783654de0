//! Build script: compiles the reference window's Tauri context from its own `tauri.conf.json`.

fn main() {
    if let Err(error) = tauri_build::try_build(tauri_build::Attributes::new()) {
        panic!("tauri build failed: {error:#}");
    }
}
