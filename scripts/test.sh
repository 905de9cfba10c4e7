#!/usr/bin/env bash
# Sets up everything and runs the whole suite: Rust (unit, store, CLI, bindings),
# UI unit tests, and end-to-end tests in the real window under Xvfb.
# Ends with one line over everything: "N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e
export NO_COLOR=1 FORCE_COLOR=0

need_toolchains
need_apt "${APP_PACKAGES[@]}" "${E2E_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${CONSOLE_PACKAGES[@]}"
need_npm ui
need_npm tests/e2e
need_npm crates/taoli-upstream/console
need_npm tests/console-e2e
# The pinned data package the region table is generated from (crates/taoli-core/
# tests/regions.rs checks the committed table against it).
need_npm scripts/regions
need_tauri_driver
need_cargo_deny
need_python openpyxl

passed=0
failed=0
log_dir="$(mktemp -d)"

# Adds a stage's counts; a stage that ends badly without counting a failure
# (a build error, a crash) counts as one failure.
tally() { # name exit-code passed failed
  passed=$((passed + $3))
  failed=$((failed + $4))
  if [ "$2" -ne 0 ] && [ "$4" -eq 0 ]; then
    echo "!! $1 did not complete (exit $2)"
    failed=$((failed + 1))
  fi
}

sum_matches() { # file regex(with one number group)
  grep -aoE "$2" "$1" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'
}

# The desktop shell embeds ui/dist at compile time: build the UI first.
build_ui 2>&1 | tee "$log_dir/ui-build.log"
tally "UI build" "${PIPESTATUS[0]}" 0 0
# So does taoli-upstream with the county console's: build it before any cargo step.
build_console 2>&1 | tee "$log_dir/console-build.log"
tally "console build" "${PIPESTATUS[0]}" 0 0

say "Checking formatting and lints"
(cd "$TAOLI_ROOT" && cargo fmt --all -- --check && cargo clippy --workspace --all-targets --quiet -- -D warnings) 2>&1 | tee "$log_dir/lint.log"
tally "cargo fmt/clippy" "${PIPESTATUS[0]}" 0 0

say "Checking the dependencies (cargo deny: licenses, bans, sources)"
(cd "$TAOLI_ROOT" && cargo deny check licenses bans sources) 2>&1 | tee "$log_dir/deny.log"
code=${PIPESTATUS[0]}
tally "cargo deny" "$code" \
  "$(grep -aoE '(licenses|bans|sources) ok' "$log_dir/deny.log" | wc -l)" \
  "$(grep -aoE '(licenses|bans|sources) FAILED' "$log_dir/deny.log" | wc -l)"

say "Rust tests"
# In a D-Bus session of their own with an unlocked GNOME Keyring, so the real
# keychain test (crates/taoli-core/tests/keychain.rs) runs. The keyring's files
# go to a throwaway folder, never the user's own ~/.local/share/keyrings.
mkdir -p "$log_dir/keyrings"
(cd "$TAOLI_ROOT" && TAOLI_KEYRING_HOME="$log_dir/keyrings" dbus-run-session -- sh -c \
  'printf pw | XDG_DATA_HOME="$TAOLI_KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets >/dev/null; TAOLI_KEYCHAIN_TEST=1 cargo test --workspace --no-fail-fast') \
  2>&1 | tee "$log_dir/cargo.log"
code=${PIPESTATUS[0]}
tally "cargo test" "$code" \
  "$(sum_matches "$log_dir/cargo.log" '[0-9]+ passed;')" \
  "$(sum_matches "$log_dir/cargo.log" '[0-9]+ failed;')"

say "Coverage-guided fuzzing, bounded (scripts/fuzz.sh; 10 minutes a target: docs/reliability.md)"
bash "$TAOLI_ROOT/scripts/fuzz.sh" 15 2>&1 | tee "$log_dir/fuzz.log"
code=${PIPESTATUS[0]}
tally "fuzz" "$code" \
  "$(sum_matches "$log_dir/fuzz.log" 'fuzz: [0-9]+ passed')" \
  "$(sum_matches "$log_dir/fuzz.log" 'passed, [0-9]+ failed')"

say "UI unit tests"
(cd "$TAOLI_ROOT/ui" && npx vitest run --reporter=default) 2>&1 | tee "$log_dir/vitest.log"
code=${PIPESTATUS[0]}
grep -aE '^ *Tests ' "$log_dir/vitest.log" > "$log_dir/vitest-summary.log"
tally "vitest" "$code" \
  "$(sum_matches "$log_dir/vitest-summary.log" '[0-9]+ passed')" \
  "$(sum_matches "$log_dir/vitest-summary.log" '[0-9]+ failed')"

say "County console unit tests"
(cd "$TAOLI_ROOT/crates/taoli-upstream/console" && npx vitest run --reporter=default) 2>&1 | tee "$log_dir/console-vitest.log"
code=${PIPESTATUS[0]}
grep -aE '^ *Tests ' "$log_dir/console-vitest.log" > "$log_dir/console-vitest-summary.log"
tally "console vitest" "$code" \
  "$(sum_matches "$log_dir/console-vitest-summary.log" '[0-9]+ passed')" \
  "$(sum_matches "$log_dir/console-vitest-summary.log" '[0-9]+ failed')"

say "End-to-end tests (real window under Xvfb)"
(cd "$TAOLI_ROOT" && cargo build -p taoli-app -p taoli-fixtures -p taoli-cli -p taoli-upstream) >/dev/null 2>&1
XVFB_DISPLAY=":$((90 + RANDOM % 100))"
Xvfb "$XVFB_DISPLAY" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
(cd "$TAOLI_ROOT/tests/e2e" && DISPLAY="$XVFB_DISPLAY" timeout 1200 npm test --silent) 2>&1 | tee "$log_dir/e2e.log"
code=${PIPESTATUS[0]}
kill "$xvfb_pid" 2>/dev/null
tally "end-to-end" "$code" \
  "$(sum_matches "$log_dir/e2e.log" 'ℹ pass [0-9]+')" \
  "$(sum_matches "$log_dir/e2e.log" 'ℹ fail [0-9]+')"

say "County console in headless Chromium (tests/console-e2e)"
(cd "$TAOLI_ROOT" && cargo build -p taoli-upstream --bin taoli-upstream --example console_school) >/dev/null 2>&1
(cd "$TAOLI_ROOT/tests/console-e2e" && timeout 900 npm test --silent) 2>&1 | tee "$log_dir/console-e2e.log"
code=${PIPESTATUS[0]}
tally "console end-to-end" "$code" \
  "$(sum_matches "$log_dir/console-e2e.log" 'ℹ pass [0-9]+')" \
  "$(sum_matches "$log_dir/console-e2e.log" 'ℹ fail [0-9]+')"
echo "Screenshots: tests/e2e/artifacts/screenshots/ (console-*.png: the county console)"

echo
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
