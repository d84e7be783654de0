#!/usr/bin/env bash
# Runs inside `dbus-run-session` (started by scripts/test): starts the Secret Service and a
# virtual display, proves both are real, then runs the Rust tests and the end-to-end tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source scripts/lib/setup.sh
T="$DRIVLY_KEYS_TEST_ROOT"

# A private keyring folder, so the test keyring is new on every run.
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
export XDG_RUNTIME_DIR="$T/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
wait_for_secret_service

log "Secret Service smoke test (store, read back from another process, delete)"
printf 'smoke-value' | secret-tool store --label='Drivly Keys smoke test' app drivly-keys-smoke probe 1
[ "$(secret-tool lookup app drivly-keys-smoke probe 1)" = "smoke-value" ] || { echo "Secret Service did not read back" >&2; exit 1; }
secret-tool clear app drivly-keys-smoke probe 1
! secret-tool lookup app drivly-keys-smoke probe 1 >/dev/null 2>&1 || { echo "Secret Service did not delete" >&2; exit 1; }

# A free display and WebDriver port, so a leftover X server or a second run never collides.
# -noreset: an X server resets when its last client leaves, and an app that connects during the
# reset fails to start GTK (seen once in CI, in the cold-start test, between two app starts).
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1440x900x24 -nolisten tcp -noreset >/dev/null 2>&1 &
XVFB_PID=$!
trap 'kill $XVFB_PID 2>/dev/null || true' EXIT
export DISPLAY=":$display"
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
DRIVLY_KEYS_DRIVER_PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export DRIVLY_KEYS_DRIVER_PORT

export DRIVLY_KEYS_HOME="$T/home"
export DRIVLY_KEYS_KEYRING_SERVICE="ly.driv.keys.test"

log "Rust tests (unit, integration against the emulator, real keyring)"
# The keyring tests are #[ignore]d for plain `cargo test`; here the keyring is real, so they run.
# keyring_locked needs a never-unlocked keyring (scripts/test runs it in its own session);
# bench_token is a measurement run on demand.
cargo test --features "$DRIVLY_KEYS_FEATURES" -- --include-ignored --skip keyring_locked:: --skip token_is_as_fast_as_gh_auth_token

log "End-to-end tests (the built app under Xvfb through tauri-driver)"
mkdir -p "$ROOT/target/screenshots"
export DRIVLY_KEYS_APP_BIN="$CARGO_TARGET_DIR/debug/drivly-keys-app"
export DRIVLY_KEYS_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/drivly-emulator"
export DRIVLY_KEYS_CLI_BIN="$CARGO_TARGET_DIR/debug/drivly-keys"
export DRIVLY_KEYS_SCREENSHOTS="$ROOT/target/screenshots"

log "End-to-end, locked keyring: the app starts and explains itself (its own session bus)"
# A keyring that is never unlocked, in a D-Bus session of its own (same display and driver
# port); ui/e2e/locked-keyring.mjs checks that it really refuses writes before it starts the app.
mkdir -p "$T/locked-e2e/data" "$T/locked-e2e/run"
chmod 700 "$T/locked-e2e/run"
XDG_DATA_HOME="$T/locked-e2e/data" XDG_RUNTIME_DIR="$T/locked-e2e/run" dbus-run-session -- bash -c \
  'gnome-keyring-daemon --start --components=secrets >/dev/null; cd ui && node --test --test-reporter=spec e2e/locked-keyring.mjs'

log "End-to-end tests, unlocked keyring"
# Last, so the output ends with the test runner's summary. Screenshots: target/screenshots/.
(cd ui && node --test --test-concurrency=1 --test-reporter=spec e2e/)
