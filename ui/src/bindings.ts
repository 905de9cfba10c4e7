// Generated from the Rust types in crates/taoli-core by ts-rs. Do not edit.
// Regenerate: TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-core --test bindings

export type ErrorKind = "user" | "internal";

export type ErrorPayload = { code: string, kind: ErrorKind, message: string, };

export type Locale = "zh-CN" | "en";

export type Role = "system_admin" | "info_manager" | "info_viewer";

export type Permission = "teachers.view" | "teachers.view_full" | "teachers.edit" | "import" | "export" | "sheets.print" | "batches.submit" | "batches.review" | "audit.view" | "backup" | "restore" | "settings.manage" | "users.manage";

export type Session = { name: string, role: Role, role_label: string, permissions: Array<Permission>, 
/**
 * True when ID and phone numbers are shown masked.
 */
masked: boolean, };

export type User = { name: string, role: Role, 
/**
 * 系统管理员 / 信息管理员 / 信息查询员.
 */
role_label: string, disabled: boolean, created_at: string, last_sign_in_at: string | null, };

export type NewUser = { name: string, role: Role, password: string, };

export type Credentials = { name: string, password: string, };

export type OpenedSchool = { school: School, session: Session | null, has_users: boolean, };

export type NetworkShare = { 
/**
 * Where the share comes from: `//server/share`, `\\server\share`,
 * `server:/export`.
 */
source: string, 
/**
 * What kind of share it is, for the clerk (`Windows 共享文件夹（SMB）`).
 */
kind: string, 
/**
 * The same in English (`Windows shared folder (SMB)`).
 */
kind_en: string, 
/**
 * The file system type as the system names it (`cifs`, `nfs4`, `unc`).
 */
file_system: string, };

export type CopiedToThisComputer = { path: string, opened: OpenedSchool, };

export type IndicatorSet = { 
/**
 * Stable identifier, e.g. `primary_secondary`.
 */
id: string, 
/**
 * Chinese name, e.g. 中小学.
 */
name: string, name_en: string, 
/**
 * False where the reference only infers the set's content.
 */
confirmed: boolean, };

export type SchoolTypeScope = { "kind": "in", set: IndicatorSet, } | { "kind": "out", reason: string, };

export type SchoolType = { code: string, name: string, note: string | null, scope: SchoolTypeScope, 
/**
 * False where the reference marks the mapping as inferred ([I]).
 */
confirmed: boolean, };

export type IdNumberForm = "resident_id" | "taiwan_permit" | "foreign_permanent_residence" | "general";

export type IdType = { code: string, name: string, name_en: string, form: IdNumberForm, 
/**
 * False where the number's form is inferred.
 */
confirmed: boolean, };

export type IdGender = "male" | "female";

export type IdDerivedValue = { 
/**
 * The field's code, e.g. `birth_date`.
 */
field: string, 
/**
 * The field's label for the school's set (出生日期).
 */
label: string, 
/**
 * The value as stored: `1985-03-04`, or the 性别 code `1`.
 */
value: string, 
/**
 * The value as the clerk reads it: `1985-03-04`, 男.
 */
shown: string, };

export type NewSchool = { 
/**
 * 学校标识码: ten digits issued by the education authorities.
 */
code: string, 
/**
 * 学校名称.
 */
name: string, 
/**
 * 办学类型代码.
 */
school_type: string, 
/**
 * 县级行政区划代码 (six digits), from which the province and city codes follow.
 */
region_code: string | null, };

export type School = { code: string, name: string, school_type: string, 
/**
 * The school type's name, when the catalog knows the code.
 */
school_type_name: string | null, 
/**
 * The indicator set the school reports against.
 */
indicator_set: IndicatorSet | null, province_code: string | null, city_code: string | null, county_code: string | null, created_at: string, updated_at: string, };

export type NewTeacher = { 
/**
 * 姓名.
 */
name: string, 
/**
 * 身份证件类型 code (or its name), e.g. `1` for 居民身份证.
 */
id_type: string, 
/**
 * 身份证件号.
 */
id_number: string, };

export type Teacher = { 
/**
 * Stable internal id; never shown to clerks.
 */
id: string, name: string, id_type: string, id_type_name: string, id_number: string, version: number, created_at: string, updated_at: string, };

export type TeacherListing = { teachers: Array<Teacher>, 
/**
 * The teachers the listing's filter lets through, found or not.
 */
total: number, 
/**
 * The teachers off the active roster today (离校教师), listed or not.
 */
departed: number, 
/**
 * How each listed teacher off the roster left it, in the listing's
 * order (read with the same roster, so the 离校教师 view needs no
 * second read).
 */
departures: Array<Departure>, };

export type RosterFilter = "on_roster" | "departed" | "all";

export type StatusEvent = { id: string, teacher_id: string, 
/**
 * The 人员状态 code (`personnel_status`).
 */
status: string, 
/**
 * From when it holds (YYYY-MM-DD).
 */
effective_date: string, 
/**
 * Why (empty for an initial or entered status).
 */
reason: string, 
/**
 * Evidence notes: 文号, 证明材料.
 */
evidence: string | null, kind: EventKind, state: EventState, 
/**
 * The reviewer's note on a returned change.
 */
decision_note: string | null, decided_at: string | null, created_at: string, 
/**
 * The account that made it (empty for the first event a migration made).
 */
created_by: string, };

export type EventKind = "initial" | "change" | "entered";

export type EventState = "in_effect" | "pending" | "returned" | "withdrawn";

export type NewStatusChange = { teacher_id: string, 
/**
 * The new 人员状态: its code, or its name as written (退休, 301-退休).
 */
status: string, 
/**
 * From when it holds (YYYY-MM-DD).
 */
effective_date: string, reason: string, 
/**
 * Evidence notes (文号, 证明材料); some changes ask for them.
 */
evidence: string | null, };

export type IdentityCorrection = { teacher_id: string, name: string, id_type: string, id_number: string, reason: string, evidence: string | null, };

export type CorrectionOutcome = { teacher: Teacher, request: CorrectionRequest | null, };

export type CorrectionRequest = { id: string, teacher_id: string, 
/**
 * The identity asked for.
 */
name: string, id_type: string, id_type_name: string, id_number: string, 
/**
 * The identity in effect when it was asked for.
 */
old_name: string, old_id_type: string, old_id_type_name: string, old_id_number: string, reason: string, 
/**
 * Evidence notes: 文号, 证明材料.
 */
evidence: string | null, state: RequestState, 
/**
 * Whether a batch carried it to the county (上传过); a pending one not
 * yet carried goes in the next batch.
 */
sent: boolean, 
/**
 * The reviewer's note on a return.
 */
decision_note: string | null, decided_at: string | null, created_at: string, created_by: string, };

export type RequestState = "pending" | "accepted" | "returned" | "withdrawn";

export type DuplicatePair = { first: Teacher, second: Teacher, reason: DuplicateReason, };

export type DuplicateReason = "same_id_number" | "same_name_and_birth_date";

export type SignoffGaps = { 
/**
 * Not signed yet (未签字), in registration order.
 */
unsigned: Array<Teacher>, 
/**
 * Signed, but changed since (签字后有改动), in registration order.
 */
stale: Array<Teacher>, };

export type SignoffGate = { 
/**
 * A signed, current sheet is required before a teacher's changes go upstream.
 */
required: boolean, 
/**
 * Teachers asked to sign whose sheet is not signed (未签字).
 */
unsigned: number, 
/**
 * Teachers asked to sign whose information changed since they signed.
 */
stale: number, };

export type SignoffLack = "unsigned" | "stale";

export type ReviewCounts = { required: boolean, waiting_changes: number, };

export type StatusTimeline = { teacher_id: string, 
/**
 * The 人员状态 on file (None before one is entered).
 */
current: string | null, 
/**
 * Whether the teacher is on the active roster today.
 */
on_roster: boolean, 
/**
 * A change waiting for the county's approval, if any (also in `events`).
 */
pending: StatusEvent | null, 
/**
 * The information groups the current status locks (`*`: every one).
 */
locks: Array<string>, 
/**
 * Every event, oldest first: in effect, pending, returned, withdrawn.
 */
events: Array<StatusEvent>, };

export type DepartedTeacher = { teacher: Teacher, 
/**
 * The 人员状态 code they left with.
 */
status: string, 
/**
 * From when (YYYY-MM-DD).
 */
effective_date: string, reason: string, evidence: string | null, };

export type Departure = { teacher_id: string, 
/**
 * The 人员状态 code they left with.
 */
status: string, 
/**
 * From when (YYYY-MM-DD).
 */
effective_date: string, reason: string, evidence: string | null, };

export type StatusRule = { 
/**
 * The 人员状态 code.
 */
code: string, on_roster: boolean, approval: Approval, evidence: boolean, locks: Array<string>, };

export type StatusChangeCounts = { 
/**
 * Teachers with a change waiting for the county's approval.
 */
pending: number, 
/**
 * Teachers whose latest change the county returned, not yet made again.
 */
returned: number, 
/**
 * Teachers off the active roster today (离校教师).
 */
departed: number, };

export type Approval = "school" | "county";

export type IndicatorRecord = { id: string, teacher_id: string, 
/**
 * The information group (信息项), e.g. 基本信息.
 */
group_code: string, 
/**
 * Position within a multi-record group, from 1.
 */
row_order: number, fields: Record<string, unknown>, 
/**
 * Bumped on every change; an edit names the version it started from.
 */
version: number, updated_at: string, };

export type Entity = "school" | "teacher" | "record" | "export" | "backup" | "account" | "upstream" | "import";

export type Action = "create" | "update" | "delete" | "sign_in" | "sign_in_failed";

export type Revision = { id: number, at: string, actor: string, entity: Entity, entity_id: string, teacher_id: string | null, action: Action, old_value: unknown, new_value: unknown, 
/**
 * The audit chain's hash of this entry (`store/audit.rs`).
 */
hash: string, };

export type RecentFile = { path: string, school_name: string, school_code: string, opened_at: string, 
/**
 * Whether the file is still where it was (filled in when listed).
 */
exists: boolean, };

export type TeacherExport = { records: Array<IndicatorRecord>, 
/**
 * The teacher's status history (在职情况变动), oldest first; in the
 * JSON document only (spreadsheets carry the status on file).
 */
status_events: Array<StatusEvent>, 
/**
 * Stable internal id; never shown to clerks.
 */
id: string, name: string, id_type: string, id_type_name: string, id_number: string, version: number, created_at: string, updated_at: string, };

export type SchoolExport = { format: string, format_version: number, taoli_version: string, schema_version: number, exported_at: string, school: School, teachers: Array<TeacherExport>, };

export type ExportFormat = "json" | "template" | "xlsx" | "csv";

export type SheetStyle = "taoli" | "national";

export type AllSets = "all";

export type SetScope = AllSets | Array<string>;

export type Filler = "teacher" | "school" | "bureau";

export type FieldType = "text" | "code" | "multi_code" | "year_month" | "date" | "year" | "number" | "yes_no" | "id_number" | "phone" | "email" | "region";

export type Code = { code: string, name: string, name_en: string | null, synonyms: Array<string>, parent: string | null, selectable: boolean, sets: SetScope, confirmed: boolean, };

export type CodeTable = { id: string, name: string, name_en: string, source: string | null, confirmed: boolean, 
/**
 * The code that "none" (无, 未评, / …) stands for; unset: the code named
 * 无, if any; empty: none, so those words leave the value empty.
 */
none_code: string | null, 
/**
 * This table's own ways of saying "none", instead of the catalog's
 * (`catalog/value_forms.toml`).
 */
none_words: Array<string> | null, code: Array<Code>, };

export type EffectiveField = { code: string, label: string, label_en: string, kind: FieldType, code_table: string | null, required: boolean, max_len: number | null, min: number | null, max: number | null, decimals: number | null, filled_by: Array<Filler>, derived: boolean, help: string | null, default: string | null, header_synonyms: Array<string>, confirmed: boolean, };

export type EffectiveGroup = { id: string, name: string, name_en: string, multi: boolean, filled_by: Array<Filler>, help: string | null, 
/**
 * The fields that identify a row of a multi-record group (may be empty).
 */
key: Array<string>, fields: Array<EffectiveField>, };

export type EffectiveCatalog = { set: IndicatorSet, groups: Array<EffectiveGroup>, 
/**
 * The code tables the set's fields use, holding only the set's codes.
 */
code_tables: Array<CodeTable>, };

export type Region = { 
/**
 * Six digits, e.g. 510107.
 */
code: string, 
/**
 * The division's own name (武侯区).
 */
name: string, 
/**
 * 1 province, 2 prefecture-level city, 3 county.
 */
level: number, 
/**
 * The division it belongs to; none for a province. Counties of the four
 * municipalities and the province-administered ones (济源市) belong to
 * their province directly.
 */
parent: string | null, 
/**
 * The name's pinyin without tones or spaces (wuhouqu).
 */
pinyin: string, 
/**
 * The first letters of its syllables (whq).
 */
initials: string, };

export type Regions = { 
/**
 * The data package it was made from.
 */
source: string, 
/**
 * The data's edition, as the package names it.
 */
edition: string, 
/**
 * Every division, in code order.
 */
regions: Array<Region>, };

export type Severity = "warning" | "error";

export type Problem = { teacher_id: string, teacher_name: string, group: string, group_name: string, record_id: string | null, 
/**
 * The row within a multi-record group, from 1.
 */
row_order: number | null, field: string | null, field_label: string | null, 
/**
 * The value found, as text.
 */
value: string | null, severity: Severity, 
/**
 * `required`, `format` (type, length, code, range) or a catalog rule's id.
 */
rule: string, 
/**
 * The whole message: teacher · group · field: what is wrong and what is expected.
 */
message: string, message_en: string, 
/**
 * For a warning: the written reason it was accepted with, if any.
 */
reason: string | null, };

export type ValidationReport = { set: string, teachers: number, errors: number, warnings: number, 
/**
 * Warnings that carry a written reason.
 */
explained: number, problems: Array<Problem>, };

export type RecordDraft = { teacher_id: string, 
/**
 * The group's id (`education`) or name.
 */
group: string, 
/**
 * The stored record being edited; none for a new row (or a first 基本信息).
 */
record_id: string | null, 
/**
 * The version the edit started from, to refuse edits of a changed record.
 */
expected_version: number | null, 
/**
 * Values keyed by field code: codes, dates, numbers or text as the form holds them.
 */
fields: Record<string, unknown>, };

export type PackInfo = { id: string, name: string, version: string, province: string | null, };

export type RosterKind = "xlsx" | "xls" | "ods" | "csv";

export type TextEncoding = "utf8" | "gb18030" | "utf16";

export type SheetInfo = { 
/**
 * Position in the workbook, from 1.
 */
index: number, name: string, 
/**
 * Hidden sheets are skipped unless the clerk picks them.
 */
hidden: boolean, };

export type RosterInfo = { path: string, file_name: string, kind: RosterKind, encoding: TextEncoding | null, sheets: Array<SheetInfo>, };

export type FieldTarget = { 
/**
 * The group's id, e.g. `basic`.
 */
group: string, group_name: string, 
/**
 * The field's code, e.g. `school_entry_month`.
 */
field: string, label: string, };

export type MappingSource = "catalog" | "remembered" | "corrected" | "unknown" | "ambiguous" | "ignored";

export type ColumnMapping = { 
/**
 * 0-based column index in the sheet.
 */
index: number, 
/**
 * The column's letter as Excel shows it (A, B, … AA).
 */
letter: string, 
/**
 * The header as written (two-row headers joined with「/」).
 */
header: string, target: FieldTarget | null, source: MappingSource, 
/**
 * For an ambiguous header, the indicators it could be.
 */
candidates: Array<FieldTarget>, 
/**
 * The first non-empty values of the column, to help the clerk decide.
 */
samples: Array<string>, };

export type MappingOverride = { header: string, target: string | null, };

export type OnConflict = "keep" | "take";

export type ImportOptions = { 
/**
 * Sheet names or 1-based numbers; empty means every visible sheet.
 */
sheets: Array<string>, mappings: Array<MappingOverride>, on_conflict: OnConflict, 
/**
 * The language the preview is worded in: the window's (the app fills
 * it in from `set_locale`) or `TAOLI_LANG`'s. Chinese when not given.
 */
locale: Locale, };

export type RowStatus = "new" | "update" | "unchanged" | "refused";

export type MessageSeverity = "refusal" | "error" | "warning" | "info";

export type RowMessage = { 
/**
 * Stable code: `import.*` for reading the roster, `validate.*` for the engine's rules.
 */
code: string, severity: MessageSeverity, 
/**
 * The column letter of the cell concerned, if one.
 */
column: string | null, 
/**
 * The indicator concerned, if one: its label.
 */
field: string | null, 
/**
 * What is the matter, in the preview's language
 * ([`ImportOptions::locale`]). Shared between rows with the same text
 * (a large roster's rows mostly lack the same fields).
 */
text: string, };

export type FieldChange = { group: string, group_name: string, field: string, 
/**
 * The indicator's label, in the preview's language.
 */
label: string, 
/**
 * The stored value (empty when there is none).
 */
stored: string, imported: string, 
/**
 * Stored and imported values differ (rather than the import filling a blank).
 */
conflict: boolean, 
/**
 * The imported value is what will be stored.
 */
taken: boolean, };

export type RowPreview = { 
/**
 * The sheet's name (one shared copy for all its rows).
 */
sheet: string, 
/**
 * The row number as Excel shows it.
 */
row: number, status: RowStatus, name: string, id_type: string | null, id_number: string, 
/**
 * Normalized values by group and field code. Kept as JSON text: a large
 * roster's preview holds one per row, and maps would cost ten times the memory.
 */
values: Record<string, Record<string, unknown>>, changes: Array<FieldChange>, messages: Array<RowMessage>, };

export type RowPage = { rows: Array<RowPreview>, 
/**
 * Rows matching the filter, over all pages.
 */
total: number, };

export type SheetPreview = { name: string, 
/**
 * First and last header row, as Excel numbers them.
 */
header_rows: [number, number], columns: Array<ColumnMapping>, 
/**
 * Columns that will not be imported because no indicator matched.
 */
unknown_columns: Array<string>, 
/**
 * Catalog defaults given to the new records of fields the sheet has no
 * column for, e.g. 「基本信息·国籍/地区 中国」.
 */
defaults: Array<string>, data_rows: number, 
/**
 * The key corrections are remembered under.
 */
layout: string, };

export type ImportCounts = { total: number, new: number, update: number, unchanged: number, refused: number, };

export type SkippedSheet = { name: string, reason: string, why: SkipReason, };

export type SkipReason = { "kind": "no_header" } | { "kind": "pending_list" } | { "kind": "no_identity_columns", headers: string, };

export type ImportNote = { sheet: string, column: string, 
/**
 * The indicator's label, in the preview's language.
 */
field: string, count: number, 
/**
 * The first rows (as Excel numbers them).
 */
rows: Array<number>, 
/**
 * The first value written this way, and what it was taken as.
 */
example: string, taken_as: string, 
/**
 * The whole line, in the preview's language: 「民族（F 列）2,314 行写成了
 * 『汉 族』等带空格的写法：已按『汉族』处理」.
 */
text: string, };

export type ProblemGroup = { severity: MessageSeverity, code: string, column: string | null, 
/**
 * The indicator's label, in the preview's language.
 */
field: string | null, count: number, 
/**
 * The first rows: sheet and row number.
 */
rows: Array<[string, number]>, 
/**
 * The first row's message, which names what to do.
 */
example: string, 
/**
 * The whole line, with the count and example rows, in the preview's language.
 */
text: string, };

export type ImportSummary = { file_name: string, kind: RosterKind, encoding: TextEncoding | null, on_conflict: OnConflict, sheets: Array<SheetPreview>, counts: ImportCounts, 
/**
 * Rows whose stored values differ from the roster's.
 */
conflicts: number, skipped_sheets: Array<SkippedSheet>, notes: Array<ImportNote>, problem_groups: Array<ProblemGroup>, 
/**
 * Cells imported empty and kept as 待修正.
 */
pending: number, };

export type PendingValue = { id: string, teacher_id: string, 
/**
 * The information group (信息项) and indicator the value was for.
 */
group: string, field: string, 
/**
 * The text as the roster had it.
 */
raw: string, 
/**
 * Why it could not be taken.
 */
problem: string, 
/**
 * Where it came from: 「工作表『教师信息』第 12 行 F 列」.
 */
source: string, 
/**
 * The import that kept it.
 */
import_id: string | null, created_at: string, };

export type ImportRun = { id: string, at: string, actor: string, file_name: string, sheets: Array<string>, on_conflict: OnConflict, counts: ImportCounts, 
/**
 * Teachers created and records written.
 */
teachers_created: number, records_written: number, undone_at: string | null, undone_by: string | null, };

export type UndoResult = { import: ImportRun, teachers_removed: number, records_removed: number, records_restored: number, };

export type StatsDimensionId = "gender" | "age" | "highest_education" | "current_title" | "ethnicity" | "political_status" | "on_establishment" | "staff_category";

export type ChartKind = "pie" | "column";

export type StatsBucket = { 
/**
 * Stable key: the code (`1`, `14`, `A1`), the age band (`le24`,
 * `25-29` … `ge60`), `han` / `minority` for 民族, or [`MISSING_KEY`].
 */
key: string, label: string, label_en: string, count: number, 
/**
 * True for the bucket of teachers without a value (「未填」, or 「未知」 for age).
 */
missing: boolean, };

export type StatsDimension = { id: StatsDimensionId, 
/**
 * The dimension's name: the indicator's label (性别, 最高学历 …) or 年龄.
 */
name: string, name_en: string, chart: ChartKind, 
/**
 * True where a teacher may count in several buckets (政治面貌 is
 * multi-code): the counts may then add up to more than `total`.
 */
multi: boolean, 
/**
 * The teachers counted: every teacher of the school.
 */
total: number, 
/**
 * In the code table's order (age bands youngest first); the missing
 * bucket always last.
 */
buckets: Array<StatsBucket>, };

export type SchoolStats = { school_code: string, school_name: string, 
/**
 * The indicator set's id.
 */
set: string, 
/**
 * The day ages are counted on (YYYY-MM-DD).
 */
as_of: string, 
/**
 * The teachers on the active roster that day (those who left before
 * it, 离校教师, are not counted).
 */
teachers: number, 
/**
 * The teachers on file who were off the roster that day.
 */
departed: number, dimensions: Array<StatsDimension>, };

export type PrintedSheet = { teacher_id: string, name: string, id_number: string, fingerprint: string, };

export type PrintedSheets = { path: string, pages: number, bytes: number, font: string, sheets: Array<PrintedSheet>, };

export type SheetsPreview = { 
/**
 * Each page previewed, an SVG document.
 */
pages: Array<string>, 
/**
 * The teachers previewed, in order.
 */
sheets: Array<PrintedSheet>, 
/**
 * How many teachers the printing would hold in all.
 */
teachers: number, 
/**
 * The font family the sheets are set in.
 */
font: string, };

export type SignoffState = { "state": "none" } | { "state": "signed", 
/**
 * The fingerprint signed, which is also the current one.
 */
current: string, signed_by: string, signed_at: string, } | { "state": "stale", signed: string, current: string, signed_by: string, signed_at: string, };

export type SheetPrint = { fingerprint: string, 
/**
 * When it was last printed (RFC 3339, UTC).
 */
printed_at: string, printed_by: string, 
/**
 * Whether it prints the teacher's information as it is now.
 */
current: boolean, };

export type SignoffInfo = { teacher_id: string, state: SignoffState, 
/**
 * Printed versions, latest first.
 */
prints: Array<SheetPrint>, };

export type Operation = "school" | "teacher" | "record" | "warning_reason" | "sheet_print" | "signoff" | "export" | "backup" | "account" | "upload" | "import" | "status_change";

export type AuditQuery = { teacher_id: string | null, 
/**
 * Who made the entry (exact name).
 */
actor: string | null, operation: Operation | null, 
/**
 * From this day on (`YYYY-MM-DD`, in this computer's local time).
 */
from: string | null, 
/**
 * Up to and including this day.
 */
to: string | null, offset: number, 
/**
 * How many entries at most (all when 0).
 */
limit: number, 
/**
 * The language the entries' subjects and change labels are said in
 * (the app passes its window's).
 */
locale: Locale, };

export type AuditChange = { 
/**
 * What changed: an indicator's label (民族), or for a value outside
 * the indicators its name in the query's language (姓名 / Name).
 */
path: string, before: string | null, after: string | null, };

export type AuditEntry = { id: number, 
/**
 * Under an import's entry, which of the teachers it wrote (1, 2 …)
 * this shows the changes of; 0 for every other entry.
 */
part: number, at: string, actor: string, operation: Operation, 
/**
 * 新增 / 修改 / 删除.
 */
action: Action, teacher_id: string | null, 
/**
 * The teacher's name now (or as the entry recorded it, once removed).
 */
teacher_name: string | null, 
/**
 * What the entry is about: an information group, a file name, a fingerprint.
 */
subject: string, changes: Array<AuditChange>, hash: string, };

export type AuditPage = { entries: Array<AuditEntry>, total: number, 
/**
 * Everyone who made an entry, for the operator filter.
 */
actors: Array<string>, };

export type AuditBreak = { 
/**
 * The entry whose hash does not hold (for removed newest entries: the
 * first id missing).
 */
id: number, 
/**
 * When the entry says it was made, if it is there.
 */
at: string | null, 
/**
 * What was found, for a clerk or an inspector: said in their language
 * by the shells ([`AuditBreakReason::message`]; Display is Chinese).
 */
reason: AuditBreakReason, };

export type AuditBreakReason = { "kind": "unhashed" } | { "kind": "altered" } | { "kind": "missing_or_altered", first: number, last: number, } | { "kind": "removed", first: number, last: number, } | { "kind": "newest_removed", first: number, last: number, } | { "kind": "change_set_altered" } | { "kind": "change_set_rows", expected: number, found: number, } | { "kind": "change_set_unsealed" };

export type AuditCheck = { 
/**
 * Entries checked.
 */
entries: number, 
/**
 * The newest entry's hash, when the chain holds: note it down (or print
 * it) to show later that nothing before it changed.
 */
head: string | null, 
/**
 * The first place the chain breaks, if it does.
 */
broken: AuditBreak | null, };

export type BackupReason = "before_import" | "before_restore" | "before_batch" | "daily" | "manual";

export type Backup = { path: string, file_name: string, reason: BackupReason, 
/**
 * When it was made, local time as its name gives it (2026-11-22 20:47:00).
 */
made_at: string, bytes: number, };

export type BackupList = { folder: string, 
/**
 * Newest first.
 */
backups: Array<Backup>, 
/**
 * How many automatic backups are kept besides one per month.
 */
keep_recent: number, };

export type RecoveryStatus = { 
/**
 * Whether the school file is encrypted (a plaintext file needs no code).
 */
encrypted: boolean, 
/**
 * Whether the file has a recovery code.
 */
has_code: boolean, 
/**
 * The code's number, as its sheet prints it (not the code).
 */
code_id: string | null, created_at: string | null, created_by: string | null, 
/**
 * The recovery file beside the school file.
 */
sidecar_path: string, sidecar_name: string, 
/**
 * How many keys the recovery file holds: the current one and those of
 * backups made under earlier 系统管理员 passwords.
 */
keys: number, 
/**
 * Whether the recovery file was missing or out of date and was written
 * again just now.
 */
repaired: boolean, };

export type RecoveryCodeShown = { 
/**
 * Groups joined by dashes: `7KQ4M-XR2ZP-…`.
 */
code: string, groups: Array<string>, 
/**
 * The code's number, as its sheet prints it.
 */
code_id: string, 
/**
 * The recovery file's name, to keep with the backups.
 */
sidecar_name: string, };

export type RefusalCode = "unsupported_version" | "unsupported_algorithm" | "too_large" | "malformed_request" | "malformed_manifest" | "malformed_payload" | "malformed_response" | "bad_signature" | "key_unknown" | "key_revoked" | "wrong_school" | "sequence_replayed" | "sequence_out_of_order" | "payload_hash_mismatch" | "batch_conflict" | "offset_mismatch" | "batch_not_found" | "enrollment_code_invalid" | "receipt_invalid" | "request_expired" | "server_error" | "rate_limited" | "request_timeout" | "unknown";

export type Refusal = { code: RefusalCode, message: string, 
/**
 * The particulars in English, for [`Refusal::message_in_english`]:
 * present when they were given in both languages
 * ([`Refusal::with_details`]), absent when there are none or they read
 * the same in every language ([`Refusal::with_detail`]).
 */
detail_en?: string, };

export type KeyPlace = "keychain" | "school_file";

export type BatchState = "built" | "signed" | "uploading" | "received" | "reviewed" | "refused";

export type UploadStatus = "returned" | "pending" | "awaiting_review" | "uploading" | "received" | "effective";

export type BatchStatus = "returned" | "pending" | "awaiting_review" | "uploading" | "received" | "effective" | "refused";

export type EnrollmentInfo = { upstream: string, school: string, 
/**
 * The school's signing key's id.
 */
key_id: string, 
/**
 * Where this computer keeps the signing key.
 */
key_place: KeyPlace, 
/**
 * The pinned upstream receipt key's id.
 */
upstream_key_id: string, 
/**
 * The pinned receipt key's fingerprint (16 groups of 4 hex digits),
 * for the clerk to compare with the one the county printed.
 */
upstream_fingerprint: string, enrolled_at: string, enrolled_by: string, 
/**
 * The review results are asked for after this cursor.
 */
review_cursor: number, };

export type UpstreamNotice = { cursor: number, message: string, 
/**
 * Who sent it: the unit and the officer.
 */
from: string, sent_at: string, received_at: string, 
/**
 * When a clerk said 知道了; None while unread.
 */
read_at: string | null, };

export type TransportSettings = { 
/**
 * Plain `http://` to another computer is allowed (系统管理员, settings).
 */
allow_plain_http: boolean, };

export type BatchSummary = { id: string, sequence: number, 
/**
 * The received batch this one builds on.
 */
base_batch: string | null, state: BatchState, 
/**
 * 待上传 / 待审核 / 上传中 / 已接收 / 已退回 / 已生效, or 被拒收.
 */
status: BatchStatus, 
/**
 * [`BatchSummary::status`] in Chinese, for scripts reading `--json`.
 */
state_label: string, created_at: string, created_by: string, record_count: number, 
/**
 * The compressed payload's size in bytes.
 */
payload_bytes: number, payload_sha256: string, key_id: string | null, signed_at: string | null, exported_at: string | null, 
/**
 * Failed upload attempts so far, and the last failure.
 */
attempts: number, last_error: string | null, 
/**
 * The same in English.
 */
last_error_en: string | null, 
/**
 * When the upstream had it whole, by the upstream's clock (the receipt's).
 */
received_at: string | null, 
/**
 * SHA-256 of the kept receipt envelope.
 */
receipt_sha256: string | null, refusal: Refusal | null, 
/**
 * The refusal said in English ([`Refusal::message_in_english`]), for
 * the English window; `refusal.message` is the Chinese.
 */
refusal_en: string | null, 
/**
 * Its records: accepted (生效), returned (退回), waiting (待审核).
 */
accepted: number, returned: number, pending: number, 
/**
 * When this school file took the batch back from the upstream, having
 * lost it to a restore from an older backup (its receipt verified
 * again); None for a batch made and sent from this file.
 */
recovered_at: string | null, };

export type ReturnedRecord = { batch_id: string, 
/**
 * The change's id in the batch.
 */
change_id: string, 
/**
 * The information group (`basic` …) for a record, none for the teacher's identity.
 */
group: string | null, group_name: string | null, reason: string, 
/**
 * The version the reviewer saw; the teacher's data may have moved on.
 */
version: number | null, 
/**
 * Whether a newer edit already answers it (the next batch carries it).
 */
superseded: boolean, };

export type TeacherUpload = { teacher_id: string, name: string, 
/**
 * Masked for a role that reads masked.
 */
id_number: string, status: UploadStatus, status_label: string, 
/**
 * Changes not yet in any batch.
 */
unsent: number, 
/**
 * Errors that hold the teacher back.
 */
errors: number, 
/**
 * Warnings without a written reason (提醒理由), which hold the teacher back too.
 */
unexplained_warnings: number, 
/**
 * Why unsent changes wait; the shells say it in the clerk's language
 * ([`HeldBack::message`], the UI's own strings).
 */
held_back: HeldBack | null, 
/**
 * What the reviewer returned (not yet answered by a newer edit, or answered).
 */
returned: Array<ReturnedRecord>, };

export type HeldBack = { "kind": "errors", count: number, } | { "kind": "unexplained_warnings", count: number, } | { "kind": "needs_change_reason" } | { "kind": "signoff", lack: SignoffLack, };

export type StatusCounts = { returned: number, pending: number, 
/**
 * In a batch waiting for the school's own review (待审核).
 */
awaiting_review: number, uploading: number, received: number, effective: number, };

export type Missing = { 
/**
 * Teachers held back by errors (fix them).
 */
teachers_with_errors: number, 
/**
 * Teachers held back by warnings without a written reason.
 */
teachers_with_unexplained_warnings: number, 
/**
 * Changes not yet in any batch (including the held back ones).
 */
unsent_changes: number, 
/**
 * Of those, changes to information already in effect: they go as
 * 变更申请 and need a reason (`SubmitOptions::change_reason`).
 */
changes_needing_reason: number, 
/**
 * Records returned by the reviewer and not yet corrected.
 */
returned_records: number, 
/**
 * Teachers with changes to send, and neither errors nor unexplained
 * warnings, whose signed, current 信息确认表 the school requires first
 * (the sign-off gate).
 */
teachers_without_signoff: number, 
/**
 * A batch built but not yet received by the upstream.
 */
batch_in_flight: boolean, 
/**
 * The school is not enrolled yet.
 */
not_enrolled: boolean, };

export type NextDeadline = { 
/**
 * `YYYY-MM-DD`.
 */
date: string, 
/**
 * What must be done by then.
 */
label: string, label_en: string, 
/**
 * Days from today (0 on the day itself).
 */
days_left: number, };

export type OutboxStatus = { enrollment: EnrollmentInfo | null, 
/**
 * Newest first.
 */
batches: Array<BatchSummary>, 
/**
 * In the order the teachers were registered.
 */
teachers: Array<TeacherUpload>, counts: StatusCounts, 
/**
 * The next reporting deadline.
 */
deadline: NextDeadline | null, missing: Missing, };

export type Completeness = { 
/**
 * Every teacher on file.
 */
teachers: number, 
/**
 * Teachers with no error (warnings do not count against them).
 */
without_errors: number, 
/**
 * Teachers with at least one error: the 校验 page filtered to errors.
 */
with_errors: number, };

export type SignoffCounts = { 
/**
 * Every teacher on file.
 */
teachers: number, 
/**
 * Signed, and their information unchanged since (已签字).
 */
current: number, 
/**
 * Signed, but their information changed since (签字后有改动).
 */
stale: number, 
/**
 * No sheet of theirs signed yet (未签字).
 */
unsigned: number, };

export type ReportingCounts = { 
/**
 * Whether the school is enrolled with the upstream (登记上报).
 */
enrolled: boolean, 
/**
 * Changes not yet in any batch (待上传), held back ones included.
 */
unsent_changes: number, 
/**
 * Teachers whose status is 待上传.
 */
teachers_pending: number, 
/**
 * Records the reviewer returned and no newer edit answers yet (已退回).
 */
returned_records: number, 
/**
 * Teachers whose status is 已退回.
 */
teachers_returned: number, };

export type WorkbenchSummary = { 
/**
 * The next reporting deadline (31 March, 30 September, or the province
 * pack's) and the days left; none when the catalog names no deadline.
 */
deadline: NextDeadline | null, 
/**
 * Completeness: the teachers on file, and those without any error.
 */
completeness: Completeness, 
/**
 * The teachers' 信息确认表 sign-offs.
 */
signoffs: SignoffCounts, 
/**
 * What waits to be reported (待上传) and what the reviewer returned (已退回).
 */
reporting: ReportingCounts, 
/**
 * Changes of 人员状态 waiting for the county or returned by it, and the
 * teachers who have left (离校教师).
 */
status: StatusChangeCounts, 
/**
 * The school's own review (学校负责人审核): whether the setting is on,
 * and how many changes the batch waiting for it carries (0: none waits).
 */
review: ReviewCounts, };

export type ReceiptInfo = { batch_id: string, sequence: number, record_count: number, 
/**
 * By the upstream's clock.
 */
received_at: string, 
/**
 * The upstream key that signed it (the pinned one).
 */
key_id: string, receipt_sha256: string, 
/**
 * The signed receipt envelope, exactly as the upstream sent it.
 */
receipt: string, };

export type ReceiptImport = { batch: BatchSummary, 
/**
 * False when the file's receipt was already kept.
 */
newly_received: boolean, };

export type BatchExport = { batch: BatchSummary, path: string, bytes: number, };

export type WaitingBatch = { batch_id: string, sequence: number, record_count: number, submitted_at: string, submitted_by: string, };

export type ReturnedBatch = { batch_id: string, sequence: number, note: string, returned_at: string, returned_by: string, submitted_by: string, };

export type ReviewStatus = { 
/**
 * Batches wait for the 系统管理员's approval before upload.
 */
required: boolean, 
/**
 * The batch that waits, if one does.
 */
waiting: WaitingBatch | null, 
/**
 * The last batch returned (退回), until a batch is built after it.
 */
returned: ReturnedBatch | null, };

export type ReviewField = { code: string, label: string, label_en: string, 
/**
 * As last uploaded (none for something new).
 */
before: string | null, 
/**
 * As the batch carries it (none once removed or cleared).
 */
after: string | null, };

export type ReviewChange = { 
/**
 * The change's kind (`new_teacher`, `update_record` …).
 */
op: string, 
/**
 * The kind in Chinese and in English.
 */
op_label: string, op_label_en: string, 
/**
 * The information group, for a record.
 */
group: string | null, group_name: string | null, group_name_en: string | null, fields: Array<ReviewField>, 
/**
 * The reason sent with it (变更申请, a removal, a status change).
 */
reason: string | null, };

export type ReviewWarning = { rule: string, message: string, message_en: string, 
/**
 * The clerk's written reason.
 */
reason: string, };

export type ReviewTeacher = { teacher_id: string, name: string, changes: Array<ReviewChange>, 
/**
 * The warnings that travel with the batch, with their written reasons.
 */
warnings: Array<ReviewWarning>, };

export type PendingReview = { batch: WaitingBatch, teachers: Array<ReviewTeacher>, };

export type ReviewApproval = { batch: BatchSummary, sync: SyncReport, };

export type ReviewsApplied = { 
/**
 * Results applied for the first time.
 */
accepted: number, returned: number, 
/**
 * Deliveries of a result already applied (dropped).
 */
duplicates: number, 
/**
 * Results about batches this school file does not hold (kept, not applied).
 */
unknown: number, };

export type SyncReport = { 
/**
 * Batches the upstream received in this pass (receipt verified and kept).
 */
received: Array<BatchSummary>, 
/**
 * Batches the upstream refused for good in this pass.
 */
refused: Array<BatchSummary>, 
/**
 * Batches refused `sequence_replayed` in this pass because this school
 * file was restored from a backup made before some batches were
 * received; those were taken back ([`SyncReport::recovered`]) and the
 * refused batch's changes wait for the next batch, numbered after them.
 */
replayed: Array<BatchSummary>, 
/**
 * Batches the upstream had received that this school file had lost,
 * taken back in this pass with their receipts verified again.
 */
recovered: Array<BatchSummary>, 
/**
 * Why the lost batches could not be taken back, when they could not
 * (the replayed batch is then in [`SyncReport::refused`]).
 */
recovery_error: ErrorPayload | null, 
/**
 * The batch still waiting to be sent, when the link failed.
 */
pending: BatchSummary | null, 
/**
 * Why it waits.
 */
pending_error: ErrorPayload | null, 
/**
 * Review results applied.
 */
reviews: ReviewsApplied, 
/**
 * Why review results could not be read, if they could not.
 */
review_error: ErrorPayload | null, 
/**
 * New notices (督促提醒) from the county kept in this pass.
 */
notices: number, 
/**
 * Why the county's notices could not be read, if they could not.
 */
notice_error: ErrorPayload | null, };

export type SubmitOutcome = { built: BatchSummary | null, sync: SyncReport, };

export type SyncPass = { 
/**
 * When it ended (RFC 3339, UTC).
 */
at: string, 
/**
 * What the sync did, when it ran.
 */
report: SyncReport | null, 
/**
 * Why it did not run or did not finish: the upstream did not answer,
 * the signing key needs the 系统管理员 password …
 */
error: ErrorPayload | null, 
/**
 * Whether it changed where anything stands (a batch received or
 * refused, a batch built, review results applied): lists showing
 * statuses read them again.
 */
changed: boolean, 
/**
 * When the worker runs its next pass (RFC 3339, UTC); None once it
 * has stopped.
 */
next_at: string | null, };
