//! `taoli`: the command line over taoli-core. Each command parses its
//! arguments, makes one or two core calls and prints the result; nothing else.
//!
//! Exit codes: 0 success; 1 the user's input is wrong (a Chinese message on
//! stderr says what and how to fix it); 2 an internal failure, a caught panic
//! among them (「内部错误」 with its code and report file, the school file as
//! it was: `taoli_core::panic_report`).

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

mod batches;
mod cli;
mod error;
mod lang;
mod login;
mod output;
mod recovery;

use std::process::ExitCode;

use taoli_core::{Error, ErrorKind, panic_report};

/// Imports of large rosters allocate many small values; mimalloc does that
/// faster than the system allocator, especially across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let lang = lang::Lang::from_env();
    let cli = match cli::parse(lang) {
        Ok(cli) => cli,
        Err(exit) => return exit,
    };
    panic_report::install(reports_dir());
    let outcome = panic_report::catch(|| cli::run(cli, lang)).unwrap_or_else(|report| {
        // Everything `run` had open was dropped on the way here: an open
        // transaction rolled back, the school file is as it was.
        Err(Error::from(report).into())
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{}{}", lang.pick("错误：", "Error: "), error.message(lang));
            match error.kind() {
                ErrorKind::User => ExitCode::from(1),
                ErrorKind::Internal => ExitCode::from(2),
            }
        }
    }
}

/// Where a caught panic's report goes: `TAOLI_REPORT_DIR`, else the user's
/// local data folder's `taoli/错误报告` (`~/.local/share/…`,
/// `%LOCALAPPDATA%\…`), else the temporary folder's.
fn reports_dir() -> std::path::PathBuf {
    std::env::var_os("TAOLI_REPORT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            dirs::data_local_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("taoli")
                .join("错误报告")
        })
}
