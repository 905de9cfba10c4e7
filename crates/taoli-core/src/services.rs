//! The school file's services: one door per domain.
//!
//! [`SchoolFile`] is the handle: opening and creating the file, the session
//! and sign-in, the accounts, the file's own keys and copies, and the reads
//! and writes of `store/`. Everything a feature does is a service reached
//! from it, `school.imports().plan(…)`, `school.reporting().submit(…)`: a
//! small struct borrowing the handle, defined and implemented in its feature
//! module. A service that only reads borrows `&SchoolFile`; one that writes
//! borrows `&mut SchoolFile`. Each public method of a service checks the
//! signed-in role first (`require`), as every operation does
//! (docs/ARCHITECTURE.md, Invariants); none checks once at its door, since
//! the permission differs from method to method within most of them.
//!
//! A new feature adds its service here, one accessor, never methods on the
//! handle: `tests/architecture.rs` fails on an `impl SchoolFile` block
//! outside `store/` and this file.

use crate::audit::Audit;
use crate::backups::Backups;
use crate::batches::{Reporting, SchoolReview};
use crate::duplicates::Duplicates;
use crate::entry::DataEntry;
use crate::export::Exports;
use crate::import::Imports;
use crate::pending::Pending;
use crate::recovery::sheet::RecoverySheet;
use crate::search::Search;
use crate::sheets::VerificationSheets;
use crate::stats::Statistics;
use crate::status_changes::StatusChanges;
use crate::store::SchoolFile;
use crate::teachers::Teachers;
use crate::validate::Validation;
use crate::workbench::Workbench;

impl SchoolFile {
    /// [`Teachers`]: the teachers on file, their records and their history.
    pub fn teachers(&self) -> Teachers<'_> {
        Teachers { school: self }
    }

    /// [`DataEntry`]: field-by-field entry (录入): teachers, fields, records, the form's drafts.
    pub fn data_entry(&mut self) -> DataEntry<'_> {
        DataEntry { school: self }
    }

    /// [`Duplicates`]: teachers registered twice (疑似重复) and merging them.
    pub fn duplicates(&mut self) -> Duplicates<'_> {
        Duplicates { school: self }
    }

    /// [`Search`]: finding teachers by name, pinyin initials or ID ending.
    pub fn search(&self) -> Search<'_> {
        Search { school: self }
    }

    /// [`Imports`]: roster import (导入): plan, commit, undo, the recorded runs.
    pub fn imports(&mut self) -> Imports<'_> {
        Imports { school: self }
    }

    /// [`Pending`]: the values waiting for the clerk (待修正).
    pub fn pending(&mut self) -> Pending<'_> {
        Pending { school: self }
    }

    /// [`Validation`]: the validation report (校验) and the reasons of accepted warnings.
    pub fn validation(&mut self) -> Validation<'_> {
        Validation { school: self }
    }

    /// [`Exports`]: the school as JSON, workbook, template or CSV (导出).
    pub fn exports(&mut self) -> Exports<'_> {
        Exports { school: self }
    }

    /// [`Statistics`]: the school's statistics (统计).
    pub fn stats(&self) -> Statistics<'_> {
        Statistics { school: self }
    }

    /// [`StatusChanges`]: status changes (在职情况变动), the status history, 离校教师.
    pub fn status_changes(&mut self) -> StatusChanges<'_> {
        StatusChanges { school: self }
    }

    /// [`VerificationSheets`]: verification sheets (信息确认表) and their sign-offs (签字确认).
    pub fn sheets(&mut self) -> VerificationSheets<'_> {
        VerificationSheets { school: self }
    }

    /// [`RecoverySheet`]: the recovery code sheet (恢复码保管单).
    pub fn recovery_sheet(&self) -> RecoverySheet<'_> {
        RecoverySheet { school: self }
    }

    /// [`Reporting`]: reporting to the upstream (上报): enrollment, batches, sync, receipts.
    pub fn reporting(&mut self) -> Reporting<'_> {
        Reporting { school: self }
    }

    /// [`SchoolReview`]: the school's own review before upload (学校负责人审核).
    pub fn school_review(&mut self) -> SchoolReview<'_> {
        SchoolReview { school: self }
    }

    /// [`Audit`]: the audit log (操作记录), its CSV, the chain's check.
    pub fn audit(&self) -> Audit<'_> {
        Audit { school: self }
    }

    /// [`Backups`]: backups (备份) and restore (恢复).
    pub fn backups(&mut self) -> Backups<'_> {
        Backups { school: self }
    }

    /// [`Workbench`]: the clerk's home (工作台), the figures of what waits.
    pub fn workbench(&mut self) -> Workbench<'_> {
        Workbench { school: self }
    }
}
