//! Every indicator set at full depth: each of the six loads with its own
//! groups and fields, 高职 and 高校 have their own field lists and code tables
//! instead of the 中小学 set's, and the loader refuses data that would ask a set
//! for a field it does not have.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use taoli_core::catalog::{EffectiveCatalog, FieldType, ProvincePack, catalog};

const SETS: [&str; 6] = [
    "kindergarten",
    "primary_secondary",
    "secondary_vocational",
    "special_education",
    "higher_vocational",
    "university",
];
const HIGHER: [&str; 2] = ["higher_vocational", "university"];

fn set(id: &str) -> EffectiveCatalog {
    catalog().unwrap().effective(id).unwrap()
}

fn field_codes(set_id: &str, group: &str) -> Vec<String> {
    set(set_id)
        .group(group)
        .unwrap()
        .fields
        .iter()
        .map(|f| f.code.clone())
        .collect()
}

fn pack(text: &str) -> taoli_core::Result<taoli_core::catalog::Catalog> {
    let header = "[pack]\nid = \"test\"\nname = \"测试补充包\"\nversion = \"1\"\n\n";
    let pack = ProvincePack::parse(&format!("{header}{text}"), "test.toml").unwrap();
    catalog().unwrap().with_pack(&pack)
}

#[test]
fn each_of_the_six_sets_loads_with_the_identity_fields_and_every_group() {
    let c = catalog().unwrap();
    assert_eq!(
        c.sets().iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        SETS
    );
    for id in SETS {
        let effective = set(id);
        assert_eq!(effective.groups.len(), c.groups().len(), "{id}");
        let basic = effective.group("basic").unwrap();
        for identity in ["name", "gender", "id_type", "id_number", "birth_date"] {
            let field = basic.field(identity).unwrap();
            assert!(field.required && field.confirmed, "{id}: {identity}");
        }
        assert!(
            effective.groups.iter().all(|g| !g.fields.is_empty()),
            "{id} has an empty group"
        );
    }
}

#[test]
fn higher_vocational_and_university_no_longer_borrow_the_primary_secondary_basic_fields() {
    let k12 = field_codes("primary_secondary", "basic");
    for id in HIGHER {
        let own = field_codes(id, "basic");
        assert_ne!(own, k12, "{id}");
        for added in ["academic_origin", "secondary_unit"] {
            assert!(own.iter().any(|f| f == added), "{id} lacks {added}");
            assert!(!k12.iter().any(|f| f == added), "中小学 has {added}");
        }
        for dropped in [
            "normal_major_graduate",
            "special_ed_trained",
            "special_ed_certificate",
            "it_ability",
            "free_normal_student",
            "grassroots_project",
            "special_grade_teacher",
            "key_teacher",
            "mental_health_teacher",
        ] {
            assert!(!own.iter().any(|f| f == dropped), "{id} has {dropped}");
        }
    }
}

#[test]
fn higher_vocational_adds_the_vocational_fields_university_does_not() {
    let vocational = field_codes("higher_vocational", "basic");
    let university = field_codes("university", "basic");
    assert!(vocational.iter().any(|f| f == "double_qualified_teacher"));
    assert!(!university.iter().any(|f| f == "double_qualified_teacher"));
    let basic = set("higher_vocational");
    let basic = basic.group("basic").unwrap();
    assert!(basic.field("double_qualified_teacher").unwrap().required);
    assert!(!basic.field("enterprise_duration").unwrap().required);
}

#[test]
fn university_teaching_rows_are_per_year_and_term_with_supervisor_and_discipline() {
    let university = set("university");
    let teaching = university.group("teaching").unwrap();
    assert_eq!(teaching.key, ["year", "term"]);
    assert!(teaching.field("school_year").is_none());
    assert!(teaching.field("teaching_stage").is_none());
    assert!(teaching.field("supervisor_type").unwrap().required);
    assert!(teaching.field("teaches_undergraduates").unwrap().required);
    assert_eq!(
        teaching.field("discipline").unwrap().code_table.as_deref(),
        Some("discipline")
    );
    assert_eq!(
        teaching.field("term").unwrap().code_table.as_deref(),
        Some("term_higher_education")
    );
    let k12 = set("primary_secondary");
    let k12 = k12.group("teaching").unwrap();
    assert_eq!(k12.key, ["school_year", "term"]);
    assert!(k12.field("supervisor_type").is_none());
}

#[test]
fn staff_category_uses_the_higher_education_table_in_both_higher_sets() {
    for id in HIGHER {
        let effective = set(id);
        let field = effective
            .group("basic")
            .unwrap()
            .field("staff_category")
            .unwrap();
        assert_eq!(
            field.code_table.as_deref(),
            Some("staff_category_higher_education")
        );
        let table = effective
            .code_table("staff_category_higher_education")
            .unwrap();
        assert_eq!(table.resolve("科研机构人员").unwrap().code, "B");
        assert_eq!(table.resolve("专任教师").unwrap().code, "A1");
        assert_eq!(table.resolve("其他附设机构人员").unwrap().code, "D");
    }
}

#[test]
fn university_training_rows_take_the_higher_education_form_codes() {
    let university = set("university");
    let training = university.group("training").unwrap();
    let table = |field: &str| training.field(field).unwrap().code_table.clone().unwrap();
    assert_eq!(
        table("training_category"),
        "training_category_higher_education"
    );
    assert_eq!(table("training_mode"), "training_mode_higher_education");
    let category = university
        .code_table("training_category_higher_education")
        .unwrap();
    assert_eq!(category.resolve("校级").unwrap().code, "60");
    let k12 = set("primary_secondary");
    let k12 = k12.group("training").unwrap();
    assert_eq!(
        k12.field("training_category")
            .unwrap()
            .code_table
            .as_deref(),
        Some("training_category")
    );
}

#[test]
fn every_code_table_a_field_names_exists_and_offers_a_choice_in_its_set() {
    let c = catalog().unwrap();
    for id in SETS {
        let effective = set(id);
        for group in &effective.groups {
            for field in &group.fields {
                let coded = matches!(
                    field.kind,
                    FieldType::Code | FieldType::MultiCode | FieldType::YesNo
                );
                let Some(table) = &field.code_table else {
                    assert!(!coded, "{id}: {}.{} has no table", group.id, field.code);
                    continue;
                };
                assert!(c.code_table(table).is_some(), "{id}: no table {table}");
                let own = effective.code_table(table).unwrap();
                assert!(
                    own.codes.iter().any(|code| code.selectable),
                    "{id}: {table} offers nothing to choose for {}.{}",
                    group.id,
                    field.code
                );
            }
        }
    }
}

#[test]
fn every_required_field_of_each_set_is_a_field_of_that_set() {
    let c = catalog().unwrap();
    for group in c.groups() {
        for field in &group.fields {
            for id in SETS {
                if group.sets.contains(id) && field.required.contains(id) {
                    assert!(
                        field.sets.contains(id),
                        "{}.{} is required in {id} but not in it",
                        group.id,
                        field.code
                    );
                }
            }
        }
    }
}

#[test]
fn higher_education_fields_are_marked_inferred_in_those_sets_only() {
    let field = |id: &str, code: &str| {
        set(id)
            .group("basic")
            .unwrap()
            .field(code)
            .unwrap()
            .confirmed
    };
    assert!(field("primary_secondary", "ethnicity"));
    assert!(field("secondary_vocational", "staff_category"));
    for id in HIGHER {
        assert!(!field(id, "ethnicity"), "{id}");
        assert!(!field(id, "academic_origin"), "{id}");
        assert!(field(id, "id_number"), "{id}");
    }
}

#[test]
fn disciplines_hang_under_their_categories_and_renamed_ones_are_found() {
    let table = catalog().unwrap().code_table("discipline").unwrap();
    let code = table.get("0812").unwrap();
    assert_eq!(code.name, "计算机科学与技术");
    assert_eq!(code.parent.as_deref(), Some("08"));
    assert_eq!(table.get("08").unwrap().name, "工学门类");
    assert_eq!(table.resolve("工学").unwrap().code, "08");
    assert_eq!(
        table.resolve("哲学").unwrap().code,
        "0101",
        "the 一级学科, not the 门类"
    );
    assert_eq!(table.resolve("公共管理学").unwrap().code, "1204");
    assert_eq!(table.resolve("军制学").unwrap().code, "1106");
    let categories = table.codes.iter().filter(|c| c.parent.is_none()).count();
    assert_eq!(categories, 14);
}

#[test]
fn no_two_codes_a_set_offers_in_one_table_share_a_name() {
    // Exports write labels, so a label must lead back to one code.
    for id in SETS {
        for table in &set(id).code_tables {
            let mut seen = std::collections::BTreeMap::new();
            for code in &table.codes {
                if let Some(other) = seen.insert(code.name.clone(), code.code.clone()) {
                    panic!(
                        "{id}: {} has {} and {} both named {}",
                        table.id, other, code.code, code.name
                    );
                }
            }
        }
    }
}

#[test]
fn academic_origin_takes_the_three_kinds_as_written() {
    let table = catalog().unwrap().code_table("academic_origin").unwrap();
    assert_eq!(table.resolve("本校").unwrap().code, "1");
    assert_eq!(table.resolve("外校(境内)").unwrap().code, "2");
    assert_eq!(table.resolve("外校（境外）").unwrap().code, "3");
}

#[test]
fn primary_secondary_only_rules_do_not_reach_higher_education() {
    let c = catalog().unwrap();
    let grassroots: Vec<_> = c
        .rules()
        .iter()
        .filter(|r| r.id.starts_with("grassroots"))
        .collect();
    assert_eq!(grassroots.len(), 3);
    for rule in grassroots {
        for id in HIGHER {
            assert!(!rule.sets.contains(id), "{} applies to {id}", rule.id);
        }
    }
}

#[test]
fn a_pack_may_relax_a_field_inferred_in_university_but_not_where_it_is_confirmed() {
    let relaxed = pack(
        "[[required]]\ngroup = \"basic\"\nfield = \"marital_status\"\nsets = [\"higher_vocational\"]\n",
    )
    .unwrap();
    let basic = relaxed.effective("university").unwrap();
    assert!(
        !basic
            .group("basic")
            .unwrap()
            .field("marital_status")
            .unwrap()
            .required
    );
    let err = pack(
        "[[required]]\ngroup = \"basic\"\nfield = \"ethnicity\"\nsets = [\"kindergarten\", \"secondary_vocational\", \"special_education\", \"higher_vocational\", \"university\"]\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("中小学"), "{err}");
}

#[test]
fn a_field_required_in_a_set_that_does_not_have_it_is_refused_at_load() {
    let err = pack(
        "[[field]]\ngroup = \"basic\"\ncode = \"campus\"\nlabel = \"所在校区\"\nlabel_en = \"Campus\"\ntype = \"text\"\nsets = [\"university\"]\nrequired = [\"primary_secondary\"]\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("中小学中必填"), "{err}");
}

#[test]
fn a_rule_on_a_field_some_of_its_sets_lack_is_refused_at_load() {
    let err = pack(
        "[[rule]]\nid = \"key_teacher_is_special_grade\"\ngroup = \"basic\"\nkind = \"required\"\nwhen = { field = \"key_teacher\", op = \"eq\", value = \"1\" }\nfields = [\"special_grade_teacher\"]\nmessage = \"测试\"\nmessage_en = \"test\"\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("请用 sets 限定规则"), "{err}");
}
