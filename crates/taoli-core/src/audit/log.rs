//! Reading the audit trail (操作痕迹) as a log: newest first, filtered by
//! teacher, operator, kind of operation and date, each entry with what
//! changed from what to what. The app's 操作记录 page and `taoli audit list`
//! show it; `Audit::csv` writes it out for an inspector.

use std::path::Path;

use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::imported;
use crate::account::Permission;
use crate::account::Role;
use crate::batches::{BatchState, KeyPlace};
use crate::catalog::{Catalog, EffectiveCatalog, EffectiveGroup};
use crate::error::messages::{self, Locale};
use crate::error::{Error, Result};
use crate::error::{ExportError, InternalError};
use crate::protocol::Decision;
use crate::revision::{Action, Operation, Revision};
use crate::sheets::content::Printer;
use crate::store::backups::BackupReason;
use crate::store::{self, AuditCheck, SchoolFile, revisions};

/// Which entries to show. Every field narrows; none shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AuditQuery {
    pub teacher_id: Option<String>,
    /// Who made the entry (exact name).
    pub actor: Option<String>,
    pub operation: Option<Operation>,
    /// From this day on (`YYYY-MM-DD`, in this computer's local time).
    pub from: Option<String>,
    /// Up to and including this day.
    pub to: Option<String>,
    #[ts(type = "number")]
    pub offset: usize,
    /// How many entries at most (all when 0).
    #[ts(type = "number")]
    pub limit: usize,
    /// The language the entries' subjects and change labels are said in
    /// (the app passes its window's).
    pub locale: Locale,
}

/// One value that an entry changed: where in the record, from what, to what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditChange {
    /// What changed: an indicator's label (民族), or for a value outside
    /// the indicators its name in the query's language (姓名 / Name).
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An audit entry as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    /// Under an import's entry, which of the teachers it wrote (1, 2 …)
    /// this shows the changes of; 0 for every other entry.
    #[ts(type = "number")]
    pub part: i64,
    pub at: String,
    pub actor: String,
    pub operation: Operation,
    /// 新增 / 修改 / 删除.
    pub action: Action,
    pub teacher_id: Option<String>,
    /// The teacher's name now (or as the entry recorded it, once removed).
    pub teacher_name: Option<String>,
    /// What the entry is about: an information group, a file name, a fingerprint.
    pub subject: String,
    pub changes: Vec<AuditChange>,
    pub hash: String,
}

impl AuditEntry {
    /// The entry's number as the log shows it: its id on the audit chain,
    /// and under an import's entry which teacher's changes (`1234-17`).
    pub fn number(&self) -> String {
        if self.part == 0 {
            self.id.to_string()
        } else {
            format!("{}-{}", self.id, self.part)
        }
    }
}

/// A page of the log and how many entries match in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[ts(type = "number")]
    pub total: usize,
    /// Everyone who made an entry, for the operator filter.
    pub actors: Vec<String>,
}

/// What the log shows values with.
pub(super) struct Shown<'a> {
    pub effective: &'a EffectiveCatalog,
    pub printer: &'a Printer<'a>,
    pub catalog: &'a Catalog,
    pub locale: Locale,
}

/// A query's conditions, as SQL over the audit chain (`revision r`).
struct Filter {
    /// Every condition of the query, for the chain's own entries.
    all: Vec<String>,
    all_params: Vec<SqlValue>,
    /// Who and when only, for the entries of imports (whose teachers are
    /// in their change sets).
    when_who: Vec<String>,
    when_who_params: Vec<SqlValue>,
    /// Whether the query can match what imports wrote for each teacher.
    imports: bool,
}

impl Filter {
    fn new(query: &AuditQuery) -> Result<Filter> {
        let mut filter = Filter {
            all: Vec::new(),
            all_params: Vec::new(),
            when_who: Vec::new(),
            when_who_params: Vec::new(),
            imports: matches!(query.operation, None | Some(Operation::Import)),
        };
        if let Some(teacher) = &query.teacher_id {
            filter.push_all("r.teacher_id = ?", SqlValue::Text(teacher.clone()));
        }
        if let Some(operation) = query.operation {
            filter.all.push(operation_condition(operation).to_owned());
        }
        if let Some(actor) = &query.actor {
            filter.push_both("r.actor = ?", SqlValue::Text(actor.clone()));
        }
        if let Some(from) = &query.from {
            filter.push_both("r.at >= ?", SqlValue::Text(day_start(from, 0)?));
        }
        if let Some(to) = &query.to {
            filter.push_both("r.at < ?", SqlValue::Text(day_start(to, 1)?));
        }
        Ok(filter)
    }

    fn push_all(&mut self, condition: &str, value: SqlValue) {
        self.all_params.push(value);
        self.all
            .push(format!("{condition}{}", self.all_params.len()));
    }

    fn push_both(&mut self, condition: &str, value: SqlValue) {
        self.push_all(condition, value.clone());
        self.when_who_params.push(value);
        self.when_who
            .push(format!("{condition}{}", self.when_who_params.len()));
    }

    /// How many of the chain's entries match, and the newest `end` of them
    /// (all when none) with their teacher's name.
    fn revisions(
        &self,
        conn: &rusqlite::Connection,
        end: Option<usize>,
    ) -> Result<(usize, Vec<Named>)> {
        let filter = where_clause(&self.all);
        let params = || rusqlite::params_from_iter(self.all_params.iter());
        let total: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM revision r {filter}"),
            params(),
            |r| r.get(0),
        )?;
        let limit = end.map_or(-1, |end| i64::try_from(end).unwrap_or(i64::MAX));
        let mut stmt = conn.prepare(&format!(
            "SELECT r.id, r.at, r.actor, r.entity, r.entity_id, r.teacher_id, r.action,
                    r.old_value, r.new_value, r.hash, t.name
             FROM revision r LEFT JOIN teacher t ON t.id = r.teacher_id
             {filter} ORDER BY r.id DESC LIMIT {limit}"
        ))?;
        let rows = stmt.query_map(params(), |r| Ok((revisions::from_row(r)?, r.get(10)?)))?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((usize::try_from(total).unwrap_or(0), rows))
    }

    /// The who-and-when conditions, for the imports' own entries.
    fn entries(&self) -> imported::EntryFilter<'_> {
        imported::EntryFilter {
            conditions: &self.when_who,
            params: &self.when_who_params,
        }
    }
}

/// `WHERE` and the conditions joined, or nothing.
pub(super) fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

/// An entry of the chain with the name of its teacher now.
type Named = (Revision, Option<String>);

/// A line of the log before it is shown.
enum Item {
    Revision(Box<Named>),
    Imported(imported::Unit),
}

/// The chain's entries and what imports wrote, each newest first, as one
/// list newest first: by entry id, and under an import's entry by its row
/// of the change set (an import's teachers come before its own entry).
fn merge_newest_first(revisions: Vec<Named>, imported: Vec<imported::Unit>) -> Vec<Item> {
    let mut out = Vec::with_capacity(revisions.len().saturating_add(imported.len()));
    let mut revisions = revisions.into_iter().peekable();
    let mut imported = imported.into_iter().peekable();
    loop {
        let take_revision = match (revisions.peek(), imported.peek()) {
            (Some((revision, _)), Some(unit)) => revision.id > unit.entry,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let item = if take_revision {
            revisions
                .next()
                .map(|named| Item::Revision(Box::new(named)))
        } else {
            imported.next().map(Item::Imported)
        };
        out.extend(item);
    }
    out
}

/// The SQL condition matching an operation (see `Revision::operation`).
fn operation_condition(operation: Operation) -> &'static str {
    match operation {
        Operation::School => "r.entity = 'school'",
        Operation::Record => "r.entity = 'record'",
        Operation::Export => "r.entity = 'export'",
        Operation::Backup => "r.entity = 'backup'",
        Operation::Account => "r.entity = 'account'",
        Operation::Upload => "r.entity = 'upstream'",
        Operation::Import => "r.entity = 'import'",
        Operation::SheetPrint => "(r.entity = 'teacher' AND r.entity_id LIKE 'sheet:%')",
        Operation::Signoff => "(r.entity = 'teacher' AND r.entity_id LIKE 'signoff:%')",
        Operation::StatusChange => "(r.entity = 'teacher' AND r.entity_id LIKE 'status:%')",
        Operation::WarningReason => {
            "(r.entity = 'teacher' AND json_extract(r.new_value, '$.warning_reason') IS NOT NULL)"
        }
        Operation::Teacher => {
            "(r.entity = 'teacher' AND r.entity_id NOT LIKE 'sheet:%' AND r.entity_id NOT LIKE 'signoff:%'
              AND r.entity_id NOT LIKE 'status:%'
              AND json_extract(r.new_value, '$.warning_reason') IS NULL)"
        }
    }
}

/// The instant a day (`YYYY-MM-DD`, this computer's local time) starts,
/// `days_later` days on, as stored times are written (UTC, RFC 3339): the
/// clerk's 3月31日 is their own day, not Greenwich's.
fn day_start(day: &str, days_later: u64) -> Result<String> {
    use chrono::TimeZone;
    let invalid = || Error::Export(ExportError::InvalidAuditDate(day.to_owned()));
    let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| invalid())?
        .checked_add_days(chrono::Days::new(days_later))
        .ok_or_else(invalid)?;
    let midnight = date.and_hms_opt(0, 0, 0).ok_or_else(invalid)?;
    let start = chrono::Local
        .from_local_datetime(&midnight)
        .earliest()
        .ok_or_else(invalid)?;
    Ok(start
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string())
}

/// The audit trail as people read it (操作记录): the log, its CSV and its
/// export to a file.
///
/// A service of the school file, reached with [`SchoolFile::audit`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Audit<'a> {
    pub(crate) school: &'a SchoolFile,
}

impl Audit<'_> {
    /// The whole history of the school, oldest first: every entry of the
    /// audit chain, and after an import's entry the changes of its change
    /// set, each as the revision it stands for.
    pub fn revisions(&self) -> Result<Vec<Revision>> {
        self.school.require(Permission::AuditView)?;
        revisions::read(&self.school.conn, None)
    }

    /// Checks the whole audit chain, oldest entry first (`taoli audit verify`).
    pub fn verify(&self) -> Result<AuditCheck> {
        self.school.require(Permission::AuditView)?;
        store::audit::verify(&self.school.conn)
    }

    /// The audit log, newest first, narrowed by `query`.
    pub fn log(&self, query: &AuditQuery) -> Result<AuditPage> {
        self.school.require(Permission::AuditView)?;
        let conn = &self.school.conn;
        let filter = Filter::new(query)?;
        let offset = query.offset;
        // Each side gives its newest entries up to the page's end, through
        // its own index, before the two are merged.
        let end = (query.limit > 0).then(|| query.limit.saturating_add(offset));
        let (revisions_total, revisions) = filter.revisions(conn, end)?;
        let (imported_total, imported) = if filter.imports {
            imported::units(conn, &filter.entries(), query.teacher_id.as_deref(), end)?
        } else {
            (0, Vec::new())
        };
        let effective = self.school.effective_catalog()?;
        let catalog = self.school.catalog()?;
        let printer = Printer::new(&effective, &catalog);
        let shown = Shown {
            effective: &effective,
            printer: &printer,
            catalog: &catalog,
            locale: query.locale,
        };
        let page = merge_newest_first(revisions, imported)
            .into_iter()
            .skip(offset)
            .take(if query.limit == 0 {
                usize::MAX
            } else {
                query.limit
            });
        let entries = page
            .map(|item| match item {
                Item::Revision(named) => {
                    let (revision, name) = *named;
                    Ok(entry(revision, name, &shown))
                }
                Item::Imported(unit) => imported::entry(conn, &unit, &shown),
            })
            .collect::<Result<_>>()?;
        let total = revisions_total.saturating_add(imported_total);
        let mut actors = self
            .school
            .conn
            .prepare("SELECT DISTINCT actor FROM revision ORDER BY actor")?;
        let actors = actors
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(AuditPage {
            entries,
            total,
            actors,
        })
    }

    /// The log narrowed by `query` (every entry it matches, paging ignored)
    /// as CSV for Excel: UTF-8 with a BOM, one row per changed value.
    pub fn csv(&self, query: &AuditQuery) -> Result<Vec<u8>> {
        let all = AuditQuery {
            offset: 0,
            limit: 0,
            ..query.clone()
        };
        let page = self.log(&all)?;
        let failed = |e: ::csv::Error| Error::Internal(InternalError::ExportFailed(e.to_string()));
        let mut out = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(crate::export::csv::BOM.to_vec());
        let locale = query.locale;
        out.write_record(
            CSV_COLUMNS.map(|column| messages::render(locale, &format!("audit.csv.{column}"), &[])),
        )
        .map_err(failed)?;
        for e in &page.entries {
            let id = e.number();
            let operation = e.operation.said(locale);
            let action = e.action.said(locale);
            let head = [
                id.as_str(),
                e.at.as_str(),
                e.actor.as_str(),
                operation.as_str(),
                action.as_str(),
                e.teacher_name.as_deref().unwrap_or(""),
                e.subject.as_str(),
            ];
            let changes: Vec<(&str, &str, &str)> = if e.changes.is_empty() {
                vec![("", "", "")]
            } else {
                e.changes
                    .iter()
                    .map(|c| {
                        (
                            c.path.as_str(),
                            c.before.as_deref().unwrap_or(""),
                            c.after.as_deref().unwrap_or(""),
                        )
                    })
                    .collect()
            };
            for (path, before, after) in changes {
                let row = head
                    .iter()
                    .copied()
                    .chain([path, before, after, e.hash.as_str()])
                    .map(|cell| crate::export::csv::defused(cell).into_owned());
                out.write_record(row).map_err(failed)?;
            }
        }
        out.into_inner()
            .map_err(|e| Error::Internal(InternalError::ExportFailed(e.to_string())))
    }
}

impl crate::export::Exports<'_> {
    /// Writes the audit log narrowed by `query` as CSV ([`Audit::csv`]) to
    /// `path` and records the export in the trail itself (the file is
    /// removed when it cannot be).
    pub fn audit_log_to(&mut self, query: &AuditQuery, path: &Path) -> Result<()> {
        let actor = self.school.require(Permission::AuditView)?;
        let bytes = self.school.audit().csv(query)?;
        crate::export::write_file(path, &bytes)?;
        if let Err(error) =
            self.school
                .log_export(&actor, "audit_csv", None, Some(path), bytes.len())
        {
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(())
    }
}

/// The columns of the log's CSV, by their catalog key (`audit.csv.<column>`).
const CSV_COLUMNS: [&str; 11] = [
    "number",
    "at",
    "actor",
    "operation",
    "action",
    "teacher",
    "subject",
    "item",
    "before",
    "after",
    "hash",
];

/// A file name for a school's audit log in `locale`:
/// `桃李镇中心小学-操作记录.csv`.
pub fn audit_file_name(school_name: &str, locale: Locale) -> String {
    messages::render(
        locale,
        "audit.file_name",
        &[("school", crate::text::file_name_safe(school_name.trim()))],
    )
}

/// Bookkeeping the store keeps beside the data: not worth a line in the log.
const BOOKKEEPING: &[&str] = &[
    "id",
    "version",
    "created_at",
    "updated_at",
    "teacher_id",
    "group_code",
    "row_order",
    "id_type_name",
    "school_type_name",
    "indicator_set",
];

pub(super) fn entry(revision: Revision, name: Option<String>, shown: &Shown<'_>) -> AuditEntry {
    let Shown {
        effective, locale, ..
    } = *shown;
    let operation = revision.operation();
    let recorded_name = || {
        [&revision.new_value, &revision.old_value]
            .into_iter()
            .flatten()
            .find_map(|v| v.get("name").and_then(Value::as_str).map(str::to_owned))
    };
    let teacher_name = name.or_else(|| revision.teacher_id.as_ref().and_then(|_| recorded_name()));
    let group = record_group(&revision, operation, effective);
    let subject = match group {
        Some(group) => group_subject(&revision, group, locale),
        None => subject(&revision, operation),
    };
    let changes = changes(&revision, operation, group, shown);
    AuditEntry {
        id: revision.id,
        part: 0,
        at: revision.at,
        actor: revision.actor,
        operation,
        action: revision.action,
        teacher_id: revision.teacher_id,
        teacher_name,
        subject,
        changes,
        hash: revision.hash,
    }
}

/// The information group of a record's revision.
fn record_group<'e>(
    revision: &Revision,
    operation: Operation,
    effective: &'e EffectiveCatalog,
) -> Option<&'e EffectiveGroup> {
    if operation != Operation::Record {
        return None;
    }
    let value = revision.new_value.as_ref().or(revision.old_value.as_ref());
    value
        .and_then(|v| v.get("group_code"))
        .and_then(Value::as_str)
        .and_then(|id| effective.group(id))
}

/// A record's subject: its group, and which of the group's records.
fn group_subject(revision: &Revision, group: &EffectiveGroup, locale: Locale) -> String {
    let row = revision
        .new_value
        .as_ref()
        .or(revision.old_value.as_ref())
        .and_then(|v| v.get("row_order"))
        .and_then(Value::as_i64);
    match row {
        Some(row) if group.multi => messages::render(
            locale,
            "audit.group_row",
            &[("group", group.name.clone()), ("row", row.to_string())],
        ),
        _ => group.name.clone(),
    }
}

/// What a revision changed, before → after, by indicator label where the
/// value is a record's field; bookkeeping and unchanged values left out.
fn changes(
    revision: &Revision,
    operation: Operation,
    group: Option<&EffectiveGroup>,
    shown: &Shown<'_>,
) -> Vec<AuditChange> {
    let printer = shown.printer;
    let mut raw = Vec::new();
    diff(
        "",
        revision.old_value.as_ref(),
        revision.new_value.as_ref(),
        &mut raw,
    );
    raw.into_iter()
        .filter(|(path, _, _)| {
            let top = path.split('.').next().unwrap_or_default();
            !BOOKKEEPING.contains(&top)
        })
        .map(|(path, before, after)| {
            let field = group.and_then(|g| {
                path.strip_prefix("fields.")
                    .and_then(|code| g.fields.iter().find(|f| f.code == code))
            });
            match field {
                Some(field) => AuditChange {
                    path: field.label.clone(),
                    before: non_empty(printer.text(field, before.as_ref())),
                    after: non_empty(printer.text(field, after.as_ref())),
                },
                None => AuditChange {
                    before: named(operation, &path, before.as_ref(), shown),
                    after: named(operation, &path, after.as_ref(), shown),
                    path: key_label(operation, &path, shown.locale).unwrap_or(path),
                },
            }
        })
        .filter(|c| c.before != c.after)
        .collect()
}

/// A value outside the indicators as the log shows it: an ID type or a
/// role by its name rather than its code, and a word the trail stores in
/// Chinese (a batch's state, a backup's reason, where a key is kept, a
/// review's decision) in the query's language.
fn named(
    operation: Operation,
    path: &str,
    value: Option<&Value>,
    shown: &Shown<'_>,
) -> Option<String> {
    let text = plain(value)?;
    let locale = shown.locale;
    let said = match (operation, path) {
        (Operation::Teacher, "id_type") => shown
            .catalog
            .id_type(&text)
            .ok()
            .map(|id_type| id_type.name.clone()),
        (Operation::Account, "role" | "signed_in_as") => Role::ALL
            .into_iter()
            .find(|r| r.code() == text)
            .map(|role| match locale {
                Locale::ZhCn => role.label(),
                Locale::En => role.label_en(),
            })
            .map(str::to_owned),
        (Operation::Upload, "state") => {
            BatchState::from_label(&text).map(|state| state.said(locale))
        }
        (Operation::Upload, "key_place") => [KeyPlace::Keychain, KeyPlace::SchoolFile]
            .into_iter()
            .find(|p| p.label() == text)
            .map(|place| place.said(locale)),
        (Operation::Upload, "decision") => [Decision::Accepted, Decision::Returned]
            .into_iter()
            .find(|d| d.label() == text)
            .map(|decision| messages::word(locale, "decision", decision.as_str())),
        (Operation::Backup, "reason") => {
            BackupReason::from_label(&text).map(|reason| reason.said(locale))
        }
        _ => None,
    };
    Some(said.unwrap_or(text))
}

/// The name of a value outside the catalog's indicators, as the log shows
/// it in `locale` (`audit.item.<operation>.<path>`).
fn key_label(operation: Operation, path: &str, locale: Locale) -> Option<String> {
    let path = if path.starts_with("province_pack.name") {
        "province_pack.name"
    } else if path.starts_with("province_pack.version") {
        "province_pack.version"
    } else {
        path
    };
    let key = format!("audit.item.{}.{path}", operation.as_str());
    messages::template(locale, &key)
        .or_else(|| messages::template(Locale::ZhCn, &key))
        .map(str::to_owned)
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn plain(value: Option<&Value>) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    }
}

/// What an entry is about, in a few words.
fn subject(revision: &Revision, operation: Operation) -> String {
    let value = revision.new_value.as_ref().or(revision.old_value.as_ref());
    let text = |pointer: &str| {
        value
            .and_then(|v| v.pointer(pointer))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match operation {
        Operation::SheetPrint => text("/sheet_printed/fingerprint").unwrap_or_default(),
        Operation::Signoff => text("/signoff/fingerprint").unwrap_or_default(),
        Operation::WarningReason => text("/warning_reason/rule").unwrap_or_default(),
        Operation::StatusChange => text("/status_event/status").unwrap_or_default(),
        Operation::Teacher => text("/id_number").unwrap_or_else(|| revision.entity_id.clone()),
        Operation::Record
        | Operation::Export
        | Operation::School
        | Operation::Backup
        | Operation::Account
        | Operation::Upload => revision.entity_id.clone(),
        Operation::Import => text("/file_name").unwrap_or_else(|| revision.entity_id.clone()),
    }
}

/// A value that differs: its dotted path, before and after.
type RawChange = (String, Option<Value>, Option<Value>);

/// Every leaf that differs between `before` and `after`, by dotted path.
fn diff(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<RawChange>) {
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                diff(&join(path, key), a.get(key), b.get(key), out);
            }
        }
        (Some(Value::Object(a)), None) => {
            for (key, value) in a {
                diff(&join(path, key), Some(value), None, out);
            }
        }
        (None, Some(Value::Object(b))) => {
            for (key, value) in b {
                diff(&join(path, key), None, Some(value), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push((path.to_owned(), a.cloned(), b.cloned())),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
