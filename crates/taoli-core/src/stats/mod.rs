//! The school's statistics (统计): how many teachers by 性别, age band, 最高学历,
//! 现任专业技术职务, 民族 (汉族 / 少数民族), 政治面貌, 是否在编 and 教职工类别.
//!
//! Labels come from the code tables of the school's indicator set (and its
//! province pack); derived fields that are not stored are taken from their
//! source group the way the catalog's `derived_*` rules say ([`crate::derived`]).
//! Every dimension ends with a bucket for the teachers without a value
//! (「未填」; 「未知」 for age, which also comes from the ID number). JSON shape:
//! `docs/stats-json.md`; the workbook: [`workbook`].

pub mod workbook;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::catalog::{Code, CodeTable, EffectiveCatalog, FieldType, IdNumberForm, IdType, Rule};
use crate::derived;
use crate::error::Result;
use crate::id_number;
use crate::record::{Fields, IndicatorRecord};
use crate::store::SchoolFile;
use crate::teacher::Teacher;
use crate::validate::BASIC_GROUP;
use crate::validate::value::{self, Moment};

/// What the teachers are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "StatsDimensionId")]
pub enum Dimension {
    /// 性别, by the gender code table's labels.
    Gender,
    /// Age band on the day the statistics are taken, from 出生日期 or a
    /// resident ID number.
    Age,
    /// 最高学历 (derived from 学习经历 when not stored).
    HighestEducation,
    /// 现任专业技术职务 (derived from 专业技术职务聘任 when not stored).
    CurrentTitle,
    /// 民族 as 汉族 or 少数民族.
    Ethnicity,
    /// 政治面貌; a teacher with several counts once under each.
    PoliticalStatus,
    /// 是否在编.
    OnEstablishment,
    /// 教职工类别, by the set's staff category table.
    StaffCategory,
}

/// The chart a dimension is drawn as: shares of a whole, or counts side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Pie,
    Column,
}

/// One row of a dimension: a code, an age band or the missing values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatsBucket {
    /// Stable key: the code (`1`, `14`, `A1`), the age band (`le24`,
    /// `25-29` … `ge60`), `han` / `minority` for 民族, or [`MISSING_KEY`].
    pub key: String,
    pub label: String,
    pub label_en: String,
    #[ts(type = "number")]
    pub count: usize,
    /// True for the bucket of teachers without a value (「未填」, or 「未知」 for age).
    pub missing: bool,
}

/// The teachers counted by one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StatsDimension {
    pub id: Dimension,
    /// The dimension's name: the indicator's label (性别, 最高学历 …) or 年龄.
    pub name: String,
    pub name_en: String,
    pub chart: ChartKind,
    /// True where a teacher may count in several buckets (政治面貌 is
    /// multi-code): the counts may then add up to more than `total`.
    pub multi: bool,
    /// The teachers counted: every teacher of the school.
    #[ts(type = "number")]
    pub total: usize,
    /// In the code table's order (age bands youngest first); the missing
    /// bucket always last.
    pub buckets: Vec<StatsBucket>,
}

impl StatsDimension {
    /// The bucket with `key`.
    pub fn bucket(&self, key: &str) -> Option<&StatsBucket> {
        self.buckets.iter().find(|b| b.key == key)
    }

    /// How many teachers count under `key` (0 for a bucket not shown).
    pub fn count(&self, key: &str) -> usize {
        self.bucket(key).map_or(0, |b| b.count)
    }
}

/// The school's statistics.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SchoolStats {
    pub school_code: String,
    pub school_name: String,
    /// The indicator set's id.
    pub set: String,
    /// The day ages are counted on (YYYY-MM-DD).
    pub as_of: String,
    /// The teachers on the active roster that day (those who left before
    /// it, 离校教师, are not counted).
    #[ts(type = "number")]
    pub teachers: usize,
    /// The teachers on file who were off the roster that day.
    #[ts(type = "number")]
    pub departed: usize,
    pub dimensions: Vec<StatsDimension>,
}

impl SchoolStats {
    pub fn dimension(&self, id: Dimension) -> Option<&StatsDimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
}

/// The key of the bucket of teachers without a value.
pub const MISSING_KEY: &str = "missing";
/// 民族's code for 汉族 (GB 3304-1991); every other code is a minority.
const HAN: &str = "01";

/// The age bands: the youngest age in each, with its key and label.
const AGE_BANDS: [(u32, &str, &str); 9] = [
    (0, "le24", "≤24"),
    (25, "25-29", "25–29"),
    (30, "30-34", "30–34"),
    (35, "35-39", "35–39"),
    (40, "40-44", "40–44"),
    (45, "45-49", "45–49"),
    (50, "50-54", "50–54"),
    (55, "55-59", "55–59"),
    (60, "ge60", "≥60"),
];

/// Which codes of a table a dimension shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// Every selectable code, even with no teacher (性别, 是否在编: short tables
    /// whose empty rows are news), and any other code a teacher has.
    Selectable,
    /// Only the codes teachers have (long tables: 学历, 职务 …).
    Found,
}

/// A dimension counted by the labels of a 基本信息 code field's table.
#[derive(Debug, Clone, Copy)]
struct CodeSpec {
    id: Dimension,
    field: &'static str,
    chart: ChartKind,
    shown: Shown,
}

const fn spec(id: Dimension, field: &'static str, chart: ChartKind, shown: Shown) -> CodeSpec {
    CodeSpec {
        id,
        field,
        chart,
        shown,
    }
}

const GENDER: CodeSpec = spec(
    Dimension::Gender,
    "gender",
    ChartKind::Pie,
    Shown::Selectable,
);
const HIGHEST_EDUCATION: CodeSpec = spec(
    Dimension::HighestEducation,
    "highest_education",
    ChartKind::Column,
    Shown::Found,
);
const CURRENT_TITLE: CodeSpec = spec(
    Dimension::CurrentTitle,
    "current_title",
    ChartKind::Column,
    Shown::Found,
);
const POLITICAL_STATUS: CodeSpec = spec(
    Dimension::PoliticalStatus,
    "political_status",
    ChartKind::Column,
    Shown::Found,
);
const ON_ESTABLISHMENT: CodeSpec = spec(
    Dimension::OnEstablishment,
    "on_establishment",
    ChartKind::Pie,
    Shown::Selectable,
);
const STAFF_CATEGORY: CodeSpec = spec(
    Dimension::StaffCategory,
    "staff_category",
    ChartKind::Column,
    Shown::Found,
);
const BIRTH_DATE: &str = "birth_date";
const ETHNICITY: &str = "ethnicity";

/// The school's statistics (统计).
///
/// A service of the school file, reached with [`SchoolFile::stats`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Statistics<'a> {
    pub(crate) school: &'a SchoolFile,
}

impl Statistics<'_> {
    /// The school's statistics as of today (the computer's date).
    pub fn count(&self) -> Result<SchoolStats> {
        self.count_as_of(chrono::Local::now().date_naive())
    }

    /// The school's statistics, ages counted on `today`.
    pub fn count_as_of(&self, today: NaiveDate) -> Result<SchoolStats> {
        self.school
            .require(crate::account::Permission::TeachersView)?;
        let school = self.school.school()?;
        let effective = self.school.effective_catalog()?;
        let catalog = self.school.catalog()?;
        let rules: Vec<&Rule> = catalog
            .rules()
            .iter()
            .filter(|r| r.sets.contains(&effective.set.id))
            .filter(|r| effective.group(&r.group).is_some())
            .collect();
        let roster = crate::status_changes::Roster::read(self.school)?;
        let (teachers, departed): (Vec<Teacher>, Vec<Teacher>) = self
            .school
            .stored_teachers()?
            .into_iter()
            .partition(|t| roster.on_roster(&catalog, &t.id, today));
        let records = self.school.stored_all_records()?;
        let mut by_teacher: HashMap<&str, Vec<&IndicatorRecord>> = HashMap::new();
        for record in &records {
            by_teacher
                .entry(record.teacher_id.as_str())
                .or_default()
                .push(record);
        }
        let empty = Fields::new();
        let people: Vec<Person<'_>> = teachers
            .iter()
            .map(|teacher| {
                let records = by_teacher.remove(teacher.id.as_str()).unwrap_or_default();
                Person::new(teacher, records, &empty)
            })
            .collect();
        let counting = Counting {
            effective: &effective,
            rules: &rules,
            id_types: catalog.id_types(),
            people: &people,
            today,
        };
        let dimensions = [
            counting.codes(GENDER),
            Some(counting.ages()),
            counting.codes(HIGHEST_EDUCATION),
            counting.codes(CURRENT_TITLE),
            counting.ethnicity(),
            counting.codes(POLITICAL_STATUS),
            counting.codes(ON_ESTABLISHMENT),
            counting.codes(STAFF_CATEGORY),
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(SchoolStats {
            school_code: school.code,
            school_name: school.name,
            set: effective.set.id.clone(),
            as_of: today.format("%Y-%m-%d").to_string(),
            teachers: teachers.len(),
            departed: departed.len(),
            dimensions,
        })
    }
}

/// One teacher with their records.
struct Person<'a> {
    teacher: &'a Teacher,
    /// 基本信息 (empty when the teacher has none yet).
    basic: &'a Fields,
    records: Vec<&'a IndicatorRecord>,
}

impl<'a> Person<'a> {
    fn new(
        teacher: &'a Teacher,
        records: Vec<&'a IndicatorRecord>,
        empty: &'a Fields,
    ) -> Person<'a> {
        let basic = records
            .iter()
            .find(|r| r.group_code == BASIC_GROUP)
            .map_or(empty, |r| &r.fields);
        Person {
            teacher,
            basic,
            records,
        }
    }

    /// A 基本信息 field's value: stored, or derived as the catalog's rule says.
    fn value(&self, field: &str, rules: &[&Rule]) -> Option<&'a Value> {
        match derived::rule_for(rules.iter().copied(), field) {
            Some(rule) => derived::value_of(rule, field, self.basic, &self.records),
            None => self.basic.get(field).filter(|v| !value::is_empty(Some(v))),
        }
    }

    /// Whole years on `today`, from 出生日期 or else a valid resident ID number.
    fn age(&self, id_types: &[IdType], today: NaiveDate) -> Option<u32> {
        let stored = self
            .basic
            .get(BIRTH_DATE)
            .and_then(|v| full_date(&value::text(v)));
        let from_id = || {
            id_types
                .iter()
                .find(|t| t.code == self.teacher.id_type && t.form == IdNumberForm::ResidentId)
                .and_then(|_| id_number::check_resident_id(&self.teacher.id_number).ok())
                .map(|r| r.birth_date)
        };
        let born = stored.or_else(from_id)?;
        let had_birthday = (today.month(), today.day()) >= (born.month(), born.day());
        let years = today
            .year()
            .saturating_sub(born.year())
            .saturating_sub(i32::from(!had_birthday));
        u32::try_from(years).ok()
    }
}

fn full_date(text: &str) -> Option<NaiveDate> {
    let m = Moment::parse(text)?;
    NaiveDate::from_ymd_opt(m.year, m.month?, m.day?)
}

/// Counts into buckets, keeping their order.
struct Tally {
    buckets: Vec<StatsBucket>,
    missing: usize,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            buckets: Vec::new(),
            missing: 0,
        }
    }

    fn add(&mut self, key: &str, label: &str, label_en: &str) {
        match self.buckets.iter_mut().find(|b| b.key == key) {
            Some(bucket) => bucket.count = bucket.count.saturating_add(1),
            None => self.buckets.push(StatsBucket {
                key: key.to_owned(),
                label: label.to_owned(),
                label_en: label_en.to_owned(),
                count: 1,
                missing: false,
            }),
        }
    }

    fn show(&mut self, key: &str, label: &str, label_en: &str) {
        if !self.buckets.iter().any(|b| b.key == key) {
            self.buckets.push(StatsBucket {
                key: key.to_owned(),
                label: label.to_owned(),
                label_en: label_en.to_owned(),
                count: 0,
                missing: false,
            });
        }
    }

    fn finish(
        mut self,
        (label, label_en): (&str, &str),
        order: impl Fn(&str) -> usize,
    ) -> Vec<StatsBucket> {
        self.buckets.sort_by_key(|b| order(&b.key));
        self.buckets.push(StatsBucket {
            key: MISSING_KEY.to_owned(),
            label: label.to_owned(),
            label_en: label_en.to_owned(),
            count: self.missing,
            missing: true,
        });
        self.buckets
    }
}

const UNFILLED: (&str, &str) = ("未填", "Not filled");
const UNKNOWN: (&str, &str) = ("未知", "Unknown");

struct Counting<'a> {
    effective: &'a EffectiveCatalog,
    rules: &'a [&'a Rule],
    id_types: &'a [IdType],
    people: &'a [Person<'a>],
    today: NaiveDate,
}

impl Counting<'_> {
    fn dimension(
        &self,
        id: Dimension,
        (name, name_en): (&str, &str),
        chart: ChartKind,
        multi: bool,
        buckets: Vec<StatsBucket>,
    ) -> StatsDimension {
        StatsDimension {
            id,
            name: name.to_owned(),
            name_en: name_en.to_owned(),
            chart,
            multi,
            total: self.people.len(),
            buckets,
        }
    }

    /// A 基本信息 code field counted by its table's labels; none when the
    /// school's set has no such field.
    fn codes(&self, spec: CodeSpec) -> Option<StatsDimension> {
        let field = self.effective.group(BASIC_GROUP)?.field(spec.field)?;
        let table = field
            .code_table
            .as_deref()
            .and_then(|t| self.effective.code_table(t));
        let mut tally = Tally::new();
        if spec.shown == Shown::Selectable {
            for code in table.iter().flat_map(|t| &t.codes).filter(|c| c.selectable) {
                tally.show(&code.code, &code.name, english(code));
            }
        }
        for person in self.people {
            let codes = person
                .value(spec.field, self.rules)
                .map(value::codes)
                .unwrap_or_default();
            if codes.is_empty() {
                tally.missing = tally.missing.saturating_add(1);
                continue;
            }
            let mut seen: Vec<&str> = Vec::new();
            for code in &codes {
                if seen.contains(&code.as_str()) {
                    continue;
                }
                seen.push(code);
                let known = table.and_then(|t| t.get(code));
                match known {
                    Some(c) => tally.add(&c.code, &c.name, english(c)),
                    None => tally.add(code, code, code),
                }
            }
        }
        let buckets = tally.finish(UNFILLED, |key| position(table, key));
        Some(self.dimension(
            spec.id,
            (&field.label, &field.label_en),
            spec.chart,
            field.kind == FieldType::MultiCode,
            buckets,
        ))
    }

    fn ages(&self) -> StatsDimension {
        let mut tally = Tally::new();
        for (_, key, label) in AGE_BANDS {
            tally.show(key, label, label);
        }
        for person in self.people {
            match person.age(self.id_types, self.today) {
                Some(age) => {
                    let (_, key, label) = AGE_BANDS
                        .iter()
                        .rev()
                        .find(|(from, _, _)| age >= *from)
                        .copied()
                        .unwrap_or(AGE_BANDS[0]);
                    tally.add(key, label, label);
                }
                None => tally.missing = tally.missing.saturating_add(1),
            }
        }
        let order = |key: &str| {
            AGE_BANDS
                .iter()
                .position(|(_, k, _)| *k == key)
                .unwrap_or(usize::MAX)
        };
        let buckets = tally.finish(UNKNOWN, order);
        self.dimension(
            Dimension::Age,
            ("年龄", "Age"),
            ChartKind::Column,
            false,
            buckets,
        )
    }

    fn ethnicity(&self) -> Option<StatsDimension> {
        let field = self.effective.group(BASIC_GROUP)?.field(ETHNICITY)?;
        let han = field
            .code_table
            .as_deref()
            .and_then(|t| self.effective.code_table(t))
            .and_then(|t| t.get(HAN));
        let (han_label, han_en) = han.map_or(("汉族", "Han"), |c| (c.name.as_str(), english(c)));
        let groups = [
            ("han", han_label, han_en),
            ("minority", "少数民族", "Ethnic minorities"),
        ];
        let mut tally = Tally::new();
        for (key, label, label_en) in groups {
            tally.show(key, label, label_en);
        }
        for person in self.people {
            match person.value(ETHNICITY, self.rules).map(value::text) {
                None => tally.missing = tally.missing.saturating_add(1),
                Some(code) if code == HAN => tally.add(groups[0].0, groups[0].1, groups[0].2),
                Some(_) => tally.add(groups[1].0, groups[1].1, groups[1].2),
            }
        }
        let order = |key: &str| usize::from(key != "han");
        Some(self.dimension(
            Dimension::Ethnicity,
            (&field.label, &field.label_en),
            ChartKind::Pie,
            false,
            tally.finish(UNFILLED, order),
        ))
    }
}

fn english(code: &Code) -> &str {
    code.name_en.as_deref().unwrap_or(&code.name)
}

/// A code's place in its table; codes not in it come after.
fn position(table: Option<&CodeTable>, key: &str) -> usize {
    table
        .and_then(|t| t.codes.iter().position(|c| c.code == key))
        .unwrap_or(usize::MAX)
}
