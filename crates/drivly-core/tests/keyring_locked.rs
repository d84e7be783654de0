//! A locked keyring (gnome-keyring started without `--unlock`, no display for a prompt) must
//! give `keyring_locked` (or `keyring_timeout`) promptly, never hang. Runs only when
//! `DRIVLY_KEYS_EXPECT_LOCKED_KEYRING=1`; the test command starts such a keyring:
//!
//! ```sh
//! dbus-run-session -- sh -c 'gnome-keyring-daemon --start --components=secrets >/dev/null; \
//!   env -u DISPLAY DRIVLY_KEYS_EXPECT_LOCKED_KEYRING=1 cargo test -p drivly-core --test keyring_locked'
//! ```

use std::time::Duration;

use drivly_core::ErrorCode;
use drivly_core::vault::{KeyringOptions, KeyringStore};

#[test]
fn a_locked_keyring_is_reported_not_waited_on() {
    if std::env::var("DRIVLY_KEYS_EXPECT_LOCKED_KEYRING").as_deref() != Ok("1") {
        eprintln!("SKIPPED: set DRIVLY_KEYS_EXPECT_LOCKED_KEYRING=1 with a locked keyring running");
        return;
    }
    let options = KeyringOptions {
        service: "ly.driv.keys.locked-test".into(),
        timeout: Duration::from_secs(5),
        ..KeyringOptions::default()
    };
    let err = KeyringStore::open_platform(options).unwrap_err();
    assert!(
        matches!(err.code(), "keyring_locked" | "keyring_timeout"),
        "unexpected {}: {err}",
        err.code()
    );
}
