//! Benchmark: validate 100,000 teachers, each with 基本信息 and one row in each
//! of three multi-record groups (学习经历, 工作经历, 岗位聘任), on one core.
//!
//!     cargo bench -p taoli-core --bench validate
//!
//! Prints the best of five runs; the figure goes in docs/benchmarks.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::time::Instant;

use serde_json::{Value, json};
use taoli_core::Teacher;
use taoli_core::catalog::catalog;
use taoli_core::id_number::check_character;
use taoli_core::record::{Fields, IndicatorRecord};
use taoli_core::validate::{Validator, report};

const TEACHERS: usize = 100_000;

fn fields(v: Value) -> Fields {
    v.as_object().unwrap().clone()
}

fn school() -> Vec<(Teacher, Vec<IndicatorRecord>)> {
    (0..TEACHERS)
        .map(|i| {
            let year = 1960 + (i % 40) as i32;
            let first17 = format!("510722{year}0{}10{:03}", 1 + i % 9, i % 1000);
            let first17 = first17.as_str();
            let id_number = format!("{first17}{}", check_character(first17).unwrap());
            let gender = if (first17.as_bytes()[16] - b'0') % 2 == 1 { "1" } else { "2" };
            let id = format!("t{i}");
            let teacher = Teacher {
                id: id.clone(),
                name: format!("教师{i}"),
                id_type: "1".into(),
                id_type_name: "居民身份证".into(),
                id_number,
                version: 1,
                created_at: String::new(),
                updated_at: String::new(),
            };
            let record = |group: &str, f: Fields| IndicatorRecord {
                id: format!("{id}-{group}"),
                teacher_id: id.clone(),
                group_code: group.into(),
                row_order: 1,
                fields: f,
                version: 1,
                updated_at: String::new(),
            };
            let mut basic = fields(json!({
                "gender": gender, "nationality": "156",
                "birth_date": format!("{year}-0{}-1{}", 1 + i % 9, 0),
                "ethnicity": "01", "political_status": ["13"],
                "work_start_month": format!("{}-09", year + 22), "school_entry_month": format!("{}-09", year + 25),
                "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
                "contract": "1", "normal_major_graduate": "1", "special_ed_trained": "0",
                "special_ed_certificate": "0", "it_ability": "3", "free_normal_student": "0",
                "grassroots_project": "0", "special_grade_teacher": "0", "key_teacher": "0",
                "mental_health_teacher": "0", "personnel_status": "100",
                "highest_education": "21"
            }));
            if i % 10 == 0 {
                // One teacher in ten has a mistake to report.
                basic.insert("ethnicity".into(), json!("99"));
            }
            let records = vec![
                record("basic", basic),
                record(
                    "education",
                    fields(json!({"education": "21", "degree_level": "4", "study_mode": "1",
                        "enrollment_month": format!("{}-09", year + 18), "graduation_month": format!("{}-07", year + 22)})),
                ),
                record(
                    "work",
                    fields(json!({"employer": "桃李县实验小学", "start_month": format!("{}-09", year + 22)})),
                ),
                record(
                    "post",
                    fields(json!({"post_category": "1", "post_level": "998", "start_month": format!("{}-09", year + 25)})),
                ),
            ];
            (teacher, records)
        })
        .collect()
}

fn main() {
    let data = school();
    let validator = Validator::new(catalog().unwrap(), "primary_secondary").unwrap();
    let mut best = f64::MAX;
    let mut found = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let mut problems = Vec::new();
        for (teacher, records) in &data {
            problems.extend(validator.teacher(teacher, records));
        }
        let r = report("primary_secondary", data.len(), problems);
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        found = r.errors + r.warnings;
    }
    println!(
        "validate: {TEACHERS} teachers × (基本信息 + 3 multi-record groups) in {:.3} s (best of 5, one thread); {found} problems",
        best
    );
}
