//! The UI's TypeScript types are generated from the Rust types; this test fails
//! when the checked-in file no longer matches them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::PathBuf;

#[test]
fn ui_bindings_match_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
    let fresh = taoli_core::bindings::typescript();
    if std::env::var_os("TAOLI_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "ui/src/bindings.ts is stale: run `TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-core --test bindings` and commit it"
    );
}
