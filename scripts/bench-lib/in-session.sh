#!/usr/bin/env bash
# Runs inside `dbus-run-session` (started by scripts/bench): an unlocked gnome-keyring as the
# Secret Service, Xvfb on a display of its own, an emulator with the demo user, five CLI
# sign-ins in a private store; then the CLI, start-up/memory and idle measurements.
# Expects: ROOT, OUT (results folder), BIN (release folder), RUNS, IDLE_SECONDS.
set -euo pipefail
cd "$ROOT"
# DRIVLY_KEYS_BENCH_ONLY (space-separated stage names) runs only those stages.
wanted() { [ -z "${DRIVLY_KEYS_BENCH_ONLY:-}" ] || [[ " $DRIVLY_KEYS_BENCH_ONLY " == *" $1 "* ]]; }
source scripts/lib/setup.sh

export XDG_DATA_HOME="$OUT/xdg/data" XDG_CONFIG_HOME="$OUT/xdg/config" XDG_CACHE_HOME="$OUT/xdg/cache"
export XDG_RUNTIME_DIR="$OUT/xdg/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'bench-keyring-password' | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
wait_for_secret_service

DISPLAY_NUM="${DRIVLY_KEYS_BENCH_DISPLAY:-:95}"
Xvfb "$DISPLAY_NUM" -screen 0 1440x900x24 -nolisten tcp -noreset >/dev/null 2>&1 &
XVFB_PID=$!
"$BIN/drivly-emulator" --port 0 >"$OUT/emulator.out" 2>"$OUT/emulator.err" &
EMU_PID=$!
# A tray host on the bus, as on a desktop that shows tray icons: closing the window then goes
# to the tray (without one it quits, and a minimised start would open the window). The double
# runs until its standard input closes: a FIFO this shell holds open for its own life.
mkfifo "$OUT/desktop-double.in"
"$BIN/desktop-double" --tray-host <"$OUT/desktop-double.in" >"$OUT/desktop-double.out" 2>&1 &
TRAY_PID=$!
exec 7>"$OUT/desktop-double.in"
for _ in $(seq 100); do grep -q '"ready"' "$OUT/desktop-double.out" 2>/dev/null && break; sleep 0.05; done
trap 'kill $EMU_PID $XVFB_PID $TRAY_PID 2>/dev/null || true' EXIT
export DISPLAY="$DISPLAY_NUM"
# Marks this run's processes (found by it in /proc); no accessibility bus, whose activation
# timeouts would land in start-up times at random.
export DRIVLY_KEYS_BENCH_RUN="$OUT" NO_AT_BRIDGE=1 GTK_A11Y=none

for _ in $(seq 100); do
  grep -q 'http://127.0.0.1:[0-9]*/api' "$OUT/emulator.out" 2>/dev/null && break
  sleep 0.1
done
EMULATOR_URL="$(grep -o 'http://127.0.0.1:[0-9]*/api' "$OUT/emulator.out" | head -n 1)"
[ -n "$EMULATOR_URL" ] || { echo "the emulator did not start" >&2; exit 1; }

export DRIVLY_KEYS_HOME="$OUT/home" DRIVLY_KEYS_KEYRING_SERVICE="ly.driv.keys.bench"
export DRIVLY_KEYS_EMULATOR_URL="$EMULATOR_URL" DRIVLY_KEYS_PROFILE="emulator" NO_COLOR=1
mkdir -p "$DRIVLY_KEYS_HOME"

log "Signing the CLI in five times (five sessions for the app)"
node scripts/bench-lib/login.mjs "$BIN/drivly-keys" 5

if wanted cli; then
log "CLI: drivly-keys token vs gh auth token, decode vs true ($RUNS interleaved runs each)"
node scripts/bench-lib/cli.mjs "$BIN/drivly-keys" "$RUNS" "$OUT/cli.json"
fi

if wanted startup; then
log "Cold start and memory: app vs hello window ($START_RUNS interleaved runs each)"
node scripts/bench-lib/settings.mjs "$DRIVLY_KEYS_HOME/config.json" false
node scripts/bench-lib/startup.mjs "$BIN/drivly-keys-app" "$BIN/hello_window" "$START_RUNS" "$OUT/startup.json"
fi

if wanted idle; then
log "Idle cost over $IDLE_SECONDS s: app in the tray with five sessions vs hidden hello window"
node scripts/bench-lib/settings.mjs "$DRIVLY_KEYS_HOME/config.json" true
node scripts/bench-lib/idle.mjs "$BIN/drivly-keys-app" "$BIN/hello_window" "$IDLE_SECONDS" "$OUT/idle.json"
fi

if wanted reopen; then
log "Closed to the tray and reopened: memory after closing, time to reopen (5 rounds)"
node scripts/bench-lib/settings.mjs "$DRIVLY_KEYS_HOME/config.json" false
node scripts/bench-lib/reopen.mjs "$BIN/drivly-keys-app" 5 "$OUT/reopen.json"
fi

# DRIVLY_KEYS_BENCH_PROBE: a command run in this prepared session (keyring, display, emulator,
# five sessions), for profiling a miss, e.g. `perf record -g "$BIN/drivly-keys-app"`.
if [ -n "${DRIVLY_KEYS_BENCH_PROBE:-}" ]; then
  log "Probe: $DRIVLY_KEYS_BENCH_PROBE"
  bash -c "$DRIVLY_KEYS_BENCH_PROBE"
fi
