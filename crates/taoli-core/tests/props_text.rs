#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Every public entry that takes a person's text, as properties over
//! arbitrary Unicode (`support/props.rs`): ID numbers of every ID type in
//! the catalog, person names, code values and dates typed as `FIELD=VALUE`,
//! headers and column corrections of an import, search queries,
//! enrollment codes.
//!
//! Properties: nothing panics; a refusal is a Chinese sentence; what is
//! accepted has the form it promises (a resident ID that passes has its
//! check character, a normalized name normalizes to itself, an excerpt is a
//! prefix of its text).
//!
//! Seeded; `PROPTEST_CASES=N` (each test) or `TAOLI_FUZZ_SCALE=K` runs
//! longer, `TAOLI_FUZZ_RANDOM=1` draws new cases.

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/props.rs"]
mod props;

use std::cell::RefCell;

use props::{any_text, hostile_text, is_chinese, near, runner};
use proptest::prelude::*;
use taoli_core::catalog::{EffectiveCatalog, IdNumberForm, IdType, catalog};
use taoli_core::error::Locale;
use taoli_core::import::MappingOverride;
use taoli_core::import::mapping::{HeaderMatcher, column_letter, normalize_header};
use taoli_core::{ErrorKind, NewSchool, NewTeacher, entry, id_number, search, teacher, text};
use tempfile::TempDir;

fn effective() -> EffectiveCatalog {
    catalog().unwrap().effective("primary_secondary").unwrap()
}

fn id_types() -> Vec<IdType> {
    catalog().unwrap().id_types().to_vec()
}

/// A valid resident ID number.
fn resident_id() -> impl Strategy<Value = String> {
    (
        110_000u32..=659_999,
        1901i32..=2099,
        1u32..=12,
        1u32..=28,
        0u32..=999,
    )
        .prop_map(|(region, y, m, d, seq)| {
            let first17 = format!("{region:06}{y:04}{m:02}{d:02}{seq:03}");
            let check = id_number::check_character(&first17).unwrap();
            format!("{first17}{check}")
        })
}

/// A valid number of the form `form` requires.
fn valid_number(form: IdNumberForm) -> BoxedStrategy<String> {
    match form {
        IdNumberForm::ResidentId => resident_id().boxed(),
        IdNumberForm::TaiwanPermit => prop_oneof!["[0-9]{8}", "[0-9]{10}"].boxed(),
        IdNumberForm::ForeignPermanentResidence => prop_oneof![
            "[A-Z]{3}[0-9]{12}",
            "9[0-9]{16}".prop_map(|first17| {
                let check = id_number::check_character(&first17).unwrap();
                format!("{first17}{check}")
            }),
        ]
        .boxed(),
        IdNumberForm::General => "[A-Z0-9-]{1,18}".boxed(),
    }
}

/// An ID type of the catalog and a number for it: valid, nearly valid
/// (a character swapped for a multi-byte one of the same byte length …),
/// or any text.
fn typed_number() -> impl Strategy<Value = (IdType, String)> {
    prop::sample::select(id_types()).prop_flat_map(|t| {
        let number = prop_oneof![
            4 => near(valid_number(t.form)),
            1 => any_text(),
        ];
        (Just(t), number)
    })
}

// ------------------------------------------------------------- ID numbers

#[test]
fn an_id_number_of_any_type_in_any_text_is_checked_without_panicking() {
    runner(2000)
        .run(&typed_number(), |(id_type, raw)| {
            let normalized = id_number::normalize(&raw);
            prop_assert!(!normalized.chars().any(char::is_whitespace));
            if let Err(problem) = id_number::check(&id_type, &normalized) {
                prop_assert!(is_chinese(&problem.to_string()), "{problem}");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_resident_id_that_passes_is_eighteen_characters_ending_in_its_check_character() {
    let strategy = prop_oneof![near(resident_id()), any_text()];
    runner(2000)
        .run(&strategy, |raw| {
            let normalized = id_number::normalize(&raw);
            match id_number::check_resident_id(&normalized) {
                Ok(_) => {
                    prop_assert_eq!(normalized.len(), 18);
                    let first17 = normalized.get(..17).unwrap();
                    let check = id_number::check_character(first17).unwrap();
                    prop_assert!(normalized.ends_with(check), "{normalized}");
                }
                Err(problem) => prop_assert!(is_chinese(&problem.to_string()), "{problem}"),
            }
            prop_assert!(id_number::check_character(&raw).is_none_or(|c| c.is_ascii()));
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_id_number_hint_answers_any_type_name_and_any_number() {
    let code = prop_oneof![
        prop::sample::select(id_types().into_iter().map(|t| t.code).collect::<Vec<_>>()),
        prop::sample::select(id_types().into_iter().map(|t| t.name).collect::<Vec<_>>()),
        hostile_text(6),
    ];
    let strategy = (code, prop_oneof![near(resident_id()), any_text()]);
    runner(2000)
        .run(&strategy, |(code, raw)| {
            match teacher::id_number_problem(&code, &raw, Locale::ZhCn) {
                Ok(Some(problem)) => prop_assert!(is_chinese(&problem), "{problem}"),
                Ok(None) => {}
                Err(e) => prop_assert!(is_chinese(&e.to_string()), "{e}"),
            }
            Ok(())
        })
        .unwrap();
}

fn school_file(dir: &TempDir) -> taoli_core::SchoolFile {
    let path = dir.path().join("school.taoli");
    let school = NewSchool {
        code: "2151072201".into(),
        name: "XX县第一小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    accounts::create(&path, &school).unwrap()
}

/// `taoli teacher add` and the form's 新增教师: what `NewTeacher::validate`
/// checks, reached through the public call that runs it.
#[test]
fn a_new_teacher_of_any_name_type_and_number_is_added_or_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let file = RefCell::new(school_file(&dir));
    let name = prop_oneof![3 => "[\u{4e00}-\u{9fa5}]{2,4}", 2 => hostile_text(24), 1 => any_text()];
    let id_type = prop_oneof![
        4 => Just(None),
        1 => hostile_text(4).prop_map(Some),
    ];
    let strategy = (name, typed_number(), id_type);
    runner(300)
        .run(&strategy, |(name, (t, number), other_type)| {
            let new = NewTeacher {
                name: name.clone(),
                id_type: other_type.unwrap_or(t.code),
                id_number: number,
            };
            match file.borrow_mut().data_entry().add_teacher(&new) {
                Ok(added) => {
                    prop_assert_eq!(&added.name, &text::normalize_person_name(&name));
                    prop_assert!(
                        !added
                            .name
                            .chars()
                            .any(|c| text::invisible_kind(c).is_some())
                    );
                    prop_assert!(added.name.chars().count() <= teacher::NAME_MAX_CHARS);
                }
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::User, "{}", e);
                    prop_assert!(is_chinese(&e.to_string()), "{e}");
                }
            }
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------------------ names

#[test]
fn a_normalized_person_name_normalizes_to_itself() {
    runner(1500)
        .run(&any_text(), |raw| {
            let name = text::normalize_person_name(&raw);
            prop_assert_eq!(text::normalize_person_name(&name), name.clone());
            prop_assert_eq!(name.trim(), name.as_str());
            Ok(())
        })
        .unwrap();
}

#[test]
fn text_helpers_keep_characters_whole() {
    runner(1500)
        .run(&(any_text(), 0usize..64), |(raw, max)| {
            let half = text::to_half_width(&raw);
            prop_assert_eq!(half.chars().count(), raw.chars().count());
            let safe = text::file_name_safe(&raw);
            prop_assert!(
                !safe
                    .chars()
                    .any(|c| c.is_control() || "/\\:*?\"<>|".contains(c))
            );
            let cut = text::excerpt(&raw, max);
            prop_assert!(cut.chars().count() <= max + 1);
            prop_assert!(raw.starts_with(cut.trim_end_matches('…')));
            for c in raw.chars() {
                let _ = (text::is_cjk(c), text::invisible_kind(c));
            }
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------- FIELD=VALUE and dates

/// Values a clerk types: dates in every shape, codes, labels, and hostile text.
fn typed_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any_text(),
        2 => near("[0-9]{4}[-./年]?[0-9]{1,2}[-./月]?[0-9]{0,2}日?( [0-9]{2}:[0-9]{2})?".boxed()),
        1 => near("[0-9]{6,8}".boxed()),
        1 => near("(汉族|01|男|中共党员|本科|是|否|1,2|汉族、回族)".boxed()),
        1 => near("-?[0-9]{1,6}(\\.[0-9]{1,3})?(e[0-9]{1,3})?".boxed()),
    ]
}

#[test]
fn any_value_typed_into_any_field_is_normalized_or_refused_in_chinese() {
    let effective = effective();
    let fields: Vec<_> = effective
        .groups
        .iter()
        .flat_map(|g| g.fields.iter())
        .collect();
    let strategy = (0..fields.len(), typed_value());
    runner(1500)
        .run(&strategy, |(i, raw)| {
            let field = fields[i];
            let table = field
                .code_table
                .as_deref()
                .and_then(|t| effective.code_table(t));
            if let Err(e) = entry::normalize_value(field, table, &raw) {
                prop_assert_eq!(e.kind(), ErrorKind::User);
                prop_assert!(is_chinese(&e.to_string()), "{e}");
                prop_assert!(e.to_string().chars().count() < 2000, "{e}");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn any_assignment_names_a_field_and_group_or_is_refused_in_chinese() {
    let effective = effective();
    let labels: Vec<String> = effective
        .groups
        .iter()
        .flat_map(|g| g.fields.iter().map(|f| f.label.clone()))
        .collect();
    let group_names: Vec<String> = effective.groups.iter().map(|g| g.name.clone()).collect();
    let assignment = prop_oneof![
        any_text(),
        (near(prop::sample::select(labels).boxed()), typed_value())
            .prop_map(|(f, v)| format!("{f}={v}")),
    ];
    let group = prop_oneof![
        near(prop::sample::select(group_names).boxed()),
        hostile_text(8)
    ];
    runner(1500)
        .run(&(assignment, group), |(raw, group)| {
            let found = entry::parse_assignment(&raw).and_then(|(field, _)| {
                let group = entry::find_group(&effective, &group)
                    .or_else(|_| entry::find_group(&effective, "basic"))?;
                entry::find_field(group, &field).map(drop)
            });
            if let Err(e) = found {
                prop_assert!(is_chinese(&e.to_string()), "{e}");
            }
            Ok(())
        })
        .unwrap();
}

/// The form's drafts: any group, any field codes (the group's own and
/// others), any JSON value, any record id and version, checked and saved.
#[test]
fn any_draft_is_checked_and_saved_or_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let mut file = school_file(&dir);
    let teacher = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: "11010519491231002X".into(),
        })
        .unwrap();
    let effective = effective();
    let groups: Vec<(String, Vec<String>)> = effective
        .groups
        .iter()
        .map(|g| {
            (
                g.id.clone(),
                g.fields.iter().map(|f| f.code.clone()).collect(),
            )
        })
        .collect();
    let value = prop_oneof![
        4 => typed_value().prop_map(serde_json::Value::String),
        1 => prop::collection::vec(typed_value(), 0..3)
            .prop_map(|v| serde_json::json!(v)),
        1 => prop_oneof![
            Just(serde_json::json!(null)),
            Just(serde_json::json!(1e308)),
            Just(serde_json::json!(-1)),
            Just(serde_json::json!(u64::MAX)),
            Just(serde_json::json!({"a": [1]})),
            Just(serde_json::json!(true)),
        ],
    ];
    let draft = (prop::sample::select(groups), any::<bool>()).prop_flat_map(
        move |((group, codes), by_name)| {
            let code = prop_oneof![4 => prop::sample::select(codes), 1 => hostile_text(8)];
            (
                Just(group),
                Just(by_name),
                prop::collection::btree_map(code, value.clone(), 0..5),
                prop::option::of(hostile_text(8)),
                prop::option::of(any::<i64>()),
            )
        },
    );
    let teacher_id = teacher.id.clone();
    let file = RefCell::new(file);
    runner(400)
        .run(
            &draft,
            |(group, hostile_group, fields, record_id, version)| {
                let draft = entry::RecordDraft {
                    teacher_id: teacher_id.clone(),
                    group: if hostile_group {
                        format!("{group}\u{202E}")
                    } else {
                        group
                    },
                    record_id,
                    expected_version: version,
                    fields: fields.into_iter().collect(),
                };
                if let Err(e) = file.borrow_mut().data_entry().check_draft(&draft) {
                    prop_assert!(is_chinese(&e.to_string()), "{e}");
                }
                if let Err(e) = file.borrow_mut().data_entry().save_draft(&draft) {
                    prop_assert!(is_chinese(&e.to_string()), "{e}");
                }
                Ok(())
            },
        )
        .unwrap();
}

// ------------------------------------------------ import headers and maps

#[test]
fn any_header_is_matched_or_unknown_and_any_correction_parsed_or_refused() {
    let effective = effective();
    let matcher = HeaderMatcher::new(&effective);
    let labels: Vec<String> = effective
        .groups
        .iter()
        .flat_map(|g| g.fields.iter().map(|f| f.label.clone()))
        .collect();
    let header = prop_oneof![
        any_text(),
        near(prop::sample::select(labels.clone()).boxed()),
        near(
            prop::sample::select(labels)
                .prop_map(|l| format!("*{l}(yyyy-MM-dd)【必填】"))
                .boxed()
        ),
        Just("(((((((((((((((((((((((((((((((()".to_owned()),
    ];
    runner(1500)
        .run(&(header.clone(), header), |(header, target)| {
            let normalized = normalize_header(&header);
            prop_assert_eq!(normalize_header(&normalized), normalized.clone());
            let _ = matcher.candidates(&header);
            if let Err(e) = matcher.resolve(&effective, &target) {
                prop_assert!(is_chinese(&e.to_string()), "{e}");
            }
            match MappingOverride::parse(&format!("{header}={target}")) {
                Ok(o) => prop_assert!(!o.header.trim().is_empty()),
                Err(e) => prop_assert!(is_chinese(&e.to_string()), "{e}"),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_column_index_has_a_letter() {
    runner(2000)
        .run(
            &prop_oneof![any::<u32>(), Just(u32::MAX), 0u32..20_000],
            |i| {
                let letters = column_letter(i);
                prop_assert!(
                    !letters.is_empty() && letters.bytes().all(|b| b.is_ascii_uppercase())
                );
                Ok(())
            },
        )
        .unwrap();
}

// ----------------------------------------------------------------- search

fn teacher(name: String, id_number: String) -> taoli_core::Teacher {
    taoli_core::Teacher {
        id: name.clone(),
        name,
        id_type: "1".into(),
        id_type_name: "居民身份证".into(),
        id_number,
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

#[test]
fn any_search_query_over_any_names_finds_a_subset_in_order() {
    let names = prop::collection::vec((hostile_text(8), near(resident_id())), 0..8);
    let query = prop_oneof![
        any_text(),
        "[a-z]{1,6}",
        near("[0-9Xx]{2,6}".boxed()),
        hostile_text(3)
    ];
    runner(2000)
        .run(&(names, query), |(names, query)| {
            let teachers: Vec<_> = names.into_iter().map(|(n, id)| teacher(n, id)).collect();
            let found = search::filter(&teachers, &query);
            prop_assert!(found.len() <= teachers.len());
            let mut rest = teachers.iter();
            for t in found {
                prop_assert!(rest.any(|u| std::ptr::eq(u, t)), "out of order");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn any_enrollment_code_normalizes_without_spaces_or_dashes() {
    runner(2000)
        .run(&any_text(), |raw| {
            let code = taoli_core::protocol::normalize_enrollment_code(&raw);
            prop_assert!(!code.chars().any(|c| c.is_whitespace() || c == '-'));
            Ok(())
        })
        .unwrap();
}
