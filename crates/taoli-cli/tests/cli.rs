//! The real `taoli` binary on temporary files: what succeeds, and every
//! refusal — each with exit code 1, a Chinese message on stderr, and the school
//! file byte-for-byte unchanged.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::taoli;

const ZHANG_SAN_ID: &str = "11010519491231002X";

fn init(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    taoli()
        .arg("init")
        .arg(&path)
        .args([
            "--code",
            "2151012345",
            "--name",
            "桃李镇中心小学",
            "--type",
            "211",
            "--admin",
            support::ADMIN,
        ])
        .assert()
        .success();
    support::add_user(&path, support::CLERK, "信息管理员");
    path
}

fn add(path: &Path, name: &str, id_number: &str) -> assert_cmd::assert::Assert {
    taoli()
        .args(["teacher", "add"])
        .arg(path)
        .args(["--name", name, "--id-type", "1", "--id-number", id_number])
        .assert()
}

/// Runs a command that must be refused and checks that it leaves `path` as it was.
fn assert_refused_unchanged(path: &Path, args: &[&str], message: &str) {
    let before = support::accounts::data_snapshot(path);
    taoli()
        .args(args)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message));
    assert_eq!(
        support::accounts::data_snapshot(path),
        before,
        "file changed by: {args:?}"
    );
}

#[test]
fn init_creates_a_school_file_and_says_so() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    taoli()
        .arg("init")
        .arg(&path)
        .args([
            "--code",
            "2151012345",
            "--name",
            "桃李镇中心小学",
            "--type",
            "211",
            "--admin",
            support::ADMIN,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("已创建学校文件"))
        .stdout(predicate::str::contains("211 小学 · 中小学"));
    assert!(path.is_file());
}

#[test]
fn teacher_add_then_list_shows_the_teacher() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID)
        .success()
        .stdout(predicate::str::contains("已添加教师 张三"));
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("张三"))
        .stdout(predicate::str::contains(ZHANG_SAN_ID))
        .stdout(predicate::str::contains("共 1 人"));
}

#[test]
fn teacher_add_says_what_it_filled_from_a_resident_id_number() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID)
        .success()
        .stdout(predicate::str::contains(
            "已按身份证件号填写：出生日期 1949-12-31、性别 女",
        ));
}

#[test]
fn teacher_list_json_is_an_array_of_teachers() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    let out = taoli()
        .args(["teacher", "list", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let teachers: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(teachers[0]["name"], "张三");
    assert_eq!(teachers[0]["id_number"], ZHANG_SAN_ID);
    assert_eq!(teachers[0]["id_type"], "1");
}

#[test]
fn teacher_list_query_matches_pinyin_initials() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    add(&path, "李四", "110105198001011238").success();
    taoli()
        .args(["teacher", "list", "--query", "ls"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("李四"))
        .stdout(predicate::str::contains("张三").not());
}

#[test]
fn export_json_holds_the_whole_school() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    let out = dir.path().join("out.json");
    taoli()
        .arg("export")
        .arg(&path)
        .args(["--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success();
    let export: serde_json::Value = serde_json::from_slice(&fs::read(&out).unwrap()).unwrap();
    assert_eq!(export["format"], "taoli.school");
    assert_eq!(export["format_version"], 1);
    assert_eq!(export["school"]["name"], "桃李镇中心小学");
    assert_eq!(export["teachers"][0]["name"], "张三");
}

#[test]
fn export_json_goes_to_standard_output_without_o() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    let out = taoli().arg("export").arg(&path).output().unwrap();
    assert!(out.status.success());
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(export["school"]["code"], "2151012345");
}

/// Runs `taoli init` that must be refused: exit 1, `messages` on stderr, no file.
fn assert_init_refused(code: &str, school_type: &str, messages: &[&str]) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    let mut assert = taoli()
        .arg("init")
        .arg(&path)
        .args(["--code", code, "--name", "某校", "--type", school_type])
        .args(["--admin", support::ADMIN])
        .assert()
        .code(1);
    for message in messages {
        assert = assert.stderr(predicate::str::contains(*message));
    }
    assert!(!path.exists(), "a refused init left a file behind");
}

#[test]
fn init_refuses_an_unknown_school_type_and_says_where_to_look() {
    assert_init_refused(
        "2151012345",
        "999",
        &["办学类型代码「999」不存在", "taoli school-types"],
    );
}

#[test]
fn init_refuses_an_out_of_scope_school_type_with_the_reason() {
    assert_init_refused("2151012345", "366", &["技工学校", "人力资源和社会保障"]);
}

#[test]
fn init_refuses_a_school_code_that_is_not_ten_digits() {
    assert_init_refused("215101234", "211", &["学校标识码应为 10 位数字"]);
}

#[test]
fn init_refuses_to_overwrite_an_existing_school_file() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "init",
            p,
            "--code",
            "2151099999",
            "--name",
            "另一所",
            "--type",
            "211",
            "--admin",
            support::ADMIN,
        ],
        "已存在",
    );
}

#[test]
fn teacher_add_refuses_the_same_id_a_second_time() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "add",
            p,
            "--name",
            "张叁",
            "--id-number",
            "11010519491231002x",
        ],
        "已登记给教师「张三」",
    );
}

#[test]
fn teacher_add_refuses_a_wrong_check_character() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "add",
            p,
            "--name",
            "张三",
            "--id-number",
            "110105194912310020",
        ],
        "第18位校验码应为 X，实为 0",
    );
}

#[test]
fn teacher_add_refuses_an_unknown_id_type() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "add",
            p,
            "--name",
            "张三",
            "--id-type",
            "Q",
            "--id-number",
            "X1",
        ],
        "身份证件类型「Q」不存在",
    );
}

#[test]
fn a_file_that_is_not_a_school_file_is_refused_and_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("roster.taoli");
    fs::write(&path, "姓名,身份证号\n").unwrap();
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "add",
            p,
            "--name",
            "张三",
            "--id-number",
            ZHANG_SAN_ID,
        ],
        "不是桃李学校文件",
    );
    assert_refused_unchanged(&path, &["teacher", "list", p], "不是桃李学校文件");
}

#[test]
fn a_missing_school_file_is_reported_with_exit_code_1() {
    taoli()
        .args(["teacher", "list", "/nonexistent/school.taoli"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("找不到文件"));
}

#[test]
fn a_usage_error_exits_with_1_and_points_to_help() {
    taoli()
        .args(["teacher", "add"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("taoli --help"));
}

#[test]
fn help_is_in_chinese_by_default() {
    taoli()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("用法"))
        .stdout(predicate::str::contains("新建学校文件"));
}

#[test]
fn help_is_in_english_with_taoli_lang_en() {
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["init", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage"))
        .stdout(predicate::str::contains("Create a new school file"));
}

#[test]
fn errors_are_in_english_with_taoli_lang_en() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    taoli()
        .env("TAOLI_LANG", "en")
        .arg("init")
        .arg(&path)
        .args(["--code", "215101234", "--name", "某校", "--type", "211"])
        .args(["--admin", support::ADMIN])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Error: The school code must be 10 digits, not “215101234”.",
        ))
        .stderr(predicate::str::contains("学校标识码").not());
}

#[test]
fn school_types_lists_codes_with_their_sets() {
    taoli()
        .arg("school-types")
        .assert()
        .success()
        .stdout(predicate::str::contains("211\t小学\t中小学"))
        .stdout(predicate::str::contains("366\t技工学校\t不采集"));
}

#[test]
fn teacher_set_normalizes_labels_to_codes() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args([
            "--id-number",
            ZHANG_SAN_ID,
            "民族=汉",
            "政治面貌=党员",
            "参加工作年月=1970.9",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("已保存 张三 的「基本信息」"));
    let out = taoli().arg("export").arg(&path).output().unwrap();
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fields = &export["teachers"][0]["records"][0]["fields"];
    assert_eq!(fields["ethnicity"], "01");
    assert_eq!(fields["political_status"], serde_json::json!(["01"]));
    assert_eq!(fields["work_start_month"], "1970-09");
}

#[test]
fn teacher_set_refuses_an_unknown_code_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "set",
            p,
            "--id-number",
            ZHANG_SAN_ID,
            "民族=火星族",
        ],
        "不在「民族」代码表中",
    );
}

#[test]
fn teacher_set_stores_a_native_place_written_in_short_as_its_code() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "籍贯=四川成都武侯"])
        .assert()
        .success();
    let out = taoli().arg("export").arg(&path).output().unwrap();
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        export["teachers"][0]["records"][0]["fields"]["native_place"],
        "510107"
    );
}

#[test]
fn teacher_set_refuses_a_place_that_is_no_division_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "set",
            p,
            "--id-number",
            ZHANG_SAN_ID,
            "籍贯=火星市",
        ],
        "taoli catalog --regions",
    );
}

#[test]
fn teacher_set_refuses_an_unknown_field_and_lists_the_valid_ones() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    let p = path.to_str().unwrap();
    assert_refused_unchanged(
        &path,
        &[
            "teacher",
            "set",
            p,
            "--id-number",
            ZHANG_SAN_ID,
            "星座=白羊",
        ],
        "民族（ethnicity）",
    );
}

#[test]
fn record_add_appends_a_row_to_a_multi_record_group() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    for level in ["普通高中毕业", "大学本科毕业"] {
        taoli()
            .args(["record", "add"])
            .arg(&path)
            .args(["--id-number", ZHANG_SAN_ID, "--group", "学习经历"])
            .args([
                format!("获得学历={level}").as_str(),
                "学位层次=无",
                "学习方式=全脱产(离岗)",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("学习经历"));
    }
    let out = taoli().arg("export").arg(&path).output().unwrap();
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Besides the 基本信息 his ID number gave when he was added.
    let rows: Vec<&serde_json::Value> = export["teachers"][0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["group_code"] == "education")
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["row_order"], 2);
    assert_eq!(rows[1]["fields"]["education"], "21");
}

#[test]
fn validate_exits_1_and_names_teacher_group_and_field() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    taoli()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "张三 · 基本信息 · 民族：必填，不能为空",
        ))
        // 性别 and 出生日期 came from his ID number when he was added.
        .stdout(predicate::str::contains("性别：必填").not())
        .stdout(predicate::str::contains("出生日期：必填").not())
        .stdout(predicate::str::contains("个错误"));
}

#[test]
fn validate_json_reports_counts_and_problems() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "性别=男"])
        .assert()
        .success();
    let out = taoli()
        .args(["validate", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["set"], "primary_secondary");
    assert_eq!(report["teachers"], 1);
    let problems = report["problems"].as_array().unwrap();
    let gender = problems
        .iter()
        .find(|p| p["rule"] == "gender_matches_id")
        .unwrap();
    assert_eq!(gender["severity"], "warning");
    assert_eq!(report["warnings"], 1);
}

#[test]
fn catalog_prints_a_sets_groups_with_required_marks() {
    taoli()
        .args(["catalog", "--set", "幼儿园"])
        .assert()
        .success()
        .stdout(predicate::str::contains("进本园年月"))
        .stdout(predicate::str::contains("*gender"));
}

#[test]
fn catalog_regions_finds_a_division_by_pinyin_and_prints_its_full_name() {
    taoli()
        .args(["catalog", "--regions", "chengduwuhou"])
        .assert()
        .success()
        .stdout(predicate::str::contains("510107\t四川省成都市武侯区"))
        .stdout(predicate::str::contains("2023年统计用区划代码"));
}

#[test]
fn catalog_regions_json_is_the_list_of_matching_divisions() {
    let out = taoli()
        .args(["catalog", "--regions", "whq", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"510107"), "{codes:?}");
}

#[test]
fn catalog_regions_says_when_nothing_matches() {
    taoli()
        .args(["catalog", "--regions", "火星"])
        .assert()
        .success()
        .stdout(predicate::str::contains("没有与「火星」相符的行政区划"));
}

#[test]
fn catalog_refuses_an_unknown_set() {
    taoli()
        .args(["catalog", "--set", "火星学校"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("指标体系「火星学校」不存在"));
}

fn province_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/province")
        .join(name)
}

#[test]
fn province_use_then_show_names_the_pack_and_version() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    support::taoli_as_admin()
        .args(["province", "use"])
        .arg(&path)
        .arg(province_fixture("example-pack.toml"))
        .assert()
        .success();
    taoli()
        .args(["province", "show"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "示例省补充指标（example-province，2026.1 版）",
        ));
}

#[test]
fn province_use_refuses_a_contradicting_pack_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    let pack = province_fixture("drops-national-required.toml");
    assert_refused_unchanged(
        &path,
        &[
            "--user",
            support::ADMIN,
            "province",
            "use",
            path.to_str().unwrap(),
            pack.to_str().unwrap(),
        ],
        "取消了全国必填指标「性别」",
    );
}

#[test]
fn catalog_with_a_province_pack_shows_its_fields() {
    taoli()
        .args(["catalog", "--set", "中小学", "--province"])
        .arg(province_fixture("example-pack.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("乡村学校任教类型"));
}

#[test]
fn warning_explain_keeps_the_reason_and_validate_shows_it() {
    let dir = TempDir::new().unwrap();
    let path = init(&dir);
    add(&path, "张三", ZHANG_SAN_ID).success();
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "性别=男"])
        .assert()
        .success();
    taoli()
        .args(["warning", "explain"])
        .arg(&path)
        .args([
            "--id-number",
            ZHANG_SAN_ID,
            "--rule",
            "gender_matches_id",
            "--reason",
            "以人事档案为准",
        ])
        .assert()
        .success();
    taoli()
        .arg("validate")
        .arg(&path)
        .assert()
        .stdout(predicate::str::contains("（已说明：以人事档案为准）"));
}
