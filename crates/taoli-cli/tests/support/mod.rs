//! What the CLI tests share: the real `taoli` binary in a known environment,
//! and a school file to work on.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;

/// The core tests' account helpers, for a look inside a school file.
#[path = "../../../taoli-core/tests/support/accounts.rs"]
pub mod accounts;

/// The 系统管理员 every test school is created with.
pub const ADMIN: &str = "管理员";
/// The 信息管理员 the commands sign in as.
pub const CLERK: &str = "测试员";
/// Every test account's password.
pub const PASSWORD: &str = "taoli-test-pass";

/// The real `taoli` binary: Chinese messages, signed in as the clerk 测试员,
/// and the built-in sheet template and font lookup whatever the caller's
/// environment.
pub fn taoli() -> Command {
    let mut cmd = Command::cargo_bin("taoli").unwrap();
    cmd.env_remove("TAOLI_LANG")
        .env_remove("TAOLI_FONT")
        .env_remove("TAOLI_SHEET_TEMPLATE")
        .env_remove("TAOLI_NEW_PASSWORD")
        .env("TAOLI_USER", CLERK)
        .env("TAOLI_PASSWORD", PASSWORD)
        // The file key on a computer whose keychain does not have it (the
        // test machine may have no keychain at all).
        .env("TAOLI_ADMIN_PASSWORD", PASSWORD);
    cmd
}

/// [`taoli`] on a computer without a keychain, and without the 系统管理员
/// password at hand: an encrypted file opens only with the password of the
/// account signing in, when that is the 系统管理员's.
pub fn taoli_on_a_new_pc() -> Command {
    let mut cmd = taoli();
    cmd.env_remove("TAOLI_ADMIN_PASSWORD").env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/taoli-test-bus",
    );
    cmd
}

/// [`taoli`] signed in as the 系统管理员 instead.
pub fn taoli_as_admin() -> Command {
    let mut cmd = taoli();
    cmd.env("TAOLI_USER", ADMIN);
    cmd
}

/// Adds an account with the test password, as the 系统管理员.
pub fn add_user(path: &Path, name: &str, role: &str) {
    taoli_as_admin()
        .args(["user", "add"])
        .arg(path)
        .args([name, "--role", role])
        .env("TAOLI_NEW_PASSWORD", PASSWORD)
        .assert()
        .success();
}

/// Creates 桃李镇中心小学 (学校标识码 2151012345, 211 小学) at `path`.
pub fn init_school(path: &Path) {
    init(path, &[]);
    add_user(path, CLERK, "信息管理员");
}

/// Runs `taoli init` for 桃李镇中心小学 at `path` with `extra` arguments, and
/// returns what it printed (the recovery code among it).
pub fn init(path: &Path, extra: &[&str]) -> String {
    let out = taoli()
        .arg("init")
        .arg(path)
        .args([
            "--code",
            "2151012345",
            "--name",
            "桃李镇中心小学",
            "--type",
            "211",
            "--admin",
            ADMIN,
        ])
        .args(extra)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// Registers a teacher with a resident ID number.
pub fn add_teacher(path: &Path, name: &str, id_number: &str) {
    taoli()
        .args(["teacher", "add"])
        .arg(path)
        .args(["--name", name, "--id-number", id_number])
        .assert()
        .success();
}
