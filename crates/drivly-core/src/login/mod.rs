//! Browser sign-in state (issue #5 item 1): PKCE and `state`, pending sign-ins, the strict
//! callback parser, and the one-shot loopback listener.
//!
//! The flow: [`LoginRegistry::start`] creates a pending sign-in and the authorization URL;
//! the browser comes back through the private-use scheme or a [`LoopbackListener`];
//! [`parse_callback`] checks the URL against the expected [`RedirectTarget`];
//! [`LoginRegistry::complete`] matches its `state` once and hands back the code and verifier
//! for `DrivlyClient::exchange_code`. Every rejection is logged by code, never with the URL.

mod callback;
mod error;
pub mod loopback;
mod pending_store;
pub mod pkce;
mod redirect;
mod registry;

pub use callback::{CallbackPayload, MAX_CALLBACK_URL, MAX_DESCRIPTION_CHARS, parse_callback};
pub use error::CallbackError;
pub use loopback::{LoopbackError, LoopbackListener};
pub use pending_store::{PendingSignInStore, PersistedSignIn};
pub use redirect::{
    DEBUG_SCHEME, InvalidScheme, LOOPBACK_CALLBACK_PATH, RELEASE_SCHEME, RedirectTarget,
    SCHEME_CALLBACK_PATH,
};
pub use registry::{
    CompletedLogin, LOGIN_TTL, LoginOutcome, LoginRegistry, PendingLogin, StartedLogin,
};
