//! What the shell keeps between calls: the open school file, its sync
//! worker and the folders.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use std::path::Path;

use taoli_core::batches::{SyncPass, SyncWorker, WorkerOptions};
use taoli_core::import::ImportPlan;
use taoli_core::secrets::{KeychainSecretStore, SecretStore};
use taoli_core::{ErrorKind, ErrorPayload, SchoolFile};

/// Seconds between the sync worker's passes, instead of five minutes
/// (the end-to-end tests make it short).
pub const SYNC_INTERVAL_VARIABLE: &str = "TAOLI_SYNC_INTERVAL_SECONDS";

/// The signed-in session's sync worker, or why it has none (a role that
/// may not report: the core's refusal, said again when asked to report).
type Worker = Result<Arc<SyncWorker>, ErrorPayload>;

#[derive(Debug)]
pub struct AppState {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub launch_file: Option<PathBuf>,
    school: Mutex<Option<SchoolFile>>,
    /// The import the wizard previewed, kept until it is committed or replaced.
    pending_import: Mutex<Option<ImportPlan>>,
    /// Why today's automatic backup failed, if it did.
    daily_backup_problem: Mutex<Option<String>>,
    /// The sync worker of the session signed in to the open school; None
    /// while nobody is (docs/batches.md, "The app's sync worker").
    worker: Mutex<Option<Worker>>,
}

impl AppState {
    pub fn new(config_dir: PathBuf, data_dir: PathBuf, launch_file: Option<PathBuf>) -> Self {
        AppState {
            config_dir,
            data_dir,
            launch_file,
            school: Mutex::new(None),
            pending_import: Mutex::new(None),
            daily_backup_problem: Mutex::new(None),
            worker: Mutex::new(None),
        }
    }

    /// The open school file slot. A panic while it was held cannot leave a
    /// half-written file (every write is one transaction), so a poisoned lock
    /// is taken over.
    pub fn school(&self) -> MutexGuard<'_, Option<SchoolFile>> {
        self.school.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a school file with the key this computer's keychain holds for
    /// it (a plaintext file as it is): `file.key_needed` when it has none.
    pub fn open(&self, path: &Path) -> taoli_core::Result<SchoolFile> {
        SchoolFile::open_on_this_computer(path, None)
    }

    /// Opens an encrypted school file with the 系统管理员 password, keeping
    /// the key in the keychain when there is one.
    pub fn open_with_password(
        &self,
        path: &Path,
        password: &str,
    ) -> taoli_core::Result<SchoolFile> {
        SchoolFile::open_on_this_computer(path, Some(password))
    }

    /// Keeps the open file's key in the keychain (after it was created,
    /// encrypted or given a new 系统管理员 password); nothing without one.
    pub fn keep_key(&self, file: &SchoolFile) {
        file.keep_key_on_this_computer();
    }

    /// Why today's automatic backup failed, if it did.
    pub fn daily_backup_problem(&self) -> MutexGuard<'_, Option<String>> {
        self.daily_backup_problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the sync worker of `file`'s session (stopping the one before),
    /// which tells the window each pass through `tell`.
    pub fn start_worker(
        &self,
        file: &SchoolFile,
        tell: impl Fn(&SyncPass) + Send + Sync + 'static,
    ) {
        let keychain = KeychainSecretStore::new()
            .ok()
            .map(|k| Arc::new(k) as Arc<dyn SecretStore>);
        let options = std::env::var(SYNC_INTERVAL_VARIABLE)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or_else(WorkerOptions::default, |s| {
                WorkerOptions::every(Duration::from_secs(s))
            });
        let started = SyncWorker::start(file, keychain, options, tell)
            .map(Arc::new)
            .map_err(|e| ErrorPayload::from(&e));
        if let Some(Ok(before)) = self.worker_slot().replace(started) {
            before.stop();
        }
    }

    /// Stops the sync worker (signed out, locked, school closed).
    pub fn stop_worker(&self) {
        if let Some(Ok(worker)) = self.worker_slot().take() {
            worker.stop();
        }
    }

    /// The session's sync worker, or why there is none.
    pub fn worker(&self) -> Worker {
        self.worker_slot()
            .clone()
            .unwrap_or_else(|| Err(no_session()))
    }

    fn worker_slot(&self) -> MutexGuard<'_, Option<Worker>> {
        self.worker.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The previewed import, if any.
    pub fn pending_import(&self) -> MutexGuard<'_, Option<ImportPlan>> {
        self.pending_import
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}

/// The error for a call that needs an open school when none is.
pub fn no_school_open() -> ErrorPayload {
    ErrorPayload {
        code: "app.no_school_open".to_owned(),
        kind: ErrorKind::User,
        message: "还没有打开学校文件。请先在开始页打开或新建一个学校文件。".to_owned(),
    }
}

/// The error for a reporting call while nobody is signed in.
pub fn no_session() -> ErrorPayload {
    ErrorPayload::from(&taoli_core::Error::NotSignedIn)
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
