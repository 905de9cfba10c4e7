//! Real `taoli-upstream` processes: found, migrated, started, stopped as an
//! operator stops them (SIGINT), or killed mid-rush (SIGKILL).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::error::{Error, Result};

/// The `taoli-upstream` binary: `explicit` if given, else
/// `TAOLI_UPSTREAM_BIN`, else the one built beside this program (the same
/// target folder and profile: `target/release/taoli-rush` finds
/// `target/release/taoli-upstream`; a test in `target/debug/deps` finds
/// `target/debug/taoli-upstream`).
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    if let Some(path) = std::env::var_os("TAOLI_UPSTREAM_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let mut dir = exe.parent();
    for _ in 0..2 {
        let Some(here) = dir else { break };
        let candidate = here.join("taoli-upstream");
        if candidate.is_file() {
            return Ok(candidate);
        }
        dir = here.parent();
    }
    Err(Error::UpstreamBinary)
}

/// `taoli-upstream migrate --db DATABASE`: what it printed.
pub fn migrate(bin: &Path, database: &str) -> Result<String> {
    let out = Command::new(bin)
        .args(["migrate", "--db", database])
        .stdin(Stdio::null())
        .output()
        .map_err(|source| Error::Spawn {
            program: bin.display().to_string(),
            source,
        })?;
    if !out.status.success() {
        return Err(Error::CommandFailed {
            command: format!("{} migrate", bin.display()),
            output: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// One `taoli-upstream serve` process on a free port of 127.0.0.1.
#[derive(Debug)]
pub struct Upstream {
    child: Child,
    /// Kept open: the process may still write to it.
    _stdout: BufReader<ChildStdout>,
    pub url: String,
    pub port: u16,
    pub log: PathBuf,
    running: bool,
}

impl Upstream {
    /// Starts `bin serve --db DATABASE --listen 127.0.0.1:0 --pool POOL
    /// EXTRA…`, its standard error into `log`, and waits for the address
    /// it prints.
    pub fn start(
        bin: &Path,
        database: &str,
        pool: u32,
        extra: &[String],
        log: PathBuf,
    ) -> Result<Upstream> {
        let pool = pool.to_string();
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--db",
                database,
                "--listen",
                "127.0.0.1:0",
                "--pool",
                &pool,
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log)?)
            .spawn()
            .map_err(|source| Error::Spawn {
                program: bin.display().to_string(),
                source,
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::UpstreamStart("没有标准输出 / no standard output".into()))?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let url = line
            .trim()
            .strip_prefix("taoli-upstream listening on ")
            .map(str::to_owned);
        let Some(url) = url else {
            let _ = child.kill();
            let _ = child.wait();
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(Error::UpstreamStart(format!("{line}{said}")));
        };
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .ok_or_else(|| {
                Error::UpstreamStart(format!("地址无法读取 / unreadable address: {url}"))
            })?;
        Ok(Upstream {
            child,
            _stdout: reader,
            url,
            port,
            log,
            running: true,
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it was neither stopped nor killed.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Kills it with SIGKILL, as a crash or the OOM killer would: no
    /// answer, no goodbye to the database.
    pub fn kill(&mut self) -> Result<()> {
        if self.running {
            self.child.kill()?;
            self.child.wait()?;
            self.running = false;
        }
        Ok(())
    }

    /// Stops it as an operator would (SIGINT, Ctrl-C) and waits up to
    /// `grace` for it to end; past that it is killed. Whether it ended by
    /// itself.
    pub fn stop(&mut self, grace: Duration) -> Result<bool> {
        if !self.running {
            return Ok(true);
        }
        self.running = false;
        kill_process(Pid::from_child(&self.child), Signal::INT).map_err(std::io::Error::from)?;
        let deadline = Instant::now().checked_add(grace);
        loop {
            if self.child.try_wait()?.is_some() {
                return Ok(true);
            }
            if deadline.is_none_or(|d| Instant::now() >= d) {
                self.child.kill()?;
                self.child.wait()?;
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if self.running {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
