//! The messy-roster benchmark (docs/benchmarks.md, "Messy roster"): a county
//! roster of ROWS rows generated from its own seed (`taoli_fixtures::messy`),
//! imported by the real `taoli` binary (`taoli import … --json`) into a new
//! 中小学 school file, read back with `taoli export --format json`, and scored
//! against its answer key: fields right, bad IDs refused, duplicates flagged.
//!
//!     cargo bench -p taoli-cli --bench messy -- [ROWS]      # default 10,000
//!     bash scripts/bench-messy.sh [ROWS]
//!
//! The roster, its key and the import's JSON stay in
//! `$CARGO_TARGET_DIR/bench-data/messy/` for a look at the misses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};

use taoli_fixtures::messy;

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("bench-data/messy");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_taoli"));
    let score = messy::run(bin, &dir, rows, messy::SEED).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "messy roster: {rows} rows (seed {}), `taoli import --json` into a new 中小学 school: {:.2} s",
        messy::SEED,
        score.import_seconds
    );
    println!("files: {}", dir.display());
    print!("{score}");
    println!(
        "targets: {}",
        if score.meets_targets() {
            "met"
        } else {
            "NOT met"
        }
    );
}
