//! How people write a code (代码的写法): the code a value in a roster, a
//! national template or a form stands for.
//!
//! The ecosystem writes one code many ways: the code (`01`), the label
//! (`汉族`), a short label or synonym (`汉`), the national templates'
//! dropdown forms 「代码-名称」 (`01-汉族`), 「代码 名称」 and 「名称(代码)」,
//! labels padded with spaces by Excel's distributed alignment (`汉 族`),
//! full-width forms, a path through a hierarchical table
//! (`校本部教职工/专任教师`), and the many ways of saying "none" (无, 未评, /).
//! [`CodeTable::read`] turns each of them into one [`Reading`]; a 「代码-名称」
//! whose two parts disagree is never guessed.
//!
//! Which words mean "none" is data (`catalog/value_forms.toml`, or a table's
//! own `none_words`), as is the code they stand for (a table's `none_code`,
//! else its code named 无).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::model::{Code, CodeTable};

const VALUE_FORMS_TOML: &str = include_str!("../../catalog/value_forms.toml");

/// What a written value stands for in one code table.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<'t> {
    /// The value names this code.
    Code(&'t Code),
    /// A way of saying "none" in a table without a code for it: no value.
    Empty,
    /// 「代码-名称」 whose name part names another code, or none.
    Mismatch {
        code: &'t Code,
        written_name: String,
    },
    /// Nothing in the table.
    Unknown,
}

/// Which way a value was written, for the import's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Form {
    /// As the table writes it: code, label, synonym.
    Exact,
    /// With spaces inside or full-width forms (汉 族, ０１).
    Spaced,
    /// 「代码-名称」, 「代码 名称」 or 「名称(代码)」.
    CodeAndName,
    /// A path through a hierarchical table (校本部教职工/专任教师).
    Path,
    /// A way of saying "none" (无, 未评, /).
    NoneWord,
}

impl Form {
    /// The catalogs' key of how a note names the form (「写成了『汉 族』等
    /// 带空格或全角字符的写法」), for the message in any locale.
    pub fn message_key(self) -> &'static str {
        match self {
            Form::Exact => "import.form.exact",
            Form::Spaced => "import.form.spaced",
            Form::CodeAndName => "import.form.code_and_name",
            Form::Path => "import.form.path",
            Form::NoneWord => "import.form.none_word",
        }
    }
}

/// The catalog-wide defaults of `catalog/value_forms.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueForms {
    none_words: Vec<String>,
}

fn default_none_words() -> &'static [String] {
    static FORMS: OnceLock<Vec<String>> = OnceLock::new();
    FORMS.get_or_init(|| {
        // Embedded at build time; the catalog tests parse it, so a mistake
        // fails the build's tests rather than a clerk's session.
        toml::from_str::<ValueForms>(VALUE_FORMS_TOML)
            .map(|f| f.none_words.iter().map(|w| squeeze(w)).collect())
            .unwrap_or_default()
    })
}

/// Checks `catalog/value_forms.toml` (for the catalog's load-time checks).
pub(super) fn check_value_forms() -> Result<(), String> {
    toml::from_str::<ValueForms>(VALUE_FORMS_TOML)
        .map(|_| ())
        .map_err(|e| format!("catalog/value_forms.toml：{e}"))
}

/// The comparison form of written text: NFKC (full-width letters, digits and
/// brackets to their plain forms), every kind of white space removed, Latin
/// letters upper-cased. `汉　族` and `汉族`, `（其他）` and `(其他)` compare equal.
pub fn squeeze(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Characters that separate the code from the name in 「代码-名称」.
const SEPARATORS: [char; 9] = ['-', '－', '—', '–', '_', ':', '：', '.', '、'];

impl CodeTable {
    /// What `written` stands for in this table, in every form the ecosystem writes.
    pub fn read(&self, written: &str) -> Reading<'_> {
        self.read_form(written).0
    }

    /// [`CodeTable::read`], and which way the value was written.
    pub fn read_form(&self, written: &str) -> (Reading<'_>, Form) {
        let written = written.trim();
        if written.is_empty() {
            return (Reading::Empty, Form::Exact);
        }
        if let Some(code) = self.exact(written) {
            return (Reading::Code(code), Form::Exact);
        }
        let key = squeeze(written);
        if key.is_empty() {
            return (Reading::Empty, Form::Exact);
        }
        if let Some(code) = self.by_key(&key) {
            return (Reading::Code(code), Form::Spaced);
        }
        if let Some(reading) = self.code_and_name(written) {
            return (reading, Form::CodeAndName);
        }
        if let Some(code) = self.path(written) {
            return (Reading::Code(code), Form::Path);
        }
        if self.is_none_word(&key) {
            return match self.none_code() {
                Some(code) => (Reading::Code(code), Form::NoneWord),
                None => (Reading::Empty, Form::NoneWord),
            };
        }
        (Reading::Unknown, Form::Exact)
    }

    /// The code this table uses for "none": `none_code`, else its code named 无.
    pub fn none_code(&self) -> Option<&Code> {
        match &self.none_code {
            Some(code) if code.is_empty() => None,
            Some(code) => self.get(code),
            None => self.codes.iter().find(|c| c.selectable && c.name == "无"),
        }
    }

    fn is_none_word(&self, key: &str) -> bool {
        match &self.none_words {
            Some(words) => words.iter().any(|w| squeeze(w) == key),
            None => default_none_words().iter().any(|w| w == key),
        }
    }

    /// The value exactly as the table writes it: code, label, synonym, English label.
    fn exact(&self, value: &str) -> Option<&Code> {
        self.get(value)
            .or_else(|| self.codes.iter().find(|c| c.name == value))
            .or_else(|| {
                self.codes
                    .iter()
                    .find(|c| c.synonyms.iter().any(|s| s == value))
            })
            .or_else(|| {
                self.codes.iter().find(|c| {
                    c.name_en
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(value))
                })
            })
    }

    /// The code whose code, label or synonym has the comparison form `key`.
    /// Codes win over labels, labels over synonyms, so a label that happens
    /// to equal another code's synonym reads as its own code.
    fn by_key(&self, key: &str) -> Option<&Code> {
        let index = self.keys.get_or_init(|| {
            let mut index: HashMap<String, usize> = HashMap::new();
            // Codes first, then labels, synonyms and English labels: the
            // first to claim a comparison form keeps it.
            for pass in 0..4 {
                for (i, code) in self.codes.iter().enumerate() {
                    let keys: Vec<String> = match pass {
                        0 => vec![squeeze(&code.code)],
                        1 => vec![squeeze(&code.name)],
                        2 => code.synonyms.iter().map(|s| squeeze(s)).collect(),
                        _ => code.name_en.iter().map(|s| squeeze(s)).collect(),
                    };
                    for k in keys {
                        index.entry(k).or_insert(i);
                    }
                }
            }
            index
        });
        index.get(key).and_then(|&i| self.codes.get(i))
    }

    /// 「代码-名称」, 「代码 名称」, 「代码名称」 and 「名称(代码)」.
    fn code_and_name(&self, written: &str) -> Option<Reading<'_>> {
        let plain: String = written.nfkc().collect();
        let plain = plain.trim();
        // 名称(代码)
        if let Some((name, code)) = plain.strip_suffix(')').and_then(|s| s.rsplit_once('('))
            && let Some(code) = self.get(code.trim())
        {
            return Some(self.agree(code, name));
        }
        // 代码-名称, 代码 名称
        for (at, sep) in plain.char_indices() {
            if !(SEPARATORS.contains(&sep) || sep.is_whitespace()) {
                continue;
            }
            let code = plain.get(..at)?;
            let name = plain.get(at..)?.strip_prefix(sep)?;
            if let Some(code) = self.get(code.trim()) {
                return Some(self.agree(code, name));
            }
        }
        // 代码名称 (01汉族): the longest code prefix followed by its own name.
        let digits = plain
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_alphanumeric())
            .map(|(i, c)| i.saturating_add(c.len_utf8()))
            .last()?;
        // Only when the rest names that very code: 2级 is not 「2-二级」 misspelt.
        (1..=digits).rev().find_map(|end| {
            let code = self.get(plain.get(..end)?)?;
            let name = squeeze(plain.get(end..)?);
            (!name.is_empty() && self.names(code, &name)).then_some(Reading::Code(code))
        })
    }

    /// `code` when `name` names it too (or is empty), else a mismatch.
    fn agree<'t>(&'t self, code: &'t Code, name: &str) -> Reading<'t> {
        let key = squeeze(name);
        if key.is_empty() || self.names(code, &key) {
            return Reading::Code(code);
        }
        Reading::Mismatch {
            code,
            written_name: name.trim().to_owned(),
        }
    }

    /// Whether `key` is one of `code`'s own names (label, synonym, English
    /// label, or the label with its qualifier in brackets dropped).
    fn names(&self, code: &Code, key: &str) -> bool {
        let label = squeeze(&code.name);
        label == key
            || code.synonyms.iter().any(|s| squeeze(s) == key)
            || code.name_en.as_deref().is_some_and(|n| squeeze(n) == key)
            || label
                .split_once('(')
                .is_some_and(|(bare, _)| !bare.is_empty() && bare == key)
            || self.by_key(key).is_some_and(|c| c.code == code.code)
    }

    /// A path through a hierarchical table (`校本部教职工/专任教师`,
    /// `A/A1`): the most specific code, when every step is an ancestor of it.
    fn path(&self, written: &str) -> Option<&Code> {
        let steps: Vec<&str> = written
            .split(['/', '／', '>', '＞', '→', '\\'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if steps.len() < 2 {
            return None;
        }
        let codes: Vec<&Code> = steps
            .iter()
            .map(|s| match self.read(s) {
                Reading::Code(c) => Some(c),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let (last, ancestors) = codes.split_last()?;
        let mut lineage = Vec::new();
        let mut at = last.parent.as_deref();
        while let Some(parent) = at {
            if lineage.contains(&parent) {
                break;
            }
            lineage.push(parent);
            at = self.get(parent).and_then(|p| p.parent.as_deref());
        }
        ancestors
            .iter()
            .all(|a| lineage.contains(&a.code.as_str()))
            .then_some(*last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    fn table(id: &str) -> CodeTable {
        catalog().unwrap().code_table(id).cloned().unwrap()
    }

    fn code_of(t: &CodeTable, written: &str) -> Option<String> {
        match t.read(written) {
            Reading::Code(c) => Some(c.code.clone()),
            _ => None,
        }
    }

    #[test]
    fn the_national_templates_code_dash_name_form_reads_as_its_code() {
        assert_eq!(code_of(&table("gender"), "1-男").as_deref(), Some("1"));
        assert_eq!(
            code_of(&table("political_status"), "01-中共党员").as_deref(),
            Some("01")
        );
        assert_eq!(code_of(&table("yes_no"), "0-否").as_deref(), Some("0"));
        assert_eq!(
            code_of(&table("personnel_status"), "100-在本单位任职").as_deref(),
            Some("100")
        );
    }

    #[test]
    fn code_space_name_and_name_bracket_code_read_as_the_code() {
        let t = table("ethnicity");
        assert_eq!(code_of(&t, "01 汉族").as_deref(), Some("01"));
        assert_eq!(code_of(&t, "汉族(01)").as_deref(), Some("01"));
        assert_eq!(code_of(&t, "汉族（01）").as_deref(), Some("01"));
        assert_eq!(code_of(&t, "01汉族").as_deref(), Some("01"));
    }

    #[test]
    fn a_code_whose_name_part_names_another_code_is_a_mismatch() {
        let t = table("ethnicity");
        match t.read("01-蒙古族") {
            Reading::Mismatch { code, written_name } => {
                assert_eq!(code.code, "01");
                assert_eq!(written_name, "蒙古族");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn labels_padded_with_spaces_read_as_the_label() {
        let t = table("ethnicity");
        assert_eq!(code_of(&t, "汉 族").as_deref(), Some("01"));
        assert_eq!(code_of(&t, "汉\u{3000}族").as_deref(), Some("01"));
        assert_eq!(
            code_of(&table("political_status"), "中共 党员").as_deref(),
            Some("01")
        );
    }

    #[test]
    fn full_width_codes_read_as_the_code() {
        assert_eq!(code_of(&table("ethnicity"), "０１").as_deref(), Some("01"));
    }

    #[test]
    fn a_none_word_reads_as_the_tables_none_code() {
        let t = table("title");
        assert_eq!(code_of(&t, "未评").as_deref(), Some("0"));
        assert_eq!(code_of(&t, "/").as_deref(), Some("0"));
    }

    #[test]
    fn a_none_word_in_a_table_without_a_none_code_reads_as_empty() {
        assert_eq!(table("ethnicity").read("暂无"), Reading::Empty);
        assert_eq!(table("ethnicity").read("—"), Reading::Empty);
    }

    #[test]
    fn a_hierarchical_path_reads_as_its_most_specific_code() {
        let t = table("staff_category_primary_secondary");
        assert_eq!(code_of(&t, "校本部教职工/专任教师").as_deref(), Some("A1"));
        assert_eq!(code_of(&t, "A-校本部教职工").as_deref(), Some("A"));
    }

    #[test]
    fn unknown_text_is_unknown() {
        assert_eq!(table("ethnicity").read("火星族"), Reading::Unknown);
    }

    #[test]
    fn the_value_forms_file_parses() {
        check_value_forms().unwrap();
        assert!(default_none_words().contains(&"未评".to_owned()));
    }
}
