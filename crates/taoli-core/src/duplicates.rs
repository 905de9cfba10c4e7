//! Duplicate teachers (疑似重复) and merging them (合并): the same person
//! registered twice, under two ID types with the same number, or as two
//! teachers with the same name and date of birth. The clerk decides; a merge
//! keeps one teacher, moves the other's records to them (rows of
//! multi-record groups appended, empty fields of single-record groups
//! filled) and removes the other, and both histories stay: the kept
//! teacher's history reads the merged one's entries too.
//!
//! A service of the school file, reached with [`SchoolFile::duplicates`];
//! each public method checks the signed-in role first.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use crate::account::Permission;
use crate::catalog::BASIC_GROUP;
use crate::error::{Result, TeacherError};
use crate::record::IndicatorRecord;
use crate::store::{SchoolFile, records, teachers};
use crate::teacher::Teacher;

/// Why two teachers look like one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same ID number under two ID types.
    SameIdNumber,
    /// The same name and date of birth.
    SameNameAndBirthDate,
}

/// Two teachers that look like one person, the one registered first first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DuplicatePair {
    pub first: Teacher,
    pub second: Teacher,
    pub reason: DuplicateReason,
}

/// Duplicate teachers and merging them.
#[derive(Debug)]
pub struct Duplicates<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl Duplicates<'_> {
    /// Every pair of teachers that look like one person.
    pub fn find(&self) -> Result<Vec<DuplicatePair>> {
        self.school.require(Permission::TeachersView)?;
        let teachers = self.school.stored_teachers()?;
        let records = self.school.stored_all_records()?;
        let births = birth_dates(&records);
        let mut pairs = Vec::new();
        for (i, first) in teachers.iter().enumerate() {
            for second in teachers.iter().skip(i.saturating_add(1)) {
                let reason = if first.id_number == second.id_number {
                    Some(DuplicateReason::SameIdNumber)
                } else if first.name == second.name
                    && birth_of(first, &births).is_some()
                    && birth_of(first, &births) == birth_of(second, &births)
                {
                    Some(DuplicateReason::SameNameAndBirthDate)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    pairs.push(DuplicatePair {
                        first: self.school.shown(first.clone()),
                        second: self.school.shown(second.clone()),
                        reason,
                    });
                }
            }
        }
        Ok(pairs)
    }

    /// Merges `merged` into `kept`, with why: `merged`'s records move to
    /// `kept` and `merged` is removed; the audit trail keeps both
    /// histories. Only a teacher never reported can be merged away (the
    /// county holds the other one).
    pub fn merge(&mut self, kept: &str, merged: &str, reason: &str) -> Result<Teacher> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TeacherError::MergeReasonMissing.into());
        }
        let keep = self.school.stored_teacher(kept)?;
        let gone = self.school.stored_teacher(merged)?;
        if keep.id == gone.id {
            return Err(TeacherError::MergeWithItself { name: keep.name }.into());
        }
        if crate::batches::outbox::ever_reported(self.school, &gone.id)? {
            return Err(TeacherError::MergeAfterReport { name: gone.name }.into());
        }
        let kept_records = self.school.stored_records(&keep.id)?;
        let merged_records = self.school.stored_records(&gone.id)?;
        let effective = self.school.effective_catalog()?;
        self.school.write(|tx| {
            for record in &merged_records {
                let multi = effective.group(&record.group_code).is_some_and(|g| g.multi);
                let mine = kept_records
                    .iter()
                    .find(|r| r.group_code == record.group_code);
                match (multi, mine) {
                    (false, Some(mine)) => {
                        let current = records::by_id(tx, &mine.id)?;
                        let mut fields = current.fields.clone();
                        let mut filled = false;
                        for (code, value) in &record.fields {
                            let empty = fields
                                .get(code)
                                .is_none_or(|v| v.is_null() || v.as_str() == Some(""));
                            if empty {
                                fields.insert(code.clone(), value.clone());
                                filled = true;
                            }
                        }
                        if filled {
                            records::update(tx, &actor, &current.id, current.version, fields)?;
                        }
                    }
                    _ => {
                        records::reparent(tx, &actor, &record.id, &keep.id)?;
                    }
                }
            }
            teachers::merge_into(tx, &actor, &gone.id, &keep.id, &merged_records, reason)?;
            Ok(())
        })?;
        self.school.stored_teacher(&keep.id)
    }
}

/// Each teacher's date of birth as 基本信息 holds it.
fn birth_dates(records: &[IndicatorRecord]) -> HashMap<&str, &str> {
    records
        .iter()
        .filter(|r| r.group_code == BASIC_GROUP)
        .filter_map(|r| {
            let birth = r.fields.get("birth_date")?.as_str()?;
            (!birth.is_empty()).then_some((r.teacher_id.as_str(), birth))
        })
        .collect()
}

/// A teacher's date of birth: 基本信息's, else a resident ID number's.
fn birth_of(teacher: &Teacher, births: &HashMap<&str, &str>) -> Option<String> {
    if let Some(birth) = births.get(teacher.id.as_str()) {
        return Some((*birth).to_owned());
    }
    crate::id_number::check_resident_id(&teacher.id_number)
        .ok()
        .map(|id| id.birth_date.format("%Y-%m-%d").to_string())
}
