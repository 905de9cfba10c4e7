//! The layers of taoli-core, checked from the source (docs/ARCHITECTURE.md,
//! "Invariants"): `store/` is the bottom layer. It may name only the crate's
//! modules that are themselves below it; a feature (import, batches, sheets,
//! export, validate, pending, ...) keeps its tables' logic in its own module
//! and calls down into the store, never the other way round. And
//! `SchoolFile` is a small handle: a feature adds a service reached from it
//! (`services.rs`), never methods of its own on it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/sources.rs"]
mod sources;

use std::fs;
use std::path::{Path, PathBuf};

/// The modules `store/` may name: the store itself and the modules below it
/// (each of them names no feature module either).
const STORE_MAY_USE: &[&str] = &[
    "store",
    "error",
    "time",
    "text",
    "fsio",
    "panic_report",
    "revision",
    "record",
    "status_event",
    "correction_request",
    "teacher",
    "school",
    "secrets",
    "account",
    "catalog",
    "id_number",
    "recovery",
    "protocol",
];

/// Paths inside an allowed module that are still above the store.
const STORE_MAY_NOT_USE: &[&str] = &["recovery::sheet"];

/// The source with comment lines blanked (so a doc link is not a use),
/// keeping every line where it was.
fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every crate path a source names, with the byte offset where it is named:
/// `crate::a::b` gives `a::b`; `crate::{a::b, c}` gives `a::b` and `c`.
fn crate_paths(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = source[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        if source[..start].chars().next_back().is_some_and(is_ident) {
            continue; // e.g. `taoli_core::`, not this crate
        }
        let rest = &source[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // A use group: its top-level items, each a path.
            let mut depth = 0usize;
            let mut item = String::new();
            let mut item_at = from + 1;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => {
                        depth += 1;
                        item.push(c);
                    }
                    '}' if depth == 0 => {
                        push_item(&mut found, item_at, &item);
                        break;
                    }
                    '}' => {
                        depth -= 1;
                        item.push(c);
                    }
                    ',' if depth == 0 => {
                        push_item(&mut found, item_at, &item);
                        item.clear();
                        item_at = from + 1 + i + 1;
                    }
                    _ => item.push(c),
                }
            }
        } else {
            let path: String = rest
                .chars()
                .take_while(|&c| is_ident(c) || c == ':')
                .collect();
            found.push((start, path));
        }
    }
    found
}

fn push_item(found: &mut Vec<(usize, String)>, at: usize, item: &str) {
    let trimmed = item.trim_start();
    let offset = item.len() - trimmed.len();
    let path: String = trimmed
        .chars()
        .take_while(|&c| is_ident(c) || c == ':')
        .collect();
    if !path.is_empty() {
        found.push((at + offset, path));
    }
}

/// Why `path` (after `crate::`) is not allowed in the store, if it is not.
fn refusal(path: &str) -> Option<String> {
    let module = path.split("::").next().unwrap_or_default();
    if module == "self" || module.is_empty() {
        return None;
    }
    if !STORE_MAY_USE.contains(&module) {
        return Some(format!("`crate::{module}` is not below the store"));
    }
    STORE_MAY_NOT_USE
        .iter()
        .find(|above| path == **above || path.starts_with(&format!("{above}::")))
        .map(|above| format!("`crate::{above}` is not below the store"))
}

/// Every place in the store's sources that names a module above the store:
/// "file:line: why".
fn violations(store: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources::rust_files(store, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let source = without_comments(&fs::read_to_string(&file).unwrap());
        let shown = file.strip_prefix(store.parent().unwrap()).unwrap_or(&file);
        for (at, path) in crate_paths(&source) {
            if let Some(why) = refusal(&path) {
                let line = source[..at].matches('\n').count() + 1;
                out.push(format!("{}:{line}: {why}", shown.display()));
            }
        }
        // `super::super::x` from a file below store/, or `super::x` from
        // store/mod.rs, reaches the crate root the same way `crate::x` does.
        let is_root =
            file.file_name().is_some_and(|n| n == "mod.rs") && file.parent() == Some(store);
        for (at, _) in source.match_indices(if is_root { "super::" } else { "super::super::" }) {
            let line = source[..at].matches('\n').count() + 1;
            out.push(format!(
                "{}:{line}: reaches the crate root with `super::`; name it with `crate::`",
                shown.display()
            ));
        }
    }
    out
}

#[test]
fn store_names_no_module_above_it() {
    let store = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let found = violations(&store);
    assert!(
        found.is_empty(),
        "store/ is the bottom layer (docs/ARCHITECTURE.md, Invariants); it names modules above it:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_every_form_of_a_crate_path() {
    let source = "use crate::error::Result;\n\
                  use crate::{time::now, import::plan::{Person, Write}};\n\
                  // a doc link to [`crate::export`] is not a use\n\
                  let x = crate::batches::BATCH_FILE_EXTENSION;\n\
                  let y = taoli_core::import::x;\n\
                  crate::recovery::sheet::pdf();\n\
                  crate::recovery::code_id();\n";
    let named: Vec<String> = crate_paths(&without_comments(source))
        .into_iter()
        .map(|(_, path)| path)
        .collect();
    assert_eq!(
        named,
        [
            "error::Result",
            "time::now",
            "import::plan::",
            "batches::BATCH_FILE_EXTENSION",
            "recovery::sheet::pdf",
            "recovery::code_id"
        ]
    );
    let refused: Vec<&String> = named.iter().filter(|p| refusal(p).is_some()).collect();
    assert_eq!(
        refused,
        [
            "import::plan::",
            "batches::BATCH_FILE_EXTENSION",
            "recovery::sheet::pdf"
        ]
    );
}

/// Methods a feature defines on `SchoolFile` that the store may still call,
/// each with why. Everything else a feature adds to `SchoolFile` is above the
/// store: calling it from `store/` is a cycle the `use` lines do not show.
const STORE_MAY_CALL: &[(&str, &str)] = &[(
    "rewrapped_signing_key",
    "a 系统管理员's own password change re-wraps the batches' signing key in the same transaction",
)];

/// The names of the methods each `impl SchoolFile` block outside `store/`
/// defines (the services' accessors in `services.rs`, and what
/// `HANDLE_MAY_KEEP` allows), with the file that defines them.
fn feature_methods(src: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    sources::rust_files(src, &mut files);
    let store = src.join("store");
    let mut out = Vec::new();
    for file in files.into_iter().filter(|f| !f.starts_with(&store)) {
        let source = without_comments(&fs::read_to_string(&file).unwrap());
        let mut rest = source.as_str();
        while let Some(at) = rest.find("impl SchoolFile {") {
            let block = &rest[at..];
            // The block ends at the first line that is a lone closing brace.
            let end = block.find("\n}").unwrap_or(block.len());
            for line in block[..end].lines() {
                let line = line.trim_start();
                let after = ["pub fn ", "pub(crate) fn ", "pub(super) fn ", "fn "]
                    .iter()
                    .find_map(|p| line.strip_prefix(p));
                if let Some(after) = after {
                    let name: String = after.chars().take_while(|&c| is_ident(c)).collect();
                    out.push((name, file.clone()));
                }
            }
            rest = &block[end..];
        }
    }
    out
}

/// Every call in the store's sources of a method a feature defines on
/// `SchoolFile`: "file:line: why".
fn calls_up(src: &Path) -> Vec<String> {
    let features = feature_methods(src);
    let store = src.join("store");
    // A name the store also defines is the store's own (a private helper).
    let mut store_files = Vec::new();
    sources::rust_files(&store, &mut store_files);
    store_files.sort();
    let sources: Vec<(PathBuf, String)> = store_files
        .iter()
        .map(|f| (f.clone(), without_comments(&fs::read_to_string(f).unwrap())))
        .collect();
    let own = |name: &str| {
        sources
            .iter()
            .any(|(_, s)| s.contains(&format!("fn {name}(")) || s.contains(&format!("fn {name}<")))
    };
    let mut out = Vec::new();
    for (file, source) in &sources {
        let shown = file.strip_prefix(src).unwrap_or(file);
        for (name, defined_in) in &features {
            if own(name) || STORE_MAY_CALL.iter().any(|(n, _)| n == name) {
                continue;
            }
            for (at, _) in source.match_indices(&format!(".{name}(")) {
                let line = source[..at].matches('\n').count() + 1;
                out.push(format!(
                    "{}:{line}: calls `{name}`, which {} defines above the store",
                    shown.display(),
                    defined_in.strip_prefix(src).unwrap_or(defined_in).display()
                ));
            }
        }
    }
    out
}

#[test]
fn store_calls_no_method_a_feature_defines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = calls_up(&src);
    assert!(
        found.is_empty(),
        "store/ is the bottom layer (docs/ARCHITECTURE.md, Invariants); it calls up into features:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_method_check_finds_the_features_methods() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let names: Vec<String> = feature_methods(&src).into_iter().map(|(n, _)| n).collect();
    // One from each of a few features, so a change in how impl blocks are
    // written cannot quietly make the check above see nothing.
    for expected in ["imports", "reporting", "backups", "rewrapped_signing_key"] {
        assert!(names.iter().any(|n| n == expected), "{expected} not found");
    }
}

/// Methods a feature module may still define on `SchoolFile` itself (outside
/// `store/` and `services.rs`), each with why: (file under `src/`, method).
const HANDLE_MAY_KEEP: &[(&str, &str, &str)] = &[(
    "batches/outbox.rs",
    "rewrapped_signing_key",
    "the store calls it (see `STORE_MAY_CALL`): a 系统管理员's own password change re-wraps the signing key in the same transaction, before any service exists",
)];

/// Each `impl SchoolFile` block outside `store/`: (file under `src/`, line,
/// the block's `fn` lines, trimmed). Any way of naming the type counts
/// (`impl SchoolFile`, `impl crate::store::SchoolFile`).
fn handle_impls(src: &Path) -> Vec<(String, usize, Vec<String>)> {
    let mut files = Vec::new();
    sources::rust_files(src, &mut files);
    files.sort();
    let store = src.join("store");
    let mut out = Vec::new();
    for file in files.into_iter().filter(|f| !f.starts_with(&store)) {
        let shown = file
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = without_comments(&fs::read_to_string(&file).unwrap());
        let lines: Vec<&str> = source.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let is_impl = line.starts_with("impl")
                && line.trim_end().ends_with('{')
                && line
                    .trim_end()
                    .trim_end_matches('{')
                    .trim_end()
                    .rsplit([' ', ':'])
                    .next()
                    == Some("SchoolFile");
            if !is_impl {
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut fns = Vec::new();
            i += 1;
            while i < lines.len() && lines[i] != "}" {
                let trimmed = lines[i].trim_start();
                if ["pub fn ", "pub(crate) fn ", "pub(super) fn ", "fn "]
                    .iter()
                    .any(|p| trimmed.starts_with(p))
                {
                    fns.push(trimmed.to_string());
                }
                i += 1;
            }
            out.push((shown.clone(), start, fns));
        }
    }
    out
}

fn fn_name(line: &str) -> String {
    let after = line.split("fn ").nth(1).unwrap_or_default();
    after.chars().take_while(|&c| is_ident(c)).collect()
}

#[test]
fn features_add_services_not_methods_on_the_handle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (file, line, fns) in handle_impls(&src) {
        for f in &fns {
            let name = fn_name(f);
            let allowed = if file == "services.rs" {
                // An accessor: `pub fn name(&self) -> Service<'_> {`.
                f.starts_with("pub fn ")
                    && (f.contains("(&self) -> ") || f.contains("(&mut self) -> "))
                    && f.ends_with("<'_> {")
            } else {
                HANDLE_MAY_KEEP
                    .iter()
                    .any(|(kept_in, kept, _)| *kept_in == file && *kept == name)
            };
            if !allowed {
                found.push(format!("{file}:{line}: `{name}` on `SchoolFile`"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "`SchoolFile` is the handle (docs/ARCHITECTURE.md, Invariants): a feature adds a service \
         (a struct borrowing the handle, its accessor in services.rs), not methods on it:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_handle_check_sees_the_accessors_and_what_is_kept() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let impls = handle_impls(&src);
    let named = |file: &str| -> Vec<String> {
        impls
            .iter()
            .filter(|(f, _, _)| f == file)
            .flat_map(|(_, _, fns)| fns.iter().map(|f| fn_name(f)))
            .collect()
    };
    let services = named("services.rs");
    for accessor in [
        "data_entry",
        "search",
        "imports",
        "pending",
        "validation",
        "exports",
        "stats",
        "sheets",
        "recovery_sheet",
        "reporting",
        "audit",
        "backups",
        "workbench",
        "status_changes",
        "duplicates",
    ] {
        assert!(
            services.iter().any(|n| n == accessor),
            "{accessor} not found"
        );
    }
    for (file, kept, _) in HANDLE_MAY_KEEP {
        assert!(
            named(file).iter().any(|n| n == kept),
            "{file} no longer keeps `{kept}`: take it out of HANDLE_MAY_KEEP"
        );
    }
}
