//! Drivly Keys domain core, shared by the desktop app and the `drivly-keys` command line.
//!
//! Nothing here depends on Tauri or any GUI library. I/O sits behind small seams (the
//! [`vault::SecretStore`] trait, the [`clock::Clock`] trait, the HTTP client's base URL) so the
//! logic is tested without a desktop, and again end to end against the real keyring and the
//! emulator.
//!
//! Secrets travel only inside the types of [`secret`]: they redact `Debug`/`Display`, never
//! implement `Serialize`, and zeroize on drop.

pub mod app_paths;
pub mod browser;
pub mod client;
pub mod clock;
pub mod doctor;
pub mod durable_file;
pub mod error_code;
pub mod global_shortcut;
pub mod jwt;
pub mod key_input;
pub mod link_handler;
pub mod login;
pub mod permissions;
pub mod profile;
pub mod secret;
pub mod secret_clipboard;
pub mod session;
pub mod settings;
pub mod store_watch;
pub mod usecases;
pub mod vault;

pub use error_code::{Code, ErrorCode};
