//! Explaining a warning: a written reason kept with a warning the teacher
//! really has (an error cannot be explained away). The reasons live in the
//! store's `warning_reason` table (`store/warnings.rs`).

use crate::account::Permission;
use crate::catalog::Severity;
use crate::error::EntryError;
use crate::error::{Error, Result};
use crate::revision::{Action, Entity};
use crate::store::revisions;
use crate::store::warnings::{WarningReasonRow, WarningReasons, put_warning_reason};
use crate::time::now;
use crate::validate::Validation;

/// Which warning a reason is for.
#[derive(Debug, Clone)]
pub struct WarningRef<'a> {
    pub teacher_id: &'a str,
    pub rule: &'a str,
    /// The field the warning names, if it names one.
    pub field: Option<&'a str>,
    /// The row of a multi-record group, from 1.
    pub row_order: Option<i64>,
}

impl Validation<'_> {
    /// Keeps a written reason with a warning the teacher currently has. An
    /// error cannot be explained away, and a warning that is not there now is
    /// refused, so a reason always answers a real warning.
    pub fn explain_warning(&mut self, warning: &WarningRef<'_>, reason: &str) -> Result<()> {
        let actor = &self.school.require(Permission::TeachersEdit)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(EntryError::EmptyWarningReason.into());
        }
        let teacher = self.school.stored_teacher(warning.teacher_id)?;
        let report = crate::validate::validation_report(self.school)?;
        let problem = report
            .problems
            .into_iter()
            .find(|p| {
                p.teacher_id == teacher.id
                    && p.rule == warning.rule
                    && (warning.field.is_none() || p.field.as_deref() == warning.field)
                    && (warning.row_order.is_none() || p.row_order == warning.row_order)
            })
            .ok_or_else(|| {
                Error::Entry(EntryError::NoSuchWarning {
                    teacher: teacher.name.clone(),
                    rule: warning.rule.to_owned(),
                })
            })?;
        if problem.severity == Severity::Error {
            return Err(EntryError::ErrorNeedsFixing(problem.message).into());
        }
        let (rule, record_key, field) = problem.key();
        let at = now();
        self.school.write(|tx| {
            put_warning_reason(
                tx,
                &WarningReasonRow {
                    teacher_id: &teacher.id,
                    rule: &rule,
                    record_key: &record_key,
                    field: &field,
                    reason,
                    actor: actor.name(),
                    at: &at,
                },
            )?;
            revisions::record(
                tx,
                actor,
                Entity::Teacher,
                &teacher.id,
                Some(&teacher.id),
                Action::Update,
                None,
                Some(&serde_json::json!({
                    "warning_reason": { "rule": rule, "record": record_key, "field": field, "reason": reason }
                })),
            )
        })
    }

    /// Every stored reason.
    pub fn warning_reasons(&self) -> Result<WarningReasons> {
        self.school.require(Permission::TeachersView)?;
        self.school.stored_warning_reasons()
    }
}
