//! Province packs: what they may change, what they may not, and how a school
//! file keeps the one it uses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::path::PathBuf;

use taoli_core::catalog::{ProvincePack, Severity, catalog};
use taoli_core::error::Error;
use taoli_core::error::SchoolError;
use taoli_core::{NewSchool, NewTeacher, SchoolFile};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/province")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn pack(name: &str) -> ProvincePack {
    ProvincePack::parse(&fixture(name), name).unwrap()
}

#[test]
fn a_pack_adds_a_field_with_its_own_code_table() {
    let c = catalog()
        .unwrap()
        .with_pack(&pack("example-pack.toml"))
        .unwrap();
    let set = c.effective("中小学").unwrap();
    let field = set.group("basic").unwrap().field("rural_post").unwrap();
    assert!(field.required);
    assert_eq!(set.code_table("rural_school_type").unwrap().codes.len(), 3);
}

#[test]
fn a_pack_adds_codes_to_a_national_table() {
    let c = catalog()
        .unwrap()
        .with_pack(&pack("example-pack.toml"))
        .unwrap();
    assert_eq!(
        c.code_table("training_category")
            .unwrap()
            .get("91")
            .unwrap()
            .name,
        "省级名师工作室研修"
    );
}

#[test]
fn a_pack_may_make_more_fields_required() {
    let c = catalog()
        .unwrap()
        .with_pack(&pack("example-pack.toml"))
        .unwrap();
    let set = c.effective("中小学").unwrap();
    assert!(
        set.group("basic")
            .unwrap()
            .field("native_place")
            .unwrap()
            .required
    );
}

#[test]
fn a_pack_may_change_an_inferred_rule() {
    let c = catalog()
        .unwrap()
        .with_pack(&pack("example-pack.toml"))
        .unwrap();
    let rule = c
        .rules()
        .iter()
        .find(|r| r.id == "work_periods_do_not_overlap")
        .unwrap();
    assert_eq!(rule.severity, Severity::Error);
}

#[test]
fn a_pack_dropping_a_national_required_field_is_refused_with_the_reason() {
    let err = catalog()
        .unwrap()
        .with_pack(&pack("drops-national-required.toml"))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::School(SchoolError::ProvincePack { .. })
    ));
    assert!(
        err.to_string().contains("取消了全国必填指标「性别」"),
        "{err}"
    );
}

#[test]
fn a_pack_redefining_a_national_code_is_refused_with_the_reason() {
    let err = catalog()
        .unwrap()
        .with_pack(&pack("redefines-national-code.toml"))
        .unwrap_err();
    assert!(
        err.to_string().contains("重新定义了全国代码 ethnicity 01"),
        "{err}"
    );
}

#[test]
fn a_pack_changing_a_confirmed_rule_is_refused() {
    let text = r#"
        [pack]
        id = "x"
        name = "改规则"
        version = "1"

        [[rule]]
        id = "work_start_after_birth"
        group = "basic"
        severity = "warning"
        kind = "compare"
        left = "work_start_month"
        op = "gt"
        right = "birth_date"
        message = "…"
        message_en = "…"
    "#;
    let err = catalog()
        .unwrap()
        .with_pack(&ProvincePack::parse(text, "x").unwrap())
        .unwrap_err();
    assert!(
        err.to_string().contains("改动了全国确定的校验规则"),
        "{err}"
    );
}

#[test]
fn a_malformed_pack_says_where() {
    let err = ProvincePack::parse("[pack]\nid = 1", "bad.toml").unwrap_err();
    assert!(err.to_string().contains("bad.toml"), "{err}");
}

fn school(dir: &tempfile::TempDir) -> SchoolFile {
    let path = dir.path().join("s.taoli");
    let mut file = accounts::create(
        &path,
        &NewSchool {
            code: "2151012345".into(),
            name: "某小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap();
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: "11010519491231002X".into(),
        })
        .unwrap();
    file
}

#[test]
fn the_school_file_remembers_its_pack_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = school(&dir);
    file.sign_in(&accounts::admin()).unwrap();
    file.province()
        .use_pack(&pack("example-pack.toml"))
        .unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    let path = file.path().to_owned();
    file.close().unwrap();
    let file = accounts::open(&path).unwrap();
    let info = file.province_pack().unwrap().unwrap().info;
    assert_eq!(
        (info.id.as_str(), info.version.as_str()),
        ("example-province", "2026.1")
    );
}

#[test]
fn validation_follows_the_schools_pack() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = school(&dir);
    let asks_rural_post = |file: &mut SchoolFile| {
        file.validation()
            .report()
            .unwrap()
            .problems
            .iter()
            .any(|p| p.field.as_deref() == Some("rural_post"))
    };
    assert!(!asks_rural_post(&mut file));
    file.sign_in(&accounts::admin()).unwrap();
    file.province()
        .use_pack(&pack("example-pack.toml"))
        .unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    assert!(asks_rural_post(&mut file));
    file.sign_in(&accounts::admin()).unwrap();
    file.province().clear().unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    assert!(!asks_rural_post(&mut file));
}

#[test]
fn a_refused_pack_leaves_the_school_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = school(&dir);
    file.sign_in(&accounts::admin()).unwrap();
    let revisions = file.audit().revisions().unwrap().len();
    file.province()
        .use_pack(&pack("drops-national-required.toml"))
        .unwrap_err();
    assert!(file.province_pack().unwrap().is_none());
    assert_eq!(file.audit().revisions().unwrap().len(), revisions);
}

#[test]
fn a_pack_replaces_how_status_changes_are_handled_a_code_s_own_entry_first() {
    use taoli_core::catalog::Approval;
    let c = catalog()
        .unwrap()
        .with_pack(&pack("status-changes-pack.toml"))
        .unwrap();
    let sick_leave = c.status_change("203").unwrap();
    assert_eq!(sick_leave.approval, Approval::County);
    assert!(!sick_leave.on_roster && sick_leave.locks_group("basic"));
    let further_study = c.status_change("204").unwrap();
    assert_eq!(further_study.to, "200");
    assert_eq!(further_study.approval, Approval::School);
}

#[test]
fn a_pack_leaving_a_status_without_a_rule_is_refused_with_the_reason() {
    let err = catalog()
        .unwrap()
        .with_pack(&pack("status-change-without-rule.toml"))
        .unwrap_err();
    assert!(
        err.to_string().contains("人员状态 301 没有对应的变动规则"),
        "{err}"
    );
}
