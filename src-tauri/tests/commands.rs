//! The UI's typed command functions are generated from the command table in
//! src-tauri/src/commands.rs; this test fails when the checked-in
//! `ui/src/commands.ts` no longer matches it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

#[test]
fn ui_commands_match_the_command_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/commands.ts");
    let fresh = taoli_app::commands_typescript();
    if std::env::var_os("TAOLI_UPDATE_COMMANDS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "ui/src/commands.ts is stale: run `TAOLI_UPDATE_COMMANDS=1 cargo test -p taoli-app --test commands` and commit it"
    );
}
