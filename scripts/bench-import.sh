#!/usr/bin/env bash
# The roster-import benchmark of docs/benchmarks.md: Taoli's import (plan +
# commit) and calamine alone on the same generated 100,000-row messy .xlsx,
# then Python openpyxl (read-only mode) reading that file, side by side.
#
#     bash scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/taoli/target}"
cargo bench -p taoli-core --bench import
roster="$CARGO_TARGET_DIR/bench-data/roster-100000.xlsx"
python3 -m pip install --quiet --disable-pip-version-check openpyxl >/dev/null
python3 - "$roster" <<'PY'
import resource, sys, time
import openpyxl
start = time.perf_counter()
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
cells = 0
for row in book.worksheets[0].iter_rows(values_only=True):
    cells += sum(1 for v in row if v is not None)
secs = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"openpyxl read-only (iter_rows):    {secs:.2f} s, peak {peak:.0f} MB ({cells} cells)")
PY
