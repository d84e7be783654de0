//! Profiles: the Drivly environments the app talks to (Drivly production, a sandbox, the local
//! emulator, or any compatible server), with the endpoint paths of `shared/docs/protocol.md`
//! section B, each overridable because the real service may differ.
//!
//! The model lives here; [`store`] keeps profiles in a versioned, non-secret config file.

mod model;
pub mod protocol;
pub mod store;

pub use model::{Endpoints, Environment, Profile, ProfileError, ProfileId, RedirectForm};
pub use protocol::{ProtocolPatch, TOKEN_FORM_WARNING};
