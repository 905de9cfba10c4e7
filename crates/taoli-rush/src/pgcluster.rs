//! A throwaway PostgreSQL cluster: Debian's `postgresql` package, `initdb`
//! into a temporary folder and `pg_ctl start` on a free port of 127.0.0.1.
//! The rush runs over one ([`Cluster::start`]); the upstream's tests and
//! the rush's share one per test process ([`shared`]), each test with a
//! database of its own ([`Cluster::fresh_database`]).
//!
//! PostgreSQL will not run as root: run as root, the cluster is the
//! `postgres` user's (its programs run through `runuser`). A watchdog
//! stops the cluster and removes its folder when the process that started
//! it ends, however it ends (a test that panics, a rush killed mid-run).
//!
//! `TAOLI_TEST_POSTGRES` (a connection string, without `dbname`, to a
//! server where the user may create databases) makes [`shared`] use that
//! server instead of starting one.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};

/// How to start a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keep PostgreSQL's durability (fsync, synchronous commit, full page
    /// writes) as in production; off, commits are not flushed to disk,
    /// which is what tests want and what no county would run.
    pub durable: bool,
    /// `max_connections`.
    pub max_connections: u32,
    /// `shared_buffers`, as PostgreSQL writes it (`128MB`, `2GB`).
    pub shared_buffers: String,
    /// Load `pg_stat_statements`, to say where the time went.
    pub stat_statements: bool,
}

impl Options {
    /// What tests want: quick, not durable, room for many connections.
    pub fn for_tests() -> Options {
        Options {
            durable: false,
            max_connections: 300,
            shared_buffers: "128MB".into(),
            stat_statements: false,
        }
    }

    /// What a measured rush runs over: durable, as a county's server
    /// would be, with memory for the rush's working set, checkpoints
    /// spread out (`max_wal_size`) and `pg_stat_statements` loaded.
    pub fn for_measurement() -> Options {
        Options {
            durable: true,
            max_connections: 300,
            shared_buffers: "2GB".into(),
            stat_statements: true,
        }
    }

    fn server_options(&self, port: u16, socket_dir: &Path) -> String {
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections={} -c shared_buffers={}",
            socket_dir.display(),
            self.max_connections,
            self.shared_buffers
        );
        if self.durable {
            options.push_str(" -c max_wal_size=8GB -c checkpoint_timeout=30min");
        } else {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        if self.stat_statements {
            options.push_str(
                " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all",
            );
        }
        options
    }
}

/// A running cluster (or the server `TAOLI_TEST_POSTGRES` names).
#[derive(Debug)]
pub struct Cluster {
    /// `host=… port=… user=…`, without a database.
    settings: String,
    /// What this process started and stops: None for a server it was given.
    owned: Option<Owned>,
    next: AtomicU32,
}

#[derive(Debug)]
struct Owned {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    root: bool,
}

impl Cluster {
    /// Starts a new cluster, stopped and removed when it is dropped (or,
    /// should this process die first, by the watchdog).
    pub fn start(options: &Options) -> Result<Cluster> {
        let bin = bindir()?;
        let dir = tempfile::Builder::new()
            .prefix("taoli-pg-")
            .tempdir()?
            .keep();
        let root = is_root();
        if root {
            run(Command::new("chown").arg("postgres:").arg(&dir), false)?;
        }
        let data = dir.join("data");
        run(
            Command::new(bin.join("initdb")).arg("-D").arg(&data).args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]),
            root,
        )?;
        let port = free_port()?;
        let server_options = options.server_options(port, &dir);
        run(
            Command::new(bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .args(["-o", &server_options, "-l"])
                .arg(dir.join("log"))
                .args(["-w", "start"]),
            root,
        )?;
        watch(&bin, &dir, &data, root)?;
        Ok(Cluster {
            settings: format!("host=127.0.0.1 port={port} user=postgres"),
            owned: Some(Owned {
                bin,
                dir,
                data,
                root,
            }),
            next: AtomicU32::new(0),
        })
    }

    /// The server `settings` names (`host=… port=… user=…`), not started
    /// nor stopped by this process.
    pub fn existing(settings: &str) -> Cluster {
        Cluster {
            settings: settings.to_owned(),
            owned: None,
            next: AtomicU32::new(0),
        }
    }

    /// Where the cluster listens: `host=… port=… user=…`, without a database.
    pub fn settings(&self) -> &str {
        &self.settings
    }

    /// The connection string of database `name` on the cluster.
    pub fn database(&self, name: &str) -> String {
        format!("{} dbname={name}", self.settings)
    }

    /// Creates database `name` (letters, digits and `_` only); its
    /// connection string.
    pub fn create_database(&self, name: &str) -> Result<String> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(Error::Check(format!(
                "数据库名只能由字母、数字和 _ 组成 / a database name is letters, digits and _: {name}"
            )));
        }
        let admin = self.database("postgres");
        let create = format!("CREATE DATABASE {name}");
        // The blocking client runs a runtime of its own: off any async one.
        std::thread::spawn(move || -> Result<()> {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)?;
            client.batch_execute(&create)?;
            Ok(())
        })
        .join()
        .map_err(|_| {
            Error::Check("建库的线程崩溃 / the thread creating the database panicked".into())
        })??;
        Ok(self.database(name))
    }

    /// A new, empty database with a name of its own; its connection string.
    pub fn fresh_database(&self) -> Result<String> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        self.create_database(&format!("t{}_{n}", std::process::id()))
    }

    /// The postmaster's process id (None for a server this process did
    /// not start).
    pub fn postmaster_pid(&self) -> Option<u32> {
        let owned = self.owned.as_ref()?;
        let text = std::fs::read_to_string(owned.data.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// The server's log (None for a server this process did not start).
    pub fn log_path(&self) -> Option<PathBuf> {
        self.owned.as_ref().map(|o| o.dir.join("log"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let Some(owned) = self.owned.take() else {
            return;
        };
        let _ = run(
            Command::new(owned.bin.join("pg_ctl"))
                .arg("-D")
                .arg(&owned.data)
                .args(["-m", "fast", "-w", "stop"]),
            owned.root,
        );
        let _ = std::fs::remove_dir_all(&owned.dir);
    }
}

static SHARED: OnceLock<std::result::Result<Cluster, String>> = OnceLock::new();

/// The cluster of this process's tests, started on first use and never
/// dropped (the watchdog stops it when the process ends); or the server
/// `TAOLI_TEST_POSTGRES` names.
pub fn shared() -> Result<&'static Cluster> {
    let started = SHARED.get_or_init(|| {
        if let Ok(settings) = std::env::var("TAOLI_TEST_POSTGRES") {
            return Ok(Cluster::existing(&settings));
        }
        Cluster::start(&Options::for_tests()).map_err(|e| e.to_string())
    });
    started.as_ref().map_err(|e| Error::Check(e.clone()))
}

/// Stops the cluster and removes its folder once this process is gone.
/// The watchdog outlives this process on purpose, so it is never waited for.
#[allow(clippy::zombie_processes)]
fn watch(bin: &Path, dir: &Path, data: &Path, root: bool) -> Result<()> {
    let as_postgres = if root { "runuser -u postgres -- " } else { "" };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         if [ -d '{data}' ]; then {as_postgres}'{pg_ctl}' -D '{data}' -m immediate stop; fi; rm -rf '{dir}'",
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
        .map_err(|source| Error::Spawn {
            program: "sh".into(),
            source,
        })?;
    Ok(())
}

fn run(command: &mut Command, as_postgres: bool) -> Result<()> {
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
    let shown = format!("{command:?}");
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|source| Error::Spawn {
            program: shown.clone(),
            source,
        })?;
    if !out.status.success() {
        return Err(Error::CommandFailed {
            command: shown,
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        });
    }
    Ok(())
}

/// The server's programs: `PG_BINDIR`, else the newest of Debian's
/// `/usr/lib/postgresql/<version>/bin`.
fn bindir() -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let entries = std::fs::read_dir("/usr/lib/postgresql").map_err(|_| Error::NoPostgres)?;
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or(Error::NoPostgres)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}
