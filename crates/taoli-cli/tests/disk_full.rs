//! A full disk through the real `taoli` binary: on a small tmpfs the test
//! mounts (as root, here and in CI; elsewhere it prints why and passes
//! without running), filled until a few dozen kilobytes are free, `taoli
//! backup` and `taoli teacher add` end with exit code 1 and the Chinese
//! disk-full message; the school file is unchanged and, once there is room,
//! `taoli audit verify` passes. The core's `tests/disk_full.rs` covers the
//! import and the batch the same way.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

mod support;

#[path = "../../taoli-core/tests/support/small_disk.rs"]
mod small_disk;

use small_disk::SmallDisk;
use support::{add_teacher, init_school, taoli};

fn stderr_of(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

fn assert_disk_full_message(stderr: &str) {
    assert!(stderr.starts_with("错误：磁盘空间不足："), "{stderr}");
    assert!(stderr.contains("还需要约"), "{stderr}");
    assert!(
        stderr.contains("请删除不用的文件或把学校文件复制到空间更大的磁盘后重试"),
        "{stderr}"
    );
}

#[test]
fn a_backup_and_an_import_on_a_full_disk_say_so_and_change_nothing() {
    let Some(disk) = SmallDisk::mount(6 * 1024) else {
        return;
    };
    let school = disk.path().join("学校.taoli");
    init_school(&school);
    add_teacher(&school, "张三", "11010519491231002X");
    // The roster elsewhere (its refused rows are written beside it).
    let elsewhere = tempfile::tempdir().unwrap();
    let roster = elsewhere.path().join("花名册.xlsx");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/rosters/legacy-messy.xlsx"
        ),
        &roster,
    )
    .unwrap();
    let before = support::accounts::data_snapshot(&school);
    // Room to open the file and sign in, not to copy it.
    disk.fill_leaving(64);

    let backup = taoli().arg("backup").arg(&school).assert().code(1);
    assert_disk_full_message(&stderr_of(backup));
    let import = taoli()
        .arg("import")
        .arg(&school)
        .arg(&roster)
        .assert()
        .code(1);
    assert_disk_full_message(&stderr_of(import));

    disk.empty_filler();
    assert_eq!(support::accounts::data_snapshot(&school), before);
    taoli()
        .args(["audit", "verify"])
        .arg(&school)
        .assert()
        .success();
}
