//! What the shell keeps between calls: the workspace (the open school file
//! with its session policy, `taoli_core::workspace`), the import being
//! previewed, and the folders.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use taoli_core::batches::WorkerOptions;
use taoli_core::error::FileError;
use taoli_core::import::ImportPlan;
use taoli_core::workspace::{PassHook, Worker, WorkerSlot, Workspace};
use taoli_core::{ErrorKind, Locale, SharedLocale};

use crate::surface::Failure;

/// Seconds between the sync worker's passes, instead of five minutes
/// (the end-to-end tests make it short).
pub const SYNC_INTERVAL_VARIABLE: &str = "TAOLI_SYNC_INTERVAL_SECONDS";

#[derive(Debug)]
pub struct AppState {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub launch_file: Option<PathBuf>,
    workspace: Mutex<Workspace>,
    /// The workspace's sync worker, read without waiting for the open file.
    worker: WorkerSlot,
    /// The import the wizard previewed, kept until it is committed or replaced.
    pending_import: Mutex<Option<ImportPlan>>,
    /// The window's language (`set_locale`), which every error is said in;
    /// the workspace and its sync worker share it.
    locale: SharedLocale,
}

impl AppState {
    /// The app's workspace: this computer's keychain, the recent-files list
    /// in `config_dir`, the daily backup, and a sync worker telling each
    /// pass to `on_pass` (the window).
    pub fn new(
        config_dir: PathBuf,
        data_dir: PathBuf,
        launch_file: Option<PathBuf>,
        on_pass: PassHook,
    ) -> Self {
        let locale = SharedLocale::default();
        let workspace = Workspace::on_this_computer()
            .with_recent_files(config_dir.clone())
            .with_daily_backup()
            .with_sync_worker(worker_options(), on_pass)
            .with_locale(locale.clone());
        let worker = workspace.worker_slot();
        AppState {
            config_dir,
            data_dir,
            launch_file,
            workspace: Mutex::new(workspace),
            worker,
            pending_import: Mutex::new(None),
            locale,
        }
    }

    /// The window's language.
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// Says every error from now on in `locale` (the window's choice).
    pub fn set_locale(&self, locale: Locale) {
        self.locale.set(locale);
    }

    /// The workspace. A panic while it was held cannot leave a half-written
    /// file (every write is one transaction), so a poisoned lock is taken over.
    pub fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session's sync worker, or why there is none.
    pub fn worker(&self) -> Worker {
        self.worker.current()
    }

    /// The previewed import, if any.
    pub fn pending_import(&self) -> MutexGuard<'_, Option<ImportPlan>> {
        self.pending_import
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}

/// Every five minutes, or every `TAOLI_SYNC_INTERVAL_SECONDS`.
fn worker_options() -> WorkerOptions {
    std::env::var(SYNC_INTERVAL_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map_or_else(WorkerOptions::default, |s| {
            WorkerOptions::every(Duration::from_secs(s))
        })
}

/// The hook that sends each sync pass to the window.
pub fn tell_window(app: tauri::AppHandle, event: &'static str) -> PassHook {
    Arc::new(move |pass| {
        let _ = tauri::Emitter::emit(&app, event, pass);
    })
}

/// The error for a call that needs an open school when none is.
pub fn no_school_open() -> Failure {
    Failure::Core(taoli_core::Error::File(FileError::NoSchoolOpen))
}

/// The error for an import call that needs a preview first.
pub fn no_import_pending() -> Failure {
    Failure::App {
        code: "app.no_import_pending",
        kind: ErrorKind::User,
        args: vec![],
    }
}

/// The error for a call whose thread ended without an answer.
pub fn task_failed(detail: &str) -> Failure {
    Failure::App {
        code: "app.task_failed",
        kind: ErrorKind::Internal,
        args: vec![("detail", detail.to_owned())],
    }
}

/// The error for a file the computer could not open in its own viewer.
pub fn cannot_open(path: &str, detail: &str) -> Failure {
    Failure::App {
        code: "app.cannot_open",
        kind: ErrorKind::Internal,
        args: vec![("path", path.to_owned()), ("detail", detail.to_owned())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::guard;

    fn app_state() -> AppState {
        let dir = std::env::temp_dir().join("taoli-app-state-test");
        AppState::new(dir.clone(), dir, None, Arc::new(|_| {}))
    }

    #[test]
    fn errors_are_chinese_until_the_window_chooses_english() {
        let state = app_state();
        let chinese = guard(state.locale(), || Err::<(), _>(no_school_open())).unwrap_err();
        assert_eq!(
            chinese.message,
            taoli_core::Error::File(FileError::NoSchoolOpen).to_string()
        );
        state.set_locale(Locale::En);
        let english = guard(state.locale(), || Err::<(), _>(no_school_open())).unwrap_err();
        assert_eq!(english.code, "app.no_school_open");
        assert_eq!(
            english.message,
            "No school file is open. Open or create a school file on the start page first."
        );
    }

    #[test]
    fn the_app_s_own_failures_are_said_in_the_window_s_language() {
        let state = app_state();
        state.set_locale(Locale::En);
        let failed = guard(state.locale(), || Err::<(), _>(no_import_pending())).unwrap_err();
        assert_eq!(failed.code, "app.no_import_pending");
        assert_eq!(
            failed.message,
            "No import has been previewed yet. Choose a roster and finish its preview first."
        );
    }

    #[test]
    fn the_sync_worker_s_refusal_follows_the_window_s_language() {
        let state = app_state();
        state.set_locale(Locale::En);
        let refused = state.worker().unwrap_err();
        assert_eq!(refused.code, "account.not_signed_in");
        assert_eq!(
            refused.message,
            "Sign in first: enter your account and password."
        );
    }
}
