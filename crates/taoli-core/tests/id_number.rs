//! GB 11643-1999 resident ID numbers, as properties: every number built with
//! its check character passes; any single-character change fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use proptest::prelude::*;
use taoli_core::id_number::{check_character, check_resident_id};

/// A valid resident ID number: region, a real birth date, sequence, check.
fn valid_id() -> impl Strategy<Value = String> {
    (
        100_000u32..=659_999,
        1940i32..=2008,
        1u32..=12,
        1u32..=28,
        0u32..=999,
    )
        .prop_map(|(region, year, month, day, seq)| {
            let first17 = format!("{region:06}{year:04}{month:02}{day:02}{seq:03}");
            let check = check_character(&first17).unwrap();
            format!("{first17}{check}")
        })
}

proptest! {
    #[test]
    fn every_generated_valid_id_passes(id in valid_id()) {
        prop_assert!(check_resident_id(&id).is_ok(), "{id}");
    }

    #[test]
    fn any_single_character_change_fails(
        id in valid_id(),
        pos in 0usize..18,
        replacement in prop::sample::select(vec!['0','1','2','3','4','5','6','7','8','9','X']),
    ) {
        let mut chars: Vec<char> = id.chars().collect();
        prop_assume!(chars[pos] != replacement);
        chars[pos] = replacement;
        let changed: String = chars.into_iter().collect();
        prop_assert!(check_resident_id(&changed).is_err(), "{changed} should fail");
    }
}
