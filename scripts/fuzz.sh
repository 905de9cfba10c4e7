#!/usr/bin/env bash
# Coverage-guided fuzzing of Taoli's readers: every cargo-fuzz (libFuzzer)
# target in fuzz/ for SECONDS_PER_TARGET seconds each, one after another.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 600: the 10 minutes of issue #14)
#   scripts/fuzz.sh 20                       (the suite's bounded run)
#
# Installs cargo-fuzz (pinned) when missing; needs the nightly toolchain.
# Starts each target from the committed seeds (fuzz/corpus/<target>/, left
# unchanged: what it finds goes to a scratch corpus) and prints, per target,
# its executions, corpus and crashes; a crashing input is kept in
# fuzz/artifacts/<target>/ (replay: cargo +nightly fuzz run <target> <file>).
# Ends with "fuzz: N passed, N failed" (a target passes when it ran its time
# without a crash) and exits 1 when any target failed.
#
# Builds with overflow checks and debug assertions (-a) and without a
# sanitizer: Taoli forbids unsafe code, and what is hunted is a panic.
# Nightly artifacts go to their own target directory
# (TAOLI_FUZZ_TARGET_DIR, default ~/.cache/taoli/target-fuzz-nightly).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

CARGO_FUZZ_VERSION="0.13.2"
SECONDS_PER_TARGET="${1:-600}"
export CARGO_TARGET_DIR="${TAOLI_FUZZ_TARGET_DIR:-$HOME/.cache/taoli/target-fuzz-nightly}"
TARGETS=(roster_reader id_number protocol_decoder province_pack)

passed=0
failed=0
finish() {
  echo "fuzz: ${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
  exit
}

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  # cargo-fuzz needs nightly; a machine without it (and no way to fetch it)
  # skips the stage and says so, rather than failing the suite.
  echo "fuzz: skipped: the nightly toolchain is missing (rustup toolchain install nightly), so no target ran." >&2
  finish
fi
if ! cargo install --list | grep -q "^cargo-fuzz v$CARGO_FUZZ_VERSION:"; then
  say "Installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked || { failed=${#TARGETS[@]}; finish; }
fi

cd "$TAOLI_ROOT/fuzz" || exit 2
FUZZ_BUILD=(--sanitizer none --debug-assertions)
say "Building the fuzz targets (nightly, $CARGO_TARGET_DIR)"
if ! cargo +nightly fuzz build "${FUZZ_BUILD[@]}"; then
  failed=${#TARGETS[@]}
  finish
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in "${TARGETS[@]}"; do
  say "Fuzzing $target for ${SECONDS_PER_TARGET} s"
  mkdir -p "$scratch/$target" "corpus/$target" "artifacts/$target"
  log="$scratch/$target.log"
  started=$(date +%s)
  # New inputs go to the scratch corpus (the first folder); the committed
  # seeds are only read. -timeout: one input taking 60 s is a hang.
  cargo +nightly fuzz run "${FUZZ_BUILD[@]}" "$target" "$scratch/$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=60 -print_final_stats=1 \
    >"$log" 2>&1
  code=$?
  took=$(($(date +%s) - started))
  execs=$(grep -aoE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
  corpus=$(find "$scratch/$target" -type f | wc -l)
  if [ "$code" -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz target $target: ${execs:-0} runs in ${took} s, ${corpus} new corpus inputs, no crash"
  else
    failed=$((failed + 1))
    echo "fuzz target $target: CRASHED (exit $code) after ${execs:-?} runs in ${took} s; input in fuzz/artifacts/$target/"
    grep -aE 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -20
  fi
done
finish
