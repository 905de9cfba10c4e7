//! Bytes → a roster file (the first byte picks its extension: .xlsx, .xlsm,
//! .xls, .ods, .csv, .txt) → the import: the source reader, the header and
//! table detection, the mapping and the dry-run plan against a real school
//! file (made once, in a temporary folder), and the refused rows written
//! back out. Every roster must end in a plan or a refusal.
//!
//! calamine runs under `catch_unwind` in the importer (`source::guarded`):
//! its own arithmetic overflows on crafted cell references refuse the file.
//! libFuzzer's panic hook would abort on such a caught panic, so this target
//! keeps one that only reports (the first few): a panic that escapes the
//! importer still ends the run as a crash (libfuzzer-sys aborts on it).
#![no_main]

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use taoli_core::import::refused::write_refused_rows;
use taoli_core::import::{ImportOptions, open};
use taoli_core::{Credentials, NewSchool, NewUser, Role, SchoolFile};
use tempfile::TempDir;

const EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "ods", "csv", "txt"];
const PASSWORD: &str = "taoli-fuzz-pass";

struct Bench {
    dir: TempDir,
    file: SchoolFile,
}

/// A school file signed in as a 信息管理员 (who may import).
fn bench() -> Option<Bench> {
    let dir = TempDir::new().ok()?;
    let school = NewSchool {
        code: "2151072201".into(),
        name: "模糊测试小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    let path = dir.path().join("school.taoli");
    let mut file =
        SchoolFile::create(&path, &school, &Credentials::new("管理员", PASSWORD)).ok()?;
    file.accounts().add(&NewUser {
        name: "王老师".into(),
        role: Role::InfoManager,
        password: PASSWORD.into(),
    })
    .ok()?;
    file.sign_in(&Credentials::new("王老师", PASSWORD)).ok()?;
    Some(Bench { dir, file })
}

thread_local! {
    static BENCH: RefCell<Option<Bench>> = RefCell::new(bench());
}

/// How many panics the hook has reported.
static REPORTED: AtomicUsize = AtomicUsize::new(0);

fn report_panics_without_aborting() {
    std::panic::set_hook(Box::new(|info| {
        if REPORTED.fetch_add(1, Ordering::Relaxed) < 5 {
            eprintln!("panic (a caught one is refused by the importer): {info}");
        }
    }));
}

fuzz_target!(init: report_panics_without_aborting(), |data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(pick) % EXTENSIONS.len()];
    BENCH.with(|bench| {
        let mut bench = bench.borrow_mut();
        let Some(bench) = bench.as_mut() else {
            return;
        };
        let roster: PathBuf = bench.dir.path().join(format!("roster.{ext}"));
        if std::fs::write(&roster, bytes).is_err() {
            return;
        }
        let Ok(mut source) = open(&roster) else {
            return;
        };
        let _ = source.info();
        if let Ok(plan) = bench
            .file
            .imports()
            .plan(&mut source, &ImportOptions::default())
        {
            let _ = plan.preview.summary();
            let _ = write_refused_rows(&plan, &bench.dir.path().join("refused.xlsx"));
        }
    });
});
