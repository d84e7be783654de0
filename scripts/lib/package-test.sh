#!/usr/bin/env bash
# The package stage (issue #17), run by scripts/test: builds the .deb with scripts/package,
# installs it with apt on this machine, checks what a user gets, then removes it and checks that
# nothing is left. Needs root or sudo (apt). Runs its app checks inside a private D-Bus session
# with an unlocked gnome-keyring and Xvfb, in a fresh HOME, so no user-level state is shared.
#
# Checks: desktop-file-validate and appstreamcli on the installed files; `drivly-keys --version`
# from PATH; the man page and completions in the system folders; `xdg-mime query default` names
# the package's entry in a clean HOME; the installed app maps its window under Xvfb; a forged
# sign-in link opened with `gio open` leaves exactly one instance, which refused it (logged by
# code); the app wrote no per-user handler entry; a sign-in started in the installed app, quit
# before the browser finished, is completed by the app the link's xdg-open starts (cold start);
# `apt remove` removes every file it installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source scripts/lib/setup.sh

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
fail() { echo "package test: $*" >&2; exit 1; }

started=$(date +%s)
# DRIVLY_KEYS_PACKAGE_DEB: check an already built .deb instead of building one (developers).
if [ -n "${DRIVLY_KEYS_PACKAGE_DEB:-}" ] && [ "${CI:-}" != "true" ]; then
  DEB="$DRIVLY_KEYS_PACKAGE_DEB"
else
  log "Package: building the .deb"
  DEB="$(scripts/package | grep '\.deb$' | tail -n 1)"
fi
[ -f "$DEB" ] || fail "scripts/package printed no .deb"
PKG="$(dpkg-deb -f "$DEB" Package)"

log "Package: installing $(basename "$DEB") with apt"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$PKG" >/dev/null 2>&1 || true
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$DEB")" >/dev/null
dpkg -L "$PKG" | sort >"$DRIVLY_KEYS_TEST_ROOT/package-files.txt"

ENTRY="$(grep -E '^/usr/share/applications/.*\.desktop$' "$DRIVLY_KEYS_TEST_ROOT/package-files.txt" | head -n 1)"
[ -n "$ENTRY" ] || fail "the package has no desktop entry"
desktop-file-validate "$ENTRY"
grep -q '^Exec=.* %u$' "$ENTRY" || fail "the desktop entry's Exec has no %u"
grep -q '^MimeType=x-scheme-handler/ly.driv.keys;$' "$ENTRY" || fail "the desktop entry lacks the scheme"
appstreamcli validate --no-net /usr/share/metainfo/ly.driv.keys.metainfo.xml >/dev/null
for f in /usr/bin/drivly-keys /usr/share/man/man1/drivly-keys.1.gz \
  /usr/share/bash-completion/completions/drivly-keys /usr/share/zsh/vendor-completions/_drivly-keys \
  /usr/share/fish/vendor_completions.d/drivly-keys.fish; do
  [ -s "$f" ] || fail "missing $f"
done
[ "$(command -v drivly-keys)" = /usr/bin/drivly-keys ] || fail "drivly-keys is not the package's on PATH"
drivly-keys --version | grep -q '^drivly-keys ' || fail "drivly-keys --version"
APP_BIN="$(grep -E '^/usr/bin/' "$DRIVLY_KEYS_TEST_ROOT/package-files.txt" | grep -v '/drivly-keys$' | head -n 1)"
[ -x "$APP_BIN" ] || fail "the app binary is not installed"

# A clean HOME: nothing of a developer's or an earlier test's per-user state.
export HOME="$DRIVLY_KEYS_TEST_ROOT/package-home"
rm -rf "$HOME" && mkdir -p "$HOME"
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME DRIVLY_KEYS_HOME DRIVLY_KEYS_KEYRING_SERVICE
default="$(xdg-mime query default x-scheme-handler/ly.driv.keys)"
[ "$default" = "$(basename "$ENTRY")" ] || fail "xdg-mime names '$default', not $(basename "$ENTRY")"

log "Package: the installed app under Xvfb (window, forged link, no user entry, cold-start sign-in)"
# The cold-start sign-in runs against the emulator the test build made (scripts/test builds it
# before this stage), through tauri-driver like the end-to-end tests.
choose_target_dir
export DRIVLY_KEYS_EMULATOR_BIN="${DRIVLY_KEYS_EMULATOR_BIN:-$CARGO_TARGET_DIR/debug/drivly-emulator}"
[ -x "$DRIVLY_KEYS_EMULATOR_BIN" ] || fail "no emulator at $DRIVLY_KEYS_EMULATOR_BIN (build it: cargo build -p drivly-emulator)"
export DRIVLY_KEYS_SCREENSHOTS="$ROOT/target/screenshots"
export APP_BIN ENTRY
dbus-run-session -- bash -euo pipefail -c '
  source scripts/lib/setup.sh
  export XDG_RUNTIME_DIR="$HOME/run"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  printf pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  wait_for_secret_service
  display=120
  while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
  # -noreset: without it the X server resets each time its last client leaves, and the app the
  # sign-in link starts (after the first one quit) once failed to start GTK during such a reset.
  export XVFB_LOG="$HOME/xvfb.log"
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"$XVFB_LOG" 2>&1 & xvfb=$!
  export DISPLAY=":$display"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
  applog="$HOME/app.log"
  "$APP_BIN" >"$applog" 2>&1 & app=$!
  cleanup() { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; kill "$xvfb" 2>/dev/null || true; }
  trap cleanup EXIT
  t0=$(date +%s%N)
  xdotool search --sync --onlyvisible --name "^Drivly Keys$" >/dev/null &
  finder=$!
  ( sleep 30; kill "$finder" 2>/dev/null ) & timer=$!
  wait "$finder" || { cat "$applog" >&2; echo "package test: no window within 30 s" >&2; exit 1; }
  kill "$timer" 2>/dev/null || true
  echo "window mapped after $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
  gio open "ly.driv.keys:/auth/callback?code=forged-code&state=forged-state"
  for _ in $(seq 100); do grep -q "callback was not accepted" "$applog" && break; sleep 0.1; done
  grep -q "callback was not accepted" "$applog" || { cat "$applog" >&2; echo "package test: the forged link was not refused" >&2; exit 1; }
  sed "s/\x1b\[[0-9;]*m//g" "$applog" | grep -E "callback (rejected|was not accepted)" | grep -q "code=" || { echo "package test: refusal not logged by code" >&2; exit 1; }
  # The second launch gio started hands the link over and exits; give it up to 10 s.
  for _ in $(seq 100); do
    n=$(pgrep -c -x -u "$(id -u)" "$(basename "$APP_BIN")" || true)
    [ "$n" = 1 ] && break
    sleep 0.1
  done
  [ "$n" = 1 ] || pgrep -a -u "$(id -u)" "$(basename "$APP_BIN")" >&2 || true
  [ "$n" = 1 ] || { echo "package test: $n instances after the forged link" >&2; exit 1; }
  kill -0 "$app" || { echo "package test: the app exited" >&2; exit 1; }
  ! ls "$HOME"/.local/share/applications/*.desktop 2>/dev/null || { echo "package test: a user entry was written" >&2; exit 1; }
  drivly-keys link-handler | grep -q "system entry: $ENTRY" || { echo "package test: link-handler does not see the entry" >&2; exit 1; }

  # Cold start: a sign-in started in the installed app, the app quit, the browser finishing
  # later and xdg-open starting the app with the link (ui/e2e/cold-start.mjs). The app above
  # must be gone first, or single-instance would hand it the link.
  kill "$app"; wait "$app" 2>/dev/null || true
  DRIVLY_KEYS_DRIVER_PORT="$(node -e "const s=require(\"net\").createServer().listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})")"
  export DRIVLY_KEYS_DRIVER_PORT DRIVLY_KEYS_APP_BIN="$APP_BIN"
  (cd ui && node --test --test-reporter=spec e2e/cold-start.mjs) || { echo "package test: the cold-start sign-in failed" >&2; exit 1; }
'

log "Package: apt remove leaves nothing behind"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$PKG" >/dev/null
left=""
while read -r path; do
  # Folders the system shares (/usr, /usr/share/…) stay; every file of the package must go.
  [ -d "$path" ] && continue
  [ -e "$path" ] && left="$left $path"
done <"$DRIVLY_KEYS_TEST_ROOT/package-files.txt"
[ -z "$left" ] || fail "left after apt remove:$left"
[ ! -e "$HOME/.local/share/applications" ] || fail "a user-level applications folder was created"
log "Package stage passed in $(( $(date +%s) - started )) s"
