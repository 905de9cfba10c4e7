//! `taoli teacher correct` on a teacher in effect upstream (更正申请) and
//! `taoli teacher withdraw-correction`, through the real binary against the
//! real reference upstream on 127.0.0.1 (docs/status-changes.md,
//! "Corrections"). One behaviour per test.

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
use support::{CLERK, PASSWORD, accounts, init_school};
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

/// An enrolled school whose one teacher the county accepted whole (生效).
struct School {
    _dir: TempDir,
    path: PathBuf,
    id_number: String,
}

impl School {
    fn in_effect(upstream: &Upstream) -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("学校.taoli");
        init_school(&path);
        let mut file = accounts::open_as(&path, &Credentials::new(CLERK, PASSWORD)).unwrap();
        let teacher = add_complete_teacher(&mut file, "张三", 1);
        file.close().unwrap();
        let school = School {
            _dir: dir,
            path,
            id_number: teacher.id_number,
        };
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
        taoli().args(["submit", school.p()]).assert().success();
        let (batch, _) = upstream.batches().pop().unwrap();
        upstream.accept_all(&batch, 1);
        taoli().args(["sync", school.p()]).assert().success();
        school
    }

    fn p(&self) -> &str {
        self.path.to_str().unwrap()
    }

    fn correct(&self) -> Command {
        let mut cmd = taoli();
        cmd.args([
            "teacher",
            "correct",
            self.p(),
            "--id-number",
            &self.id_number,
        ])
        .args(["--name", "张珊", "--reason", "姓名录入错字"])
        .args(["--evidence", "户口簿复印件"]);
        cmd
    }
}

#[test]
fn correcting_a_teacher_in_effect_asks_the_county_and_keeps_the_name() {
    let upstream = Upstream::start();
    let school = School::in_effect(&upstream);
    school
        .correct()
        .assert()
        .success()
        .stdout(predicate::str::contains("已提交更正申请：张三"))
        .stdout(predicate::str::contains(
            "审核通过前仍使用原来的姓名和证件号",
        ));
    taoli()
        .args(["teacher", "list", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("张三"))
        .stdout(predicate::str::contains("张珊").not());
}

#[test]
fn correct_json_gives_the_request() {
    let upstream = Upstream::start();
    let school = School::in_effect(&upstream);
    let out = school.correct().arg("--json").output().unwrap();
    assert!(out.status.success());
    let outcome: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["teacher"]["name"], "张三");
    assert_eq!(outcome["request"]["name"], "张珊");
    assert_eq!(outcome["request"]["state"], "pending");
    assert_eq!(outcome["request"]["evidence"], "户口簿复印件");
}

#[test]
fn withdraw_correction_withdraws_the_waiting_request() {
    let upstream = Upstream::start();
    let school = School::in_effect(&upstream);
    school.correct().assert().success();
    taoli()
        .args([
            "teacher",
            "withdraw-correction",
            school.p(),
            "--id-number",
            &school.id_number,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("已撤回 张三 的更正申请"));
}

#[test]
fn withdraw_correction_with_nothing_open_says_so() {
    let upstream = Upstream::start();
    let school = School::in_effect(&upstream);
    taoli()
        .args([
            "teacher",
            "withdraw-correction",
            school.p(),
            "--id-number",
            &school.id_number,
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "没有等待审核或被退回的身份信息更正申请",
        ));
}
