//! `taoli review setting|list|approve|return` (docs/batches.md, "The review
//! gate") through the real binary, against the real reference upstream on
//! 127.0.0.1. One behaviour per test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

mod support;
#[path = "../../taoli-core/tests/support/upstream.rs"]
mod upstream;

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::{ADMIN, CLERK, PASSWORD, accounts, init_school};
use taoli_core::Credentials;
use tempfile::TempDir;
use upstream::{Upstream, add_complete_teacher};

const SCHOOL: &str = "2151012345";

/// `taoli` on a computer without a keychain: the signing key is kept in the
/// school file under the 系统管理员 password (`TAOLI_ADMIN_PASSWORD`).
fn taoli() -> Command {
    let mut cmd = support::taoli();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/taoli-test-bus",
    )
    .env_remove("TAOLI_UPLOAD_CHUNK_BYTES");
    cmd
}

fn as_admin() -> Command {
    let mut cmd = taoli();
    cmd.env("TAOLI_USER", ADMIN);
    cmd
}

/// An enrolled school with one complete teacher and the review turned on.
struct School {
    _dir: TempDir,
    path: PathBuf,
}

impl School {
    fn reviewed(upstream: &Upstream) -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("学校.taoli");
        init_school(&path);
        let school = School { _dir: dir, path };
        let mut file = accounts::open_as(&school.path, &Credentials::new(CLERK, PASSWORD)).unwrap();
        add_complete_teacher(&mut file, "张三", 1);
        file.close().unwrap();
        taoli()
            .args([
                "enroll",
                school.p(),
                "--upstream",
                &upstream.url(),
                "--code",
            ])
            .arg(upstream.code(SCHOOL))
            .assert()
            .success();
        as_admin()
            .args(["review", "setting", school.p(), "on"])
            .assert()
            .success()
            .stdout(predicate::str::contains("开启"));
        school
    }

    fn p(&self) -> &str {
        self.path.to_str().unwrap()
    }

    fn submit(&self) {
        taoli()
            .args(["submit", self.p()])
            .assert()
            .success()
            .stdout(predicate::str::contains("已提交审核"));
    }
}

#[test]
fn a_submit_with_the_review_on_waits_for_it() {
    let upstream = Upstream::start();
    let school = School::reviewed(&upstream);
    school.submit();
    assert_eq!(upstream.received(SCHOOL), 0);
    let out = as_admin()
        .args(["review", "setting", school.p(), "--json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["required"], true);
    assert_eq!(status["waiting"]["sequence"], 1);
}

#[test]
fn status_shows_the_waiting_batch_and_its_teachers_as_awaiting_review() {
    let upstream = Upstream::start();
    let school = School::reviewed(&upstream);
    school.submit();
    taoli()
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("待审核 1，"))
        .stdout(predicate::str::is_match(r"张三\t[^\t]*\t待审核").unwrap())
        .stdout(predicate::str::is_match(r"第 1 批\t[^\t]*\t待审核").unwrap());
}

#[test]
fn review_list_shows_each_teachers_changes() {
    let upstream = Upstream::start();
    let school = School::reviewed(&upstream);
    school.submit();
    as_admin()
        .args(["review", "list", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("第 1 批等待审核"))
        .stdout(predicate::str::contains("张三"))
        .stdout(predicate::str::contains("姓名: （空） → 张三"));
}

#[test]
fn review_approve_signs_and_uploads() {
    let upstream = Upstream::start();
    let school = School::reviewed(&upstream);
    school.submit();
    as_admin()
        .args(["review", "approve", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("已批准第 1 批"));
    assert_eq!(upstream.received(SCHOOL), 1);
}

#[test]
fn review_return_puts_the_changes_back_with_the_note() {
    let upstream = Upstream::start();
    let school = School::reviewed(&upstream);
    school.submit();
    as_admin()
        .args(["review", "return", school.p(), "--note", "学历请再核对"])
        .assert()
        .success()
        .stdout(predicate::str::contains("已退回第 1 批"));
    let out = taoli()
        .args(["review", "setting", school.p(), "--json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["returned"]["note"], "学历请再核对");
    assert!(status["waiting"].is_null());
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn the_clerk_cannot_approve() {
    let upstream = Upstream::start();
    let school = School::reviewed(&upstream);
    school.submit();
    taoli()
        .args(["review", "approve", school.p()])
        .assert()
        .failure();
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn review_help_is_in_english_with_taoli_lang_en() {
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["review", "approve", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Approve the batch awaiting review",
        ));
}
