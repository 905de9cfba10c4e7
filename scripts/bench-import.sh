#!/usr/bin/env bash
# The roster-import benchmark of docs/benchmarks.md: Taoli's import (plan +
# commit), calamine alone and the store's floor on two 100,000-row rosters —
# the benchmark's own 13-column roster and the county roster of
# `taoli_fixtures::messy` (other headers, widths and quirks) — then Python
# openpyxl (read-only mode) reading each file, side by side.
#
#     bash scripts/bench-import.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAOLI_ROOT"
data="$CARGO_TARGET_DIR/bench-data"
county="$data/messy/messy-100000.xlsx"
if [ ! -f "$county" ]; then
  mkdir -p "$data/messy"
  cargo run --quiet --profile bench -p taoli-fixtures -- messy 100000 "$data/messy"
fi
cargo bench -p taoli-core --bench import -- "$county"
need_python openpyxl
python3 - "$data/roster-100000.xlsx" "$county" <<'PY'
import subprocess, sys

# Each file in its own process, so each peak is its own.
CHILD = """
import resource, sys, time
import openpyxl
start = time.perf_counter()
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
cells = 0
for row in book.worksheets[0].iter_rows(values_only=True):
    cells += sum(1 for v in row if v is not None)
secs = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"openpyxl read-only (iter_rows) of {sys.argv[1]}: {secs:.2f} s, peak {peak:.0f} MB ({cells} cells)")
"""
for path in sys.argv[1:]:
    subprocess.run([sys.executable, "-c", CHILD, path], check=True)
PY
