//! drivly-core's integration tests, in one test binary (one link, one process start) instead of
//! one binary per file. Each module is one area; `session_common` is the shared session harness.
//!
//! Tests that need a real Secret Service are `#[ignore]`d, so a plain `cargo test` reports them
//! as ignored rather than passed; `scripts/test` runs them with `--include-ignored` inside a
//! private D-Bus session with an unlocked gnome-keyring. `keyring_locked` needs the opposite (a
//! keyring that was never unlocked): `scripts/test` runs it alone, in its own session, with
//! `--ignored keyring_locked::`, and skips it in the unlocked session.

mod client_calls;
mod client_dialects;
mod client_faults;
mod jwt_inspect;
mod jwt_props;
mod jwt_verify;
mod keyring_gnome;
mod keyring_locked;
mod keyring_mock;
mod keyring_vault;
mod login_callback;
mod login_callback_props;
mod login_loopback;
mod login_registry;
mod permissions_props;
mod permissions_table;
mod profile_store;
mod session_clock;
mod session_common;
mod session_emulator;
mod session_gate;
mod session_schedule;
mod session_unsaved_rotation;
mod session_vault;
mod usecases;
mod vault_crash;
mod vault_memory;
mod vault_orphans;
