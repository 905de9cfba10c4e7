//! A teacher's life at the school (在职情况变动): changing their 人员状态
//! as an event with a date, a reason and evidence notes; their status
//! history (the form's timeline); who is on the active roster on a given
//! day, and who has left (离校教师).
//!
//! A service of the school file, reached with [`SchoolFile::status_changes`];
//! each public method checks the signed-in role first. How a change to
//! each status is handled (takes effect at once or waits for the county,
//! asks for evidence, locks groups, keeps the teacher on the roster) is
//! the catalog's (`catalog/status_changes.toml`, [`StatusChange`]).
//!
//! The teacher's current status is the 基本信息 field `personnel_status`:
//! a change in effect writes it in the same transaction as its event, so
//! every reader of the field (validation, exports, batches) sees it; a
//! change waiting for the county writes it only when accepted. A status
//! entered as a plain value (the form's first value, a roster import) is
//! read back as an [`EventKind::Entered`] entry of the history.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::account::Permission;
use crate::catalog::{Approval, BASIC_GROUP, Catalog, PERSONNEL_STATUS_TABLE, StatusChange};
use crate::error::messages::{Locale, named_code};
use crate::error::{Result, TeacherError, Worded};
use crate::record::{Fields, IndicatorRecord};
use crate::status_event::{EventKind, EventState, StatusEvent};
use crate::store::{SchoolFile, records, status_events};
use crate::teacher::Teacher;
use crate::time::now;

/// The 基本信息 field holding the teacher's 人员状态.
pub const PERSONNEL_STATUS_FIELD: &str = "personnel_status";

/// The longest reason or evidence note kept (the upstream's limit).
pub const MAX_NOTE_CHARS: usize = crate::protocol::MAX_REASON_CHARS;

/// A change of status as the clerk asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewStatusChange {
    pub teacher_id: String,
    /// The new 人员状态: its code, or its name as written (退休, 301-退休).
    pub status: String,
    /// From when it holds (YYYY-MM-DD).
    pub effective_date: String,
    pub reason: String,
    /// Evidence notes (文号, 证明材料); some changes ask for them.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// A teacher's status history, as the form's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatusTimeline {
    pub teacher_id: String,
    /// The 人员状态 on file (None before one is entered).
    pub current: Option<String>,
    /// Whether the teacher is on the active roster today.
    pub on_roster: bool,
    /// A change waiting for the county's approval, if any (also in `events`).
    pub pending: Option<StatusEvent>,
    /// The information groups the current status locks (`*`: every one).
    pub locks: Vec<String>,
    /// Every event, oldest first: in effect, pending, returned, withdrawn.
    pub events: Vec<StatusEvent>,
}

/// A teacher who has left the active roster (离校教师), with the change
/// that took them off it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DepartedTeacher {
    pub teacher: Teacher,
    /// The 人员状态 code they left with.
    pub status: String,
    /// From when (YYYY-MM-DD).
    pub effective_date: String,
    pub reason: String,
    pub evidence: Option<String>,
}

/// How a teacher left the active roster: the change that took them off it.
/// What the teacher list's 离校教师 view shows beside each teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Departure {
    pub teacher_id: String,
    /// The 人员状态 code they left with.
    pub status: String,
    /// From when (YYYY-MM-DD).
    pub effective_date: String,
    pub reason: String,
    pub evidence: Option<String>,
}

impl Roster {
    /// How `teacher_id` left the active roster, if they are off it on `day`.
    pub(crate) fn departure(
        &self,
        catalog: &Catalog,
        teacher_id: &str,
        day: NaiveDate,
    ) -> Option<Departure> {
        let event = self.history(teacher_id)?.off_roster_since(catalog, day)?;
        Some(Departure {
            teacher_id: teacher_id.to_owned(),
            status: event.status.clone(),
            effective_date: event.effective_date.clone(),
            reason: event.reason.clone(),
            evidence: event.evidence.clone(),
        })
    }
}

/// How a change to one 人员状态 is handled, resolved for that code (its
/// own entry in `catalog/status_changes.toml`, else its heading's): what
/// the change dialog tells the clerk before they make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatusRule {
    /// The 人员状态 code.
    pub code: String,
    pub on_roster: bool,
    pub approval: Approval,
    pub evidence: bool,
    pub locks: Vec<String>,
}

/// The school's status changes in figures (the 工作台's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct StatusChangeCounts {
    /// Teachers with a change waiting for the county's approval.
    #[ts(type = "number")]
    pub pending: usize,
    /// Teachers whose latest change the county returned, not yet made again.
    #[ts(type = "number")]
    pub returned: usize,
    /// Teachers off the active roster today (离校教师).
    #[ts(type = "number")]
    pub departed: usize,
}

/// Which teachers a listing shows, by their place on the roster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RosterFilter {
    /// On the active roster (在册): everyone but those who left.
    #[default]
    OnRoster,
    /// Off it (离校教师).
    Departed,
    /// Everyone on file.
    All,
}

/// The school's status changes (在职情况变动).
#[derive(Debug)]
pub struct StatusChanges<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl StatusChanges<'_> {
    /// Changes a teacher's 人员状态. A change the catalog lets the school
    /// decide takes effect at once: the event is written in effect with the
    /// new status into 基本信息. One the county approves waits, pending,
    /// and the status on file stays until the county accepts it.
    pub fn change(&mut self, change: &NewStatusChange) -> Result<StatusEvent> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let catalog = self.school.catalog()?.into_owned();
        let teacher = self.school.stored_teacher(&change.teacher_id)?;
        let basic = basic_record(self.school, &teacher.id)?;
        let events = status_events::of_teacher(&self.school.conn, &teacher.id)?;
        let checked = check(&catalog, change, &teacher, basic.as_ref(), &events)?;
        let at = now();
        let state = match checked.rule.approval {
            Approval::School => EventState::InEffect,
            Approval::County => EventState::Pending,
        };
        let event = StatusEvent {
            id: uuid::Uuid::now_v7().to_string(),
            teacher_id: teacher.id.clone(),
            status: checked.status.clone(),
            effective_date: checked.date.format("%Y-%m-%d").to_string(),
            reason: checked.reason,
            evidence: checked.evidence,
            kind: EventKind::Change,
            state,
            decision_note: None,
            decided_at: None,
            created_at: at.clone(),
            created_by: actor.name().to_owned(),
        };
        let first = first_event(&teacher, basic.as_ref(), &events, &at, actor.name());
        self.school.write(|tx| {
            if let Some(first) = &first {
                status_events::insert(tx, &actor, first)?;
            }
            status_events::insert(tx, &actor, &event)?;
            if state == EventState::InEffect {
                write_status(tx, &actor, &event, basic.as_ref())?;
            }
            Ok(())
        })?;
        Ok(event)
    }

    /// Withdraws a change still waiting for the county (the clerk's own
    /// mistake); it stays in the history as withdrawn.
    pub fn withdraw(&mut self, event_id: &str) -> Result<StatusEvent> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let event = pending_event(self.school, event_id)?;
        let at = now();
        self.school
            .write(|tx| status_events::decide(tx, &actor, &event, EventState::Withdrawn, None, &at))
    }

    /// Withdraws the teacher's change waiting for the county, whichever it is.
    pub fn withdraw_pending(&mut self, teacher_id: &str) -> Result<StatusEvent> {
        self.school.require(Permission::TeachersEdit)?;
        let teacher = self.school.stored_teacher(teacher_id)?;
        let pending = status_events::of_teacher(&self.school.conn, teacher_id)?
            .into_iter()
            .find(|e| e.state == EventState::Pending)
            .ok_or(TeacherError::StatusNothingPending { name: teacher.name })?;
        self.withdraw(&pending.id)
    }

    /// How a change to each status a clerk can choose is handled.
    pub fn rules(&self) -> Result<Vec<StatusRule>> {
        self.school.require(Permission::TeachersView)?;
        let catalog = self.school.catalog()?;
        let Some(table) = catalog.code_table(PERSONNEL_STATUS_TABLE) else {
            return Ok(Vec::new());
        };
        Ok(table
            .codes
            .iter()
            .filter(|c| c.selectable)
            .filter_map(|c| {
                let rule = catalog.status_change(&c.code)?;
                Some(StatusRule {
                    code: c.code.clone(),
                    on_roster: rule.on_roster,
                    approval: rule.approval,
                    evidence: rule.evidence,
                    locks: rule.locks.clone(),
                })
            })
            .collect())
    }

    /// A teacher's status history, oldest first, with what holds now.
    pub fn timeline(&self, teacher_id: &str) -> Result<StatusTimeline> {
        self.school.require(Permission::TeachersView)?;
        let catalog = self.school.catalog()?;
        self.school.stored_teacher(teacher_id)?;
        let basic = basic_record(self.school, teacher_id)?;
        let mut events = status_events::of_teacher(&self.school.conn, teacher_id)?;
        let current = basic.as_ref().and_then(status_of);
        if let Some(entered) = entered_event(teacher_id, basic.as_ref(), &events) {
            events.push(entered);
            events.sort_by(|a, b| history_order(a).cmp(&history_order(b)));
        }
        let rule = current.as_deref().and_then(|c| catalog.status_change(c));
        let today = today();
        let history = History::of(&events);
        Ok(StatusTimeline {
            teacher_id: teacher_id.to_owned(),
            on_roster: history.on_roster(&catalog, today),
            pending: events
                .iter()
                .find(|e| e.state == EventState::Pending)
                .cloned(),
            locks: rule.map(|r| r.locks.clone()).unwrap_or_default(),
            current,
            events,
        })
    }

    /// How many teachers have a change waiting for the county, had their
    /// last change returned, or are off the roster today.
    pub fn counts(&self) -> Result<StatusChangeCounts> {
        self.school.require(Permission::TeachersView)?;
        let catalog = self.school.catalog()?;
        let roster = Roster::read(self.school)?;
        let today = today();
        let mut counts = StatusChangeCounts::default();
        for teacher in self.school.stored_teachers()? {
            if !roster.on_roster(&catalog, &teacher.id, today) {
                counts.departed = counts.departed.saturating_add(1);
            }
        }
        let mut last: HashMap<String, EventState> = HashMap::new();
        for event in status_events::all(&self.school.conn)? {
            if event.kind == EventKind::Change && event.state != EventState::Withdrawn {
                last.insert(event.teacher_id, event.state);
            }
        }
        for state in last.values() {
            match state {
                EventState::Pending => counts.pending = counts.pending.saturating_add(1),
                EventState::Returned => counts.returned = counts.returned.saturating_add(1),
                _ => {}
            }
        }
        Ok(counts)
    }

    /// The teachers off the active roster today (离校教师), most recent first.
    pub fn departed(&self) -> Result<Vec<DepartedTeacher>> {
        self.departed_as_of(today())
    }

    /// The teachers off the active roster on `day`, most recent first.
    pub fn departed_as_of(&self, day: NaiveDate) -> Result<Vec<DepartedTeacher>> {
        self.school.require(Permission::TeachersView)?;
        let catalog = self.school.catalog()?;
        let roster = Roster::read(self.school)?;
        let mut departed: Vec<DepartedTeacher> = self
            .school
            .stored_teachers()?
            .into_iter()
            .filter_map(|teacher| {
                let left = roster.departure(&catalog, &teacher.id, day)?;
                Some(DepartedTeacher {
                    teacher: self.school.shown(teacher),
                    status: left.status,
                    effective_date: left.effective_date,
                    reason: left.reason,
                    evidence: left.evidence,
                })
            })
            .collect();
        departed.sort_by(|a, b| b.effective_date.cmp(&a.effective_date));
        Ok(departed)
    }
}

/// A teacher's status events as stored, oldest first (the JSON export's).
pub(crate) fn history_of(school: &SchoolFile, teacher_id: &str) -> Result<Vec<StatusEvent>> {
    status_events::of_teacher(&school.conn, teacher_id)
}

/// The changes of status a batch reports (`status_change`): every change
/// the clerk made that is in effect or waiting for the county, oldest first.
/// Which of them a batch already carried is the batches' to know.
pub(crate) fn reportable(school: &SchoolFile) -> Result<Vec<StatusEvent>> {
    let mut events: Vec<StatusEvent> = status_events::all(&school.conn)?
        .into_iter()
        .filter(|e| e.kind == EventKind::Change)
        .filter(|e| matches!(e.state, EventState::InEffect | EventState::Pending))
        .collect();
    events.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    Ok(events)
}

/// By teacher, the 人员状态 a change waiting for the county asks for (at
/// most one waits per teacher): what their verification sheet prints.
pub(crate) fn awaiting_county(school: &SchoolFile) -> Result<HashMap<String, String>> {
    Ok(status_events::all(&school.conn)?
        .into_iter()
        .filter(|e| e.kind == EventKind::Change && e.state == EventState::Pending)
        .map(|e| (e.teacher_id, e.status))
        .collect())
}

/// By teacher, the reason of their latest change of status in effect: what
/// a batch says for the 基本信息 变更申请 that change wrote.
pub(crate) fn status_reasons(school: &SchoolFile) -> Result<HashMap<String, String>> {
    let mut reasons = HashMap::new();
    for event in status_events::all(&school.conn)? {
        if event.kind == EventKind::Change && event.state == EventState::InEffect {
            reasons.insert(event.teacher_id, event.reason);
        }
    }
    Ok(reasons)
}

/// The county's decision on a reported change, inside the transaction that
/// applies the review result. A pending change accepted takes effect (the
/// status is written into 基本信息); returned, it stays returned with the
/// reviewer's note and the status on file is unchanged. A change the school
/// made at once and the county returned stays in effect with the note, for
/// the clerk to act on. Anything else (withdrawn meanwhile, decided before)
/// is left as it is.
pub(crate) fn decided_upstream(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::account::Actor,
    event_id: &str,
    accepted: bool,
    note: Option<&str>,
) -> Result<()> {
    let Some(event) = status_events::by_id(tx, event_id)? else {
        return Ok(());
    };
    let at = now();
    match (event.state, accepted) {
        (EventState::Pending, true) => {
            status_events::decide(tx, actor, &event, EventState::InEffect, None, &at)?;
            let basic = records::of_group(tx, &event.teacher_id, BASIC_GROUP)?;
            write_status(tx, actor, &event, basic.as_ref())?;
        }
        (EventState::Pending, false) => {
            status_events::decide(tx, actor, &event, EventState::Returned, note, &at)?;
        }
        (EventState::InEffect, false) => {
            status_events::decide(tx, actor, &event, EventState::InEffect, note, &at)?;
        }
        _ => {}
    }
    Ok(())
}

/// What [`check`] makes of a request.
struct Checked<'c> {
    status: String,
    date: NaiveDate,
    reason: String,
    evidence: Option<String>,
    rule: &'c StatusChange,
}

/// Checks a change against the catalog and the teacher's history.
fn check<'c>(
    catalog: &'c Catalog,
    change: &NewStatusChange,
    teacher: &Teacher,
    basic: Option<&IndicatorRecord>,
    events: &[StatusEvent],
) -> Result<Checked<'c>> {
    let table = catalog
        .code_table(PERSONNEL_STATUS_TABLE)
        .ok_or_else(|| TeacherError::StatusUnknown(change.status.clone()))?;
    let code = match table.read(&change.status) {
        crate::catalog::Reading::Code(code) if code.selectable => code,
        crate::catalog::Reading::Code(code) => {
            return Err(TeacherError::StatusHeading {
                status: Box::new(worded_code(code)),
            }
            .into());
        }
        _ => return Err(TeacherError::StatusUnknown(change.status.trim().to_owned()).into()),
    };
    let rule = catalog
        .status_change(&code.code)
        .ok_or_else(|| TeacherError::StatusUnknown(code.code.clone()))?;
    let date = NaiveDate::parse_from_str(change.effective_date.trim(), "%Y-%m-%d")
        .map_err(|_| TeacherError::StatusDateInvalid(change.effective_date.trim().to_owned()))?;
    if let Some(pending) = events.iter().find(|e| e.state == EventState::Pending) {
        return Err(TeacherError::StatusPending {
            name: teacher.name.clone(),
            status: Box::new(worded_status(catalog, &pending.status)),
        }
        .into());
    }
    let current = basic.and_then(status_of);
    if current.as_deref() == Some(code.code.as_str()) {
        return Err(TeacherError::StatusUnchanged {
            name: teacher.name.clone(),
            status: Box::new(worded_code(code)),
        }
        .into());
    }
    if let Some(latest) = events
        .iter()
        .filter(|e| e.state == EventState::InEffect && e.kind == EventKind::Change)
        .map(|e| e.effective_date.as_str())
        .max()
        && date.format("%Y-%m-%d").to_string().as_str() < latest
    {
        return Err(TeacherError::StatusDateBeforeLatest {
            date: date.format("%Y-%m-%d").to_string(),
            latest: latest.to_owned(),
        }
        .into());
    }
    let reason = change.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(TeacherError::StatusReasonMissing.into());
    }
    if reason.chars().count() > MAX_NOTE_CHARS {
        return Err(TeacherError::StatusNoteTooLong {
            len: reason.chars().count(),
            max: MAX_NOTE_CHARS,
        }
        .into());
    }
    let evidence = change
        .evidence
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    if let Some(evidence) = &evidence
        && evidence.chars().count() > MAX_NOTE_CHARS
    {
        return Err(TeacherError::StatusNoteTooLong {
            len: evidence.chars().count(),
            max: MAX_NOTE_CHARS,
        }
        .into());
    }
    if rule.evidence && evidence.is_none() {
        return Err(TeacherError::StatusEvidenceMissing {
            status: Box::new(worded_code(code)),
        }
        .into());
    }
    Ok(Checked {
        status: code.code.clone(),
        date,
        reason,
        evidence,
        rule,
    })
}

/// A status code said with its table's names, both languages.
pub(crate) fn worded_status(catalog: &Catalog, status: &str) -> Worded {
    match catalog
        .code_table(PERSONNEL_STATUS_TABLE)
        .and_then(|t| t.get(status))
    {
        Some(code) => worded_code(code),
        None => Worded {
            zh: status.to_owned(),
            en: status.to_owned(),
        },
    }
}

/// A code with its name in each language (301-退休 / 301 Retired).
fn worded_code(code: &crate::catalog::Code) -> Worded {
    Worded {
        zh: named_code(Locale::ZhCn, &code.name, &code.code),
        en: named_code(
            Locale::En,
            code.name_en.as_deref().unwrap_or(&code.name),
            &code.code,
        ),
    }
}

/// The first event of a teacher who has none yet: their status on file,
/// from the day they were registered.
fn first_event(
    teacher: &Teacher,
    basic: Option<&IndicatorRecord>,
    events: &[StatusEvent],
    at: &str,
    actor: &str,
) -> Option<StatusEvent> {
    if !events.is_empty() {
        return None;
    }
    let status = status_of(basic?)?;
    Some(StatusEvent {
        id: format!("initial:{}", teacher.id),
        teacher_id: teacher.id.clone(),
        status,
        effective_date: teacher.created_at.chars().take(10).collect(),
        reason: String::new(),
        evidence: None,
        kind: EventKind::Initial,
        state: EventState::InEffect,
        decision_note: None,
        decided_at: None,
        created_at: at.to_owned(),
        created_by: actor.to_owned(),
    })
}

/// The status on file when it is not the latest event's: entered as a plain
/// value (the form, an import) after the history began, dated the day the
/// 基本信息 record was last written.
fn entered_event(
    teacher_id: &str,
    basic: Option<&IndicatorRecord>,
    events: &[StatusEvent],
) -> Option<StatusEvent> {
    let basic = basic?;
    let status = status_of(basic)?;
    let latest = events.iter().rfind(|e| e.state == EventState::InEffect);
    if latest.is_some_and(|e| e.status == status) {
        return None;
    }
    let updated: String = basic.updated_at.chars().take(10).collect();
    let date = match latest {
        Some(latest) if latest.effective_date > updated => latest.effective_date.clone(),
        _ => updated,
    };
    Some(StatusEvent {
        id: format!("entered:{teacher_id}"),
        teacher_id: teacher_id.to_owned(),
        status,
        effective_date: date,
        reason: String::new(),
        evidence: None,
        kind: EventKind::Entered,
        state: EventState::InEffect,
        decision_note: None,
        decided_at: None,
        created_at: basic.updated_at.clone(),
        created_by: String::new(),
    })
}

fn status_of(basic: &IndicatorRecord) -> Option<String> {
    status_in(&basic.fields)
}

/// The 人员状态 a 基本信息 record's fields hold, if any.
pub(crate) fn status_in(fields: &Fields) -> Option<String> {
    fields
        .get(PERSONNEL_STATUS_FIELD)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn basic_record(school: &SchoolFile, teacher_id: &str) -> Result<Option<IndicatorRecord>> {
    records::of_group(&school.conn, teacher_id, BASIC_GROUP)
}

fn pending_event(school: &SchoolFile, event_id: &str) -> Result<StatusEvent> {
    let event = status_events::by_id(&school.conn, event_id)?
        .ok_or_else(|| TeacherError::StatusEventNotFound(event_id.to_owned()))?;
    if event.state != EventState::Pending {
        return Err(TeacherError::StatusNotPending(event_id.to_owned()).into());
    }
    Ok(event)
}

/// Writes `status` into the teacher's 基本信息 (made if they have none).
fn write_status(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::account::Actor,
    event: &StatusEvent,
    basic: Option<&IndicatorRecord>,
) -> Result<()> {
    let status = event.status.as_str();
    let value = serde_json::Value::String(status.to_owned());
    match basic {
        Some(basic) => {
            // Read again inside the transaction: the version checked is the
            // one on file now.
            let current = records::by_id(tx, &basic.id)?;
            if current
                .fields
                .get(PERSONNEL_STATUS_FIELD)
                .and_then(|v| v.as_str())
                == Some(status)
            {
                return Ok(());
            }
            let mut fields = current.fields.clone();
            fields.insert(PERSONNEL_STATUS_FIELD.to_owned(), value);
            let written = records::update(tx, actor, &current.id, current.version, fields)?;
            status_events::record_write(
                tx,
                &event.id,
                &written.id,
                current.version,
                written.version,
            )?;
        }
        None => {
            let mut fields = Fields::new();
            fields.insert(PERSONNEL_STATUS_FIELD.to_owned(), value);
            records::insert(tx, actor, &event.teacher_id, BASIC_GROUP, fields)?;
        }
    }
    Ok(())
}

/// The order of a history: the initial event first, then by effective date
/// and when made.
fn history_order(event: &StatusEvent) -> (bool, &str, &str) {
    (
        event.kind != EventKind::Initial,
        &event.effective_date,
        &event.created_at,
    )
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The statuses in effect of one teacher, in date order: their events in
/// effect and the status on file if it is newer.
#[derive(Debug, Default)]
pub(crate) struct History<'a> {
    steps: Vec<&'a StatusEvent>,
}

impl<'a> History<'a> {
    fn of(events: &'a [StatusEvent]) -> History<'a> {
        History {
            steps: events
                .iter()
                .filter(|e| e.state == EventState::InEffect)
                .collect(),
        }
    }

    /// The status that holds on `day`: the last one from that day or
    /// before; the initial one holds from the beginning (it is dated the
    /// day the teacher was registered, which a change may predate).
    fn status_on(&self, day: NaiveDate) -> Option<&'a StatusEvent> {
        let day = day.format("%Y-%m-%d").to_string();
        self.steps
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Initial || e.effective_date <= day)
            .or_else(|| self.steps.first())
            .copied()
    }

    /// Whether the teacher is on the active roster on `day` (a teacher
    /// without a status is).
    pub(crate) fn on_roster(&self, catalog: &Catalog, day: NaiveDate) -> bool {
        self.off_roster_since(catalog, day).is_none()
    }

    /// The event that took the teacher off the roster, if they are off it
    /// on `day`.
    fn off_roster_since(&self, catalog: &Catalog, day: NaiveDate) -> Option<&'a StatusEvent> {
        let holding = self.status_on(day)?;
        let off = catalog
            .status_change(&holding.status)
            .is_some_and(|rule| !rule.on_roster);
        if !off {
            return None;
        }
        Some(holding)
    }
}

/// Every teacher's statuses in effect, read once: who is on the roster on
/// a day, for listings and statistics.
#[derive(Debug)]
pub(crate) struct Roster {
    events: HashMap<String, Vec<StatusEvent>>,
}

impl Roster {
    pub(crate) fn read(school: &SchoolFile) -> Result<Roster> {
        let mut events: HashMap<String, Vec<StatusEvent>> = HashMap::new();
        for event in status_events::all(&school.conn)? {
            events
                .entry(event.teacher_id.clone())
                .or_default()
                .push(event);
        }
        for record in school.stored_all_records()? {
            if record.group_code != BASIC_GROUP {
                continue;
            }
            let list = events.entry(record.teacher_id.clone()).or_default();
            if let Some(entered) = entered_event(&record.teacher_id, Some(&record), list) {
                list.push(entered);
            }
        }
        Ok(Roster { events })
    }

    pub(crate) fn history(&self, teacher_id: &str) -> Option<History<'_>> {
        self.events.get(teacher_id).map(|e| History::of(e))
    }

    /// The 人员状态 `teacher_id` has on `day`, if any.
    pub(crate) fn status_on(&self, teacher_id: &str, day: NaiveDate) -> Option<&str> {
        self.events
            .get(teacher_id)
            .and_then(|events| History::of(events).status_on(day))
            .map(|e| e.status.as_str())
    }

    /// Whether `teacher_id` is on the active roster on `day`.
    pub(crate) fn on_roster(&self, catalog: &Catalog, teacher_id: &str, day: NaiveDate) -> bool {
        self.history(teacher_id)
            .is_none_or(|h| h.on_roster(catalog, day))
    }
}

/// The groups the teacher's current status locks, if it locks `group`:
/// the status code, for the refusal.
pub(crate) fn locking_status(
    school: &SchoolFile,
    teacher_id: &str,
    group: &str,
) -> Result<Option<String>> {
    let Some(basic) = basic_record(school, teacher_id)? else {
        return Ok(None);
    };
    let Some(status) = status_of(&basic) else {
        return Ok(None);
    };
    let catalog = school.catalog()?;
    Ok(catalog
        .status_change(&status)
        .filter(|rule| rule.locks_group(group))
        .map(|_| status))
}
