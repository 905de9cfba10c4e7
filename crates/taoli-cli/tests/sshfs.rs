//! A school file on a real network file system: an SSH server on 127.0.0.1
//! (OpenSSH's `sshd`, started by the test with its own keys and port) and
//! its folder mounted with `sshfs` (FUSE). Nothing is forced here: the
//! `taoli` binary finds the mount in `/proc/self/mountinfo` as `fuse.sshfs`.
//!
//! Needs root (for FUSE), `sshd` and `sshfs` (`scripts/lib.sh` installs
//! openssh-server and sshfs); where any is missing the test prints why and
//! passes without running.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

mod support;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{init_school, taoli};
use tempfile::TempDir;

/// An SSH server on 127.0.0.1 and its export mounted with sshfs; both gone
/// when dropped.
struct SshShare {
    dir: TempDir,
    sshd: Child,
    mount: PathBuf,
}

impl SshShare {
    fn start() -> Option<SshShare> {
        for tool in ["/usr/sbin/sshd", "/usr/bin/sshfs", "/usr/bin/ssh-keygen"] {
            if !Path::new(tool).exists() {
                eprintln!("SKIPPED: {tool} is not installed (apt install openssh-server sshfs)");
                return None;
            }
        }
        let dir = TempDir::new().unwrap();
        let at = |name: &str| dir.path().join(name);
        for key in ["host_key", "client_key"] {
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(at(key))
                .status()
                .unwrap();
            assert!(made.success());
        }
        std::fs::copy(at("client_key.pub"), at("authorized_keys")).unwrap();
        std::fs::create_dir_all(at("export")).unwrap();
        std::fs::create_dir_all(at("mnt")).unwrap();
        let _ = std::fs::create_dir_all("/run/sshd");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::write(
            at("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPermitRootLogin prohibit-password\nPasswordAuthentication no\nStrictModes no\nSubsystem sftp internal-sftp\nPidFile {}\n",
                at("host_key").display(),
                at("authorized_keys").display(),
                at("sshd.pid").display()
            ),
        )
        .unwrap();
        let sshd = Command::new("/usr/sbin/sshd")
            .arg("-D")
            .arg("-f")
            .arg(at("sshd_config"))
            .arg("-E")
            .arg(at("sshd.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "sshd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mount = at("mnt");
        let mut share = SshShare { dir, sshd, mount };
        let mounted = Command::new("sshfs")
            .args(["-p", &port.to_string(), "-o"])
            .arg(format!(
                "IdentityFile={},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null",
                share.dir.path().join("client_key").display()
            ))
            .arg(format!(
                "root@127.0.0.1:{}",
                share.dir.path().join("export").display()
            ))
            .arg(&share.mount)
            .output()
            .unwrap();
        if !mounted.status.success() {
            eprintln!(
                "SKIPPED: sshfs could not mount ({}); it needs root and /dev/fuse",
                String::from_utf8_lossy(&mounted.stderr).trim()
            );
            let _ = share.sshd.kill();
            share.mount = PathBuf::new();
            return None;
        }
        Some(share)
    }
}

impl Drop for SshShare {
    fn drop(&mut self) {
        if !self.mount.as_os_str().is_empty() {
            let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
        }
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
    }
}

#[test]
fn a_school_file_in_an_sshfs_folder_is_found_on_a_network_share_and_copied_to_this_computer() {
    let Some(share) = SshShare::start() else {
        return;
    };
    let school = share.mount.join("学校.taoli");
    init_school(&school);
    let added = taoli()
        .args(["teacher", "add"])
        .arg(&school)
        .args(["--name", "张三", "--id-number", "11010519491231002X"])
        .assert()
        .success()
        .get_output()
        .clone();
    let notice = String::from_utf8_lossy(&added.stderr).into_owned();
    assert!(
        notice.contains("这个学校文件在网络共享文件夹上（SSH 远程文件夹：root@127.0.0.1:"),
        "{notice}"
    );
    // Kept in a rollback journal: no write-ahead log in the export folder.
    let export = share.dir.path().join("export");
    let journal: String = support::accounts::raw_connection(&export.join("学校.taoli"))
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete");

    let local = TempDir::new().unwrap();
    taoli()
        .arg("copy-to-this-computer")
        .arg(&school)
        .arg(local.path())
        .assert()
        .success();
    let copy = local.path().join("学校.taoli");
    let listed = taoli()
        .args(["teacher", "list", "--json"])
        .arg(&copy)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("张三"));
    assert!(listed.stderr.is_empty(), "a local copy has no notice");
    taoli()
        .args(["audit", "verify"])
        .arg(&school)
        .assert()
        .success();
}
