//! `docs/indicators.md`, generated from the catalog (`taoli catalog --markdown`).
//! A test fails when the committed file differs from what this writes.

use std::fmt::Write;

use super::{Catalog, Field, Group, SchoolTypeScope, SetScope};

const GAPS_MD: &str = include_str!("../../catalog/GAPS.md");

impl Catalog {
    /// The whole catalog as Markdown: one section after another.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        preamble(&mut md);
        sets(&mut md, self);
        school_types(&mut md, self);
        groups(&mut md, self);
        code_tables(&mut md, self);
        regions(&mut md, self);
        rules(&mut md, self);
        md.push('\n');
        md.push_str(GAPS_MD.trim_end());
        md.push('\n');
        md
    }

    /// An indicator set's Chinese name, or its id when the catalog has no such set.
    fn set_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.set(id).map_or(id, |s| s.name.as_str())
    }

    /// The sets a scope names, 、-separated ("全部" for every set, "—" for none).
    fn set_names(&self, scope: &SetScope) -> String {
        match scope {
            SetScope::All(_) => "全部".to_owned(),
            SetScope::Only(ids) if ids.is_empty() => "—".to_owned(),
            SetScope::Only(ids) => ids
                .iter()
                .map(|id| self.set_name(id))
                .collect::<Vec<_>>()
                .join("、"),
        }
    }
}

/// " [I]" after what the reference only infers.
fn mark(confirmed: bool) -> &'static str {
    if confirmed { "" } else { " [I]" }
}

fn preamble(md: &mut String) {
    let _ = writeln!(
        md,
        "# Indicators\n\n\
         Generated from `crates/taoli-core/catalog/` by `taoli catalog --markdown`; do not edit.\n\
         [I] marks what the reference only infers: a province pack may change it.\n"
    );
}

fn sets(md: &mut String, catalog: &Catalog) {
    let _ = writeln!(
        md,
        "## Indicator sets (指标体系)\n\n| id | 名称 | name |\n|---|---|---|"
    );
    for s in catalog.sets() {
        let _ = writeln!(
            md,
            "| `{}` | {}{} | {} |",
            s.id,
            s.name,
            mark(s.confirmed),
            s.name_en
        );
    }
}

fn school_types(md: &mut String, catalog: &Catalog) {
    let _ = writeln!(
        md,
        "\n## School types (办学类型代码)\n\n| 代码 | 办学类型 | 指标体系 |\n|---|---|---|"
    );
    for t in catalog.school_types() {
        let set = match &t.scope {
            SchoolTypeScope::In { set } => set.name.clone(),
            SchoolTypeScope::Out { reason } => format!("不采集：{reason}"),
        };
        let _ = writeln!(
            md,
            "| {} | {}{} | {set} |",
            t.code,
            t.name,
            mark(t.confirmed)
        );
    }
}

fn groups(md: &mut String, catalog: &Catalog) {
    let _ = writeln!(
        md,
        "\n## Information groups (信息项) and indicators (指标)\n"
    );
    let _ = writeln!(
        md,
        "`*` required in the sets named; “所在” the sets that have the indicator.\n"
    );
    for g in catalog.groups() {
        group_heading(md, catalog, g);
        for f in &g.fields {
            field_row(md, catalog, f);
        }
        md.push('\n');
    }
}

/// A group's heading, what it is, its row key and the field table's header.
fn group_heading(md: &mut String, catalog: &Catalog, g: &Group) {
    let mut key = String::new();
    if !g.key.is_empty() {
        let _ = write!(key, "，行标识：{}", g.key.join(" + "));
    }
    for (set, fields) in &g.key_by_set {
        let _ = write!(key, "（{}：{}）", catalog.set_name(set), fields.join(" + "));
    }
    let _ = writeln!(
        md,
        "### {} {} (`{}`)\n\n{}，所在：{}{key}。\n\n| 代码 | 指标 | 类型 | 代码表 | * 必填 | 所在 |\n|---|---|---|---|---|---|",
        g.order,
        g.name,
        g.id,
        if g.multi {
            "多条记录"
        } else {
            "单条记录"
        },
        catalog.set_names(&g.sets)
    );
}

/// One indicator's row: its label with what differs by set, its code table.
fn field_row(md: &mut String, catalog: &Catalog, f: &Field) {
    let _ = writeln!(
        md,
        "| `{}` | {} | {:?} | {} | {} | {} |",
        f.code,
        field_label(catalog, f),
        f.kind,
        field_code_tables(catalog, f),
        catalog.set_names(&f.required),
        catalog.set_names(&f.sets)
    );
}

fn field_label(catalog: &Catalog, f: &Field) -> String {
    let mut label = format!("{}{}", f.label, mark(f.confirmed));
    for (set, other) in &f.labels_by_set {
        let _ = write!(label, "（{}：{other}）", catalog.set_name(set));
    }
    let differs: Vec<&str> = f
        .confirmed_by_set
        .iter()
        .filter(|(_, confirmed)| **confirmed != f.confirmed)
        .map(|(set, _)| catalog.set_name(set))
        .collect();
    if !differs.is_empty() {
        let _ = write!(
            label,
            "（{}：{}）",
            differs.join("、"),
            if f.confirmed { "[I]" } else { "已确认" }
        );
    }
    if f.derived {
        label.push_str("（推算）");
    }
    label
}

fn field_code_tables(catalog: &Catalog, f: &Field) -> String {
    let mut table = f
        .code_table
        .clone()
        .map(|t| format!("`{t}`"))
        .unwrap_or_default();
    for (set, t) in &f.code_table_by_set {
        let _ = write!(table, "，{}：`{t}`", catalog.set_name(set));
    }
    table
}

fn code_tables(md: &mut String, catalog: &Catalog) {
    let _ = writeln!(md, "## Code tables (代码表)\n");
    for t in catalog.code_tables() {
        let _ = writeln!(
            md,
            "### {} (`{}`){}\n\n{}\n",
            t.name,
            t.id,
            mark(t.confirmed),
            t.source.as_deref().unwrap_or("")
        );
        let codes: Vec<String> = t
            .codes
            .iter()
            .map(|c| {
                let parent = c
                    .parent
                    .as_deref()
                    .map(|p| format!("←{p}"))
                    .unwrap_or_default();
                format!("{} {}{parent}{}", c.code, c.name, mark(c.confirmed))
            })
            .collect();
        let _ = writeln!(md, "{}\n", codes.join(" · "));
    }
}

fn regions(md: &mut String, catalog: &Catalog) {
    let regions = catalog.regions();
    let count = |level: u8| regions.regions.iter().filter(|r| r.level == level).count();
    let _ = writeln!(
        md,
        "## Administrative divisions (行政区划)\n\n\
         Fields of type `Region` (籍贯, 出生地) hold a six-digit code of this table: \
         `crates/taoli-core/catalog/regions/regions.tsv`, {} divisions ({} provincial, \
         {} prefecture-level, {} county-level), generated by `scripts/regions/generate.mjs`, \
         never typed by hand (`catalog/regions/README.md`).\n\n\
         - Source: {}\n\
         - Edition: {}\n\
         - Kept: provinces, prefecture-level cities and counties. The statistical \
         placeholders 市辖区 / 县 / 省直辖县级行政区划 are not divisions: their counties sit \
         under the province. Left out: the Bureau's statistical zones (county codes ending \
         71–80: 开发区, 新区 …), which GB/T 2260 does not list, and a county that repeats its \
         city (东莞市). Added: 台湾省 710000, 香港特别行政区 810000, 澳门特别行政区 820000 \
         (GB/T 2260 codes; the Bureau's codes leave them out).\n\
         - Inferred [I]: that the national system takes these codes for 籍贯 and 出生地 at any \
         level (a province or city alone); short names (四川成都武侯) are read by dropping \
         省/市/县 endings and the ethnic groups of autonomous divisions; a short name that is \
         a province's is the province (海南), one that names a division and one inside it is \
         the outer one (吉林); a renamed county's former ending (双流县) is read as today's \
         division. The pinyin used by search comes from pinyin-pro with a short list of \
         place-name readings corrected in the generator.\n\
         - An ID number's first six digits not in the table are a warning \
         (`id_number_region_known`): codes of divisions since abolished or changed stay valid \
         on IDs issued earlier.\n",
        regions.regions.len(),
        count(1),
        count(2),
        count(3),
        regions.source,
        regions.edition,
    );
}

fn rules(md: &mut String, catalog: &Catalog) {
    let _ = writeln!(
        md,
        "## Rules (校验规则)\n\n| id | 信息项 | 级别 | 规则 |\n|---|---|---|---|"
    );
    for r in catalog.rules() {
        let _ = writeln!(
            md,
            "| `{}` | {} | {:?} | {}{} |",
            r.id,
            catalog
                .group(&r.group)
                .map_or(r.group.as_str(), |g| g.name.as_str()),
            r.severity,
            r.message,
            mark(r.confirmed)
        );
    }
}
