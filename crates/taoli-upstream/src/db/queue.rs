//! 审核队列: the records waiting for review in an officer's subtree, shown
//! by indicator label before → after, the decisions on them, and what an
//! accepted change puts in effect (`teacher_state`).

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use taoli_protocol::{Change, ChangeOp, Decision, MAX_REASON_CHARS};

use serde::{Deserialize, Serialize};

use super::Db;
use super::console::{Actor, audit};
use super::sql::{Tx, Value, args};
use super::teachers::Listed;
use super::{decision_reason, review_in};
use crate::error::{Error, Result};
use crate::officer::Permission;
use crate::org::Level;
use taoli_protocol as protocol;

/// One value of a change, by indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    /// In effect upstream before (None: nothing yet).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A record waiting for review, readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QueueItem {
    pub school: String,
    pub school_name: String,
    pub batch_id: String,
    pub sequence: u64,
    pub received_at: String,
    pub record: String,
    pub op: String,
    pub op_label: String,
    pub teacher_id: String,
    pub teacher_name: Option<String>,
    pub group: Option<String>,
    pub group_label: Option<String>,
    pub reason: Option<String>,
    pub changes: Vec<FieldChange>,
    /// The level it waits at (逐级审核).
    pub stage: Level,
    /// The lower levels' approvals on its way up.
    pub approvals: Vec<Approval>,
    /// Why a higher level sent it back, and who.
    pub sent_back: Option<String>,
}

/// A lower level's approval of a record on its way up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Approval {
    pub level: Level,
    /// The unit and the officer: 「三台县 张科员」.
    pub by: String,
    pub at: String,
}

fn approvals_of(text: Option<&str>) -> Vec<Approval> {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default()
}

/// A page of the review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// One record of a bulk decision that was not made, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NotDecided {
    pub batch_id: String,
    pub record: String,
    pub why: String,
}

/// What a bulk decision did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Decided {
    pub decided: u64,
    pub not_decided: Vec<NotDecided>,
}

/// A record to decide: its batch and id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
pub struct RecordRef {
    pub batch_id: String,
    pub record: String,
}

impl Db {
    /// A page of the records waiting for review in the actor's subtree
    /// (of one school if given), oldest batch first, readable: each value
    /// by its indicator's label, what is in effect before → after.
    pub fn review_queue(
        &self,
        actor: &Actor,
        school: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<QueuePage> {
        let pattern = actor.pattern();
        let page_size = page_size.clamp(1, 200);
        let page = page.max(1);
        let offset = page.saturating_sub(1).saturating_mul(page_size);
        let school = school.unwrap_or("").to_owned();
        // An officer sees what waits at their own level; the operator all.
        let stage = actor
            .officer
            .as_ref()
            .map_or("", |o| o.level.as_str())
            .to_owned();
        let (total, rows, states) = self.read(|tx| {
            let total = tx
                .query_one(
                    "SELECT count(*) FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
                     JOIN school s ON s.code = b.school
                     WHERE r.status = 'pending' AND s.county LIKE $1 AND ($2 = '' OR b.school = $2)
                       AND ($3 = '' OR coalesce(r.stage, 'county') = $3)",
                    args![&pattern, &school, &stage],
                )?
                .count(0)?;
            let rows = tx.query(
                "SELECT b.school, s.name, b.batch_id, b.sequence, b.received_at, r.record, r.content,
                        coalesce(r.stage, 'county'), r.approvals, r.sent_back
                 FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
                 JOIN school s ON s.code = b.school
                 WHERE r.status = 'pending' AND s.county LIKE $1 AND ($2 = '' OR b.school = $2)
                   AND ($5 = '' OR coalesce(r.stage, 'county') = $5)
                 ORDER BY b.received_at, b.batch_id, r.position LIMIT $3 OFFSET $4",
                args![&pattern, &school, page_size, offset, &stage],
            )?;
            let changes = rows
                .iter()
                .map(|row| {
                    serde_json::from_str::<Change>(&row.text(6)?)
                        .map_err(|e| Error::Storage(format!("保存的记录无法读取：{e}")))
                })
                .collect::<Result<Vec<Change>>>()?;
            let schools = rows
                .iter()
                .map(|row| row.text(0))
                .collect::<Result<Vec<String>>>()?;
            // What is in effect, and what the school last sent of each
            // teacher: one query each for the whole page.
            let wanted: Vec<(&str, &str, &str)> = schools
                .iter()
                .zip(&changes)
                .flat_map(|(school, change)| {
                    let record = change.record_id.as_deref().unwrap_or("");
                    [
                        (school.as_str(), change.teacher_id.as_str(), record),
                        (school.as_str(), change.teacher_id.as_str(), ""),
                    ]
                })
                .collect();
            let in_effect = states_of(tx, &wanted)?;
            let unseen: Vec<(&str, &str)> = wanted
                .iter()
                .filter(|(school, teacher, record)| {
                    record.is_empty()
                        && !in_effect.contains_key(&(
                            (*school).to_owned(),
                            (*teacher).to_owned(),
                            String::new(),
                        ))
                })
                .map(|(school, teacher, _)| (*school, *teacher))
                .collect();
            let sent = sent_teachers(tx, &unseen)?;
            let states = schools
                .iter()
                .zip(changes)
                .map(|(school, change)| {
                    let record = change.record_id.clone().unwrap_or_default();
                    let teacher_key = (school.clone(), change.teacher_id.clone(), String::new());
                    let before = in_effect
                        .get(&(school.clone(), change.teacher_id.clone(), record))
                        .cloned();
                    let teacher = match in_effect.get(&teacher_key) {
                        Some(teacher) => Some(teacher.clone()),
                        None => sent.get(&(school.clone(), change.teacher_id.clone())).cloned(),
                    };
                    (change, before, teacher)
                })
                .collect::<Vec<_>>();
            Ok((total, rows, states))
        })?;
        let labels = crate::labels::Labels::get();
        let mut items = Vec::with_capacity(rows.len());
        for (row, (change, before, teacher)) in rows.iter().zip(states) {
            let after_name = change.fields.get("name").map(json_text);
            let teacher_name =
                after_name.or_else(|| teacher.as_ref().and_then(|t| t.get("name")).map(json_text));
            let removal = matches!(change.op, ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord);
            let mut changes: Vec<FieldChange> = change
                .fields
                .iter()
                .map(|(field, after)| FieldChange {
                    field: field.clone(),
                    label: labels.field(field),
                    before: before
                        .as_ref()
                        .and_then(|b| b.get(field))
                        .map(|v| labels.value(field, &json_text(v))),
                    after: Some(labels.value(field, &json_text(after))),
                })
                .filter(|c| c.before != c.after || before.is_none())
                .collect();
            if removal && let Some(before) = &before {
                {
                    changes = before
                        .iter()
                        .map(|(field, value)| FieldChange {
                            field: field.clone(),
                            label: labels.field(field),
                            before: Some(labels.value(field, &json_text(value))),
                            after: None,
                        })
                        .collect();
                }
            }
            if let Some(status) = &change.status {
                changes.push(FieldChange {
                    field: "status".into(),
                    label: "人员状态变动".into(),
                    before: None,
                    after: Some(serde_json::to_string(status).unwrap_or_default()),
                });
            }
            items.push(QueueItem {
                school: row.text(0)?,
                school_name: row.text(1)?,
                batch_id: row.text(2)?,
                sequence: row.count(3)?,
                received_at: row.text(4)?,
                record: row.text(5)?,
                op: change.op.as_str().to_owned(),
                op_label: op_label(change.op).to_owned(),
                teacher_id: change.teacher_id.clone(),
                teacher_name,
                group_label: change.group.as_deref().map(|g| labels.group(g)),
                group: change.group.clone(),
                reason: change.reason.clone(),
                changes,
                stage: Level::parse(&row.text(7)?).unwrap_or(Level::County),
                approvals: approvals_of(row.opt_text(8)?.as_deref()),
                sent_back: row.opt_text(9)?,
            });
        }
        Ok(QueuePage {
            items,
            total,
            page,
            page_size,
        })
    }

    /// Accepts or returns the records `refs` as the console's officer, each
    /// in its own transaction; what was not decided is listed with why (a
    /// record reviewed meanwhile, outside the officer's subtree …).
    pub fn decide(
        &self,
        actor: &Actor,
        refs: &[RecordRef],
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<Decided> {
        actor.must(Permission::Review)?;
        let reason = decision_reason(decision, reason)?;
        let officer_id = actor.officer.as_ref().map(|o| o.id);
        let levels = self.review_levels()?;
        let mut decided = 0u64;
        let mut not_decided = Vec::new();
        for r in refs {
            let outcome = self.write(|tx| {
                let (stage, approvals) = self.waiting_record(tx, actor, r)?;
                let target = format!("{} / {}", r.batch_id, r.record);
                let next = match (&actor.officer, decision) {
                    (Some(_), Decision::Accepted) => levels.after(stage),
                    _ => None,
                };
                if let (Some(next), Some(officer)) = (next, &actor.officer) {
                    let mut approvals = approvals_of(approvals.as_deref());
                    approvals.push(Approval {
                        level: stage,
                        by: format!("{} {}", officer.org_name, officer.display_name),
                        at: protocol::now(),
                    });
                    tx.execute(
                        "UPDATE batch_record SET stage = $1, approvals = $2, sent_back = NULL
                         WHERE batch_id = $3 AND record = $4",
                        args![
                            next.as_str(),
                            serde_json::to_string(&approvals).unwrap_or_default(),
                            &r.batch_id,
                            &r.record
                        ],
                    )?;
                    return audit(
                        tx,
                        actor,
                        "审核通过",
                        &target,
                        &format!("报{}级审核", next.label()),
                    );
                }
                review_in(
                    tx,
                    &r.batch_id,
                    &r.record,
                    decision,
                    reason.as_deref(),
                    1,
                    officer_id,
                )?;
                audit(
                    tx,
                    actor,
                    if decision == Decision::Accepted {
                        "审核生效"
                    } else {
                        "审核退回"
                    },
                    &target,
                    reason.as_deref().unwrap_or(""),
                )
            });
            match outcome {
                Ok(()) => decided = decided.saturating_add(1),
                Err(e) if e.is_about_one_record() => not_decided.push(NotDecided {
                    batch_id: r.batch_id.clone(),
                    record: r.record.clone(),
                    why: e.to_string(),
                }),
                Err(other) => return Err(other),
            }
        }
        Ok(Decided {
            decided,
            not_decided,
        })
    }

    /// Sends records waiting at the officer's level back to the level below
    /// (退回下级重审), with the reason the lower level reads.
    pub fn send_back(&self, actor: &Actor, refs: &[RecordRef], reason: &str) -> Result<Decided> {
        actor.must(Permission::Review)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(Error::ReasonRequired {
                max: MAX_REASON_CHARS,
            });
        }
        let Some(officer) = &actor.officer else {
            return Err(Error::BadRequest(
                "退回下级重审要由上级审核人员在控制台操作".into(),
            ));
        };
        let levels = self.review_levels()?;
        let Some(below) = levels.before(officer.level) else {
            return Err(Error::NothingBelow {
                level: officer.level.label().into(),
            });
        };
        let note = format!("{} {}：{reason}", officer.org_name, officer.display_name);
        let mut decided = 0u64;
        let mut not_decided = Vec::new();
        for r in refs {
            let outcome = self.write(|tx| {
                self.waiting_record(tx, actor, r)?;
                tx.execute(
                    "UPDATE batch_record SET stage = $1, sent_back = $2
                     WHERE batch_id = $3 AND record = $4",
                    args![below.as_str(), &note, &r.batch_id, &r.record],
                )?;
                audit(
                    tx,
                    actor,
                    "退回下级重审",
                    &format!("{} / {}", r.batch_id, r.record),
                    reason,
                )
            });
            match outcome {
                Ok(()) => decided = decided.saturating_add(1),
                Err(e) if e.is_about_one_record() => not_decided.push(NotDecided {
                    batch_id: r.batch_id.clone(),
                    record: r.record.clone(),
                    why: e.to_string(),
                }),
                Err(other) => return Err(other),
            }
        }
        Ok(Decided {
            decided,
            not_decided,
        })
    }

    /// A record the actor may decide now: pending, in their subtree and
    /// waiting at their level. Its stage and the approvals so far.
    fn waiting_record(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        r: &RecordRef,
    ) -> Result<(Level, Option<String>)> {
        let county = tx
            .query_opt(
                "SELECT s.county FROM batch b JOIN school s ON s.code = b.school
                 WHERE b.batch_id = $1",
                args![&r.batch_id],
            )?
            .ok_or_else(|| Error::BatchNotFound(r.batch_id.clone()))?
            .text(0)?;
        actor.must_cover(&county)?;
        let sql = format!(
            "SELECT status, coalesce(stage, 'county'), approvals FROM batch_record
             WHERE batch_id = $1 AND record = $2{}",
            tx.for_update()
        );
        let row = tx
            .query_opt(&sql, args![&r.batch_id, &r.record])?
            .ok_or_else(|| Error::RecordNotFound {
                batch: r.batch_id.clone(),
                record: r.record.clone(),
            })?;
        let status = row.text(0)?;
        if status != "pending" {
            return Err(Error::AlreadyReviewed {
                batch: r.batch_id.clone(),
                record: r.record.clone(),
                decision: if status == "accepted" {
                    "生效"
                } else {
                    "退回"
                }
                .into(),
            });
        }
        let stage = Level::parse(&row.text(1)?).unwrap_or(Level::County);
        if let Some(officer) = &actor.officer
            && officer.level != stage
        {
            return Err(Error::WaitingElsewhere {
                level: stage.label().into(),
            });
        }
        Ok((stage, row.opt_text(2)?))
    }
}

/// A value as the console shows it.
fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn op_label(op: ChangeOp) -> &'static str {
    match op {
        ChangeOp::NewTeacher => "新增教师",
        ChangeOp::NewRecord => "新增记录",
        ChangeOp::UpdateTeacher => "修改教师信息",
        ChangeOp::UpdateRecord => "修改记录",
        ChangeOp::RemoveTeacher => "删除教师",
        ChangeOp::RemoveRecord => "删除记录",
        ChangeOp::ChangeRequest => "变更申请",
        ChangeOp::StatusChange => "人员状态变动",
        #[allow(unreachable_patterns)]
        _ => "其他变动",
    }
}

/// What is in effect for a teacher (`record_id` '') or one of their
/// records; None when nothing is.
fn state_of(
    tx: &mut dyn Tx,
    school: &str,
    teacher: &str,
    record_id: &str,
) -> Result<Option<Map<String, Json>>> {
    let row = tx.query_opt(
        "SELECT fields FROM teacher_state
         WHERE school = $1 AND teacher_id = $2 AND record_id = $3 AND removed = 0",
        args![school, teacher, record_id],
    )?;
    row.map(|r| {
        serde_json::from_str(&r.text(0)?)
            .map_err(|e| Error::Storage(format!("保存的在用信息无法读取：{e}")))
    })
    .transpose()
}

/// A row of `teacher_state`: school, teacher, record ('' for the teacher).
type StateKey = (String, String, String);

/// The values in effect for each (school, teacher, record) asked (record
/// '' for the teacher), in one query; what is missing has nothing in effect.
fn states_of(
    tx: &mut dyn Tx,
    wanted: &[(&str, &str, &str)],
) -> Result<HashMap<StateKey, Map<String, Json>>> {
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let mut params = Vec::with_capacity(wanted.len().saturating_mul(3));
    let mut alternatives = Vec::with_capacity(wanted.len());
    for (school, teacher, record) in wanted {
        let n = params.len();
        alternatives.push(format!(
            "(school = ${} AND teacher_id = ${} AND record_id = ${})",
            n.saturating_add(1),
            n.saturating_add(2),
            n.saturating_add(3)
        ));
        params.extend([
            Value::from(*school),
            Value::from(*teacher),
            Value::from(*record),
        ]);
    }
    let rows = tx.query(
        &format!(
            "SELECT school, teacher_id, record_id, fields FROM teacher_state
             WHERE removed = 0 AND ({})",
            alternatives.join(" OR ")
        ),
        &params,
    )?;
    for row in rows {
        let fields: Map<String, Json> = serde_json::from_str(&row.text(3)?)
            .map_err(|e| Error::Storage(format!("保存的在用信息无法读取：{e}")))?;
        found.insert((row.text(0)?, row.text(1)?, row.text(2)?), fields);
    }
    Ok(found)
}

/// Each teacher's values as the school last sent them, for those with none
/// in effect yet (a new teacher waiting in the queue beside their records),
/// in one query.
fn sent_teachers(
    tx: &mut dyn Tx,
    teachers: &[(&str, &str)],
) -> Result<HashMap<(String, String), Map<String, Json>>> {
    let mut found = HashMap::new();
    if teachers.is_empty() {
        return Ok(found);
    }
    let mut params = Vec::with_capacity(teachers.len().saturating_mul(2));
    let mut alternatives = Vec::with_capacity(teachers.len());
    for (school, teacher) in teachers {
        let n = params.len();
        alternatives.push(format!(
            "(b.school = ${} AND r.teacher_id = ${})",
            n.saturating_add(1),
            n.saturating_add(2)
        ));
        params.extend([Value::from(*school), Value::from(*teacher)]);
    }
    let rows = tx.query(
        &format!(
            "SELECT b.school, r.teacher_id, r.content
             FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
             WHERE r.op IN ('new_teacher', 'update_teacher') AND ({})
             ORDER BY b.sequence DESC, r.position DESC",
            alternatives.join(" OR ")
        ),
        &params,
    )?;
    for row in rows {
        let key = (row.text(0)?, row.text(1)?);
        if found.contains_key(&key) {
            continue; // an older one: the newest came first
        }
        if let Some(change) = row
            .text(2)
            .ok()
            .and_then(|text| serde_json::from_str::<Change>(&text).ok())
        {
            found.insert(key, change.fields);
        }
    }
    Ok(found)
}

/// Puts an accepted change in effect: a new or updated teacher or record
/// takes its values, a change request merges the changed ones, a removal
/// marks it removed.
pub(crate) fn take_effect(
    tx: &mut dyn Tx,
    school: &str,
    content: &str,
    accepted_at: &str,
) -> Result<()> {
    let change: Change = serde_json::from_str(content)
        .map_err(|e| Error::Storage(format!("保存的记录无法读取：{e}")))?;
    let record_id = change.record_id.clone().unwrap_or_default();
    let group = change.group.clone().unwrap_or_default();
    let (fields, removed) = match change.op {
        ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord => (
            state_of(tx, school, &change.teacher_id, &record_id)?.unwrap_or_default(),
            1,
        ),
        ChangeOp::ChangeRequest | ChangeOp::StatusChange => {
            let mut merged =
                state_of(tx, school, &change.teacher_id, &record_id)?.unwrap_or_default();
            for (k, v) in &change.fields {
                merged.insert(k.clone(), v.clone());
            }
            (merged, 0)
        }
        _ => (change.fields.clone(), 0),
    };
    // What the console lists and counts, in columns of their own beside
    // the JSON (migration 0006).
    let listed = Listed::of(&fields);
    let fields = serde_json::to_string(&fields).unwrap_or_default();
    tx.execute(
        "INSERT INTO teacher_state (school, teacher_id, record_id, grp, fields, version, removed,
                                    accepted_at, name, id_number, gender, birth_date, id_type,
                                    highest_education, current_title)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (school, teacher_id, record_id) DO UPDATE SET
             grp = excluded.grp, fields = excluded.fields, version = excluded.version,
             removed = excluded.removed, accepted_at = excluded.accepted_at,
             name = excluded.name, id_number = excluded.id_number, gender = excluded.gender,
             birth_date = excluded.birth_date, id_type = excluded.id_type,
             highest_education = excluded.highest_education,
             current_title = excluded.current_title",
        args![
            school,
            &change.teacher_id,
            &record_id,
            &group,
            &fields,
            change.version,
            removed as i64,
            accepted_at,
            &listed.name,
            &listed.id_number,
            &listed.gender,
            &listed.birth_date,
            &listed.id_type,
            &listed.highest_education,
            &listed.current_title
        ],
    )?;
    Ok(())
}
