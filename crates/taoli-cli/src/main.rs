//! `taoli`: the command line over taoli-core. Each command parses its
//! arguments, makes one or two core calls and prints the result; nothing else.
//!
//! Exit codes: 0 success; 1 the user's input is wrong (a Chinese message on
//! stderr says what and how to fix it); 2 an internal failure.

mod batches;
mod cli;
mod error;
mod lang;
mod login;
mod output;
mod recovery;

use std::process::ExitCode;

use taoli_core::ErrorKind;

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
    match cli::run(cli, lang) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{}{error}", lang.pick("错误：", "Error: "));
            match error.kind() {
                ErrorKind::User => ExitCode::from(1),
                ErrorKind::Internal => ExitCode::from(2),
            }
        }
    }
}
