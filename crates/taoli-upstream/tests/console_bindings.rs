//! The console app's TypeScript types are generated from the API's Rust
//! types (ts-rs) into one checked-in file, `console/src/bindings.ts`; this
//! test fails when that file no longer matches them.
//! `TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-upstream --test console_bindings`
//! rewrites it.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use taoli_upstream::console::bodies::{
    CodeForm, Count, DecideForm, IssuedCode, LoginForm, NewOfficer, NewSchool, NoticeForm,
    PasswordForm, SendBackForm, SessionBody,
};
use taoli_upstream::db::officers::{AuditLine, OfficerEntry};
use taoli_upstream::db::progress::{Period, Progress, SchoolProgress, UnitProgress};
use taoli_upstream::db::queue::{
    Approval, Decided, FieldChange, NotDecided, QueueItem, QueuePage, RecordRef,
};
use taoli_upstream::db::schools::SchoolEntry;
use taoli_upstream::db::teachers::{Bucket, Dimension, Stats, TeacherPage, TeacherRow};
use taoli_upstream::officer::{Officer, Role};
use taoli_upstream::org::Level;
use ts_rs::{Config, TS};

/// The contents of `console/src/bindings.ts`.
fn typescript() -> String {
    // Counts are u64 in Rust and far below 2^53: plain numbers in JSON.
    let cfg = Config::default().with_large_int("number");
    let decls = [
        Role::decl(&cfg),
        Level::decl(&cfg),
        Officer::decl(&cfg),
        SchoolEntry::decl(&cfg),
        OfficerEntry::decl(&cfg),
        AuditLine::decl(&cfg),
        Period::decl(&cfg),
        SchoolProgress::decl(&cfg),
        UnitProgress::decl(&cfg),
        Progress::decl(&cfg),
        FieldChange::decl(&cfg),
        Approval::decl(&cfg),
        QueueItem::decl(&cfg),
        QueuePage::decl(&cfg),
        RecordRef::decl(&cfg),
        NotDecided::decl(&cfg),
        Decided::decl(&cfg),
        TeacherRow::decl(&cfg),
        TeacherPage::decl(&cfg),
        Bucket::decl(&cfg),
        Dimension::decl(&cfg),
        Stats::decl(&cfg),
        SessionBody::decl(&cfg),
        LoginForm::decl(&cfg),
        NewSchool::decl(&cfg),
        CodeForm::decl(&cfg),
        IssuedCode::decl(&cfg),
        Count::decl(&cfg),
        NoticeForm::decl(&cfg),
        DecideForm::decl(&cfg),
        SendBackForm::decl(&cfg),
        NewOfficer::decl(&cfg),
        PasswordForm::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types of crates/taoli-upstream by ts-rs. Do not edit.\n\
         // Regenerate: TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-upstream --test console_bindings\n",
    );
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[test]
fn console_bindings_match_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("console/src/bindings.ts");
    let fresh = typescript();
    if std::env::var_os("TAOLI_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "console/src/bindings.ts is stale: run `TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-upstream --test console_bindings` and commit it"
    );
}
