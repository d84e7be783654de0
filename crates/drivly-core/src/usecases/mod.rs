//! The use cases of Drivly Keys, in one place: the desktop app's commands and the CLI's
//! commands are adapters that parse their input, call one function here and present its typed
//! outcome. Nothing here knows about Tauri, IPC or terminals.
//!
//! - [`sign_in::complete_sign_in`]: a matched login callback → stored session, handed to the
//!   process's [`RunningSessions`];
//! - [`sign_out::sign_out`]: revoke where possible, delete secrets and record, stop the
//!   refresher;
//! - [`mint::mint`]: a JWT from a stored key, with its history entry (the token is never lost
//!   to a history failure);
//! - [`keys`]: add (input rules), verify with the server, remove with a server revoke;
//! - [`sessions`]: sessions with their states.

pub mod error;
mod issuers;
pub mod keys;
pub mod mint;
pub mod profiles;
mod running;
pub mod sessions;
pub mod sign_in;
pub mod sign_out;

use std::sync::Arc;

use crate::clock::Clock;
use crate::profile::store::ProfileStore;
use crate::vault::Vault;

pub use error::UseCaseError;
pub use issuers::{Issuers, issuers_for, issuers_from_store};
pub use running::{RunMode, RunningSessions};

/// What the key and mint use cases work on: the vault, the profiles and the clock.
#[derive(Debug, Clone)]
pub struct Stores {
    /// Keys, sessions' records and the mint history.
    pub vault: Arc<Vault>,
    /// Profiles and settings.
    pub profiles: Arc<ProfileStore>,
    /// The wall clock.
    pub clock: Arc<dyn Clock>,
}
