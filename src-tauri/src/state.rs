//! What the shell keeps between calls: the workspace (the open school file
//! with its session policy, `taoli_core::workspace`), the import being
//! previewed, and the folders.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use taoli_core::batches::WorkerOptions;
use taoli_core::import::ImportPlan;
use taoli_core::workspace::{PassHook, Worker, WorkerSlot, Workspace};
use taoli_core::{ErrorKind, ErrorPayload};

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
        let workspace = Workspace::on_this_computer()
            .with_recent_files(config_dir.clone())
            .with_daily_backup()
            .with_sync_worker(worker_options(), on_pass);
        let worker = workspace.worker_slot();
        AppState {
            config_dir,
            data_dir,
            launch_file,
            workspace: Mutex::new(workspace),
            worker,
            pending_import: Mutex::new(None),
        }
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
pub fn no_school_open() -> ErrorPayload {
    ErrorPayload::from(&taoli_core::Error::NoSchoolOpen)
}

/// The error for an import call that needs a preview first.
pub fn no_import_pending() -> ErrorPayload {
    ErrorPayload {
        code: "app.no_import_pending".to_owned(),
        kind: ErrorKind::User,
        message: "还没有预览导入。请先选择花名册并完成预览。".to_owned(),
    }
}

/// The error for a call whose thread ended without an answer.
pub fn task_failed(detail: &str) -> ErrorPayload {
    ErrorPayload {
        code: "app.task_failed".to_owned(),
        kind: ErrorKind::Internal,
        message: format!(
            "桃李内部出错，这一步没有完成（{detail}）。已经保存的数据不受影响；请重试，如果一直出现，请关闭桃李再打开。"
        ),
    }
}

/// The error for a file the computer could not open in its own viewer.
pub fn cannot_open(path: &str, detail: &str) -> ErrorPayload {
    ErrorPayload {
        code: "app.cannot_open".to_owned(),
        kind: ErrorKind::Internal,
        message: format!(
            "无法用本机的程序打开“{path}”（{detail}）。文件已保存，可以在文件夹里双击打开后打印。"
        ),
    }
}
