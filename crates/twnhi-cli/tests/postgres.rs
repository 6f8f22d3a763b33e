//! The commands on PostgreSQL, chosen by the `postgres://` URL: `twnhi admin` imports the
//! registry and lists the outbox, `twnhi serve` starts on the database and says it is ready.
//! A private PostgreSQL is started by `twnhi-testkit` (Debian package `postgresql`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ok, twnhi};
use twnhi_testkit::postgres::PgServer;

#[test]
fn admin_commands_work_on_postgres() {
    let pg = PgServer::shared();
    let url = pg.create_database();
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people");
    let key = dir.path().join("sam.key");
    ok(&twnhi(&[
        "admin",
        "registry",
        "demo",
        "--count",
        "5",
        "--out",
        people.to_str().unwrap(),
        "--sam-key",
        key.to_str().unwrap(),
    ]));
    let csv = people.join("registry.csv");
    // A new PostgreSQL database is migrated by `admin db migrate`, not by other commands.
    let o = twnhi(&[
        "admin",
        "registry",
        "import",
        "--db",
        &url,
        csv.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "an unmigrated database is the environment"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("twnhi admin db migrate"), "{err}");
    let name = common::db_name(&url);
    assert_eq!(
        pg.psql(
            name,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        )
        .trim(),
        "0",
        "nothing created by a refused command"
    );
    let out = ok(&twnhi(&["admin", "db", "migrate", "--db", &url]));
    let applied = twnhi_store_postgres::embedded_migrations();
    assert!(
        out.contains(&format!("({applied} migration(s) applied now)")),
        "{out}"
    );
    let out = ok(&twnhi(&["admin", "db", "migrate", "--db", &url]));
    assert!(
        out.contains("(0 migration(s) applied now)"),
        "again: nothing to do: {out}"
    );
    let out = ok(&twnhi(&[
        "admin",
        "registry",
        "import",
        "--db",
        &url,
        csv.to_str().unwrap(),
    ]));
    assert!(
        out.contains("匯入 imported: 5 new, 0 updated (5 persons"),
        "{out}"
    );
    assert!(out.contains("5 rows written in"), "{out}");
    assert!(out.contains("rows/s)"), "{out}");
    // In batches of two, the same file again: every row updated, nothing new.
    let out = ok(&twnhi(&[
        "admin",
        "registry",
        "import",
        "--batch",
        "2",
        "--db",
        &url,
        csv.to_str().unwrap(),
    ]));
    assert!(
        out.contains("匯入 imported: 0 new, 5 updated (5 persons"),
        "{out}"
    );
    // The rows are in PostgreSQL, not in a file named like the URL.
    assert_eq!(
        pg.psql(name, "SELECT count(*) FROM insured_persons").trim(),
        "5"
    );
    let out = ok(&twnhi(&["admin", "outbox", "list", "--db", &url]));
    assert!(
        out.contains("郵件佇列 outbox: 0 pending, 0 sent, 0 failed"),
        "{out}"
    );

    // A database that does not exist: the environment (exit 3), the password not shown.
    let missing = pg
        .url("no_such_db")
        .replace("postgres@", "postgres:hunter2@");
    let o = twnhi(&["admin", "outbox", "list", "--db", &missing]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn serve_starts_on_postgres_and_is_ready() {
    let pg = PgServer::shared();
    let url = pg.create_database();
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = |extra: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_twnhi"));
        c.arg("serve")
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--public-url", &format!("http://127.0.0.1:{port}/")])
            .arg("--insecure-http")
            .args(["--database-url", &url])
            .arg("--mail-dir")
            .arg(dir.path().join("mail"))
            .arg("--sam-key-file")
            .arg(dir.path().join("sam.key"))
            .arg("--server-key-file")
            .arg(dir.path().join("server.key"))
            .args(extra)
            .env_remove("TWNHI_LOG")
            .env_remove("TWNHI_CONFIG")
            .env_remove("TWNHI_MIGRATE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    };
    // Replicas do not migrate unless told: an unmigrated database is refused (exit 3).
    let refused = serve(&[]).output().unwrap();
    assert_eq!(refused.status.code(), Some(3));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--migrate"), "{err}");
    let mut child = serve(&["--migrate"]).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let ready = (|| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                s.write_all(
                    b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                )
                .unwrap();
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") {
                    return Some(answer);
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        None
    })();
    child.kill().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    assert!(first.contains("listening on"), "{first} {err}");
    let answer = ready.unwrap_or_else(|| panic!("not ready: {err}"));
    assert!(answer.contains("database"), "{answer}");
    // The site's tables are in the database.
    let name = common::db_name(&url);
    assert_eq!(
        pg.psql(name, "SELECT count(*) FROM registrations").trim(),
        "0"
    );
}
