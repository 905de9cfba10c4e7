#!/usr/bin/env bash
# The messy-roster benchmark of docs/benchmarks.md: a county roster of ROWS
# rows (default 10,000) generated from its own seed, imported by the real
# `taoli` binary (release build) into a new school file, and scored field by
# field against its answer key: fields right, bad IDs refused, duplicates
# flagged. The roster, its key and the import's JSON are left in
# $CARGO_TARGET_DIR/bench-data/messy/.
#
#     bash scripts/bench-messy.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/taoli/target}"
cargo bench -p taoli-cli --bench messy -- "${1:-10000}"
