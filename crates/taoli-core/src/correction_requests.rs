//! Identity corrections after 生效 (更正申请, issue #17): a teacher whose
//! identity the county holds in effect keeps it until the county accepts
//! the correction. [`crate::entry::DataEntry::correct_identity`] asks for it
//! here instead of writing the teacher; the next batch carries it as a
//! 变更申请 of the teacher's identity (`correction:<id>`); the review's
//! decision is applied by [`decided_upstream`]: accepted, the teacher takes
//! the corrected identity (a new version, which the batch's change already
//! names, so nothing goes upstream twice); returned, it stays as it was,
//! with the reviewer's note, until the clerk withdraws the request or asks
//! again (`docs/status-changes.md`, "Corrections").

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction};

use crate::account::Actor;
use crate::correction_request::{CorrectionRequest, RequestState};
use crate::error::{Result, TeacherError};
use crate::store::{SchoolFile, identity_corrections, teachers};
use crate::teacher::{NewTeacher, Teacher, ValidNewTeacher};
use crate::time::now;

/// Whether the county holds the teacher's identity in effect as it is on
/// file: the last change of it a batch (not refused) carried was accepted,
/// at the teacher's current version. A correction request that is not
/// accepted does not count (it never changed the teacher).
pub(crate) fn identity_in_effect(school: &SchoolFile, teacher: &Teacher) -> Result<bool> {
    let latest: Option<(String, Option<i64>, String)> = school
        .conn
        .query_row(
            "SELECT i.status, i.version, i.op FROM batch_item i JOIN batch b ON b.id = i.batch_id
             WHERE i.entity = 'teacher' AND i.entity_id = ?1 AND b.state <> 'refused'
               AND i.op <> 'status_change'
               AND NOT (i.change_id LIKE 'correction:%' AND i.status <> 'accepted')
             ORDER BY b.sequence DESC, b.rowid DESC, i.rowid DESC LIMIT 1",
            [&teacher.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(matches!(
        latest,
        Some((status, Some(version), op))
            if status == "accepted" && version == teacher.version && op != "remove_teacher"
    ))
}

/// The teacher's request still open: waiting for the county, or returned
/// and not yet withdrawn or asked again (a new request closes the one it
/// answers, so the latest of these is the one).
pub(crate) fn open_request(
    conn: &rusqlite::Connection,
    teacher_id: &str,
) -> Result<Option<CorrectionRequest>> {
    Ok(identity_corrections::of_teacher(conn, teacher_id)?
        .into_iter()
        .rev()
        .find(|r| matches!(r.state, RequestState::Pending | RequestState::Returned)))
}

/// Asks the county for a correction of `stored`'s identity (audited). One
/// waits at a time; a returned one is answered by this new one.
pub(crate) fn request(
    school: &mut SchoolFile,
    actor: &Actor,
    stored: &Teacher,
    valid: &ValidNewTeacher,
    reason: &str,
    evidence: Option<&str>,
) -> Result<CorrectionRequest> {
    if let Some(open) = open_request(&school.conn, &stored.id)?
        && open.state == RequestState::Pending
    {
        return Err(TeacherError::CorrectionPending {
            name: stored.name.clone(),
        }
        .into());
    }
    if let Some(existing) = teachers::find(&school.conn, &valid.id_type.code, &valid.id_number)?
        && existing.id != stored.id
    {
        return Err(TeacherError::DuplicateTeacher {
            id_type_name: valid.id_type.name.clone(),
            id_number: valid.id_number.clone(),
            existing_name: existing.name,
        }
        .into());
    }
    let request = CorrectionRequest {
        id: uuid::Uuid::now_v7().hyphenated().to_string(),
        teacher_id: stored.id.clone(),
        name: valid.name.clone(),
        id_type: valid.id_type.code.clone(),
        id_type_name: valid.id_type.name.clone(),
        id_number: valid.id_number.clone(),
        old_name: stored.name.clone(),
        old_id_type: stored.id_type.clone(),
        old_id_type_name: stored.id_type_name.clone(),
        old_id_number: stored.id_number.clone(),
        reason: reason.to_owned(),
        evidence: evidence
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned),
        state: RequestState::Pending,
        sent: false,
        decision_note: None,
        decided_at: None,
        created_at: now(),
        created_by: actor.name().to_owned(),
    };
    school.write(|tx| {
        // A returned request is answered by this one: it is closed first.
        if let Some(open) = open_request(tx, &stored.id)? {
            identity_corrections::decide(tx, actor, &open, RequestState::Withdrawn, None, &now())?;
        }
        identity_corrections::insert(tx, actor, &request)
    })?;
    Ok(request)
}

/// Withdraws the teacher's open request (waiting, or returned), audited.
pub(crate) fn withdraw(
    school: &mut SchoolFile,
    actor: &Actor,
    teacher: &Teacher,
) -> Result<CorrectionRequest> {
    let open = open_request(&school.conn, &teacher.id)?.ok_or_else(|| {
        TeacherError::CorrectionNothingOpen {
            name: teacher.name.clone(),
        }
    })?;
    school.write(|tx| {
        identity_corrections::decide(tx, actor, &open, RequestState::Withdrawn, None, &now())
    })
}

/// By teacher, the correction waiting for the county: what the teacher's
/// verification sheet prints, and what the next batch carries.
pub(crate) fn awaiting_county(school: &SchoolFile) -> Result<HashMap<String, CorrectionRequest>> {
    Ok(
        identity_corrections::in_state(&school.conn, RequestState::Pending)?
            .into_iter()
            .map(|r| (r.teacher_id.clone(), r))
            .collect(),
    )
}

/// Every request returned and still open, by teacher.
pub(crate) fn returned(school: &SchoolFile) -> Result<HashMap<String, CorrectionRequest>> {
    Ok(
        identity_corrections::in_state(&school.conn, RequestState::Returned)?
            .into_iter()
            .map(|r| (r.teacher_id.clone(), r))
            .collect(),
    )
}

/// The identity a request asks for, checked as a new teacher's is.
pub(crate) fn asked_identity(request: &CorrectionRequest) -> Result<ValidNewTeacher> {
    NewTeacher {
        name: request.name.clone(),
        id_type: request.id_type.clone(),
        id_number: request.id_number.clone(),
    }
    .validate()
}

/// Applies the county's decision on request `request_id`, inside the review
/// page's transaction. Accepted: the teacher takes the identity asked for
/// (audited as a correction with its reason); returns the teacher's new
/// version. Returned: the request keeps the note. A request no longer
/// waiting (withdrawn meanwhile) is left as it is.
pub(crate) fn decided_upstream(
    tx: &Transaction<'_>,
    actor: &Actor,
    request_id: &str,
    accepted: bool,
    note: Option<&str>,
) -> Result<Option<i64>> {
    let Some(request) = identity_corrections::by_id(tx, request_id)? else {
        return Ok(None);
    };
    if request.state != RequestState::Pending {
        return Ok(None);
    }
    let at = now();
    if !accepted {
        identity_corrections::decide(tx, actor, &request, RequestState::Returned, note, &at)?;
        return Ok(None);
    }
    identity_corrections::decide(tx, actor, &request, RequestState::Accepted, note, &at)?;
    let valid = asked_identity(&request)?;
    match teachers::correct(tx, actor, &request.teacher_id, &valid, &request.reason) {
        Ok(teacher) => Ok(Some(teacher.version)),
        // Another teacher took the number meanwhile: the decision is kept,
        // and the clerk sees the request accepted and the identity unchanged
        // (the duplicates list finds the pair).
        Err(crate::Error::Teacher(TeacherError::DuplicateTeacher { .. })) => Ok(None),
        Err(error) => Err(error),
    }
}
