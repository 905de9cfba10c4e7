//! What the upstream has seen of each teacher and record, and what the next
//! batch carries: every teacher and record whose version is newer than the
//! one the last batches carried (`docs/batches.md`).
//!
//! Pure: it reads what the store gives it and decides; it writes nothing.
//! The outbox status and the batch builder share it, so what the status
//! calls 待上传 is exactly what the next batch carries.
//!
//! The rules:
//! - Never carried: `new_teacher` / `new_record`.
//! - Carried at version *c*, now at *v* > *c*: `update_teacher` /
//!   `update_record` (base *c*), or a `change_request` (变更申请, with the
//!   clerk's reason and only the changed values) when the upstream already
//!   accepted a version of it (生效).
//! - Carried, now gone (or emptied): `remove_teacher` / `remove_record`
//!   (base *c*); the removal of something in effect needs a reason too.
//! - Reported removed, and present again (filled again, or a school file
//!   restored from before the removal): `new_teacher` / `new_record`.
//! - A teacher with an error, or with a warning that has no written reason,
//!   is held back whole; warnings with reasons travel with the teacher.
//! - A review never changes these versions: a returned version stays
//!   returned until the clerk edits, and the edit is carried as new.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::BatchState;
use crate::catalog::Severity;
use crate::protocol::{Change, ChangeOp, MAX_REASON_CHARS, WarningReason};
use crate::record::IndicatorRecord;
use crate::sheets::SignoffLack;
use crate::status_event::StatusEvent;
use crate::teacher::Teacher;
use crate::validate::Problem;

/// The most changes one batch carries; the rest wait for the next batch.
pub(crate) const MAX_CHANGES_PER_BATCH: usize = 50_000;

/// The reason sent with the removal of something the upstream has not put
/// in effect (a removal needs one; the clerk gives one only for 变更申请).
pub(crate) const REMOVAL_REASON: &str = "本校已删除这条信息，此前报送的版本作废";

/// A teacher's identity or one of their records, as a batch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EntityKind {
    Teacher,
    Record,
}

impl EntityKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EntityKind::Teacher => "teacher",
            EntityKind::Record => "record",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<EntityKind> {
        match text {
            "teacher" => Some(EntityKind::Teacher),
            "record" => Some(EntityKind::Record),
            _ => None,
        }
    }
}

/// What the reviewer decided about a carried change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemStatus {
    Pending,
    Accepted,
    Returned,
}

impl ItemStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::Accepted => "accepted",
            ItemStatus::Returned => "returned",
        }
    }

    pub(crate) fn parse(text: &str) -> ItemStatus {
        match text {
            "accepted" => ItemStatus::Accepted,
            "returned" => ItemStatus::Returned,
            _ => ItemStatus::Pending,
        }
    }
}

/// One change a batch carried (a batch that was not refused).
#[derive(Debug, Clone)]
pub(crate) struct ItemRow {
    pub batch_id: String,
    pub batch_state: BatchState,
    pub change_id: String,
    pub op: ChangeOp,
    pub teacher_id: String,
    pub entity: EntityKind,
    pub entity_id: String,
    pub group_code: Option<String>,
    pub version: Option<i64>,
    pub status: ItemStatus,
    pub reason: Option<String>,
}

impl ItemRow {
    fn is_removal(&self) -> bool {
        matches!(self.op, ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord)
    }
}

/// What the planner reads.
pub(crate) struct Inputs<'a> {
    /// Every teacher, in registration order.
    pub teachers: &'a [Teacher],
    pub records: &'a [IndicatorRecord],
    /// The validation problems of every teacher (with warning reasons).
    pub problems: &'a [Problem],
    /// The changes of every batch not refused, oldest batch first.
    pub items: &'a [ItemRow],
    /// The teachers the sign-off gate holds back (empty when the school
    /// does not require a signed sheet).
    pub signoff: &'a HashMap<String, SignoffLack>,
}

/// Where one teacher or record stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Not in any batch at its current version: the next batch carries it.
    Unsent(Unsent),
    /// Carried by a batch not yet received.
    InFlight,
    /// Received, waiting for review.
    Received,
    /// Returned by the reviewer (with the reason on the item).
    Returned,
    /// Accepted: in effect upstream.
    Effective,
}

/// The change the next batch makes for an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsent {
    pub op: ChangeOp,
    pub base: Option<i64>,
    pub version: Option<i64>,
}

impl Unsent {
    /// Changing or removing something in effect upstream needs the clerk's reason.
    pub(crate) fn needs_reason(&self, effective: bool) -> bool {
        self.op == ChangeOp::ChangeRequest
            || (effective && matches!(self.op, ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord))
    }
}

/// The current data of an entity.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Current<'a> {
    Teacher(&'a Teacher),
    Record(&'a IndicatorRecord),
    Gone,
}

/// One teacher or record, what the upstream saw of it, and its standing.
#[derive(Debug, Clone)]
pub(crate) struct EntityAssessment<'a> {
    pub kind: EntityKind,
    pub id: String,
    pub group: Option<String>,
    pub current: Current<'a>,
    /// The last change a batch carried for it.
    pub latest: Option<&'a ItemRow>,
    /// Whether the upstream accepted a version of it (it is in effect).
    pub effective: bool,
    pub standing: Standing,
}

impl EntityAssessment<'_> {
    pub(crate) fn needs_reason(&self) -> bool {
        match &self.standing {
            Standing::Unsent(unsent) => unsent.needs_reason(self.effective),
            _ => false,
        }
    }
}

/// One teacher (or a removed one whose removal is still to be sent).
#[derive(Debug, Clone)]
pub(crate) struct TeacherAssessment<'a> {
    pub teacher_id: String,
    /// None once the teacher was removed from the school file.
    pub teacher: Option<&'a Teacher>,
    /// The teacher's identity first, then the records.
    pub entities: Vec<EntityAssessment<'a>>,
    pub errors: usize,
    pub unexplained_warnings: usize,
    /// The warnings with a written reason, which travel with the teacher.
    pub warning_reasons: Vec<WarningReason>,
    /// Held back by the sign-off gate: no signed, current sheet.
    pub signoff: Option<SignoffLack>,
}

impl TeacherAssessment<'_> {
    /// Held back whole: errors, warnings without a reason, or no signed,
    /// current sheet where the school requires one.
    pub(crate) fn held_back(&self) -> bool {
        self.teacher.is_some()
            && (self.errors > 0 || self.unexplained_warnings > 0 || self.signoff.is_some())
    }

    pub(crate) fn unsent(&self) -> impl Iterator<Item = &EntityAssessment<'_>> {
        self.entities
            .iter()
            .filter(|e| matches!(e.standing, Standing::Unsent(_)))
    }
}

/// What the upstream saw of one entity: its last carried change and
/// whether any version of it was accepted.
struct History<'a> {
    latest: &'a ItemRow,
    effective: bool,
}

fn histories<'a>(items: &'a [ItemRow]) -> HashMap<(EntityKind, &'a str), History<'a>> {
    let mut out: HashMap<(EntityKind, &str), History<'_>> = HashMap::new();
    for item in items {
        let accepted = item.status == ItemStatus::Accepted && !item.is_removal();
        out.entry((item.entity, item.entity_id.as_str()))
            .and_modify(|h| {
                h.latest = item;
                h.effective |= accepted;
            })
            .or_insert(History {
                latest: item,
                effective: accepted,
            });
    }
    out
}

/// The standing of something carried and not changed since.
fn carried_standing(latest: &ItemRow) -> Standing {
    if latest.batch_state.in_flight() {
        return Standing::InFlight;
    }
    match latest.status {
        ItemStatus::Pending => Standing::Received,
        ItemStatus::Returned => Standing::Returned,
        ItemStatus::Accepted => Standing::Effective,
    }
}

fn standing(
    kind: EntityKind,
    present: Option<i64>,
    history: Option<&History<'_>>,
) -> Option<Standing> {
    let (new, update, remove) = match kind {
        EntityKind::Teacher => (
            ChangeOp::NewTeacher,
            ChangeOp::UpdateTeacher,
            ChangeOp::RemoveTeacher,
        ),
        EntityKind::Record => (
            ChangeOp::NewRecord,
            ChangeOp::UpdateRecord,
            ChangeOp::RemoveRecord,
        ),
    };
    let Some(history) = history else {
        return present.map(|v| {
            Standing::Unsent(Unsent {
                op: new,
                base: None,
                version: Some(v),
            })
        });
    };
    let latest = history.latest;
    match (present, latest.is_removal()) {
        (Some(v), false) => match latest.version {
            Some(carried) if v > carried => Some(Standing::Unsent(Unsent {
                op: if history.effective {
                    ChangeOp::ChangeRequest
                } else {
                    update
                },
                base: Some(carried),
                version: Some(v),
            })),
            _ => Some(carried_standing(latest)),
        },
        // Reported removed, and here again: a record emptied and filled
        // again, or a school file restored from before the removal. The
        // upstream is told of it anew.
        (Some(v), true) => Some(Standing::Unsent(Unsent {
            op: new,
            base: None,
            version: Some(v),
        })),
        (None, true) => Some(carried_standing(latest)),
        (None, false) => Some(Standing::Unsent(Unsent {
            op: remove,
            base: latest.version,
            version: None,
        })),
    }
}

/// Where every teacher and record stands.
pub(crate) fn assess<'a>(inputs: &Inputs<'a>) -> Vec<TeacherAssessment<'a>> {
    let index = Index::new(inputs);
    let mut out = Vec::with_capacity(
        inputs
            .teachers
            .len()
            .saturating_add(index.gone_teachers.len()),
    );
    for teacher in inputs.teachers {
        out.push(index.present_teacher(teacher));
    }
    for item in &index.gone_teachers {
        out.extend(index.gone_teacher(item));
    }
    out
}

/// The inputs looked up by teacher and entity: what [`assess`] asks of them.
struct Index<'a> {
    history: HashMap<(EntityKind, &'a str), History<'a>>,
    records_by_teacher: HashMap<&'a str, Vec<&'a IndicatorRecord>>,
    problems_by_teacher: HashMap<&'a str, Vec<&'a Problem>>,
    /// Records carried once and gone now, by teacher.
    gone_records: HashMap<&'a str, Vec<&'a ItemRow>>,
    /// Teachers carried once and gone now.
    gone_teachers: Vec<&'a ItemRow>,
    signoff: &'a HashMap<String, SignoffLack>,
}

impl<'a> Index<'a> {
    fn new(inputs: &Inputs<'a>) -> Index<'a> {
        let mut records_by_teacher: HashMap<&str, Vec<&IndicatorRecord>> = HashMap::new();
        for record in inputs.records {
            records_by_teacher
                .entry(record.teacher_id.as_str())
                .or_default()
                .push(record);
        }
        let mut problems_by_teacher: HashMap<&str, Vec<&Problem>> = HashMap::new();
        for problem in inputs.problems {
            problems_by_teacher
                .entry(problem.teacher_id.as_str())
                .or_default()
                .push(problem);
        }
        let gone = gone(inputs);
        Index {
            history: histories(inputs.items),
            records_by_teacher,
            problems_by_teacher,
            gone_records: gone.records,
            gone_teachers: gone.teachers,
            signoff: inputs.signoff,
        }
    }

    fn history(&self, kind: EntityKind, id: &'a str) -> Option<&History<'a>> {
        self.history.get(&(kind, id))
    }

    /// A teacher still in the file: their identity, records present and
    /// records gone, and what their problems hold back.
    fn present_teacher(&self, teacher: &'a Teacher) -> TeacherAssessment<'a> {
        let mut entities = Vec::new();
        let teacher_history = self.history(EntityKind::Teacher, &teacher.id);
        if let Some(standing) =
            standing(EntityKind::Teacher, Some(teacher.version), teacher_history)
        {
            entities.push(EntityAssessment {
                kind: EntityKind::Teacher,
                id: teacher.id.clone(),
                group: None,
                current: Current::Teacher(teacher),
                latest: teacher_history.map(|h| h.latest),
                effective: teacher_history.is_some_and(|h| h.effective),
                standing,
            });
        }
        let records = self
            .records_by_teacher
            .get(teacher.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        entities.extend(
            records
                .iter()
                .filter_map(|record| self.present_record(record)),
        );
        let gone = self
            .gone_records
            .get(teacher.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        entities.extend(gone.iter().filter_map(|item| self.gone_record(item)));
        let problems = self
            .problems_by_teacher
            .get(teacher.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        TeacherAssessment {
            teacher_id: teacher.id.clone(),
            teacher: Some(teacher),
            entities,
            errors: problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count(),
            unexplained_warnings: problems
                .iter()
                .filter(|p| p.severity == Severity::Warning && p.reason.is_none())
                .count(),
            warning_reasons: warning_reasons(&teacher.id, problems),
            signoff: self.signoff.get(teacher.id.as_str()).copied(),
        }
    }

    fn present_record(&self, record: &'a IndicatorRecord) -> Option<EntityAssessment<'a>> {
        let record_history = self.history(EntityKind::Record, &record.id);
        // An emptied record carries nothing: it is reported as removed.
        let present = (!record.fields.is_empty()).then_some(record.version);
        let standing = standing(EntityKind::Record, present, record_history)?;
        Some(EntityAssessment {
            kind: EntityKind::Record,
            id: record.id.clone(),
            group: Some(record.group_code.clone()),
            current: if present.is_some() {
                Current::Record(record)
            } else {
                Current::Gone
            },
            latest: record_history.map(|h| h.latest),
            effective: record_history.is_some_and(|h| h.effective),
            standing,
        })
    }

    fn gone_record(&self, item: &'a ItemRow) -> Option<EntityAssessment<'a>> {
        let record_history = self.history(EntityKind::Record, &item.entity_id);
        let standing = standing(EntityKind::Record, None, record_history)?;
        Some(EntityAssessment {
            kind: EntityKind::Record,
            id: item.entity_id.clone(),
            group: item.group_code.clone(),
            current: Current::Gone,
            latest: Some(item),
            effective: record_history.is_some_and(|h| h.effective),
            standing,
        })
    }

    /// A teacher carried once and no longer in the file.
    fn gone_teacher(&self, item: &'a ItemRow) -> Option<TeacherAssessment<'a>> {
        let teacher_history = self.history(EntityKind::Teacher, &item.entity_id);
        let standing = standing(EntityKind::Teacher, None, teacher_history)?;
        Some(TeacherAssessment {
            teacher_id: item.entity_id.clone(),
            teacher: None,
            entities: vec![EntityAssessment {
                kind: EntityKind::Teacher,
                id: item.entity_id.clone(),
                group: None,
                current: Current::Gone,
                latest: Some(item),
                effective: teacher_history.is_some_and(|h| h.effective),
                standing,
            }],
            errors: 0,
            unexplained_warnings: 0,
            warning_reasons: Vec::new(),
            signoff: None,
        })
    }
}

/// What the batches carried that is no longer in the file.
struct Gone<'a> {
    /// Records, by teacher.
    records: HashMap<&'a str, Vec<&'a ItemRow>>,
    teachers: Vec<&'a ItemRow>,
}

/// The records and teachers the batches carried whose latest item is for
/// an entity no longer in the file.
fn gone<'a>(inputs: &Inputs<'a>) -> Gone<'a> {
    let present_records: HashSet<&str> = inputs.records.iter().map(|r| r.id.as_str()).collect();
    let present_teachers: HashSet<&str> = inputs.teachers.iter().map(|t| t.id.as_str()).collect();
    let mut gone_records: HashMap<&str, Vec<&ItemRow>> = HashMap::new();
    let mut gone_teachers: Vec<&ItemRow> = Vec::new();
    let mut seen: HashSet<(EntityKind, &str)> = HashSet::new();
    for item in inputs.items.iter().rev() {
        if !seen.insert((item.entity, item.entity_id.as_str())) {
            continue;
        }
        match item.entity {
            EntityKind::Record if !present_records.contains(item.entity_id.as_str()) => {
                gone_records
                    .entry(item.teacher_id.as_str())
                    .or_default()
                    .push(item);
            }
            EntityKind::Teacher if !present_teachers.contains(item.entity_id.as_str()) => {
                gone_teachers.push(item);
            }
            _ => {}
        }
    }
    Gone {
        records: gone_records,
        teachers: gone_teachers,
    }
}

/// The written reasons of a teacher's accepted warnings, each once.
fn warning_reasons(teacher_id: &str, problems: &[&Problem]) -> Vec<WarningReason> {
    let mut reasons: Vec<WarningReason> = Vec::new();
    for problem in problems {
        let Some(reason) = &problem.reason else {
            continue;
        };
        let reason = clip_reason(reason);
        let duplicate = reasons.iter().any(|w| {
            w.rule == problem.rule && w.record_id == problem.record_id && w.reason == reason
        });
        if !duplicate {
            reasons.push(WarningReason {
                teacher_id: teacher_id.to_owned(),
                record_id: problem.record_id.clone(),
                rule: problem.rule.clone(),
                reason,
            });
        }
    }
    reasons
}

fn clip_reason(reason: &str) -> String {
    reason.trim().chars().take(MAX_REASON_CHARS).collect()
}

/// One change of the next batch, with the entity it carries.
#[derive(Debug, Clone)]
pub(crate) struct PlannedChange {
    pub change: Change,
    pub entity: EntityKind,
    pub entity_id: String,
    pub group_code: Option<String>,
}

/// The next batch's content.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub changes: Vec<PlannedChange>,
    pub warning_reasons: Vec<WarningReason>,
}

/// The values an entity had at an earlier version (for a 变更申请's changed
/// values); None when they are not known.
pub(crate) type OldFields<'f> = dyn Fn(EntityKind, &str, i64) -> Option<Map<String, Value>> + 'f;

/// The reasons a change that needs one may go with: the clerk's, for every
/// 变更申请; and, for a 变更申请 of 基本信息 that changes nothing but the
/// 人员状态, the reason of the teacher's status change in effect that wrote
/// it (reported on its own as a `status_change`), so it never waits for
/// the clerk to explain the same change twice.
#[derive(Debug, Default)]
pub(crate) struct Reasons<'r> {
    pub clerk: Option<&'r str>,
    /// By teacher: the reason of their latest status change in effect.
    pub status: HashMap<String, String>,
    /// By teacher: the reason of their latest identity correction (更正),
    /// for the 变更申请 of their identity.
    pub corrections: HashMap<String, String>,
}

impl Reasons<'_> {
    /// The reason `entity`'s unsent change goes with, if it has one.
    pub(crate) fn reason_for(
        &self,
        teacher_id: &str,
        entity: &EntityAssessment<'_>,
        unsent: &Unsent,
        old_fields: &OldFields<'_>,
    ) -> Option<String> {
        if let Some(reason) = self.clerk {
            return Some(clip_reason(reason));
        }
        if let (ChangeOp::ChangeRequest, Current::Teacher(_)) = (unsent.op, entity.current) {
            return self.corrections.get(teacher_id).map(|r| clip_reason(r));
        }
        let status_reason = self.status.get(teacher_id)?;
        let (ChangeOp::ChangeRequest, Current::Record(record), Some(base)) =
            (unsent.op, entity.current, unsent.base)
        else {
            return None;
        };
        if record.group_code != crate::catalog::BASIC_GROUP {
            return None;
        }
        let old = old_fields(entity.kind, &entity.id, base)?;
        let changed: HashSet<&String> = record
            .fields
            .keys()
            .chain(old.keys())
            .filter(|k| record.fields.get(*k) != old.get(*k))
            .collect();
        let only_status = changed.len() == 1
            && changed.contains(&crate::status_changes::PERSONNEL_STATUS_FIELD.to_owned());
        only_status.then(|| clip_reason(status_reason))
    }
}

/// The changes the next batch carries: every unsent change of every teacher
/// not held back, in registration order, at most [`MAX_CHANGES_PER_BATCH`]
/// (a teacher's changes are never split). Changes that need a reason wait
/// when [`Reasons`] gives none.
pub(crate) fn plan(
    teachers: &[TeacherAssessment<'_>],
    reasons: &Reasons<'_>,
    old_fields: &OldFields<'_>,
) -> Plan {
    let mut plan = Plan::default();
    for teacher in teachers {
        if teacher.held_back() {
            continue;
        }
        let mut changes = Vec::new();
        for entity in teacher.unsent() {
            let Standing::Unsent(unsent) = &entity.standing else {
                continue;
            };
            let reason = if unsent.needs_reason(entity.effective) {
                match reasons.reason_for(&teacher.teacher_id, entity, unsent, old_fields) {
                    Some(reason) => Some(reason),
                    None => continue,
                }
            } else if matches!(unsent.op, ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord) {
                Some(REMOVAL_REASON.to_owned())
            } else {
                None
            };
            changes.push(change_for(
                &teacher.teacher_id,
                entity,
                unsent,
                reason,
                old_fields,
            ));
        }
        if changes.is_empty() {
            continue;
        }
        if !plan.changes.is_empty()
            && plan.changes.len().saturating_add(changes.len()) > MAX_CHANGES_PER_BATCH
        {
            break;
        }
        plan.changes.extend(changes);
        plan.warning_reasons
            .extend(teacher.warning_reasons.iter().cloned());
    }
    plan
}

/// The id of the change reporting the status event `event_id`.
pub(crate) fn status_change_id(event_id: &str) -> String {
    format!("{STATUS_CHANGE_PREFIX}{event_id}")
}

/// The status event a `status_change`'s id names.
pub(crate) fn status_event_of(change_id: &str) -> Option<&str> {
    change_id.strip_prefix(STATUS_CHANGE_PREFIX)
}

const STATUS_CHANGE_PREFIX: &str = "status:";

/// The change reporting a status event (`status_change`): the new 人员状态,
/// its date, reason and evidence; no values, no versions.
pub(crate) fn status_change_for(id: String, event: StatusEvent) -> PlannedChange {
    let teacher_id = event.teacher_id.clone();
    let entity_id = event.id.clone();
    PlannedChange {
        change: Change {
            id,
            op: ChangeOp::StatusChange,
            teacher_id,
            record_id: None,
            group: None,
            base_version: None,
            version: None,
            fields: Map::new(),
            reason: None,
            status: Some(crate::protocol::StatusEvent {
                event_id: event.id,
                code: event.status,
                effective_date: event.effective_date,
                reason: clip_reason(&event.reason),
                evidence: event.evidence.map(|e| clip_reason(&e)),
            }),
            signoff: None,
        },
        entity: EntityKind::Teacher,
        entity_id,
        group_code: None,
    }
}

/// The change asking the county for an identity correction (a 变更申请 of
/// the teacher's identity): the changed identity fields, from the version
/// in effect to the one accepting it makes, with the request's reason and
/// evidence.
pub(crate) fn correction_request_for(
    request: &crate::correction_request::CorrectionRequest,
    teacher: &Teacher,
) -> PlannedChange {
    let mut fields = Map::new();
    for (code, old, new) in [
        ("name", &request.old_name, &request.name),
        ("id_type", &request.old_id_type, &request.id_type),
        ("id_number", &request.old_id_number, &request.id_number),
    ] {
        if old != new {
            fields.insert(code.into(), Value::from(new.clone()));
        }
    }
    let reason = match &request.evidence {
        Some(evidence) => format!("{} / {evidence}", request.reason),
        None => request.reason.clone(),
    };
    PlannedChange {
        change: Change {
            id: request.change_id(),
            op: ChangeOp::ChangeRequest,
            teacher_id: teacher.id.clone(),
            record_id: None,
            group: None,
            base_version: Some(teacher.version),
            version: Some(teacher.version.saturating_add(1)),
            fields,
            reason: Some(clip_reason(&reason)),
            status: None,
            signoff: None,
        },
        entity: EntityKind::Teacher,
        entity_id: teacher.id.clone(),
        group_code: None,
    }
}

/// The identity fields of a teacher, as a change carries them.
pub(crate) fn identity_fields(teacher: &Teacher) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("name".into(), Value::from(teacher.name.clone()));
    fields.insert("id_type".into(), Value::from(teacher.id_type.clone()));
    fields.insert("id_number".into(), Value::from(teacher.id_number.clone()));
    fields
}

fn change_for(
    teacher_id: &str,
    entity: &EntityAssessment<'_>,
    unsent: &Unsent,
    reason: Option<String>,
    old_fields: &OldFields<'_>,
) -> PlannedChange {
    let fields = match entity.current {
        Current::Teacher(t) => identity_fields(t),
        Current::Record(r) => r.fields.clone(),
        Current::Gone => Map::new(),
    };
    let fields = match (unsent.op, unsent.base) {
        (ChangeOp::ChangeRequest, Some(base)) => {
            match old_fields(entity.kind, &entity.id, base) {
                Some(old) => {
                    let changed: Map<String, Value> = fields
                        .iter()
                        .filter(|(k, v)| old.get(*k) != Some(*v))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .chain(
                            // A value cleared since: sent as null.
                            old.keys()
                                .filter(|k| !fields.contains_key(*k))
                                .map(|k| (k.clone(), Value::Null)),
                        )
                        .collect();
                    if changed.is_empty() { fields } else { changed }
                }
                None => fields,
            }
        }
        _ => fields,
    };
    let version_tag = unsent
        .version
        .map_or_else(|| "removed".to_owned(), |v| v.to_string());
    let id = match (unsent.op, entity.kind) {
        (ChangeOp::ChangeRequest, _) => format!("change:{}@{version_tag}", entity.id),
        (_, EntityKind::Teacher) => format!("teacher:{}@{version_tag}", entity.id),
        (_, EntityKind::Record) => format!("record:{}@{version_tag}", entity.id),
    };
    let on_record = entity.kind == EntityKind::Record;
    PlannedChange {
        change: Change {
            id,
            op: unsent.op,
            teacher_id: teacher_id.to_owned(),
            record_id: on_record.then(|| entity.id.clone()),
            group: if on_record {
                entity.group.clone()
            } else {
                None
            },
            base_version: unsent.base,
            version: unsent.version,
            fields,
            reason,
            status: None,
            signoff: None,
        },
        entity: entity.kind,
        entity_id: entity.id.clone(),
        group_code: entity.group.clone(),
    }
}
