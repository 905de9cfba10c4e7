//! A teacher's life at the school (在职情况变动): a change of 人员状态 as an
//! event with its date, reason and evidence; changes the school decides
//! take effect at once, the county's wait; the status history; who is on
//! the active roster on a day (statistics, the teacher list) and who has
//! left (离校教师); what a status locks; and the first event every teacher
//! on an older file gets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/teachers.rs"]
mod teachers;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::Connection;
use taoli_core::catalog::ProvincePack;
use taoli_core::error::{Error, TeacherError};
use taoli_core::revision::Operation;
use taoli_core::search::TeacherListing;
use taoli_core::status_changes::{NewStatusChange, RosterFilter};
use taoli_core::status_event::{EventKind, EventState};
use taoli_core::store::migrations::MIGRATIONS;
use taoli_core::{NewTeacher, SchoolFile, Teacher};
use teachers::{resident_id, school, teacher_error};
use tempfile::TempDir;

/// A school whose province lets it record a departure at once
/// (`fixtures/province/status-changes-school-decides.toml`).
fn school_deciding_departures(dir: &TempDir) -> SchoolFile {
    let mut file = school(dir);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/province/status-changes-school-decides.toml");
    let pack = ProvincePack::parse(&std::fs::read_to_string(&path).unwrap(), "pack").unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    file.province().use_pack(&pack).unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    file
}

/// A teacher in post (人员状态 100).
fn teacher(file: &mut SchoolFile, name: &str, sequence: &str) -> Teacher {
    let teacher = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "1".into(),
            id_number: resident_id(sequence),
        })
        .unwrap();
    file.data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("人员状态".into(), "100".into())],
        )
        .unwrap();
    teacher
}

fn change(teacher: &Teacher, status: &str, date: &str, reason: &str) -> NewStatusChange {
    NewStatusChange {
        teacher_id: teacher.id.clone(),
        status: status.into(),
        effective_date: date.into(),
        reason: reason.into(),
        evidence: None,
    }
}

fn status_on_file(file: &SchoolFile, teacher: &Teacher) -> Option<String> {
    file.teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .and_then(|r| r.fields.get("personnel_status").cloned())
        .and_then(|v| v.as_str().map(str::to_owned))
}

fn listed(listing: &TeacherListing) -> Vec<&str> {
    listing.teachers.iter().map(|t| t.name.as_str()).collect()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[test]
fn a_change_the_school_decides_takes_effect_at_once() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let event = file
        .status_changes()
        .change(&change(
            &zhang,
            "204",
            "2026-09-01",
            "赴师范大学脱产进修一年",
        ))
        .unwrap();
    assert_eq!(event.state, EventState::InEffect);
    assert_eq!(status_on_file(&file, &zhang).as_deref(), Some("204"));
}

#[test]
fn a_status_is_also_accepted_by_its_name() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let event = file
        .status_changes()
        .change(&change(&zhang, "进修", "2026-09-01", "脱产进修"))
        .unwrap();
    assert_eq!(event.status, "204");
}

#[test]
fn a_departure_the_county_approves_waits_and_leaves_the_status_on_file() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let mut leaving = change(&zhang, "301", "2026-08-31", "到龄退休");
    leaving.evidence = Some("桃教人〔2026〕12号".into());
    let event = file.status_changes().change(&leaving).unwrap();
    assert_eq!(event.state, EventState::Pending);
    assert_eq!(status_on_file(&file, &zhang).as_deref(), Some("100"));
    let timeline = file.status_changes().timeline(&zhang.id).unwrap();
    assert_eq!(
        timeline.pending.as_ref().map(|e| e.id.as_str()),
        Some(event.id.as_str())
    );
    assert!(timeline.on_roster);
}

#[test]
fn a_change_that_asks_for_evidence_is_refused_without_it() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .status_changes()
        .change(&change(&zhang, "301", "2026-08-31", "到龄退休"))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::StatusEvidenceMissing { .. }
    ),);
}

#[test]
fn a_second_change_waits_for_the_pending_one() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let mut leaving = change(&zhang, "306", "2026-08-31", "本人申请辞职");
    leaving.evidence = Some("辞职申请书".into());
    file.status_changes().change(&leaving).unwrap();
    let err = file
        .status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "进修"))
        .unwrap_err();
    let err = teacher_error(err);
    assert!(matches!(err, TeacherError::StatusPending { .. }));
    assert!(err.to_string().contains("等待上级审核"), "{err}");
}

#[test]
fn a_pending_change_can_be_withdrawn_and_stays_in_the_history() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let mut leaving = change(&zhang, "306", "2026-08-31", "本人申请辞职");
    leaving.evidence = Some("辞职申请书".into());
    let event = file.status_changes().change(&leaving).unwrap();
    file.status_changes().withdraw(&event.id).unwrap();
    let timeline = file.status_changes().timeline(&zhang.id).unwrap();
    assert!(timeline.pending.is_none());
    assert!(
        timeline
            .events
            .iter()
            .any(|e| e.id == event.id && e.state == EventState::Withdrawn)
    );
    file.status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "进修"))
        .unwrap();
}

#[test]
fn the_history_begins_with_the_status_the_teacher_had() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "进修"))
        .unwrap();
    let events = file.status_changes().timeline(&zhang.id).unwrap().events;
    let steps: Vec<(EventKind, &str)> =
        events.iter().map(|e| (e.kind, e.status.as_str())).collect();
    assert_eq!(
        steps,
        [(EventKind::Initial, "100"), (EventKind::Change, "204")]
    );
}

#[test]
fn coming_back_is_another_event() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.status_changes()
        .change(&change(&zhang, "202", "2026-03-01", "借调到县教育局"))
        .unwrap();
    file.status_changes()
        .change(&change(&zhang, "100", "2026-09-01", "借调期满回校"))
        .unwrap();
    let timeline = file.status_changes().timeline(&zhang.id).unwrap();
    let statuses: Vec<&str> = timeline.events.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses, ["100", "202", "100"]);
    assert_eq!(timeline.current.as_deref(), Some("100"));
}

#[test]
fn a_heading_is_not_a_status_one_can_have() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .status_changes()
        .change(&change(&zhang, "300", "2026-09-01", "离开"))
        .unwrap_err();
    let err = teacher_error(err);
    assert!(matches!(err, TeacherError::StatusHeading { .. }));
    assert!(err.to_string().contains("具体状态"), "{err}");
}

#[test]
fn an_unknown_status_is_refused_naming_what_was_written() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .status_changes()
        .change(&change(&zhang, "休假", "2026-09-01", "休假"))
        .unwrap_err();
    assert!(err.to_string().contains("「休假」不在代码表中"), "{err}");
}

#[test]
fn a_change_without_a_reason_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "  "))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::StatusReasonMissing
    ));
}

#[test]
fn an_effective_date_that_is_not_a_date_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .status_changes()
        .change(&change(&zhang, "204", "2026-02-30", "进修"))
        .unwrap_err();
    assert!(
        err.to_string().contains("「2026-02-30」不是有效日期"),
        "{err}"
    );
}

#[test]
fn a_change_to_the_status_already_held_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .status_changes()
        .change(&change(&zhang, "100", "2026-09-01", "在岗"))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::StatusUnchanged { .. }
    ));
}

#[test]
fn changes_are_made_in_date_order() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "进修"))
        .unwrap();
    let err = file
        .status_changes()
        .change(&change(&zhang, "100", "2026-08-01", "回校"))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::StatusDateBeforeLatest { .. }
    ));
}

#[test]
fn a_status_on_file_is_changed_only_by_a_status_change() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .data_entry()
        .set_fields(&zhang.id, "基本信息", &[("人员状态".into(), "204".into())])
        .unwrap_err();
    let err = teacher_error(err);
    assert!(matches!(err, TeacherError::StatusThroughChange { .. }));
    assert!(err.to_string().contains("变动"), "{err}");
}

#[test]
fn an_information_viewer_cannot_change_a_status() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.sign_in(&accounts::viewer()).unwrap();
    let err = file
        .status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "进修"))
        .unwrap_err();
    assert!(matches!(err, Error::Account(_)), "{err:?}");
}

#[test]
fn a_status_change_is_in_the_audit_log() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "赴师范大学进修"))
        .unwrap();
    let history = file.teachers().history(&zhang.id).unwrap();
    let changes: Vec<_> = history
        .iter()
        .filter(|r| r.operation() == Operation::StatusChange)
        .collect();
    // The first event (from the status the teacher had) and the change.
    assert_eq!(changes.len(), 2);
    let last = changes[1].new_value.as_ref().unwrap();
    assert_eq!(last["status_event"]["reason"], "赴师范大学进修");
}

#[test]
fn a_departed_teacher_leaves_the_roster_from_the_effective_date() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    teacher(&mut file, "张老师", "001");
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "301", "2026-08-31", "到龄退休"))
        .unwrap();
    let stats = |file: &SchoolFile, on: &str| {
        let stats = file.stats().count_as_of(day(on)).unwrap();
        (stats.teachers, stats.departed)
    };
    assert_eq!(stats(&file, "2026-08-30"), (2, 0));
    assert_eq!(stats(&file, "2026-08-31"), (1, 1));
}

#[test]
fn the_teacher_list_shows_the_roster_and_the_departed_apart() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    teacher(&mut file, "张老师", "001");
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "306", "2026-01-05", "本人申请辞职"))
        .unwrap();
    let on = file.search().roster("", RosterFilter::OnRoster).unwrap();
    assert_eq!((listed(&on), on.departed), (vec!["张老师"], 1));
    let off = file.search().roster("", RosterFilter::Departed).unwrap();
    assert_eq!(listed(&off), ["李老师"]);
    let all = file.search().roster("", RosterFilter::All).unwrap();
    assert_eq!(listed(&all), ["张老师", "李老师"]);
}

#[test]
fn the_teacher_list_filters_by_status_and_by_heading() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    teacher(&mut file, "张老师", "001");
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "204", "2026-09-01", "脱产进修"))
        .unwrap();
    let names = |status: &str| {
        let listing = file
            .search()
            .roster_in_status("", RosterFilter::All, Some(status))
            .unwrap();
        listed(&listing)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(names("204"), ["李老师"]);
    assert_eq!(names("进修"), ["李老师"]);
    assert_eq!(
        names("200"),
        ["李老师"],
        "a heading takes the statuses under it"
    );
    assert_eq!(names("100"), ["张老师"]);
}

#[test]
fn an_unknown_status_to_filter_by_is_refused() {
    let dir = TempDir::new().unwrap();
    let file = school_deciding_departures(&dir);
    let refused = file
        .search()
        .roster_in_status("", RosterFilter::All, Some("不存在的状态"))
        .unwrap_err();
    assert!(
        matches!(refused, Error::Teacher(TeacherError::StatusUnknown(_))),
        "{refused:?}"
    );
}

#[test]
fn the_departed_listing_says_how_each_listed_teacher_left() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    teacher(&mut file, "张老师", "001");
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "303", "2026-03-02", "病故"))
        .unwrap();
    let off = file.search().roster("", RosterFilter::Departed).unwrap();
    assert_eq!(off.departures.len(), 1);
    let left = &off.departures[0];
    assert_eq!(
        (
            left.teacher_id.as_str(),
            left.status.as_str(),
            left.effective_date.as_str(),
            left.reason.as_str()
        ),
        (li.id.as_str(), "303", "2026-03-02", "病故")
    );
    let on = file.search().roster("", RosterFilter::OnRoster).unwrap();
    assert!(on.departures.is_empty());
}

#[test]
fn the_departed_list_says_when_and_why_each_teacher_left() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "303", "2026-03-02", "病故"))
        .unwrap();
    let departed = file
        .status_changes()
        .departed_as_of(day("2026-06-01"))
        .unwrap();
    assert_eq!(departed.len(), 1);
    let left = &departed[0];
    assert_eq!(
        (
            left.teacher.name.as_str(),
            left.status.as_str(),
            left.effective_date.as_str(),
            left.reason.as_str()
        ),
        ("李老师", "303", "2026-03-02", "病故")
    );
    assert!(
        file.status_changes()
            .departed_as_of(day("2026-03-01"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_departed_teacher_stays_on_file_with_their_records() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "307", "2026-01-05", "离职"))
        .unwrap();
    assert_eq!(file.teachers().get(&li.id).unwrap().name, "李老师");
    assert!(!file.teachers().records(&li.id).unwrap().is_empty());
}

#[test]
fn a_departed_teachers_information_is_locked() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "301", "2026-01-05", "退休"))
        .unwrap();
    let err = file
        .data_entry()
        .set_fields(&li.id, "基本信息", &[("民族".into(), "汉族".into())])
        .unwrap_err();
    let err = teacher_error(err);
    assert!(matches!(err, TeacherError::GroupLockedByStatus { .. }));
    assert!(err.to_string().contains("已锁定"), "{err}");
}

#[test]
fn a_departed_teacher_can_come_back() {
    let dir = TempDir::new().unwrap();
    let mut file = school_deciding_departures(&dir);
    let li = teacher(&mut file, "李老师", "002");
    file.status_changes()
        .change(&change(&li, "307", "2026-01-05", "离职"))
        .unwrap();
    file.status_changes()
        .change(&change(&li, "100", "2026-03-01", "重新入职"))
        .unwrap();
    let on = file.search().roster("", RosterFilter::OnRoster).unwrap();
    assert_eq!(listed(&on), ["李老师"]);
    file.data_entry()
        .set_fields(&li.id, "基本信息", &[("民族".into(), "汉族".into())])
        .unwrap();
}

/// A file at schema version 13 (before status events) with two teachers:
/// one in post, one with no 基本信息 yet.
fn file_before_status_events(path: &Path) {
    let conn = Connection::open(path).unwrap();
    for m in MIGRATIONS.iter().filter(|m| m.version <= 13) {
        conn.execute_batch(m.sql).unwrap();
        conn.execute(
            "INSERT INTO migration_log VALUES (?1, ?2, '2026-01-01T00:00:00.000Z', '0.0.1')",
            (m.version, m.name),
        )
        .unwrap();
    }
    conn.pragma_update(None, "user_version", 13).unwrap();
    conn.execute_batch(
        "INSERT INTO school (id, code, name, school_type, created_at, updated_at)
             VALUES (1, '2151012345', '旧版学校', '211', 'x', 'x');
         INSERT INTO teacher VALUES ('t1', '1', '11010519491231002X', '张三', 1,
             '2020-09-01T08:00:00.000Z', '2020-09-01T08:00:00.000Z');
         INSERT INTO teacher VALUES ('t2', '1', '110105198503150011', '李四', 1,
             '2021-09-01T08:00:00.000Z', '2021-09-01T08:00:00.000Z');
         INSERT INTO record VALUES ('r1', 't1', 'basic', 1,
             '{\"personnel_status\":\"202\"}', 1, '2020-09-01T08:00:00.000Z');",
    )
    .unwrap();
}

#[test]
fn an_older_file_gives_each_teacher_a_first_event_from_their_status() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.taoli");
    file_before_status_events(&path);
    let mut file = accounts::open_older(&path).unwrap();
    let events = file_status_events(&mut file, "t1");
    assert_eq!(
        events,
        [(
            EventKind::Initial,
            "202".to_owned(),
            "2020-09-01".to_owned()
        )]
    );
    assert!(
        file_status_events(&mut file, "t2").is_empty(),
        "no status, no event"
    );
}

fn file_status_events(file: &mut SchoolFile, teacher_id: &str) -> Vec<(EventKind, String, String)> {
    file.status_changes()
        .timeline(teacher_id)
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.kind, e.status, e.effective_date))
        .collect()
}

#[test]
fn the_json_export_carries_each_teachers_status_history() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.status_changes()
        .change(&change(&zhang, "204", "2026-09-01", "进修"))
        .unwrap();
    let export = serde_json::to_value(file.exports().document().unwrap()).unwrap();
    let events = &export["teachers"][0]["status_events"];
    assert_eq!(events[0]["kind"], "initial");
    assert_eq!(events[1]["status"], "204");
    assert_eq!(events[1]["reason"], "进修");
}
