#!/usr/bin/env bash
# Release build settings by measurement (issue #17 item 4): builds the CLI once per variant of
# the workspace's release profile (overridden with CARGO_PROFILE_RELEASE_* variables, each in a
# target folder of its own that is deleted afterwards, the binary kept) and prints, per variant,
# the binary's size and the build's wall time; then, once all are built, times them interleaved
# (so a busy moment of the machine hits every variant alike): the median CPU time (perf's
# task-clock, which a loaded machine disturbs far less than wall time) and wall time of
# `drivly-keys --version` and of `drivly-keys decode` of a 1 KB token on standard input.
#
# The CLI is the measured binary because one variant of it builds in minutes where the app takes
# 15-25 on the shared cores; the app's code is compiled by the same settings, so the direction of
# each effect carries over (the app's own figures for the chosen profile are in BENCHMARKS.md).
# Usage: scripts/bench-lib/release-settings.sh [VARIANT...]  (default: all; see `variants` below)
# Output: one JSON line per variant on standard output; progress on standard error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
WORK="${DRIVLY_KEYS_RELEASE_SETTINGS_DIR:-/var/tmp/drivly-keys-release-settings}"
RUNS="${DRIVLY_KEYS_BENCH_RUNS:-41}"
mkdir -p "$WORK"

# name -> the CARGO_PROFILE_RELEASE_* overrides on top of Cargo.toml's [profile.release].
declare -A variants=(
  [current]=""
  [lto-fat]="LTO=fat"
  [lto-off]="LTO=off"
  [cgu-1]="CODEGEN_UNITS=1"
  [cgu-16]="CODEGEN_UNITS=16"
  [panic-abort]="PANIC=abort"
  [opt-s]="OPT_LEVEL=s"
  [strip-debuginfo]="STRIP=debuginfo"
)
# strip-debuginfo is left out by default: measured in BENCHMARKS.md already (symbols are 21 %).
order=(current lto-fat lto-off cgu-1 cgu-16 panic-abort opt-s)
[ $# -gt 0 ] && order=("$@")

# A typical 1 KB token: the same claims as crates/drivly-core/benches/jwt_inspect.rs.
TOKEN="$(node -e '
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
const r = ["invoices","services","vehicles","listings","deals","customers","orders","payments","webhooks","documents","transports","inspections"];
const c = { iss: "https://commerce.driv.ly/api", sub: "user_01HZY3K4M5N6P7Q8R9S0T1V2W3", aud: ["https://commerce.driv.ly/api"], kind: "session", jti: "8f14e45f-ceea-467f-a8f4-2b1c9a7d3e6b", iat: 1748779200, nbf: 1748779200, exp: 1748779800, permissions: r.flatMap((x) => [x + ".read", x + ".write"]), name: "Ada Example", email: "ada@example.com" };
const input = b64({ alg: "HS256", typ: "JWT" }) + "." + b64(c);
console.log(input + "." + require("crypto").createHmac("sha256", "bench-only").update(input).digest("base64url"));')"

# Median task-clock (CPU) and wall milliseconds of a command over $RUNS runs, as "cpu wall".
measure() {
  perf stat -x, -e task-clock -r "$RUNS" -o "$WORK/perf.txt" "$@" >/dev/null 2>&1 </dev/null || true
  local cpu wall samples=()
  cpu=$(awk -F, '/task-clock/ {printf "%.2f", $1}' "$WORK/perf.txt")
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 </dev/null || true
    end=$(date +%s%N)
    samples+=($(( (end - start) / 1000 )))
  done
  wall=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}')
  echo "$cpu $wall"
}

mkdir -p "$WORK/bins"
printf '%s' "$TOKEN" >"$WORK/token.txt"
for name in "${order[@]}"; do
  [ -x "$WORK/bins/$name" ] && continue
  target="$WORK/$name"
  env_args=(CARGO_TARGET_DIR="$target")
  for pair in ${variants[$name]}; do env_args+=("CARGO_PROFILE_RELEASE_$pair"); done
  echo "== $name (${variants[$name]:-as in Cargo.toml}): building" >&2
  start=$(date +%s)
  env "${env_args[@]}" cargo build --release --quiet -p drivly-keys-cli --bin drivly-keys
  echo "$(( $(date +%s) - start ))" >"$WORK/bins/$name.build-seconds"
  cp "$target/release/drivly-keys" "$WORK/bins/$name"
  rm -rf "$target"
done

echo "== timing ${order[*]}" >&2
for name in "${order[@]}"; do
  bin="$WORK/bins/$name"
  read -r version_cpu version_wall < <(measure "$bin" --version)
  read -r decode_cpu decode_wall < <(measure sh -c "exec '$bin' decode < '$WORK/token.txt'")
  read -r floor_cpu floor_wall < <(measure sh -c "exec true < '$WORK/token.txt'")
  printf '{"variant":"%s","overrides":"%s","bytes":%s,"buildSeconds":%s,"versionCpuMs":%s,"versionWallMs":%s,"decodeCpuMs":%s,"decodeWallMs":%s,"shFloorCpuMs":%s,"shFloorWallMs":%s}\n' \
    "$name" "${variants[$name]}" "$(stat -c %s "$bin")" "$(cat "$bin.build-seconds")" \
    "$version_cpu" "$version_wall" "$decode_cpu" "$decode_wall" "$floor_cpu" "$floor_wall"
done
