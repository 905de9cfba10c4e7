// Generated from the command table in src-tauri/src/commands.rs. Do not edit.
// Regenerate: TAOLI_UPDATE_COMMANDS=1 cargo test -p taoli-app --test commands
import { invoke } from './invoke'
import type {
  AuditCheck,
  AuditPage,
  AuditQuery,
  Backup,
  BackupList,
  BatchExport,
  CopiedToThisComputer,
  CorrectionOutcome,
  CorrectionRequest,
  Credentials,
  DuplicatePair,
  EffectiveCatalog,
  EnrollmentInfo,
  ExportFormat,
  IdDerivedValue,
  IdType,
  IdentityCorrection,
  ImportOptions,
  ImportRun,
  ImportSummary,
  IndicatorRecord,
  Locale,
  NetworkShare,
  NewSchool,
  NewStatusChange,
  NewTeacher,
  NewUser,
  OpenedSchool,
  OutboxStatus,
  PackInfo,
  PendingReview,
  PendingValue,
  PrintedSheets,
  Problem,
  ReceiptImport,
  ReceiptInfo,
  RecentFile,
  RecordDraft,
  RecoveryCodeShown,
  RecoveryStatus,
  Regions,
  ReturnedBatch,
  ReviewApproval,
  ReviewStatus,
  Role,
  RosterFilter,
  RosterInfo,
  RowPage,
  RowStatus,
  SchoolStats,
  SchoolType,
  Session,
  SheetStyle,
  SheetsPreview,
  SignoffGaps,
  SignoffGate,
  SignoffInfo,
  SignoffState,
  StatusEvent,
  StatusRule,
  StatusTimeline,
  SubmitOutcome,
  SyncPass,
  Teacher,
  TeacherListing,
  TransportSettings,
  UndoResult,
  UpstreamNotice,
  User,
  ValidationReport,
  WorkbenchSummary,
} from './bindings'

/**
 * The school file the app was started with (`taoli-app FILE`), if any.
 */
export function launchFile(): Promise<string | null> {
  return invoke<string | null>('launch_file')
}

/**
 * The window's language: every error after it is said in `locale`
 * (the UI calls it at start and when the clerk switches language).
 */
export function setLocale(locale: Locale): Promise<void> {
  return invoke<void>('set_locale', { locale })
}

export function schoolTypes(): Promise<Array<SchoolType>> {
  return invoke<Array<SchoolType>>('school_types')
}

export function idTypes(): Promise<Array<IdType>> {
  return invoke<Array<IdType>>('id_types')
}

/**
 * The administrative divisions (行政区划) 籍贯 and 出生地 are chosen
 * from, with their pinyin.
 */
export function regions(): Promise<Regions> {
  return invoke<Regions>('regions')
}

export function recentFiles(): Promise<Array<RecentFile>> {
  return invoke<Array<RecentFile>>('recent_files')
}

export function forgetRecent(path: string): Promise<Array<RecentFile>> {
  return invoke<Array<RecentFile>>('forget_recent', { path })
}

/**
 * Where a new school file goes unless the clerk says otherwise.
 */
export function defaultSchoolPath(code: string, name: string): Promise<string> {
  return invoke<string>('default_school_path', { code, name })
}

/**
 * Creates a school file with its 系统管理员, who is signed in.
 */
export function createSchool(path: string, school: NewSchool, admin: Credentials): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('create_school', { path, school, admin })
}

/**
 * Opens a school file, nobody signed in. An encrypted file's key comes
 * from this computer's keychain; without it the error is
 * `file.key_needed` and the UI asks for the 系统管理员 password
 * (`open_school_with_password`).
 */
export function openSchool(path: string): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('open_school', { path })
}

/**
 * Opens an encrypted school file with the 系统管理员 password (a
 * computer whose keychain does not have its key); the key is kept for
 * next time.
 */
export function openSchoolWithPassword(path: string, password: string): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('open_school_with_password', { path, password })
}

/**
 * Signs in to the open school; then the day's backup is made if due.
 */
export function signIn(credentials: Credentials): Promise<Session> {
  return invoke<Session>('sign_in', { credentials })
}

/**
 * Why today's automatic backup could not be made, if it could not.
 */
export function dailyBackupProblem(): Promise<string | null> {
  return invoke<string | null>('daily_backup_problem')
}

/**
 * Creates the first account of a school file that has none: its 系统管理员.
 */
export function createFirstAdmin(admin: Credentials): Promise<Session> {
  return invoke<Session>('create_first_admin', { admin })
}

export function signOut(): Promise<void> {
  return invoke<void>('sign_out')
}

/**
 * Locks the session (the 锁定 button, or ten idle minutes in the UI).
 */
export function lockSession(): Promise<void> {
  return invoke<void>('lock_session')
}

/**
 * Unlocks with the password: a new session, with a new sync worker.
 */
export function unlockSession(password: string): Promise<Session> {
  return invoke<Session>('unlock_session', { password })
}

export function listUsers(): Promise<Array<User>> {
  return invoke<Array<User>>('list_users')
}

/**
 * Adds an account; a new 系统管理员's password is the file's password now.
 */
export function addUser(user: NewUser): Promise<User> {
  return invoke<User>('add_user', { user })
}

export function setUserDisabled(name: string, disabled: boolean): Promise<User> {
  return invoke<User>('set_user_disabled', { name, disabled })
}

export function setUserRole(name: string, role: Role): Promise<User> {
  return invoke<User>('set_user_role', { name, role })
}

/**
 * Sets a password: one's own (with the current one) or, for a
 * 系统管理员, anyone's. Setting a 系统管理员's rewrites the file under the
 * new key.
 */
export function changePassword(name: string, current: string | null, password: string): Promise<void> {
  return invoke<void>('change_password', { name, current, password })
}

/**
 * Whether the 系统管理员 just signed in (or who created the school) is
 * to be shown a new recovery code: the file has none yet.
 */
export function recoveryCodeMissing(): Promise<boolean> {
  return invoke<boolean>('recovery_code_missing')
}

/**
 * Where the recovery code stands (设置 → 账号); a missing recovery file
 * is written again.
 */
export function recoveryStatus(): Promise<RecoveryStatus> {
  return invoke<RecoveryStatus>('recovery_status')
}

/**
 * A new recovery code to show once; nothing is kept until `recovery_keep_code`.
 */
export function recoveryNewCode(): Promise<RecoveryCodeShown> {
  return invoke<RecoveryCodeShown>('recovery_new_code')
}

/**
 * Writes the 恢复码保管单 of `code` beside the school file and returns
 * its path (the window opens it in the system viewer to print).
 */
export function recoverySheet(code: string): Promise<string> {
  return invoke<string>('recovery_sheet', { code })
}

/**
 * Makes `code` the file's recovery code, once the 系统管理员 has it (the
 * old one stops opening it).
 */
export function recoveryKeepCode(code: string): Promise<RecoveryStatus> {
  return invoke<RecoveryStatus>('recovery_keep_code', { code })
}

/**
 * The 系统管理员 accounts whose password the recovery code of the file
 * at `path` may set; a wrong code is refused here, before a new password
 * is asked.
 */
export function recoveryAccounts(path: string, code: string): Promise<Array<string>> {
  return invoke<Array<string>>('recovery_accounts', { path, code })
}

/**
 * Opens the file at `path` with its recovery code, sets `account`'s new
 * password and signs them in; the new key is kept in the keychain.
 */
export function recoverWithCode(path: string, code: string, account: string | null, password: string): Promise<OpenedSchool> {
  return invoke<OpenedSchool>('recover_with_code', { path, code, account, password })
}

export function closeSchool(): Promise<void> {
  return invoke<void>('close_school')
}

/**
 * The network share the open school file lies on, if it does: the
 * window shows its notice with 「复制到本机」.
 */
export function networkShare(): Promise<NetworkShare | null> {
  return invoke<NetworkShare | null>('network_share')
}

/**
 * 复制到本机: copies the open school file into `folder` (the default data
 * folder when none is given), makes the copy the open school, signed in
 * as before, and closes the file on the share.
 */
export function copyToThisComputer(folder: string | null): Promise<CopiedToThisComputer> {
  return invoke<CopiedToThisComputer>('copy_to_this_computer', { folder })
}

/**
 * The teachers matching `query` (matching is done in Rust) and the
 * school's total.
 */
export function listTeachers(query: string): Promise<TeacherListing> {
  return invoke<TeacherListing>('list_teachers', { query })
}

/**
 * The teachers matching `query` among those on the active roster, off
 * it (离校教师) or everyone, with how many each side has.
 * With `status`, only the teachers in that 人员状态 (or under it).
 */
export function listRoster(query: string, filter: RosterFilter, status: string | null): Promise<TeacherListing> {
  return invoke<TeacherListing>('list_roster', { query, filter, status })
}

/**
 * How a change to each 人员状态 is handled (the change dialog's hints).
 */
export function statusRules(): Promise<Array<StatusRule>> {
  return invoke<Array<StatusRule>>('status_rules')
}

/**
 * A teacher's status history (the form's timeline) and what holds now.
 */
export function statusTimeline(teacherId: string): Promise<StatusTimeline> {
  return invoke<StatusTimeline>('status_timeline', { teacherId })
}

/**
 * 变动: changes a teacher's 人员状态, at once or pending the county's approval.
 */
export function changeStatus(change: NewStatusChange): Promise<StatusEvent> {
  return invoke<StatusEvent>('change_status', { change })
}

/**
 * Withdraws a status change still waiting for the county.
 */
export function withdrawStatusChange(eventId: string): Promise<StatusEvent> {
  return invoke<StatusEvent>('withdraw_status_change', { eventId })
}

/**
 * The live hint under the ID number field: what is wrong, or nothing.
 */
export function checkIdNumber(idType: string, idNumber: string): Promise<string | null> {
  return invoke<string | null>('check_id_number', { idType, idNumber })
}

/**
 * What a valid resident ID number gives of 基本信息 (出生日期, 性别), for
 * the form to fill where empty; nothing for another ID type or an
 * invalid number.
 */
export function idDerivedValues(idType: string, idNumber: string): Promise<Array<IdDerivedValue>> {
  return invoke<Array<IdDerivedValue>>('id_derived_values', { idType, idNumber })
}

/**
 * 更正: corrects a teacher's name, ID type and number, with the reason;
 * for a teacher in effect upstream, asks the county (更正申请).
 */
export function correctIdentity(correction: IdentityCorrection): Promise<CorrectionOutcome> {
  return invoke<CorrectionOutcome>('correct_identity', { correction })
}

/**
 * The teacher's identity correction waiting for the county or returned.
 */
export function correctionRequest(teacherId: string): Promise<CorrectionRequest | null> {
  return invoke<CorrectionRequest | null>('correction_request', { teacherId })
}

/**
 * Withdraws the teacher's open identity correction.
 */
export function withdrawCorrection(teacherId: string): Promise<CorrectionRequest> {
  return invoke<CorrectionRequest>('withdraw_correction', { teacherId })
}

/**
 * Removes a teacher entered by mistake (never reported), with the reason.
 */
export function removeTeacher(teacherId: string, reason: string): Promise<Teacher> {
  return invoke<Teacher>('remove_teacher', { teacherId, reason })
}

/**
 * 还差什么's sign-offs: teachers asked to sign whose sheet is unsigned or stale.
 */
export function signoffGaps(): Promise<SignoffGaps> {
  return invoke<SignoffGaps>('signoff_gaps')
}

/**
 * The sign-off gate: whether a signed, current sheet is required before
 * upload, and how many teachers have none.
 */
export function signoffGate(): Promise<SignoffGate> {
  return invoke<SignoffGate>('signoff_gate')
}

/**
 * Turns the sign-off gate on or off (系统管理员).
 */
export function setSignoffRequired(required: boolean): Promise<SignoffGate> {
  return invoke<SignoffGate>('set_signoff_required', { required })
}

/**
 * 疑似重复: pairs of teachers that look like one person.
 */
export function findDuplicates(): Promise<Array<DuplicatePair>> {
  return invoke<Array<DuplicatePair>>('find_duplicates')
}

/**
 * 合并: merges `merged` into `kept`, with the reason.
 */
export function mergeTeachers(kept: string, merged: string, reason: string): Promise<Teacher> {
  return invoke<Teacher>('merge_teachers', { kept, merged, reason })
}

export function addTeacher(teacher: NewTeacher): Promise<Teacher> {
  return invoke<Teacher>('add_teacher', { teacher })
}

/**
 * The open school's indicator catalog: what the teacher form is built
 * from (groups in tab order, their fields and the code tables they use).
 */
export function schoolCatalog(): Promise<EffectiveCatalog> {
  return invoke<EffectiveCatalog>('school_catalog')
}

/**
 * Every stored record of one teacher, by group and row order.
 */
export function teacherRecords(teacherId: string): Promise<Array<IndicatorRecord>> {
  return invoke<Array<IndicatorRecord>>('teacher_records', { teacherId })
}

/**
 * Creates a record (record_id null) or replaces the fields of the one named.
 */
export function saveRecord(draft: RecordDraft): Promise<IndicatorRecord> {
  return invoke<IndicatorRecord>('save_record', { draft })
}

/**
 * The problems the teacher would have with `draft` saved: the form's
 * inline messages.
 */
export function checkRecord(draft: RecordDraft): Promise<Array<Problem>> {
  return invoke<Array<Problem>>('check_record', { draft })
}

export function deleteRecord(recordId: string): Promise<void> {
  return invoke<void>('delete_record', { recordId })
}

/**
 * Every problem of every teacher of the open school.
 */
export function validateSchool(): Promise<ValidationReport> {
  return invoke<ValidationReport>('validate_school')
}

/**
 * The open school's statistics (统计 page), ages as of today.
 */
export function schoolStats(): Promise<SchoolStats> {
  return invoke<SchoolStats>('school_stats')
}

/**
 * The province pack (省级补充包) the open school uses, if any.
 */
export function provincePack(): Promise<PackInfo | null> {
  return invoke<PackInfo | null>('province_pack')
}

/**
 * Makes the open school use the province pack in the file at `path`. A
 * pack that contradicts the national catalog is refused and nothing
 * changes.
 */
export function useProvincePack(path: string): Promise<PackInfo> {
  return invoke<PackInfo>('use_province_pack', { path })
}

/**
 * Stops using the province pack: the school validates against the
 * national catalog alone.
 */
export function clearProvincePack(): Promise<void> {
  return invoke<void>('clear_province_pack')
}

/**
 * Keeps a written reason with a warning the teacher has now.
 */
export function explainWarning(teacherId: string, rule: string, field: string | null, rowOrder: number | null, reason: string): Promise<void> {
  return invoke<void>('explain_warning', { teacherId, rule, field, rowOrder, reason })
}

/**
 * The open 待修正 values, of one teacher when given.
 */
export function pendingValues(teacherId: string | null): Promise<Array<PendingValue>> {
  return invoke<Array<PendingValue>>('pending_values', { teacherId })
}

/**
 * Clears one 待修正 value the clerk has checked.
 */
export function clearPendingValue(id: string): Promise<void> {
  return invoke<void>('clear_pending_value', { id })
}

/**
 * Opens a roster (.xlsx/.xlsm/.xls/.ods/.csv/.txt): its kind, text
 * encoding and sheets.
 */
export function importOpen(path: string): Promise<RosterInfo> {
  return invoke<RosterInfo>('import_open', { path })
}

/**
 * Plans the import (a dry run) and keeps the plan for paging and committing.
 */
export function importPreview(path: string, options: ImportOptions): Promise<ImportSummary> {
  return invoke<ImportSummary>('import_preview', { path, options })
}

/**
 * One page of the kept plan's rows: those with `status` (all when null).
 */
export function importRows(status: RowStatus | null, offset: number, limit: number): Promise<RowPage> {
  return invoke<RowPage>('import_rows', { status, offset, limit })
}

/**
 * Commits the previewed import, telling the window its progress
 * (`import-progress` events with `[done, total]`).
 */
export function importCommit(): Promise<ImportRun> {
  return invoke<ImportRun>('import_commit')
}

/**
 * Writes the kept plan's refused rows, with their reasons, to the .xlsx
 * at `path`; returns how many.
 */
export function importSaveRefused(path: string): Promise<number> {
  return invoke<number>('import_save_refused', { path })
}

/**
 * The school's imports, newest first.
 */
export function importHistory(): Promise<Array<ImportRun>> {
  return invoke<Array<ImportRun>>('import_history')
}

/**
 * Undoes the import named (the latest not undone when null); refused
 * when its teachers changed since.
 */
export function importUndo(importId: string | null): Promise<UndoResult> {
  return invoke<UndoResult>('import_undo', { importId })
}

/**
 * Writes the open school in `format` to `path` (a CSV needs `group`),
 * in `style` (Taoli's own when none); returns the path written.
 */
export function exportFile(format: ExportFormat, group: string | null, path: string, style: SheetStyle | null): Promise<string> {
  return invoke<string>('export_file', { format, group, path, style })
}

/**
 * The file name the save dialog proposes for a workbook export.
 */
export function exportFileName(format: ExportFormat, style: SheetStyle | null): Promise<string> {
  return invoke<string>('export_file_name', { format, style })
}

/**
 * A preview of the sheets of these teachers (everyone when none): the
 * first teachers' pages as SVG.
 */
export function sheetsPreview(teacherIds: Array<string>): Promise<SheetsPreview> {
  return invoke<SheetsPreview>('sheets_preview', { teacherIds })
}

/**
 * Where the sheets are saved unless the clerk says otherwise: beside
 * the school file, named after the school.
 */
export function sheetsDefaultPath(): Promise<string> {
  return invoke<string>('sheets_default_path')
}

/**
 * Prints the sheets of these teachers (everyone when none) to a PDF at
 * `path` and records each fingerprint printed.
 */
export function sheetsPrint(teacherIds: Array<string>, path: string): Promise<PrintedSheets> {
  return invoke<PrintedSheets>('sheets_print', { teacherIds, path })
}

/**
 * Opens a file the app wrote (the printed sheets) in the computer's own
 * viewer.
 */
export function openFile(path: string): Promise<void> {
  return invoke<void>('open_file', { path })
}

/**
 * Every teacher's sign-off state, by teacher id.
 */
export function signoffStates(): Promise<{ [key in string]: SignoffState }> {
  return invoke<{ [key in string]: SignoffState }>('signoff_states')
}

/**
 * A teacher's sign-off state and the versions of their sheet printed,
 * latest first.
 */
export function signoffInfo(teacherId: string): Promise<SignoffInfo> {
  return invoke<SignoffInfo>('signoff_info', { teacherId })
}

/**
 * Marks a teacher's sheet signed with the fingerprint on the signed paper.
 */
export function signoff(teacherId: string, fingerprint: string): Promise<SignoffState> {
  return invoke<SignoffState>('signoff', { teacherId, fingerprint })
}

/**
 * A page of the audit log, newest first, narrowed by `query`.
 */
export function auditLog(query: AuditQuery): Promise<AuditPage> {
  return invoke<AuditPage>('audit_log', { query })
}

/**
 * Checks the audit chain for edited, removed or reordered entries.
 */
export function auditVerify(): Promise<AuditCheck> {
  return invoke<AuditCheck>('audit_verify')
}

/**
 * Writes the log narrowed by `query` as CSV to `path` (recorded as an
 * export).
 */
export function auditExport(query: AuditQuery, path: string): Promise<string> {
  return invoke<string>('audit_export', { query, path })
}

/**
 * The file name the save dialog proposes for the audit log.
 */
export function auditFileName(): Promise<string> {
  return invoke<string>('audit_file_name')
}

/**
 * The automatic backups, newest first, and their folder.
 */
export function backupList(): Promise<BackupList> {
  return invoke<BackupList>('backup_list')
}

/**
 * An automatic backup now (手动).
 */
export function backupNow(): Promise<Backup> {
  return invoke<Backup>('backup_now')
}

/**
 * A backup into a folder the clerk chose (a USB stick); never pruned.
 */
export function backupTo(folder: string): Promise<Backup> {
  return invoke<Backup>('backup_to', { folder })
}

/**
 * Restores the school from a backup; returns the backup of the file as
 * it was.
 */
export function restoreBackup(path: string): Promise<Backup> {
  return invoke<Backup>('restore_backup', { path })
}

/**
 * Restores a backup made under an earlier 系统管理员 password, given
 * that password (after `restore_backup` said `backup.key_mismatch`).
 */
export function restoreBackupWithPassword(path: string, password: string): Promise<Backup> {
  return invoke<Backup>('restore_backup_with_password', { path, password })
}

/**
 * The school's enrollment with the upstream, or null before it enrolls.
 */
export function enrollment(): Promise<EnrollmentInfo | null> {
  return invoke<EnrollmentInfo | null>('enrollment')
}

/**
 * Enrolls (登记) with the upstream at `upstream` and the county's 报送码;
 * `admin_password` when this computer has no keychain (else the core
 * asks for it: `batches.admin_password_needed`).
 */
export function enroll(upstream: string, code: string, adminPassword: string | null): Promise<EnrollmentInfo> {
  return invoke<EnrollmentInfo>('enroll', { upstream, code, adminPassword })
}

/**
 * How the school reaches its upstream: whether plain `http://` to
 * another computer is allowed.
 */
export function transportSettings(): Promise<TransportSettings> {
  return invoke<TransportSettings>('transport_settings')
}

/**
 * Allows or forbids plain `http://` to another computer (系统管理员).
 */
export function setAllowPlainHttp(allow: boolean): Promise<TransportSettings> {
  return invoke<TransportSettings>('set_allow_plain_http', { allow })
}

/**
 * 立即上传: sends what waits, builds, signs and uploads a batch of what
 * changed (with the 变更理由 for changes to information in effect),
 * pulls the reviews.
 */
export function submit(changeReason: string | null, adminPassword: string | null): Promise<SubmitOutcome> {
  return invoke<SubmitOutcome>('submit', { changeReason, adminPassword })
}

/**
 * 立即同步: a sync pass now.
 */
export function syncNow(adminPassword: string | null): Promise<SyncPass> {
  return invoke<SyncPass>('sync_now', { adminPassword })
}

/**
 * The last sync pass of this session (the worker's or the clerk's), if any.
 */
export function lastSync(): Promise<SyncPass | null> {
  return invoke<SyncPass | null>('last_sync')
}

/**
 * Where the school's reporting stands: each teacher and batch, the next
 * deadline and what is still missing.
 */
export function outboxStatus(): Promise<OutboxStatus> {
  return invoke<OutboxStatus>('outbox_status')
}

/**
 * The home's figures (工作台): the next deadline, completeness,
 * sign-offs, changes not yet uploaded and returned records.
 */
export function workbenchSummary(): Promise<WorkbenchSummary> {
  return invoke<WorkbenchSummary>('workbench_summary')
}

/**
 * The school's review before upload (学校负责人审核): whether it is
 * required, the batch that waits, the last return's note.
 */
export function reviewStatus(): Promise<ReviewStatus> {
  return invoke<ReviewStatus>('review_status')
}

/**
 * Turns the school's review before upload on or off (系统管理员).
 */
export function reviewSetRequired(required: boolean): Promise<ReviewStatus> {
  return invoke<ReviewStatus>('review_set_required', { required })
}

/**
 * The batch waiting for review, per teacher, before → after (系统管理员).
 */
export function reviewPending(): Promise<PendingReview | null> {
  return invoke<PendingReview | null>('review_pending')
}

/**
 * 批准并上传: signs the waiting batch and uploads it; `admin_password`
 * when the signing key is kept in the school file and not yet unlocked.
 */
export function reviewApprove(adminPassword: string | null): Promise<ReviewApproval> {
  return invoke<ReviewApproval>('review_approve', { adminPassword })
}

/**
 * 退回: drops the waiting batch, its changes unsent again, with `note`
 * for the clerk.
 */
export function reviewSendBack(note: string): Promise<ReturnedBatch> {
  return invoke<ReturnedBatch>('review_send_back', { note })
}

/**
 * The kept receipts (回执), newest first.
 */
export function receipts(): Promise<Array<ReceiptInfo>> {
  return invoke<Array<ReceiptInfo>>('receipts')
}

/**
 * Writes the receipt of `batch_id`, as kept, to `path`.
 */
export function exportReceipt(batchId: string, path: string): Promise<ReceiptInfo> {
  return invoke<ReceiptInfo>('export_receipt', { batchId, path })
}

/**
 * The file name the save dialog proposes for the receipt of batch `sequence`.
 */
export function receiptFileName(sequence: number): Promise<string> {
  return invoke<string>('receipt_file_name', { sequence })
}

/**
 * The county's notices (督促提醒), newest first.
 */
export function upstreamNotices(): Promise<Array<UpstreamNotice>> {
  return invoke<Array<UpstreamNotice>>('upstream_notices')
}

/**
 * Marks the county's unread notices read (知道了); how many were unread.
 */
export function markUpstreamNoticesRead(): Promise<number> {
  return invoke<number>('mark_upstream_notices_read')
}

/**
 * The file name the save dialog proposes for a `.taolibatch`.
 */
export function batchFileName(): Promise<string> {
  return invoke<string>('batch_file_name')
}

/**
 * Writes the batch in flight (or a new one) to a `.taolibatch` at `path`
 * for a USB stick; null when there is nothing to report.
 */
export function exportBatch(path: string, changeReason: string | null, adminPassword: string | null): Promise<BatchExport | null> {
  return invoke<BatchExport | null>('export_batch', { path, changeReason, adminPassword })
}

/**
 * Imports a receipt file (`.taolireceipt`) that came back from the
 * computer that uploaded a carried batch.
 */
export function importReceipt(path: string): Promise<ReceiptImport> {
  return invoke<ReceiptImport>('import_receipt', { path })
}
