//! Printed verification sheets and their sign-off (签字确认). Printing keeps
//! the fingerprint of each teacher's sheet; marking a sheet signed names one
//! of the fingerprints printed for that teacher. Each write is one transaction
//! with its revisions (entity `teacher`, entity id `sheet:…` / `signoff:…`, so
//! that printing or signing never counts as a change to the teacher's data).

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::account::{Actor, Permission};
use crate::error::SheetsError;
use crate::error::{Error, Result};
use crate::revision::{Action, Entity};
use crate::sheets::VerificationSheets;
use crate::sheets::{PrintedSheet, fingerprint};
use crate::store::{SchoolFile, revisions, school_settings};
use crate::time::now;

/// Where a teacher's sheet stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SignoffState {
    /// No sheet of theirs has been marked signed (未签字).
    None,
    /// They signed a sheet and their information is still what it printed (已签字).
    Signed {
        /// The fingerprint signed, which is also the current one.
        current: String,
        signed_by: String,
        signed_at: String,
    },
    /// They signed a sheet, but their information has changed since (签字后有改动):
    /// print a new sheet for them to check.
    Stale {
        signed: String,
        current: String,
        signed_by: String,
        signed_at: String,
    },
}

impl SignoffState {
    /// How the teacher list shows the state.
    pub fn label(&self) -> &'static str {
        match self {
            SignoffState::None => "未签字",
            SignoffState::Signed { .. } => "已签字",
            SignoffState::Stale { .. } => "签字后有改动",
        }
    }

    /// The state in English, for `TAOLI_LANG=en`.
    pub fn label_en(&self) -> &'static str {
        match self {
            SignoffState::None => "not signed",
            SignoffState::Signed { .. } => "signed",
            SignoffState::Stale { .. } => "changed since signed",
        }
    }

    fn from_latest(latest: Option<Signoff>, current: &str) -> SignoffState {
        match latest {
            None => SignoffState::None,
            Some(s) if s.fingerprint == current => SignoffState::Signed {
                current: s.fingerprint,
                signed_by: s.actor,
                signed_at: s.at,
            },
            Some(s) => SignoffState::Stale {
                signed: s.fingerprint,
                current: current.to_owned(),
                signed_by: s.actor,
                signed_at: s.at,
            },
        }
    }
}

/// One version of a teacher's sheet that was printed: the sign-off dialog
/// lists these so the clerk can match the paper in hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SheetPrint {
    pub fingerprint: String,
    /// When it was last printed (RFC 3339, UTC).
    pub printed_at: String,
    pub printed_by: String,
    /// Whether it prints the teacher's information as it is now.
    pub current: bool,
}

/// A teacher's sign-off as the app shows it: the state and the versions printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignoffInfo {
    pub teacher_id: String,
    pub state: SignoffState,
    /// Printed versions, latest first.
    pub prints: Vec<SheetPrint>,
}

/// A sign-off as stored.
#[derive(Debug, Clone)]
struct Signoff {
    fingerprint: String,
    actor: String,
    at: String,
}

fn latest_signoffs(
    conn: &Connection,
    teacher_id: Option<&str>,
) -> Result<HashMap<String, Signoff>> {
    let mut stmt = conn.prepare(
        "SELECT teacher_id, fingerprint, actor, at FROM signoff
         WHERE id IN (SELECT MAX(id) FROM signoff WHERE ?1 IS NULL OR teacher_id = ?1 GROUP BY teacher_id)",
    )?;
    let rows = stmt.query_map([teacher_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Signoff {
                fingerprint: r.get(1)?,
                actor: r.get(2)?,
                at: r.get(3)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The teachers on the active roster whose 信息确认表 is not signed, or was
/// signed before their information changed: what 还差什么 on the 报送 page
/// lists (a departed teacher signs nothing more).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SignoffGaps {
    /// Not signed yet (未签字), in registration order.
    pub unsigned: Vec<crate::teacher::Teacher>,
    /// Signed, but changed since (签字后有改动), in registration order.
    pub stale: Vec<crate::teacher::Teacher>,
}

impl VerificationSheets<'_> {
    /// The teachers asked to sign today ([`signers`]) whose sheet is
    /// unsigned or stale.
    pub fn gaps(&self) -> Result<SignoffGaps> {
        self.school.require(Permission::TeachersView)?;
        let states = states(self.school)?;
        let signers = signers(self.school)?;
        let mut gaps = SignoffGaps::default();
        for teacher in self.school.stored_teachers()? {
            if !signers.contains(&teacher.id) {
                continue;
            }
            let shown = self.school.shown(teacher.clone());
            match states.get(&teacher.id) {
                Some(SignoffState::Signed { .. }) => {}
                Some(SignoffState::Stale { .. }) => gaps.stale.push(shown),
                _ => gaps.unsigned.push(shown),
            }
        }
        Ok(gaps)
    }

    /// The sign-off gate: whether a teacher's changes wait for a signed,
    /// current sheet before they go upstream (off unless the school turns
    /// it on), and how many teachers it would hold back.
    pub fn signoff_gate(&self) -> Result<SignoffGate> {
        let gaps = self.gaps()?;
        Ok(SignoffGate {
            required: signoff_required(&self.school.conn)?,
            unsigned: gaps.unsigned.len(),
            stale: gaps.stale.len(),
        })
    }

    /// Turns the sign-off gate on or off (系统管理员: settings; audited).
    /// From the next batch on, the changes of every teacher in
    /// [`SignoffGaps`] wait; a batch already built goes as it is.
    pub fn set_signoff_required(&mut self, required: bool) -> Result<SignoffGate> {
        let actor = self.school.require(Permission::SettingsManage)?;
        self.school
            .write(|tx| school_settings::set(tx, &actor, SIGNOFF_SETTING, required))?;
        self.signoff_gate()
    }
}

/// The sign-off gate as the settings and `taoli signoff-gate` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SignoffGate {
    /// A signed, current sheet is required before a teacher's changes go upstream.
    pub required: bool,
    /// Teachers asked to sign whose sheet is not signed (未签字).
    #[ts(type = "number")]
    pub unsigned: usize,
    /// Teachers asked to sign whose information changed since they signed.
    #[ts(type = "number")]
    pub stale: usize,
}

/// The setting's key in `school_setting`: a signed, current sheet before
/// a teacher's changes go upstream.
const SIGNOFF_SETTING: &str = "signoff_before_upload";

/// Whether the school requires a signed, current sheet before upload.
pub(crate) fn signoff_required(conn: &Connection) -> Result<bool> {
    school_settings::is_on(conn, SIGNOFF_SETTING)
}

/// Why the sign-off gate holds a teacher's changes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignoffLack {
    /// No sheet of theirs is signed (未签字).
    Unsigned,
    /// They signed, but their information changed since (签字后有改动),
    /// a change of status or a correction asked for included.
    Stale,
}

/// The teachers whose changes the sign-off gate holds back, and why: none
/// when the school does not require it. Only teachers asked to sign
/// ([`signers`]): one who left, or whose leaving waits for the county,
/// signs nothing more, and their changes go without.
pub(crate) fn held_for_signoff(school: &SchoolFile) -> Result<HashMap<String, SignoffLack>> {
    if !signoff_required(&school.conn)? {
        return Ok(HashMap::new());
    }
    let signers = signers(school)?;
    Ok(states(school)?
        .into_iter()
        .filter(|(id, _)| signers.contains(id))
        .filter_map(|(id, state)| match state {
            SignoffState::Signed { .. } => None,
            SignoffState::Stale { .. } => Some((id, SignoffLack::Stale)),
            SignoffState::None => Some((id, SignoffLack::Unsigned)),
        })
        .collect())
}

/// The teachers asked to sign their sheet: those on the active roster
/// today, but not one whose change of status taking them off it waits for
/// the county (a teacher who retires or died is not asked to sign).
fn signers(school: &SchoolFile) -> Result<HashSet<String>> {
    let catalog = school.catalog()?;
    let roster = crate::status_changes::Roster::read(school)?;
    let leaving: HashSet<String> = crate::status_changes::awaiting_county(school)?
        .into_iter()
        .filter(|(_, status)| {
            catalog
                .status_change(status)
                .is_some_and(|rule| !rule.on_roster)
        })
        .map(|(id, _)| id)
        .collect();
    let today = chrono::Local::now().date_naive();
    Ok(school
        .stored_teachers()?
        .into_iter()
        .filter(|t| roster.on_roster(&catalog, &t.id, today) && !leaving.contains(&t.id))
        .map(|t| t.id)
        .collect())
}

impl VerificationSheets<'_> {
    /// Records the sheets just printed: one row and one revision per teacher,
    /// all in one transaction.
    pub(crate) fn record_prints(&mut self, sheets: &[PrintedSheet], actor: &Actor) -> Result<()> {
        self.school.write(|tx| {
            let at = now();
            for sheet in sheets {
                tx.prepare_cached(
                    "INSERT INTO sheet_print (teacher_id, fingerprint, actor, at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute((&sheet.teacher_id, &sheet.fingerprint, actor.name(), &at))?;
                let value = serde_json::json!({ "sheet_printed": { "fingerprint": sheet.fingerprint } });
                revisions::record_text(
                    tx,
                    &at,
                    actor,
                    Entity::Teacher,
                    &format!("sheet:{}", sheet.teacher_id),
                    Some(&sheet.teacher_id),
                    Action::Create,
                    None,
                    Some(&value.to_string()),
                )?;
            }
            Ok(())
        })
    }

    /// The fingerprints printed for a teacher, latest first.
    pub fn printed_fingerprints(&self, teacher_id: &str) -> Result<Vec<String>> {
        self.school.require(Permission::TeachersView)?;
        self.stored_fingerprints(teacher_id)
    }

    fn stored_fingerprints(&self, teacher_id: &str) -> Result<Vec<String>> {
        let mut stmt = self.school.conn.prepare(
            "SELECT fingerprint FROM sheet_print WHERE teacher_id = ?1
             GROUP BY fingerprint ORDER BY MAX(id) DESC",
        )?;
        let rows = stmt.query_map([teacher_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A teacher's sign-off state with every version of their sheet printed.
    pub fn signoff_info(&self, teacher_id: &str) -> Result<SignoffInfo> {
        self.school.require(Permission::TeachersView)?;
        let state = self.signoff_state(teacher_id)?;
        let current = match &state {
            SignoffState::Signed { current, .. } | SignoffState::Stale { current, .. } => {
                current.clone()
            }
            SignoffState::None => self
                .current_fingerprints(Some(teacher_id))?
                .remove(teacher_id)
                .unwrap_or_default(),
        };
        let mut stmt = self.school.conn.prepare(
            "SELECT fingerprint, actor, at FROM sheet_print WHERE id IN
               (SELECT MAX(id) FROM sheet_print WHERE teacher_id = ?1 GROUP BY fingerprint)
             ORDER BY id DESC",
        )?;
        let prints = stmt
            .query_map([teacher_id], |r| {
                let fingerprint: String = r.get(0)?;
                Ok(SheetPrint {
                    current: fingerprint == current,
                    fingerprint,
                    printed_by: r.get(1)?,
                    printed_at: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SignoffInfo {
            teacher_id: teacher_id.to_owned(),
            state,
            prints,
        })
    }

    /// Marks a teacher's sheet signed: `fingerprint` is the one on the signed
    /// paper's footer (spaces, dashes and capitals allowed) and must be one
    /// printed for this teacher. Returns the teacher's state after it; a sheet
    /// printed before a later change is recorded as signed but shows as stale.
    pub fn signoff(&mut self, teacher_id: &str, fingerprint: &str) -> Result<SignoffState> {
        let actor = &self.school.require(Permission::SheetsPrint)?;
        let fingerprint = fingerprint::normalize(fingerprint).ok_or_else(|| {
            Error::Sheets(SheetsError::InvalidFingerprint(
                fingerprint.trim().to_owned(),
            ))
        })?;
        let teacher = self.school.stored_teacher(teacher_id)?;
        let printed = self.stored_fingerprints(&teacher.id)?;
        if !printed.contains(&fingerprint) {
            return Err(SheetsError::FingerprintNotPrinted {
                teacher: teacher.name,
                fingerprint,
                printed: if printed.is_empty() {
                    "还没有为这位教师打印过确认表".to_owned()
                } else {
                    let shown: Vec<&str> = printed.iter().take(5).map(String::as_str).collect();
                    format!("打印过的指纹：{}", shown.join("、"))
                },
            }
            .into());
        }
        self.school.write(|tx| {
            let at = now();
            tx.execute(
                "INSERT INTO signoff (teacher_id, fingerprint, actor, at) VALUES (?1, ?2, ?3, ?4)",
                (&teacher.id, &fingerprint, actor.name(), &at),
            )?;
            revisions::record(
                tx,
                actor,
                Entity::Teacher,
                &format!("signoff:{}", teacher.id),
                Some(&teacher.id),
                Action::Create,
                None,
                Some(&serde_json::json!({ "signoff": { "fingerprint": fingerprint } })),
            )
        })?;
        self.signoff_state(&teacher.id)
    }

    /// Where a teacher's sheet stands: not signed, signed, or changed since signed.
    pub fn signoff_state(&self, teacher_id: &str) -> Result<SignoffState> {
        self.school.require(Permission::TeachersView)?;
        let latest = latest_signoffs(&self.school.conn, Some(teacher_id))?.remove(teacher_id);
        let Some(latest) = latest else {
            self.school.stored_teacher(teacher_id)?;
            return Ok(SignoffState::None);
        };
        let current = self
            .current_fingerprints(Some(teacher_id))?
            .remove(teacher_id)
            .unwrap_or_default();
        Ok(SignoffState::from_latest(Some(latest), &current))
    }

    /// Every teacher's state, by teacher id.
    pub fn signoff_states(&self) -> Result<HashMap<String, SignoffState>> {
        self.school.require(Permission::TeachersView)?;
        states(self.school)
    }
}

/// Every teacher's sign-off state, by teacher id. Unchecked: the core's own
/// read (the batches' sign-off gate and marks).
pub(crate) fn states(school: &SchoolFile) -> Result<HashMap<String, SignoffState>> {
    let mut latest = latest_signoffs(&school.conn, None)?;
    if latest.is_empty() {
        return Ok(school
            .stored_teachers()?
            .into_iter()
            .map(|t| (t.id, SignoffState::None))
            .collect());
    }
    Ok(crate::sheets::fingerprints(school, None)?
        .into_iter()
        .map(|(id, current)| {
            let state = SignoffState::from_latest(latest.remove(&id), &current);
            (id, state)
        })
        .collect())
}
