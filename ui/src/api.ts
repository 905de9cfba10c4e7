// The one typed door to the Rust back end. Every command rejects with an ErrorPayload.
import { invoke as tauriInvoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type {
  AuditCheck,
  BatchExport,
  EnrollmentInfo,
  OutboxStatus,
  ReceiptImport,
  ReceiptInfo,
  SubmitOutcome,
  SyncPass,
  Credentials,
  NewUser,
  CopiedToThisComputer,
  NetworkShare,
  OpenedSchool,
  Role,
  Session,
  User,
  AuditPage,
  AuditQuery,
  Backup,
  BackupList,
  EffectiveCatalog,
  ErrorPayload,
  ExportFormat,
  IdDerivedValue,
  IdType,
  ImportOptions,
  ImportRun,
  PendingValue,
  ImportSummary,
  IndicatorRecord,
  NewSchool,
  NewTeacher,
  PackInfo,
  PrintedSheets,
  Problem,
  RecentFile,
  RecordDraft,
  RecoveryCodeShown,
  RecoveryStatus,
  Regions,
  RosterInfo,
  RowPage,
  RowStatus,
  SchoolStats,
  SchoolType,
  SheetStyle,
  SheetsPreview,
  SignoffInfo,
  SignoffState,
  Teacher,
  TeacherListing,
  UndoResult,
  ValidationReport,
} from './bindings'
import { i18n } from './i18n'

/** Told when the back end says the session is locked (ten idle minutes). */
let onLocked: () => void = () => {}

export function whenLocked(handler: () => void): void {
  onLocked = handler
}

/** Every command goes through here: a locked session shows the lock screen. */
async function invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await (args === undefined ? tauriInvoke<T>(command) : tauriInvoke<T>(command, args))
  } catch (e) {
    if (isErrorPayload(e) && e.code === 'account.session_locked') onLocked()
    throw e
  }
}

export function launchFile(): Promise<string | null> {
  return invoke<string | null>('launch_file')
}

export function schoolTypes(): Promise<SchoolType[]> {
  return invoke<SchoolType[]>('school_types')
}

export function idTypes(): Promise<IdType[]> {
  return invoke<IdType[]>('id_types')
}

/** The administrative divisions (行政区划) 籍贯 and 出生地 are chosen from, with their pinyin. */
export function regions(): Promise<Regions> {
  return invoke<Regions>('regions')
}

export function recentFiles(): Promise<RecentFile[]> {
  return invoke<RecentFile[]>('recent_files')
}

export function forgetRecent(path: string): Promise<RecentFile[]> {
  return invoke<RecentFile[]>('forget_recent', { path })
}

export function defaultSchoolPath(code: string, name: string): Promise<string> {
  return invoke<string>('default_school_path', { code, name })
}

export function createSchool(
  path: string,
  school: NewSchool,
  admin: Credentials,
): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('create_school', { path, school, admin })
}

export function openSchool(path: string): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('open_school', { path })
}

/** Opens an encrypted school file with the 系统管理员 password. */
export function openSchoolWithPassword(path: string, password: string): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('open_school_with_password', { path, password })
}

export function signIn(credentials: Credentials): Promise<Session> {
  return invoke<Session>('sign_in', { credentials })
}

/** Why today's automatic backup could not be made, if it could not. */
export function dailyBackupProblem(): Promise<string | null> {
  return invoke<string | null>('daily_backup_problem')
}

export function createFirstAdmin(admin: Credentials): Promise<Session> {
  return invoke<Session>('create_first_admin', { admin })
}

export function signOut(): Promise<void> {
  return invoke<void>('sign_out')
}

export function lockSession(): Promise<void> {
  return invoke<void>('lock_session')
}

export function unlockSession(password: string): Promise<Session> {
  return invoke<Session>('unlock_session', { password })
}

export function listUsers(): Promise<User[]> {
  return invoke<User[]>('list_users')
}

export function addUser(user: NewUser): Promise<User> {
  return invoke<User>('add_user', { user })
}

export function setUserDisabled(name: string, disabled: boolean): Promise<User> {
  return invoke<User>('set_user_disabled', { name, disabled })
}

export function setUserRole(name: string, role: Role): Promise<User> {
  return invoke<User>('set_user_role', { name, role })
}

export function changePassword(
  name: string,
  current: string | null,
  password: string,
): Promise<void> {
  return invoke<void>('change_password', { name, current, password })
}

export function closeSchool(): Promise<void> {
  return invoke<void>('close_school')
}

/** The network share the open school file lies on, or null on a local disk. */
export function networkShare(): Promise<NetworkShare | null> {
  return invoke<NetworkShare | null>('network_share')
}

/**
 * 复制到本机: copies the open school file into `folder` (the default folder
 * for school files when null) and opens the copy, signed in as before.
 */
export function copyToThisComputer(folder: string | null): Promise<CopiedToThisComputer> {
  return invoke<CopiedToThisComputer>('copy_to_this_computer', { folder })
}

/** The teachers matching `query` (matching is done in Rust) and the school's total. */
export function listTeachers(query: string): Promise<TeacherListing> {
  return invoke<TeacherListing>('list_teachers', { query })
}

/** What is wrong with an ID number as typed, or null when it is acceptable. */
export function checkIdNumber(idType: string, idNumber: string): Promise<string | null> {
  return invoke<string | null>('check_id_number', { idType, idNumber })
}

/**
 * What a valid resident ID number gives of 基本信息 (出生日期, 性别) in the
 * school's set; nothing for another ID type or an invalid number.
 */
export function idDerivedValues(idType: string, idNumber: string): Promise<IdDerivedValue[]> {
  return invoke<IdDerivedValue[]>('id_derived_values', { idType, idNumber })
}

export function addTeacher(teacher: NewTeacher): Promise<Teacher> {
  return invoke<Teacher>('add_teacher', { teacher })
}

/** The open school's indicator set: groups (tab order), their fields and the code tables they use. */
export function schoolCatalog(): Promise<EffectiveCatalog> {
  return invoke<EffectiveCatalog>('school_catalog')
}

/** Every stored record of one teacher, by group and row order. */
export function teacherRecords(teacherId: string): Promise<IndicatorRecord[]> {
  return invoke<IndicatorRecord[]>('teacher_records', { teacherId })
}

/** Creates a record (record_id null) or replaces the fields of the one named. */
export function saveRecord(draft: RecordDraft): Promise<IndicatorRecord> {
  return invoke<IndicatorRecord>('save_record', { draft })
}

/** The problems the teacher would have with `draft` saved, without saving it. */
export function checkRecord(draft: RecordDraft): Promise<Problem[]> {
  return invoke<Problem[]>('check_record', { draft })
}

export function deleteRecord(recordId: string): Promise<void> {
  return invoke<void>('delete_record', { recordId })
}

/** Every problem of every teacher of the open school. */
export function validateSchool(): Promise<ValidationReport> {
  return invoke<ValidationReport>('validate_school')
}

/** The open school's statistics (统计): teachers counted by gender, age band, education … as of today. */
/** Writes the open school as a workbook or CSV to `path`; returns the path written. */
export function exportFile(
  format: ExportFormat,
  group: string | null,
  path: string,
  style: SheetStyle = 'taoli',
): Promise<string> {
  return invoke<string>('export_file', { format, group, path, style })
}

/** The file name the save dialog proposes for an export. */
export function exportFileName(format: ExportFormat, style: SheetStyle = 'taoli'): Promise<string> {
  return invoke<string>('export_file_name', { format, style })
}

export function schoolStats(): Promise<SchoolStats> {
  return invoke<SchoolStats>('school_stats')
}

/** The province pack (省级补充包) the open school uses, or null for the national catalog alone. */
export function provincePack(): Promise<PackInfo | null> {
  return invoke<PackInfo | null>('province_pack')
}

/**
 * Makes the open school use the pack in the .toml file at `path`. A pack that
 * contradicts the national catalog is refused and nothing changes.
 */
export function useProvincePack(path: string): Promise<PackInfo> {
  return invoke<PackInfo>('use_province_pack', { path })
}

/** Stops using the province pack: the school validates against the national catalog alone. */
export function clearProvincePack(): Promise<void> {
  return invoke<void>('clear_province_pack')
}

/** A warning the teacher has now, named as the Problem names it. */
export interface WarningToExplain {
  teacherId: string
  rule: string
  /** The Problem's `field`, null when absent. */
  field: string | null
  /** The Problem's `row_order`, null when absent. */
  rowOrder: number | null
}

/** Keeps a written reason with a warning (refused for an error, an empty reason or a warning now gone). */
export function explainWarning(warning: WarningToExplain, reason: string): Promise<void> {
  return invoke<void>('explain_warning', {
    teacherId: warning.teacherId,
    rule: warning.rule,
    field: warning.field,
    rowOrder: warning.rowOrder,
    reason,
  })
}

// ---- 待修正 (values an import could not read) ---------------------------------

/** The open 待修正 values, of one teacher when given. */
export function pendingValues(teacherId: string | null): Promise<PendingValue[]> {
  return invoke<PendingValue[]>('pending_values', { teacherId })
}

/** Clears one 待修正 value the clerk has checked. */
export function clearPendingValue(id: string): Promise<void> {
  return invoke<void>('clear_pending_value', { id })
}

// ---- roster import (花名册导入) ----------------------------------------------

/** Opens a roster (.xlsx/.xlsm/.xls/.ods/.csv/.txt): its kind, text encoding and sheets. */
export function importOpen(path: string): Promise<RosterInfo> {
  return invoke<RosterInfo>('import_open', { path })
}

/**
 * Plans the import of the roster at `path` without writing anything. The back
 * end keeps the plan for importRows, importCommit and importSaveRefused.
 */
export function importPreview(path: string, options: ImportOptions): Promise<ImportSummary> {
  return invoke<ImportSummary>('import_preview', { path, options })
}

/** One page of the kept plan's rows: those with `status` (all when null). */
export function importRows(status: RowStatus | null, offset: number, limit: number): Promise<RowPage> {
  return invoke<RowPage>('import_rows', { status, offset, limit })
}

/** Writes the kept plan in one transaction; progress arrives through onImportProgress. */
export function importCommit(): Promise<ImportRun> {
  return invoke<ImportRun>('import_commit')
}

/** Writes the kept plan's refused rows, with their reasons, to the .xlsx at `path`; returns how many. */
export function importSaveRefused(path: string): Promise<number> {
  return invoke<number>('import_save_refused', { path })
}

/** The school's imports, newest first. */
export function importHistory(): Promise<ImportRun[]> {
  return invoke<ImportRun[]>('import_history')
}

/** Undoes the import named (the latest not undone when null); refused when its teachers changed since. */
export function importUndo(importId: string | null): Promise<UndoResult> {
  return invoke<UndoResult>('import_undo', { importId })
}

/** Calls `handler(done, total)` for each `import-progress` event while a commit writes. */
export function onImportProgress(handler: (done: number, total: number) => void): Promise<UnlistenFn> {
  return listen<[number, number]>('import-progress', (event) => {
    const [done, total] = event.payload
    handler(done, total)
  })
}

// ── 信息确认表 and sign-off ──────────────────────────────────────────────────

/** A preview of the sheets of these teachers (everyone when none): the first teachers' pages as SVG. */
export function sheetsPreview(teacherIds: string[]): Promise<SheetsPreview> {
  return invoke<SheetsPreview>('sheets_preview', { teacherIds })
}

/** Where the sheets are saved unless the clerk says otherwise (beside the school file). */
export function sheetsDefaultPath(): Promise<string> {
  return invoke<string>('sheets_default_path')
}

/** Prints the sheets to a PDF at `path` and records each fingerprint printed. */
export function sheetsPrint(teacherIds: string[], path: string): Promise<PrintedSheets> {
  return invoke<PrintedSheets>('sheets_print', { teacherIds, path })
}

/** Whether the 系统管理员 signed in now is to be shown a new recovery code (the file has none). */
export function recoveryCodeMissing(): Promise<boolean> {
  return invoke<boolean>('recovery_code_missing')
}

/** Where the recovery code stands (设置 → 账号). */
export function recoveryStatus(): Promise<RecoveryStatus> {
  return invoke<RecoveryStatus>('recovery_status')
}

/** A new recovery code to show once; nothing is kept until {@link recoveryKeepCode}. */
export function recoveryNewCode(): Promise<RecoveryCodeShown> {
  return invoke<RecoveryCodeShown>('recovery_new_code')
}

/** Writes the 恢复码保管单 of `code` beside the school file; returns its path. */
export function recoverySheet(code: string): Promise<string> {
  return invoke<string>('recovery_sheet', { code })
}

/** Makes `code` the file's recovery code (the old one stops opening it). */
export function recoveryKeepCode(code: string): Promise<RecoveryStatus> {
  return invoke<RecoveryStatus>('recovery_keep_code', { code })
}

/** The 系统管理员 accounts the recovery code of the file at `path` may set a password for. */
export function recoveryAccounts(path: string, code: string): Promise<string[]> {
  return invoke<string[]>('recovery_accounts', { path, code })
}

/** Opens the file with its recovery code and gives `account` a new password, signed in. */
export function recoverWithCode(
  path: string,
  code: string,
  account: string | null,
  password: string,
): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('recover_with_code', { path, code, account, password })
}

/** Opens a file the app wrote in the computer's own viewer (to print the PDF). */
export function openFile(path: string): Promise<void> {
  return invoke<void>('open_file', { path })
}

/** Every teacher's sign-off state, by teacher id. */
export function signoffStates(): Promise<Record<string, SignoffState>> {
  return invoke<Record<string, SignoffState>>('signoff_states')
}

/** A teacher's sign-off state and the versions of their sheet printed, latest first. */
export function signoffInfo(teacherId: string): Promise<SignoffInfo> {
  return invoke<SignoffInfo>('signoff_info', { teacherId })
}

/** Marks a teacher's sheet signed with the fingerprint on the signed paper. */
export function signoff(teacherId: string, fingerprint: string): Promise<SignoffState> {
  return invoke<SignoffState>('signoff', { teacherId, fingerprint })
}

// ── 操作记录 (audit trail) ───────────────────────────────────────────────────

/** A page of the audit log, newest first. */
export function auditLog(query: AuditQuery): Promise<AuditPage> {
  return invoke<AuditPage>('audit_log', { query })
}

/** Checks the audit chain for edited, removed or reordered entries. */
export function auditVerify(): Promise<AuditCheck> {
  return invoke<AuditCheck>('audit_verify')
}

/** Writes the log narrowed by `query` as CSV to `path` (recorded as an export). */
export function auditExport(query: AuditQuery, path: string): Promise<string> {
  return invoke<string>('audit_export', { query, path })
}

/** The file name the save dialog proposes for the audit log. */
export function auditFileName(): Promise<string> {
  return invoke<string>('audit_file_name')
}

// ── 备份与恢复 ───────────────────────────────────────────────────────────────

/** The automatic backups, newest first, and their folder. */
export function backupList(): Promise<BackupList> {
  return invoke<BackupList>('backup_list')
}

/** An automatic backup now. */
export function backupNow(): Promise<Backup> {
  return invoke<Backup>('backup_now')
}

/** A backup into a folder the clerk chose (a USB stick); never pruned. */
export function backupTo(folder: string): Promise<Backup> {
  return invoke<Backup>('backup_to', { folder })
}

/** Restores the school from a backup; returns the backup of the file as it was. */
export function restoreBackup(path: string): Promise<Backup> {
  return invoke<Backup>('restore_backup', { path })
}

/** Restores a backup made under an earlier 系统管理员 password. */
export function restoreBackupWithPassword(path: string, password: string): Promise<Backup> {
  return invoke<Backup>('restore_backup_with_password', { path, password })
}

// ── 报送 (reporting to the upstream) ─────────────────────────────────────────

/** The school's enrollment with the upstream, or null before it enrolls. */
export function enrollment(): Promise<EnrollmentInfo | null> {
  return invoke<EnrollmentInfo | null>('enrollment')
}

/**
 * Enrolls (登记) with the upstream at `upstream` and the county's 报送码. On a
 * computer without a keychain the core asks for the 系统管理员 password
 * (`batches.admin_password_needed`).
 */
export function enroll(upstream: string, code: string, adminPassword: string | null): Promise<EnrollmentInfo> {
  return invoke<EnrollmentInfo>('enroll', { upstream, code, adminPassword })
}

/** 立即上传: builds, signs and uploads a batch of what changed, then pulls the reviews. */
export function submit(changeReason: string | null, adminPassword: string | null): Promise<SubmitOutcome> {
  return invoke<SubmitOutcome>('submit', { changeReason, adminPassword })
}

/** 立即同步: sends what waits and pulls the review results now. */
export function syncNow(adminPassword: string | null): Promise<SyncPass> {
  return invoke<SyncPass>('sync_now', { adminPassword })
}

/** The last sync pass of this session, if any. */
export function lastSync(): Promise<SyncPass | null> {
  return invoke<SyncPass | null>('last_sync')
}

/** Each teacher's and batch's status, the next deadline and what is still missing. */
export function outboxStatus(): Promise<OutboxStatus> {
  return invoke<OutboxStatus>('outbox_status')
}

/** The kept receipts (回执), newest first. */
export function receipts(): Promise<ReceiptInfo[]> {
  return invoke<ReceiptInfo[]>('receipts')
}

/** Writes the receipt of a batch, as kept, to `path`. */
export function exportReceipt(batchId: string, path: string): Promise<ReceiptInfo> {
  return invoke<ReceiptInfo>('export_receipt', { batchId, path })
}

/** The file name the save dialog proposes for the receipt of batch `sequence`. */
export function receiptFileName(sequence: number): Promise<string> {
  return invoke<string>('receipt_file_name', { sequence })
}

/** The file name the save dialog proposes for a .taolibatch. */
export function batchFileName(): Promise<string> {
  return invoke<string>('batch_file_name')
}

/** Writes the batch in flight (or a new one) to a .taolibatch for a USB stick; null when nothing is to report. */
export function exportBatch(
  path: string,
  changeReason: string | null,
  adminPassword: string | null,
): Promise<BatchExport | null> {
  return invoke<BatchExport | null>('export_batch', { path, changeReason, adminPassword })
}

/** Imports a .taolireceipt that came back from the computer that uploaded a carried batch. */
export function importReceipt(path: string): Promise<ReceiptImport> {
  return invoke<ReceiptImport>('import_receipt', { path })
}

/** Calls `handler` with each sync pass (the worker's or the clerk's). */
export function onSyncPass(handler: (pass: SyncPass) => void): Promise<UnlistenFn> {
  return listen<SyncPass>('sync-pass', (event) => handler(event.payload))
}

export function isErrorPayload(e: unknown): e is ErrorPayload {
  if (typeof e !== 'object' || e === null) return false
  const candidate = e as Record<string, unknown>
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (candidate.kind === 'user' || candidate.kind === 'internal')
  )
}

/** The text to show a clerk for a failed command. */
export function errorMessage(e: unknown): string {
  if (isErrorPayload(e)) return e.message
  const t = i18n.global.t
  const detail = typeof e === 'string' ? e : e instanceof Error ? e.message : ''
  return detail ? t('errors.unexpectedWithDetail', { detail }) : t('errors.unexpected')
}
