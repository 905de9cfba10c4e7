#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Filled copies of the national system's own import templates
//! (`fixtures/templates/`, one per edition: 中小学, 幼儿园, 中职, 特教) through
//! the real `taoli` binary, each into an empty school of its type: the data
//! sheet is found among the code sheets and named, every row is new, and every
//! stored value is the answer key's (values written 「代码-名称」 as the
//! templates' dropdowns write them, headers with `*` and format hints).

#[path = "../../taoli-core/tests/support/expected.rs"]
#[allow(dead_code)]
mod expected;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use tempfile::TempDir;

mod support;
use support::taoli;

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/templates")
}

fn answer_key(file: &str) -> Value {
    expected::load(
        &templates_dir()
            .join("expected")
            .join(format!("{file}.json")),
    )
}

/// An empty school of the template's 办学类型, with the clerk the commands sign in as.
fn school_for(dir: &TempDir, key: &Value) -> PathBuf {
    let path = dir.path().join("school.taoli");
    taoli()
        .arg("init")
        .arg(&path)
        .args([
            "--code",
            "2151072201",
            "--name",
            "桃李县测试学校",
            "--type",
            key["school_type"].as_str().unwrap(),
            "--admin",
            support::ADMIN,
        ])
        .assert()
        .success();
    support::add_user(&path, support::CLERK, "信息管理员");
    path
}

/// A copy of the template beside the school, so anything written beside it stays there.
fn template_copy(dir: &TempDir, file: &str) -> PathBuf {
    let to = dir.path().join(file);
    std::fs::copy(templates_dir().join(file), &to).unwrap();
    to
}

/// The stored 基本信息 of every teacher, by ID number, as `taoli export`
/// gives it, with the identity (姓名, 身份证件类型, 身份证件号) put back in.
fn stored_basic(school: &Path) -> Map<String, Value> {
    let out = taoli()
        .arg("export")
        .arg(school)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut by_id = Map::new();
    for teacher in export["teachers"].as_array().unwrap() {
        let mut fields = teacher["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["group_code"] == "basic")
            .map(|r| r["fields"].as_object().unwrap().clone())
            .unwrap_or_default();
        for identity in ["name", "id_type", "id_number"] {
            fields.insert(identity.to_owned(), teacher[identity].clone());
        }
        by_id.insert(
            teacher["id_number"].as_str().unwrap().to_owned(),
            Value::Object(fields),
        );
    }
    by_id
}

/// Imports the template for real and checks the import's answer and what
/// the school file then holds against the answer key, value by value.
fn imports_as_its_answer_key(file: &str) {
    let key = answer_key(file);
    let dir = TempDir::new().unwrap();
    let school = school_for(&dir, &key);
    let out = taoli()
        .arg("import")
        .arg(&school)
        .arg(template_copy(&dir, file))
        .arg("--json")
        .output()
        .unwrap();
    let got: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{file}: the import gave no JSON (exit {:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let problems = expected::mismatches(&key, &got);
    assert!(
        problems.is_empty(),
        "{file} ({}), {} problems:\n{}",
        key["edition"],
        problems.len(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(out.status.code(), Some(0), "{file}: no row may be refused");

    let stored = stored_basic(&school);
    let rows = key["rows"].as_array().unwrap();
    assert_eq!(stored.len(), rows.len(), "{file}: teachers stored");
    let mut differences = Vec::new();
    for row in rows {
        let id = row["id_number"].as_str().unwrap();
        let want = row["values"]["basic"].as_object().unwrap();
        let Some(have) = stored.get(id).and_then(Value::as_object) else {
            differences.push(format!("row {}: {id} not stored", row["row"]));
            continue;
        };
        let fields: BTreeSet<&String> = want.keys().chain(have.keys()).collect();
        for field in fields {
            if want.get(field) != have.get(field) {
                differences.push(format!(
                    "row {} {field}: stored {}, answer key {}",
                    row["row"],
                    have.get(field).unwrap_or(&Value::Null),
                    want.get(field).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{file}: the school file differs from the answer key:\n{}",
        differences.join("\n")
    );
}

#[test]
fn the_primary_secondary_2016_template_imports_every_teacher_as_its_answer_key() {
    imports_as_its_answer_key("zhongxiaoxue-2016.xlsx");
}

#[test]
fn the_kindergarten_template_imports_every_teacher_as_its_answer_key() {
    imports_as_its_answer_key("youeryuan-2016.xlsx");
}

#[test]
fn the_secondary_vocational_template_imports_every_teacher_as_its_answer_key() {
    imports_as_its_answer_key("zhongzhi-2016.xlsx");
}

#[test]
fn the_special_education_template_imports_every_teacher_as_its_answer_key() {
    imports_as_its_answer_key("tejiao-2016.xlsx");
}

#[test]
fn every_template_is_read_from_its_data_sheet_never_a_code_sheet_and_the_import_names_it() {
    for file in [
        "zhongxiaoxue-2016.xlsx",
        "youeryuan-2016.xlsx",
        "zhongzhi-2016.xlsx",
        "tejiao-2016.xlsx",
    ] {
        let key = answer_key(file);
        let data_sheet = key["data_sheet"].as_str().unwrap();
        let code_sheets: Vec<&str> = key["workbook_sheets"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| *s != data_sheet)
            .collect();
        assert!(!code_sheets.is_empty(), "{file} holds code sheets");
        let dir = TempDir::new().unwrap();
        let school = school_for(&dir, &key);

        let out = taoli()
            .arg("import")
            .arg(&school)
            .arg(template_copy(&dir, file))
            .args(["--dry-run", "--json"])
            .output()
            .unwrap();
        let preview: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "{file}: the dry run gave no JSON: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let read: Vec<&str> = preview["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["name"].as_str())
            .collect();
        assert_eq!(read, vec![data_sheet], "{file}: the sheets read");

        let out = taoli()
            .arg("import")
            .arg(&school)
            .arg(template_copy(&dir, file))
            .arg("--dry-run")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(&format!("「{data_sheet}」")),
            "{file}: the import does not say it read 「{data_sheet}」:\n{said}"
        );
        for sheet in &code_sheets {
            assert!(
                !said.contains(&format!("工作表「{sheet}」：表头")),
                "{file}: the import read the code sheet 「{sheet}」:\n{said}"
            );
        }
    }
}
