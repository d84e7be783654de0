# Shared setup for scripts/test and scripts/demo: installs what a fresh Debian 12 machine lacks,
# idempotently and quietly (nothing is installed or printed when everything is present).
# Sourced, not run. Expects ROOT to be the repository root.

# Debian packages: the WebKitGTK build stack, the Secret Service (gnome-keyring on a private
# D-Bus), a virtual display, WebDriver for WebKit, Chromium for the login pages, and the tools
# the deep-link and clipboard tests call; the packaging tools (rpm for the bundle, appstream and
# desktop-file-utils to validate its metadata, xdotool/x11-utils to find the installed window).
APT_PACKAGES=(
  build-essential pkg-config curl file ca-certificates
  libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev libssl-dev libdbus-1-dev
  gnome-keyring dbus dbus-x11 libsecret-tools libglib2.0-bin
  xvfb xauth webkit2gtk-driver chromium xdg-utils desktop-file-utils xclip imagemagick
  appstream rpm xdotool x11-utils
)

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

ensure_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The cargo target folder: reuse a warm one outside the clone when it exists (CI machines keep
# it between runs); never require it.
choose_target_dir() {
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    if [ -d /var/cache/drivly-keys/target ] && [ -w /var/cache/drivly-keys/target ]; then
      export CARGO_TARGET_DIR=/var/cache/drivly-keys/target
    else
      export CARGO_TARGET_DIR="$ROOT/target"
    fi
  fi
  # Incremental artefacts only grow a shared target folder and re-link on every build from
  # another clone; these scripts build from scratch or from the warm cache, never edit-compile.
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null 2>&1 && return 0
  log "Installing tauri-driver (WebDriver proxy for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked --quiet
}

# npm packages from the committed lockfile; reinstalled only when the lockfile changed.
ensure_ui_packages() {
  local stamp="$ROOT/ui/node_modules/.lock-stamp"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$ROOT/ui/package-lock.json"; then return 0; fi
  log "Installing the UI's npm packages"
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$ROOT/ui/package-lock.json" "$stamp"
}

# Skips the build when ui/dist is newer than every input: a rebuilt dist (even identical) has
# new mtimes, which makes Cargo rebuild and re-link the app (minutes in release).
build_ui() {
  local ui="$ROOT/ui"
  if [ -f "$ui/dist/index.html" ] && [ -z "$(find "$ui/src" "$ui/public" "$ui/index.html" \
    "$ui"/vite.config.* "$ui/svelte.config.js" "$ui/package-lock.json" "$ui/tsconfig.json" -newer "$ui/dist/index.html" \
    2>/dev/null | head -n 1)" ]; then
    return 0
  fi
  (cd "$ui" && npx vite build --logLevel warn)
}

# Waits until the unlocked gnome-keyring just started owns the Secret Service name. Otherwise
# the first client (secret-tool, a test) can arrive before it and have D-Bus activate a second,
# locked daemon ("Cannot create an item in a locked collection"). NameHasOwner never activates.
wait_for_secret_service() {
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q 'boolean true' && return 0
    sleep 0.05
  done
  echo "gnome-keyring did not take the Secret Service name" >&2
  return 1
}
