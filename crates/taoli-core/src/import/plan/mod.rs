//! The dry run: every data row of the chosen sheets read, normalized, matched
//! to the school's teachers and compared with what is stored. The result is a
//! preview for the clerk ([`ImportPreview`]) and the exact writes a commit
//! will make ([`ImportPlan`]); nothing is written here.

mod checks;
mod classify;
mod person;
mod row;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use calamine::Data;
use serde_json::Value;

use super::cell::{CellProblem, convert};
pub(crate) use super::commit::{Ready, Refreshed};
use super::mapping::{
    ColumnMapping, FieldTarget, HeaderMatcher, MappingOverride, MappingSource, layout_key,
    normalize_header, propose,
};
use super::source::{RosterFile, SheetInfo, SheetRow};
use super::table::{HEADER_SEARCH_ROWS, Header, RowKind, cell_text, find_header};
use super::{
    FieldChange, ImportCounts, ImportOptions, ImportPreview, MessageSeverity, OnConflict,
    REFUSAL_COLUMN, RowMessage, RowPreview, RowStatus, SheetPreview, SkipReason, SkippedSheet,
    Worded,
};
use crate::catalog::{
    EffectiveCatalog, EffectiveField, EffectiveGroup, FieldType, Form, IdNumberForm, Reading,
    Severity,
};
use crate::error::ImportError;
use crate::error::{Error, Result, StaleReason};
use crate::id_derived::GenderFromId;
use crate::id_number::IdGender;
use crate::import::Imports;
use crate::record::{Fields, IndicatorRecord};
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

/// One write of a commit, in order. A large import plans half a million of
/// them, so a write only points into the plan (40 bytes): what it writes is
/// in `states`.
#[derive(Debug, Clone)]
pub(crate) enum Write {
    /// Registers `persons[person]`.
    NewTeacher { person: usize },
    /// Renames a stored teacher.
    RenameTeacher { person: usize },
    /// Creates the record `states[person].records[group][index]`; a new
    /// teacher's records are `numbered` from the plan (the index plus one),
    /// a stored teacher's follow the rows the file holds.
    AddRecord {
        person: usize,
        group: Arc<str>,
        index: usize,
        numbered: bool,
    },
    /// Replaces the stored record `states[person].records[group][index]`
    /// (its `stored` id and the version the preview saw) with its fields.
    UpdateRecord {
        person: usize,
        group: Arc<str>,
        index: usize,
    },
}

/// The message code of a cell imported empty and kept on a 待修正 error.
pub(crate) const PENDING_CODE: &str = "import.pending_correction";

/// A cell that could not be read, kept as written on an error the clerk
/// must fix (待修正): the record is imported with the field empty.
#[derive(Debug, Clone)]
pub struct PendingCell {
    pub(crate) person: usize,
    /// Whose cell it is (name, ID number): copied from the person when the
    /// plan is settled, for the refused-rows workbook.
    pub(crate) owner: Option<Box<(String, String)>>,
    pub group: String,
    pub field: String,
    /// The indicator's label, in Chinese and in English.
    pub label: String,
    pub label_en: String,
    /// The cell as the roster wrote it.
    pub raw: String,
    /// Why it could not be read, in Chinese (what the school file keeps)
    /// and in English.
    pub problem_code: &'static str,
    pub problem: String,
    pub problem_en: String,
    pub sheet: String,
    pub row: u32,
    pub column: String,
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
    /// Cells imported empty and kept on a 待修正 error, in row order.
    pub pending: Vec<PendingCell>,
    /// Committed: only the preview, the refused rows and the 待修正 cells
    /// are left ([`ImportPlan::settle`]).
    settled: bool,
}

impl ImportPlan {
    /// Lets go of what only a commit needs: the writes, the people and their
    /// working records, most of a large plan's memory (on a 100,000-row
    /// roster, about half). The preview, the refused rows and the 待修正
    /// cells stay for the report and the refused-rows workbook. A settled
    /// plan is not committed again: the clerk previews the roster anew.
    pub fn settle(&mut self) {
        for cell in &mut self.pending {
            if let Some(person) = self.persons.get(cell.person) {
                cell.owner = Some(Box::new((person.name.clone(), person.id_number.clone())));
            }
        }
        self.settled = true;
        self.persons = Vec::new();
        self.writes = Vec::new();
        self.states = Vec::new();
        self.remember = Vec::new();
    }

    /// Whether the plan was settled after its commit.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// The write at `position` of the plan, taken out with what it writes.
    pub(crate) fn ready(&self, position: usize) -> Result<Ready> {
        ready(&self.persons, &self.states, &self.writes, position)
    }
}

/// The write at `position` taken out of the plan: what it writes, copied.
fn ready(
    persons: &[Person],
    states: &[PersonState],
    writes: &[Write],
    position: usize,
) -> Result<Ready> {
    let Some(write) = writes.get(position) else {
        return Err(ImportError::StalePreview {
            reason: StaleReason::PlanMismatch,
        }
        .into());
    };
    Ok(match write {
        Write::NewTeacher { person } => {
            let p = planned_person(persons, *person)?;
            Ready::NewTeacher {
                person: *person,
                name: p.name.clone(),
                id_type: p.id_type.clone(),
                id_number: p.id_number.clone(),
            }
        }
        Write::RenameTeacher { person } => {
            let p = planned_person(persons, *person)?;
            match (&p.existing, &p.rename) {
                (Some(old), Some(name)) => Ready::RenameTeacher {
                    old: old.clone(),
                    name: name.clone(),
                },
                _ => Ready::Nothing,
            }
        }
        Write::AddRecord {
            person,
            group,
            index,
            numbered,
        } => Ready::AddRecord {
            write: u32::try_from(position).unwrap_or(NO_WRITE),
            person: *person,
            stored_teacher: planned_person(persons, *person)?
                .existing
                .as_ref()
                .map(|t| t.id.clone()),
            group: group.clone(),
            row_order: numbered
                .then(|| i64::try_from(*index).map_or(i64::MAX, |i| i.saturating_add(1))),
            text: planned_record(states, *person, group, *index)
                .map_or_else(|| "{}".into(), |r| r.text.clone()),
        },
        Write::UpdateRecord {
            person,
            group,
            index,
        } => {
            let record = planned_record(states, *person, group, *index);
            let Some(stored) = record.and_then(|r| r.stored.as_deref()) else {
                return Err(ImportError::StalePreview {
                    reason: StaleReason::RecordChanged,
                }
                .into());
            };
            Ready::UpdateRecord {
                stored: stored.clone(),
                text: record.map_or_else(|| "{}".into(), |r| r.text.clone()),
            }
        }
    })
}

fn planned_record<'p>(
    states: &'p [PersonState],
    person: usize,
    group: &str,
    index: usize,
) -> Option<&'p WorkingRecord> {
    states
        .get(person)
        .and_then(|s| s.records.get(group))
        .and_then(|r| r.get(index))
}

/// The person a write of the plan is for. The planner hands out only its
/// own positions, so a miss means the plan is not the one previewed.
fn planned_person(persons: &[Person], person: usize) -> Result<&Person> {
    persons.get(person).ok_or_else(|| {
        Error::Import(ImportError::StalePreview {
            reason: StaleReason::PlanMismatch,
        })
    })
}

/// A stored record's id and the version the preview saw.
#[derive(Debug, Clone)]
pub(crate) struct StoredRecord {
    pub id: String,
    pub version: i64,
}

/// A record as the plan sees it: stored, planned, or both. Kept small
/// (32 bytes): a large import holds one for each of its 400,000 records.
#[derive(Debug, Clone)]
pub(crate) struct WorkingRecord {
    /// Boxed: a new teacher's records, most of a large import, have none.
    pub stored: Option<Box<StoredRecord>>,
    /// The fields as JSON text: compact while a large import is planned,
    /// and what the commit stores as is.
    pub text: Box<str>,
    /// The position in the plan's writes of the write creating or updating
    /// it; [`NO_WRITE`] while none is planned.
    write: u32,
    /// Changed after its write went down the pipe ([`Planner::flush`]):
    /// its text goes again with the next batch.
    dirty: bool,
    /// Whether this import touched it (for validation messages).
    touched: bool,
    /// A stored row an imported row was found to match (as the same or by
    /// key); each stored row matches one imported row at most.
    matched: bool,
}

/// A [`WorkingRecord`] no write creates or updates.
const NO_WRITE: u32 = u32::MAX;

impl WorkingRecord {
    pub(crate) fn fields(&self) -> Fields {
        serde_json::from_str(&self.text).unwrap_or_default()
    }

    /// Whether a write creating or updating it is planned.
    fn written(&self) -> bool {
        self.write != NO_WRITE
    }
}

/// A person's records by group: a short list, smaller than a map for the
/// handful of groups a row fills; the group ids are the planner's shared ones.
#[derive(Debug, Default)]
pub(crate) struct GroupRecords(Vec<(Arc<str>, Vec<WorkingRecord>)>);

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
    fn entry(&mut self, group: &Arc<str>) -> &mut Vec<WorkingRecord> {
        let at = match self.0.iter().position(|(g, _)| g == group) {
            Some(at) => at,
            None => {
                self.0.push((group.clone(), Vec::with_capacity(1)));
                self.0.len().saturating_sub(1)
            }
        };
        // `at` is the position just found, or that of the entry just pushed.
        #[allow(clippy::indexing_slicing)]
        let records = &mut self.0[at].1;
        records
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
    /// Cells kept on a 待修正 error so far.
    pending: Vec<PendingCell>,
    /// Ways of writing understood so far.
    notes: crate::import::notes::Notes,
    /// The language the preview is worded in.
    locale: crate::error::Locale,
    /// Where the writes go as they are planned, in a one-pass import
    /// (`import/pipeline.rs`); none for a preview.
    pipe: Option<std::sync::mpsc::SyncSender<Vec<Ready>>>,
    /// How many of `writes` went down the pipe.
    sent: usize,
    /// Writes sent whose record changed since (each once, by position).
    dirty: Vec<u32>,
}

impl Imports<'_> {
    /// Reads the roster and plans the import without writing anything.
    pub fn plan(&self, roster: &mut RosterFile, options: &ImportOptions) -> Result<ImportPlan> {
        self.school.require(crate::account::Permission::Import)?;
        self.planning(options)?.run(roster, None)
    }

    /// What planning an import needs of the school file, read up front so
    /// that the planning itself can run on a thread of its own.
    pub(super) fn planning<'o>(&self, options: &'o ImportOptions) -> Result<Planning<'o>> {
        let effective = self.school.effective_catalog()?;
        let catalog = self.school.catalog()?;
        let matcher = HeaderMatcher::new(&effective);
        let remembered = self.remembered_choices()?;
        let mut stored_records: HashMap<String, Vec<IndicatorRecord>> = HashMap::new();
        for record in self.school.stored_all_records()? {
            stored_records
                .entry(record.teacher_id.clone())
                .or_default()
                .push(record);
        }
        let stored_teachers = self
            .school
            .stored_teachers()?
            .into_iter()
            .map(|t| ((t.id_type.clone(), t.id_number.clone()), t))
            .collect();
        Ok(Planning {
            effective,
            catalog,
            matcher,
            remembered,
            stored_teachers,
            stored_records,
            options,
        })
    }
}

/// The school file's part of planning an import ([`Imports::planning`]).
pub(crate) struct Planning<'o> {
    effective: EffectiveCatalog,
    catalog: std::borrow::Cow<'static, crate::catalog::Catalog>,
    matcher: HeaderMatcher,
    remembered: crate::import::learned::Remembered,
    stored_teachers: HashMap<(String, String), Teacher>,
    stored_records: HashMap<String, Vec<IndicatorRecord>>,
    options: &'o ImportOptions,
}

impl Planning<'_> {
    /// Plans the import of `roster`: every chosen sheet, then the checks on
    /// every person. With a `pipe`, each batch of writes goes down it as
    /// soon as it is planned (the one-pass import, `import/pipeline.rs`).
    pub(crate) fn run(
        self,
        roster: &mut RosterFile,
        pipe: Option<std::sync::mpsc::SyncSender<Vec<Ready>>>,
    ) -> Result<ImportPlan> {
        let Planning {
            effective,
            catalog,
            matcher,
            remembered,
            stored_teachers,
            stored_records,
            options,
        } = self;
        let context = SheetContext {
            effective: &effective,
            matcher: &matcher,
            remembered: &remembered,
            options,
            explicit: !options.sheets.is_empty(),
        };
        let chosen = roster.choose_sheets(&options.sheets)?;
        let mut planner = Planner::new(
            &catalog,
            &effective,
            options.on_conflict,
            stored_teachers,
            stored_records,
            options.locale,
        );
        planner.pipe = pipe;
        let mut planned = SheetsPlanned::default();
        for sheet in &chosen {
            planner.plan_sheet(roster, sheet, &context, &mut planned)?;
        }
        if let Some(o) = unknown_override(&options.mappings, &planned.sheets) {
            return Err(ImportError::UnknownColumn(o.header.clone()).into());
        }
        if planned.sheets.is_empty() {
            return Err(planned.first_error.unwrap_or_else(|| {
                Error::Import(ImportError::NoHeaderRow {
                    sheet: roster.path.display().to_string(),
                })
            }));
        }
        // The last writes go before the checks, which the writes do not wait for.
        planner.flush()?;
        planner.pipe = None;
        let validator = Validator::new(&catalog, &effective.set.id)?;
        planner.validate(&validator);
        Ok(planner.finish(roster, options.on_conflict, planned))
    }
}

/// Rows planned between two batches down the pipe (and a batch at each
/// sheet's end): large enough that a batch costs little to send, small
/// enough that the writer starts at once.
const ROWS_PER_BATCH: usize = 1_000;

impl<'a> Planner<'a> {
    /// A planner over the school's stored teachers and their records.
    fn new(
        catalog: &crate::catalog::Catalog,
        effective: &'a EffectiveCatalog,
        on_conflict: OnConflict,
        stored_teachers: HashMap<(String, String), Teacher>,
        stored_records: HashMap<String, Vec<IndicatorRecord>>,
        locale: crate::error::Locale,
    ) -> Planner<'a> {
        let (birth_field, gender_field) = id_derived_fields(catalog, effective);
        Planner {
            effective,
            on_conflict,
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
            pending: Vec::new(),
            notes: Default::default(),
            locale,
            pipe: None,
            sent: 0,
            dirty: Vec::new(),
        }
    }

    /// Sends down the pipe, if there is one, the writes planned since the
    /// last batch, and the fields now of each record whose write went
    /// earlier and which a row changed since. Refused when the writer has
    /// stopped: its own error says why.
    fn flush(&mut self) -> Result<()> {
        let Some(pipe) = &self.pipe else {
            return Ok(());
        };
        let mut batch = Vec::with_capacity(
            self.writes
                .len()
                .saturating_sub(self.sent)
                .saturating_add(self.dirty.len()),
        );
        for position in self.sent..self.writes.len() {
            batch.push(ready(&self.persons, &self.states, &self.writes, position)?);
        }
        for position in std::mem::take(&mut self.dirty) {
            let (person, group, index) = match self.writes.get(position as usize) {
                Some(
                    Write::AddRecord {
                        person,
                        group,
                        index,
                        ..
                    }
                    | Write::UpdateRecord {
                        person,
                        group,
                        index,
                    },
                ) => (*person, group.clone(), *index),
                _ => continue,
            };
            let Some(record) = self
                .states
                .get_mut(person)
                .and_then(|s| s.records.get_mut(&group))
                .and_then(|r| r.get_mut(index))
            else {
                continue;
            };
            record.dirty = false;
            let target = match (&record.stored, self.writes.get(position as usize)) {
                (Some(stored), _) => Refreshed::Stored(stored.id.clone()),
                (None, Some(Write::AddRecord { numbered: true, .. })) => Refreshed::Numbered {
                    person,
                    group,
                    row_order: i64::try_from(index).map_or(i64::MAX, |i| i.saturating_add(1)),
                },
                (None, _) => Refreshed::Added(position),
            };
            batch.push(Ready::Refresh {
                record: target,
                text: record.text.clone(),
            });
        }
        self.sent = self.writes.len();
        pipe.send(batch)
            .map_err(|_| Error::Import(ImportError::ImportStopped))
    }
}

/// What every sheet of the roster is read with.
struct SheetContext<'a> {
    effective: &'a EffectiveCatalog,
    matcher: &'a HeaderMatcher,
    remembered: &'a crate::import::learned::Remembered,
    options: &'a ImportOptions,
    /// Whether the clerk chose the sheets: a chosen sheet that is not a
    /// roster is an error, any other is passed over and the preview says so.
    explicit: bool,
}

/// What the sheets planned so far gave.
#[derive(Default)]
struct SheetsPlanned {
    sheets: Vec<SheetPreview>,
    skipped: Vec<SkippedSheet>,
    refused: Vec<RefusedSheet>,
    /// Corrections to remember: (layout, normalized header, target key or none).
    remember: Vec<(String, String, Option<String>)>,
    /// Why the first sheet passed over is not a roster, for when none is.
    first_error: Option<Error>,
}

impl SheetsPlanned {
    /// Passes a sheet over (when the clerk did not choose it), or fails.
    fn skip(
        &mut self,
        context: &SheetContext<'_>,
        name: &str,
        reason: SkipReason,
        error: Error,
    ) -> Result<()> {
        if context.explicit {
            return Err(error);
        }
        self.skipped
            .push(SkippedSheet::new(name, reason, context.options.locale));
        self.first_error.get_or_insert(error);
        Ok(())
    }
}

impl SheetContext<'_> {
    /// The sheet's header and the index of the first row below it; none when
    /// the sheet is passed over (no header, or Taoli's own 待修正 sheet).
    fn header(
        &self,
        sheet: &SheetInfo,
        first_rows: &[SheetRow],
        planned: &mut SheetsPlanned,
    ) -> Result<Option<(Header, usize)>> {
        let (header, below) = match find_header(&sheet.name, first_rows, self.matcher) {
            Ok(found) => found,
            Err(e) => {
                planned.skip(self, &sheet.name, SkipReason::NoHeader, e)?;
                return Ok(None);
            }
        };
        let texts: Vec<&str> = header.columns.iter().map(|(_, h)| h.as_str()).collect();
        if !self.explicit && crate::import::refused::is_pending_header(&texts) {
            planned.skipped.push(SkippedSheet::new(
                &sheet.name,
                SkipReason::PendingList,
                self.options.locale,
            ));
            return Ok(None);
        }
        Ok(Some((header, below)))
    }

    /// The sheet's columns mapped to indicators (proposed, then what was
    /// remembered, then the clerk's corrections, which are remembered) and
    /// their layout; none when the sheet is passed over.
    fn columns(
        &self,
        sheet: &SheetInfo,
        header: &Header,
        planned: &mut SheetsPlanned,
    ) -> Result<Option<(Vec<ColumnMapping>, String)>> {
        let effective = self.effective;
        let headers: Vec<(u32, String)> = header
            .columns
            .iter()
            .map(|(j, h)| (*j as u32, h.clone()))
            .collect();
        let mut columns = propose(effective, self.matcher, &sheet.name, &headers);
        let layout = layout_key(&columns);
        self.remembered
            .apply(effective, &sheet.name, &mut columns, &layout);
        let corrected = apply_overrides(
            &mut columns,
            &self.options.mappings,
            self.matcher,
            effective,
        )?;
        // A sheet without 姓名 and 证件号 columns holds no teachers: the
        // national templates' code sheets (基础信息, 学段学科 …) list the
        // dropdown values under headers like 性别 and 民族. Unless the
        // clerk chose the sheet, it is passed over and the preview says so.
        if let Err(e) = check_identity(&columns, &sheet.name, effective) {
            let shown = header
                .columns
                .iter()
                .map(|(_, h)| h.as_str())
                .take(6)
                .collect::<Vec<_>>()
                .join("、");
            let reason = SkipReason::NoIdentityColumns {
                headers: crate::text::excerpt(&shown, 40),
            };
            planned.skip(self, &sheet.name, reason, e)?;
            return Ok(None);
        }
        for column in corrected.into_iter().filter_map(|c| columns.get(c)) {
            planned.remember.push((
                layout.clone(),
                normalize_header(&column.header),
                column.target.as_ref().map(FieldTarget::key),
            ));
        }
        Ok(Some((columns, layout)))
    }
}

impl Planner<'_> {
    /// Plans one sheet: its header found, its columns mapped, its data rows
    /// planned while a second thread reads ahead.
    fn plan_sheet(
        &mut self,
        roster: &mut RosterFile,
        sheet: &SheetInfo,
        context: &SheetContext<'_>,
        planned: &mut SheetsPlanned,
    ) -> Result<()> {
        let mut stream = roster.rows(sheet)?;
        let mut first_rows = Vec::new();
        while let Some(row) = stream.next_row()? {
            let number = row.number;
            first_rows.push(row);
            if number as usize > HEADER_SEARCH_ROWS {
                break;
            }
        }
        let Some((header, below)) = context.header(sheet, &first_rows, planned)? else {
            return Ok(());
        };
        let Some((mut columns, layout)) = context.columns(sheet, &header, planned)? else {
            return Ok(());
        };
        self.sheet_fields = columns
            .iter()
            .filter_map(|c| c.target.as_ref().map(FieldTarget::key))
            .collect();
        let first_row = self.rows.len();
        let sheet_name: Arc<str> = sheet.name.as_str().into();
        let mut refused_rows = Vec::new();
        let mut take = |row: SheetRow| -> Result<bool> {
            match header.classify(&row) {
                RowKind::Skip => return Ok(true),
                RowKind::End => return Ok(false),
                RowKind::Data => {}
            }
            add_samples(&mut columns, &row);
            if let Some(refused) = self.plan_row(&sheet_name, &row, &columns) {
                refused_rows.push(refused);
            }
            if self.pipe.is_some() && self.rows.len().is_multiple_of(ROWS_PER_BATCH) {
                self.flush()?;
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
        if !refused_rows.is_empty() {
            planned.refused.push(RefusedSheet {
                name: sheet.name.clone(),
                headers: header_texts(&header),
                rows: refused_rows,
            });
        }
        // A sheet's last rows go before the next sheet's first.
        self.flush()?;
        planned.sheets.push(SheetPreview {
            defaults: self.defaults_used.take(),
            name: sheet.name.clone(),
            header_rows: header.rows,
            unknown_columns: unknown_columns(&columns, context.options.locale),
            columns,
            data_rows: self.rows.len().saturating_sub(first_row),
            layout,
        });
        Ok(())
    }

    /// The plan: the preview with every row, and the writes.
    fn finish(
        mut self,
        roster: &RosterFile,
        on_conflict: OnConflict,
        planned: SheetsPlanned,
    ) -> ImportPlan {
        let counts = ImportCounts::of(&self.rows);
        let problem_groups = crate::import::notes::problem_groups(&self.rows, self.locale);
        let notes = std::mem::take(&mut self.notes).finish(self.locale);
        ImportPlan {
            preview: ImportPreview {
                file_name: roster
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                kind: roster.kind,
                encoding: roster.encoding,
                on_conflict,
                sheets: planned.sheets,
                skipped_sheets: planned.skipped,
                rows: self.rows,
                counts,
                notes,
                problem_groups,
            },
            persons: self.persons,
            writes: self.writes,
            states: self.states,
            remember: planned.remember,
            refused: planned.refused,
            pending: self.pending,
            settled: false,
        }
    }
}

/// A sheet's header texts from its first column to its last, for the
/// refused-rows workbook.
fn header_texts(header: &Header) -> Vec<String> {
    let width = header
        .columns
        .iter()
        .map(|(j, _)| j.saturating_add(1))
        .max()
        .unwrap_or(0);
    let mut texts = vec![String::new(); width];
    for (j, h) in &header.columns {
        if let Some(text) = texts.get_mut(*j) {
            text.clone_from(h);
        }
    }
    texts
}

/// The columns no indicator was found for, as the preview lists them.
fn unknown_columns(columns: &[ColumnMapping], locale: crate::error::Locale) -> Vec<String> {
    columns
        .iter()
        .filter(|c| matches!(c.source, MappingSource::Unknown | MappingSource::Ambiguous))
        .map(|c| {
            crate::error::messages::render(
                locale,
                "import.unknown_column",
                &[("header", c.header.clone()), ("letter", c.letter.clone())],
            )
        })
        .collect()
}

/// The 基本信息 fields a resident ID number determines, as the catalog's
/// ID-agreement rules name them (shared with `add_teacher` and the form:
/// [`crate::id_derived`]).
fn id_derived_fields(
    catalog: &crate::catalog::Catalog,
    effective: &EffectiveCatalog,
) -> (Option<String>, Option<GenderFromId>) {
    let fields = crate::id_derived::id_fields(catalog, effective);
    (fields.birth, fields.gender)
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
            if let Some(column) = columns.get_mut(i) {
                column.source = if target.is_some() {
                    MappingSource::Corrected
                } else {
                    MappingSource::Ignored
                };
                column.target = target.clone();
                column.candidates.clear();
                changed.push(i);
            }
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
            return Err(ImportError::NoIdentityColumn {
                sheet: sheet.to_owned(),
                missing: label,
            }
            .into());
        }
    }
    Ok(())
}

fn is_identity(target: &FieldTarget) -> bool {
    crate::teacher::is_identity_field(&target.group, &target.field)
}

fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
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
