#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Province packs (省级补充包) from arbitrary text: any text as a pack, the
//! committed example pack with bytes flipped, cut and inserted, and the
//! example pack with any value of its TOML (a code, a label, a rule's field,
//! a list) replaced by hostile text, numbers or tables. Each goes through
//! `ProvincePack::parse`, `Catalog::with_pack`, the effective catalog of
//! every set and the header matcher an import builds from it; some are
//! stored in a real school file.
//!
//! Properties: nothing panics; a refused pack says why in Chinese; an
//! accepted one gives every set an effective catalog.
//!
//! Seeded; `PROPTEST_CASES=N` (each test) or `TAOLI_FUZZ_SCALE=K` runs
//! longer, `TAOLI_FUZZ_RANDOM=1` draws new cases.

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/mutation.rs"]
mod mutation;
#[path = "support/props.rs"]
mod props;

use props::{any_text, is_chinese, runner};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use taoli_core::catalog::{ProvincePack, catalog};
use taoli_core::import::mapping::HeaderMatcher;
use taoli_core::{ErrorKind, NewSchool};
use tempfile::TempDir;

fn example_pack() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/province/example-pack.toml"),
    )
    .unwrap()
}

/// Parses and applies `text`: refused in Chinese, or a catalog every set
/// of which has an effective catalog and a header matcher.
fn applied_or_refused_clearly(text: &str) -> Result<Option<ProvincePack>, TestCaseError> {
    let pack = match ProvincePack::parse(text, "pack.toml") {
        Ok(pack) => pack,
        Err(e) => {
            prop_assert_eq!(e.kind(), ErrorKind::User);
            prop_assert!(is_chinese(&e.to_string()), "{e}");
            return Ok(None);
        }
    };
    match catalog().unwrap().with_pack(&pack) {
        Ok(applied) => {
            for set in applied.sets() {
                let effective = applied.effective(&set.id);
                prop_assert!(effective.is_ok(), "{}: {:?}", set.id, effective.err());
                let _ = HeaderMatcher::new(&effective.unwrap());
            }
            Ok(Some(pack))
        }
        Err(e) => {
            prop_assert!(is_chinese(&e.to_string()), "{e}");
            Ok(None)
        }
    }
}

/// TOML a hand-edited pack tends to hold.
const TOKENS: [&str; 12] = [
    "\"",
    "[",
    "]]",
    "[[field]]\n",
    "=",
    "\n",
    "'''",
    "\\u0000",
    "1e400",
    "\u{202E}",
    "group = \"basic\"\n",
    "code = \"\"\n",
];

#[test]
fn any_text_as_a_province_pack_is_applied_or_refused_in_chinese() {
    let text = prop_oneof![
        any_text(),
        any_text().prop_map(|t| format!("[pack]\nid = \"x\"\nname = \"x\"\nversion = \"1\"\n{t}")),
    ];
    runner(1500)
        .run(&text, |text| applied_or_refused_clearly(&text).map(drop))
        .unwrap();
}

#[test]
fn the_example_pack_with_bytes_flipped_cut_or_inserted_is_applied_or_refused_in_chinese() {
    let original = example_pack().into_bytes();
    runner(1500)
        .run(
            &prop::collection::vec(mutation::mutation(&TOKENS), 1..4),
            |mutations| {
                let mut bytes = original.clone();
                mutation::mutate(&mut bytes, &mutations);
                applied_or_refused_clearly(&String::from_utf8_lossy(&bytes)).map(drop)
            },
        )
        .unwrap();
}

/// Any TOML value: hostile text, numbers, lists, tables.
fn any_toml() -> impl Strategy<Value = toml::Value> {
    prop_oneof![
        5 => any_text().prop_map(toml::Value::String),
        1 => any::<i64>().prop_map(toml::Value::Integer),
        1 => any::<bool>().prop_map(toml::Value::Boolean),
        1 => Just(toml::Value::Array(Vec::new())),
        1 => any_text().prop_map(|t| toml::Value::Array(vec![toml::Value::String(t)])),
        1 => Just(toml::Value::Table(toml::Table::new())),
    ]
}

/// Every value's place in `value`: a path of keys and indexes.
fn places(value: &toml::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                at.push(k.clone());
                places(v, at, out);
                at.pop();
            }
        }
        toml::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                places(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
    if !at.is_empty() {
        out.push(at.clone());
    }
}

fn slot<'a>(value: &'a mut toml::Value, path: &[String]) -> Option<&'a mut toml::Value> {
    let mut at = value;
    for key in path {
        at = match at {
            toml::Value::Table(t) => t.get_mut(key)?,
            toml::Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

#[test]
fn the_example_pack_with_any_value_replaced_is_applied_or_refused_in_chinese() {
    let original: toml::Value = toml::from_str(&example_pack()).unwrap();
    let mut all = Vec::new();
    places(&original, &mut Vec::new(), &mut all);
    let edits = prop::collection::vec((any::<Index>(), any_toml()), 1..4);
    runner(1500)
        .run(&edits, |edits| {
            let mut pack = original.clone();
            for (i, value) in edits {
                if let Some(s) = slot(&mut pack, &all[i.index(all.len())]) {
                    *s = value;
                }
            }
            let Ok(text) = toml::to_string(&pack) else {
                return Ok(());
            };
            applied_or_refused_clearly(&text).map(drop)
        })
        .unwrap();
}

#[test]
fn a_changed_pack_the_catalog_accepts_is_stored_in_a_school_file_or_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    let school = NewSchool {
        code: "2151072201".into(),
        name: "XX县第一小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    // Only the 系统管理员 may change the province pack.
    let mut file = accounts::create(&path, &school).unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    let file = std::cell::RefCell::new(file);
    let original: toml::Value = toml::from_str(&example_pack()).unwrap();
    let mut all = Vec::new();
    places(&original, &mut Vec::new(), &mut all);
    let label_paths: Vec<Vec<String>> = all
        .into_iter()
        .filter(|p| {
            p.last()
                .is_some_and(|k| matches!(k.as_str(), "name" | "label" | "help" | "message"))
        })
        .collect();
    runner(60)
        .run(&(any::<Index>(), any_text()), |(i, text)| {
            let mut pack = original.clone();
            if let Some(s) = slot(&mut pack, &label_paths[i.index(label_paths.len())]) {
                *s = toml::Value::String(text);
            }
            let text = toml::to_string(&pack).unwrap();
            if let Some(pack) = applied_or_refused_clearly(&text)? {
                let mut file = file.borrow_mut();
                match file.province().use_pack(&pack) {
                    Ok(_) => {
                        file.effective_catalog().unwrap();
                    }
                    Err(e) => prop_assert!(is_chinese(&e.to_string()), "{e}"),
                }
            }
            Ok(())
        })
        .unwrap();
}
