//! The dry run: every data row of the chosen sheets read, normalized, matched
//! to the school's teachers and compared with what is stored. The result is a
//! preview for the clerk ([`ImportPreview`]) and the exact writes a commit
//! will make ([`ImportPlan`]); nothing is written here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use calamine::Data;
use serde_json::Value;

use super::cell::{CellProblem, convert};
use super::mapping::{
    ColumnMapping, FieldTarget, HeaderMatcher, MappingOverride, MappingSource, layout_key,
    normalize_header, propose,
};
use super::source::{RosterFile, SheetRow};
use super::table::{HEADER_SEARCH_ROWS, RowKind, cell_text, find_header};
use super::{
    FieldChange, ImportCounts, ImportOptions, ImportPreview, MessageSeverity, OnConflict,
    REFUSAL_COLUMN, RowMessage, RowPreview, RowStatus, SheetPreview,
};
use crate::catalog::{Check, EffectiveCatalog, EffectiveGroup, IdNumberForm, Severity};
use crate::error::{Error, Result};
use crate::id_number::IdGender;
use crate::record::{Fields, IndicatorRecord};
use crate::store::SchoolFile;
use crate::teacher::{NewTeacher, Teacher};
use crate::validate::{BASIC_GROUP, Validator};

/// Who a planned write is for: a teacher already stored, or one this import creates.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub existing: Option<Box<Teacher>>,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    /// The planned name when the import renames a stored teacher.
    pub rename: Option<String>,
    /// Whether a `NewTeacher` write is planned for a person not yet stored.
    pub planned: bool,
}

/// One write of a commit, in order.
#[derive(Debug, Clone)]
pub(crate) enum Write {
    /// Registers `persons[person]`.
    NewTeacher { person: usize },
    /// Renames a stored teacher.
    RenameTeacher { person: usize },
    /// Creates the record `states[person].records[group][index]`;
    /// `row_order` is known for a new teacher, else it follows the stored rows.
    AddRecord {
        person: usize,
        group: Arc<str>,
        index: usize,
        row_order: Option<i64>,
    },
    /// Replaces a stored record's fields with those of
    /// `states[person].records[group][index]`; `version` is what the preview saw.
    UpdateRecord {
        person: usize,
        group: Arc<str>,
        index: usize,
        record_id: String,
        version: i64,
    },
}

/// A refused row, kept whole for the refused-rows workbook.
#[derive(Debug, Clone)]
pub struct RefusedRow {
    pub sheet: String,
    pub row: u32,
    pub cells: Vec<Data>,
    /// Bad cells: column index within `cells` and why.
    pub bad_cells: Vec<(usize, String)>,
    pub reason: String,
}

/// A sheet's header as the refused-rows workbook repeats it.
#[derive(Debug, Clone)]
pub struct RefusedSheet {
    pub name: String,
    /// Column texts from the sheet's first column to its last.
    pub headers: Vec<String>,
    pub rows: Vec<RefusedRow>,
}

/// The preview and what a commit will do.
#[derive(Debug)]
pub struct ImportPlan {
    pub preview: ImportPreview,
    pub(crate) persons: Vec<Person>,
    pub(crate) writes: Vec<Write>,
    /// Each person's records as the commit leaves them; writes point into it.
    pub(crate) states: Vec<PersonState>,
    /// Corrections to remember: (layout, normalized header, target key or none).
    pub(crate) remember: Vec<(String, String, Option<String>)>,
    pub refused: Vec<RefusedSheet>,
}

/// A record as the plan sees it: stored, planned, or both.
#[derive(Debug, Clone)]
pub(crate) struct WorkingRecord {
    stored: Option<(String, i64)>,
    /// The fields as JSON text: compact while a large import is planned,
    /// and what the commit stores as is.
    pub text: Box<str>,
    /// The write that creates or updates it, once planned.
    write: Option<usize>,
    /// Whether this import touched it (for validation messages).
    touched: bool,
    /// A stored row an imported row was found to match (as the same or by
    /// key); each stored row matches one imported row at most.
    matched: bool,
}

impl WorkingRecord {
    pub(crate) fn fields(&self) -> Fields {
        serde_json::from_str(&self.text).unwrap_or_default()
    }
}

/// A person's records by group: a short list, smaller than a map for the
/// handful of groups a row fills.
#[derive(Debug, Default)]
pub(crate) struct GroupRecords(Vec<(Box<str>, Vec<WorkingRecord>)>);

impl GroupRecords {
    pub(crate) fn get(&self, group: &str) -> Option<&Vec<WorkingRecord>> {
        self.0.iter().find(|(g, _)| &**g == group).map(|(_, r)| r)
    }

    fn get_mut(&mut self, group: &str) -> Option<&mut Vec<WorkingRecord>> {
        self.0
            .iter_mut()
            .find(|(g, _)| &**g == group)
            .map(|(_, r)| r)
    }

    /// The group's records, an empty list added first if there is none.
    fn entry(&mut self, group: &str) -> &mut Vec<WorkingRecord> {
        let at = match self.0.iter().position(|(g, _)| &**g == group) {
            Some(at) => at,
            None => {
                self.0.push((group.into(), Vec::with_capacity(1)));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &Vec<WorkingRecord>)> {
        self.0.iter().map(|(g, r)| (&**g, r))
    }
}

#[derive(Debug, Default)]
pub(crate) struct PersonState {
    pub records: GroupRecords,
    /// For each single-record group (基本信息, 联系方式), the first row that
    /// gave it values: (group, sheet, row). A second such row is a duplicate.
    single_rows: Vec<(Arc<str>, Arc<str>, u32)>,
    /// The preview rows of this person.
    rows: Vec<usize>,
    filled_from_id: bool,
}

struct Planner<'a> {
    effective: &'a EffectiveCatalog,
    on_conflict: OnConflict,
    /// Person by 身份证件类型 and number, joined: `1\u{1f}510722…`.
    by_key: HashMap<Box<str>, usize>,
    stored_teachers: HashMap<(String, String), Teacher>,
    stored_records: HashMap<String, Vec<IndicatorRecord>>,
    persons: Vec<Person>,
    states: Vec<PersonState>,
    writes: Vec<Write>,
    rows: Vec<RowPreview>,
    birth_field: Option<String>,
    gender_field: Option<GenderFromId>,
    /// The ID type a roster without a 证件类型 column means: the resident ID.
    default_id_type: String,
    /// One shared copy of each group id, for the writes.
    group_keys: Vec<Arc<str>>,
    /// `group.field` of every column the current sheet maps: a catalog
    /// default fills only a field the sheet has no column for.
    sheet_fields: Vec<String>,
    /// The defaults the current sheet's new records got (「国籍/地区 中国」).
    defaults_used: std::cell::RefCell<Vec<String>>,
}

impl SchoolFile {
    /// Reads the roster and plans the import without writing anything.
    pub fn plan_import(
        &self,
        roster: &mut RosterFile,
        options: &ImportOptions,
    ) -> Result<ImportPlan> {
        self.require(crate::account::Permission::Import)?;
        let effective = self.effective_catalog()?;
        let catalog = self.catalog()?;
        let matcher = HeaderMatcher::new(&effective);
        let remembered = self.remembered_mappings()?;
        let explicit = !options.sheets.is_empty();
        let chosen = roster.choose_sheets(&options.sheets)?;
        let mut stored_records: HashMap<String, Vec<IndicatorRecord>> = HashMap::new();
        for record in self.stored_all_records()? {
            stored_records
                .entry(record.teacher_id.clone())
                .or_default()
                .push(record);
        }
        let stored_teachers = self
            .stored_teachers()?
            .into_iter()
            .map(|t| ((t.id_type.clone(), t.id_number.clone()), t))
            .collect();
        let (birth_field, gender_field) = id_derived_fields(&catalog, &effective);
        let mut planner = Planner {
            effective: &effective,
            on_conflict: options.on_conflict,
            by_key: HashMap::new(),
            stored_teachers,
            stored_records,
            persons: Vec::new(),
            states: Vec::new(),
            writes: Vec::new(),
            rows: Vec::new(),
            birth_field,
            gender_field,
            default_id_type: catalog
                .id_types()
                .iter()
                .find(|t| t.form == IdNumberForm::ResidentId)
                .map_or_else(|| "1".to_owned(), |t| t.code.clone()),
            group_keys: effective
                .groups
                .iter()
                .map(|g| g.id.as_str().into())
                .collect(),
            sheet_fields: Vec::new(),
            defaults_used: Default::default(),
        };
        let mut sheets = Vec::new();
        let mut refused = Vec::new();
        let mut remember = Vec::new();
        let mut first_error = None;
        for sheet in &chosen {
            let sheet_name: Arc<str> = sheet.name.as_str().into();
            let mut stream = roster.rows(sheet)?;
            let mut first_rows = Vec::new();
            while let Some(row) = stream.next_row()? {
                let number = row.number;
                first_rows.push(row);
                if number as usize > HEADER_SEARCH_ROWS {
                    break;
                }
            }
            let (header, below) = match find_header(&sheet.name, &first_rows, &matcher) {
                Ok(found) => found,
                Err(e) if !explicit => {
                    first_error.get_or_insert(e);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let headers: Vec<(u32, String)> = header
                .columns
                .iter()
                .map(|(j, h)| (*j as u32, h.clone()))
                .collect();
            let mut columns = propose(&effective, &matcher, &sheet.name, &headers);
            let layout = layout_key(&columns);
            apply_remembered(&mut columns, remembered.get(&layout));
            let corrected = apply_overrides(&mut columns, &options.mappings, &matcher, &effective)?;
            for c in corrected {
                let column = &columns[c];
                remember.push((
                    layout.clone(),
                    normalize_header(&column.header),
                    column.target.as_ref().map(FieldTarget::key),
                ));
            }
            check_identity(&columns, &sheet.name, &effective)?;
            planner.sheet_fields = columns
                .iter()
                .filter_map(|c| c.target.as_ref().map(FieldTarget::key))
                .collect();
            let first_row = planner.rows.len();
            let mut refused_rows = Vec::new();
            let mut take = |row: SheetRow| -> Result<bool> {
                match header.classify(&row) {
                    RowKind::Skip => return Ok(true),
                    RowKind::End => return Ok(false),
                    RowKind::Data => {}
                }
                add_samples(&mut columns, &row);
                if let Some(refused) = planner.plan_row(&sheet_name, &row, &columns) {
                    refused_rows.push(refused);
                }
                Ok(true)
            };
            let mut ended = false;
            for row in first_rows.into_iter().skip(below) {
                if !take(row)? {
                    ended = true;
                    break;
                }
            }
            if !ended {
                stream.read_ahead(&mut take)?;
            }
            let width = header.columns.iter().map(|(j, _)| j + 1).max().unwrap_or(0);
            let mut header_texts = vec![String::new(); width];
            for (j, h) in &header.columns {
                header_texts[*j] = h.clone();
            }
            if !refused_rows.is_empty() {
                refused.push(RefusedSheet {
                    name: sheet.name.clone(),
                    headers: header_texts,
                    rows: refused_rows,
                });
            }
            sheets.push(SheetPreview {
                defaults: planner.defaults_used.take(),
                name: sheet.name.clone(),
                header_rows: header.rows,
                unknown_columns: columns
                    .iter()
                    .filter(|c| {
                        matches!(c.source, MappingSource::Unknown | MappingSource::Ambiguous)
                    })
                    .map(|c| format!("{}（{} 列）", c.header, c.letter))
                    .collect(),
                columns,
                data_rows: planner.rows.len() - first_row,
                layout,
            });
        }
        if let Some(o) = unknown_override(&options.mappings, &sheets) {
            return Err(Error::UnknownColumn(o.header.clone()));
        }
        if sheets.is_empty() {
            return Err(first_error.unwrap_or_else(|| Error::NoHeaderRow {
                sheet: roster.path.display().to_string(),
            }));
        }
        let validator = Validator::new(&catalog, &effective.set.id)?;
        planner.validate(&validator);
        let counts = ImportCounts::of(&planner.rows);
        Ok(ImportPlan {
            preview: ImportPreview {
                file_name: roster
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                kind: roster.kind,
                encoding: roster.encoding,
                on_conflict: options.on_conflict,
                sheets,
                rows: planner.rows,
                counts,
            },
            persons: planner.persons,
            writes: planner.writes,
            states: planner.states,
            remember,
            refused,
        })
    }
}

/// The gender field a resident ID number fills, with its codes (and their
/// names, for the preview) as the catalog's `matches_id_gender` rule gives them.
#[derive(Debug, Clone)]
struct GenderFromId {
    field: String,
    male: (String, String),
    female: (String, String),
}

/// The 基本信息 fields a resident ID number determines, as the catalog's
/// ID-agreement rules name them.
fn id_derived_fields(
    catalog: &crate::catalog::Catalog,
    effective: &EffectiveCatalog,
) -> (Option<String>, Option<GenderFromId>) {
    let mut birth = None;
    let mut gender = None;
    let label = |field: &str, code: &str| -> String {
        effective
            .group(BASIC_GROUP)
            .and_then(|g| g.fields.iter().find(|f| f.code == field))
            .and_then(|f| f.code_table.as_deref())
            .and_then(|t| effective.code_table(t))
            .and_then(|t| t.get(code))
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    };
    for rule in catalog.rules() {
        if rule.group != BASIC_GROUP || !rule.sets.contains(&effective.set.id) {
            continue;
        }
        match &rule.check {
            Check::MatchesIdBirthDate { field } => birth = Some(field.clone()),
            Check::MatchesIdGender {
                field,
                male,
                female,
            } => {
                gender = Some(GenderFromId {
                    field: field.clone(),
                    male: (male.clone(), label(field, male)),
                    female: (female.clone(), label(field, female)),
                })
            }
            _ => {}
        }
    }
    (birth, gender)
}

fn apply_remembered(
    columns: &mut [ColumnMapping],
    remembered: Option<&Vec<(String, Option<FieldTarget>)>>,
) {
    let Some(remembered) = remembered else { return };
    for column in columns.iter_mut() {
        let header = normalize_header(&column.header);
        if let Some((_, target)) = remembered.iter().find(|(h, _)| *h == header) {
            column.target = target.clone();
            column.source = if target.is_some() {
                MappingSource::Remembered
            } else {
                MappingSource::Ignored
            };
        }
    }
}

/// Applies the clerk's corrections; returns the indexes of the columns changed.
fn apply_overrides(
    columns: &mut [ColumnMapping],
    overrides: &[MappingOverride],
    matcher: &HeaderMatcher,
    effective: &EffectiveCatalog,
) -> Result<Vec<usize>> {
    let mut changed = Vec::new();
    for o in overrides {
        let wanted = normalize_header(&o.header);
        let matching: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                normalize_header(&c.header) == wanted
                    || c.letter.eq_ignore_ascii_case(o.header.trim())
            })
            .map(|(i, _)| i)
            .collect();
        if matching.is_empty() {
            // A correction for another sheet of the roster.
            continue;
        }
        let target = match &o.target {
            Some(t) => Some(matcher.resolve(effective, t)?),
            None => None,
        };
        for i in matching {
            columns[i].source = if target.is_some() {
                MappingSource::Corrected
            } else {
                MappingSource::Ignored
            };
            columns[i].target = target.clone();
            columns[i].candidates.clear();
            changed.push(i);
        }
    }
    for c in columns.iter_mut() {
        if normalize_header(&c.header) == normalize_header(REFUSAL_COLUMN) && c.target.is_none() {
            c.source = MappingSource::Ignored;
        }
    }
    Ok(changed)
}

/// Checks that every override names a column of some sheet.
pub(crate) fn unknown_override<'a>(
    overrides: &'a [MappingOverride],
    sheets: &[SheetPreview],
) -> Option<&'a MappingOverride> {
    overrides.iter().find(|o| {
        let wanted = normalize_header(&o.header);
        !sheets.iter().any(|s| {
            s.columns.iter().any(|c| {
                normalize_header(&c.header) == wanted
                    || c.letter.eq_ignore_ascii_case(o.header.trim())
            })
        })
    })
}

/// Adds a row's values to the columns' samples (the first three non-empty ones).
fn add_samples(columns: &mut [ColumnMapping], row: &SheetRow) {
    for column in columns.iter_mut().filter(|c| c.samples.len() < 3) {
        let text = cell_text(row.cell(column.index as usize));
        let text = text.trim();
        if !text.is_empty() {
            column.samples.push(text.to_owned());
        }
    }
}

fn check_identity(
    columns: &[ColumnMapping],
    sheet: &str,
    effective: &EffectiveCatalog,
) -> Result<()> {
    for code in ["name", "id_number"] {
        let mapped = columns.iter().any(|c| {
            c.target
                .as_ref()
                .is_some_and(|t| t.group == BASIC_GROUP && t.field == code)
        });
        if !mapped {
            let label = effective
                .group(BASIC_GROUP)
                .and_then(|g| g.field(code))
                .map_or(code.to_owned(), |f| f.label.clone());
            return Err(Error::NoIdentityColumn {
                sheet: sheet.to_owned(),
                missing: label,
            });
        }
    }
    Ok(())
}

fn is_identity(target: &FieldTarget) -> bool {
    crate::teacher::is_identity_field(&target.group, &target.field)
}

/// A refused row's preview carries what could be read of it.
fn with_values(mut preview: RowPreview, values: &BTreeMap<String, Fields>) -> RowPreview {
    preview.values = super::raw_values(values);
    preview
}

fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

impl Planner<'_> {
    fn group(&self, id: &str) -> Option<&EffectiveGroup> {
        self.effective.group(id)
    }

    /// Plans one data row; returns it whole when refused.
    fn plan_row(
        &mut self,
        sheet: &Arc<str>,
        row: &SheetRow,
        columns: &[ColumnMapping],
    ) -> Option<RefusedRow> {
        let mut values: BTreeMap<String, Fields> = BTreeMap::new();
        let mut messages = Vec::new();
        let mut bad_cells = Vec::new();
        // 出生年月 with only a year and month: completed from the ID below.
        let mut birth_month: Option<(String, usize, String, String, CellProblem)> = None;
        for column in columns {
            let Some(target) = &column.target else {
                continue;
            };
            let j = column.index as usize;
            let cell = row.cell(j);
            let Some(field) = self
                .group(&target.group)
                .and_then(|g| g.field(&target.field))
            else {
                continue;
            };
            let table_ref = field
                .code_table
                .as_deref()
                .and_then(|t| self.effective.code_table(t));
            match convert(field, table_ref, cell) {
                Ok(None) => {}
                Ok(Some(v)) => {
                    values
                        .entry(target.group.clone())
                        .or_default()
                        .insert(target.field.clone(), v);
                }
                Err(problem)
                    if target.group == BASIC_GROUP
                        && self.birth_field.as_deref() == Some(target.field.as_str())
                        && let Some(month) = super::cell::year_month_only(cell) =>
                {
                    birth_month = Some((
                        month,
                        j,
                        column.letter.clone(),
                        field.label.clone(),
                        problem,
                    ));
                }
                Err(CellProblem { code, text }) => {
                    bad_cells.push((j, text.clone()));
                    messages.push(RowMessage {
                        code: code.into(),
                        severity: MessageSeverity::Refusal,
                        column: Some(column.letter.clone()),
                        field: Some(field.label.clone()),
                        text: text.into(),
                    });
                }
            }
        }
        let row_number = row.number;
        let basic = values.get(BASIC_GROUP);
        let get = |code: &str| {
            basic
                .and_then(|b| b.get(code))
                .map(display)
                .unwrap_or_default()
        };
        let (name, id_type, id_number) = (get("name"), get("id_type"), get("id_number"));
        let mut preview = RowPreview {
            sheet: sheet.clone(),
            row: row_number,
            status: RowStatus::Refused,
            name: name.clone(),
            id_type: (!id_type.is_empty()).then(|| id_type.clone()),
            id_number: id_number.clone(),
            values: super::raw_values(&BTreeMap::new()),
            changes: Vec::new(),
            messages,
        };
        let refuse = |mut preview: RowPreview,
                      this: &mut Self,
                      code: &'static str,
                      text: String,
                      bad: Vec<(usize, String)>| {
            if !code.is_empty() {
                preview.messages.push(RowMessage {
                    code: code.into(),
                    severity: MessageSeverity::Refusal,
                    column: None,
                    field: None,
                    text: text.as_str().into(),
                });
            }
            let reason = preview
                .messages
                .iter()
                .filter(|m| m.severity == MessageSeverity::Refusal)
                .map(|m| match &m.field {
                    Some(f) => format!("{f}：{}", m.text),
                    None => m.text.to_string(),
                })
                .collect::<Vec<_>>()
                .join("；");
            preview.status = RowStatus::Refused;
            this.rows.push(preview);
            Some(RefusedRow {
                sheet: sheet.to_string(),
                row: row_number,
                cells: row.cells.clone(),
                bad_cells: bad,
                reason,
            })
        };
        if !bad_cells.is_empty() {
            return refuse(
                with_values(preview, &values),
                self,
                "",
                String::new(),
                bad_cells,
            );
        }
        if name.is_empty() || id_number.is_empty() {
            let missing = match (name.is_empty(), id_number.is_empty()) {
                (true, true) => "姓名和身份证件号",
                (true, false) => "姓名",
                _ => "身份证件号",
            };
            return refuse(
                preview,
                self,
                "import.identity_missing",
                format!("这一行没有{missing}，无法确定是哪位教师。请补上后重新导入"),
                Vec::new(),
            );
        }
        let id_type = if id_type.is_empty() {
            self.default_id_type.clone()
        } else {
            id_type
        };
        let new = NewTeacher {
            name: name.clone(),
            id_type: id_type.clone(),
            id_number: id_number.clone(),
        };
        let valid = match new.validate() {
            Ok(v) => v,
            Err(e) => {
                let bad = columns
                    .iter()
                    .filter(|c| c.target.as_ref().is_some_and(is_identity))
                    .filter(|c| {
                        let field = c.target.as_ref().map(|t| t.field.as_str());
                        matches!(
                            (&e, field),
                            (Error::InvalidIdNumber { .. }, Some("id_number"))
                                | (Error::UnknownIdType(..), Some("id_type"))
                                | (Error::TeacherNameTooLong { .. }, Some("name"))
                        )
                    })
                    .map(|c| (c.index as usize, e.to_string()))
                    .collect();
                return refuse(
                    with_values(preview, &values),
                    self,
                    e.code(),
                    e.to_string(),
                    bad,
                );
            }
        };
        if let Some((month, j, letter, label, problem)) = birth_month.take() {
            let from_id = (valid.id_type.form == IdNumberForm::ResidentId)
                .then(|| crate::id_number::check_resident_id(&valid.id_number).ok())
                .flatten()
                .map(|r| r.birth_date);
            match (from_id, &self.birth_field) {
                (Some(date), Some(field)) if date.format("%Y-%m").to_string() == month => {
                    values
                        .entry(BASIC_GROUP.to_owned())
                        .or_default()
                        .insert(field.clone(), Value::String(date.to_string()));
                    preview.messages.push(RowMessage {
                        code: "import.birth_date_completed".into(),
                        severity: MessageSeverity::Info,
                        column: Some(letter),
                        field: Some(label),
                        text: format!("花名册只有出生年月 {month}，已按身份证件号补全为 {date}")
                            .into(),
                    });
                }
                (Some(date), _) => {
                    let text = format!(
                        "只有年月 {month}，且与身份证件号中的出生日期 {date} 不一致。请按人事档案填写完整的出生日期（年月日）"
                    );
                    preview.messages.push(RowMessage {
                        code: "import.invalid_date".into(),
                        severity: MessageSeverity::Refusal,
                        column: Some(letter),
                        field: Some(label),
                        text: text.as_str().into(),
                    });
                    return refuse(
                        with_values(preview, &values),
                        self,
                        "",
                        String::new(),
                        vec![(j, text)],
                    );
                }
                (None, _) => {
                    preview.messages.push(RowMessage {
                        code: problem.code.into(),
                        severity: MessageSeverity::Refusal,
                        column: Some(letter),
                        field: Some(label),
                        text: problem.text.as_str().into(),
                    });
                    return refuse(
                        with_values(preview, &values),
                        self,
                        "",
                        String::new(),
                        vec![(j, problem.text)],
                    );
                }
            }
        }
        preview.id_type = Some(valid.id_type.code.clone());
        preview.id_number = valid.id_number.clone();
        preview.name = valid.name.clone();
        let key = (valid.id_type.code.clone(), valid.id_number.clone());
        // The single-record groups (基本信息, 联系方式) this row gives values for.
        let single_groups: Vec<String> = values
            .iter()
            .filter(|(g, fields)| {
                self.group(g).is_some_and(|g| !g.multi)
                    && fields.keys().any(|f| {
                        !(*g == BASIC_GROUP
                            && matches!(f.as_str(), "name" | "id_type" | "id_number"))
                    })
            })
            .map(|(g, _)| g.clone())
            .collect();
        let person = self.person(&key, &valid.name);
        if let Some((_, sheet, row)) = self.states[person]
            .single_rows
            .iter()
            .find(|(g, _, _)| single_groups.iter().any(|s| **s == **g))
        {
            let text = format!(
                "与工作表「{sheet}」第 {row} 行是同一人（证件号 {}），只导入第一次出现的那一行。如果这一行才是对的，请删去那一行后重新导入",
                valid.id_number
            );
            return refuse(
                with_values(preview, &values),
                self,
                "import.duplicate_person",
                text,
                Vec::new(),
            );
        }
        for group in single_groups {
            let group = self.group_key(&group);
            self.states[person]
                .single_rows
                .push((group, sheet.clone(), row_number));
        }
        let row_index = self.rows.len();
        self.states[person].rows.push(row_index);
        let mut wrote = false;
        let mut changed_stored = false;
        if self.persons[person].existing.is_none() && !self.persons[person].planned {
            self.writes.push(Write::NewTeacher { person });
            self.persons[person].planned = true;
        }
        // The stored name differs: a conflict like any other value.
        if let Some(existing) = &self.persons[person].existing
            && existing.name != valid.name
            && self.persons[person].rename.as_deref() != Some(valid.name.as_str())
        {
            let take = self.on_conflict == OnConflict::Take;
            preview.changes.push(FieldChange {
                group: BASIC_GROUP.into(),
                group_name: self
                    .group(BASIC_GROUP)
                    .map_or_else(String::new, |g| g.name.clone()),
                field: "name".into(),
                label: "姓名".into(),
                stored: existing.name.clone(),
                imported: valid.name.clone(),
                conflict: true,
                taken: take,
            });
            if take {
                self.persons[person].rename = Some(valid.name.clone());
                self.writes.push(Write::RenameTeacher { person });
                wrote = true;
                changed_stored = true;
            }
        }
        if let Some(basic) = values.get_mut(BASIC_GROUP) {
            for code in ["name", "id_type", "id_number"] {
                basic.remove(code);
            }
        }
        if !self.states[person].filled_from_id
            && let Ok(resident) = crate::id_number::check_resident_id(&valid.id_number)
            && valid.id_type.form == IdNumberForm::ResidentId
        {
            self.states[person].filled_from_id = true;
            let stored_basic = self.single_fields(person, BASIC_GROUP);
            let basic = values.entry(BASIC_GROUP.to_owned()).or_default();
            let mut filled = Vec::new();
            if let Some(f) = &self.birth_field
                && !basic.contains_key(f)
                && !stored_basic.contains_key(f)
            {
                basic.insert(f.clone(), Value::String(resident.birth_date.to_string()));
                filled.push(format!("出生日期 {}", resident.birth_date));
            }
            if let Some(gender) = &self.gender_field
                && !basic.contains_key(&gender.field)
                && !stored_basic.contains_key(&gender.field)
            {
                let (code, label) = match resident.gender {
                    IdGender::Male => &gender.male,
                    IdGender::Female => &gender.female,
                };
                basic.insert(gender.field.clone(), Value::String(code.clone()));
                filled.push(format!("性别 {label}"));
            }
            if basic.is_empty() {
                values.remove(BASIC_GROUP);
            }
            if !filled.is_empty() {
                preview.messages.push(RowMessage {
                    code: "import.filled_from_id".into(),
                    severity: MessageSeverity::Info,
                    column: None,
                    field: None,
                    text: format!("花名册中没有，已按身份证件号填写：{}", filled.join("、")).into(),
                });
            }
        }
        for (group_id, fields) in &values {
            let effective = self.effective;
            let Some(group) = effective.group(group_id) else {
                continue;
            };
            let (w, c) = if group.multi {
                self.plan_multi(person, group, fields, &mut preview)
            } else {
                self.plan_single(person, group, fields, &mut preview)
            };
            wrote |= w;
            changed_stored |= c;
        }
        let identity = values.entry(BASIC_GROUP.to_owned()).or_default();
        identity.insert("name".into(), Value::String(valid.name.clone()));
        identity.insert("id_type".into(), Value::String(valid.id_type.code.clone()));
        identity.insert("id_number".into(), Value::String(valid.id_number.clone()));
        preview.values = super::raw_values(&values);
        preview.status = if self.persons[person].existing.is_none() {
            RowStatus::New
        } else if wrote || changed_stored {
            RowStatus::Update
        } else {
            RowStatus::Unchanged
        };
        self.rows.push(preview);
        None
    }

    /// A new record's values with the catalog's defaults (国籍/地区 中国 …)
    /// for fields the sheet has no column for, as the form would pre-fill
    /// them; the sheet's preview says which. An empty cell in a column the sheet
    /// has stays empty (so an exported workbook re-imports exactly).
    fn with_defaults(&self, group: &EffectiveGroup, fields: &Fields) -> Fields {
        let mut out = fields.clone();
        let mut filled = Vec::new();
        for field in group.fields.iter().filter(|f| !f.derived) {
            let Some(default) = &field.default else {
                continue;
            };
            if out.contains_key(&field.code)
                || self
                    .sheet_fields
                    .contains(&format!("{}.{}", group.id, field.code))
            {
                continue;
            }
            let table = field
                .code_table
                .as_deref()
                .and_then(|t| self.effective.code_table(t));
            let Ok(value) = crate::entry::normalize_value(field, table, default) else {
                continue;
            };
            let shown = table
                .and_then(|t| t.get(default))
                .map_or_else(|| default.clone(), |c| c.name.clone());
            filled.push(format!("{}·{} {shown}", group.name, field.label));
            out.insert(field.code.clone(), value);
        }
        for note in filled {
            if !self.defaults_used.borrow().contains(&note) {
                self.defaults_used.borrow_mut().push(note);
            }
        }
        out
    }

    fn group_key(&self, id: &str) -> Arc<str> {
        self.group_keys
            .iter()
            .find(|k| &***k == id)
            .cloned()
            .unwrap_or_else(|| id.into())
    }

    fn person(&mut self, key: &(String, String), name: &str) -> usize {
        let joined: Box<str> = format!("{}\u{1f}{}", key.0, key.1).into();
        if let Some(&i) = self.by_key.get(&joined) {
            return i;
        }
        let existing = self.stored_teachers.get(key).cloned().map(Box::new);
        let mut state = PersonState::default();
        if let Some(t) = &existing
            && let Some(records) = self.stored_records.remove(&t.id)
        {
            for r in records {
                state.records.entry(&r.group_code).push(WorkingRecord {
                    stored: Some((r.id.clone(), r.version)),
                    text: Value::Object(r.fields).to_string().into(),
                    write: None,
                    touched: false,
                    matched: false,
                });
            }
        }
        self.persons.push(Person {
            existing,
            name: name.to_owned(),
            id_type: key.0.clone(),
            id_number: key.1.clone(),
            rename: None,
            planned: false,
        });
        self.states.push(state);
        self.by_key.insert(joined, self.persons.len() - 1);
        self.persons.len() - 1
    }

    fn single_fields(&self, person: usize, group: &str) -> Fields {
        self.states[person]
            .records
            .get(group)
            .and_then(|r| r.first())
            .map(WorkingRecord::fields)
            .unwrap_or_default()
    }

    /// Compares imported values with `current`; returns the merged fields,
    /// whether anything changes, and the changes to show.
    fn merge(
        &self,
        group: &EffectiveGroup,
        current: &Fields,
        imported: &Fields,
        preview: &mut RowPreview,
        stored: bool,
    ) -> (Fields, bool) {
        let take = self.on_conflict == OnConflict::Take;
        let mut merged = current.clone();
        let mut changed = false;
        let change =
            |code: &String, stored: String, imported: &Value, conflict: bool| FieldChange {
                group: group.id.clone(),
                group_name: group.name.clone(),
                field: code.clone(),
                label: group.field(code).map_or(code.clone(), |f| f.label.clone()),
                stored,
                imported: display(imported),
                conflict,
                taken: take || !conflict,
            };
        for (code, value) in imported {
            match current.get(code) {
                Some(old) if old == value => {}
                Some(old) if !old.is_null() => {
                    preview
                        .changes
                        .push(change(code, display(old), value, true));
                    if take {
                        merged.insert(code.clone(), value.clone());
                        changed = true;
                    }
                }
                _ => {
                    // A new teacher's values are the row's values: no change list.
                    if stored {
                        preview
                            .changes
                            .push(change(code, String::new(), value, false));
                    }
                    merged.insert(code.clone(), value.clone());
                    changed = true;
                }
            }
        }
        (merged, changed)
    }

    /// 基本信息, 联系方式: fills the one record. Returns (wrote, changed stored).
    fn plan_single(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> (bool, bool) {
        let current = self.single_fields(person, &group.id);
        let stored = self.persons[person].existing.is_some();
        let creates = self.states[person]
            .records
            .get(&group.id)
            .is_none_or(|r| r.is_empty());
        let with_defaults;
        let fields = if creates {
            with_defaults = self.with_defaults(group, fields);
            &with_defaults
        } else {
            fields
        };
        let (merged, changed) = self.merge(group, &current, fields, preview, stored);
        let key = self.group_key(&group.id);
        let records = self.states[person].records.entry(&group.id);
        if records.is_empty() {
            records.push(WorkingRecord {
                stored: None,
                text: "{}".into(),
                write: None,
                touched: false,
                matched: false,
            });
        }
        records[0].touched = true;
        if !changed {
            return (false, false);
        }
        records[0].text = Value::Object(merged).to_string().into();
        let was_stored = records[0].stored.is_some();
        if records[0].write.is_none() {
            let write = match records[0].stored.clone() {
                Some((record_id, version)) => Write::UpdateRecord {
                    person,
                    group: key.clone(),
                    index: 0,
                    record_id,
                    version,
                },
                None => Write::AddRecord {
                    person,
                    group: key.clone(),
                    index: 0,
                    row_order: (!stored).then_some(1),
                },
            };
            records[0].write = Some(self.writes.len());
            self.writes.push(write);
        }
        (true, was_stored)
    }

    /// A row of a multi-record group: already there, an update of the row with
    /// the same key, or a new row.
    fn plan_multi(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> (bool, bool) {
        let stored = self.persons[person].existing.is_some();
        let records = self.states[person].records.entry(&group.id);
        // Only stored rows are matched (a roster may hold two equal rows, and
        // both are imported), each at most once.
        let parsed: Vec<Option<Fields>> = records
            .iter()
            .map(|r| (r.stored.is_some() && !r.matched).then(|| r.fields()))
            .collect();
        if let Some(same) = parsed
            .iter()
            .position(|r| {
                r.as_ref()
                    .is_some_and(|r| fields.iter().all(|(k, v)| r.get(k) == Some(v)))
            })
            .map(|i| &mut records[i])
        {
            same.touched = true;
            same.matched = true;
            preview.messages.push(RowMessage {
                code: "import.record_exists".into(),
                severity: MessageSeverity::Info,
                column: None,
                field: None,
                text: format!("{}中已有相同的一条记录，不再重复添加", group.name).into(),
            });
            return (false, false);
        }
        let keyed = !group.key.is_empty() && group.key.iter().all(|k| fields.contains_key(k));
        let same_key = keyed
            .then(|| {
                parsed.iter().position(|r| {
                    r.as_ref()
                        .is_some_and(|r| group.key.iter().all(|k| r.get(k) == fields.get(k)))
                })
            })
            .flatten();
        match same_key {
            Some(i) => {
                let current = parsed[i].clone().unwrap_or_default();
                let (merged, changed) = self.merge(group, &current, fields, preview, stored);
                let Some(record) = self.states[person]
                    .records
                    .get_mut(&group.id)
                    .and_then(|r| r.get_mut(i))
                else {
                    return (false, false);
                };
                record.touched = true;
                record.matched = true;
                if !changed {
                    return (false, false);
                }
                record.text = Value::Object(merged).to_string().into();
                let was_stored = record.stored.is_some();
                if record.write.is_none()
                    && let Some((record_id, version)) = record.stored.clone()
                {
                    record.write = Some(self.writes.len());
                    self.writes.push(Write::UpdateRecord {
                        person,
                        group: self.group_key(&group.id),
                        index: i,
                        record_id,
                        version,
                    });
                }
                (true, was_stored)
            }
            None => {
                if stored {
                    for (code, value) in fields {
                        preview.changes.push(FieldChange {
                            group: group.id.clone(),
                            group_name: group.name.clone(),
                            field: code.clone(),
                            label: group.field(code).map_or(code.clone(), |f| f.label.clone()),
                            stored: String::new(),
                            imported: display(value),
                            conflict: false,
                            taken: true,
                        });
                    }
                }
                let fields = self.with_defaults(group, fields);
                let records = self.states[person].records.entry(&group.id);
                let index = records.len();
                records.push(WorkingRecord {
                    stored: None,
                    text: Value::Object(fields).to_string().into(),
                    write: Some(self.writes.len()),
                    touched: true,
                    matched: false,
                });
                self.writes.push(Write::AddRecord {
                    person,
                    group: self.group_key(&group.id),
                    index,
                    // A new teacher's rows are numbered here; a stored
                    // teacher's go after the rows the file holds.
                    row_order: (!stored).then_some(index as i64 + 1),
                });
                (true, false)
            }
        }
    }

    /// Runs the validation engine over each imported teacher as the commit
    /// would leave them, and attaches the problems of the groups the import
    /// touched to the teacher's first row.
    fn validate(&mut self, validator: &Validator<'_>) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let chunk = self.states.len().div_ceil(threads).max(1);
        let (persons, states) = (&self.persons, &self.states);
        let found: Vec<(usize, Vec<RowMessage>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..states.len())
                .step_by(chunk)
                .map(|start| {
                    let end = (start + chunk).min(states.len());
                    scope.spawn(move || {
                        let mut texts = HashMap::new();
                        (start..end)
                            .filter_map(|p| {
                                person_problems(validator, &persons[p], &states[p], &mut texts)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect()
        });
        for (row, messages) in found {
            self.rows[row].messages.extend(messages);
        }
        // A large roster's preview holds a row each: no spare capacity.
        for row in &mut self.rows {
            row.messages.shrink_to_fit();
        }
    }
}

/// One shared copy of a message text that many rows carry.
fn intern(texts: &mut HashMap<String, Arc<str>>, text: String) -> Arc<str> {
    if let Some(shared) = texts.get(&text) {
        return shared.clone();
    }
    let shared: Arc<str> = text.as_str().into();
    texts.insert(text, shared.clone());
    shared
}

/// The problems the validation engine finds in one imported teacher as the
/// commit would leave them, limited to the groups the import touched, for the
/// teacher's first row.
fn person_problems(
    validator: &Validator<'_>,
    p: &Person,
    state: &PersonState,
    texts: &mut HashMap<String, Arc<str>>,
) -> Option<(usize, Vec<RowMessage>)> {
    let &first_row = state.rows.first()?;
    let teacher = Teacher {
        id: p
            .existing
            .as_ref()
            .map_or_else(String::new, |t| t.id.clone()),
        name: p.rename.clone().unwrap_or_else(|| p.name.clone()),
        id_type: p.id_type.clone(),
        id_type_name: String::new(),
        id_number: p.id_number.clone(),
        version: 0,
        created_at: String::new(),
        updated_at: String::new(),
    };
    let mut records = Vec::new();
    let mut touched_groups = Vec::new();
    for (group, rows) in state.records.iter() {
        if rows.iter().any(|r| r.touched) {
            touched_groups.push(group);
        }
        for (i, r) in rows.iter().enumerate() {
            records.push(IndicatorRecord {
                id: r
                    .stored
                    .as_ref()
                    .map_or_else(String::new, |(id, _)| id.clone()),
                teacher_id: teacher.id.clone(),
                group_code: group.to_owned(),
                row_order: i as i64 + 1,
                fields: r.fields(),
                version: 0,
                updated_at: String::new(),
            });
        }
    }
    let problems = validator.teacher_brief(&teacher, &records);
    let mut missing: Vec<String> = Vec::new();
    let mut messages = Vec::new();
    for problem in problems
        .into_iter()
        .filter(|p| touched_groups.contains(&p.group.as_str()))
    {
        let label = problem.field_label.clone().unwrap_or_default();
        if problem.rule == "required" && problem.severity == Severity::Error {
            let name = if problem.row_order.is_some() {
                format!("{}·{label}", problem.group_name)
            } else {
                label
            };
            if !missing.contains(&name) {
                missing.push(name);
            }
            continue;
        }
        messages.push(RowMessage {
            code: format!("validate.{}", problem.rule).into(),
            severity: match problem.severity {
                Severity::Error => MessageSeverity::Error,
                Severity::Warning => MessageSeverity::Warning,
            },
            column: None,
            field: problem.field_label.clone(),
            text: problem.message.into(),
        });
    }
    if !missing.is_empty() {
        messages.insert(
            0,
            RowMessage {
                code: "validate.required".into(),
                severity: MessageSeverity::Error,
                column: None,
                field: None,
                text: intern(texts, format!("导入后还需补全：{}", missing.join("、"))),
            },
        );
    }
    Some((first_row, messages))
}

impl ImportCounts {
    fn of(rows: &[RowPreview]) -> ImportCounts {
        let count = |s: RowStatus| rows.iter().filter(|r| r.status == s).count();
        ImportCounts {
            total: rows.len(),
            new: count(RowStatus::New),
            update: count(RowStatus::Update),
            unchanged: count(RowStatus::Unchanged),
            refused: count(RowStatus::Refused),
        }
    }
}
