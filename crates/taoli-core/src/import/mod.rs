//! Importing legacy rosters and the official template (花名册导入).
//!
//! The flow, each step a module:
//! 1. [`source`] opens the file (.xlsx/.xlsm/.xls/.ods through calamine,
//!    .csv/.txt in UTF-8 or GB18030) and lists its sheets;
//! 2. [`table`] finds the header row (two-row headers joined) and the data rows;
//! 3. [`mapping`] matches headers to indicators (catalog names and synonyms,
//!    remembered corrections — [`learned`]: for the same layout, or by header
//!    name — and the clerk's corrections);
//! 4. [`cell`] turns each cell into the stored value, refusing what it cannot
//!    read with certainty;
//! 5. [`plan`] compares every row with the school file: the dry-run preview
//!    and the exact writes;
//! 6. `commit.rs` commits a plan in one transaction and records it
//!    (`runs.rs`: the record of imports and the remembered corrections),
//!    `undo.rs` undoes it; [`refused`] writes the refused rows back out for
//!    fixing. `pipeline.rs` runs steps 1–6 in one pass, the writing
//!    overlapping the planning, for an import not previewed first.
//!
//! A roster is untrusted input: `screen` checks a workbook's parts before
//! calamine reads them, and `fixtures/hostile/` holds the malformed files
//! every step must answer with a message rather than a panic or a hang.
//!
//! The JSON shape of the preview and the result is documented in
//! `docs/import-json.md`.

pub mod cell;
mod commit;
pub mod learned;
pub mod mapping;
pub mod notes;
mod pipeline;
pub mod plan;
pub mod refused;
mod runs;
mod screen;
pub mod source;
pub mod table;
mod undo;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use mapping::{ColumnMapping, FieldTarget, MappingOverride, MappingSource};
pub use plan::ImportPlan;
pub use source::{RosterFile, RosterKind, SheetInfo, TextEncoding};

use crate::record::Fields;
use crate::store::SchoolFile;

/// The header of the refused-rows workbook's explanation column; a re-import
/// skips it without listing it as unknown.
pub const REFUSAL_COLUMN: &str = "导入未通过的原因";

/// What to do where a stored value and an imported one differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    /// Keep what the school file holds (the default).
    #[default]
    Keep,
    /// Take the roster's value.
    Take,
}

/// What the clerk chose for an import.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ImportOptions {
    /// Sheet names or 1-based numbers; empty means every visible sheet.
    pub sheets: Vec<String>,
    pub mappings: Vec<MappingOverride>,
    pub on_conflict: OnConflict,
    /// The language the preview is worded in: the window's (the app fills
    /// it in from `set_locale`) or `TAOLI_LANG`'s. Chinese when not given.
    #[serde(default)]
    pub locale: crate::error::Locale,
}

/// A row's fate in the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// A teacher not yet in the school file.
    New,
    /// A stored teacher whose values or records change.
    Update,
    /// A stored teacher the row adds nothing to.
    Unchanged,
    /// Not imported; the messages say why.
    Refused,
}

/// How much a row message matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MessageSeverity {
    /// Why the row is not imported.
    Refusal,
    /// The teacher will fail validation after the import (e.g. a required
    /// field the roster lacks); to be fixed in the form. Does not stop the row.
    Error,
    /// A validation warning the teacher will have.
    Warning,
    /// Something the import did for the clerk (e.g. filled the birth date from the ID).
    Info,
}

/// One message about a row.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RowMessage {
    /// Stable code: `import.*` for reading the roster, `validate.*` for the engine's rules.
    #[ts(type = "string")]
    pub code: std::borrow::Cow<'static, str>,
    pub severity: MessageSeverity,
    /// The column letter of the cell concerned, if one.
    pub column: Option<String>,
    /// The indicator concerned, if one: its label.
    pub field: Option<String>,
    /// What is the matter, in the preview's language
    /// ([`ImportOptions::locale`]). Shared between rows with the same text
    /// (a large roster's rows mostly lack the same fields).
    #[ts(type = "string")]
    pub text: std::sync::Arc<str>,
}

impl RowMessage {
    /// A message about a row, worded in `locale`: `field` is the label of
    /// the indicator concerned, if one.
    pub(crate) fn new(
        locale: crate::error::Locale,
        code: impl Into<std::borrow::Cow<'static, str>>,
        severity: MessageSeverity,
        column: Option<String>,
        field: Option<Worded>,
        text: Worded,
    ) -> RowMessage {
        RowMessage {
            code: code.into(),
            severity,
            column,
            field: field.map(|f| f.into_locale(locale)),
            text: text.into_locale(locale).into(),
        }
    }
}

pub(crate) use crate::error::Worded;

/// One value that the import changes or would change.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldChange {
    pub group: String,
    pub group_name: String,
    pub field: String,
    /// The indicator's label, in the preview's language.
    pub label: String,
    /// The stored value (empty when there is none).
    pub stored: String,
    pub imported: String,
    /// Stored and imported values differ (rather than the import filling a blank).
    pub conflict: bool,
    /// The imported value is what will be stored.
    pub taken: bool,
}

/// One data row of the roster in the preview.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RowPreview {
    /// The sheet's name (one shared copy for all its rows).
    #[ts(type = "string")]
    pub sheet: std::sync::Arc<str>,
    /// The row number as Excel shows it.
    #[ts(type = "number")]
    pub row: u32,
    pub status: RowStatus,
    pub name: String,
    pub id_type: Option<String>,
    pub id_number: String,
    /// Normalized values by group and field code. Kept as JSON text: a large
    /// roster's preview holds one per row, and maps would cost ten times the memory.
    #[ts(type = "Record<string, Record<string, unknown>>")]
    pub values: Box<serde_json::value::RawValue>,
    pub changes: Vec<FieldChange>,
    pub messages: Vec<RowMessage>,
}

/// One sheet as read.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SheetPreview {
    pub name: String,
    /// First and last header row, as Excel numbers them.
    #[ts(type = "[number, number]")]
    pub header_rows: (u32, u32),
    pub columns: Vec<ColumnMapping>,
    /// Columns that will not be imported because no indicator matched.
    pub unknown_columns: Vec<String>,
    /// Catalog defaults given to the new records of fields the sheet has no
    /// column for, e.g. 「基本信息·国籍/地区 中国」.
    pub defaults: Vec<String>,
    #[ts(type = "number")]
    pub data_rows: usize,
    /// The key corrections are remembered under.
    pub layout: String,
}

/// Rows by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct ImportCounts {
    #[ts(type = "number")]
    pub total: usize,
    #[ts(type = "number")]
    pub new: usize,
    #[ts(type = "number")]
    pub update: usize,
    #[ts(type = "number")]
    pub unchanged: usize,
    #[ts(type = "number")]
    pub refused: usize,
}

/// The dry run's result: what an import would do, row by row.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportPreview {
    pub file_name: String,
    pub kind: RosterKind,
    pub encoding: Option<TextEncoding>,
    pub on_conflict: OnConflict,
    pub sheets: Vec<SheetPreview>,
    /// Sheets of the workbook that were not read, with why (a template's
    /// code sheets, instructions).
    pub skipped_sheets: Vec<SkippedSheet>,
    pub rows: Vec<RowPreview>,
    pub counts: ImportCounts,
    /// Ways of writing the import understood, one line per column and way.
    pub notes: Vec<notes::ImportNote>,
    /// The rows' refusals, errors and warnings, one line per column and kind.
    pub problem_groups: Vec<notes::ProblemGroup>,
}

/// A sheet the import passed over: why, in the preview's language, and by kind.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SkippedSheet {
    pub name: String,
    pub reason: String,
    pub why: SkipReason,
}

impl SkippedSheet {
    pub(crate) fn new(name: &str, why: SkipReason, locale: crate::error::Locale) -> SkippedSheet {
        SkippedSheet {
            name: name.to_owned(),
            reason: why.message(locale),
            why,
        }
    }
}

/// Why the import passed a sheet over (the clerk did not choose it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// No header row (姓名, 身份证件号 …) in its first rows.
    NoHeader,
    /// Taoli's own list of 待修正 cells, written beside an imported roster.
    PendingList,
    /// A header without 姓名 and 身份证件号 columns: a template's code sheet
    /// or its instructions. `headers`: its first column headers, shortened.
    NoIdentityColumns { headers: String },
}

impl SkipReason {
    /// Why, in `locale` (the catalogs' `import.skipped.*`).
    pub fn message(&self, locale: crate::error::Locale) -> String {
        use crate::error::messages::render;
        match self {
            SkipReason::NoHeader => render(locale, "import.skipped.no_header", &[]),
            SkipReason::PendingList => render(locale, "import.skipped.pending_list", &[]),
            SkipReason::NoIdentityColumns { headers } => render(
                locale,
                "import.skipped.no_identity_columns",
                &[("headers", headers.clone())],
            ),
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::error::Locale::ZhCn))
    }
}

/// A committed import, as the school file records it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportRun {
    pub id: String,
    pub at: String,
    pub actor: String,
    pub file_name: String,
    pub sheets: Vec<String>,
    pub on_conflict: OnConflict,
    pub counts: ImportCounts,
    /// Teachers created and records written.
    #[ts(type = "number")]
    pub teachers_created: usize,
    #[ts(type = "number")]
    pub records_written: usize,
    pub undone_at: Option<String>,
    pub undone_by: Option<String>,
}

/// What undoing an import did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UndoResult {
    pub import: ImportRun,
    #[ts(type = "number")]
    pub teachers_removed: usize,
    #[ts(type = "number")]
    pub records_removed: usize,
    #[ts(type = "number")]
    pub records_restored: usize,
}

/// Opens a roster and lists its sheets.
pub fn open(path: &std::path::Path) -> crate::Result<RosterFile> {
    RosterFile::open(path)
}

/// What `taoli import` and the app report: the preview, and once committed the
/// import record and where the refused rows were written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportOutcome {
    /// True when nothing was written (`--dry-run`, or the wizard's preview).
    pub dry_run: bool,
    #[serde(flatten)]
    pub preview: ImportPreview,
    /// The committed import (absent in a dry run).
    pub import: Option<ImportRun>,
    /// The refused-rows workbook, when one was written.
    pub refused_workbook: Option<String>,
}

/// A roster as the wizard first sees it: what kind of file and its sheets.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RosterInfo {
    pub path: String,
    pub file_name: String,
    pub kind: RosterKind,
    pub encoding: Option<TextEncoding>,
    pub sheets: Vec<SheetInfo>,
}

impl RosterFile {
    pub fn info(&self) -> RosterInfo {
        RosterInfo {
            path: self.path.display().to_string(),
            file_name: self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kind: self.kind,
            encoding: self.encoding,
            sheets: self.sheets().to_vec(),
        }
    }
}

/// The preview without its rows, which the wizard pages through separately.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportSummary {
    pub file_name: String,
    pub kind: RosterKind,
    pub encoding: Option<TextEncoding>,
    pub on_conflict: OnConflict,
    pub sheets: Vec<SheetPreview>,
    pub counts: ImportCounts,
    /// Rows whose stored values differ from the roster's.
    #[ts(type = "number")]
    pub conflicts: usize,
    pub skipped_sheets: Vec<SkippedSheet>,
    pub notes: Vec<notes::ImportNote>,
    pub problem_groups: Vec<notes::ProblemGroup>,
    /// Cells imported empty and kept as 待修正.
    #[ts(type = "number")]
    pub pending: usize,
}

/// One page of preview rows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RowPage {
    pub rows: Vec<RowPreview>,
    /// Rows matching the filter, over all pages.
    #[ts(type = "number")]
    pub total: usize,
}

impl RowPreview {
    /// The row's normalized values, by group and field code.
    pub fn values(&self) -> BTreeMap<String, Fields> {
        serde_json::from_str(self.values.get()).unwrap_or_default()
    }
}

/// Values as a preview row keeps them.
pub(crate) fn raw_values(values: &BTreeMap<String, Fields>) -> Box<serde_json::value::RawValue> {
    serde_json::value::to_raw_value(values).unwrap_or_else(|_| {
        serde_json::value::RawValue::from_string("{}".into()).unwrap_or_default()
    })
}

impl ImportPreview {
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            file_name: self.file_name.clone(),
            kind: self.kind,
            encoding: self.encoding,
            on_conflict: self.on_conflict,
            sheets: self.sheets.clone(),
            counts: self.counts,
            conflicts: self
                .rows
                .iter()
                .filter(|r| r.changes.iter().any(|c| c.conflict))
                .count(),
            skipped_sheets: self.skipped_sheets.clone(),
            notes: self.notes.clone(),
            problem_groups: self.problem_groups.clone(),
            pending: self
                .rows
                .iter()
                .flat_map(|r| &r.messages)
                .filter(|m| m.code == plan::PENDING_CODE)
                .count(),
        }
    }

    /// Rows with `status` (all when none), `offset` rows skipped, at most `limit`.
    pub fn rows_page(&self, status: Option<RowStatus>, offset: usize, limit: usize) -> RowPage {
        let matching = self
            .rows
            .iter()
            .filter(|r| status.is_none_or(|s| r.status == s));
        RowPage {
            total: matching.clone().count(),
            rows: matching.skip(offset).take(limit).cloned().collect(),
        }
    }
}
/// Roster import (导入): the dry run, the commit, undo, the recorded runs
/// and the remembered column choices.
///
/// A service of the school file, reached with [`SchoolFile::imports`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Imports<'a> {
    pub(crate) school: &'a mut SchoolFile,
}
