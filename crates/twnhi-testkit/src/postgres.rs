//! A private PostgreSQL server for tests (the `twnhi-store-postgres` tier).
//!
//! [`PgServer::start`] creates a cluster with `initdb` in a fresh directory under the temp
//! directory, starts `postgres` on a free port of 127.0.0.1 (its Unix socket in that directory,
//! durability switched off: tests need speed, not crash safety) and waits until it accepts
//! connections. [`PgServer::create_database`] makes one empty database per test or per
//! conformance check (`c_1`, `c_2`, …) and returns its URL. Dropping the server stops it
//! (`pg_ctl stop -m fast`, SIGKILL if that fails), waits for it and removes the directory.
//! [`PgServer::shared`] lets the tests of one process that run together share one server.
//!
//! PostgreSQL refuses to run as root. When the tests run as root, `initdb`, `postgres` and
//! `pg_ctl` run as the user `nobody` (its uid and gid from `/etc/passwd`), which owns the
//! directory; the directory is then under `/tmp`, which every user can reach. The server is the
//! harness's child process, so it is waited for and never left behind by a test that ends,
//! even by panicking.
//!
//! The binaries are found with `pg_config --bindir`, else in the newest
//! `/usr/lib/postgresql/*/bin`. Without them the harness panics, asking to install the Debian
//! package `postgresql` (`scripts/test` installs it): a missing server fails the tests, it
//! never skips them.
//!
//! ```no_run
//! use twnhi_testkit::postgres::PgServer;
//!
//! let server = PgServer::start();
//! let url = server.create_database(); // postgres://postgres@127.0.0.1:PORT/c_1?sslmode=disable
//! // … PostgresStore::connect(&url, …) …
//! ```

use std::fs::File;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The Debian package that provides the server.
pub const DEBIAN_PACKAGE: &str = "postgresql";

/// How long the server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running private PostgreSQL server; stopped and deleted when dropped.
#[derive(Debug)]
pub struct PgServer {
    bindir: PathBuf,
    dir: PathBuf,
    port: u16,
    /// `(uid, gid)` to run the server's programs as (when the tests run as root).
    run_as: Option<(u32, u32)>,
    child: Option<Child>,
    databases: AtomicU32,
}

fn missing(what: &str) -> ! {
    panic!(
        "PostgreSQL is not installed ({what}): install the Debian package `{DEBIAN_PACKAGE}` \
         (as root: apt-get install {DEBIAN_PACKAGE}; scripts/test does it) — the PostgreSQL \
         tests need its initdb, postgres and pg_ctl"
    )
}

fn has_server(dir: &Path) -> bool {
    ["initdb", "postgres", "pg_ctl", "pg_isready", "psql"]
        .iter()
        .all(|b| dir.join(b).is_file())
}

/// The directory of `initdb`, `postgres`, `pg_ctl`, `pg_isready` and `psql`.
///
/// # Panics
/// When PostgreSQL's server is not installed, saying to install the Debian package
/// [`DEBIAN_PACKAGE`].
#[must_use]
pub fn bindir() -> PathBuf {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    find_bindir(from_pg_config, Path::new("/usr/lib/postgresql")).unwrap_or_else(|| {
        missing("no initdb in `pg_config --bindir` or /usr/lib/postgresql/*/bin")
    })
}

/// `pg_config`'s answer when it has the server's programs, else the newest
/// `<versions>/<major>/bin` that has them.
fn find_bindir(from_pg_config: Option<PathBuf>, versions: &Path) -> Option<PathBuf> {
    if let Some(dir) = from_pg_config.filter(|d| has_server(d)) {
        return Some(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(versions)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// The uid and gid of `nobody` (65534 when `/etc/passwd` does not say).
fn nobody() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 3 && f[0] == "nobody")
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .unwrap_or((65534, 65534))
}

fn running_as_root() -> bool {
    // The owner of /proc/self is the process's effective uid.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl PgServer {
    /// Creates a cluster in a fresh directory and starts its server on a free port.
    ///
    /// # Panics
    /// When PostgreSQL is not installed, or `initdb` or the server fails (with its log).
    #[must_use]
    pub fn start() -> PgServer {
        static SERVERS: AtomicU32 = AtomicU32::new(0);
        let bindir = bindir();
        let run_as = running_as_root().then(nobody);
        let base = if run_as.is_some() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!(
            "twnhi-pg-{}-{}-{nanos:x}",
            std::process::id(),
            SERVERS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir).expect("create the server's directory");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .expect("chmod the server's directory");
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .expect("chown the server's directory to nobody");
        }
        let mut server = PgServer {
            bindir,
            dir,
            port: 0,
            run_as,
            child: None,
            databases: AtomicU32::new(0),
        };
        server.initdb();
        // Another process may take the free port before the server binds it: try a few.
        for _ in 0..5 {
            server.port = free_port();
            if server.spawn() {
                return server;
            }
        }
        panic!(
            "PostgreSQL did not start on a free port after 5 tries; its log:\n{}",
            server.log()
        );
    }

    /// The server shared by the tests of this process that run at the same time: started by
    /// the first caller, stopped when the last [`Arc`] is dropped (a later caller starts a new
    /// one). Each test still takes its own databases.
    ///
    /// # Panics
    /// As [`PgServer::start`].
    #[must_use]
    pub fn shared() -> Arc<PgServer> {
        static SHARED: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());
        let mut shared = SHARED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(server) = shared.upgrade() {
            return server;
        }
        let server = Arc::new(PgServer::start());
        *shared = Arc::downgrade(&server);
        server
    }

    /// A command for one of the server's programs, as the server's user.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.current_dir(&self.dir).stdin(Stdio::null());
        if let Some((uid, gid)) = self.run_as {
            // std drops the supplementary groups too when root changes the uid.
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    fn initdb(&self) {
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(self.data())
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .unwrap_or_else(|e| missing(&format!("cannot run initdb: {e}")));
        assert!(
            out.status.success(),
            "initdb failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server on `self.port`; `false` when it exited at once (port taken).
    fn spawn(&mut self) -> bool {
        let log = File::create(self.log_path()).expect("the server's log file");
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(&self.dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=300",
                "-c",
                "shared_buffers=32MB",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "deadlock_timeout=100ms",
                "-c",
                "log_min_messages=warning",
            ])
            .stdout(log.try_clone().expect("log fd"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| missing(&format!("cannot run postgres: {e}")));
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                let log = self.log();
                if log.contains("could not bind") || log.contains("already in use") {
                    return false;
                }
                panic!("PostgreSQL exited at start ({status}); its log:\n{log}");
            }
            let ready = self
                .command("pg_isready")
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .args(["-U", "postgres", "-d", "postgres"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return true;
            }
            if Instant::now() > deadline {
                panic!(
                    "PostgreSQL did not accept connections in {START_TIMEOUT:?}; its log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's TCP port on 127.0.0.1.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory of the server's Unix socket (`.s.PGSQL.<port>`).
    #[must_use]
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The process id of the server (the postmaster), while it runs.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The URL of database `name` over TCP, as the superuser `postgres` (trusted, no
    /// password; TLS off).
    #[must_use]
    pub fn url(&self, name: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        )
    }

    /// Runs SQL with `psql` in database `db` and returns its output (unaligned, tuples only).
    ///
    /// # Panics
    /// When the SQL fails.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out: Output = self
            .command("psql")
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", db, "-c", sql])
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql {sql:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Creates a fresh, empty database (`c_1`, `c_2`, …) and returns its [`url`](Self::url).
    ///
    /// # Panics
    /// When the server refuses.
    #[must_use]
    pub fn create_database(&self) -> String {
        let name = format!("c_{}", self.databases.fetch_add(1, Ordering::Relaxed) + 1);
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// The server's log so far (for failure messages).
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Stops the server (`pg_ctl stop -m fast`; SIGKILL when that fails) and waits for it.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let stopped = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "-t", "30", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_bin(root: &Path, version: &str) -> PathBuf {
        let bin = root.join(version).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for b in ["initdb", "postgres", "pg_ctl", "pg_isready", "psql"] {
            std::fs::write(bin.join(b), "").unwrap();
        }
        bin
    }

    #[test]
    fn finds_the_newest_server_or_nothing() {
        let root = std::env::temp_dir().join(format!("twnhi-pg-bindir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        assert_eq!(find_bindir(None, &root), None);
        assert_eq!(find_bindir(Some(root.join("nothing")), &root), None);
        fake_bin(&root, "9");
        let newest = fake_bin(&root, "15");
        // A client-only version (no server programs) does not count.
        std::fs::create_dir_all(root.join("17").join("bin")).unwrap();
        assert_eq!(find_bindir(None, &root), Some(newest.clone()));
        let chosen = fake_bin(&root, "13");
        assert_eq!(find_bindir(Some(chosen.clone()), &root), Some(chosen));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_missing_server_fails_naming_the_package() {
        let panic = std::panic::catch_unwind(|| missing("test")).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.contains("apt-get install postgresql"), "{message}");
    }
}
