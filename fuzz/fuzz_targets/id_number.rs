//! Bytes as text → ID number cleaning and the check of every ID type in
//! the catalog, the resident-ID reader, the hint the form shows (in each
//! language), and the person-name and search normalizations the same text
//! meets on its way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use taoli_core::catalog::catalog;
use taoli_core::error::Locale;
use taoli_core::{id_number, teacher, text};

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(catalog) = catalog() else {
        return;
    };
    let normalized = id_number::normalize(raw);
    for id_type in catalog.id_types() {
        let _ = id_number::check(id_type, &normalized);
        let _ = id_number::check(id_type, raw);
        for locale in Locale::ALL {
            let _ = teacher::id_number_problem(&id_type.code, raw, locale);
        }
    }
    let _ = id_number::check_resident_id(&normalized);
    let _ = id_number::check_resident_id(raw);
    let _ = id_number::check_character(raw);
    let _ = text::normalize_person_name(raw);
    let _ = text::excerpt(raw, usize::from(data.first().copied().unwrap_or(0)));
});
