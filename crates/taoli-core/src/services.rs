//! The school file's services: one door per domain.
//!
//! [`SchoolFile`] is the handle: opening and creating the file, the session
//! and sign-in, the accounts, the file's own keys and copies, and the reads
//! and writes of `store/`. Everything a feature does is a service reached
//! from it, `school.imports().plan(…)`, `school.reporting().submit(…)`: a
//! small struct borrowing the handle, defined and implemented in its feature
//! module. Each public method of a service checks the signed-in role first
//! (`require`), as every operation does (docs/ARCHITECTURE.md, Invariants).
//!
//! A new feature adds its service here, one accessor, never methods on the
//! handle: `tests/architecture.rs` fails on an `impl SchoolFile` block
//! outside `store/` and this file.

use crate::entry::DataEntry;
use crate::import::Imports;
use crate::search::Search;
use crate::store::SchoolFile;

impl SchoolFile {
    /// Field-by-field entry (录入): adding a teacher, setting fields, adding a
    pub fn data_entry(&mut self) -> DataEntry<'_> {
        DataEntry { school: self }
    }

    /// Finding teachers (查找) by name, pinyin initials or ID ending.
    pub fn search(&self) -> Search<'_> {
        Search { school: self }
    }

    /// Roster import (导入): the dry run, the commit, undo, the recorded runs
    pub fn imports(&mut self) -> Imports<'_> {
        Imports { school: self }
    }
}
