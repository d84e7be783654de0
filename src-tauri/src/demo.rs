//! Demo mode (`--demo` or `DRIVLY_KEYS_DEMO=1`): the app starts the Drivly emulator in-process
//! on 127.0.0.1 (port 7878 when free, else any), makes the local emulator profile point at it,
//! and shows its demo credentials in the app. Its state (keys, users, sessions, signing key)
//! persists in `$DRIVLY_KEYS_HOME/emulator-state.json`, so demo keys stored in the keyring keep
//! working across runs.

use std::path::Path;

use drivly_emulator::{Config, Emulator, StartError};

use crate::commands::app_info::DemoInfo;

/// The running demo server.
#[derive(Debug)]
pub struct Demo {
    /// The emulator; stops when dropped.
    pub emulator: Emulator,
    /// What the app shows.
    pub info: DemoInfo,
}

/// True when this run asked for demo mode.
pub fn requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--demo")
        || std::env::var("DRIVLY_KEYS_DEMO").is_ok_and(|v| v == "1" || v == "true")
}

/// Starts the embedded emulator.
pub fn start(home: &Path) -> Result<Demo, StartError> {
    let config = Config {
        port: 7878,
        state_file: Some(home.join("emulator-state.json")),
        ..Config::default()
    };
    let emulator = tauri::async_runtime::block_on(async {
        match Emulator::start(config.clone()).await {
            Ok(emulator) => Ok(emulator),
            // Port 7878 is taken (another demo?): any free port works, the profile follows it.
            Err(_) => Emulator::start(Config { port: 0, ..config }).await,
        }
    })?;
    let (email, password) = emulator.demo_user();
    let info = DemoInfo {
        email,
        password,
        api_key: emulator.demo_api_key(),
        dashboard_url: emulator
            .origin()
            .join("dashboard")
            .map(|u| u.to_string())
            .unwrap_or_default(),
    };
    tracing::info!(base_url = %emulator.base_url(), "demo emulator running");
    Ok(Demo { emulator, info })
}
