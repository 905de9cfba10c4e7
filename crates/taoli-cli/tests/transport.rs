//! `taoli enroll`'s fingerprint and `taoli plain-http` (docs/batches.md,
//! "Transport") through the real binary, against the real reference
//! upstream on 127.0.0.1. One behaviour per test.

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
use support::{ADMIN, init_school};
use tempfile::TempDir;
use upstream::Upstream;

const SCHOOL: &str = "2151012345";

/// `taoli` on a computer without a keychain (`TAOLI_ADMIN_PASSWORD`).
fn taoli() -> Command {
    let mut cmd = support::taoli();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/taoli-test-bus",
    );
    cmd
}

fn as_admin() -> Command {
    let mut cmd = taoli();
    cmd.env("TAOLI_USER", ADMIN);
    cmd
}

struct School {
    _dir: TempDir,
    path: PathBuf,
}

impl School {
    fn new() -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("学校.taoli");
        init_school(&path);
        School { _dir: dir, path }
    }

    fn p(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

#[test]
fn enroll_prints_the_upstreams_fingerprint_to_compare_with_the_printed_one() {
    let upstream = Upstream::start();
    let school = School::new();
    let fingerprint = upstream
        .db()
        .server_key()
        .unwrap()
        .public_key()
        .fingerprint();
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
        .success()
        .stdout(predicate::str::contains(format!(
            "上级系统回执密钥的指纹：{fingerprint}"
        )))
        .stdout(predicate::str::contains("逐组核对"));
}

#[test]
fn enroll_to_a_plain_http_address_of_another_computer_is_refused_saying_how_to_fix_it() {
    let school = School::new();
    taoli()
        .args([
            "enroll",
            school.p(),
            "--upstream",
            "http://jsgl.example.gov.cn",
            "--code",
            "7KQ2-M9XD-4HVA-PT3R",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("https://"))
        .stderr(predicate::str::contains("允许不加密的 http 地址"));
}

#[test]
fn plain_http_on_as_the_system_admin_allows_it_and_json_says_so() {
    let school = School::new();
    as_admin()
        .args(["plain-http", school.p(), "on"])
        .assert()
        .success()
        .stdout(predicate::str::contains("允许不加密的 http 地址：开启"));
    let out = taoli()
        .args(["plain-http", school.p(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let settings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(settings["allow_plain_http"], true);
}

#[test]
fn the_clerk_may_not_allow_plain_http() {
    let school = School::new();
    taoli()
        .args(["plain-http", school.p(), "on"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("系统管理员"));
}
