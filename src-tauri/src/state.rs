//! The shell's managed state: handles onto the core's stores and background tasks.

use drivly_core::profile::Profile;

/// State shared by all commands.
#[derive(Debug)]
pub struct AppState {
    active_profile: Profile,
}

impl AppState {
    /// State for a run whose active profile is `active_profile`.
    pub fn new(active_profile: Profile) -> Self {
        Self { active_profile }
    }

    /// The profile the header shows and commands use by default.
    pub fn active_profile(&self) -> &Profile {
        &self.active_profile
    }
}
