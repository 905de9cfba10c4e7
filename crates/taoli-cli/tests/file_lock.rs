//! Two programs and one school file (文件锁), and a school file on a network
//! share (网络共享文件夹), through the real `taoli` binary.
//!
//! The holder is a real `taoli enroll` waiting on an upstream that accepts
//! the connection and never answers (a listener on 127.0.0.1 that is never
//! read), so it keeps the file open, signed in, for as long as the test
//! needs; a second `taoli` must be refused naming it, and once the first is
//! killed with SIGKILL (no chance to clean up: the lock file stays behind),
//! the second opens the file.
//!
//! The network-share test here names its folder in
//! `TAOLI_TEST_NETWORK_SHARE` (SMB and NFS cannot be mounted on the test
//! machine); everything past the detection is real. `tests/sshfs.rs` does
//! it on a real sshfs mount.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use support::{CLERK, PASSWORD, add_teacher, init_school, taoli};

fn lock_path(school: &Path) -> PathBuf {
    let mut name = school.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// What the lock file says, once it names an account.
fn lock_account(school: &Path) -> Option<String> {
    let text = std::fs::read(lock_path(school)).ok()?;
    let holder: serde_json::Value = serde_json::from_slice(&text).ok()?;
    holder["account"].as_str().map(str::to_owned)
}

/// `taoli enroll` against an upstream that never answers: it opens the
/// file, signs in and waits (two minutes, the request's time limit).
fn hold_open(school: &Path, upstream: &TcpListener) -> Child {
    let url = format!("http://{}", upstream.local_addr().unwrap());
    std::process::Command::new(env!("CARGO_BIN_EXE_taoli"))
        .arg("enroll")
        .arg(school)
        .args([
            "--upstream",
            &url,
            "--code",
            "7KQ2-M9XD-4HVA-PT3R",
            "--retries",
            "1",
        ])
        .env_remove("TAOLI_LANG")
        .env("TAOLI_USER", CLERK)
        .env("TAOLI_PASSWORD", PASSWORD)
        .env("TAOLI_ADMIN_PASSWORD", PASSWORD)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/taoli-test-bus",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_second_taoli_is_refused_naming_the_holder_until_the_first_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let school = dir.path().join("学校.taoli");
    init_school(&school);
    add_teacher(&school, "张三", "11010519491231002X");
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut holder = hold_open(&school, &upstream);
    wait_until("the holder never signed in", || {
        lock_account(&school).as_deref() == Some(CLERK)
    });

    let refused = taoli()
        .args(["teacher", "list"])
        .arg(&school)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let message = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(
        message.contains(&format!(
            "{CLERK} 正在这台电脑上的另一个桃李窗口或命令中使用这个学校文件（自 "
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!("进程 {}", holder.id())),
        "{message}"
    );

    // Killed: the operating system lets go of its lock; its lock file stays.
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(
        lock_path(&school).exists(),
        "a killed program leaves its lock file"
    );
    let listed = taoli()
        .args(["teacher", "list", "--json"])
        .arg(&school)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("张三"));
    assert!(
        !lock_path(&school).exists(),
        "removed when the command closed the file"
    );
    drop(upstream);
}

#[test]
fn a_lock_file_without_a_holder_does_not_stop_anyone() {
    let dir = tempfile::tempdir().unwrap();
    let school = dir.path().join("学校.taoli");
    init_school(&school);
    std::fs::write(
        lock_path(&school),
        r#"{"computer":"办公室电脑","os_user":"clerk","account":"王老师","pid":4321,"since":"2026-11-22T10:32:00+08:00"}"#,
    )
    .unwrap();
    taoli()
        .args(["teacher", "list"])
        .arg(&school)
        .assert()
        .success();
}

#[test]
fn a_file_on_a_network_share_gets_a_notice_a_rollback_journal_and_a_copy_to_this_computer() {
    let share = tempfile::tempdir().unwrap();
    let school = share.path().join("学校.taoli");
    init_school(&school);
    let on_share = || {
        let mut cmd = taoli();
        cmd.env("TAOLI_TEST_NETWORK_SHARE", share.path());
        cmd
    };
    let added = on_share()
        .args(["teacher", "add"])
        .arg(&school)
        .args(["--name", "张三", "--id-number", "11010519491231002X"])
        .assert()
        .success()
        .get_output()
        .clone();
    let notice = String::from_utf8_lossy(&added.stderr).into_owned();
    assert!(
        notice.contains("这个学校文件在网络共享文件夹上"),
        "{notice}"
    );
    assert!(notice.contains("「复制到本机」"), "{notice}");
    let journal: String = support::accounts::raw_connection(&school)
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete");

    let local = tempfile::tempdir().unwrap();
    let copied = on_share()
        .arg("copy-to-this-computer")
        .arg(&school)
        .arg(local.path())
        .assert()
        .success()
        .get_output()
        .clone();
    let said = String::from_utf8_lossy(&copied.stdout).into_owned();
    assert!(said.starts_with("已复制到本机："), "{said}");
    let copy = local.path().join("学校.taoli");
    let listed = on_share()
        .args(["teacher", "list", "--json"])
        .arg(&copy)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("张三"));
    assert!(
        listed.stderr.is_empty(),
        "no notice for the local copy: {}",
        String::from_utf8_lossy(&listed.stderr)
    );
    on_share()
        .args(["audit", "verify"])
        .arg(&copy)
        .assert()
        .success();
}
