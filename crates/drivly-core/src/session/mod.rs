//! Signed-in browser sessions that stay fresh: the session model, the refresh policy and the
//! per-session refresher (issue #5 items 3 to 5; design.md §3).
//!
//! Shape: [`SessionRefresher`] is a handle to one task per session, the only code in the process
//! that uses the session's refresh token. The task refreshes ahead of expiry on a short
//! wall-clock tick (so a resume from suspend is noticed at once), answers `token()` calls with a
//! single-flight refresh, backs off on transient failures, moves to `needs_sign_in` on a dead
//! refresh token, and signs out. A per-session file lock keeps other processes (the CLI, a
//! second app instance) from refreshing at the same time, and the current JWT is shared through
//! the secret store so they need not refresh at all.
//!
//! Seams ([`ports`]): [`TokenIssuer`] (implemented for `DrivlyClient`), [`SessionStore`]
//! (implemented for the keyring [`crate::vault::Vault`]; in-memory [`MemorySessionStore`] for tests), [`SessionEvents`]
//! (the shell's sink; no Tauri types), and [`crate::clock::Clock`].
//!
//! Invariants: a rotated refresh token is in the store before the new JWT is used or announced,
//! or, when the store refuses it, the stored (dead) one is marked unusable first and no process
//! sends it again; lifetimes are the server's, counted from the send time; a zero or negative
//! lifetime is refused; no session refreshes more often than every 5 s unless the user asks;
//! views and events never carry a secret; no token with less than the minimum time left is
//! handed out; no refresh runs after sign-out or after the handle is dropped.

mod actor;
mod client_adapter;
pub mod clock_watch;
mod error;
mod lock;
mod memory_store;
mod model;
pub mod policy;
pub mod ports;
pub mod refresh_gate;
mod refresher;
#[cfg(test)]
mod removed_elsewhere_tests;
mod vault_adapter;

pub use error::{REFRESH_TOKEN_NOT_SAVED, SessionError, TOKEN_ALREADY_EXPIRED};
pub use lock::{LockError, RefreshLock, lock_path};
pub use memory_store::MemorySessionStore;
pub use model::{LastError, SKEW_SHOWN_SECS, SessionId, SessionMeta, SessionState, SessionView};
pub use policy::RefreshPolicy;
pub use ports::{
    IssueError, IssuedTokens, NoEvents, Revocation, SessionEvent, SessionEvents, SessionStore,
    SharedJwt, StoreError, TokenIssuer,
};
pub use refresh_gate::RefreshGate;
pub use refresher::{LiveSession, RefresherConfig, RefresherDeps, SessionRefresher, establish};
pub use vault_adapter::meta_from_record;
