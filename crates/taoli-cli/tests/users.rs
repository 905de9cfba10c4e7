//! Accounts from the command line: `init --admin`, `--user` with
//! `TAOLI_PASSWORD`, and `taoli user add|list|disable|enable|passwd|role`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::PathBuf;

use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::{ADMIN, CLERK, PASSWORD, add_teacher, add_user, init_school, taoli, taoli_as_admin};

const ZHANG_SAN_ID: &str = "11010519491231002X";

fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    init_school(&path);
    path
}

#[test]
fn init_creates_the_system_admin_with_the_password_given() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli_as_admin()
        .args(["user", "list"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "{ADMIN}\t系统管理员\t在用"
        )))
        .stdout(predicate::str::contains(format!(
            "{CLERK}\t信息管理员\t在用"
        )));
}

#[test]
fn a_command_without_an_account_says_how_to_sign_in() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .env_remove("TAOLI_USER")
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--user").and(predicate::str::contains("TAOLI_PASSWORD")));
}

#[test]
fn a_wrong_password_exits_1_and_says_how_many_tries_are_left() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .env("TAOLI_PASSWORD", "not-the-password")
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("账号或密码不对")
                .and(predicate::str::contains("还可以试 4 次")),
        );
}

#[test]
fn the_user_flag_overrides_the_environment() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["--user", ADMIN, "user", "list"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn a_clerk_cannot_add_accounts() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["user", "add"])
        .arg(&path)
        .args(["赵六", "--role", "信息查询员"])
        .env("TAOLI_NEW_PASSWORD", PASSWORD)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("信息管理员不能管理账号"));
}

#[test]
fn a_viewer_lists_teachers_with_their_id_numbers_masked() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    add_teacher(&path, "张三", ZHANG_SAN_ID);
    add_user(&path, "李老师", "信息查询员");
    taoli()
        .env("TAOLI_USER", "李老师")
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("110105**********2X"))
        .stdout(predicate::str::contains(ZHANG_SAN_ID).not());
}

#[test]
fn a_viewer_cannot_add_a_teacher() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    add_user(&path, "李老师", "viewer");
    taoli()
        .env("TAOLI_USER", "李老师")
        .args(["teacher", "add"])
        .arg(&path)
        .args(["--name", "张三", "--id-number", ZHANG_SAN_ID])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("信息查询员不能录入"));
}

#[test]
fn a_disabled_account_cannot_sign_in_until_enabled_again() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli_as_admin()
        .args(["user", "disable"])
        .arg(&path)
        .arg(CLERK)
        .assert()
        .success()
        .stdout(predicate::str::contains("已停用"));
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("已停用"));
    taoli_as_admin()
        .args(["user", "enable"])
        .arg(&path)
        .arg(CLERK)
        .assert()
        .success();
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn passwd_changes_ones_own_password() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["user", "passwd"])
        .arg(&path)
        .env("TAOLI_NEW_PASSWORD", "a-brand-new-one")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "已修改账号 {CLERK} 的密码"
        )));
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .code(1);
    taoli()
        .env("TAOLI_PASSWORD", "a-brand-new-one")
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn a_short_new_password_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["user", "passwd"])
        .arg(&path)
        .env("TAOLI_NEW_PASSWORD", "123")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("密码太短"));
}

#[test]
fn role_gives_an_account_another_role_and_the_audit_trail_says_so() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli_as_admin()
        .args(["user", "role"])
        .arg(&path)
        .args([CLERK, "--role", "信息查询员"])
        .assert()
        .success()
        .stdout(predicate::str::contains("信息查询员"));
    taoli_as_admin()
        .args(["audit", "list", "--operation", "account"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("角色：信息管理员 → 信息查询员"));
}

#[test]
fn user_list_as_json_has_no_password_hashes() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = taoli_as_admin()
        .args(["user", "list", "--json"])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let users: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(users.as_array().unwrap().len(), 2);
    assert_eq!(users[0]["role"], "info_manager");
    assert!(!text.contains("argon2"), "{text}");
}

#[test]
fn a_file_without_accounts_takes_a_system_admin_first_without_signing_in() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    support::accounts::raw_connection(&path)
        .execute("DELETE FROM account", [])
        .unwrap();
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("还没有账号"));
    taoli()
        .env_remove("TAOLI_USER")
        .args(["user", "add"])
        .arg(&path)
        .args(["某人", "--role", "信息管理员"])
        .env("TAOLI_NEW_PASSWORD", PASSWORD)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("第一个账号必须是系统管理员"));
    taoli()
        .env_remove("TAOLI_USER")
        .args(["user", "add"])
        .arg(&path)
        .args([ADMIN, "--role", "系统管理员"])
        .env("TAOLI_NEW_PASSWORD", PASSWORD)
        .assert()
        .success();
    taoli_as_admin()
        .args(["user", "list"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn on_a_new_pc_a_clerk_cannot_open_the_encrypted_file_alone() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    support::taoli_on_a_new_pc()
        .env("TAOLI_PASSWORD", "the-clerks-own-password")
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("已加密")
                .and(predicate::str::contains("TAOLI_ADMIN_PASSWORD")),
        );
}

#[test]
fn on_a_new_pc_the_system_admin_password_opens_the_encrypted_file() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    support::taoli_on_a_new_pc()
        .env("TAOLI_USER", ADMIN)
        .args(["user", "list"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn the_school_file_holds_no_teacher_name_in_the_clear() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    add_teacher(&path, "欧阳秀英", ZHANG_SAN_ID);
    let bytes = std::fs::read(&path).unwrap();
    let name = "欧阳秀英".as_bytes();
    assert!(!bytes.windows(name.len()).any(|w| w == name));
    assert!(
        !bytes
            .windows(ZHANG_SAN_ID.len())
            .any(|w| w == ZHANG_SAN_ID.as_bytes())
    );
}
