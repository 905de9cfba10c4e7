//! What the console calls an indicator, a group and a coded value: the
//! labels of the desktop app's catalog (`crates/taoli-core/catalog/groups`
//! and `codes`), embedded, so a reviewer reads 「最高学历：本科」 and never
//! a field code or raw JSON.

use std::collections::HashMap;
use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use serde::Deserialize;

static GROUPS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../taoli-core/catalog/groups");
static CODES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../taoli-core/catalog/codes");
/// 身份证件类型 is a table of its own, beside the others: the catalog
/// (`taoli_core::catalog`) reads it into the code table `id_type`.
static ID_TYPES: &str = include_str!("../../taoli-core/catalog/id_types.toml");

#[derive(Deserialize)]
struct GroupFile {
    id: String,
    name: String,
    #[serde(default)]
    field: Vec<FieldEntry>,
}

#[derive(Deserialize)]
struct FieldEntry {
    code: String,
    label: String,
    #[serde(default)]
    code_table: Option<String>,
}

#[derive(Deserialize)]
struct CodeFile {
    id: String,
    #[serde(default)]
    code: Vec<CodeEntry>,
}

#[derive(Deserialize)]
struct IdTypeFile {
    #[serde(default)]
    id_type: Vec<CodeEntry>,
}

#[derive(Deserialize)]
struct CodeEntry {
    code: String,
    name: String,
}

/// The catalog's labels.
#[derive(Debug, Default)]
pub struct Labels {
    groups: HashMap<String, String>,
    fields: HashMap<String, (String, Option<String>)>,
    codes: HashMap<String, HashMap<String, String>>,
}

impl Labels {
    /// The labels, read once.
    pub fn get() -> &'static Labels {
        static LABELS: OnceLock<Labels> = OnceLock::new();
        LABELS.get_or_init(Labels::read)
    }

    fn read() -> Labels {
        let mut labels = Labels::default();
        for file in GROUPS.files() {
            let Some(group) = file
                .contents_utf8()
                .and_then(|text| toml::from_str::<GroupFile>(text).ok())
            else {
                continue;
            };
            for field in group.field {
                labels
                    .fields
                    .entry(field.code)
                    .or_insert((field.label, field.code_table));
            }
            labels.groups.insert(group.id, group.name);
        }
        for file in CODES.files() {
            let Some(table) = file
                .contents_utf8()
                .and_then(|text| toml::from_str::<CodeFile>(text).ok())
            else {
                continue;
            };
            labels.codes.insert(
                table.id,
                table.code.into_iter().map(|c| (c.code, c.name)).collect(),
            );
        }
        if let Ok(file) = toml::from_str::<IdTypeFile>(ID_TYPES) {
            labels.codes.insert(
                "id_type".into(),
                file.id_type.into_iter().map(|c| (c.code, c.name)).collect(),
            );
        }
        labels
    }

    /// An indicator's label; its code when the catalog has none.
    pub fn field(&self, code: &str) -> String {
        self.fields
            .get(code)
            .map_or_else(|| code.to_owned(), |(label, _)| label.clone())
    }

    /// A group's name.
    pub fn group(&self, id: &str) -> String {
        self.groups
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// A value of the indicator `field` as a reader says it: a coded value
    /// with its name (「1 男」), anything else as it is.
    pub fn value(&self, field: &str, value: &str) -> String {
        let name = self
            .fields
            .get(field)
            .and_then(|(_, table)| table.as_ref())
            .and_then(|table| self.codes.get(table))
            .and_then(|codes| codes.get(value));
        match name {
            Some(name) => format!("{value} {name}"),
            None => value.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indicator_is_named_by_its_catalog_label() {
        assert_eq!(Labels::get().field("name"), "姓名");
        assert_eq!(Labels::get().group("education"), "学习经历");
    }

    #[test]
    fn a_coded_value_is_said_with_its_name() {
        assert_eq!(Labels::get().value("gender", "1"), "1 男");
        assert_eq!(Labels::get().value("name", "王芳"), "王芳");
    }

    #[test]
    fn an_id_type_is_said_with_its_name() {
        assert_eq!(Labels::get().value("id_type", "1"), "1 居民身份证");
        assert_eq!(Labels::get().value("id_type", "A"), "A 护照");
    }
}
