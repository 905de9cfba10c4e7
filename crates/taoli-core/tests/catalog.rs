//! The indicator catalog as data: it loads, every set sees what the reference
//! says, and docs/indicators.md is what the catalog generates.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::PathBuf;

use taoli_core::catalog::{Check, EffectiveCatalog, FieldType, catalog};

fn set(name: &str) -> EffectiveCatalog {
    catalog().unwrap().effective(name).unwrap()
}

fn required(set_name: &str, field: &str) -> bool {
    set(set_name)
        .group("basic")
        .unwrap()
        .field(field)
        .unwrap()
        .required
}

#[test]
fn the_catalog_loads_with_every_cross_reference_resolved() {
    let c = catalog().unwrap();
    assert_eq!(c.sets().len(), 6);
    assert_eq!(c.groups().len(), 17);
}

#[test]
fn the_gender_rule_names_codes_of_the_gender_table() {
    let c = catalog().unwrap();
    let (field, male, female) = c
        .rules()
        .iter()
        .find_map(|r| match &r.check {
            Check::MatchesIdGender {
                field,
                male,
                female,
            } => Some((field.clone(), male.clone(), female.clone())),
            _ => None,
        })
        .expect("a matches_id_gender rule");
    let basic = set("中小学");
    let table = basic
        .group("basic")
        .unwrap()
        .field(&field)
        .unwrap()
        .code_table
        .clone()
        .unwrap();
    let table = basic.code_table(&table).unwrap();
    assert_eq!(table.get(&male).unwrap().name, "男");
    assert_eq!(table.get(&female).unwrap().name, "女");
}

#[test]
fn docs_indicators_md_is_generated_from_the_catalog() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/indicators.md");
    let fresh = catalog().unwrap().markdown();
    if std::env::var_os("TAOLI_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "docs/indicators.md is stale: run `TAOLI_UPDATE_DOCS=1 cargo test -p taoli-core --test catalog`"
    );
}

#[test]
fn sets_are_found_by_chinese_name_or_id() {
    assert_eq!(set("中小学").set.id, "primary_secondary");
    assert_eq!(set("kindergarten").set.name, "幼儿园");
}

#[test]
fn an_unknown_set_is_refused_with_the_valid_ones() {
    let err = catalog().unwrap().effective("大学预科").unwrap_err();
    assert!(
        err.to_string().contains("中小学（primary_secondary）"),
        "{err}"
    );
}

#[test]
fn ethnicity_has_all_56_national_codes() {
    let table = catalog().unwrap().code_table("ethnicity").unwrap();
    for code in 1..=56 {
        assert!(
            table.get(&format!("{code:02}")).is_some(),
            "missing {code:02}"
        );
    }
    assert_eq!(table.resolve("汉").unwrap().code, "01");
    assert_eq!(table.resolve("维吾尔族").unwrap().code, "05");
}

#[test]
fn nationality_has_the_full_numeric_list() {
    let table = catalog().unwrap().code_table("nationality").unwrap();
    assert!(table.codes.len() > 200, "{}", table.codes.len());
    assert_eq!(table.get("156").unwrap().name, "中国");
    assert_eq!(table.get("036").unwrap().name, "澳大利亚");
}

#[test]
fn old_title_names_map_to_the_current_series() {
    let table = catalog().unwrap().code_table("title").unwrap();
    let name = |old: &str| table.resolve(old).map(|c| c.name.clone());
    assert_eq!(name("中学高级").as_deref(), Some("高级教师"));
    assert_eq!(name("小学高级").as_deref(), Some("一级教师"));
    assert_eq!(name("小学一级").as_deref(), Some("二级教师"));
    assert_eq!(name("小学二级").as_deref(), Some("三级教师"));
}

#[test]
fn value_synonyms_reach_their_codes() {
    let c = catalog().unwrap();
    assert_eq!(
        c.code_table("political_status")
            .unwrap()
            .resolve("党员")
            .unwrap()
            .code,
        "01"
    );
    assert_eq!(
        c.code_table("education_level")
            .unwrap()
            .resolve("大专")
            .unwrap()
            .code,
        "31"
    );
    assert_eq!(
        c.code_table("gender").unwrap().resolve("女").unwrap().code,
        "2"
    );
}

#[test]
fn staff_source_keeps_parent_and_child() {
    let table = catalog().unwrap().code_table("staff_source").unwrap();
    assert_eq!(table.get("101").unwrap().parent.as_deref(), Some("10"));
    assert!(table.get("10").unwrap().selectable);
}

#[test]
fn kindergarten_only_codes_stay_out_of_other_sets() {
    let has = |set_name: &str, code: &str| {
        set(set_name)
            .code_table("staff_source")
            .is_some_and(|t| t.get(code).is_some())
    };
    assert!(has("幼儿园", "301"));
    assert!(!has("中小学", "301"));
}

#[test]
fn native_place_is_required_in_secondary_vocational_and_special_education_only() {
    assert!(required("中职", "native_place"));
    assert!(required("特教", "native_place"));
    assert!(!required("中小学", "native_place"));
}

#[test]
fn kindergarten_calls_school_entry_joining_the_kindergarten() {
    let field = |s: &str| {
        set(s)
            .group("basic")
            .unwrap()
            .field("school_entry_month")
            .unwrap()
            .label
            .clone()
    };
    assert_eq!(field("幼儿园"), "进本园年月");
    assert_eq!(field("中小学"), "进本校年月");
}

#[test]
fn secondary_vocational_adds_double_qualified_and_drops_key_teacher() {
    let basic = set("中职");
    let basic = basic.group("basic").unwrap();
    assert!(basic.field("double_qualified_teacher").unwrap().required);
    assert!(basic.field("key_teacher").is_none());
}

#[test]
fn staff_category_uses_each_sets_own_table() {
    let table = |s: &str| {
        set(s)
            .group("basic")
            .unwrap()
            .field("staff_category")
            .unwrap()
            .code_table
            .clone()
    };
    assert_eq!(
        table("中职").as_deref(),
        Some("staff_category_secondary_vocational")
    );
    assert_eq!(
        table("幼儿园").as_deref(),
        Some("staff_category_kindergarten")
    );
    assert_eq!(
        table("特教").as_deref(),
        Some("staff_category_primary_secondary")
    );
}

#[test]
fn the_official_template_typo_is_a_header_synonym() {
    let c = set("中小学");
    let field = c
        .group("basic")
        .unwrap()
        .field("mental_health_teacher")
        .unwrap();
    assert!(
        field
            .header_synonyms
            .iter()
            .any(|h| h == "是否心里健康教育教师")
    );
    assert_eq!(field.kind, FieldType::Code);
}

#[test]
fn personnel_status_has_its_three_families_under_unselectable_headings() {
    let c = catalog().unwrap();
    let table = c.code_table("personnel_status").unwrap();
    let parent_of = |code: &str| table.get(code).unwrap().parent.clone();
    for heading in ["200", "300"] {
        assert!(!table.get(heading).unwrap().selectable, "{heading}");
    }
    for (code, parent) in [
        ("201", "200"),
        ("299", "200"),
        ("301", "300"),
        ("308", "300"),
    ] {
        assert_eq!(parent_of(code).as_deref(), Some(parent), "{code}");
    }
    for code in ["100", "101"] {
        assert!(table.get(code).unwrap().selectable, "{code}");
    }
}

#[test]
fn personnel_status_marks_what_no_source_confirms_for_a_province_pack() {
    let c = catalog().unwrap();
    let table = c.code_table("personnel_status").unwrap();
    let unconfirmed: Vec<&str> = table
        .codes
        .iter()
        .filter(|code| !code.confirmed)
        .map(|code| code.code.as_str())
        .collect();
    assert_eq!(unconfirmed, ["200", "300", "305"]);
}

#[test]
fn every_personnel_status_a_clerk_can_choose_has_a_status_change_rule() {
    let c = catalog().unwrap();
    let table = c.code_table("personnel_status").unwrap();
    for code in table.codes.iter().filter(|code| code.selectable) {
        assert!(c.status_change(&code.code).is_some(), "{}", code.code);
    }
}

#[test]
fn leaving_the_school_takes_the_teacher_off_the_roster_with_the_county_s_approval() {
    use taoli_core::catalog::Approval;
    let c = catalog().unwrap();
    for code in ["301", "303", "305", "307"] {
        let change = c.status_change(code).unwrap();
        assert!(!change.on_roster, "{code}");
        assert_eq!(change.approval, Approval::County, "{code}");
        assert!(change.evidence && change.locks_group("basic"), "{code}");
    }
    for code in ["100", "101", "203", "299"] {
        let change = c.status_change(code).unwrap();
        assert!(change.on_roster, "{code}");
        assert_eq!(change.approval, Approval::School, "{code}");
    }
}

#[test]
fn how_status_changes_are_handled_is_inferred_so_a_pack_may_change_it() {
    assert!(
        catalog()
            .unwrap()
            .status_changes()
            .iter()
            .all(|c| !c.confirmed)
    );
}
