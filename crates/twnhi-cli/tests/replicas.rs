//! Three `twnhi serve` replicas on one PostgreSQL database, as behind a load balancer: the
//! same key files, one public URL, each on its own port with its own connection pool and
//! outbox worker, sharing nothing in memory. A whole registration walks across them with
//! every request on the next replica (apply → verify → login → device code → the app binds
//! → password change); failures are throttled across replicas; letters queued for three
//! workers are each sent once; and a replica killed with SIGKILL mid-flow loses nothing.
//!
//! Needs the Debian package `postgresql` (a private server is started by `twnhi-testkit`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{ok, twnhi};
use twnhi_account::Msg;
use twnhi_card::NhiSession;
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::postgres::PgServer;

const PW1: &str = "Repl#2024ab";
const PW2: &str = "Repl#2025cd";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One person of `twnhi admin registry demo`: the registry row and the card.
struct Person {
    id_number: String,
    household: Vec<(String, String)>,
    card: Identity,
}

/// A database migrated and filled with `n` demo people, and the data directory.
struct Site {
    url: String,
    dir: tempfile::TempDir,
    people: Vec<Person>,
    public_port: u16,
}

fn site(pg: &PgServer, n: usize) -> Site {
    site_on(Some(pg), n)
}

/// Like [`site`], on a new PostgreSQL database, or without one on a SQLite file in the
/// data directory.
fn site_on(pg: Option<&PgServer>, n: usize) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let url = match pg {
        Some(pg) => pg.create_database(),
        None => dir
            .path()
            .join("twnhi.sqlite3")
            .to_str()
            .unwrap()
            .to_owned(),
    };
    let out = dir.path().join("people");
    let sam = dir.path().join("sam.key");
    ok(&twnhi(&[
        "admin",
        "registry",
        "demo",
        "--count",
        &n.to_string(),
        "--out",
        out.to_str().unwrap(),
        "--sam-key",
        sam.to_str().unwrap(),
    ]));
    ok(&twnhi(&["admin", "db", "migrate", "--db", &url]));
    let csv = out.join("registry.csv");
    ok(&twnhi(&[
        "admin",
        "registry",
        "import",
        "--db",
        &url,
        csv.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |row: &[&str], name: &str| {
        row[header.iter().position(|h| *h == name).unwrap()]
            .trim_matches('"')
            .to_owned()
    };
    let people = lines
        .map(|l| {
            let row: Vec<&str> = l.split(',').collect();
            let card_no = col(&row, "card_number");
            let card = Identity::from_json(
                &std::fs::read_to_string(out.join(format!("cards/{card_no}.json"))).unwrap(),
            )
            .unwrap();
            Person {
                id_number: col(&row, "id_number"),
                household: vec![
                    ("terms".into(), "accepted".into()),
                    ("household_id".into(), col(&row, "household_id")),
                    ("county".into(), col(&row, "county")),
                    ("township".into(), col(&row, "township")),
                    ("village".into(), col(&row, "village")),
                    ("neighborhood".into(), col(&row, "neighborhood")),
                ],
                card,
            }
        })
        .collect();
    Site {
        url,
        dir,
        people,
        public_port: free_port(),
    }
}

/// A running `twnhi serve` replica.
struct Replica {
    child: Child,
}

impl Replica {
    fn start(site: &Site, port: u16) -> Replica {
        let mail_dir = site.dir.path().join("mail");
        Replica::start_with(site, port, &["--mail-dir", mail_dir.to_str().unwrap()])
    }

    fn start_with(site: &Site, port: u16, mail: &[&str]) -> Replica {
        let d = site.dir.path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_twnhi"))
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args([
                "--public-url",
                &format!("http://127.0.0.1:{}/", site.public_port),
            ])
            .arg("--insecure-http")
            .args(["--database-url", &site.url])
            .args(["--database-max-connections", "4"])
            .args(["--replicas", "3"])
            .args(["--service-hours", "00:00-24:00"])
            .args(["--outbox-lease-secs", "10"])
            .args(mail)
            .arg("--sam-key-file")
            .arg(d.join("sam.key"))
            .arg("--server-key-file")
            .arg(d.join("server.key"))
            .env_remove("TWNHI_LOG")
            .env_remove("TWNHI_CONFIG")
            .env_remove("TWNHI_MIGRATE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("listening on"), "{first}");
        let r = Replica { child };
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, "GET", "/readyz", &[], "").0 != 200 {
            assert!(Instant::now() < deadline, "replica on {port} not ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        r
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.0 exchange (no chunked answers): status, headers, body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, Vec::new(), String::new());
    };
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    if s.write_all(req.as_bytes()).is_err() {
        return (0, Vec::new(), String::new());
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = raw.split_once("\r\n\r\n") else {
        return (0, Vec::new(), raw);
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A browser: its cookie and CSRF token, sending each request to the next replica.
struct Browser {
    ports: Vec<u16>,
    next: usize,
    cookie: Option<String>,
    csrf: String,
    /// Which replicas answered, in order.
    served_by: Vec<u16>,
}

impl Browser {
    fn new(ports: &[u16]) -> Self {
        Browser {
            ports: ports.to_vec(),
            next: 0,
            cookie: None,
            csrf: String::new(),
            served_by: Vec::new(),
        }
    }

    fn send(&mut self, method: &str, path: &str, ctype: Option<&str>, body: &str) -> (u16, String) {
        self.send_with(method, path, ctype, body, None)
    }

    /// `send`, with a further cookie (a flash message of Post/Redirect/Get).
    fn send_with(
        &mut self,
        method: &str,
        path: &str,
        ctype: Option<&str>,
        body: &str,
        flash: Option<&str>,
    ) -> (u16, String) {
        let port = self.ports[self.next % self.ports.len()];
        self.next += 1;
        let mut h = Vec::new();
        match (&self.cookie, flash) {
            (Some(c), Some(f)) => h.push(("Cookie", format!("twnhi={c}; {f}"))),
            (Some(c), None) => h.push(("Cookie", format!("twnhi={c}"))),
            (None, Some(f)) => h.push(("Cookie", f.to_owned())),
            (None, None) => {}
        }
        if let Some(t) = ctype {
            h.push(("Content-Type", t.to_owned()));
            h.push(("X-CSRF-Token", self.csrf.clone()));
        }
        let (status, headers, body) = http(port, method, path, &h, body);
        assert_ne!(
            status, 0,
            "replica on {port} did not answer {method} {path}"
        );
        self.served_by.push(port);
        let mut set_flash = None;
        let mut location = None;
        for (k, v) in &headers {
            if k == "set-cookie"
                && let Some(rest) = v.strip_prefix("twnhi=")
            {
                let value = rest.split(';').next().unwrap_or_default();
                self.cookie = (!value.is_empty()).then(|| value.to_owned());
            }
            if k == "set-cookie" && v.starts_with("twnhi-flash=") && !v.contains("Max-Age=0") {
                set_flash = v.split(';').next().map(str::to_owned);
            }
            if k == "location" {
                location = Some(v.clone());
            }
        }
        // Post/Redirect/Get: the result page, on the next replica, as a browser follows it.
        if status == 303
            && let (Some(f), Some(to)) = (set_flash, location)
        {
            return self.send_with("GET", &to, None, "", Some(&f));
        }
        if let Some(i) = body.find("name=\"csrf-token\" content=\"") {
            let rest = &body[i + 27..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        (status, body)
    }

    fn get(&mut self, path: &str) -> (u16, String) {
        self.send("GET", path, None, "")
    }

    fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let mut all = fields.to_vec();
        let csrf = self.csrf.clone();
        all.push(("csrf", &csrf));
        self.send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            &form(&all),
        )
    }

    fn post_json(&mut self, path: &str, json: &serde_json::Value) -> (u16, serde_json::Value) {
        let (s, b) = self.send("POST", path, Some("application/json"), &json.to_string());
        (
            s,
            serde_json::from_str(&b).unwrap_or(serde_json::Value::Null),
        )
    }

    /// SPEC §3 with the simulated card, each step on the next replica.
    fn read_card(&mut self, card: &Identity) {
        let mut session = NhiSession::new(SimCard::new(card.clone(), Faults::default()));
        let (s, n) = self.post_json("/card/nonce", &serde_json::json!({}));
        assert_eq!(s, 200, "{n}");
        let nonce = n["nonce"].as_str().unwrap().to_owned();
        let c = session.challenge().unwrap();
        let (s, a) = self.post_json(
            "/card/answer",
            &serde_json::json!({"nonce": nonce, "card_no": c.card_no.to_string(), "rc": hex::encode_upper(c.rc)}),
        );
        assert_eq!(s, 200, "{a}");
        let au: [u8; 32] = hex::decode(a["au"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let cr = session.authenticate(&au).unwrap();
        let (s, v) = self.post_json(
            "/card/verify",
            &serde_json::json!({"nonce": nonce, "cr": hex::encode_upper(cr)}),
        );
        assert_eq!(s, 200, "{v}");
    }
}

/// The text parts of every letter in `dir`, decoded.
fn letters(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let raw = std::fs::read_to_string(&p).unwrap();
            let mut text = raw.split("\r\n\r\n").next().unwrap_or_default().to_owned();
            for part in raw.split("Content-Transfer-Encoding: base64").skip(1) {
                let b64: String = part
                    .trim_start()
                    .lines()
                    .take_while(|l| !l.trim().is_empty() && !l.starts_with("--"))
                    .collect();
                if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) {
                    text.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            (p, text)
        })
        .collect()
}

/// The path and query of the first link to `path` in a letter to `to`, waiting for it.
fn link_in_letters(dir: &Path, to: &str, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for (_, text) in letters(dir) {
            if text.contains(to)
                && let Some(i) = text.find(&format!("{path}?token="))
            {
                let rest = &text[i..];
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
                    .unwrap_or(rest.len());
                return rest[..end].to_owned();
            }
        }
        assert!(Instant::now() < deadline, "no letter to {to} with {path}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Applies (terms, card, details) and confirms the e-mail address from the letter, every
/// request on the next replica.
fn register(b: &mut Browser, site: &Site, p: &Person, email: &str) {
    b.get("/apply");
    b.read_card(&p.card);
    let mut fields: Vec<(&str, &str)> = p
        .household
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.extend([
        ("password", PW1),
        ("confirmation", PW1),
        ("mobile_area", "0912"),
        ("mobile_number", "345678"),
        ("email", email),
    ]);
    let (s, body) = b.post_form("/apply/details", &fields);
    assert_eq!(s, 200);
    assert!(body.contains(Msg::ApplySuccess.zh()), "{body}");
    // The letter is sent by whichever replica's worker claimed it.
    let link = link_in_letters(&site.dir.path().join("mail"), email, "/verify-email");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    b.get(&link);
    b.read_card(&p.card);
    let (s, body) = b.post_form("/verify-email", &[("token", &token)]);
    assert_eq!(s, 200);
    assert!(body.contains(Msg::EmailVerified.zh()), "{body}");
}

#[test]
fn a_registration_walks_across_three_replicas() {
    let pg = PgServer::shared();
    let site = site(&pg, 3);
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let replicas: Vec<Replica> = ports.iter().map(|&p| Replica::start(&site, p)).collect();
    let p = &site.people[0];
    let email = "replica.walker@example.com";

    let mut b = Browser::new(&ports);
    register(&mut b, &site, p, email);

    // Log in with the card and the password.
    b.get("/login");
    b.read_card(&p.card);
    let (s, body) = b.post_form("/login", &[("password", PW1)]);
    assert_eq!(s, 303, "logged in: {body}");

    // A device code on one replica, bound by the app through another.
    b.get("/device/verify");
    let (_, body) = b.post_form("/device/verify", &[]);
    let i = body.find("data-code-text>").expect("a device code") + "data-code-text>".len();
    let code = body[i..i + 8].to_owned();
    let bind = serde_json::json!({"id_number": p.id_number, "code": code, "platform": "Android", "model": "Pixel 8", "device_id": "replica-dev-1"});
    let (s, _, bound) = http(
        ports[(b.next + 1) % 3],
        "POST",
        "/api/v1/devices/bind",
        &[("Content-Type", "application/json".to_owned())],
        &bind.to_string(),
    );
    assert_eq!(s, 201, "{bound}");
    let (_, listed) = b.get("/devices");
    assert!(
        listed.contains("Pixel 8"),
        "the device is listed by another replica"
    );

    // Change the password on one replica; the new one works on the others.
    b.get("/password");
    let (s, body) = b.post_form(
        "/password",
        &[("current", PW1), ("password", PW2), ("confirmation", PW2)],
    );
    assert!(s == 200 || s == 303, "{s} {body}");
    let mut b2 = Browser::new(&ports);
    b2.next = 1;
    b2.get("/login");
    b2.read_card(&p.card);
    let (s, _) = b2.post_form("/login", &[("password", PW2)]);
    assert_eq!(s, 303, "the new password on another replica");

    let used: BTreeSet<u16> = b.served_by.iter().copied().collect();
    assert_eq!(used.len(), 3, "every replica served the walk");
    drop(replicas);
}

/// Wrong passwords counted on all three replicas together: the account's throttle is in
/// the database, so spreading guesses over replicas gains nothing.
#[test]
fn throttling_counts_across_replicas() {
    let pg = PgServer::shared();
    let site = site(&pg, 2);
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let replicas: Vec<Replica> = ports.iter().map(|&p| Replica::start(&site, p)).collect();
    let p = &site.people[1];
    let mut b = Browser::new(&ports);
    register(&mut b, &site, p, "throttled@example.com");
    // Wrong passwords, one card read each, spread over the replicas, until refused.
    let mut answers = BTreeMap::new();
    for n in 0..6 {
        b.get("/login");
        b.read_card(&p.card);
        let (s, body) = b.post_form("/login", &[("password", "Wrong#0000x")]);
        let throttled = s == 429 || body.contains("Too many attempts");
        answers.insert(n, (s, throttled));
    }
    // Three free failures, then a back-off (1 s, doubling): the fourth or, when the card
    // read took longer than the first second of back-off, the fifth is refused. Had each
    // replica counted its own, six attempts spread over three would give each at most two
    // failures, all of them free.
    let first_throttled = answers.iter().find(|(_, (_, t))| *t).map(|(n, _)| *n);
    assert!(
        matches!(first_throttled, Some(3 | 4)),
        "the fourth wrong password, on any replica, is throttled: {answers:?}"
    );
    drop(replicas);
}

/// A minimal SMTP sink on the loopback: accepts every message and records its Message-ID,
/// so that a letter delivered twice is seen twice.
struct SmtpSink {
    port: u16,
    ids: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let ids = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = ids.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let seen = seen.clone();
                std::thread::spawn(move || smtp_session(conn, &seen));
            }
        });
        SmtpSink { port, ids }
    }

    fn ids(&self) -> Vec<String> {
        self.ids.lock().unwrap().clone()
    }
}

fn smtp_session(conn: TcpStream, seen: &std::sync::Mutex<Vec<String>>) {
    let mut out = conn.try_clone().unwrap();
    let mut input = BufReader::new(conn);
    let mut say = |line: &str| out.write_all(format!("{line}\r\n").as_bytes()).is_ok();
    if !say("220 sink ESMTP") {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let verb = line.trim_end().to_ascii_uppercase();
        if verb.starts_with("EHLO") {
            say("250-sink\r\n250 8BITMIME");
        } else if verb == "DATA" {
            say("354 go on");
            let mut id = String::new();
            loop {
                line.clear();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                if id.is_empty() && line.to_ascii_lowercase().starts_with("message-id:") {
                    id = line[11..].trim().to_owned();
                }
            }
            seen.lock().unwrap().push(id);
            say("250 queued");
        } else if verb == "QUIT" {
            say("221 bye");
            return;
        } else {
            say("250 ok");
        }
    }
}

/// The outbox's counts as `twnhi admin outbox list` prints them: (pending, sent, failed).
fn outbox_counts(site: &Site) -> (u64, u64, u64) {
    let out = ok(&twnhi(&[
        "admin", "outbox", "list", "--limit", "1", "--db", &site.url,
    ]));
    let line = out
        .lines()
        .find(|l| l.contains("pending,"))
        .unwrap_or_else(|| panic!("{out}"));
    let n = |word: &str| -> u64 {
        let i = line.find(&format!(" {word}")).unwrap();
        line[..i]
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (n("pending"), n("sent"), n("failed"))
}

/// 500 letters queued for three replicas' workers: each is delivered once (one file per
/// Message-ID, 500 marked sent). One replica is killed with SIGKILL while they work: its
/// claimed letters are sent by the others when their lease ends, and the others carry on
/// serving.
#[test]
fn three_workers_send_500_letters_once_and_survive_a_killed_replica() {
    let pg = PgServer::shared();
    let site = site(&pg, 1);
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}?tls=none", sink.port);
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut replicas: Vec<Replica> = ports
        .iter()
        .map(|&p| Replica::start_with(&site, p, &["--smtp-url", &smtp]))
        .collect();
    let key = site.dir.path().join("server.key");
    let out = ok(&twnhi(&[
        "admin",
        "outbox",
        "test",
        "--to",
        "outbox.check@example.com",
        "--count",
        "500",
        "--server-key-file",
        key.to_str().unwrap(),
        "--db",
        &site.url,
    ]));
    assert!(out.contains("500"), "{out}");
    // Kill one replica once the work is under way.
    let deadline = Instant::now() + Duration::from_secs(60);
    while outbox_counts(&site).1 < 50 {
        assert!(
            Instant::now() < deadline,
            "no letters sent: {:?}",
            outbox_counts(&site)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut killed = replicas.remove(0);
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    let at_kill = outbox_counts(&site);
    assert!(at_kill.1 < 500, "the kill came after the work: {at_kill:?}");

    // The others carry on serving.
    for &p in &ports[1..] {
        assert_eq!(http(p, "GET", "/readyz", &[], "").0, 200);
        assert_eq!(http(p, "GET", "/login", &[], "").0, 200);
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let c = outbox_counts(&site);
        if c == (0, 500, 0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not all sent: {c:?} (at the kill: {at_kill:?})"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let ids = sink.ids();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 500, "every letter delivered");
    assert!(!unique.contains(&String::new()), "each with its Message-ID");
    // Only a letter the killed replica had sent without yet marking it can go out twice
    // (at most one claimed batch, 20); every other letter exactly once.
    let twice = ids.len() - unique.len();
    assert!(twice <= 20, "{twice} letters delivered more than once");
    drop(replicas);
}

/// A deployment on SQLite moves to PostgreSQL with `twnhi admin db copy`: the counts match,
/// and the person registered before logs in on a replica of the new database. A second
/// copy into the same database is refused.
#[test]
fn a_sqlite_deployment_moves_to_postgresql() {
    let pg = PgServer::shared();
    let mut site = site_on(None, 2);
    let sqlite = site.url.clone();
    let p = &site.people[0];
    {
        let port = free_port();
        let _one = Replica::start(&site, port);
        let mut b = Browser::new(&[port]);
        register(&mut b, &site, p, "moving@example.com");
        b.get("/login");
        b.read_card(&p.card);
        assert_eq!(b.post_form("/login", &[("password", PW1)]).0, 303);
    }
    let url = pg.create_database();
    let out = ok(&twnhi(&[
        "admin", "db", "copy", "--from", &sqlite, "--to", &url,
    ]));
    assert!(out.contains("registrations"), "{out}");
    assert!(
        out.contains("counts match") || out.contains("筆數相符"),
        "{out}"
    );
    let name = common::db_name(&url);
    assert_eq!(
        pg.psql(name, "SELECT count(*) FROM registrations").trim(),
        "1"
    );
    assert_eq!(
        pg.psql(name, "SELECT count(*) FROM insured_persons").trim(),
        "2"
    );
    let letters = pg.psql(name, "SELECT count(*) FROM outbox WHERE status = 'sent'");
    assert!(
        letters.trim().parse::<u32>().unwrap() >= 1,
        "the sent letter moved too"
    );

    // The same person logs in on the new database.
    site.url = url.clone();
    let port = free_port();
    let _moved = Replica::start(&site, port);
    let mut b = Browser::new(&[port]);
    b.get("/login");
    b.read_card(&p.card);
    assert_eq!(
        b.post_form("/login", &[("password", PW1)]).0,
        303,
        "logged in after the move"
    );

    let again = twnhi(&["admin", "db", "copy", "--from", &sqlite, "--to", &url]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "a non-empty destination is refused"
    );
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already holds"), "{err}");
}
