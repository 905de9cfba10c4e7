//! What the CLI tests share: the real `taoli` binary in a known environment,
//! and a school file to work on.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;

/// The real `taoli` binary: Chinese messages, the operator 测试员, and the
/// built-in sheet template and font lookup whatever the caller's environment.
pub fn taoli() -> Command {
    let mut cmd = Command::cargo_bin("taoli").unwrap();
    cmd.env_remove("TAOLI_LANG")
        .env_remove("TAOLI_FONT")
        .env_remove("TAOLI_SHEET_TEMPLATE")
        .env("USER", "测试员");
    cmd
}

/// Creates 桃李镇中心小学 (学校标识码 2151012345, 211 小学) at `path`.
pub fn init_school(path: &Path) {
    taoli()
        .arg("init")
        .arg(path)
        .args([
            "--code",
            "2151012345",
            "--name",
            "桃李镇中心小学",
            "--type",
            "211",
        ])
        .assert()
        .success();
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
