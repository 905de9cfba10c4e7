#!/usr/bin/env bash
# Sets up everything and opens Taoli on the demo school (fixtures/demo/).
#   bash scripts/run-demo.sh            # keeps earlier edits to the demo school
#   bash scripts/run-demo.sh --reset    # starts again from fixtures/demo/
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_toolchains
need_apt "${APP_PACKAGES[@]}"
need_npm ui
build_ui
# The county's server embeds its web console: build the console first.
build_console
say "Building Taoli (Rust)"
(cd "$TAOLI_ROOT" && cargo build -p taoli-app -p taoli-fixtures -p taoli-cli -p taoli-upstream)

DEMO_DIR="${TAOLI_DEMO_DIR:-$HOME/.local/share/taoli-demo}"
DEMO_FILE="$DEMO_DIR/桃李县实验小学.taoli"
mkdir -p "$DEMO_DIR"
if [ ! -f "$DEMO_FILE" ] || [ "${1:-}" = "--reset" ]; then
  say "Creating the demo school"
  "$CARGO_TARGET_DIR/debug/taoli-fixtures" demo-file "$DEMO_FILE"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  need_apt xvfb
  export DISPLAY="${TAOLI_XVFB_DISPLAY:-:99}"
  if ! [ -e "/tmp/.X11-unix/X${DISPLAY#:}" ]; then
    Xvfb "$DISPLAY" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
    sleep 1
  fi
  echo "No display found: the window opens on the virtual display $DISPLAY."
fi

say "Opening Taoli on $DEMO_FILE"
echo "Sign in as 王老师 / taoli-demo (信息管理员), 管理员 / taoli-admin (系统管理员)"
echo "or 李老师 / taoli-view (信息查询员). Asked for the 系统管理员 password first?"
echo "This computer's keychain has no key for the encrypted file yet: taoli-admin."
exec "$CARGO_TARGET_DIR/debug/taoli-app" "$DEMO_FILE"
