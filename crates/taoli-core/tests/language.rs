//! Where taoli-core may still write Chinese in code (docs/ARCHITECTURE.md,
//! "Invariants"): what the clerk reads is said through the message catalogs
//! (`messages/*.toml`) in the window's language, so a Chinese string literal
//! in `src/` is allowed only in the files listed here, each with the reason
//! its Chinese is not the window's to translate, and only as many as listed.
//! The count is a ratchet: moving a sentence to the catalogs lowers it (and
//! this test asks for the lower number); a new file holds none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/sources.rs"]
mod sources;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// What the national system's templates, the printed sheets and the
/// exported workbooks say: the school's record, Chinese in every window.
const PRINTED: &str = "printed or exported for the national system";
/// A word or name the school file or its audit trail keeps and reads back
/// as written (shown in the window's language through `word.*`).
const STORED: &str = "stored as written and read back";
/// A file name the school keeps on disk.
const FILE_NAME: &str = "a file name";
/// Written beside its English and chosen by the locale.
const PAIRED: &str = "paired with its English";
/// Words read from what clerks and the national system write: roster
/// headers, 是/否, 无, the parts of a division's name.
const READ: &str = "words read from rosters and data";
/// The indicator catalog's, a province pack's or a data file's own checks
/// and listings, for whoever writes the pack, in Chinese as the packs are.
const DATA_CHECK: &str = "checks of the data files, for their authors";
/// An internal error's particulars (`internal.*`), for whoever supports the
/// clerk: never the clerk's to act on.
const INTERNAL: &str = "an internal error's particulars";

/// Each file that may hold Chinese string literals, how many, and why.
const CHINESE_IN_CODE: &[(&str, usize, &str)] = &[
    ("account.rs", 3, DATA_CHECK),
    ("batches/deliver.rs", 3, PAIRED),
    ("batches/http.rs", 3, PAIRED),
    ("batches/keys.rs", 2, STORED),
    ("batches/mod.rs", 6, STORED),
    ("batches/outbox.rs", 4, STORED),
    ("batches/plan.rs", 1, STORED),
    ("batches/recover.rs", 1, PAIRED),
    ("catalog/check.rs", 26, DATA_CHECK),
    ("catalog/markdown.rs", 21, DATA_CHECK),
    ("catalog/mod.rs", 8, DATA_CHECK),
    ("catalog/province.rs", 18, DATA_CHECK),
    ("catalog/regions.rs", 45, READ),
    ("catalog/templates.rs", 11, DATA_CHECK),
    ("catalog/written.rs", 2, READ),
    ("entry.rs", 2, READ),
    ("error/account.rs", 1, PAIRED),
    ("export/csv.rs", 1, PRINTED),
    ("export/file.rs", 8, PRINTED),
    ("export/layout.rs", 3, PRINTED),
    ("export/style.rs", 2, PRINTED),
    ("export/workbook.rs", 26, PRINTED),
    ("import/commit.rs", 1, STORED),
    ("import/mapping.rs", 2, READ),
    ("import/mod.rs", 1, PRINTED),
    ("import/plan/classify.rs", 1, READ),
    ("import/plan/mod.rs", 1, READ),
    ("import/plan/row.rs", 2, PRINTED),
    ("import/refused.rs", 13, PRINTED),
    ("import/source.rs", 1, READ),
    ("import/table.rs", 11, READ),
    ("panic_report.rs", 4, FILE_NAME),
    ("pending.rs", 2, PAIRED),
    ("recovery/sheet.rs", 3, PRINTED),
    ("recovery/sidecar.rs", 3, INTERNAL),
    ("secrets/key.rs", 1, INTERNAL),
    ("secrets/mod.rs", 1, INTERNAL),
    ("secrets/password.rs", 1, INTERNAL),
    ("secrets/wrap.rs", 1, INTERNAL),
    ("sheets/content.rs", 1, PRINTED),
    ("sheets/font.rs", 3, PRINTED),
    ("sheets/mod.rs", 1, PRINTED),
    ("sheets/qr.rs", 1, PRINTED),
    ("sheets/signoffs.rs", 6, PRINTED),
    ("sheets/template.rs", 1, PRINTED),
    ("sheets/typeset.rs", 5, PRINTED),
    ("stats/mod.rs", 5, PRINTED),
    ("stats/workbook.rs", 8, PRINTED),
    ("store/audit.rs", 1, STORED),
    ("store/backups.rs", 10, FILE_NAME),
    ("store/cipher.rs", 4, INTERNAL),
    ("store/lock.rs", 2, PAIRED),
    ("store/mod.rs", 1, INTERNAL),
    ("store/recovery.rs", 2, INTERNAL),
    ("validate/field.rs", 22, PAIRED),
    ("validate/mod.rs", 4, PAIRED),
    ("validate/rule.rs", 8, PAIRED),
];

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// The string literals of `source` before its test module, comments and
/// character literals left out.
fn string_literals(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 3,
            '"' => {
                let mut literal = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    } else {
                        literal.push(chars[i]);
                    }
                    i += 1;
                }
                found.push(literal);
                i += 1;
            }
            _ => i += 1,
        }
    }
    found
}

fn chinese_literals(source: &str) -> usize {
    string_literals(source)
        .iter()
        .filter(|s| s.chars().any(is_cjk))
        .count()
}

#[test]
fn chinese_is_written_in_code_only_where_the_list_says_why() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources::rust_files(&src, &mut files);
    let allowed: BTreeMap<&str, usize> = CHINESE_IN_CODE.iter().map(|(f, n, _)| (*f, *n)).collect();
    let mut wrong = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let found = chinese_literals(&fs::read_to_string(path).unwrap());
        let listed = allowed.get(name.as_str()).copied().unwrap_or(0);
        if found > listed {
            wrong.push(format!(
                "{name}: {found} Chinese string literals, {listed} allowed: say it through the \
                 message catalogs (messages/*.toml), or list the file in CHINESE_IN_CODE with why"
            ));
        } else if found < listed {
            wrong.push(format!(
                "{name}: {found} Chinese string literals now, {listed} listed: lower the count"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_check_counts_string_literals_not_comments_or_characters() {
    let source = r#"
        // 注释里的中文
        let a = "中文";
        let b = '中';
        let c = '\'';
        let d = "it's \"引号\"";
        let e = "plain";
        #[cfg(test)]
        mod tests { const T: &str = "测试"; }
    "#;
    assert_eq!(string_literals(source), ["中文", "it's 引号", "plain"]);
    assert_eq!(chinese_literals(source), 2);
}

#[test]
fn every_listed_file_is_there_and_says_why() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, count, why) in CHINESE_IN_CODE {
        assert!(src.join(file).is_file(), "{file} is listed but not there");
        assert!(*count > 0 && !why.is_empty(), "{file}");
    }
}
