//! `twnhi serve` as its own process, measured from outside (`docs/performance.md`, "The site
//! under a burst and a long run"): its resident memory (VmRSS and VmHWM from
//! `/proc/PID/status`), answers per second and latencies, against a load generator that speaks
//! plain HTTP/1.1 from many loopback addresses (127.0.x.y), with the production password hash.
//!
//! ```sh
//! cargo bench -p twnhi-cli --bench server -- burst              # 1,000 concurrent logins, two kinds
//! cargo bench -p twnhi-cli --bench server -- burst --binary /path/to/other/twnhi   # the same against another build
//! cargo bench -p twnhi-cli --bench server -- burst --attempts 300 --compare /path/to/other/twnhi
//! cargo bench -p twnhi-cli --bench server -- soak --minutes 30  # mixed traffic for 30 minutes
//! ```
//!
//! `TWNHI_BENCH_SERVER_LOG=FILE` keeps the server's log (level `TWNHI_BENCH_SERVER_LOG_LEVEL`,
//! default `error`).
//!
//! The load generator fills the database through commands and plain SQL that every version of
//! `twnhi serve` understands (`twnhi admin registry import`, `INSERT` of registrations), so an
//! older binary can be measured the same way (`--binary`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpSocket;
use twnhi_account::password::HashPolicy;
use twnhi_card::NhiSession;
use twnhi_card::auth::MasterKey;
use twnhi_demo::people::{DemoPerson, generate};
use twnhi_service::SeededRandom;
use twnhi_sim::{Faults, SimCard};

const MASTER: [u8; 16] = *b"twnhi-bench-mstr";
const PASSWORD: &str = "Bench#2024ab";

// ----- the server under test -------------------------------------------------------------------

struct Server {
    child: Child,
    addr: SocketAddr,
    db: PathBuf,
    mail: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts `binary serve` on a fresh data directory, with the registry of `people` and a
    /// registration (active, [`PASSWORD`]) for the first `registered` of them.
    async fn start(binary: &Path, people: &[DemoPerson], registered: usize) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let keys = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, hex::encode(bytes)).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            p
        };
        let sam = keys("sam-master.key", &MASTER);
        let server_key = keys("server.key", &[0x42; 32]);
        let db = dir.path().join("twnhi.sqlite3");
        let mail = dir.path().join("mail");
        // The registry, through the command every version has.
        let files = twnhi_demo::people::write(&dir.path().join("registry"), people).unwrap();
        let out = Command::new(binary)
            .args(["admin", "registry", "import"])
            .arg(&files.registry)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        insert_registrations(&db, &people[..registered]).await;
        let port = free_port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = Command::new(binary)
            .arg("serve")
            .args(["--listen", &addr.to_string()])
            .args(["--public-url", &format!("http://{addr}/")])
            .arg("--insecure-http")
            .arg("--database-url")
            .arg(&db)
            .arg("--mail-dir")
            .arg(&mail)
            .arg("--sam-key-file")
            .arg(&sam)
            .arg("--server-key-file")
            .arg(&server_key)
            .args(["--service-hours", "00:00-24:00"])
            .env(
                "TWNHI_LOG",
                std::env::var("TWNHI_BENCH_SERVER_LOG_LEVEL").unwrap_or_else(|_| "error".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(match std::env::var_os("TWNHI_BENCH_SERVER_LOG") {
                Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
                None => Stdio::null(),
            })
            .spawn()
            .unwrap();
        let server = Server {
            child,
            addr,
            db,
            mail,
            _dir: dir,
        };
        let start = Instant::now();
        while get(addr, local(1), "/healthz").await.status != 200 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "serve did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    fn status_kib(&self, field: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        s.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn rss_mib(&self) -> f64 {
        self.status_kib("VmRSS:") as f64 / 1024.0
    }

    fn peak_mib(&self) -> f64 {
        self.status_kib("VmHWM:") as f64 / 1024.0
    }

    fn letters(&self) -> usize {
        std::fs::read_dir(&self.mail).map_or(0, |d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
    }
}

/// Registrations in use for `people`, written with plain SQL (the columns every version has).
async fn insert_registrations(db: &Path, people: &[DemoPerson]) {
    use sqlx::sqlite::SqliteConnectOptions;
    let pool = sqlx::SqlitePool::connect_with(SqliteConnectOptions::new().filename(db))
        .await
        .unwrap();
    let hash = HashPolicy::default()
        .hash(PASSWORD, &mut rand::rng())
        .unwrap();
    let now = twnhi_store::time::format(Utc::now());
    let mut tx = pool.begin().await.unwrap();
    for (i, p) in people.iter().enumerate() {
        let id = format!("{:032x}", i + 1);
        sqlx::query(
            "INSERT INTO registrations (id, id_number, card_number, state, password_hash, \
             created_at, updated_at, verified_at, version) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, 0)",
        )
        .bind(&id)
        .bind(p.person.id_number.as_str())
        .bind(p.person.card_number.as_str())
        .bind(hash.as_str())
        .bind(&now)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .unwrap();
        for (kind, value) in [
            ("email", format!("bench.{i}@example.com")),
            ("mobile-phone", "0912345678".to_owned()),
        ] {
            sqlx::query("INSERT INTO contacts (registration_id, kind, value) VALUES (?, ?, ?)")
                .bind(&id)
                .bind(kind)
                .bind(value)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    pool.close().await;
}

// ----- a small HTTP/1.1 client from a chosen loopback address ----------------------------------

fn local(n: u32) -> Ipv4Addr {
    // 127.0.0.2 … : one "client address" each.
    let n = n + 1;
    Ipv4Addr::new(127, 0, (n / 250) as u8, (n % 250 + 1) as u8)
}

#[derive(Debug, Default)]
struct Reply {
    status: u16,
    set_cookie: Option<String>,
    retry_after: bool,
    body: String,
}

/// A request that got no HTTP answer: why (in the body, for the tally).
fn failed(why: &str) -> Reply {
    Reply {
        body: why.to_owned(),
        ..Reply::default()
    }
}

async fn send(addr: SocketAddr, from: Ipv4Addr, head: String, body: &[u8]) -> Reply {
    let Ok(socket) = TcpSocket::new_v4() else {
        return failed("socket");
    };
    if socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).is_err() {
        return failed("bind");
    }
    let mut s = match tokio::time::timeout(Duration::from_secs(30), socket.connect(addr)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return failed(&format!("connect: {}", e.kind())),
        Err(_) => return failed("connect: timeout"),
    };
    if let Err(e) = s.write_all(head.as_bytes()).await {
        return failed(&format!("write: {}", e.kind()));
    }
    if let Err(e) = s.write_all(body).await {
        return failed(&format!("write: {}", e.kind()));
    }
    let mut out = Vec::new();
    match tokio::time::timeout(Duration::from_secs(120), s.read_to_end(&mut out)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) if out.is_empty() => return failed(&format!("read: {}", e.kind())),
        Ok(Err(_)) => {}
        Err(_) => return failed("read: timeout"),
    }
    if out.is_empty() {
        return failed("closed without an answer");
    }
    let text = String::from_utf8_lossy(&out);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut reply = Reply {
        status: head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        body: body.to_owned(),
        ..Reply::default()
    };
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("set-cookie")
            && let Some(v) = value.strip_prefix("twnhi=")
        {
            reply.set_cookie = v.split(';').next().map(str::to_owned);
        }
        if name.eq_ignore_ascii_case("retry-after") {
            reply.retry_after = true;
        }
    }
    reply
}

async fn get(addr: SocketAddr, from: Ipv4Addr, path: &str) -> Reply {
    send(
        addr,
        from,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        b"",
    )
    .await
}

/// A browser: its address, cookie and CSRF token.
struct Browser {
    addr: SocketAddr,
    from: Ipv4Addr,
    cookie: String,
    csrf: String,
}

fn meta_csrf(body: &str) -> Option<String> {
    let i = body.find("name=\"csrf-token\" content=\"")? + 27;
    let rest = &body[i..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl Browser {
    async fn open(addr: SocketAddr, from: Ipv4Addr) -> Option<Browser> {
        let r = get(addr, from, "/login").await;
        Some(Browser {
            addr,
            from,
            cookie: r.set_cookie?,
            csrf: meta_csrf(&r.body)?,
        })
    }

    async fn request(&self, method: &str, path: &str, ctype: &str, body: &str) -> Reply {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nOrigin: http://{a}\r\n\
             Cookie: twnhi={c}\r\nX-CSRF-Token: {t}\r\nContent-Type: {ctype}\r\nContent-Length: {n}\r\n\r\n",
            a = self.addr,
            c = self.cookie,
            t = self.csrf,
            n = body.len()
        );
        send(self.addr, self.from, head, body.as_bytes()).await
    }

    async fn form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().copied())
            .finish();
        let r = self
            .request("POST", path, "application/x-www-form-urlencoded", &body)
            .await;
        self.follow(&r);
        r
    }

    async fn json(&self, path: &str, v: serde_json::Value) -> Reply {
        self.request("POST", path, "application/json", &v.to_string())
            .await
    }

    async fn page(&mut self, path: &str) -> Reply {
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nCookie: twnhi={c}\r\n\r\n",
            a = self.addr,
            c = self.cookie
        );
        let r = send(self.addr, self.from, head, b"").await;
        self.follow(&r);
        r
    }

    /// A renewed session (login): its cookie and the new page's token.
    fn follow(&mut self, r: &Reply) {
        if let Some(c) = &r.set_cookie
            && !c.is_empty()
        {
            self.cookie.clone_from(c);
        }
        if let Some(t) = meta_csrf(&r.body) {
            self.csrf = t;
        }
    }

    /// SPEC §3 with the person's simulated card, as the page script does it.
    async fn read_card(&self, person: &DemoPerson) -> bool {
        let n = self.json("/card/nonce", serde_json::json!({})).await;
        let Ok(n) = serde_json::from_str::<serde_json::Value>(&n.body) else {
            return false;
        };
        let Some(nonce) = n["nonce"].as_str() else {
            return false;
        };
        let mut card = NhiSession::new(SimCard::new(person.identity.clone(), Faults::default()));
        let c = card.challenge().unwrap();
        let a = self
            .json(
                "/card/answer",
                serde_json::json!({"nonce": nonce, "card_no": c.card_no.to_string(), "rc": hex::encode_upper(c.rc)}),
            )
            .await;
        let Some(au) = serde_json::from_str::<serde_json::Value>(&a.body)
            .ok()
            .and_then(|v| v["au"].as_str().map(str::to_owned))
        else {
            return false;
        };
        let au: [u8; 32] = hex::decode(au).unwrap().try_into().unwrap();
        let cr = card.authenticate(&au).unwrap();
        self.json(
            "/card/verify",
            serde_json::json!({"nonce": nonce, "cr": hex::encode_upper(cr)}),
        )
        .await
        .status
            == 200
    }
}

// ----- measurements ------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
}

impl Tally {
    fn add(&mut self, status: u16, took: Duration) {
        self.latencies.push(took);
        *self.statuses.entry(status).or_default() += 1;
    }

    fn pct(&mut self, p: f64) -> f64 {
        self.latencies.sort();
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i].as_secs_f64() * 1000.0
    }
}

/// Samples the server's resident memory every 20 ms until stopped; returns the highest.
fn sample_rss(pid: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut max = 0;
        while !stop.load(Ordering::Relaxed) {
            if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                && let Some(v) = s
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
            {
                max = max.max(v);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        max
    })
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Resident memory 10, 30 and 60 s after a burst, the server left idle.
async fn idle_rss(server: &Server) -> String {
    let mut out = Vec::new();
    let start = Instant::now();
    for at in [10, 30, 60] {
        tokio::time::sleep(Duration::from_secs(at).saturating_sub(start.elapsed())).await;
        out.push(format!("{at} s: {:.1} MiB", server.rss_mib()));
    }
    out.push(format!(
        "(at 60 s: anonymous {:.1} MiB, file-backed {:.1} MiB)",
        server.status_kib("RssAnon:") as f64 / 1024.0,
        server.status_kib("RssFile:") as f64 / 1024.0
    ));
    out.join(", ")
}

// ----- the burst ---------------------------------------------------------------------------------

async fn burst(binary: &Path, attempts: usize) {
    println!(
        "binary {} · {attempts} concurrent attempts · load average {}",
        binary.display(),
        load_average()
    );
    let people = generate(
        attempts,
        &MasterKey::from_bytes(MASTER),
        &SeededRandom::new(21),
    );

    // A: strangers' app logins (wrong passwords, an unknown device), from 4 addresses.
    {
        let server = Server::start(binary, &people, attempts).await;
        let idle_before = server.rss_mib();
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = sample_rss(server.child.id(), Arc::clone(&stop));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let addr = server.addr;
            let body = serde_json::json!({
                "id_number": p.person.id_number.as_str(),
                "password": "Guess#1234",
                "device_id": "stranger-device",
                "totp": "000000",
            })
            .to_string();
            let from = local(1 + (i % 4) as u32);
            tasks.push(tokio::spawn(async move {
                let head = format!(
                    "POST /api/v1/login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let t = Instant::now();
                let r = send(addr, from, head, body.as_bytes()).await;
                (r.status, t.elapsed())
            }));
        }
        let mut tally = Tally::default();
        for t in tasks {
            let (s, took) = t.await.unwrap();
            tally.add(s, took);
        }
        let wall = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        let sampled = sampler.join().unwrap() as f64 / 1024.0;
        let peak = server.peak_mib().max(sampled);
        let idle_after = idle_rss(&server).await;
        println!(
            "A app logins by strangers (4 addresses): {:.0} answers/s over {:.2} s · p50 {:.0} ms · p99 {:.0} ms · statuses {:?} · RSS idle before {idle_before:.1} MiB, peak {peak:.1} MiB, idle after {idle_after}",
            attempts as f64 / wall.as_secs_f64(),
            wall.as_secs_f64(),
            tally.pct(0.5),
            tally.pct(0.99),
            tally.statuses
        );
    }

    // B: card holders' logins with wrong passwords (every one is a password check), from 200
    // addresses: 1,000 browser sessions with the card read first, then all at once.
    {
        let server = Server::start(binary, &people, attempts).await;
        let mut browsers = Vec::new();
        let prepared = Instant::now();
        let mut sessions = Vec::new();
        for chunk in people.chunks(16).enumerate() {
            let (c, chunk) = chunk;
            let mut tasks = Vec::new();
            for (j, p) in chunk.iter().enumerate() {
                let addr = server.addr;
                let p = p.clone();
                let from = local(1 + ((c * 16 + j) % 200) as u32);
                tasks.push(tokio::spawn(async move {
                    let b = Browser::open(addr, from).await?;
                    b.read_card(&p).await.then_some(b)
                }));
            }
            for t in tasks {
                sessions.push(t.await.unwrap());
            }
        }
        browsers.extend(sessions.into_iter().flatten());
        let idle_before = server.rss_mib();
        println!(
            "  (B: {} of {attempts} sessions with the card read, in {:.1} s)",
            browsers.len(),
            prepared.elapsed().as_secs_f64()
        );
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = sample_rss(server.child.id(), Arc::clone(&stop));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for mut b in browsers {
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let r = b.form("/login", &[("password", "Wrong#1234")]).await;
                let why = if r.status == 0 { r.body } else { String::new() };
                (r.status, r.retry_after, t.elapsed(), why)
            }));
        }
        let n = tasks.len();
        let mut tally = Tally::default();
        let mut with_retry_after = 0;
        let mut failures: BTreeMap<String, u64> = BTreeMap::new();
        for t in tasks {
            let (s, ra, took, why) = t.await.unwrap();
            tally.add(s, took);
            if ra {
                with_retry_after += 1;
            }
            if s == 0 {
                *failures.entry(why).or_default() += 1;
            }
        }
        if !failures.is_empty() {
            println!("  (B: no answer: {failures:?})");
        }
        let wall = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        let sampled = sampler.join().unwrap() as f64 / 1024.0;
        let peak = server.peak_mib().max(sampled);
        let idle_after = idle_rss(&server).await;
        println!(
            "B web logins with the card, wrong passwords (200 addresses): {:.0} answers/s over {:.2} s · p50 {:.0} ms · p99 {:.0} ms · statuses {:?} ({with_retry_after} with Retry-After) · RSS idle before {idle_before:.1} MiB, peak {peak:.1} MiB, idle after {idle_after}",
            n as f64 / wall.as_secs_f64(),
            wall.as_secs_f64(),
            tally.pct(0.5),
            tally.pct(0.99),
            tally.statuses
        );
    }
    println!("load average at the end {}", load_average());
}

// ----- the soak ----------------------------------------------------------------------------------

#[derive(Default)]
struct Counters {
    ops: AtomicU64,
    errors: AtomicU64,
    /// Unexpected answers by step and status.
    unexpected: std::sync::Mutex<BTreeMap<String, u64>>,
}

/// One virtual user's round: log in with the card, produce a device code, bind a device with
/// the app, log in from the app, list devices, log out (app and site); ask for a reset letter;
/// a stranger's failed app login; now and then an application of a new person.
async fn user_round(
    addr: SocketAddr,
    from: Ipv4Addr,
    p: &DemoPerson,
    spare: Option<&DemoPerson>,
    round: u64,
    tally: &tokio::sync::Mutex<Tally>,
    counters: &Counters,
) {
    let step = |what: &str, ok: bool, took: Duration, status: u16| {
        counters.ops.fetch_add(1, Ordering::Relaxed);
        if !ok {
            counters.errors.fetch_add(1, Ordering::Relaxed);
            *counters
                .unexpected
                .lock()
                .unwrap()
                .entry(format!("{what} {status}"))
                .or_default() += 1;
        }
        (status, took)
    };
    let mut results = Vec::new();
    let t = Instant::now();
    let Some(mut b) = Browser::open(addr, from).await else {
        results.push(step("open", false, t.elapsed(), 0));
        record(tally, results).await;
        return;
    };
    let ok = b.read_card(p).await;
    results.push(step("card", ok, t.elapsed(), if ok { 200 } else { 0 }));
    let t = Instant::now();
    let r = b.form("/login", &[("password", PASSWORD)]).await;
    results.push(step("login", r.status == 303, t.elapsed(), r.status));
    // Where the login sends the browser: the renewed session's page (and CSRF token).
    let t = Instant::now();
    let r = b.page("/services").await;
    results.push(step("services", r.status == 200, t.elapsed(), r.status));
    let t = Instant::now();
    let r = b.form("/device/verify", &[]).await;
    let code = r
        .body
        .split("data-code-text>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .map(str::to_owned);
    results.push(step("device-code", code.is_some(), t.elapsed(), r.status));
    if let Some(code) = code {
        let device = format!("soak-{}-{round}", p.person.card_number.as_str());
        let t = Instant::now();
        let r = b
            .json(
                "/api/v1/devices/bind",
                serde_json::json!({"id_number": p.person.id_number.as_str(), "code": code,
                    "platform": "Android", "model": "Soak", "device_id": device}),
            )
            .await;
        results.push(step(
            "bind",
            matches!(r.status, 200 | 201),
            t.elapsed(),
            r.status,
        ));
        let secret = serde_json::from_str::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| v["totp"]["secret"].as_str().map(str::to_owned));
        if let Some(secret) = secret {
            let totp = twnhi_account::totp::TotpPolicy::default()
                .code_at(
                    &twnhi_account::totp::TotpSecret::from_base32(&secret).unwrap(),
                    Utc::now(),
                )
                .unwrap();
            let t = Instant::now();
            let r = b
                .json(
                    "/api/v1/login",
                    serde_json::json!({"id_number": p.person.id_number.as_str(), "password": PASSWORD,
                        "device_id": device, "totp": totp}),
                )
                .await;
            results.push(step("app-login", r.status == 200, t.elapsed(), r.status));
            let token = serde_json::from_str::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["access_token"].as_str().map(str::to_owned));
            if let Some(token) = token {
                for (method, path) in [("GET", "/api/v1/devices"), ("POST", "/api/v1/logout")] {
                    let head = format!(
                        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n"
                    );
                    let t = Instant::now();
                    let r = send(addr, from, head, b"").await;
                    results.push(step("app", r.status == 200, t.elapsed(), r.status));
                }
            }
        }
    }
    let t = Instant::now();
    let r = b.form("/logout", &[]).await;
    results.push(step("logout", r.status == 303, t.elapsed(), r.status));
    // A reset letter, with the card read again.
    if let Some(mut b) = Browser::open(addr, from).await
        && b.read_card(p).await
    {
        let t = Instant::now();
        let r = b
            .form("/forgot-password", &[("method", "registered")])
            .await;
        results.push(step("forgot", r.status == 200, t.elapsed(), r.status));
    }
    // A stranger's failed app login.
    let t = Instant::now();
    let body =
        serde_json::json!({"id_number": p.person.id_number.as_str(), "password": "Guess#1234",
        "device_id": "stranger", "totp": "000000"})
        .to_string();
    let head = format!(
        "POST /api/v1/login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let r = send(addr, local(240), head, body.as_bytes()).await;
    results.push(step(
        "stranger",
        r.status == 401 || r.status == 429,
        t.elapsed(),
        r.status,
    ));
    // An application of someone new.
    if let Some(s) = spare
        && let Some(mut b) = Browser::open(addr, from).await
    {
        b.page("/apply").await;
        if b.read_card(s).await {
            let t = s.person.address.township();
            let fields = [
                ("terms", "accepted".to_owned()),
                ("household_id", s.person.household_id.as_str().to_owned()),
                ("county", t.county_zh().to_owned()),
                ("township", t.zh().to_owned()),
                ("village", s.person.address.village().to_owned()),
                ("neighborhood", s.person.address.neighborhood().to_string()),
                ("password", PASSWORD.to_owned()),
                ("confirmation", PASSWORD.to_owned()),
                ("mobile_area", "0912".to_owned()),
                ("mobile_number", "345678".to_owned()),
                (
                    "email",
                    format!("new.{}@example.com", s.person.card_number.as_str()),
                ),
            ];
            let f: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, b.as_str())).collect();
            let started = Instant::now();
            let r = b.form("/apply/details", &f).await;
            results.push(step("apply", r.status == 200, started.elapsed(), r.status));
        }
    }
    record(tally, results).await;
}

async fn record(tally: &tokio::sync::Mutex<Tally>, results: Vec<(u16, Duration)>) {
    let mut t = tally.lock().await;
    for (s, d) in results {
        t.add(s, d);
    }
}

async fn soak(binary: &Path, minutes: u64, users: usize) {
    let registered = 400;
    let spares = 4000;
    let people = generate(
        registered + spares,
        &MasterKey::from_bytes(MASTER),
        &SeededRandom::new(22),
    );
    let server = Arc::new(Server::start(binary, &people, registered).await);
    let people = Arc::new(people);
    println!(
        "soak: binary {} · {users} virtual users · {minutes} min · load average {}",
        binary.display(),
        load_average()
    );
    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    let counters = Arc::new(Counters::default());
    let spare_next = Arc::new(AtomicU64::new(0));
    let window = Arc::new(tokio::sync::Mutex::new(Tally::default()));
    let mut tasks = Vec::new();
    for u in 0..users {
        let server = Arc::clone(&server);
        let people = Arc::clone(&people);
        let counters = Arc::clone(&counters);
        let spare_next = Arc::clone(&spare_next);
        let window = Arc::clone(&window);
        tasks.push(tokio::spawn(async move {
            let mut round = 0u64;
            while Instant::now() < deadline {
                let p = &people[(u + round as usize * users) % registered];
                // One application in four rounds, while new people last.
                let spare = round
                    .is_multiple_of(4)
                    .then(|| spare_next.fetch_add(1, Ordering::Relaxed) as usize)
                    .filter(|i| *i < spares)
                    .map(|i| &people[registered + i]);
                // Each round from another address: a virtual user stands for many people,
                // so the per-address ceilings do not decide the rate.
                let from = local(1 + ((u * 37 + round as usize) % 230) as u32);
                user_round(server.addr, from, p, spare, round, &window, &counters).await;
                round += 1;
            }
        }));
    }
    // A report every minute: memory, rate, latency, errors of that minute.
    let mut last_ops = 0;
    let mut last_errors = 0;
    let start = Instant::now();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(60).min(deadline - Instant::now())).await;
        let mut t = std::mem::take(&mut *window.lock().await);
        let ops = counters.ops.load(Ordering::Relaxed);
        let errors = counters.errors.load(Ordering::Relaxed);
        let sessions: i64 = {
            use sqlx::sqlite::SqliteConnectOptions;
            let pool = sqlx::SqlitePool::connect_with(
                SqliteConnectOptions::new()
                    .filename(&server.db)
                    .read_only(true),
            )
            .await
            .unwrap();
            let n = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
                .fetch_one(&pool)
                .await
                .unwrap_or(-1);
            pool.close().await;
            n
        };
        println!(
            "t={:>4.0}s RSS {:.1} MiB · {:.1} requests/s · p50 {:.1} ms · p99 {:.1} ms · errors {} · letters {} · session rows {} · statuses {:?} · load {}",
            start.elapsed().as_secs_f64(),
            server.rss_mib(),
            (ops - last_ops) as f64 / 60.0,
            t.pct(0.5),
            t.pct(0.99),
            errors - last_errors,
            server.letters(),
            sessions,
            t.statuses,
            load_average()
        );
        last_ops = ops;
        last_errors = errors;
    }
    for t in tasks {
        let _ = t.await;
    }
    println!(
        "total {} requests, {} errors {:?}; RSS at the end {:.1} MiB, peak {:.1} MiB",
        counters.ops.load(Ordering::Relaxed),
        counters.errors.load(Ordering::Relaxed),
        counters.unexpected.lock().unwrap(),
        server.rss_mib(),
        server.peak_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let binary = flag("--binary")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_twnhi")));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if args.iter().any(|a| a == "soak") {
        let minutes = flag("--minutes").and_then(|m| m.parse().ok()).unwrap_or(30);
        let users = flag("--users").and_then(|m| m.parse().ok()).unwrap_or(16);
        rt.block_on(soak(&binary, minutes, users));
    } else if args.iter().any(|a| a == "burst") {
        let attempts = flag("--attempts")
            .and_then(|m| m.parse().ok())
            .unwrap_or(1000);
        rt.block_on(burst(&binary, attempts));
        // `--compare OTHER`: the same burst against another build, in the same run.
        if let Some(other) = flag("--compare") {
            rt.block_on(burst(Path::new(&other), attempts));
        }
    } else {
        // `cargo bench` without arguments (or with libtest's): say how to run it.
        eprintln!("usage: cargo bench -p twnhi-cli --bench server -- burst|soak [options]");
    }
}
