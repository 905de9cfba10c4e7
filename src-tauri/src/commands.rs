//! Tauri commands: each one a few lines over a taoli-core call. Errors reach
//! the UI as `ErrorPayload` (code, kind, Chinese message).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use taoli_core::account::User;
use taoli_core::audit::{AuditPage, AuditQuery};
use taoli_core::batches::{
    BatchExport, EnrollmentInfo, OutboxStatus, ReceiptImport, ReceiptInfo, SubmitOutcome, SyncPass,
    SyncWorker,
};
use taoli_core::catalog::{EffectiveCatalog, PackInfo, ProvincePack};
use taoli_core::catalog::{IdType, Regions, SchoolType, catalog};
use taoli_core::entry::RecordDraft;
use taoli_core::export::{ExportFormat, SheetStyle};
use taoli_core::id_derived::IdDerivedValue;
use taoli_core::import::{
    self, ImportOptions, ImportRun, ImportSummary, RosterInfo, RowPage, RowStatus, UndoResult,
};
use taoli_core::panic_report;
use taoli_core::pending::PendingValue;
use taoli_core::recent::{RecentFile, RecentFiles};
use taoli_core::record::IndicatorRecord;
use taoli_core::recovery::RecoveryCode;
use taoli_core::search::TeacherListing;
use taoli_core::secrets::MemorySecretStore;
use taoli_core::sheets::{self, PrintedSheets, SheetsPreview, SignoffInfo, SignoffState, Template};
use taoli_core::stats::SchoolStats;
use taoli_core::store::{AuditCheck, Backup, BackupList, BackupReason, WarningRef};
use taoli_core::store::{
    CopiedToThisComputer, NetworkShare, OpenedSchool, RecoveryCodeShown, RecoveryStatus,
};
use taoli_core::validate::{Problem, ValidationReport};
use taoli_core::{
    Credentials, ErrorPayload, NewSchool, NewTeacher, NewUser, Role, SchoolFile, Session, Teacher,
};
use tauri::{AppHandle, Emitter, State};

use crate::state::{AppState, cannot_open, no_import_pending, no_school_open, task_failed};

/// The event each sync pass sends the window (payload: `SyncPass`), so the
/// 报送 page and the teacher list show what changed.
pub const SYNC_PASS_EVENT: &str = "sync-pass";

type Reply<T> = Result<T, ErrorPayload>;

fn payload(error: taoli_core::Error) -> ErrorPayload {
    ErrorPayload::from(&error)
}

/// Runs a command's work; a panic inside it becomes the 「内部错误」 reply
/// (`taoli_core::panic_report`) instead of taking the window down. The work
/// had the school file's transaction open, if any: it rolled back.
fn guard<T>(work: impl FnOnce() -> Reply<T>) -> Reply<T> {
    panic_report::catch(work).unwrap_or_else(|report| Err(payload(report.into())))
}

/// A blocking task that did not come back: its panic's report, or why not.
fn joined(error: tauri::Error) -> ErrorPayload {
    match error {
        tauri::Error::JoinError(join) if join.is_panic() => {
            payload(panic_report::report_of_other_thread(join.into_panic().as_ref()).into())
        }
        other => task_failed(&other.to_string()),
    }
}

#[tauri::command]
pub fn launch_file(state: State<'_, AppState>) -> Reply<Option<String>> {
    guard(|| {
        Ok(state
            .launch_file
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()))
    })
}

#[tauri::command]
pub fn school_types() -> Reply<Vec<SchoolType>> {
    guard(|| Ok(catalog().map_err(payload)?.school_types().to_vec()))
}

#[tauri::command]
pub fn id_types() -> Reply<Vec<IdType>> {
    guard(|| Ok(catalog().map_err(payload)?.id_types().to_vec()))
}

/// The administrative divisions (行政区划) the region picker offers.
#[tauri::command]
pub fn regions() -> Reply<&'static Regions> {
    guard(|| Ok(catalog().map_err(payload)?.regions()))
}

#[tauri::command]
pub fn recent_files(state: State<'_, AppState>) -> Reply<Vec<RecentFile>> {
    guard(|| Ok(RecentFiles::load(&state.config_dir).list()))
}

#[tauri::command]
pub fn forget_recent(state: State<'_, AppState>, path: String) -> Reply<Vec<RecentFile>> {
    guard(|| {
        let mut recent = RecentFiles::load(&state.config_dir);
        recent.forget(&path).map_err(payload)?;
        Ok(recent.list())
    })
}

#[tauri::command]
pub fn default_school_path(
    state: State<'_, AppState>,
    code: String,
    name: String,
) -> Reply<String> {
    guard(|| {
        Ok(state
            .data_dir
            .join(taoli_core::store::default_file_name(&code, &name))
            .to_string_lossy()
            .into_owned())
    })
}

/// Makes `file` the open school and puts it at the top of the recent list.
fn make_current(state: &AppState, file: SchoolFile) -> Reply<OpenedSchool> {
    if file.session().is_none() {
        state.stop_worker();
    }
    let opened = file.opened().map_err(payload)?;
    let school = &opened.school;
    RecentFiles::load(&state.config_dir)
        .touch(file.path(), &school.name, &school.code)
        .map_err(payload)?;
    state.keep_key(&file);
    *state.school() = Some(file);
    Ok(opened)
}

/// The day's backup, once someone is signed in. Failing it (a full disk, a
/// read-only folder) must not keep the clerk from their school: the problem
/// is kept for the UI to say (`daily_backup_problem`).
fn daily_backup(state: &AppState, file: &mut SchoolFile) {
    *state.daily_backup_problem() = file.daily_backup_if_due().err().map(|e| e.to_string());
}

/// Why today's automatic backup could not be made, if it could not.
#[tauri::command]
pub fn daily_backup_problem(state: State<'_, AppState>) -> Reply<Option<String>> {
    guard(|| Ok(state.daily_backup_problem().clone()))
}

/// Creates a school file with its 系统管理员, who is signed in.
#[tauri::command]
pub fn create_school(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    school: NewSchool,
    admin: Credentials,
) -> Reply<OpenedSchool> {
    guard(|| {
        let mut file =
            SchoolFile::create(&PathBuf::from(path), &school, &admin).map_err(payload)?;
        daily_backup(&state, &mut file);
        start_worker(&app, &state, &file);
        make_current(&state, file)
    })
}

/// Starts the sync worker of the session now signed in to `file`; its
/// passes go to the window as `sync-pass` events.
fn start_worker(app: &AppHandle, state: &AppState, file: &SchoolFile) {
    let app = app.clone();
    state.start_worker(file, move |pass| {
        let _ = app.emit(SYNC_PASS_EVENT, pass);
    });
}

/// Opens a school file, nobody signed in. An encrypted file's key comes from
/// this computer's keychain; without it the error is `file.key_needed` and
/// the UI asks for the 系统管理员 password ([`open_school_with_password`]).
#[tauri::command]
pub fn open_school(state: State<'_, AppState>, path: String) -> Reply<OpenedSchool> {
    guard(|| {
        let file = state.open(&PathBuf::from(path)).map_err(payload)?;
        make_current(&state, file)
    })
}

/// Opens an encrypted school file with the 系统管理员 password (a computer
/// whose keychain does not have its key); the key is kept for next time.
#[tauri::command]
pub fn open_school_with_password(
    state: State<'_, AppState>,
    path: String,
    password: String,
) -> Reply<OpenedSchool> {
    guard(|| {
        let file = state
            .open_with_password(&PathBuf::from(path), &password)
            .map_err(payload)?;
        make_current(&state, file)
    })
}

/// Signs in to the open school; then the day's backup is made if due.
#[tauri::command]
pub fn sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    credentials: Credentials,
) -> Reply<Session> {
    guard(|| {
        let session = with_school(&state, |file| {
            let session = file.sign_in(&credentials)?;
            daily_backup(&state, file);
            start_worker(&app, &state, file);
            Ok(session)
        })?;
        with_school(&state, |file| {
            state.keep_key(file);
            Ok(())
        })?;
        Ok(session)
    })
}

/// Creates the first account of a school file that has none: its 系统管理员.
#[tauri::command]
pub fn create_first_admin(
    app: AppHandle,
    state: State<'_, AppState>,
    admin: Credentials,
) -> Reply<Session> {
    guard(|| {
        with_school(&state, |file| {
            let session = file.create_first_admin(&admin)?;
            state.keep_key(file);
            start_worker(&app, &state, file);
            Ok(session)
        })
    })
}

#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> Reply<()> {
    guard(|| {
        state.stop_worker();
        with_school(&state, |file| {
            file.sign_out();
            Ok(())
        })
    })
}

/// Locks the session (the 锁定 button, or ten idle minutes in the UI).
#[tauri::command]
pub fn lock_session(state: State<'_, AppState>) -> Reply<()> {
    guard(|| {
        state.stop_worker();
        with_school(&state, |file| {
            file.lock();
            Ok(())
        })
    })
}

/// Unlocks with the password: a new session, with a new sync worker.
#[tauri::command]
pub fn unlock_session(
    app: AppHandle,
    state: State<'_, AppState>,
    password: String,
) -> Reply<Session> {
    guard(|| {
        with_school(&state, |file| {
            let session = file.unlock(&password)?;
            start_worker(&app, &state, file);
            Ok(session)
        })
    })
}

#[tauri::command]
pub fn list_users(state: State<'_, AppState>) -> Reply<Vec<User>> {
    guard(|| with_school(&state, |file| file.users()))
}

#[tauri::command]
pub fn add_user(state: State<'_, AppState>, user: NewUser) -> Reply<User> {
    guard(|| {
        with_school(&state, |file| {
            let added = file.add_user(&user)?;
            // A new 系统管理员's password is the file's password now.
            state.keep_key(file);
            Ok(added)
        })
    })
}

#[tauri::command]
pub fn set_user_disabled(state: State<'_, AppState>, name: String, disabled: bool) -> Reply<User> {
    guard(|| with_school(&state, |file| file.set_user_disabled(&name, disabled)))
}

#[tauri::command]
pub fn set_user_role(state: State<'_, AppState>, name: String, role: Role) -> Reply<User> {
    guard(|| with_school(&state, |file| file.set_user_role(&name, role)))
}

/// Sets a password: one's own (with the current one) or, for a 系统管理员,
/// anyone's. Setting a 系统管理员's rewrites the file under the new key.
#[tauri::command]
pub fn change_password(
    state: State<'_, AppState>,
    name: String,
    current: Option<String>,
    password: String,
) -> Reply<()> {
    guard(|| {
        with_school(&state, |file| {
            file.change_password(&name, current.as_deref(), &password)?;
            state.keep_key(file);
            Ok(())
        })
    })
}

/// The network share the open school file lies on, if it does: the window
/// shows its notice with 「复制到本机」.
#[tauri::command]
pub fn network_share(state: State<'_, AppState>) -> Reply<Option<NetworkShare>> {
    guard(|| with_school(&state, |file| Ok(file.network_share().cloned())))
}

/// 复制到本机: copies the open school file into `folder` (the default data
/// folder when none is given), makes the copy the open school, signed in
/// as before, and closes the file on the share.
#[tauri::command]
pub fn copy_to_this_computer(
    app: AppHandle,
    state: State<'_, AppState>,
    folder: Option<String>,
) -> Reply<CopiedToThisComputer> {
    guard(|| {
        let folder = folder.map_or_else(|| state.data_dir.clone(), PathBuf::from);
        let copy = with_school(&state, |file| file.copy_to_this_computer(&folder))?;
        state.stop_worker();
        if let Some(original) = state.school().take() {
            // The copy is made and checked: a failure to close the original
            // (the share gone) does not undo it.
            let _ = original.close();
        }
        let path = copy.path().display().to_string();
        start_worker(&app, &state, &copy);
        let opened = make_current(&state, copy)?;
        Ok(CopiedToThisComputer { path, opened })
    })
}

/// Whether the 系统管理员 just signed in (or who created the school) is to
/// be shown a new recovery code: the file has none yet.
#[tauri::command]
pub fn recovery_code_missing(state: State<'_, AppState>) -> Reply<bool> {
    guard(|| with_school(&state, |file| file.recovery_code_missing()))
}

/// Where the recovery code stands (设置 → 账号); a missing recovery file is
/// written again.
#[tauri::command]
pub fn recovery_status(state: State<'_, AppState>) -> Reply<RecoveryStatus> {
    guard(|| with_school(&state, |file| file.recovery_status()))
}

/// A new recovery code to show; nothing is kept until [`recovery_keep_code`].
#[tauri::command]
pub fn recovery_new_code(state: State<'_, AppState>) -> Reply<RecoveryCodeShown> {
    guard(|| {
        with_school(&state, |file| {
            file.new_recovery_code().map(|(_, shown)| shown)
        })
    })
}

/// Writes the 恢复码保管单 of `code` beside the school file and returns its
/// path (the window opens it in the system viewer to print).
#[tauri::command]
pub async fn recovery_sheet(state: State<'_, AppState>, code: String) -> Reply<String> {
    guard(|| {
        with_school(&state, |file| {
            let code = RecoveryCode::parse(&code)?;
            let name = format!(
                "{}-恢复码保管单.pdf",
                taoli_core::text::file_name_safe(&file.school()?.name)
            );
            let folder = file.path().parent().unwrap_or(&state.data_dir);
            let path = taoli_core::export::unused_path(&folder.join(name));
            file.write_recovery_sheet(&code, &path)?;
            Ok(path.display().to_string())
        })
    })
}

/// Makes `code` the file's recovery code, once the 系统管理员 has it.
#[tauri::command]
pub fn recovery_keep_code(state: State<'_, AppState>, code: String) -> Reply<RecoveryStatus> {
    guard(|| {
        with_school(&state, |file| {
            file.set_recovery_code(&RecoveryCode::parse(&code)?)
        })
    })
}

/// The 系统管理员 accounts whose password the recovery code of the file at
/// `path` may set; a wrong code is refused here, before a new password is asked.
#[tauri::command]
pub fn recovery_accounts(path: String, code: String) -> Reply<Vec<String>> {
    guard(|| SchoolFile::recovery_accounts(Path::new(&path), &code, None).map_err(payload))
}

/// Opens the file at `path` with its recovery code, sets `account`'s new
/// password and signs them in; the new key is kept in the keychain.
#[tauri::command]
pub fn recover_with_code(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    code: String,
    account: Option<String>,
    password: String,
) -> Reply<OpenedSchool> {
    guard(|| {
        let mut file = SchoolFile::recover_with_code(
            Path::new(&path),
            &code,
            None,
            account.as_deref(),
            &password,
            &MemorySecretStore::new(),
        )
        .map_err(payload)?;
        daily_backup(&state, &mut file);
        start_worker(&app, &state, &file);
        make_current(&state, file)
    })
}

#[tauri::command]
pub fn close_school(state: State<'_, AppState>) -> Reply<()> {
    guard(|| {
        state.stop_worker();
        match state.school().take() {
            Some(file) => file.close().map_err(payload),
            None => Ok(()),
        }
    })
}

#[tauri::command]
pub fn list_teachers(state: State<'_, AppState>, query: String) -> Reply<TeacherListing> {
    guard(|| with_school(&state, |file| file.find_teachers(&query)))
}

/// The live hint under the ID number field: what is wrong, or nothing.
#[tauri::command]
pub fn check_id_number(id_type: String, id_number: String) -> Reply<Option<String>> {
    guard(|| taoli_core::teacher::id_number_problem(&id_type, &id_number).map_err(payload))
}

/// What a valid resident ID number gives of 基本信息 (出生日期, 性别), for the
/// form to fill where empty; nothing for another ID type or an invalid number.
#[tauri::command]
pub fn id_derived_values(
    state: State<'_, AppState>,
    id_type: String,
    id_number: String,
) -> Reply<Vec<IdDerivedValue>> {
    guard(|| with_school(&state, |file| file.id_derived_values(&id_type, &id_number)))
}

#[tauri::command]
pub fn add_teacher(state: State<'_, AppState>, teacher: NewTeacher) -> Reply<Teacher> {
    guard(|| with_school(&state, |file| file.add_teacher(&teacher)))
}

/// Runs `f` on the open school file, or says that none is open.
fn with_school<T>(
    state: &AppState,
    f: impl FnOnce(&mut SchoolFile) -> taoli_core::Result<T>,
) -> Reply<T> {
    let mut guard = state.school();
    let file = guard.as_mut().ok_or_else(no_school_open)?;
    f(file).map_err(payload)
}

/// The open school's indicator catalog: what the teacher form is built from.
#[tauri::command]
pub fn school_catalog(state: State<'_, AppState>) -> Reply<EffectiveCatalog> {
    guard(|| with_school(&state, |file| file.effective_catalog()))
}

#[tauri::command]
pub fn teacher_records(
    state: State<'_, AppState>,
    teacher_id: String,
) -> Reply<Vec<IndicatorRecord>> {
    guard(|| with_school(&state, |file| file.records(&teacher_id)))
}

#[tauri::command]
pub fn save_record(state: State<'_, AppState>, draft: RecordDraft) -> Reply<IndicatorRecord> {
    guard(|| with_school(&state, |file| file.save_draft(&draft)))
}

/// The problems the teacher would have with `draft` saved: the form's inline messages.
#[tauri::command]
pub fn check_record(state: State<'_, AppState>, draft: RecordDraft) -> Reply<Vec<Problem>> {
    guard(|| with_school(&state, |file| file.check_draft(&draft)))
}

#[tauri::command]
pub fn delete_record(state: State<'_, AppState>, record_id: String) -> Reply<()> {
    guard(|| with_school(&state, |file| file.delete_record(&record_id)))
}

#[tauri::command]
pub fn validate_school(state: State<'_, AppState>) -> Reply<ValidationReport> {
    guard(|| with_school(&state, |file| file.validate()))
}

/// The open school's statistics (统计 page), ages as of today.
#[tauri::command]
pub fn school_stats(state: State<'_, AppState>) -> Reply<SchoolStats> {
    guard(|| with_school(&state, |file| file.stats()))
}

/// The province pack the open school uses, if any.
#[tauri::command]
pub fn province_pack(state: State<'_, AppState>) -> Reply<Option<PackInfo>> {
    guard(|| with_school(&state, |file| Ok(file.province_pack()?.map(|p| p.info))))
}

/// Makes the open school use the province pack in the file at `path`.
#[tauri::command]
pub fn use_province_pack(state: State<'_, AppState>, path: String) -> Reply<PackInfo> {
    guard(|| {
        let pack = ProvincePack::load(Path::new(&path)).map_err(payload)?;
        with_school(&state, |file| file.use_province_pack(&pack))
    })
}

#[tauri::command]
pub fn clear_province_pack(state: State<'_, AppState>) -> Reply<()> {
    guard(|| with_school(&state, |file| file.clear_province_pack()))
}

/// The open 待修正 values, of one teacher when given.
#[tauri::command]
pub fn pending_values(
    state: State<'_, AppState>,
    teacher_id: Option<String>,
) -> Reply<Vec<PendingValue>> {
    guard(|| with_school(&state, |file| file.pending_values(teacher_id.as_deref())))
}

/// Clears one 待修正 value the clerk has checked.
#[tauri::command]
pub fn clear_pending_value(state: State<'_, AppState>, id: String) -> Reply<()> {
    guard(|| with_school(&state, |file| file.clear_pending_value(&id)))
}

/// Keeps a written reason with a warning the teacher has now.
#[tauri::command]
pub fn explain_warning(
    state: State<'_, AppState>,
    teacher_id: String,
    rule: String,
    field: Option<String>,
    row_order: Option<i64>,
    reason: String,
) -> Reply<()> {
    guard(|| {
        let warning = WarningRef {
            teacher_id: &teacher_id,
            rule: &rule,
            field: field.as_deref(),
            row_order,
        };
        with_school(&state, |file| file.explain_warning(&warning, &reason))
    })
}

// ── Roster import (the import wizard) ───────────────────────────────────────

#[tauri::command]
pub fn import_open(path: String) -> Reply<RosterInfo> {
    guard(|| Ok(import::open(Path::new(&path)).map_err(payload)?.info()))
}

/// Plans the import (a dry run) and keeps the plan for paging and committing.
#[tauri::command]
pub fn import_preview(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
) -> Reply<ImportSummary> {
    guard(|| {
        let mut roster = import::open(Path::new(&path)).map_err(payload)?;
        let guard = state.school();
        let file = guard.as_ref().ok_or_else(no_school_open)?;
        let plan = file.plan_import(&mut roster, &options).map_err(payload)?;
        let summary = plan.preview.summary();
        *state.pending_import() = Some(plan);
        Ok(summary)
    })
}

#[tauri::command]
pub fn import_rows(
    state: State<'_, AppState>,
    status: Option<RowStatus>,
    offset: usize,
    limit: usize,
) -> Reply<RowPage> {
    guard(|| {
        let pending = state.pending_import();
        let plan = pending.as_ref().ok_or_else(no_import_pending)?;
        Ok(plan.preview.rows_page(status, offset, limit))
    })
}

/// Commits the previewed import, telling the window its progress
/// (`import-progress` events with `[done, total]`).
#[tauri::command]
pub async fn import_commit(app: tauri::AppHandle, state: State<'_, AppState>) -> Reply<ImportRun> {
    guard(|| {
        let plan = state
            .pending_import()
            .take()
            .ok_or_else(no_import_pending)?;
        let mut guard = state.school();
        let file = guard.as_mut().ok_or_else(no_school_open)?;
        let mut progress = |done: usize, total: usize| {
            let _ = tauri::Emitter::emit(&app, "import-progress", (done, total));
        };
        let result = file.commit_import(&plan, &mut progress);
        // The plan stays for the refused-rows workbook (and a retry after a failure).
        *state.pending_import() = Some(plan);
        result.map_err(payload)
    })
}

#[tauri::command]
pub fn import_save_refused(state: State<'_, AppState>, path: String) -> Reply<usize> {
    guard(|| {
        let pending = state.pending_import();
        let plan = pending.as_ref().ok_or_else(no_import_pending)?;
        import::refused::write_refused_rows(plan, Path::new(&path)).map_err(payload)
    })
}

#[tauri::command]
pub fn import_history(state: State<'_, AppState>) -> Reply<Vec<ImportRun>> {
    guard(|| {
        let guard = state.school();
        let file = guard.as_ref().ok_or_else(no_school_open)?;
        file.imports().map_err(payload)
    })
}

#[tauri::command]
pub fn import_undo(state: State<'_, AppState>, import_id: Option<String>) -> Reply<UndoResult> {
    guard(|| {
        let mut guard = state.school();
        let file = guard.as_mut().ok_or_else(no_school_open)?;
        file.undo_import(import_id.as_deref()).map_err(payload)
    })
}

// ── Spreadsheets out ─────────────────────────────────────────────────────────

/// Writes the open school in `format` to `path` (a CSV needs `group`), in
/// `style` (Taoli's own when none).
#[tauri::command]
pub fn export_file(
    state: State<'_, AppState>,
    format: ExportFormat,
    group: Option<String>,
    path: String,
    style: Option<SheetStyle>,
) -> Reply<String> {
    guard(|| {
        with_school(&state, |file| {
            file.export_to_in(
                format,
                group.as_deref(),
                style.unwrap_or_default(),
                Path::new(&path),
            )
        })?;
        Ok(path)
    })
}

/// The file name the save dialog proposes for a workbook export.
#[tauri::command]
pub fn export_file_name(
    state: State<'_, AppState>,
    format: ExportFormat,
    style: Option<SheetStyle>,
) -> Reply<String> {
    guard(|| {
        let guard = state.school();
        let file = guard.as_ref().ok_or_else(no_school_open)?;
        let school = file.school().map_err(payload)?;
        Ok(format.suggested_file_name_in(&school.name, style.unwrap_or_default()))
    })
}

// ── Verification sheets and sign-off ─────────────────────────────────────────

/// A preview of the sheets of these teachers (everyone when none): the first
/// teachers' pages as SVG.
#[tauri::command]
pub async fn sheets_preview(
    state: State<'_, AppState>,
    teacher_ids: Vec<String>,
) -> Reply<SheetsPreview> {
    guard(|| {
        let template = Template::resolve(None).map_err(payload)?;
        with_school(&state, |file| {
            file.preview_sheets(&teacher_ids, &template, sheets::PREVIEW_TEACHERS)
        })
    })
}

/// Where the sheets are saved unless the clerk says otherwise: beside the
/// school file, named after the school.
#[tauri::command]
pub fn sheets_default_path(state: State<'_, AppState>) -> Reply<String> {
    guard(|| {
        with_school(&state, |file| {
            let school = file.school()?;
            let folder = file.path().parent().unwrap_or(&state.data_dir);
            Ok(folder
                .join(sheets::default_file_name(&school.name))
                .display()
                .to_string())
        })
    })
}

/// Prints the sheets of these teachers (everyone when none) to a PDF at
/// `path` and records each fingerprint printed.
#[tauri::command]
pub async fn sheets_print(
    state: State<'_, AppState>,
    teacher_ids: Vec<String>,
    path: String,
) -> Reply<PrintedSheets> {
    guard(|| {
        let template = Template::resolve(None).map_err(payload)?;
        with_school(&state, |file| {
            file.print_sheets(&teacher_ids, &template, Path::new(&path))
        })
    })
}

/// Opens a file the app wrote (the printed sheets) in the computer's own viewer.
#[tauri::command]
pub fn open_file(app: tauri::AppHandle, path: String) -> Reply<()> {
    guard(|| {
        use tauri_plugin_opener::OpenerExt;
        app.opener()
            .open_path(&path, None::<&str>)
            .map_err(|e| cannot_open(&path, &e.to_string()))
    })
}

/// Every teacher's sign-off state, by teacher id.
#[tauri::command]
pub fn signoff_states(state: State<'_, AppState>) -> Reply<HashMap<String, SignoffState>> {
    guard(|| with_school(&state, |file| file.signoff_states()))
}

/// A teacher's sign-off state and the versions of their sheet printed.
#[tauri::command]
pub fn signoff_info(state: State<'_, AppState>, teacher_id: String) -> Reply<SignoffInfo> {
    guard(|| with_school(&state, |file| file.signoff_info(&teacher_id)))
}

/// Marks a teacher's sheet signed with the fingerprint on the signed paper.
#[tauri::command]
pub fn signoff(
    state: State<'_, AppState>,
    teacher_id: String,
    fingerprint: String,
) -> Reply<SignoffState> {
    guard(|| with_school(&state, |file| file.signoff(&teacher_id, &fingerprint)))
}

// ── Audit trail (操作记录) ───────────────────────────────────────────────────

/// A page of the audit log, newest first, narrowed by `query`.
#[tauri::command]
pub fn audit_log(state: State<'_, AppState>, query: AuditQuery) -> Reply<AuditPage> {
    guard(|| with_school(&state, |file| file.audit_log(&query)))
}

/// Checks the audit chain.
#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Reply<AuditCheck> {
    guard(|| with_school(&state, |file| file.verify_audit()))
}

/// Writes the log narrowed by `query` as CSV to `path` (recorded as an export).
#[tauri::command]
pub fn audit_export(state: State<'_, AppState>, query: AuditQuery, path: String) -> Reply<String> {
    guard(|| {
        with_school(&state, |file| {
            file.export_audit_to(&query, Path::new(&path))
        })?;
        Ok(path)
    })
}

/// The file name the save dialog proposes for the audit log.
#[tauri::command]
pub fn audit_file_name(state: State<'_, AppState>) -> Reply<String> {
    guard(|| {
        with_school(&state, |file| {
            Ok(taoli_core::audit::audit_file_name(&file.school()?.name))
        })
    })
}

// ── Backups (备份与恢复) ─────────────────────────────────────────────────────

/// The automatic backups and their folder.
#[tauri::command]
pub fn backup_list(state: State<'_, AppState>) -> Reply<BackupList> {
    guard(|| with_school(&state, |file| file.backup_list()))
}

/// An automatic backup now (手动).
#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Reply<Backup> {
    guard(|| with_school(&state, |file| file.backup_now(BackupReason::Manual)))
}

/// A backup into a folder the clerk chose (a USB stick).
#[tauri::command]
pub async fn backup_to(state: State<'_, AppState>, folder: String) -> Reply<Backup> {
    guard(|| with_school(&state, |file| file.backup_to(Path::new(&folder))))
}

/// Restores the school from a backup; returns the backup of the file as it was.
#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, path: String) -> Reply<Backup> {
    guard(|| with_school(&state, |file| file.restore(Path::new(&path))))
}

/// Restores a backup made under an earlier 系统管理员 password, given that
/// password (after `restore_backup` said `backup.key_mismatch`).
#[tauri::command]
pub async fn restore_backup_with_password(
    state: State<'_, AppState>,
    path: String,
    password: String,
) -> Reply<Backup> {
    guard(|| {
        with_school(&state, |file| {
            file.restore_with_password(Path::new(&path), &password)
        })
    })
}

// ── 报送 (reporting to the upstream, docs/batches.md) ─────────────────────────
// What goes over the network runs on the sync worker's handle of the school
// file, never on the window's: a slow link holds no other call.

/// Runs `f` on the session's sync worker (or says why there is none), on a
/// thread where blocking is allowed: the HTTP client blocks, which the async
/// runtime's own threads must never do.
async fn on_worker<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&SyncWorker) -> taoli_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let worker = state.worker()?;
    tauri::async_runtime::spawn_blocking(move || guard(|| f(&worker).map_err(payload)))
        .await
        .map_err(joined)?
}

/// The school's enrollment with the upstream, or null before it enrolls.
#[tauri::command]
pub fn enrollment(state: State<'_, AppState>) -> Reply<Option<EnrollmentInfo>> {
    guard(|| with_school(&state, |file| file.enrollment()))
}

/// Enrolls (登记) with the upstream at `upstream` and the county's 报送码;
/// `admin_password` when this computer has no keychain.
#[tauri::command]
pub async fn enroll(
    state: State<'_, AppState>,
    upstream: String,
    code: String,
    admin_password: Option<String>,
) -> Reply<EnrollmentInfo> {
    on_worker(&state, move |worker| {
        worker.enroll(&upstream, &code, admin_password.as_deref())
    })
    .await
}

/// 立即上传: sends what waits, builds, signs and uploads a batch of what
/// changed (with the 变更理由 for changes to information in effect), pulls
/// the reviews.
#[tauri::command]
pub async fn submit(
    state: State<'_, AppState>,
    change_reason: Option<String>,
    admin_password: Option<String>,
) -> Reply<SubmitOutcome> {
    on_worker(&state, move |worker| {
        worker.submit(change_reason.as_deref(), admin_password.as_deref())
    })
    .await
}

/// 立即同步: a sync pass now.
#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    admin_password: Option<String>,
) -> Reply<SyncPass> {
    on_worker(&state, move |worker| {
        worker.sync_now(admin_password.as_deref())
    })
    .await
}

/// The last sync pass of this session (the worker's or the clerk's), if any.
#[tauri::command]
pub fn last_sync(state: State<'_, AppState>) -> Reply<Option<SyncPass>> {
    guard(|| Ok(state.worker().ok().and_then(|worker| worker.last_pass())))
}

/// Where the school's reporting stands: each teacher and batch, the next
/// deadline and what is still missing.
#[tauri::command]
pub async fn outbox_status(state: State<'_, AppState>) -> Reply<OutboxStatus> {
    guard(|| with_school(&state, |file| file.outbox_status()))
}

/// The kept receipts (回执), newest first.
#[tauri::command]
pub fn receipts(state: State<'_, AppState>) -> Reply<Vec<ReceiptInfo>> {
    guard(|| with_school(&state, |file| file.receipts()))
}

/// Writes the receipt of `batch_id`, as kept, to `path`.
#[tauri::command]
pub fn export_receipt(
    state: State<'_, AppState>,
    batch_id: String,
    path: String,
) -> Reply<ReceiptInfo> {
    guard(|| {
        with_school(&state, |file| {
            file.export_receipt(&batch_id, Path::new(&path))
        })
    })
}

/// The file name the save dialog proposes for the receipt of batch `sequence`.
#[tauri::command]
pub fn receipt_file_name(state: State<'_, AppState>, sequence: i64) -> Reply<String> {
    guard(|| with_school(&state, |file| file.receipt_file_name(sequence)))
}

/// The file name the save dialog proposes for a `.taolibatch`.
#[tauri::command]
pub fn batch_file_name(state: State<'_, AppState>) -> Reply<String> {
    guard(|| with_school(&state, |file| file.batch_file_name()))
}

/// Writes the batch in flight (or a new one) to a `.taolibatch` at `path`
/// for a USB stick; null when there is nothing to report.
#[tauri::command]
pub async fn export_batch(
    state: State<'_, AppState>,
    path: String,
    change_reason: Option<String>,
    admin_password: Option<String>,
) -> Reply<Option<BatchExport>> {
    on_worker(&state, move |worker| {
        worker.export_batch(
            Path::new(&path),
            change_reason.as_deref(),
            admin_password.as_deref(),
        )
    })
    .await
}

/// Imports a receipt file (`.taolireceipt`) that came back from the
/// computer that uploaded a carried batch.
#[tauri::command]
pub async fn import_receipt(state: State<'_, AppState>, path: String) -> Reply<ReceiptImport> {
    on_worker(&state, move |worker| {
        worker.import_receipt(Path::new(&path))
    })
    .await
}
