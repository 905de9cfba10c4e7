//! The clerk's home (工作台): what waits for the clerk, in figures, each the
//! count of a list that resolves it (the 校验 page, the 信息确认表 page, the
//! 报送 page).
//!
//! Nothing is computed here that another service computes: the deadline,
//! the teachers with errors, the unsent changes and the returned records are
//! the outbox status's ([`Reporting::outbox_status`](crate::batches::Reporting::outbox_status),
//! which counts them from the validation report), the sign-offs are
//! [`VerificationSheets::signoff_states`](crate::sheets::VerificationSheets::signoff_states).
//! The summary only gathers them, so that the home asks the back end once.
//!
//! The changes of 人员状态 are [`StatusChanges::counts`](crate::status_changes::StatusChanges::counts).
//! A figure a later capability brings (reviews waiting for the school) is a
//! new field of [`WorkbenchSummary`] and a new card in the UI; the figures
//! are independent of each other.

use serde::Serialize;
use ts_rs::TS;

use crate::account::Permission;
use crate::batches::NextDeadline;
use crate::error::Result;
use crate::sheets::SignoffState;
use crate::status_changes::StatusChangeCounts;
use crate::store::SchoolFile;

/// The figures of the home page (工作台), each one a list's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkbenchSummary {
    /// The next reporting deadline (31 March, 30 September, or the province
    /// pack's) and the days left; none when the catalog names no deadline.
    pub deadline: Option<NextDeadline>,
    /// Completeness: the teachers on file, and those without any error.
    pub completeness: Completeness,
    /// The teachers' 信息确认表 sign-offs.
    pub signoffs: SignoffCounts,
    /// What waits to be reported (待上传) and what the reviewer returned (已退回).
    pub reporting: ReportingCounts,
    /// Changes of 人员状态 waiting for the county or returned by it, and the
    /// teachers who have left (离校教师).
    pub status: StatusChangeCounts,
    /// The school's own review (学校负责人审核): whether the setting is on,
    /// and how many changes the batch waiting for it carries (0: none waits).
    pub review: ReviewCounts,
}

/// The school's own review in figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ReviewCounts {
    pub required: bool,
    #[ts(type = "number")]
    pub waiting_changes: i64,
}

/// Teachers without errors out of all teachers (完整度).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Completeness {
    /// Every teacher on file.
    #[ts(type = "number")]
    pub teachers: usize,
    /// Teachers with no error (warnings do not count against them).
    #[ts(type = "number")]
    pub without_errors: usize,
    /// Teachers with at least one error: the 校验 page filtered to errors.
    #[ts(type = "number")]
    pub with_errors: usize,
}

/// Where the teachers' 信息确认表 stand; `current + stale + unsigned` is every teacher.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SignoffCounts {
    /// Every teacher on file.
    #[ts(type = "number")]
    pub teachers: usize,
    /// Signed, and their information unchanged since (已签字).
    #[ts(type = "number")]
    pub current: usize,
    /// Signed, but their information changed since (签字后有改动).
    #[ts(type = "number")]
    pub stale: usize,
    /// No sheet of theirs signed yet (未签字).
    #[ts(type = "number")]
    pub unsigned: usize,
}

/// The outbox's figures the home shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ReportingCounts {
    /// Whether the school is enrolled with the upstream (登记上报).
    pub enrolled: bool,
    /// Changes not yet in any batch (待上传), held back ones included.
    #[ts(type = "number")]
    pub unsent_changes: usize,
    /// Teachers whose status is 待上传.
    #[ts(type = "number")]
    pub teachers_pending: usize,
    /// Records the reviewer returned and no newer edit answers yet (已退回).
    #[ts(type = "number")]
    pub returned_records: usize,
    /// Teachers whose status is 已退回.
    #[ts(type = "number")]
    pub teachers_returned: usize,
}

/// The clerk's home (工作台): the figures of what waits, read in one call.
///
/// A service of the school file, reached with [`SchoolFile::workbench`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Workbench<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl Workbench<'_> {
    /// The home's figures: the next deadline, completeness, sign-offs, and
    /// what waits to be reported or was returned. Reads only.
    pub fn summary(&mut self) -> Result<WorkbenchSummary> {
        self.school.require(Permission::TeachersView)?;
        let outbox = self.school.reporting().outbox_status()?;
        let states = self.school.sheets().signoff_states()?;
        let status = self.school.status_changes().counts()?;
        let review = self.school.school_review().status()?;
        let teachers = outbox.teachers.len();
        let with_errors = outbox.missing.teachers_with_errors;
        let mut signoffs = SignoffCounts {
            teachers: states.len(),
            ..SignoffCounts::default()
        };
        for state in states.values() {
            let count = match state {
                SignoffState::Signed { .. } => &mut signoffs.current,
                SignoffState::Stale { .. } => &mut signoffs.stale,
                SignoffState::None => &mut signoffs.unsigned,
            };
            *count = count.saturating_add(1);
        }
        Ok(WorkbenchSummary {
            deadline: outbox.deadline,
            completeness: Completeness {
                teachers,
                without_errors: teachers.saturating_sub(with_errors),
                with_errors,
            },
            signoffs,
            reporting: ReportingCounts {
                enrolled: outbox.enrollment.is_some(),
                unsent_changes: outbox.missing.unsent_changes,
                teachers_pending: outbox.counts.pending,
                returned_records: outbox.missing.returned_records,
                teachers_returned: outbox.counts.returned,
            },
            status,
            review: ReviewCounts {
                required: review.required,
                waiting_changes: review.waiting.map_or(0, |w| w.record_count),
            },
        })
    }
}
