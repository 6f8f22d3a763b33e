//! `twnhi serve` against a database on a file system that is read-only or full (SPEC §5,
//! recovery). Mounts tmpfs file systems: root only; built with `fault-tests`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .expect("mount(8) runs")
            .success();
        assert!(ok, "mounting a tmpfs failed: these tests need root");
        Tmpfs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![0x5a_u8; 64 * 1024];
    while f.write(&block).is_ok_and(|n| n > 0) {}
    while f.write(&[0x5a]).is_ok_and(|n| n == 1) {}
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve_command(db: &Path, keys: &Path, port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_twnhi"));
    cmd.arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--public-url")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg("--insecure-http")
        .arg("--database-url")
        .arg(db)
        .arg("--mail-dir")
        .arg(keys.join("mail"))
        .arg("--sam-key-file")
        .arg(keys.join("sam.key"))
        .arg("--server-key-file")
        .arg(keys.join("server.key"))
        .arg("--service-hours")
        .arg("00:00-24:00")
        .env_remove("TWNHI_LOG")
        .env_remove("TWNHI_CONFIG")
        .stdin(Stdio::null());
    cmd
}

fn run_serve(db: &Path, keys: &Path) -> Output {
    serve_command(db, keys, free_port())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Creates and migrates a database file (through the admin commands).
fn create_database(db: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_twnhi"))
        .args(["admin", "outbox", "list", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn serve_refuses_to_start_on_a_read_only_database() {
    let fs = Tmpfs::mount("16m");
    let keys = tempfile::tempdir().unwrap();
    let db = fs.path().join("twnhi.sqlite3");
    create_database(&db);
    fs.remount_read_only();
    let out = run_serve(&db, keys.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("錯誤 error:") && err.contains("資料庫"),
        "{err}"
    );
}

#[test]
fn serve_refuses_to_start_on_a_full_disk() {
    let fs = Tmpfs::mount("16m");
    let keys = tempfile::tempdir().unwrap();
    let db = fs.path().join("twnhi.sqlite3");
    create_database(&db);
    fill(fs.path());
    let out = run_serve(&db, keys.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("磁碟") || err.contains("disk"), "{err}");
}

/// A plain HTTP/1.1 request; returns the status code and the body.
fn request(addr: SocketAddr, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return (0, String::new());
    };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let body = json.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let code = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (code, body)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Regression: with the database on a full disk, requests answered 503 — and after space was
/// freed they stayed 503 until a restart, while `/healthz` said `ok` all along.
#[test]
fn serve_recovers_by_itself_after_a_full_disk_and_readiness_tells_the_truth() {
    // Above the 64 MiB of free space the readiness check asks for.
    let fs = Tmpfs::mount("96m");
    let keys = tempfile::tempdir().unwrap();
    let db = fs.path().join("twnhi.sqlite3");
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let _server = Server(
        serve_command(&db, keys.path(), port)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while request(addr, "GET", "/healthz", None).0 != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, body) = request(addr, "GET", "/readyz", None);
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"database\":\"writable\""), "{body}");
    assert!(body.contains("\"outbox_worker\":\"alive\""), "{body}");

    // A stranger's app login writes a throttling failure and an audit event.
    let login =
        r#"{"id_number":"A123456789","password":"Guess#1234","device_id":"dev-1","totp":"123456"}"#;
    assert_eq!(request(addr, "POST", "/api/v1/login", Some(login)).0, 401);

    let filler = fill(fs.path());
    assert_eq!(request(addr, "GET", "/healthz", None).0, 200, "still alive");
    let (code, body) = request(addr, "GET", "/readyz", None);
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("\"database\":\"unwritable\""), "{body}");
    let mut refused = 0;
    for _ in 0..30 {
        let (code, _) = request(addr, "POST", "/api/v1/login", Some(login));
        if code == 503 {
            refused += 1;
        }
    }
    assert!(refused > 0, "writes on a full disk answer 503");

    std::fs::remove_file(&filler).unwrap();
    let freed = Instant::now();
    loop {
        let (code, _) = request(addr, "POST", "/api/v1/login", Some(login));
        if code == 401 {
            break;
        }
        assert!(
            freed.elapsed() < Duration::from_secs(5),
            "still {code} five seconds after the disk had room"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, body) = request(addr, "GET", "/readyz", None);
    assert_eq!(code, 200, "{body}");
}
