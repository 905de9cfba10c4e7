//! Tauri commands, each declared once in the table below (see `surface`):
//! a few lines over a taoli-core call. Errors reach the UI as `ErrorPayload`
//! (code, kind, message in the window's language, `set_locale`). The
//! session policy (the key kept, the daily backup, the sync worker) is the
//! core's `Workspace`'s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use taoli_core::account::User;
use taoli_core::audit::{AuditPage, AuditQuery};
use taoli_core::batches::{
    BatchExport, EnrollmentInfo, OutboxStatus, PendingReview, ReceiptImport, ReceiptInfo,
    ReturnedBatch, ReviewApproval, ReviewStatus, SubmitOutcome, SyncPass, TransportSettings,
    UpstreamNotice,
};
use taoli_core::catalog::{EffectiveCatalog, PackInfo, ProvincePack};
use taoli_core::catalog::{IdType, Regions, SchoolType, catalog};
use taoli_core::correction_request::CorrectionRequest;
use taoli_core::duplicates::DuplicatePair;
use taoli_core::entry::{CorrectionOutcome, IdentityCorrection, RecordDraft};
use taoli_core::export::{ExportFormat, SheetStyle};
use taoli_core::id_derived::IdDerivedValue;
use taoli_core::import::{
    self, ImportOptions, ImportRun, ImportSummary, RosterInfo, RowPage, RowStatus, UndoResult,
};
use taoli_core::pending::PendingValue;
use taoli_core::recent::{RecentFile, RecentFiles};
use taoli_core::record::IndicatorRecord;
use taoli_core::recovery::RecoveryCode;
use taoli_core::search::TeacherListing;
use taoli_core::sheets::{
    self, PrintedSheets, SheetsPreview, SignoffGaps, SignoffGate, SignoffInfo, SignoffState,
    Template,
};
use taoli_core::stats::SchoolStats;
use taoli_core::status_changes::{NewStatusChange, RosterFilter, StatusRule, StatusTimeline};
use taoli_core::status_event::StatusEvent;
use taoli_core::store::{AuditCheck, Backup, BackupList, BackupReason};
use taoli_core::store::{
    CopiedToThisComputer, NetworkShare, OpenedSchool, RecoveryCodeShown, RecoveryStatus,
};
use taoli_core::validate::WarningRef;
use taoli_core::validate::{Problem, ValidationReport};
use taoli_core::workbench::WorkbenchSummary;
use taoli_core::{
    Credentials, Locale, NewSchool, NewTeacher, NewUser, Role, SchoolFile, Session, Teacher,
};

use crate::state::{AppState, cannot_open, no_import_pending, no_school_open};
use crate::surface::{Reply, commands, payload};

/// The event each sync pass sends the window (payload: `SyncPass`), so the
/// 报送 page and the teacher list show what changed.
pub const SYNC_PASS_EVENT: &str = "sync-pass";

/// The event a committing import sends the window (payload: `[done, total]`).
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

/// Runs `f` on the open school file, or says that none is open.
fn with_school<T>(
    state: &AppState,
    f: impl FnOnce(&mut SchoolFile) -> taoli_core::Result<T>,
) -> Reply<T> {
    let mut workspace = state.workspace();
    let file = workspace.file_mut().ok_or_else(no_school_open)?;
    f(file).map_err(payload)
}

/// Runs `f` on a thread of its own and waits for it, for what goes over the
/// network without a sync worker to run it (the 系统管理员's approval of a
/// batch): the HTTP client blocks, which the async runtime's threads must
/// never do. A panic there is the 「内部错误」 reply, as on the worker.
fn off_the_runtime<T: Send>(f: impl FnOnce() -> Reply<T> + Send) -> Reply<T> {
    std::thread::scope(|scope| {
        scope.spawn(f).join().unwrap_or_else(|panic| {
            Err(payload(
                taoli_core::panic_report::report_of_other_thread(panic.as_ref()).into(),
            ))
        })
    })
}

/// Runs `f` on the workspace (opening, signing in and out, switching school).
fn with_workspace<T>(
    state: &AppState,
    f: impl FnOnce(&mut taoli_core::workspace::Workspace) -> taoli_core::Result<T>,
) -> Reply<T> {
    f(&mut state.workspace()).map_err(payload)
}

commands! {
    app, state;

    /// The school file the app was started with (`taoli-app FILE`), if any.
    fn launch_file() -> Option<String> = sync {
        Ok(state
            .launch_file
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()))
    }

    /// The window's language: every error after it is said in `locale`
    /// (the UI calls it at start and when the clerk switches language).
    fn set_locale(locale: Locale) -> () = sync {
        state.set_locale(locale);
        Ok(())
    }

    fn school_types() -> Vec<SchoolType> = sync {
        Ok(catalog().map_err(payload)?.school_types().to_vec())
    }

    fn id_types() -> Vec<IdType> = sync {
        Ok(catalog().map_err(payload)?.id_types().to_vec())
    }

    /// The administrative divisions (行政区划) 籍贯 and 出生地 are chosen
    /// from, with their pinyin.
    fn regions() -> &'static Regions = sync {
        Ok(catalog().map_err(payload)?.regions())
    }

    fn recent_files() -> Vec<RecentFile> = sync {
        Ok(RecentFiles::load(&state.config_dir).list())
    }

    fn forget_recent(path: String) -> Vec<RecentFile> = sync {
        let mut recent = RecentFiles::load(&state.config_dir);
        recent.forget(&path).map_err(payload)?;
        Ok(recent.list())
    }

    /// Where a new school file goes unless the clerk says otherwise.
    fn default_school_path(code: String, name: String) -> String = sync {
        Ok(state
            .data_dir
            .join(taoli_core::store::default_file_name(&code, &name))
            .to_string_lossy()
            .into_owned())
    }

    /// Creates a school file with its 系统管理员, who is signed in.
    fn create_school(path: String, school: NewSchool, admin: Credentials) -> OpenedSchool = sync {
        with_workspace(&state, |ws| ws.create(&PathBuf::from(path), &school, &admin))
    }

    /// Opens a school file, nobody signed in. An encrypted file's key comes
    /// from this computer's keychain; without it the error is
    /// `file.key_needed` and the UI asks for the 系统管理员 password
    /// (`open_school_with_password`).
    fn open_school(path: String) -> OpenedSchool = sync {
        with_workspace(&state, |ws| ws.open(&PathBuf::from(path)))
    }

    /// Opens an encrypted school file with the 系统管理员 password (a
    /// computer whose keychain does not have its key); the key is kept for
    /// next time.
    fn open_school_with_password(path: String, password: String) -> OpenedSchool = sync {
        with_workspace(&state, |ws| ws.open_with_password(&PathBuf::from(path), &password))
    }

    /// Signs in to the open school; then the day's backup is made if due.
    fn sign_in(credentials: Credentials) -> Session = sync {
        with_workspace(&state, |ws| ws.sign_in(&credentials))
    }

    /// Why today's automatic backup could not be made, if it could not.
    fn daily_backup_problem() -> Option<String> = sync {
        Ok(state.workspace().daily_backup_problem().map(str::to_owned))
    }

    /// Creates the first account of a school file that has none: its 系统管理员.
    fn create_first_admin(admin: Credentials) -> Session = sync {
        with_workspace(&state, |ws| ws.create_first_admin(&admin))
    }

    fn sign_out() -> () = sync {
        with_workspace(&state, |ws| ws.sign_out())
    }

    /// Locks the session (the 锁定 button, or ten idle minutes in the UI).
    fn lock_session() -> () = sync {
        with_workspace(&state, |ws| ws.lock())
    }

    /// Unlocks with the password: a new session, with a new sync worker.
    fn unlock_session(password: String) -> Session = sync {
        with_workspace(&state, |ws| ws.unlock(&password))
    }

    fn list_users() -> Vec<User> = sync {
        with_school(&state, |file| file.accounts().list())
    }

    /// Adds an account; a new 系统管理员's password is the file's password now.
    fn add_user(user: NewUser) -> User = sync {
        with_workspace(&state, |ws| ws.add_user(&user))
    }

    fn set_user_disabled(name: String, disabled: bool) -> User = sync {
        with_school(&state, |file| file.accounts().set_disabled(&name, disabled))
    }

    fn set_user_role(name: String, role: Role) -> User = sync {
        with_school(&state, |file| file.accounts().set_role(&name, role))
    }

    /// Sets a password: one's own (with the current one) or, for a
    /// 系统管理员, anyone's. Setting a 系统管理员's rewrites the file under the
    /// new key.
    fn change_password(name: String, current: Option<String>, password: String) -> () = sync {
        with_workspace(&state, |ws| ws.change_password(&name, current.as_deref(), &password))
    }

    /// Whether the 系统管理员 just signed in (or who created the school) is
    /// to be shown a new recovery code: the file has none yet.
    fn recovery_code_missing() -> bool = sync {
        with_school(&state, |file| file.recovery_codes().missing())
    }

    /// Where the recovery code stands (设置 → 账号); a missing recovery file
    /// is written again.
    fn recovery_status() -> RecoveryStatus = sync {
        with_school(&state, |file| file.recovery_codes().status())
    }

    /// A new recovery code to show once; nothing is kept until `recovery_keep_code`.
    fn recovery_new_code() -> RecoveryCodeShown = sync {
        with_school(&state, |file| file.recovery_codes().new_code().map(|(_, shown)| shown))
    }

    /// Writes the 恢复码保管单 of `code` beside the school file and returns
    /// its path (the window opens it in the system viewer to print).
    fn recovery_sheet(code: String) -> String = task {
        with_school(&state, |file| {
            let code = RecoveryCode::parse(&code)?;
            let name = taoli_core::recovery::sheet_file_name(&file.school()?.name);
            let folder = file.path().parent().unwrap_or(&state.data_dir);
            let path = taoli_core::export::unused_path(&folder.join(name));
            file.recovery_sheet().write(&code, &path)?;
            Ok(path.display().to_string())
        })
    }

    /// Makes `code` the file's recovery code, once the 系统管理员 has it (the
    /// old one stops opening it).
    fn recovery_keep_code(code: String) -> RecoveryStatus = sync {
        with_school(&state, |file| file.recovery_codes().set(&RecoveryCode::parse(&code)?))
    }

    /// The 系统管理员 accounts whose password the recovery code of the file
    /// at `path` may set; a wrong code is refused here, before a new password
    /// is asked.
    fn recovery_accounts(path: String, code: String) -> Vec<String> = sync {
        SchoolFile::recovery_accounts(Path::new(&path), &code, None).map_err(payload)
    }

    /// Opens the file at `path` with its recovery code, sets `account`'s new
    /// password and signs them in; the new key is kept in the keychain.
    fn recover_with_code(
        path: String,
        code: String,
        account: Option<String>,
        password: String,
    ) -> OpenedSchool = sync {
        with_workspace(&state, |ws| {
            ws.recover_with_code(Path::new(&path), &code, account.as_deref(), &password)
        })
    }

    fn close_school() -> () = sync {
        with_workspace(&state, |ws| ws.close())
    }

    /// The network share the open school file lies on, if it does: the
    /// window shows its notice with 「复制到本机」.
    fn network_share() -> Option<NetworkShare> = sync {
        with_school(&state, |file| Ok(file.network_share().cloned()))
    }

    /// 复制到本机: copies the open school file into `folder` (the default data
    /// folder when none is given), makes the copy the open school, signed in
    /// as before, and closes the file on the share.
    fn copy_to_this_computer(folder: Option<String>) -> CopiedToThisComputer = sync {
        let folder = folder.map_or_else(|| state.data_dir.clone(), PathBuf::from);
        with_workspace(&state, |ws| ws.copy_to_this_computer(&folder))
    }

    /// The teachers matching `query` (matching is done in Rust) and the
    /// school's total.
    fn list_teachers(query: String) -> TeacherListing = sync {
        with_school(&state, |file| file.search().teachers(&query))
    }

    /// The teachers matching `query` among those on the active roster, off
    /// it (离校教师) or everyone, with how many each side has.
    /// With `status`, only the teachers in that 人员状态 (or under it).
    fn list_roster(query: String, filter: RosterFilter, status: Option<String>) -> TeacherListing = sync {
        with_school(&state, |file| file.search().roster_in_status(&query, filter, status.as_deref()))
    }

    /// How a change to each 人员状态 is handled (the change dialog's hints).
    fn status_rules() -> Vec<StatusRule> = sync {
        with_school(&state, |file| file.status_changes().rules())
    }

    /// A teacher's status history (the form's timeline) and what holds now.
    fn status_timeline(teacher_id: String) -> StatusTimeline = sync {
        with_school(&state, |file| file.status_changes().timeline(&teacher_id))
    }

    /// 变动: changes a teacher's 人员状态, at once or pending the county's approval.
    fn change_status(change: NewStatusChange) -> StatusEvent = sync {
        with_school(&state, |file| file.status_changes().change(&change))
    }

    /// Withdraws a status change still waiting for the county.
    fn withdraw_status_change(event_id: String) -> StatusEvent = sync {
        with_school(&state, |file| file.status_changes().withdraw(&event_id))
    }

    /// The live hint under the ID number field: what is wrong, or nothing.
    fn check_id_number(id_type: String, id_number: String) -> Option<String> = sync {
        taoli_core::teacher::id_number_problem(&id_type, &id_number, state.locale()).map_err(payload)
    }

    /// What a valid resident ID number gives of 基本信息 (出生日期, 性别), for
    /// the form to fill where empty; nothing for another ID type or an
    /// invalid number.
    fn id_derived_values(id_type: String, id_number: String) -> Vec<IdDerivedValue> = sync {
        with_school(&state, |file| file.data_entry().id_derived_values(&id_type, &id_number))
    }

    /// 更正: corrects a teacher's name, ID type and number, with the reason;
    /// for a teacher in effect upstream, asks the county (更正申请).
    fn correct_identity(correction: IdentityCorrection) -> CorrectionOutcome = sync {
        with_school(&state, |file| file.data_entry().correct_identity(&correction))
    }

    /// The teacher's identity correction waiting for the county or returned.
    fn correction_request(teacher_id: String) -> Option<CorrectionRequest> = sync {
        with_school(&state, |file| file.data_entry().correction_request(&teacher_id))
    }

    /// Withdraws the teacher's open identity correction.
    fn withdraw_correction(teacher_id: String) -> CorrectionRequest = sync {
        with_school(&state, |file| file.data_entry().withdraw_correction(&teacher_id))
    }

    /// Removes a teacher entered by mistake (never reported), with the reason.
    fn remove_teacher(teacher_id: String, reason: String) -> Teacher = sync {
        with_school(&state, |file| file.data_entry().remove_teacher(&teacher_id, &reason))
    }

    /// 还差什么's sign-offs: teachers asked to sign whose sheet is unsigned or stale.
    fn signoff_gaps() -> SignoffGaps = sync {
        with_school(&state, |file| file.sheets().gaps())
    }

    /// The sign-off gate: whether a signed, current sheet is required before
    /// upload, and how many teachers have none.
    fn signoff_gate() -> SignoffGate = sync {
        with_school(&state, |file| file.sheets().signoff_gate())
    }

    /// Turns the sign-off gate on or off (系统管理员).
    fn set_signoff_required(required: bool) -> SignoffGate = sync {
        with_school(&state, |file| file.sheets().set_signoff_required(required))
    }

    /// 疑似重复: pairs of teachers that look like one person.
    fn find_duplicates() -> Vec<DuplicatePair> = sync {
        with_school(&state, |file| file.duplicates().find())
    }

    /// 合并: merges `merged` into `kept`, with the reason.
    fn merge_teachers(kept: String, merged: String, reason: String) -> Teacher = sync {
        with_school(&state, |file| file.duplicates().merge(&kept, &merged, &reason))
    }

    fn add_teacher(teacher: NewTeacher) -> Teacher = sync {
        with_school(&state, |file| file.data_entry().add_teacher(&teacher))
    }

    /// The open school's indicator catalog: what the teacher form is built
    /// from (groups in tab order, their fields and the code tables they use).
    fn school_catalog() -> EffectiveCatalog = sync {
        with_school(&state, |file| file.effective_catalog())
    }

    /// Every stored record of one teacher, by group and row order.
    fn teacher_records(teacher_id: String) -> Vec<IndicatorRecord> = sync {
        with_school(&state, |file| file.teachers().records(&teacher_id))
    }

    /// Creates a record (record_id null) or replaces the fields of the one named.
    fn save_record(draft: RecordDraft) -> IndicatorRecord = sync {
        with_school(&state, |file| file.data_entry().save_draft(&draft))
    }

    /// The problems the teacher would have with `draft` saved: the form's
    /// inline messages.
    fn check_record(draft: RecordDraft) -> Vec<Problem> = sync {
        with_school(&state, |file| file.data_entry().check_draft(&draft))
    }

    fn delete_record(record_id: String) -> () = sync {
        with_school(&state, |file| file.data_entry().delete_record(&record_id))
    }

    /// Every problem of every teacher of the open school.
    fn validate_school() -> ValidationReport = sync {
        with_school(&state, |file| file.validation().report())
    }

    /// The open school's statistics (统计 page), ages as of today.
    fn school_stats() -> SchoolStats = sync {
        with_school(&state, |file| file.stats().count())
    }

    /// The province pack (省级补充包) the open school uses, if any.
    fn province_pack() -> Option<PackInfo> = sync {
        with_school(&state, |file| Ok(file.province_pack()?.map(|p| p.info)))
    }

    /// Makes the open school use the province pack in the file at `path`. A
    /// pack that contradicts the national catalog is refused and nothing
    /// changes.
    fn use_province_pack(path: String) -> PackInfo = sync {
        let pack = ProvincePack::load(Path::new(&path)).map_err(payload)?;
        with_school(&state, |file| file.province().use_pack(&pack))
    }

    /// Stops using the province pack: the school validates against the
    /// national catalog alone.
    fn clear_province_pack() -> () = sync {
        with_school(&state, |file| file.province().clear())
    }

    /// Keeps a written reason with a warning the teacher has now.
    fn explain_warning(
        teacher_id: String,
        rule: String,
        field: Option<String>,
        row_order: Option<i64>,
        reason: String,
    ) -> () = sync {
        let warning = WarningRef {
            teacher_id: &teacher_id,
            rule: &rule,
            field: field.as_deref(),
            row_order,
        };
        with_school(&state, |file| file.validation().explain_warning(&warning, &reason))
    }

    /// The open 待修正 values, of one teacher when given.
    fn pending_values(teacher_id: Option<String>) -> Vec<PendingValue> = sync {
        with_school(&state, |file| file.pending().values(teacher_id.as_deref()))
    }

    /// Clears one 待修正 value the clerk has checked.
    fn clear_pending_value(id: String) -> () = sync {
        with_school(&state, |file| file.pending().clear(&id))
    }

    // ── Roster import (the import wizard) ───────────────────────────────────

    /// Opens a roster (.xlsx/.xlsm/.xls/.ods/.csv/.txt): its kind, text
    /// encoding and sheets.
    fn import_open(path: String) -> RosterInfo = sync {
        Ok(import::open(Path::new(&path)).map_err(payload)?.info())
    }

    /// Plans the import (a dry run) and keeps the plan for paging and committing.
    fn import_preview(path: String, options: ImportOptions) -> ImportSummary = sync {
        // Worded in the window's language, whatever the window sent.
        let options = ImportOptions {
            locale: state.locale(),
            ..options
        };
        let mut roster = import::open(Path::new(&path)).map_err(payload)?;
        let plan = with_school(&state, |file| file.imports().plan(&mut roster, &options))?;
        let summary = plan.preview.summary();
        *state.pending_import() = Some(plan);
        Ok(summary)
    }

    /// One page of the kept plan's rows: those with `status` (all when null).
    fn import_rows(status: Option<RowStatus>, offset: usize, limit: usize) -> RowPage = sync {
        let pending = state.pending_import();
        let plan = pending.as_ref().ok_or_else(no_import_pending)?;
        Ok(plan.preview.rows_page(status, offset, limit))
    }

    /// Commits the previewed import, telling the window its progress
    /// (`import-progress` events with `[done, total]`).
    fn import_commit() -> ImportRun = task {
        let mut plan = state
            .pending_import()
            .take()
            .ok_or_else(no_import_pending)?;
        let mut progress = |done: usize, total: usize| {
            let _ = tauri::Emitter::emit(&app, IMPORT_PROGRESS_EVENT, (done, total));
        };
        // The plan stays for the refused-rows workbook (and a retry after a
        // failure); once committed, it keeps only what the workbook and the
        // pages need.
        let result = with_school(&state, |file| file.imports().commit(&mut plan, &mut progress));
        *state.pending_import() = Some(plan);
        result
    }

    /// Writes the kept plan's refused rows, with their reasons, to the .xlsx
    /// at `path`; returns how many.
    fn import_save_refused(path: String) -> usize = sync {
        let pending = state.pending_import();
        let plan = pending.as_ref().ok_or_else(no_import_pending)?;
        import::refused::write_refused_rows(plan, Path::new(&path)).map_err(payload)
    }

    /// The school's imports, newest first.
    fn import_history() -> Vec<ImportRun> = sync {
        with_school(&state, |file| file.imports().runs())
    }

    /// Undoes the import named (the latest not undone when null); refused
    /// when its teachers changed since.
    fn import_undo(import_id: Option<String>) -> UndoResult = sync {
        with_school(&state, |file| file.imports().undo(import_id.as_deref()))
    }

    // ── Spreadsheets out ────────────────────────────────────────────────────

    /// Writes the open school in `format` to `path` (a CSV needs `group`),
    /// in `style` (Taoli's own when none); returns the path written.
    fn export_file(
        format: ExportFormat,
        group: Option<String>,
        path: String,
        style: Option<SheetStyle>,
    ) -> String = sync {
        with_school(&state, |file| {
            file.exports().to_file_in(
                format,
                group.as_deref(),
                style.unwrap_or_default(),
                Path::new(&path),
            )
        })?;
        Ok(path)
    }

    /// The file name the save dialog proposes for a workbook export.
    fn export_file_name(format: ExportFormat, style: Option<SheetStyle>) -> String = sync {
        with_school(&state, |file| {
            let school = file.school()?;
            Ok(format.suggested_file_name_in(&school.name, style.unwrap_or_default()))
        })
    }

    // ── Verification sheets and sign-off ────────────────────────────────────

    /// A preview of the sheets of these teachers (everyone when none): the
    /// first teachers' pages as SVG.
    fn sheets_preview(teacher_ids: Vec<String>) -> SheetsPreview = task {
        let template = Template::resolve(None).map_err(payload)?;
        with_school(&state, |file| {
            file.sheets().preview(&teacher_ids, &template, sheets::PREVIEW_TEACHERS)
        })
    }

    /// Where the sheets are saved unless the clerk says otherwise: beside
    /// the school file, named after the school.
    fn sheets_default_path() -> String = sync {
        with_school(&state, |file| {
            let school = file.school()?;
            let folder = file.path().parent().unwrap_or(&state.data_dir);
            Ok(folder
                .join(sheets::default_file_name(&school.name))
                .display()
                .to_string())
        })
    }

    /// Prints the sheets of these teachers (everyone when none) to a PDF at
    /// `path` and records each fingerprint printed.
    fn sheets_print(teacher_ids: Vec<String>, path: String) -> PrintedSheets = task {
        let template = Template::resolve(None).map_err(payload)?;
        with_school(&state, |file| {
            file.sheets().print(&teacher_ids, &template, Path::new(&path))
        })
    }

    /// Opens a file the app wrote (the printed sheets) in the computer's own
    /// viewer.
    fn open_file(path: String) -> () = sync {
        use tauri_plugin_opener::OpenerExt;
        app.opener()
            .open_path(&path, None::<&str>)
            .map_err(|e| cannot_open(&path, &e.to_string()))
    }

    /// Every teacher's sign-off state, by teacher id.
    fn signoff_states() -> HashMap<String, SignoffState> = sync {
        with_school(&state, |file| file.sheets().signoff_states())
    }

    /// A teacher's sign-off state and the versions of their sheet printed,
    /// latest first.
    fn signoff_info(teacher_id: String) -> SignoffInfo = sync {
        with_school(&state, |file| file.sheets().signoff_info(&teacher_id))
    }

    /// Marks a teacher's sheet signed with the fingerprint on the signed paper.
    fn signoff(teacher_id: String, fingerprint: String) -> SignoffState = sync {
        with_school(&state, |file| file.sheets().signoff(&teacher_id, &fingerprint))
    }

    // ── Audit trail (操作记录) ──────────────────────────────────────────────

    /// A page of the audit log, newest first, narrowed by `query`.
    fn audit_log(query: AuditQuery) -> AuditPage = sync {
        let query = AuditQuery { locale: state.locale(), ..query };
        with_school(&state, |file| file.audit().log(&query))
    }

    /// Checks the audit chain for edited, removed or reordered entries.
    fn audit_verify() -> AuditCheck = task {
        with_school(&state, |file| file.audit().verify())
    }

    /// Writes the log narrowed by `query` as CSV to `path` (recorded as an
    /// export).
    fn audit_export(query: AuditQuery, path: String) -> String = sync {
        let query = AuditQuery { locale: state.locale(), ..query };
        with_school(&state, |file| file.exports().audit_log_to(&query, Path::new(&path)))?;
        Ok(path)
    }

    /// The file name the save dialog proposes for the audit log.
    fn audit_file_name() -> String = sync {
        with_school(&state, |file| {
            Ok(taoli_core::audit::audit_file_name(&file.school()?.name, state.locale()))
        })
    }

    // ── Backups (备份与恢复) ────────────────────────────────────────────────

    /// The automatic backups, newest first, and their folder.
    fn backup_list() -> BackupList = sync {
        with_school(&state, |file| file.backups().listing())
    }

    /// An automatic backup now (手动).
    fn backup_now() -> Backup = task {
        with_school(&state, |file| file.backups().now(BackupReason::Manual))
    }

    /// A backup into a folder the clerk chose (a USB stick); never pruned.
    fn backup_to(folder: String) -> Backup = task {
        with_school(&state, |file| file.backups().to_folder(Path::new(&folder)))
    }

    /// Restores the school from a backup; returns the backup of the file as
    /// it was.
    fn restore_backup(path: String) -> Backup = task {
        with_school(&state, |file| file.backups().restore(Path::new(&path)))
    }

    /// Restores a backup made under an earlier 系统管理员 password, given
    /// that password (after `restore_backup` said `backup.key_mismatch`).
    fn restore_backup_with_password(path: String, password: String) -> Backup = task {
        with_school(&state, |file| {
            file.backups().restore_with_password(Path::new(&path), &password)
        })
    }

    // ── 报送 (reporting to the upstream, docs/batches.md) ───────────────────

    /// The school's enrollment with the upstream, or null before it enrolls.
    fn enrollment() -> Option<EnrollmentInfo> = sync {
        with_school(&state, |file| file.reporting().enrollment())
    }

    /// Enrolls (登记) with the upstream at `upstream` and the county's 报送码;
    /// `admin_password` when this computer has no keychain (else the core
    /// asks for it: `batches.admin_password_needed`).
    fn enroll(
        upstream: String,
        code: String,
        admin_password: Option<String>,
    ) -> EnrollmentInfo = worker |worker| {
        worker.enroll(&upstream, &code, admin_password.as_deref())
    }

    /// How the school reaches its upstream: whether plain `http://` to
    /// another computer is allowed.
    fn transport_settings() -> TransportSettings = sync {
        with_school(&state, |file| file.reporting().transport())
    }

    /// Allows or forbids plain `http://` to another computer (系统管理员).
    fn set_allow_plain_http(allow: bool) -> TransportSettings = sync {
        with_school(&state, |file| file.reporting().set_allow_plain_http(allow))
    }

    /// 立即上传: sends what waits, builds, signs and uploads a batch of what
    /// changed (with the 变更理由 for changes to information in effect),
    /// pulls the reviews.
    fn submit(
        change_reason: Option<String>,
        admin_password: Option<String>,
    ) -> SubmitOutcome = worker |worker| {
        worker.submit(change_reason.as_deref(), admin_password.as_deref())
    }

    /// 立即同步: a sync pass now.
    fn sync_now(admin_password: Option<String>) -> SyncPass = worker |worker| {
        worker.sync_now(admin_password.as_deref())
    }

    /// The last sync pass of this session (the worker's or the clerk's), if any.
    fn last_sync() -> Option<SyncPass> = sync {
        Ok(state.worker().ok().and_then(|worker| worker.last_pass()))
    }

    /// Where the school's reporting stands: each teacher and batch, the next
    /// deadline and what is still missing.
    fn outbox_status() -> OutboxStatus = task {
        with_school(&state, |file| file.reporting().outbox_status())
    }

    /// The home's figures (工作台): the next deadline, completeness,
    /// sign-offs, changes not yet uploaded and returned records.
    fn workbench_summary() -> WorkbenchSummary = task {
        with_school(&state, |file| file.workbench().summary())
    }

    /// The school's review before upload (学校负责人审核): whether it is
    /// required, the batch that waits, the last return's note.
    fn review_status() -> ReviewStatus = sync {
        with_school(&state, |file| file.school_review().status())
    }

    /// Turns the school's review before upload on or off (系统管理员).
    fn review_set_required(required: bool) -> ReviewStatus = sync {
        with_school(&state, |file| file.school_review().set_required(required))
    }

    /// The batch waiting for review, per teacher, before → after (系统管理员).
    fn review_pending() -> Option<PendingReview> = task {
        with_school(&state, |file| file.school_review().pending())
    }

    /// 批准并上传: signs the waiting batch and uploads it; `admin_password`
    /// when the signing key is kept in the school file and not yet unlocked.
    fn review_approve(admin_password: Option<String>) -> ReviewApproval = task {
        off_the_runtime(|| {
            with_workspace(&state, |workspace| workspace.approve_review(admin_password.as_deref()))
        })
    }

    /// 退回: drops the waiting batch, its changes unsent again, with `note`
    /// for the clerk.
    fn review_send_back(note: String) -> ReturnedBatch = sync {
        with_school(&state, |file| file.school_review().send_back(&note))
    }

    /// The kept receipts (回执), newest first.
    fn receipts() -> Vec<ReceiptInfo> = sync {
        with_school(&state, |file| file.reporting().receipts())
    }

    /// Writes the receipt of `batch_id`, as kept, to `path`.
    fn export_receipt(batch_id: String, path: String) -> ReceiptInfo = sync {
        with_school(&state, |file| {
            file.reporting().export_receipt(&batch_id, Path::new(&path))
        })
    }

    /// The file name the save dialog proposes for the receipt of batch `sequence`.
    fn receipt_file_name(sequence: i64) -> String = sync {
        with_school(&state, |file| file.reporting().receipt_file_name(sequence))
    }

    /// The county's notices (督促提醒), newest first.
    fn upstream_notices() -> Vec<UpstreamNotice> = sync {
        with_school(&state, |file| file.reporting().notices())
    }

    /// Marks the county's unread notices read (知道了); how many were unread.
    fn mark_upstream_notices_read() -> usize = sync {
        with_school(&state, |file| file.reporting().mark_notices_read())
    }

    /// The file name the save dialog proposes for a `.taolibatch`.
    fn batch_file_name() -> String = sync {
        with_school(&state, |file| file.reporting().batch_file_name())
    }

    /// Writes the batch in flight (or a new one) to a `.taolibatch` at `path`
    /// for a USB stick; null when there is nothing to report.
    fn export_batch(
        path: String,
        change_reason: Option<String>,
        admin_password: Option<String>,
    ) -> Option<BatchExport> = worker |worker| {
        worker.export_batch(
            Path::new(&path),
            change_reason.as_deref(),
            admin_password.as_deref(),
        )
    }

    /// Imports a receipt file (`.taolireceipt`) that came back from the
    /// computer that uploaded a carried batch.
    fn import_receipt(path: String) -> ReceiptImport = worker |worker| {
        worker.import_receipt(Path::new(&path))
    }
}
