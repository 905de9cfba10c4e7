//! The reference upstream server (`taoli-upstream`) on 127.0.0.1, in this
//! process as its own tests run it, for the batch tests of the core and the
//! CLI; and teachers complete enough to be reported.
//! Included by `#[path]` from the test files that need it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::json;
use taoli_core::protocol::Decision;
use taoli_core::record::Fields;
use taoli_core::{NewSchool, NewTeacher, SchoolFile, Teacher};
use taoli_upstream::{Db, Faults, Limits, ServeOptions, Server};
use tempfile::TempDir;

/// The school the batch tests report for (学校标识码).
pub const SCHOOL: &str = "2151012345";

/// A 小学 with the code [`SCHOOL`].
pub fn new_school() -> NewSchool {
    NewSchool {
        code: SCHOOL.into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: None,
    }
}

/// A running upstream with its own database.
pub struct Upstream {
    runtime: tokio::runtime::Runtime,
    server: Option<Server>,
    dir: TempDir,
}

impl Upstream {
    pub fn start() -> Upstream {
        Upstream::start_with(Faults::default())
    }

    pub fn start_with(faults: Faults) -> Upstream {
        Upstream::start_in(tempfile::tempdir().unwrap(), faults)
    }

    /// An upstream whose database starts as a copy of `db` (a
    /// [`Upstream::snapshot`]): its receipt key, enrollments and batches.
    pub fn start_from(db: &Path, faults: Faults) -> Upstream {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(db, dir.path().join("upstream.db")).unwrap();
        Upstream::start_in(dir, faults)
    }

    /// An upstream with these limits (a tiny rate limit, say).
    pub fn start_limited(limits: Limits) -> Upstream {
        Upstream::start_in_with(tempfile::tempdir().unwrap(), Faults::default(), limits)
    }

    fn start_in(dir: TempDir, faults: Faults) -> Upstream {
        Upstream::start_in_with(dir, faults, Limits::default())
    }

    fn start_in_with(dir: TempDir, faults: Faults, limits: Limits) -> Upstream {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let db = Db::open(&dir.path().join("upstream.db")).unwrap();
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = runtime
            .block_on(Server::start_with(
                db,
                listen,
                false,
                faults,
                ServeOptions {
                    limits,
                    ..ServeOptions::default()
                },
            ))
            .unwrap();
        Upstream {
            runtime,
            server: Some(server),
            dir,
        }
    }

    /// A consistent copy of the database as it is now, at `to`.
    pub fn snapshot(&self, to: &Path) {
        self.sql()
            .execute("VACUUM INTO ?1", [to.to_str().unwrap()])
            .unwrap();
    }

    fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }

    pub fn url(&self) -> String {
        self.server().url()
    }

    pub fn db(&self) -> &Db {
        self.server().db()
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("upstream.db")
    }

    /// A one-time enrollment code (报送码) for `school`.
    pub fn code(&self, school: &str) -> String {
        self.db().issue_enrollment_code(school, 30).unwrap()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.server().set_faults(faults);
    }

    /// Sends [`SCHOOL`] a notice (督促提醒) as the county's operator would,
    /// registering the school under a county first.
    pub fn notify(&self, message: &str) {
        let operator = taoli_upstream::db::console::Actor::operator();
        self.db()
            .register_school(&operator, SCHOOL, "桃李镇中心小学", "510722")
            .unwrap();
        self.db()
            .send_notices(&operator, &[SCHOOL.to_owned()], message)
            .unwrap();
    }

    /// Accepts (生效) one record of a batch.
    pub fn accept(&self, batch: &str, record: &str) {
        self.db()
            .review(batch, record, Decision::Accepted, None, 1)
            .unwrap();
    }

    /// Returns (退回) one record of a batch with `reason`.
    pub fn send_back(&self, batch: &str, record: &str, reason: &str) {
        self.db()
            .review(batch, record, Decision::Returned, Some(reason), 1)
            .unwrap();
    }

    /// Accepts every record of a batch; `deliveries` 2 delivers each result twice.
    pub fn accept_all(&self, batch: &str, deliveries: u32) {
        for record in self.records(batch) {
            self.db()
                .review(batch, &record, Decision::Accepted, None, deliveries)
                .unwrap();
        }
    }

    /// A read-only look at the upstream's database.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            self.db_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap()
    }

    /// The record ids of a batch, in payload order.
    pub fn records(&self, batch: &str) -> Vec<String> {
        let conn = self.sql();
        let mut stmt = conn
            .prepare("SELECT record FROM batch_record WHERE batch_id = ?1 ORDER BY position")
            .unwrap();
        stmt.query_map([batch], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// How many batches of `school` the upstream holds as received.
    pub fn received(&self, school: &str) -> u64 {
        self.db().received_batches(school).unwrap()
    }

    /// Every batch the upstream knows (any state): (id, state).
    pub fn batches(&self) -> Vec<(String, String)> {
        let conn = self.sql();
        let mut stmt = conn
            .prepare("SELECT batch_id, state FROM batch ORDER BY rowid")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// The payload the upstream stored for a received batch.
    pub fn payload(&self, batch: &str) -> Option<Vec<u8>> {
        self.db().stored_payload(batch).unwrap()
    }

    /// The payload bytes held so far for a batch still arriving.
    pub fn held(&self, batch: &str) -> u64 {
        let conn = self.sql();
        conn.query_row(
            "SELECT coalesce(sum(length(bytes)), 0) FROM payload_chunk WHERE batch_id = ?1",
            [batch],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as u64
    }
}

impl Upstream {
    /// Stops the server: nothing answers at its address any more.
    pub fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

/// A resident ID number for a birth date and a sequence number, with its
/// check character.
pub fn id_number(birth: &str, seq: u32) -> String {
    let first17 = format!("510722{}{:03}", birth.replace('-', ""), seq % 1000);
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

fn fields(value: serde_json::Value) -> Fields {
    value.as_object().unwrap().clone()
}

/// 1 (男) or 2 (女), as the ID number's 17th digit says.
pub fn gender_of(id_number: &str) -> &'static str {
    if (id_number.as_bytes()[16] - b'0') % 2 == 1 {
        "1"
    } else {
        "2"
    }
}

/// The records of a teacher complete and correct for a 小学 (no errors, no
/// warnings), born on `birth` in `year` with the ID number `id`: 基本信息
/// and a row of 学习经历, 工作经历 and 岗位聘任, by group.
pub fn complete_records(
    year: u32,
    birth: &str,
    id: &str,
) -> [(&'static str, serde_json::Value); 4] {
    [
        (
            "basic",
            json!({
                "gender": gender_of(id), "nationality": "156", "birth_date": birth,
                "ethnicity": "01", "political_status": ["13"],
                "work_start_month": format!("{}-09", year + 22), "school_entry_month": format!("{}-09", year + 25),
                "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
                "contract": "1", "normal_major_graduate": "1", "special_ed_trained": "0",
                "special_ed_certificate": "0", "it_ability": "3", "free_normal_student": "0",
                "grassroots_project": "0", "special_grade_teacher": "0", "key_teacher": "0",
                "mental_health_teacher": "0", "personnel_status": "100",
                "highest_education": "21"
            }),
        ),
        (
            "education",
            json!({"education": "21", "degree_level": "4", "study_mode": "1",
                "enrollment_month": format!("{}-09", year + 18), "graduation_month": format!("{}-07", year + 22)}),
        ),
        (
            "work",
            json!({"employer": "桃李县实验小学", "start_month": format!("{}-09", year + 22)}),
        ),
        (
            "post",
            json!({"post_category": "1", "post_level": "998", "start_month": format!("{}-09", year + 25)}),
        ),
    ]
}

/// Registers a teacher whose information is complete and correct for a
/// 小学 (no errors, no warnings): [`complete_records`]. `n` makes the ID
/// number and dates differ.
/// The version of a complete teacher's 基本信息 when it is first reported:
/// `add_teacher` writes it (the 出生日期 and 性别 the ID number gives) and
/// [`add_complete_teacher`] completes it.
pub const BASIC_VERSION: i64 = 2;

pub fn add_complete_teacher(file: &mut SchoolFile, name: &str, n: u32) -> Teacher {
    let year = 1970 + n % 25;
    let birth = format!("{year}-0{}-1{}", 1 + n % 9, n % 9);
    let id = id_number(&birth, n);
    let teacher = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: name.to_owned(),
            id_type: "1".into(),
            id_number: id.clone(),
        })
        .unwrap();
    for (group, values) in complete_records(year, &birth, &id) {
        // add_teacher already wrote the 基本信息 the ID number gives
        // (出生日期, 性别): the rest joins that record.
        let written = file
            .teachers()
            .records(&teacher.id)
            .unwrap()
            .into_iter()
            .find(|r| r.group_code == group);
        match written {
            Some(record) => {
                let mut all = record.fields;
                all.extend(fields(values));
                file.data_entry()
                    .update_record(&record.id, record.version, all)
                    .unwrap();
            }
            None => {
                file.data_entry()
                    .add_record(&teacher.id, group, fields(values))
                    .unwrap();
            }
        }
    }
    teacher
}
