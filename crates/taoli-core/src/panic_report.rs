//! Panics that escape anyway (内部错误).
//!
//! Bad input must never panic (docs/reliability.md). If a panic escapes all
//! the same, it must not take the app down or leave half an operation done:
//! the CLI's `main` and every Tauri command run their work through
//! [`catch`]. Unwinding drops the open transaction, which rolls back, so the
//! school file stays as it was before the operation. The clerk is told
//! 「内部错误」 with a short code and the report file to send
//! ([`PanicReport`], turned into [`InternalError::Panicked`]); the report holds what
//! a developer needs (message, place, backtrace, version) and nothing of the
//! school's data.
//!
//! The panic hook [`install`] sets writes the report and keeps it for the
//! `catch` that follows on the same thread. A test can make the N-th audit
//! entry this process writes (of a kind) panic ([`injection_point`], the
//! `TAOLI_TEST_PANIC_AT` variable), which lands the panic in the middle of
//! whatever write is running.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::ThreadId;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::Error;
use crate::error::InternalError;

/// The variable that makes a test panic on purpose ([`injection_point`]).
pub const INJECT_VARIABLE: &str = "TAOLI_TEST_PANIC_AT";

/// How many reports a reports folder keeps (the newest).
const KEEP_REPORTS: usize = 50;

/// A panic caught at the boundary, as the clerk is told of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PanicReport {
    /// A short code naming the place that panicked (the same place gives the
    /// same code), e.g. `TL-3F2A9C1B`.
    pub code: String,
    /// The report file written for this panic, if one could be written.
    pub file: Option<PathBuf>,
}

impl PanicReport {
    /// A report for a panic the hook did not see (no hook installed).
    fn unrecorded(message: &str) -> PanicReport {
        PanicReport {
            code: code_for(message),
            file: None,
        }
    }
}

impl From<PanicReport> for Error {
    fn from(report: PanicReport) -> Error {
        let file = report
            .file
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "（报告未能写入磁盘）".to_owned());
        Error::Internal(InternalError::Panicked {
            code: report.code,
            file,
        })
    }
}

struct Recorded {
    thread: ThreadId,
    report: PanicReport,
}

static REPORTS_DIR: OnceLock<PathBuf> = OnceLock::new();

thread_local! {
    /// Set while [`expected`] runs work whose panic is part of its answer.
    static EXPECTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
static LAST: Mutex<Option<Recorded>> = Mutex::new(None);

/// Installs the panic hook: each panic writes a report into `reports_dir`
/// (created when needed) instead of printing to the terminal, and is kept
/// for the [`catch`] that follows. Call once, at start-up.
pub fn install(reports_dir: PathBuf) {
    // A second call keeps the first folder; the hook is the same.
    let _ = REPORTS_DIR.set(reports_dir);
    std::panic::set_hook(Box::new(|info| {
        if EXPECTED.with(std::cell::Cell::get) {
            return;
        }
        let place = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "unknown".to_owned());
        let message = payload_text(info.payload());
        let backtrace = std::backtrace::Backtrace::force_capture();
        let code = code_for(&place);
        let file = REPORTS_DIR
            .get()
            .and_then(|dir| write_report(dir, &code, &place, message, &backtrace));
        let recorded = Recorded {
            thread: std::thread::current().id(),
            report: PanicReport { code, file },
        };
        *LAST.lock().unwrap_or_else(PoisonError::into_inner) = Some(recorded);
    }));
}

/// Runs `work`; a panic inside it comes back as the report of it. Whatever
/// `work` had open is dropped on the way out (a transaction rolls back).
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, PanicReport> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| {
        let here = std::thread::current().id();
        taken_report(|recorded| recorded.thread == here)
            .unwrap_or_else(|| PanicReport::unrecorded(payload_text(payload.as_ref())))
    })
}

/// Runs `work` whose panic is an expected answer that the caller turns into
/// a refusal (a third-party reader that panics on a crafted file): the panic
/// is caught and no report is written for it.
pub fn expected<T>(work: impl FnOnce() -> T) -> std::thread::Result<T> {
    let before = EXPECTED.with(|e| e.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    EXPECTED.with(|e| e.set(before));
    result
}

/// The report of a panic caught on another thread (a blocking task whose
/// join says it panicked): the newest one recorded.
pub fn report_of_other_thread(payload: &(dyn std::any::Any + Send)) -> PanicReport {
    taken_report(|_| true).unwrap_or_else(|| PanicReport::unrecorded(payload_text(payload)))
}

fn taken_report(wanted: impl Fn(&Recorded) -> bool) -> Option<PanicReport> {
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    if last.as_ref().is_some_and(wanted) {
        last.take().map(|r| r.report)
    } else {
        None
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// `TL-` and eight hex digits of the place's SHA-256: short enough to read
/// over the phone, the same for the same place in the same version.
fn code_for(place: &str) -> String {
    let digest = Sha256::digest(format!("{}|{place}", env!("CARGO_PKG_VERSION")).as_bytes());
    let mut code = String::from("TL-");
    for byte in digest.iter().take(4) {
        let _ = write!(code, "{byte:02X}");
    }
    code
}

/// Writes the report; `None` if it cannot (the hook must never fail).
fn write_report(
    dir: &Path,
    code: &str,
    place: &str,
    message: &str,
    backtrace: &std::backtrace::Backtrace,
) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let now = chrono::Local::now();
    let name = format!(
        "桃李错误报告-{}-{code}.txt",
        now.format("%Y%m%d-%H%M%S%.3f")
    );
    let path = dir.join(name);
    let text = format!(
        "桃李内部错误报告 / Taoli internal error report\n\
         编号 code: {code}\n\
         时间 time: {}\n\
         版本 version: {}\n\
         系统 os: {} {}\n\
         位置 place: {place}\n\
         信息 message: {message}\n\
         线程 thread: {}\n\n\
         {backtrace}\n",
        now.to_rfc3339(),
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
        std::thread::current().name().unwrap_or("unnamed"),
    );
    std::fs::write(&path, text).ok()?;
    prune(dir);
    Some(path)
}

/// Keeps the newest [`KEEP_REPORTS`] reports of the folder.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut reports: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("桃李错误报告-"))
        })
        .collect();
    // The names start with the time, so they sort oldest first.
    reports.sort();
    let excess = reports.len().saturating_sub(KEEP_REPORTS);
    for old in reports.iter().take(excess) {
        let _ = std::fs::remove_file(old);
    }
}

/// A place a test may make panic. `TAOLI_TEST_PANIC_AT=KIND:N` panics at the
/// N-th call of `injection_point(KIND, _)` in this process, and
/// `KIND.DETAIL:N` at the N-th call with that detail: `revision:3` while the
/// third audit entry is written, `revision.teacher:2` while the second
/// entry about a teacher is (the first teacher of the same transaction
/// already written). Without the variable (always, outside tests) it does
/// nothing.
pub fn injection_point(kind: &str, detail: &str) {
    static TARGET: OnceLock<Option<(String, u64)>> = OnceLock::new();
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let target = TARGET.get_or_init(|| {
        let value = std::env::var(INJECT_VARIABLE).ok()?;
        let (point, n) = value.rsplit_once(':')?;
        Some((point.to_owned(), n.parse().ok()?))
    });
    let Some((point, n)) = target else {
        return;
    };
    let matches = match point.split_once('.') {
        Some((k, d)) => k == kind && d == detail,
        None => point == kind,
    };
    if matches && CALLS.fetch_add(1, Ordering::Relaxed).saturating_add(1) == *n {
        panic!("injected panic at {point}:{n} ({INJECT_VARIABLE})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_place_gives_the_same_code() {
        assert_eq!(code_for("src/a.rs:1:2"), code_for("src/a.rs:1:2"));
        assert_ne!(code_for("src/a.rs:1:2"), code_for("src/a.rs:1:3"));
        assert!(code_for("x").starts_with("TL-"));
        assert_eq!(code_for("x").len(), 11);
    }

    #[test]
    fn catch_returns_the_value_of_work_that_does_not_panic() {
        assert_eq!(catch(|| 7), Ok(7));
    }

    #[test]
    fn catch_turns_a_panic_into_a_report() {
        // No hook in this test process (installing one would swallow the
        // other tests' failure messages): the report has a code, no file.
        let report = catch(|| -> u8 { panic!("boom") }).unwrap_err();
        assert!(report.code.starts_with("TL-"));
        assert_eq!(report.file, None);
    }

    #[test]
    fn a_report_file_holds_the_message_the_place_and_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let backtrace = std::backtrace::Backtrace::disabled();
        let file = write_report(
            dir.path(),
            "TL-12345678",
            "src/x.rs:1:1",
            "boom",
            &backtrace,
        )
        .expect("a report file");
        let text = std::fs::read_to_string(file).unwrap();
        for part in [
            "boom",
            "TL-12345678",
            "src/x.rs:1:1",
            env!("CARGO_PKG_VERSION"),
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }

    #[test]
    fn a_reports_folder_keeps_the_newest_fifty() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..(KEEP_REPORTS + 5) {
            std::fs::write(dir.path().join(format!("桃李错误报告-{i:04}.txt")), "").unwrap();
        }
        prune(dir.path());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), KEEP_REPORTS);
        assert!(!dir.path().join("桃李错误报告-0000.txt").exists());
        assert!(dir.path().join("桃李错误报告-0054.txt").exists());
    }

    #[test]
    fn an_expected_panic_comes_back_as_an_error() {
        let caught = expected(|| -> u8 { panic!("crafted file") });
        assert!(caught.is_err());
        assert_eq!(expected(|| 3).ok(), Some(3));
    }

    #[test]
    fn the_clerk_is_told_internal_error_with_the_code() {
        let error = Error::from(PanicReport {
            code: "TL-00000000".to_owned(),
            file: Some(PathBuf::from("/tmp/r.txt")),
        });
        let text = error.to_string();
        assert!(text.contains("内部错误"), "{text}");
        assert!(text.contains("TL-00000000"), "{text}");
        assert!(text.contains("/tmp/r.txt"), "{text}");
        assert_eq!(error.kind(), crate::ErrorKind::Internal);
        assert_eq!(error.code(), "internal.panic");
    }
}
