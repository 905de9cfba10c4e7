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
mod surface;

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
            let on_pass = state::tell_window(app.handle().clone(), commands::SYNC_PASS_EVENT);
            app.manage(AppState::new(
                config_dir,
                data_dir,
                launch_file.clone(),
                on_pass,
            ));
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        // Startup invariant: without a window there is nothing left to do.
        eprintln!("桃李无法启动：{error}");
        std::process::exit(2);
    }
}

/// The contents of `ui/src/commands.ts`: the UI's typed function of every
/// command (`surface`); a test fails when the checked-in file is stale.
pub fn commands_typescript() -> String {
    surface::typescript(&commands::table())
}

fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
