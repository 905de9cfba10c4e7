//! `taoli signoff-gate` (docs/batches.md, "The sign-off gate") through the
//! real binary, against the real reference upstream on 127.0.0.1. One
//! behaviour per test.

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

/// An enrolled school with one complete teacher who has not signed.
struct School {
    _dir: TempDir,
    path: PathBuf,
}

impl School {
    fn enrolled(upstream: &Upstream) -> School {
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
        school
    }

    fn p(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

#[test]
fn signoff_gate_on_says_so_and_counts_who_has_not_signed() {
    let upstream = Upstream::start();
    let school = School::enrolled(&upstream);
    as_admin()
        .args(["signoff-gate", school.p(), "on"])
        .assert()
        .success()
        .stdout(predicate::str::contains("报送前须本人签字确认：开启"))
        .stdout(predicate::str::contains("1 人未签字"));
}

#[test]
fn signoff_gate_json_gives_the_setting_and_the_counts() {
    let upstream = Upstream::start();
    let school = School::enrolled(&upstream);
    let out = taoli()
        .args(["signoff-gate", school.p(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let gate: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(gate["required"], false);
    assert_eq!(gate["unsigned"], 1);
    assert_eq!(gate["stale"], 0);
}

#[test]
fn with_the_gate_on_status_says_the_teacher_waits_for_a_signature_and_submit_sends_nothing() {
    let upstream = Upstream::start();
    let school = School::enrolled(&upstream);
    as_admin()
        .args(["signoff-gate", school.p(), "on"])
        .assert()
        .success();
    taoli()
        .args(["status", school.p()])
        .assert()
        .stdout(predicate::str::contains(
            "学校要求报送前教师本人在信息确认表上签字",
        ));
    let _ = taoli().args(["submit", school.p()]).assert();
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn the_clerk_may_not_turn_the_gate_on() {
    let upstream = Upstream::start();
    let school = School::enrolled(&upstream);
    taoli()
        .args(["signoff-gate", school.p(), "on"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("系统管理员"));
}
