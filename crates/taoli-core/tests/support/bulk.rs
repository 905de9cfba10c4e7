//! A school of many teachers, written straight into the file with SQL in
//! one transaction (fast; no revisions, which the benchmarks that use it do
//! not need), with UUIDv7 ids as the app gives them: the records of
//! `upstream::complete_records` (基本信息 with the derived 最高学历, 学习经历,
//! 工作经历, 岗位聘任), and 专业技术职务 (with 现任专业技术职务 in 基本信息)
//! and 年度考核 when asked for. No validation errors or warnings.
//! Included by `#[path]` beside `upstream.rs` from the benchmarks that need it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

use crate::upstream::{complete_records, id_number};

/// 基本信息 and a row of 学习经历, 工作经历 and 岗位聘任.
pub const REPORTED: &[&str] = &["basic", "education", "work", "post"];

/// [`REPORTED`], and a row of 专业技术职务 and 年度考核 too: a teacher as a
/// real 小学's clerk keeps them.
pub const COMPLETE: &[&str] = &["basic", "education", "work", "post", "title", "assessment"];

/// Writes `teachers` teachers, each with a record of every group of
/// `groups` (among [`COMPLETE`]), into the school file `conn` is open on,
/// in one transaction.
pub fn fill(conn: &mut rusqlite::Connection, teachers: u32, groups: &[&str]) {
    let tx = conn.transaction().unwrap();
    let at = "2026-03-01T08:00:00.000Z";
    for n in 0..teachers {
        let year = 1965 + n % 35;
        let birth = format!("{year}-{:02}-{:02}", 1 + n % 12, 1 + n % 28);
        let id = id_number(&birth, n);
        let teacher = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
             VALUES (?1, '1', ?2, ?3, 1, ?4, ?4)",
            (&teacher, &id, format!("教师{n:05}"), at),
        )
        .unwrap();
        let mut records = complete_records(year, &birth, &id).to_vec();
        if groups.contains(&"title") {
            records[0].1["current_title"] = json!("053");
            records.push((
                "title",
                json!({"title": "053", "start_month": format!("{}-09", year + 26), "employer": "桃李县实验小学"}),
            ));
        }
        records.push((
            "assessment",
            json!({"year": "2025", "result": "2", "unit_name": "桃李县实验小学"}),
        ));
        for (group, fields) in records {
            if !groups.contains(&group) {
                continue;
            }
            tx.execute(
                "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at)
                 VALUES (?1, ?2, ?3, 1, ?4, 1, ?5)",
                (
                    uuid::Uuid::now_v7().to_string(),
                    &teacher,
                    group,
                    fields.to_string(),
                    at,
                ),
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
}
