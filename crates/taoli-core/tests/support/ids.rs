//! Valid resident ID numbers for tests. Included by `#[path]` from the test
//! files that need it.
#![allow(dead_code, clippy::unwrap_used)]

/// A valid resident ID number (GB 11643-1999) of 射洪 (510722) for a birth
/// date (YYYYMMDD) and a sequence number below 1,000.
pub fn resident_id(date: &str, seq: u32) -> String {
    let first17 = format!("510722{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}
