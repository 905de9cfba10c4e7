//! The reporting commands (docs/batches.md) against the real reference
//! upstream on 127.0.0.1: the whole path from enrollment to 已生效, the
//! `taoli` process killed in the middle of an upload, offline carry, roles
//! and help. One behaviour per test.

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

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::{CLERK, PASSWORD, accounts, init_school};
use taoli_core::Credentials;
use taoli_upstream::Faults;
use tempfile::TempDir;
use upstream::{Upstream, add_complete_teacher};

const SCHOOL: &str = "2151012345";

/// `taoli` as the clerk, on a computer without a keychain: the signing key
/// is kept in the school file under the 系统管理员 password
/// (`TAOLI_ADMIN_PASSWORD`, set by [`support::taoli`]). Tests never touch a
/// real keychain, where every test school's key would share one entry.
fn taoli() -> Command {
    let mut cmd = support::taoli();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/taoli-test-bus",
    )
    .env_remove("TAOLI_UPLOAD_CHUNK_BYTES");
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

    fn dir(&self) -> &Path {
        self.path.parent().unwrap()
    }

    /// Adds complete teachers (no errors, no warnings) through the core.
    fn teachers(&self, count: u32) -> Vec<taoli_core::Teacher> {
        let mut file = accounts::open_as(&self.path, &Credentials::new(CLERK, PASSWORD)).unwrap();
        let added = (0..count)
            .map(|n| add_complete_teacher(&mut file, &format!("教师{n}"), n))
            .collect();
        file.close().unwrap();
        added
    }

    fn enroll(&self, upstream: &Upstream) {
        taoli()
            .args(["enroll", self.p(), "--upstream", &upstream.url(), "--code"])
            .arg(upstream.code(SCHOOL))
            .assert()
            .success()
            .stdout(predicate::str::contains("已登记上报"));
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = taoli()
            .args(args)
            .arg(self.p())
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn status(&self) -> Value {
        self.json(&["status"])
    }

    /// The SHA-256 of every kept receipt, as `taoli receipts --json` lists them.
    fn receipt_hashes(&self) -> Vec<String> {
        self.json(&["receipts"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["receipt_sha256"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[test]
fn a_record_returned_fixed_and_submitted_again_ends_in_effect() {
    let upstream = Upstream::start();
    let school = School::new();
    let teacher = school.teachers(1).remove(0);
    school.enroll(&upstream);
    taoli()
        .args(["submit", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成第 1 批：5 条记录"))
        .stdout(predicate::str::contains("上级系统已接收（回执已核验并保存"));
    let receipts = school.json(&["receipts"]);
    assert_eq!(receipts.as_array().unwrap().len(), 1);
    let batch = receipts[0]["batch_id"].as_str().unwrap().to_owned();
    assert_eq!(upstream.received(SCHOOL), 1);
    // The reviewer returns 基本信息 and accepts the rest.
    let records = upstream.records(&batch);
    let mut basic = String::new();
    for record in &records {
        if basic.is_empty() && record.starts_with("record:") {
            let payload =
                taoli_core::protocol::Payload::decode(&upstream.payload(&batch).unwrap()).unwrap();
            let change = payload.changes.iter().find(|c| c.id == *record).unwrap();
            if change.group.as_deref() == Some("basic") {
                basic = record.clone();
                upstream.send_back(&batch, record, "民族与户籍登记不一致，请核对");
                continue;
            }
        }
        upstream.accept(&batch, record);
    }
    assert!(!basic.is_empty());
    taoli()
        .args(["sync", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("生效 4 条，退回 1 条"));
    taoli()
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "已退回\t基本信息退回：民族与户籍登记不一致，请核对",
        ))
        .stdout(predicate::str::contains("1 条退回的记录待改正"));
    // The clerk fixes it and submits again.
    taoli()
        .args(["teacher", "set", school.p(), "--id-number"])
        .arg(&teacher.id_number)
        .arg("民族=蒙古族")
        .assert()
        .success();
    taoli()
        .args(["submit", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成第 2 批：1 条记录"));
    let status = school.status();
    let second = status["batches"][0]["id"].as_str().unwrap().to_owned();
    upstream.accept_all(&second, 1);
    taoli()
        .args(["sync", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("生效 1 条，退回 0 条"));
    let status = school.status();
    assert_eq!(status["teachers"][0]["status"], "effective");
    assert_eq!(status["teachers"][0]["status_label"], "已生效");
    assert_eq!(status["counts"]["effective"], 1);
    assert_eq!(status["batches"][0]["state_label"], "已生效");
    assert_eq!(status["missing"]["unsent_changes"], 0);
    taoli()
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("全部改动都已上报"));
}

#[test]
fn a_taoli_killed_mid_upload_resumes_to_exactly_one_batch() {
    let upstream = Upstream::start();
    let school = School::new();
    school.teachers(6);
    school.enroll(&upstream);
    // Every request slow, the payload in 100-byte pieces: the upload takes
    // long enough to be killed halfway.
    upstream.set_faults(Faults {
        delay_ms: 250,
        ..Faults::default()
    });
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_taoli"))
        .args(["submit", school.p()])
        .env_remove("TAOLI_LANG")
        .env("TAOLI_USER", CLERK)
        .env("TAOLI_PASSWORD", PASSWORD)
        .env("TAOLI_ADMIN_PASSWORD", PASSWORD)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/taoli-test-bus",
        )
        .env("TAOLI_UPLOAD_CHUNK_BYTES", "100")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let batch = loop {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the upload never started"
        );
        if let Some((id, _)) = upstream.batches().into_iter().next()
            && upstream.held(&id) >= 200
        {
            break id;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let held = upstream.held(&batch);
    let status = school.status();
    let size = status["batches"][0]["payload_bytes"].as_u64().unwrap();
    assert!(
        held > 0 && held < size,
        "killed mid-upload: {held} of {size}"
    );
    assert_eq!(status["batches"][0]["state"], "uploading");
    assert_eq!(upstream.received(SCHOOL), 0);
    // Restarted: it goes on from the bytes the upstream holds.
    upstream.set_faults(Faults::default());
    taoli()
        .args(["sync", school.p()])
        .env("TAOLI_UPLOAD_CHUNK_BYTES", "100")
        .assert()
        .success()
        .stdout(predicate::str::contains("第 1 批已上传"));
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(upstream.batches().len(), 1);
    let status = school.status();
    assert_eq!(status["batches"][0]["state"], "received");
    assert_eq!(status["batches"][0]["id"], batch.as_str());
    assert_eq!(
        taoli_core::protocol::sha256_hex(&upstream.payload(&batch).unwrap()),
        status["batches"][0]["payload_sha256"].as_str().unwrap()
    );
}

#[test]
fn a_school_file_restored_from_an_old_backup_submits_without_a_manual_step() {
    let upstream = Upstream::start();
    let school = School::new();
    let teachers = school.teachers(2);
    school.enroll(&upstream);
    let out = taoli()
        .args(["backup", "--json", school.p()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let backup: Value = serde_json::from_slice(&out.stdout).unwrap();
    taoli().args(["submit", school.p()]).assert().success();
    taoli()
        .args(["teacher", "set", school.p(), "--id-number"])
        .arg(&teachers[0].id_number)
        .arg("民族=蒙古族")
        .assert()
        .success();
    taoli().args(["submit", school.p()]).assert().success();
    let before = school.receipt_hashes();
    taoli()
        .env("TAOLI_USER", support::ADMIN)
        .args(["restore", school.p()])
        .arg(backup["path"].as_str().unwrap())
        .assert()
        .success();
    taoli()
        .args(["submit", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("这个学校文件是从较早的备份恢复的"))
        .stdout(predicate::str::contains("已从上级系统取回第 1–2 批"))
        .stdout(predicate::str::contains("第 3 批已上传"));
    assert_eq!(upstream.received(SCHOOL), 3);
    assert_eq!(upstream.batches().len(), 3);
    let kept = school.receipt_hashes();
    assert_eq!(kept.len(), 3);
    for sha in &before {
        assert!(kept.contains(sha), "{sha} not kept again");
    }
    taoli()
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("恢复备份后从上级系统取回"))
        .stdout(predicate::str::contains("全部改动都已上报"));
}

#[test]
fn an_unreachable_upstream_exits_1_and_keeps_the_batch() {
    let upstream = Upstream::start();
    let school = School::new();
    school.teachers(1);
    school.enroll(&upstream);
    // The upstream moves out of reach (port 9: nothing listens there).
    accounts::raw_connection(&school.path)
        .execute("UPDATE enrollment SET upstream = 'http://127.0.0.1:9'", [])
        .unwrap();
    taoli()
        .args(["submit", school.p(), "--retries", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("已生成第 1 批"))
        .stderr(predicate::str::contains("连不上上级系统"))
        .stderr(predicate::str::contains("不会重复上报"));
    let status = school.status();
    assert_eq!(status["batches"][0]["state"], "uploading");
    assert_eq!(status["batches"][0]["attempts"], 2);
    assert!(status["missing"]["batch_in_flight"].as_bool().unwrap());
    assert_eq!(upstream.batches().len(), 0);
}

#[test]
fn a_batch_carried_on_a_usb_stick_is_uploaded_elsewhere_and_its_receipt_imported() {
    let upstream = Upstream::start();
    let school = School::new();
    school.teachers(2);
    school.enroll(&upstream);
    let carried = school.dir().join("第1批.taolibatch");
    taoli()
        .args(["batch", "export", school.p(), "-o"])
        .arg(&carried)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "已把第 1 批（10 条记录，已签名）写入",
        ));
    // Another computer: no school file, no account.
    let receipt = school.dir().join("回执.taolireceipt");
    Command::new(env!("CARGO_BIN_EXE_taoli"))
        .env_clear()
        .args(["batch", "upload"])
        .arg(&carried)
        .arg("-o")
        .arg(&receipt)
        .assert()
        .success()
        .stdout(predicate::str::contains("回执已写入"));
    assert_eq!(upstream.received(SCHOOL), 1);
    taoli()
        .args(["receipts", school.p(), "--import"])
        .arg(&receipt)
        .assert()
        .success()
        .stdout(predicate::str::contains("已导入第 1 批的回执"));
    taoli()
        .args(["receipts", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("10\t"));
    assert_eq!(school.status()["batches"][0]["state"], "received");
    // The school's own sync afterwards sends nothing again.
    taoli().args(["sync", school.p()]).assert().success();
    assert_eq!(upstream.batches().len(), 1);
}

#[test]
fn a_tampered_batch_file_is_refused_with_the_upstreams_reason() {
    let upstream = Upstream::start();
    let school = School::new();
    school.teachers(1);
    school.enroll(&upstream);
    let carried = school.dir().join("第1批.taolibatch");
    taoli()
        .args(["batch", "export", school.p(), "-o"])
        .arg(&carried)
        .assert()
        .success();
    let mut file = taoli_core::batches::BatchFile::read(&carried).unwrap();
    let at = file.payload.len() / 2;
    file.payload[at] ^= 0x01;
    std::fs::write(&carried, file.encode().unwrap()).unwrap();
    taoli()
        .args(["batch", "upload"])
        .arg(&carried)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("校验值不一致"));
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn a_viewer_cannot_submit() {
    let upstream = Upstream::start();
    let school = School::new();
    school.teachers(1);
    school.enroll(&upstream);
    support::add_user(&school.path, "李老师", "信息查询员");
    taoli()
        .env("TAOLI_USER", "李老师")
        .args(["submit", school.p()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("信息查询员不能报送数据"));
    assert_eq!(upstream.batches().len(), 0);
    // Reading the status is allowed, with ID numbers masked.
    taoli()
        .env("TAOLI_USER", "李老师")
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("**********"));
}

#[test]
fn a_wrong_enrollment_code_is_refused_in_chinese() {
    let upstream = Upstream::start();
    let school = School::new();
    taoli()
        .args(["enroll", school.p(), "--upstream", &upstream.url()])
        .args(["--code", "AAAA-BBBB-CCCC-DDDD"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("报送码不正确"));
    taoli()
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("还没有登记上报"));
}

#[test]
fn a_notice_from_the_county_is_said_at_sync_and_listed_until_read() {
    let upstream = Upstream::start();
    let school = School::new();
    school.enroll(&upstream);
    upstream.notify("请于3月31日前完成报送");
    taoli()
        .args(["sync", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("收到上级的督促提醒 1 条"));
    taoli()
        .args(["notices", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("【未读】"))
        .stdout(predicate::str::contains(
            "上级教育行政部门：请于3月31日前完成报送",
        ));
    taoli()
        .args(["notices", school.p(), "--read"])
        .assert()
        .success()
        .stdout(predicate::str::contains("已将 1 条未读提醒标记为已读"));
    taoli()
        .args(["notices", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("【未读】").not());
}

#[test]
fn the_status_says_who_is_held_back_and_the_next_deadline() {
    let upstream = Upstream::start();
    let school = School::new();
    school.enroll(&upstream);
    support::add_teacher(&school.path, "王五", "11010519491231002X");
    taoli()
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("下一个截止日期："))
        .stdout(predicate::str::contains("王五\t"))
        .stdout(predicate::str::contains("错误，改正后才能上报"))
        .stdout(predicate::str::contains("还缺：1 位教师有错误"));
    taoli()
        .args(["submit", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains("没有新的改动要上报"));
}

#[test]
fn the_status_says_why_a_teacher_waits_in_english_too() {
    let upstream = Upstream::start();
    let school = School::new();
    school.enroll(&upstream);
    support::add_teacher(&school.path, "王五", "11010519491231002X");
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["status", school.p()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "errors to correct before reporting",
        ));
}

#[test]
fn uploads_are_in_the_audit_log_under_their_own_operation() {
    let upstream = Upstream::start();
    let school = School::new();
    school.teachers(1);
    school.enroll(&upstream);
    taoli().args(["submit", school.p()]).assert().success();
    taoli()
        .args(["audit", "list", school.p(), "--operation", "upload"])
        .assert()
        .success()
        .stdout(predicate::str::contains("上报"))
        .stdout(predicate::str::contains("已接收"));
}

#[test]
fn every_reporting_command_has_english_help() {
    for args in [
        &["enroll", "--help"][..],
        &["submit", "--help"],
        &["sync", "--help"],
        &["batch", "--help"],
        &["batch", "export", "--help"],
        &["batch", "upload", "--help"],
        &["receipts", "--help"],
        &["status", "--help"],
    ] {
        let out = taoli().env("TAOLI_LANG", "en").args(args).output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        // The global --user keeps its value name 账号 in every command, and
        // shows the account TAOLI_USER names.
        let own = help.replace("<账号>", "").replace(CLERK, "");
        assert!(
            !own.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{args:?}:\n{help}"
        );
        assert!(help.contains("Usage"), "{help}");
    }
}
