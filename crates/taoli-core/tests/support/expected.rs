//! Compares an import preview (as JSON, the shape of `docs/import-json.md`)
//! with a roster's expected results in `fixtures/rosters/expected/`. Shared by
//! the core and CLI tests (`#[path]`-included), so both read the fixtures the same way.

use std::path::{Path, PathBuf};

use serde_json::Value;

pub fn rosters_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rosters")
}

/// Every expected-results file for a roster (the bad-files list left out).
pub fn expected_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(rosters_dir().join("expected"))
        .expect("fixtures/rosters/expected")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.ends_with("bad-files.json"))
        .collect();
    files.sort();
    files
}

pub fn load(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("expected file")).expect("expected JSON")
}

/// The options an expected file asks for: sheets and `--map` corrections.
pub fn options(expected: &Value) -> (Vec<String>, Vec<String>) {
    let list = |key: &str| -> Vec<String> {
        expected["options"][key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    (list("sheets"), list("map"))
}

/// [`options`] as the core takes them.
pub fn import_options(expected: &Value) -> taoli_core::import::ImportOptions {
    let (sheets, map) = options(expected);
    taoli_core::import::ImportOptions {
        sheets,
        mappings: map
            .iter()
            .map(|m| taoli_core::import::MappingOverride::parse(m).unwrap())
            .collect(),
        ..Default::default()
    }
}

/// Every way `preview` differs from `expected`; empty when it matches.
pub fn mismatches(expected: &Value, preview: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let sheets: Vec<&Value> = preview["sheets"]
        .as_array()
        .map(|s| s.iter().map(|s| &s["name"]).collect())
        .unwrap_or_default();
    let wanted: Vec<&Value> = expected["sheets"]
        .as_array()
        .map(|s| s.iter().collect())
        .unwrap_or_default();
    if sheets != wanted {
        out.push(format!("sheets {sheets:?}, expected {wanted:?}"));
    }
    if preview["counts"] != expected["counts"] {
        out.push(format!(
            "counts {}, expected {}",
            preview["counts"], expected["counts"]
        ));
    }
    let rows = preview["rows"].as_array().cloned().unwrap_or_default();
    for want in expected["rows"].as_array().into_iter().flatten() {
        let at = format!("{} row {}", want["sheet"], want["row"]);
        let Some(got) = rows
            .iter()
            .find(|r| r["sheet"] == want["sheet"] && r["row"] == want["row"])
        else {
            out.push(format!("{at}: missing"));
            continue;
        };
        if got["status"] != want["status"] {
            out.push(format!(
                "{at}: status {}, expected {} ({})",
                got["status"], want["status"], got["messages"]
            ));
        }
        if let Some(id) = want.get("id_number")
            && got["id_number"] != *id
        {
            out.push(format!(
                "{at}: id_number {}, expected {id}",
                got["id_number"]
            ));
        }
        let codes: Vec<&Value> = got["messages"]
            .as_array()
            .map(|m| m.iter().map(|m| &m["code"]).collect())
            .unwrap_or_default();
        for code in want["message_codes"].as_array().into_iter().flatten() {
            if !codes.contains(&code) {
                out.push(format!("{at}: no message {code} (has {codes:?})"));
            }
        }
        for (group, fields) in want["values"].as_object().into_iter().flatten() {
            for (field, value) in fields.as_object().into_iter().flatten() {
                let actual = &got["values"][group][field];
                if actual != value {
                    out.push(format!(
                        "{at}: {group}.{field} = {actual}, expected {value}"
                    ));
                }
            }
        }
    }
    out
}
