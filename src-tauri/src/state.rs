//! What the shell keeps between calls: the open school file and the folders.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use taoli_core::import::ImportPlan;
use taoli_core::{ErrorKind, ErrorPayload, SchoolFile};

#[derive(Debug)]
pub struct AppState {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub launch_file: Option<PathBuf>,
    school: Mutex<Option<SchoolFile>>,
    /// The import the wizard previewed, kept until it is committed or replaced.
    pending_import: Mutex<Option<ImportPlan>>,
}

impl AppState {
    pub fn new(config_dir: PathBuf, data_dir: PathBuf, launch_file: Option<PathBuf>) -> Self {
        AppState {
            config_dir,
            data_dir,
            launch_file,
            school: Mutex::new(None),
            pending_import: Mutex::new(None),
        }
    }

    /// The open school file slot. A panic while it was held cannot leave a
    /// half-written file (every write is one transaction), so a poisoned lock
    /// is taken over.
    pub fn school(&self) -> MutexGuard<'_, Option<SchoolFile>> {
        self.school.lock().unwrap_or_else(|p| p.into_inner())
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

/// The error for an import call that needs a preview first.
pub fn no_import_pending() -> ErrorPayload {
    ErrorPayload {
        code: "app.no_import_pending".to_owned(),
        kind: ErrorKind::User,
        message: "还没有预览导入。请先选择花名册并完成预览。".to_owned(),
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
