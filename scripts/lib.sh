# Shared by run-demo.sh and test.sh: installs what Taoli needs, idempotently.
# Sourced, not run. Needs: Debian 12 / Ubuntu 22.04+, Rust (cargo), Node 20+ (npm).

set -euo pipefail

TAOLI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A target directory outside the clone, so a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/taoli/target}"
TAURI_DRIVER_VERSION="2.1.0"
CARGO_DENY_VERSION="0.20.2"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt packages: installs only the missing ones (apt-get update only then).
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

need_toolchains() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first." >&2; exit 2; }
  command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or newer first." >&2; exit 2; }
}

# What the desktop app needs to build and run.
APP_PACKAGES=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev fonts-noto-cjk)
# What the end-to-end tests add: a virtual display and WebKit's WebDriver.
E2E_PACKAGES=(xvfb webkit2gtk-driver xauth procps)
# What the Rust tests use as independent readers: pdftotext and pdftoppm
# check the printed verification sheets. gnome-keyring and dbus (for
# dbus-run-session) give them a real keychain (Secret Service) to store in.
# sshfs and openssh-server: a real network share for crates/taoli-cli/tests/sshfs.rs.
# postgresql: the upstream's production store; its tests start a throwaway
# cluster of their own (crates/taoli-upstream/tests/support/postgres.rs).
TEST_PACKAGES=(poppler-utils gnome-keyring dbus sshfs openssh-server postgresql)
# What the county console's browser tests (tests/console-e2e) drive: headless
# Chromium and its WebDriver, and the Chinese fonts the screenshots need.
CONSOLE_PACKAGES=(chromium chromium-driver fonts-noto-cjk)

# npm packages of one folder, reinstalled only when its lock file changed.
# `npm install` rather than `npm ci`: the registry here serves no packages for
# other platforms, so the lock file lacks them and `npm ci` refuses it.
need_npm() {
  local dir="$TAOLI_ROOT/$1"
  local stamp="$dir/node_modules/.taoli-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "Installing npm packages in $1"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

# Python packages the tests use as independent readers (openpyxl checks the
# exported workbooks' dropdowns and hidden sheet); installed only when missing.
need_python() {
  local missing=()
  for package in "$@"; do
    python3 -c "import $package" 2>/dev/null || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing Python packages: ${missing[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}" \
      || python3 -m pip install --quiet --disable-pip-version-check --user "${missing[@]}"
  fi
}

need_tauri_driver() {
  if ! cargo install --list | grep -q "^tauri-driver v$TAURI_DRIVER_VERSION:"; then
    say "Installing tauri-driver $TAURI_DRIVER_VERSION"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
  fi
}

# cargo-deny checks the dependencies' licenses, duplicates and sources
# (deny.toml, docs/reliability.md "Dependencies"). Built from crates.io.
need_cargo_deny() {
  if ! cargo install --list | grep -q "^cargo-deny v$CARGO_DENY_VERSION:"; then
    say "Installing cargo-deny $CARGO_DENY_VERSION"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
}

build_ui() {
  say "Building the UI"
  (cd "$TAOLI_ROOT/ui" && npm run build --silent)
}

# taoli-upstream embeds the county console's built files (crates/taoli-upstream/
# console/dist, build.rs) at compile time: build them before cargo builds it.
build_console() {
  say "Building the county console"
  need_npm crates/taoli-upstream/console
  (cd "$TAOLI_ROOT/crates/taoli-upstream/console" && npm run build --silent)
}

build_rust() {
  say "Building Taoli (Rust)"
  (cd "$TAOLI_ROOT" && cargo build --workspace --all-targets "$@")
}
