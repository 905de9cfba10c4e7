//! A throwaway PostgreSQL cluster for the PostgreSQL half of the suite:
//! Debian's `postgresql` package, `initdb` into a temporary folder and
//! `pg_ctl start` on a free port of 127.0.0.1, once per test process. Each
//! test gets a database of its own. A watchdog stops the cluster and removes
//! its folder when the test process ends, however it ends.
//!
//! `TAOLI_TEST_POSTGRES` (a connection string to a server where the user may
//! create databases) uses that server instead.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where the cluster listens: `host=… port=… user=…`, without a database.
struct Cluster {
    settings: String,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT: AtomicU32 = AtomicU32::new(0);

/// A new empty database on the cluster, as a connection string.
pub fn fresh_database() -> String {
    let cluster = CLUSTER.get_or_init(start);
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let admin = format!("{} dbname=postgres", cluster.settings);
    // The blocking client runs a runtime of its own: off the test's.
    let create = format!("CREATE DATABASE {name}");
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL ({admin}): {e}"));
        client.batch_execute(&create).unwrap();
    })
    .join()
    .unwrap();
    format!("{} dbname={name}", cluster.settings)
}

fn start() -> Cluster {
    if let Ok(settings) = std::env::var("TAOLI_TEST_POSTGRES") {
        return Cluster { settings };
    }
    let bin = bindir();
    let dir = tempfile::Builder::new()
        .prefix("taoli-pg-")
        .tempdir()
        .unwrap()
        .keep();
    let root = is_root();
    if root {
        // PostgreSQL will not run as root: the cluster is the postgres user's.
        run(Command::new("chown").arg("postgres:").arg(&dir), false);
    }
    let data = dir.join("data");
    run(
        Command::new(bin.join("initdb"))
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]),
        root,
    );
    let port = free_port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        dir.display()
    );
    run(
        Command::new(bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(dir.join("log"))
            .args(["-w", "start"]),
        root,
    );
    watch(&bin, &dir, &data, root);
    Cluster {
        settings: format!("host=127.0.0.1 port={port} user=postgres"),
    }
}

/// Stops the cluster and removes its folder once this process is gone.
/// The watchdog outlives this process on purpose, so it is never waited for.
#[allow(clippy::zombie_processes)]
fn watch(bin: &Path, dir: &Path, data: &Path, root: bool) {
    let as_postgres = if root { "runuser -u postgres -- " } else { "" };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         {as_postgres}'{pg_ctl}' -D '{data}' -m immediate stop; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
}

fn run(command: &mut Command, as_postgres: bool) {
    let mut command = if as_postgres {
        let mut wrapped = Command::new("runuser");
        wrapped
            .args(["-u", "postgres", "--"])
            .arg(command.get_program())
            .args(command.get_args());
        wrapped
    } else {
        std::mem::replace(command, Command::new("true"))
    };
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {command:?} (install Debian's postgresql package): {e}")
        });
    assert!(
        out.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The server's programs: `PG_BINDIR`, else the newest of Debian's
/// `/usr/lib/postgresql/<version>/bin`.
fn bindir() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BINDIR") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed: apt install postgresql (scripts/test.sh does)")
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .expect("no initdb under /usr/lib/postgresql/*/bin")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
