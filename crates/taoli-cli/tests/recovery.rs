//! The recovery code from the command line: `taoli init` shows it once,
//! `taoli recovery show-status|new|sheet|recover`, and a 系统管理员
//! password change killed at any moment still leaves a file the code opens.
//! The real `taoli` binary on real school files; "a new PC" has no keychain
//! (a D-Bus address that leads nowhere) and no 系统管理员 password.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use predicates::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use taoli_core::SchoolFile;
use taoli_core::recovery::sidecar_path;
use tempfile::TempDir;

mod support;
use support::{ADMIN, CLERK, PASSWORD, add_user, taoli, taoli_as_admin, taoli_on_a_new_pc};

const NEW_PASSWORD: &str = "新的密码-2027";

/// Runs `taoli init` for 桃李镇中心小学 at `path` (with `extra` arguments)
/// and returns the recovery code it showed.
fn init(path: &Path, extra: &[&str]) -> String {
    code_in(&support::init(path, extra))
}

/// The code a command printed: its one line of seven groups.
fn code_in(stdout: &str) -> String {
    stdout
        .lines()
        .map(str::trim)
        .find(|l| l.split_whitespace().count() == 7 && l.len() == 7 * 5 + 6 * 2)
        .unwrap_or_else(|| panic!("no code in {stdout}"))
        .to_owned()
}

fn school(dir: &TempDir) -> (PathBuf, String) {
    let path = dir.path().join("school.taoli");
    let code = init(&path, &[]);
    add_user(&path, CLERK, "信息管理员");
    (path, code)
}

#[test]
fn init_shows_the_code_once_and_writes_the_recovery_file_beside() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    let sheet = dir.path().join("保管单.pdf");
    let code = init(&path, &["--recovery-sheet", sheet.to_str().unwrap()]);
    assert_eq!(code.split_whitespace().count(), 7);
    assert!(sidecar_path(&path).is_file());
    assert!(std::fs::read(&sheet).unwrap().starts_with(b"%PDF"));
    taoli_as_admin()
        .args(["recovery", "show-status"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("恢复码编号"))
        .stdout(predicate::str::contains("school.taoli.恢复"))
        .stdout(predicate::str::contains(&code).not());
}

#[test]
fn recover_sets_a_new_admin_password_on_a_new_pc() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school(&dir);
    taoli_on_a_new_pc()
        .args(["recovery", "recover"])
        .arg(&path)
        .env("TAOLI_RECOVERY_CODE", code.to_lowercase())
        .env("TAOLI_NEW_PASSWORD", NEW_PASSWORD)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "已用恢复码为系统管理员 {ADMIN} 设置新密码"
        )));
    // The new password opens the file on a new PC and signs in; the old
    // one does not.
    taoli_on_a_new_pc()
        .env("TAOLI_USER", ADMIN)
        .env("TAOLI_PASSWORD", NEW_PASSWORD)
        .args(["user", "list"])
        .arg(&path)
        .assert()
        .success();
    taoli_on_a_new_pc()
        .env("TAOLI_USER", ADMIN)
        .args(["user", "list"])
        .arg(&path)
        .assert()
        .code(1);
}

#[test]
fn a_wrong_code_exits_1_with_a_chinese_message_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let (path, _) = school(&dir);
    let bytes = std::fs::read(&path).unwrap();
    let other = taoli_core::recovery::RecoveryCode::generate()
        .unwrap()
        .display()
        .to_string();
    taoli_on_a_new_pc()
        .args(["recovery", "recover"])
        .arg(&path)
        .env("TAOLI_RECOVERY_CODE", &other)
        .env("TAOLI_NEW_PASSWORD", NEW_PASSWORD)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("这个恢复码打不开学校文件"));
    taoli_on_a_new_pc()
        .args(["recovery", "recover"])
        .arg(&path)
        .env("TAOLI_RECOVERY_CODE", "12345-67890")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("恢复码应有 35 个字符"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn recovery_new_replaces_the_code_and_the_old_one_no_longer_opens() {
    let dir = TempDir::new().unwrap();
    let (path, old) = school(&dir);
    let out = taoli_as_admin()
        .args(["recovery", "new"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = code_in(&String::from_utf8(out.stdout).unwrap());
    assert_ne!(new, old);
    assert!(SchoolFile::open_with_recovery_code(&path, &old, None).is_err());
    SchoolFile::open_with_recovery_code(&path, &new, None)
        .unwrap()
        .close()
        .unwrap();
    taoli_as_admin()
        .args(["audit", "list"])
        .arg(&path)
        .args(["--operation", "account"])
        .assert()
        .success()
        .stdout(predicate::str::contains("更换恢复码"));
}

#[test]
fn recovery_new_is_for_the_system_admin_only() {
    let dir = TempDir::new().unwrap();
    let (path, _) = school(&dir);
    taoli()
        .args(["recovery", "new"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("信息管理员不能"));
}

#[test]
fn the_sheet_is_printed_again_only_for_the_files_code() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school(&dir);
    let pdf = dir.path().join("again.pdf");
    taoli_as_admin()
        .args(["recovery", "sheet"])
        .arg(&path)
        .arg("-o")
        .arg(&pdf)
        .env("TAOLI_RECOVERY_CODE", &code)
        .assert()
        .success();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let other = dir.path().join("other.pdf");
    taoli_as_admin()
        .args(["recovery", "sheet"])
        .arg(&path)
        .arg("-o")
        .arg(&other)
        .env(
            "TAOLI_RECOVERY_CODE",
            taoli_core::recovery::RecoveryCode::generate()
                .unwrap()
                .display()
                .as_str(),
        )
        .assert()
        .code(1);
    assert!(!other.exists());
}

#[test]
fn a_file_without_a_code_says_so_and_gets_one_from_recovery_new() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.taoli");
    let file = SchoolFile::create(
        &path,
        &taoli_core::NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
        &taoli_core::Credentials::new(ADMIN, PASSWORD),
    )
    .unwrap();
    file.close().unwrap();
    taoli_as_admin()
        .args(["recovery", "show-status"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("还没有恢复码"));
    let out = taoli_as_admin()
        .args(["recovery", "new"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let code = code_in(&String::from_utf8(out.stdout).unwrap());
    taoli_on_a_new_pc()
        .args(["recovery", "recover"])
        .arg(&path)
        .env("TAOLI_RECOVERY_CODE", &code)
        .env("TAOLI_NEW_PASSWORD", NEW_PASSWORD)
        .assert()
        .success();
}

/// Copies the school file at `from` to `to`, with its recovery file.
fn copy_school(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    std::fs::copy(sidecar_path(from), sidecar_path(to)).unwrap();
}

/// `taoli user passwd` of the 系统管理员 (rewriting the file under a new key)
/// killed with SIGKILL at seeded moments, from before the file is opened to
/// after the command is done: the recovery code opens the file after every
/// kill, whichever key it was left under.
#[test]
fn a_password_change_killed_at_any_moment_leaves_a_file_the_code_opens() {
    let dir = TempDir::new().unwrap();
    let (base, code) = school(&dir);
    let passwd = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_taoli"));
        cmd.env_remove("TAOLI_LANG")
            .env("TAOLI_USER", ADMIN)
            .env("TAOLI_PASSWORD", PASSWORD)
            .env("TAOLI_ADMIN_PASSWORD", PASSWORD)
            .env("TAOLI_NEW_PASSWORD", NEW_PASSWORD)
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/taoli-test-bus",
            )
            .args(["user", "passwd"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    // How long a whole run takes.
    let timed = dir.path().join("timed.taoli");
    copy_school(&base, &timed);
    let started = Instant::now();
    assert!(passwd().arg(&timed).status().unwrap().success());
    let took = started.elapsed();

    let mut rng = ChaCha8Rng::seed_from_u64(0x7EC0);
    let runs = 20;
    let mut killed_running = 0;
    for run in 0..runs {
        let path = dir.path().join(format!("run{run}.taoli"));
        copy_school(&base, &path);
        let mut child = passwd().arg(&path).spawn().unwrap();
        std::thread::sleep(took.mul_f64(rng.random_range(0.0..1.1)));
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let opened = SchoolFile::open_with_recovery_code(&path, &code, None)
            .unwrap_or_else(|e| panic!("run {run}: {e}"));
        assert_eq!(opened.school().unwrap().name, "桃李镇中心小学", "run {run}");
        opened.close().unwrap();
    }
    eprintln!(
        "taoli user passwd: {took:?} a run; {killed_running} of {runs} kills found it running"
    );
    assert!(
        killed_running * 2 >= runs,
        "only {killed_running} of {runs} kills found the command running ({took:?} a run)"
    );
}
