//! The teachers on file (在册教师): reading a teacher, their records and
//! their history, as the signed-in account may see them.
//!
//! A service of the school file, reached with [`SchoolFile::teachers`].
//! Writes go through the services that own them: registering and editing
//! through [`crate::entry::DataEntry`], rosters through
//! [`crate::import::Imports`].

use crate::account::Permission;
use crate::error::Result;
use crate::record::IndicatorRecord;
use crate::revision::Revision;
use crate::store::{SchoolFile, revisions};
use crate::teacher::Teacher;

/// Reads of the teachers on file. Each method checks the signed-in role
/// first; ID numbers, phone numbers and dates of birth come masked for a
/// role that reads masked.
#[derive(Debug)]
pub struct Teachers<'a> {
    pub(crate) school: &'a SchoolFile,
}

impl Teachers<'_> {
    /// One teacher by internal id.
    pub fn get(&self, teacher_id: &str) -> Result<Teacher> {
        self.school.require(Permission::TeachersView)?;
        Ok(self.school.shown(self.school.stored_teacher(teacher_id)?))
    }

    /// Every teacher, in the order they were registered.
    pub fn all(&self) -> Result<Vec<Teacher>> {
        self.school.require(Permission::TeachersView)?;
        Ok(self
            .school
            .stored_teachers()?
            .into_iter()
            .map(|t| self.school.shown(t))
            .collect())
    }

    /// The teacher holding an ID number. With `id_type` unset, any document
    /// type matches (ID numbers of different types practically never
    /// collide; when they do, the resident ID card wins).
    pub fn by_id_number(&self, id_type: Option<&str>, id_number: &str) -> Result<Teacher> {
        self.school.require(Permission::TeachersView)?;
        Ok(self.school.shown(
            self.school
                .stored_teacher_by_id_number(id_type, id_number)?,
        ))
    }

    /// One record by id.
    pub fn record(&self, record_id: &str) -> Result<IndicatorRecord> {
        self.school.require(Permission::TeachersView)?;
        let record = self.school.stored_record(record_id)?;
        let mut shown = self.school.shown_records(vec![record])?;
        Ok(shown.swap_remove(0))
    }

    /// A teacher's records, by group and row order.
    pub fn records(&self, teacher_id: &str) -> Result<Vec<IndicatorRecord>> {
        self.school.require(Permission::TeachersView)?;
        self.school
            .shown_records(self.school.stored_records(teacher_id)?)
    }

    /// Every record of the school, by teacher, group and row order.
    pub fn all_records(&self) -> Result<Vec<IndicatorRecord>> {
        self.school.require(Permission::TeachersView)?;
        self.school.shown_records(self.school.stored_all_records()?)
    }

    /// A teacher's history (their identity and every record), oldest first:
    /// the audit chain's entries and the changes imports made, and those of
    /// every teacher merged into them.
    pub fn history(&self, teacher_id: &str) -> Result<Vec<Revision>> {
        self.school.require(Permission::AuditView)?;
        let mut history = revisions::read(&self.school.conn, Some(teacher_id))?;
        let merged = revisions::merged_into(&self.school.conn, teacher_id)?;
        if merged.is_empty() {
            return Ok(history);
        }
        for other in merged {
            history.extend(revisions::read(&self.school.conn, Some(&other))?);
        }
        history.sort_by_key(|r| r.id);
        Ok(history)
    }
}
