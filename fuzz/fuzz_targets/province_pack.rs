//! Bytes as a province pack (TOML) → parse, apply to the national catalog,
//! and the effective catalog of every set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use taoli_core::catalog::{ProvincePack, catalog};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pack) = ProvincePack::parse(text, "fuzz.toml") else {
        return;
    };
    let Ok(national) = catalog() else {
        return;
    };
    if let Ok(applied) = national.with_pack(&pack) {
        for set in applied.sets() {
            let _ = applied.effective(&set.id);
        }
    }
});
