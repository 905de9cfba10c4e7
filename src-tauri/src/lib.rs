//! The Taoli desktop shell. It owns the window and the open school file, and
//! translates each UI call into one taoli-core call (see `commands`). No domain
//! logic lives here.

// Unit tests may index and count freely (docs/reliability.md, "Lints");
// the non-test build of this crate is linted in full.
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::arithmetic_side_effects
    )
)]

mod commands;
mod state;

use std::path::PathBuf;

use tauri::Manager;

use crate::state::AppState;

/// Starts the app. `taoli-app [SCHOOL_FILE]` opens that school file at once.
///
/// Environment: `TAOLI_CONFIG_DIR` (where the recent-files list lives) and
/// `TAOLI_DATA_DIR` (the default folder for new school files) override the
/// platform folders; tests use them to stay out of the user's home.
/// `TAOLI_REPORT_DIR` is where a caught panic's report goes (else the app's
/// local data folder's `错误报告`).
pub fn run() {
    let launch_file = std::env::args_os().nth(1).map(PathBuf::from);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            let paths = app.path();
            let reports_dir = env_dir("TAOLI_REPORT_DIR")
                .or_else(|| paths.app_local_data_dir().ok().map(|d| d.join("错误报告")))
                .unwrap_or_else(|| std::env::temp_dir().join("taoli").join("错误报告"));
            taoli_core::panic_report::install(reports_dir);
            let config_dir = env_dir("TAOLI_CONFIG_DIR")
                .or_else(|| paths.app_config_dir().ok())
                .unwrap_or_else(|| PathBuf::from("."));
            let data_dir = env_dir("TAOLI_DATA_DIR")
                .or_else(|| paths.document_dir().ok().map(|d| d.join("桃李")))
                .or_else(|| paths.home_dir().ok().map(|d| d.join("桃李")))
                .unwrap_or_else(|| PathBuf::from("."));
            app.manage(AppState::new(config_dir, data_dir, launch_file.clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::launch_file,
            commands::school_types,
            commands::id_types,
            commands::regions,
            commands::recent_files,
            commands::forget_recent,
            commands::default_school_path,
            commands::create_school,
            commands::open_school,
            commands::open_school_with_password,
            commands::sign_in,
            commands::daily_backup_problem,
            commands::create_first_admin,
            commands::sign_out,
            commands::lock_session,
            commands::unlock_session,
            commands::list_users,
            commands::add_user,
            commands::set_user_disabled,
            commands::set_user_role,
            commands::change_password,
            commands::recovery_code_missing,
            commands::recovery_status,
            commands::recovery_new_code,
            commands::recovery_sheet,
            commands::recovery_keep_code,
            commands::recovery_accounts,
            commands::recover_with_code,
            commands::close_school,
            commands::network_share,
            commands::copy_to_this_computer,
            commands::list_teachers,
            commands::check_id_number,
            commands::id_derived_values,
            commands::add_teacher,
            commands::school_catalog,
            commands::teacher_records,
            commands::save_record,
            commands::check_record,
            commands::delete_record,
            commands::validate_school,
            commands::school_stats,
            commands::province_pack,
            commands::use_province_pack,
            commands::clear_province_pack,
            commands::explain_warning,
            commands::pending_values,
            commands::clear_pending_value,
            commands::import_open,
            commands::import_preview,
            commands::import_rows,
            commands::import_commit,
            commands::import_save_refused,
            commands::import_history,
            commands::import_undo,
            commands::export_file,
            commands::export_file_name,
            commands::sheets_preview,
            commands::sheets_default_path,
            commands::sheets_print,
            commands::open_file,
            commands::signoff_states,
            commands::signoff_info,
            commands::signoff,
            commands::audit_log,
            commands::audit_verify,
            commands::audit_export,
            commands::audit_file_name,
            commands::backup_list,
            commands::backup_now,
            commands::backup_to,
            commands::restore_backup,
            commands::restore_backup_with_password,
            commands::enrollment,
            commands::enroll,
            commands::submit,
            commands::sync_now,
            commands::last_sync,
            commands::outbox_status,
            commands::receipts,
            commands::export_receipt,
            commands::receipt_file_name,
            commands::batch_file_name,
            commands::export_batch,
            commands::import_receipt,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        // Startup invariant: without a window there is nothing left to do.
        eprintln!("桃李无法启动：{error}");
        std::process::exit(2);
    }
}

fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
