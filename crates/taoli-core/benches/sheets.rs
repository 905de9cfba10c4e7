//! Benchmark: print the verification sheets of 1,000 teachers, each with
//! 基本信息 filled, two rows of 学习经历 and 工作经历, one of 岗位聘任 and
//! 专业技术职务聘任, three of 年度考核, and every third one a warning to check:
//! one PDF, every fingerprint recorded. Target: ≤ 10 s and ≤ 10 MB.
//!
//!     cargo bench -p taoli-core --bench sheets
//!
//! Prints the best and worst of three cold runs and the PDF's size; the figures go in
//! docs/benchmarks.md. The school file is built on /dev/shm where there is one
//! (building it is not timed).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "../tests/support/accounts.rs"]
mod accounts;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};
use taoli_core::id_number::check_character;
use taoli_core::record::Fields;
use taoli_core::sheets::Template;
use taoli_core::{NewSchool, NewTeacher, SchoolFile};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TEACHERS: usize = 1_000;
const SURNAMES: &[&str] = &["张", "李", "王", "刘", "陈", "杨", "黄", "赵", "周", "吴"];
const GIVEN: &[&str] = &["秀", "晓", "建", "玉", "志", "海", "春", "国", "丽", "文"];
const GIVEN2: &[&str] = &["英", "红", "军", "兰", "强", "燕", "梅", "庆", "华", "平"];
const MAJORS: &[&str] = &[
    "汉语言文学",
    "数学与应用数学",
    "英语",
    "物理学",
    "美术学",
    "音乐学",
];
const PLACES: &[&str] = &[
    "桃李", "青山", "白河", "南溪", "东坡", "石门", "金沙", "清水",
];

fn fields(v: Value) -> Fields {
    v.as_object().unwrap().clone()
}

fn build(dir: &std::path::Path) -> SchoolFile {
    let school = NewSchool {
        code: "2151072201".into(),
        name: "桃李县实验小学".into(),
        school_type: "211".into(),
        region_code: Some("510722".into()),
    };
    let mut file = accounts::create(&dir.join("bench.taoli"), &school).unwrap();
    for i in 0..TEACHERS {
        let year = 1965 + (i % 35) as i32;
        let month = 1 + i % 9;
        let first17 = format!("510722{year}0{month}1{}{:03}", i % 10, i % 1000);
        let id_number = format!("{first17}{}", check_character(&first17).unwrap());
        let male = (first17.as_bytes()[16] - b'0') % 2 == 1;
        // Every teacher's values differ, as a real school's do.
        let name = format!(
            "{}{}{}",
            SURNAMES[i % 10],
            GIVEN[(i / 10) % 10],
            GIVEN2[(i / 100) % 10]
        );
        let place = format!("四川省{}县{}镇", PLACES[i % 8], PLACES[(i / 8) % 8]);
        let school = format!("{}县第{}小学", PLACES[(i / 3) % 8], 1 + i % 12);
        let teacher = file
            .data_entry()
            .add_teacher(&NewTeacher {
                name,
                id_type: "1".into(),
                id_number,
            })
            .unwrap();
        let birth = if i % 3 == 0 {
            // Differs from the ID number: a warning to check on the sheet.
            format!("{year}-0{month}-2{}", i % 10)
        } else {
            format!("{year}-0{month}-1{}", i % 10)
        };
        let mut add = |group: &str, v: Value| {
            file.data_entry()
                .add_record(&teacher.id, group, fields(v))
                .unwrap();
        };
        add(
            "basic",
            json!({
                "gender": if male { "1" } else { "2" }, "nationality": "156", "birth_date": birth,
                "native_place": place, "birthplace": place,
                "ethnicity": "01", "political_status": ["13"], "marital_status": "20", "health": "1",
                "work_start_month": format!("{}-09", year + 22), "school_entry_month": format!("{}-09", year + 25),
                "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
                "contract": "1", "normal_major_graduate": "1", "special_ed_trained": "0",
                "special_ed_certificate": "0", "it_ability": "3", "free_normal_student": "0",
                "grassroots_project": "0", "special_grade_teacher": "0", "key_teacher": "0",
                "mental_health_teacher": "0", "personnel_status": "100",
                "staff_number": format!("T{i:05}")
            }),
        );
        add(
            "education",
            json!({"education": "41", "education_institution": "桃李师范学校", "major": "小学教育",
                "normal_major": "1", "enrollment_month": format!("{}-09", year + 15),
                "graduation_month": format!("{}-07", year + 18), "study_mode": "1"}),
        );
        add(
            "education",
            json!({"education": "21", "education_institution": "四川师范大学",
                "major": MAJORS[i % MAJORS.len()],
                "normal_major": "1", "enrollment_month": format!("{}-09", year + 18),
                "graduation_month": format!("{}-07", year + 22), "degree_level": "4",
                "degree_institution": "四川师范大学", "study_mode": "1"}),
        );
        add(
            "work",
            json!({"employer": school, "start_month": format!("{}-09", year + 22),
                "end_month": format!("{}-08", year + 25)}),
        );
        add(
            "work",
            json!({"employer": "桃李县实验小学", "start_month": format!("{}-09", year + 25)}),
        );
        add(
            "post",
            json!({"post_category": "1", "post_level": "998", "start_month": format!("{}-09", year + 25)}),
        );
        add(
            "title",
            json!({"title": "053", "start_month": format!("{}-09", year + 30), "employer": "桃李县实验小学"}),
        );
        for (k, y) in [2023, 2024, 2025].into_iter().enumerate() {
            add(
                "assessment",
                json!({"year": y.to_string(), "result": if k == 2 { "1" } else { "2" }, "unit_name": "桃李县实验小学"}),
            );
        }
    }
    file
}

fn main() {
    let base = if PathBuf::from("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm").unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let started = Instant::now();
    let mut file = build(base.path());
    eprintln!(
        "built a school of {TEACHERS} teachers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let template = Template::built_in();
    let out = base.path().join("sheets.pdf");
    let mut times = Vec::new();
    let mut pages = 0;
    let mut bytes = 0;
    for _ in 0..3 {
        // Each run cold, as one `taoli sheets` is: nothing left from the last.
        typst::comemo::evict(0);
        let start = Instant::now();
        let printed = file.sheets().print(&[], &template, &out).unwrap();
        times.push(start.elapsed().as_secs_f64());
        pages = printed.pages;
        bytes = printed.bytes;
        assert_eq!(printed.sheets.len(), TEACHERS);
    }
    let best = times.iter().copied().fold(f64::MAX, f64::min);
    let worst = times.iter().copied().fold(0.0, f64::max);
    println!(
        "sheets: {TEACHERS} teachers → {pages} pages, {:.1} MB PDF in {best:.2} s (best of 3 cold runs, worst {worst:.2} s, {} threads)",
        bytes as f64 / 1_000_000.0,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
}
