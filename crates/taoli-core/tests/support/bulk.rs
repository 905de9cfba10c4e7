//! A school of many teachers, written straight into the file with SQL in
//! one transaction (fast; no revisions, which the benchmarks that use it do
//! not need), with UUIDv7 ids as the app gives them: 基本信息 (with the
//! derived 最高学历, and 现任专业技术职务 when there is a 专业技术职务 row)
//! and a row of each group asked for. No validation errors or warnings.
//! Included by `#[path]` from the benchmarks that need it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

/// 基本信息 and a row of 学习经历, 工作经历 and 岗位聘任.
pub const REPORTED: &[&str] = &["basic", "education", "work", "post"];

/// [`REPORTED`], and a row of 专业技术职务 and 年度考核 too: a teacher as a
/// real 小学's clerk keeps them.
pub const COMPLETE: &[&str] = &["basic", "education", "work", "post", "title", "assessment"];

/// Writes `teachers` teachers, each with a record of every group of
/// `groups` (among [`COMPLETE`]), into the school file `conn` is open on,
/// in one transaction.
pub fn fill(conn: &mut rusqlite::Connection, teachers: u32, groups: &[&str]) {
    let titled = groups.contains(&"title");
    let tx = conn.transaction().unwrap();
    let at = "2026-03-01T08:00:00.000Z";
    for n in 0..teachers {
        let year = 1965 + n % 35;
        let birth = format!("{year}-{:02}-{:02}", 1 + n % 12, 1 + n % 28);
        let first17 = format!("510722{}{:03}", birth.replace('-', ""), n % 1000);
        let check = taoli_core::id_number::check_character(&first17).unwrap();
        let id_number = format!("{first17}{check}");
        let gender = if (first17.as_bytes()[16] - b'0') % 2 == 1 {
            "1"
        } else {
            "2"
        };
        let teacher = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
             VALUES (?1, '1', ?2, ?3, 1, ?4, ?4)",
            (&teacher, &id_number, format!("教师{n:05}"), at),
        )
        .unwrap();
        let mut basic = json!({
            "gender": gender, "nationality": "156", "birth_date": birth,
            "ethnicity": "01", "political_status": ["13"],
            "work_start_month": format!("{}-09", year + 22), "school_entry_month": format!("{}-09", year + 25),
            "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
            "contract": "1", "normal_major_graduate": "1", "special_ed_trained": "0",
            "special_ed_certificate": "0", "it_ability": "3", "free_normal_student": "0",
            "grassroots_project": "0", "special_grade_teacher": "0", "key_teacher": "0",
            "mental_health_teacher": "0", "personnel_status": "100",
            "highest_education": "21"
        });
        if titled {
            basic["current_title"] = json!("053");
        }
        let records = [
            basic,
            json!({"education": "21", "degree_level": "4", "study_mode": "1",
                "enrollment_month": format!("{}-09", year + 18), "graduation_month": format!("{}-07", year + 22)}),
            json!({"employer": "桃李县实验小学", "start_month": format!("{}-09", year + 22)}),
            json!({"post_category": "1", "post_level": "998", "start_month": format!("{}-09", year + 25)}),
            json!({"title": "053", "start_month": format!("{}-09", year + 26), "employer": "桃李县实验小学"}),
            json!({"year": "2025", "result": "2", "unit_name": "桃李县实验小学"}),
        ];
        for (group, fields) in COMPLETE.iter().zip(records) {
            if !groups.contains(group) {
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
