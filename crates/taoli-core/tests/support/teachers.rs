//! What the tests of a teacher's life at the school share: a school of type
//! 211 with the clerk signed in, valid resident ID numbers, and the teacher
//! error a refusal is. Included by `#[path]` beside `support/accounts.rs`.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use taoli_core::error::{Error, TeacherError};
use taoli_core::id_number::check_character;
use taoli_core::{NewSchool, SchoolFile};
use tempfile::TempDir;

use super::accounts;

/// 桃李镇中心小学 (211 小学), signed in as the clerk.
pub fn school(dir: &TempDir) -> SchoolFile {
    accounts::create(
        &dir.path().join("school.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap()
}

/// A valid resident ID number of someone born 1985-03-15; `sequence` (three
/// digits) tells people apart.
pub fn resident_id(sequence: &str) -> String {
    let first17 = format!("11010519850315{sequence}");
    format!("{first17}{}", check_character(&first17).unwrap())
}

/// The teacher error `err` is, or the test fails.
pub fn teacher_error(err: Error) -> TeacherError {
    match err {
        Error::Teacher(e) => e,
        other => panic!("expected a teacher error, got {other:?}"),
    }
}
