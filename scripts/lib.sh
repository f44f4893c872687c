#!/usr/bin/env bash
# Shared by scripts/dev, scripts/test and scripts/dist: find every tool at its pinned version,
# install what is missing, and choose how to build for wasm32 on this machine.
#
# Two wasm routes exist. The ordinary one (rustup's wasm32-unknown-unknown target) is used
# wherever it works. Where rustup cannot download the target (closed networks), Debian's
# rustc-web + rust-web-src + lld build the standard library from source (cargo build-std).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TRUNK_VERSION=0.21.14
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/stepbridge
# STEPBRIDGE_WASM_TARGET_DIR lets several work trees share one build cache.
WASM_TARGET_DIR="${STEPBRIDGE_WASM_TARGET_DIR:-$ROOT/target/wasm}"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "root rights are needed for: $*"; fi
}

APT_UPDATED=0
# Installs the Debian packages among "$@" that are not installed yet.
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "please install these packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null 2>&1 && return 0
  log "no cargo found: installing Debian's Rust"
  apt_install rustc-web cargo-web
}

ensure_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  apt_install nodejs npm
}

# npm packages pinned in package-lock.json: playwright-core, binaryen (wasm-opt), esbuild and
# CodeMirror (the editor bundle).
ensure_node_modules() {
  ensure_node
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    return 0
  fi
  log "npm ci (playwright-core, binaryen, esbuild, CodeMirror)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
}

# Installs crate $1 at version $2 unless binary $3 already reports that version.
ensure_cargo_tool() {
  local crate=$1 version=$2 bin=$3
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qF " $version"; then
    return 0
  fi
  log "installing $crate $version (a one-off: it stays in ~/.cargo/bin)"
  # --locked first for a reproducible build; a yanked dependency in the tool's own lock file
  # makes that fail, and then the newest compatible dependencies are the only way.
  cargo install "$crate" --version "$version" --locked --quiet \
    || cargo install "$crate" --version "$version" --quiet
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Prints "rustup" or "debian": which way this machine can build wasm32.
wasm_route() {
  # STEPBRIDGE_WASM_ROUTE=debian|rustup forces a route (to test the other one).
  if [ -n "${STEPBRIDGE_WASM_ROUTE:-}" ]; then echo "$STEPBRIDGE_WASM_ROUTE"; return 0; fi
  if command -v rustup >/dev/null 2>&1; then
    if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
      echo rustup; return 0
    fi
    local marker="$CACHE_DIR/rustup-wasm32-unavailable"
    # rustup hangs where its server is unreachable; try briefly, and remember a failure a day.
    if [ -z "$(find "$marker" -mmin -1440 2>/dev/null)" ]; then
      log "trying: rustup target add wasm32-unknown-unknown (at most 45 s)"
      if timeout 45 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
        echo rustup; return 0
      fi
      mkdir -p "$CACHE_DIR" && touch "$marker"
    fi
  fi
  echo debian
}

# Sets up the environment for every later wasm32 cargo/trunk call.
setup_wasm() {
  local route
  ensure_rust
  route=$(wasm_route)
  # Tools first, with the ordinary cargo and its own target dir.
  ensure_cargo_tool wasm-bindgen-cli "$(wasm_bindgen_version)" wasm-bindgen
  ensure_cargo_tool trunk "$TRUNK_VERSION" trunk
  ensure_node_modules
  export CARGO_TARGET_DIR="$WASM_TARGET_DIR"
  if [ "$route" = debian ]; then
    log "wasm route: Debian rustc-web with the standard library built from source"
    apt_install rustc-web cargo-web rust-web-src lld-22
    export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    # trunk runs `cargo` from PATH: Debian's must come first, for this build only.
    export PATH="/usr/bin:$PATH"
  else
    log "wasm route: rustup's wasm32-unknown-unknown target"
  fi
}

# The production site: release wasm, wasm-opt applied, relative URLs (works under any sub-path).
build_site() {
  # Trunk's pre_build hook bundles the editor; its node_modules must be in place first.
  ensure_node_modules
  log "trunk build --release → dist/"
  trunk build --release --offline --public-url ./ --dist "$ROOT/dist" "$ROOT/www/index.html"
  node "$ROOT/scripts/csp.mjs" "$ROOT/dist/index.html"
}

# The facade on its own, for pages and Node programs that want the engines without the UI:
# dist/pkg (ES module for browsers) and target/facade-node (CommonJS for Node and the tests).
build_facade() {
  log "building the stepbridge-wasm facade (web and Node packages)"
  cargo build --quiet -p stepbridge-wasm --profile wasm-release --target wasm32-unknown-unknown
  local wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/stepbridge_wasm.wasm"
  local opt="$CARGO_TARGET_DIR/stepbridge_wasm.opt.wasm"
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals "$wasm" -o "$opt"
  wasm-bindgen --target web --out-dir "$ROOT/dist/pkg" --out-name stepbridge "$opt"
  wasm-bindgen --target nodejs --out-dir "$ROOT/target/facade-node" --out-name stepbridge "$opt"
}

# Raw and gzipped size of every .wasm in dist/, for the notes.
report_sizes() {
  local f
  for f in "$ROOT"/dist/*.wasm "$ROOT"/dist/pkg/*.wasm; do
    [ -f "$f" ] || continue
    printf '%s: %s bytes raw, %s bytes gzipped\n' "${f#"$ROOT"/}" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" >&2
  done
}
