//! Load benchmarks of the site (`docs/performance.md`, "Registration site"): a small load generator
//! (keep-alive HTTP/1.1 connections, hyper) against the site served in this process over
//! loopback, with the production password hashing (Argon2id, m = 19 MiB, t = 2, p = 1).
//!
//! - requests/s, p50, p99 of a read-only page (`GET /login` with a session);
//! - requests/s, p50, p99 of log-in (`POST /login`, card already authenticated in the
//!   session, as after the page script's card authentication);
//! - log-in latency against Argon2 verification alone;
//! - log-in latency with 1,000 and 1,000,000 registrations in SQLite.
//!
//! `cargo bench -p twnhi-web --bench load` runs everything (building the 1,000,000-row
//! database once, under the target directory); `-- --quick` skips the large database and
//! shortens the runs. `-- --postgres` compares SQLite with PostgreSQL (10,000 registrations
//! each, a private server started by `twnhi-testkit`), and one site against three replicas on
//! the same PostgreSQL database; `-- --postgres-10m` adds PostgreSQL
//! with 10,000,000 registrations (filled with SQL; `--fill=N` for another size) against
//! 10,000: log-in and application
//! (`POST /apply/details`, by persons of the registry who are not registered yet), and the
//! query plans of both paths.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header::{CONTENT_TYPE, COOKIE, HOST, SET_COOKIE};
use axum::http::{Method, Request};
use chrono::Utc;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use twnhi_account::password::HashPolicy;
use twnhi_account::registration::RegistrationState;
use twnhi_account::roc::ServiceHours;
use twnhi_account::secret::ServerKey;
use twnhi_account::{Email, MobilePhone};
use twnhi_card::NhiSession;
use twnhi_card::auth::MasterKey;
use twnhi_demo::people::{DemoPerson, generate};
use twnhi_notify::PublicBaseUrl;
use twnhi_service::{
    Ports, SeededRandom, Service, ServiceConfig, SoftwareSam, SystemClock, SystemRandom,
};
use twnhi_sim::{Faults, SimCard};
use twnhi_store::{
    Change, ChangeSet, Contacts, Registration, RegistrationId, Registry, RegistryImport, Store,
};
use twnhi_store_postgres::{PostgresOptions, PostgresStore};
use twnhi_store_sqlite::SqliteStore;
use twnhi_web::{CookieSecurity, RateLimits, Site, SiteDeps, SiteHandle, WebConfig};

const PASSWORD: &str = "Bench#2024ab";
/// Unregistered persons in the registry of each PostgreSQL site, for the application timings
/// (six interleaved rounds of ten).
const APPLICANTS: usize = 60;
/// Persons added to the 10,000,000-registration registry without a registration (in
/// proportion for a smaller `--fill`).
const UNREGISTERED_FILLER: usize = 2_000_000;
type R<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The database a site runs on.
#[derive(Clone)]
enum Db {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Db {
    fn store(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite(s) => Arc::new(s.clone()),
            Db::Postgres(p) => Arc::new(p.clone()),
        }
    }

    fn registry(&self) -> Arc<dyn Registry> {
        match self {
            Db::Sqlite(s) => Arc::new(s.clone()),
            Db::Postgres(p) => Arc::new(p.clone()),
        }
    }

    fn import(&self) -> Arc<dyn RegistryImport> {
        match self {
            Db::Sqlite(s) => Arc::new(s.clone()),
            Db::Postgres(p) => Arc::new(p.clone()),
        }
    }

    async fn close(&self) {
        match self {
            Db::Sqlite(s) => s.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

struct Env {
    site: SiteHandle,
    addr: SocketAddr,
    target: DemoPerson,
    /// Persons in the registry without a registration, for the application timings.
    applicants: Vec<DemoPerson>,
    store: Db,
}

/// Opens (filling it on first use) a database with `n` registrations besides the target
/// person's, and serves a site over it.
async fn env(db: &Path, n: usize) -> R<Env> {
    let marker = db.with_extension("ready");
    let fresh = !marker.exists();
    if fresh {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
    }
    let store = Db::Sqlite(SqliteStore::open(db).await?);
    let e = env_over(store, fresh, n, 0).await?;
    if fresh {
        std::fs::write(&marker, b"ok")?;
    }
    Ok(e)
}

/// Fills `store` (when `fresh`) with `n` registrations besides the target person's and
/// `unregistered` more persons in the registry only (the applicants), and serves a site over
/// it.
async fn env_over(store: Db, fresh: bool, n: usize, unregistered: usize) -> R<Env> {
    let master = MasterKey::from_bytes([5; 16]);
    let mut people = generate(n + 1 + unregistered, &master, &SeededRandom::new(77));
    let applicants = people.split_off(n + 1);
    let target = people[0].clone();
    if fresh {
        let t0 = Instant::now();
        let policy = HashPolicy::default();
        let mut rng = rand::rng();
        let real_hash = policy.hash(PASSWORD, &mut rng)?;
        let dummy_hash = policy.hash("Dummy#2024zz", &mut rng)?;
        let now = Utc::now();
        for chunk in people.chunks(50_000).chain(applicants.chunks(50_000)) {
            let persons: Vec<_> = chunk.iter().map(|p| p.person.clone()).collect();
            store.import().import_registry(&persons, now).await?;
        }
        let mut id_seed: u128 = 1;
        for chunk in people.chunks(20_000) {
            let mut cs = ChangeSet::new();
            for p in chunk {
                id_seed += 1;
                let reg = Registration {
                    id: RegistrationId::from_random(id_seed.to_le_bytes()),
                    id_number: p.person.id_number.clone(),
                    card_number: p.person.card_number.clone(),
                    state: RegistrationState::Active,
                    password_hash: if p.person.id_number == target.person.id_number {
                        real_hash.clone()
                    } else {
                        dummy_hash.clone()
                    },
                    contacts: Contacts {
                        email: Email::parse(&format!("bench{id_seed}@example.com"))?,
                        spare_email: None,
                        mobile_phone: Some(MobilePhone::parse("0912345678")?),
                        local_phone: None,
                    },
                    created_at: now,
                    updated_at: now,
                    verified_at: Some(now),
                    cancelled_at: None,
                    cancel_effective_at: None,
                    version: 0,
                };
                cs.push(Change::InsertRegistration(reg));
            }
            store.store().apply(cs).await?;
        }
        eprintln!(
            "  built {} registrations in {:.1} s",
            n + 1,
            t0.elapsed().as_secs_f64()
        );
    }
    let (site, addr) = serve(&store).await?;
    Ok(Env {
        site,
        addr,
        target,
        applicants,
        store,
    })
}

/// Serves a site over `store` on a new loopback port: one replica (its own service, rate
/// limits and in-memory state; the database is what replicas share).
async fn serve(store: &Db) -> R<(SiteHandle, SocketAddr)> {
    let master = MasterKey::from_bytes([5; 16]);
    let base = PublicBaseUrl::parse("http://127.0.0.1:1/")?;
    let mut config = ServiceConfig::new(base.clone(), Email::parse("noreply@twnhi.example")?);
    config.service_hours = ServiceHours::ALWAYS;
    let server_key = ServerKey::new(vec![3; 32])?;
    let service = Service::new(
        Ports {
            store: store.store(),
            registry: store.registry(),
            sam: Arc::new(SoftwareSam::new(master)),
            clock: Arc::new(SystemClock),
            random: Arc::new(SystemRandom::new()?),
        },
        server_key.clone(),
        config,
    )?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut web = WebConfig::new(PublicBaseUrl::parse(&format!("http://{addr}/"))?);
    web.listen = addr;
    web.cookies = CookieSecurity::PlainHttpLoopback;
    web.rate_limits = RateLimits::unlimited();
    let site = Site::new(web, SiteDeps::new(service), &server_key, None)?;
    let site = twnhi_web::BoundSite::new(site, listener)?.spawn();
    Ok((site, addr))
}

/// One keep-alive connection with a session cookie and its CSRF token.
struct Conn {
    sender: SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    cookie: String,
    csrf: String,
}

struct Reply {
    status: u16,
    body: String,
}

impl Conn {
    async fn open(addr: SocketAddr) -> R<Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn {
            sender,
            addr,
            cookie: String::new(),
            csrf: String::new(),
        })
    }

    async fn send(&mut self, method: Method, path: &str, body: Option<(&str, String)>) -> R<Reply> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.addr.to_string());
        if !self.cookie.is_empty() {
            b = b.header(COOKIE, format!("twnhi={}", self.cookie));
        }
        if !self.csrf.is_empty() {
            b = b.header("x-csrf-token", self.csrf.clone());
        }
        let req = match body {
            Some((ct, text)) => b
                .header(CONTENT_TYPE, ct)
                .body(Full::new(Bytes::from(text)))?,
            None => b.body(Full::new(Bytes::new()))?,
        };
        self.sender.ready().await?;
        let resp = self.sender.send_request(req).await?;
        let status = resp.status().as_u16();
        for v in resp.headers().get_all(SET_COOKIE) {
            if let Some(c) = v
                .to_str()?
                .strip_prefix("twnhi=")
                .and_then(|r| r.split(';').next())
            {
                self.cookie = c.to_owned();
            }
        }
        let bytes = resp.into_body().collect().await?.to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(i) = body.find("name=\"csrf-token\" content=\"") {
            let rest = &body[i + 27..];
            if let Some(end) = rest.find('"')
                && end > 0
            {
                self.csrf = rest[..end].to_owned();
            }
        }
        Ok(Reply { status, body })
    }

    async fn json(&mut self, path: &str, v: serde_json::Value) -> R<serde_json::Value> {
        let r = self
            .send(
                Method::POST,
                path,
                Some(("application/json", v.to_string())),
            )
            .await?;
        if r.status != 200 {
            return Err(format!("{path}: {} {}", r.status, r.body).into());
        }
        Ok(serde_json::from_str(&r.body)?)
    }

    /// SPEC §3 with the target's simulated card.
    async fn card_auth(&mut self, person: &DemoPerson) -> R {
        let mut card = NhiSession::new(SimCard::new(person.identity.clone(), Faults::default()));
        let n = self.json("/card/nonce", serde_json::json!({})).await?;
        let nonce = n["nonce"].as_str().ok_or("nonce")?.to_owned();
        let c = card.challenge()?;
        let a = self
            .json(
                "/card/answer",
                serde_json::json!({"nonce": nonce, "card_no": c.card_no.to_string(), "rc": hex::encode(c.rc)}),
            )
            .await?;
        let au: [u8; 32] = hex::decode(a["au"].as_str().ok_or("au")?)?
            .try_into()
            .map_err(|_| "au length")?;
        let cr = card.authenticate(&au)?;
        self.json(
            "/card/verify",
            serde_json::json!({"nonce": nonce, "cr": hex::encode(cr)}),
        )
        .await?;
        Ok(())
    }

    /// An application (SPEC §2) by `person`, who has a card and no registration: the terms
    /// page and the card authentication (not timed), then `POST /apply/details` (timed).
    async fn apply(&mut self, person: &DemoPerson, email: &str) -> R<Duration> {
        self.send(Method::GET, "/apply", None).await?;
        self.card_auth(person).await?;
        let p = &person.person;
        let t = p.address.township();
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", &self.csrf)
            .append_pair("household_id", p.household_id.as_str())
            .append_pair("county", t.county_zh())
            .append_pair("township", t.zh())
            .append_pair("village", p.address.village())
            .append_pair("neighborhood", &p.address.neighborhood().to_string())
            .append_pair("password", PASSWORD)
            .append_pair("confirmation", PASSWORD)
            .append_pair("mobile_area", "0912")
            .append_pair("mobile_number", "345678")
            .append_pair("email", email)
            .finish();
        self.timed_form("/apply/details", body).await
    }

    /// A form `POST` to `path`, timed; anything but `303 See Other` is an error.
    async fn timed_form(&mut self, path: &str, body: String) -> R<Duration> {
        let t = Instant::now();
        let r = self
            .send(
                Method::POST,
                path,
                Some(("application/x-www-form-urlencoded", body)),
            )
            .await?;
        let elapsed = t.elapsed();
        if r.status != 303 {
            return Err(format!(
                "{path}: {} {}",
                r.status,
                r.body.chars().take(300).collect::<String>()
            )
            .into());
        }
        Ok(elapsed)
    }

    /// `POST /login` (timed), then a page to learn the new session's CSRF token (not timed).
    async fn login(&mut self) -> R<Duration> {
        let body = format!(
            "csrf={}&password={}",
            self.csrf,
            PASSWORD.replace('#', "%23")
        );
        let elapsed = self.timed_form("/login", body).await?;
        self.send(Method::GET, "/password", None).await?;
        Ok(elapsed)
    }
}

/// Applications by `people` (each once, a new connection each), timed.
async fn apply_samples(addr: SocketAddr, people: &[DemoPerson], tag: &str) -> R<Vec<Duration>> {
    let mut out = Vec::with_capacity(people.len());
    for (i, p) in people.iter().enumerate() {
        let mut c = Conn::open(addr).await?;
        out.push(c.apply(p, &format!("apply.{tag}.{i}@example.com")).await?);
    }
    Ok(out)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Stats {
    count: usize,
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

fn stats(mut all: Vec<Duration>, wall: Duration) -> Stats {
    all.sort();
    Stats {
        count: all.len(),
        per_sec: all.len() as f64 / wall.as_secs_f64(),
        p50: percentile(&all, 0.5),
        p99: percentile(&all, 0.99),
    }
}

/// `connections` connections looping `GET /login` for `secs`.
async fn read_only(addr: SocketAddr, connections: usize, secs: u64) -> R<Stats> {
    read_only_over(&[addr], connections, secs).await
}

/// `connections` connections looping `GET /login` for `secs`, connection `i` to replica
/// `i % replicas.len()`.
async fn read_only_over(replicas: &[SocketAddr], connections: usize, secs: u64) -> R<Stats> {
    let mut tasks = Vec::new();
    let start = Instant::now();
    let end = start + Duration::from_secs(secs);
    for i in 0..connections {
        let addr = replicas[i % replicas.len()];
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::open(addr).await?;
            c.send(Method::GET, "/login", None).await?;
            let mut lat = Vec::new();
            while Instant::now() < end {
                let t = Instant::now();
                let r = c.send(Method::GET, "/login", None).await?;
                lat.push(t.elapsed());
                if r.status != 200 {
                    return Err(format!("GET /login: {}", r.status).into());
                }
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(stats(all, start.elapsed()))
}

/// `connections` connections logging in (the card authenticated once per connection).
async fn logins(addr: SocketAddr, person: &DemoPerson, connections: usize, secs: u64) -> R<Stats> {
    logins_over(&[addr], person, connections, secs).await
}

/// `connections` connections logging in, connection `i` to replica `i % replicas.len()`.
async fn logins_over(
    replicas: &[SocketAddr],
    person: &DemoPerson,
    connections: usize,
    secs: u64,
) -> R<Stats> {
    let mut tasks = Vec::new();
    let mut start = Instant::now();
    let mut ready = Vec::new();
    for i in 0..connections {
        let mut c = Conn::open(replicas[i % replicas.len()]).await?;
        c.send(Method::GET, "/login", None).await?;
        c.card_auth(person).await?;
        ready.push(c);
    }
    let end = Instant::now() + Duration::from_secs(secs);
    start = start.max(Instant::now());
    for mut c in ready {
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < end {
                lat.push(c.login().await?);
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(stats(all, start.elapsed()))
}

/// Sequential log-ins on one connection: the latency without queueing.
async fn login_latency(addr: SocketAddr, person: &DemoPerson, n: usize) -> R<Stats> {
    let start = Instant::now();
    let lat = login_samples(addr, person, n).await?;
    Ok(stats(lat, start.elapsed()))
}

/// `n` timed sequential log-ins on a new connection (after one warm-up log-in).
async fn login_samples(addr: SocketAddr, person: &DemoPerson, n: usize) -> R<Vec<Duration>> {
    let mut c = Conn::open(addr).await?;
    c.send(Method::GET, "/login", None).await?;
    c.card_auth(person).await?;
    c.login().await?; // warm-up
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        lat.push(c.login().await?);
    }
    Ok(lat)
}

fn argon2_alone(n: usize) -> R<Stats> {
    let policy = HashPolicy::default();
    let hash = policy.hash(PASSWORD, &mut rand::rng())?;
    policy.verify(PASSWORD, &hash)?;
    let start = Instant::now();
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let ok = policy.verify(PASSWORD, &hash)?;
        lat.push(t.elapsed());
        assert!(ok.is_match());
    }
    Ok(stats(lat, start.elapsed()))
}

/// Argon2 verification as the service runs it: on tokio's blocking pool.
async fn argon2_blocking(n: usize) -> R<Stats> {
    let policy = HashPolicy::default();
    let hash = policy.hash(PASSWORD, &mut rand::rng())?;
    let start = Instant::now();
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let h = hash.clone();
        let t = Instant::now();
        let ok = tokio::task::spawn_blocking(move || policy.verify(PASSWORD, &h)).await??;
        lat.push(t.elapsed());
        assert!(ok.is_match());
    }
    Ok(stats(lat, start.elapsed()))
}

/// A row of latencies only (samples from interleaved rounds: no rate to report).
fn latency_line(name: &str, s: &Stats) {
    println!(
        "| {name} | {} | — | {:.2} | {:.2} |",
        s.count,
        ms(s.p50),
        ms(s.p99)
    );
}

fn line(name: &str, s: &Stats) {
    println!(
        "| {name} | {} | {:.1} | {:.2} | {:.2} |",
        s.count,
        s.per_sec,
        ms(s.p50),
        ms(s.p99)
    );
}

/// SQLite against PostgreSQL with 10,000 registrations each, the sites served side by side
/// and measured in interleaved rounds; with `ten_million`, PostgreSQL with 10,000,000
/// registrations against 10,000, and the plans of the log-in's queries.
/// `--fill=N`: the registrations of the large PostgreSQL database (10,000,000 unless given;
/// a smaller number tries the run out quickly).
fn fill_size() -> usize {
    std::env::args()
        .find_map(|a| a.strip_prefix("--fill=").and_then(|n| n.parse().ok()))
        .unwrap_or(10_000_000)
}

async fn backends(secs: u64, ten_million: bool) -> R {
    let pg = twnhi_testkit::postgres::PgServer::shared();
    let tmp = tempfile::tempdir()?;
    eprintln!("setting up 10,000 registrations in SQLite and in PostgreSQL …");
    let lite = env(&tmp.path().join("10k.sqlite3"), 10_000).await?;
    let url = pg.create_database();
    let pg_db = Db::Postgres(PostgresStore::connect(&url, PostgresOptions::default()).await?);
    let post = env_over(pg_db, true, 10_000, APPLICANTS).await?;
    println!("| measurement | requests | per second | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    let (mut l_lite, mut l_pg) = (Vec::new(), Vec::new());
    for _ in 0..6 {
        l_lite.extend(login_samples(lite.addr, &lite.target, 10).await?);
        l_pg.extend(login_samples(post.addr, &post.target, 10).await?);
    }
    let s_lite = stats(l_lite, Duration::from_secs(1));
    let s_pg = stats(l_pg, Duration::from_secs(1));
    for (name, st) in [
        (
            "POST /login, 1 connection, SQLite, 10,000 registrations (interleaved)",
            &s_lite,
        ),
        (
            "POST /login, 1 connection, PostgreSQL, 10,000 registrations (interleaved)",
            &s_pg,
        ),
    ] {
        latency_line(name, st);
    }
    let mut ratios = Vec::new();
    for round in 0..2 {
        let a = read_only(lite.addr, 4, secs).await?;
        let b = read_only(post.addr, 4, secs).await?;
        line(
            &format!("GET /login, 4 connections, SQLite (round {})", round + 1),
            &a,
        );
        line(
            &format!(
                "GET /login, 4 connections, PostgreSQL (round {})",
                round + 1
            ),
            &b,
        );
        ratios.push(b.per_sec / a.per_sec);
        let a = logins(lite.addr, &lite.target, 4, secs).await?;
        let b = logins(post.addr, &post.target, 4, secs).await?;
        line(
            &format!("POST /login, 4 connections, SQLite (round {})", round + 1),
            &a,
        );
        line(
            &format!(
                "POST /login, 4 connections, PostgreSQL (round {})",
                round + 1
            ),
            &b,
        );
        ratios.push(b.per_sec / a.per_sec);
    }
    println!();
    println!(
        "PostgreSQL / SQLite: log-in p50 {:.2}×; throughput GET {:.2}× and {:.2}×, POST /login {:.2}× and {:.2}×",
        ms(s_pg.p50) / ms(s_lite.p50),
        ratios[0],
        ratios[2],
        ratios[1],
        ratios[3]
    );
    replicas(&url, &post, secs).await?;
    if ten_million {
        let url = pg.create_database();
        let name = url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        let db = Db::Postgres(PostgresStore::connect(&url, PostgresOptions::default()).await?);
        let big = env_over(db, true, 10_000, APPLICANTS).await?;
        let filler = fill_size().saturating_sub(10_001).max(1);
        let unregistered_filler = UNREGISTERED_FILLER * filler / 10_000_000;
        eprintln!(
            "adding {filler} registrations and {unregistered_filler} unregistered persons \
             with SQL (generate_series) …"
        );
        let t0 = Instant::now();
        for sql in [
            format!(
                "INSERT INTO insured_persons (card_number, id_number, name, birth_date, sex, \
                 card_status, household_id, county, township, village, neighborhood, updated_at) \
                 SELECT 'F' || lpad(g::text, 11, '0'), 'Z' || lpad(g::text, 9, '0'), 'filler', \
                 date '1980-01-01', 'M', 'valid', 'H0000000', 'county', 'township', 'village', 1, \
                 now() FROM generate_series(1, {filler} + {unregistered_filler}) g"
            ),
            format!(
                "INSERT INTO registrations (id, id_number, card_number, state, password_hash, \
                 created_at, updated_at, verified_at, version) \
                 SELECT 'f' || lpad(g::text, 31, '0'), 'Z' || lpad(g::text, 9, '0'), \
                 'F' || lpad(g::text, 11, '0'), 'active', 'filler', now(), now(), now(), 0 \
                 FROM generate_series(1, {filler}) g"
            ),
            format!(
                "INSERT INTO contacts (registration_id, kind, value) \
                 SELECT 'f' || lpad(g::text, 31, '0'), 'email', 'filler' || g || '@example.com' \
                 FROM generate_series(1, {filler}) g"
            ),
            "ANALYZE".to_owned(),
        ] {
            pg.psql(&name, &sql);
        }
        eprintln!("  in {:.0} s", t0.elapsed().as_secs_f64());
        println!();
        println!(
            "{}",
            pg.psql(
                &name,
                "SELECT 'registrations: ' || (SELECT count(*) FROM registrations) \
                 || ', insured persons: ' || (SELECT count(*) FROM insured_persons) \
                 || ', of whom registered: ' || (SELECT count(*) FROM insured_persons p \
                 WHERE EXISTS (SELECT 1 FROM registrations r WHERE r.id_number = p.id_number))"
            )
            .trim()
        );
        for q in [
            "SELECT * FROM insured_persons WHERE card_number = 'F00000123456'",
            "SELECT * FROM registrations WHERE id_number = 'Z000123456' AND state <> 'cancelled'",
            "SELECT * FROM contacts WHERE registration_id = 'f0000000000000000000000000123456'",
            "SELECT * FROM throttles WHERE key = 'login:abc'",
            // The application's look-ups: the person by ID number, and the current
            // registration with its contacts (the store's query as it is sent).
            "SELECT * FROM insured_persons WHERE id_number = 'Z000123456' AND card_status = 'valid'",
            "SELECT r.*, ARRAY(SELECT c.kind FROM contacts c WHERE c.registration_id = r.id \
             ORDER BY c.kind) AS contact_kinds, ARRAY(SELECT c.value FROM contacts c \
             WHERE c.registration_id = r.id ORDER BY c.kind) AS contact_values \
             FROM registrations r WHERE r.id_number = 'Z000123456' AND r.state <> 'cancelled'",
        ] {
            println!("EXPLAIN {q}");
            println!("{}", pg.psql(&name, &format!("EXPLAIN {q}")));
        }
        // The application's writes: what one new registration and its contact cost in index
        // pages at this size (one transaction, rolled back).
        let writes = [
            "INSERT INTO registrations (id, id_number, card_number, state, password_hash, \
             created_at, updated_at, version) VALUES ('e0000000000000000000000000000001', \
             'Y100000001', 'E00000000001', 'pending-email-verification', 'x', now(), now(), 0)",
            "INSERT INTO contacts (registration_id, kind, value) \
             VALUES ('e0000000000000000000000000000001', 'email', 'x@example.com')",
        ];
        for q in writes {
            println!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {q}");
        }
        println!(
            "{}",
            pg.psql(
                &name,
                &format!(
                    "BEGIN; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {}; \
                     EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {}; ROLLBACK",
                    writes[0], writes[1]
                )
            )
        );
        println!(
            "{}",
            pg.psql(
                &name,
                "SELECT tablename || ': ' || indexdef FROM pg_indexes WHERE tablename IN \
                 ('insured_persons', 'registrations', 'contacts') ORDER BY tablename, indexname"
            )
        );
        let (mut l_small, mut l_big) = (Vec::new(), Vec::new());
        for _ in 0..6 {
            l_small.extend(login_samples(post.addr, &post.target, 10).await?);
            l_big.extend(login_samples(big.addr, &big.target, 10).await?);
        }
        let s_small = stats(l_small, Duration::from_secs(1));
        let s_big = stats(l_big, Duration::from_secs(1));
        println!("| measurement | requests | per second | p50 ms | p99 ms |");
        println!("|---|---|---|---|---|");
        for (name, st) in [
            (
                "POST /login, 1 connection, PostgreSQL, 10,000 registrations (interleaved)",
                &s_small,
            ),
            (
                "POST /login, 1 connection, PostgreSQL, 10,000,000 registrations (interleaved)",
                &s_big,
            ),
        ] {
            latency_line(name, st);
        }
        println!(
            "log-in 10,000,000 / 10,000 registrations (p50): {:.2}×",
            ms(s_big.p50) / ms(s_small.p50)
        );
        // Applications: the same unregistered persons apply on each site, interleaved.
        let (mut a_small, mut a_big) = (Vec::new(), Vec::new());
        let per_round = APPLICANTS / 6;
        for round in 0..6 {
            let people = &post.applicants[round * per_round..(round + 1) * per_round];
            a_small.extend(apply_samples(post.addr, people, "small").await?);
            let people = &big.applicants[round * per_round..(round + 1) * per_round];
            a_big.extend(apply_samples(big.addr, people, "big").await?);
        }
        let a_small = stats(a_small, Duration::from_secs(1));
        let a_big = stats(a_big, Duration::from_secs(1));
        for (name, st) in [
            (
                "POST /apply/details, 1 connection, PostgreSQL, 10,000 registrations (interleaved)",
                &a_small,
            ),
            (
                "POST /apply/details, 1 connection, PostgreSQL, 10,000,000 registrations (interleaved)",
                &a_big,
            ),
        ] {
            latency_line(name, st);
        }
        println!(
            "apply 10,000,000 / 10,000 registrations (p50): {:.2}×",
            ms(a_big.p50) / ms(a_small.p50)
        );
        println!(
            "applications waiting for their e-mail confirmation in the large database: {}",
            pg.psql(
                &name,
                "SELECT count(*) FROM registrations WHERE state = 'pending-email-verification'"
            )
            .trim()
        );
        big.site.shutdown().await?;
        big.store.close().await;
    }
    lite.site.shutdown().await?;
    lite.store.close().await;
    post.site.shutdown().await?;
    post.store.close().await;
    Ok(())
}

/// One site against three on the same PostgreSQL database (each its own connection pool), the
/// same six connections spread over them, in interleaved rounds. On this machine all of them
/// share the same two cores.
async fn replicas(url: &str, one: &Env, secs: u64) -> R {
    let mut extra = Vec::new();
    for _ in 0..2 {
        let db = Db::Postgres(PostgresStore::connect(url, PostgresOptions::default()).await?);
        let (site, addr) = serve(&db).await?;
        extra.push((site, addr, db));
    }
    let three = [one.addr, extra[0].1, extra[1].1];
    println!();
    println!("| measurement | requests | per second | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    let (mut get_ratio, mut post_ratio) = (Vec::new(), Vec::new());
    for round in 1..=2 {
        let a = read_only_over(&three[..1], 6, secs).await?;
        let b = read_only_over(&three, 6, secs).await?;
        line(
            &format!("GET /login, 6 connections, 1 replica (round {round})"),
            &a,
        );
        line(
            &format!("GET /login, 6 connections, 3 replicas (round {round})"),
            &b,
        );
        get_ratio.push(b.per_sec / a.per_sec);
        let a = logins_over(&three[..1], &one.target, 6, secs).await?;
        let b = logins_over(&three, &one.target, 6, secs).await?;
        line(
            &format!("POST /login, 6 connections, 1 replica (round {round})"),
            &a,
        );
        line(
            &format!("POST /login, 6 connections, 3 replicas (round {round})"),
            &b,
        );
        post_ratio.push((b.per_sec / a.per_sec, ms(b.p50) / ms(a.p50)));
    }
    println!();
    println!(
        "3 replicas / 1 replica: throughput GET {:.2}× and {:.2}×; POST /login {:.2}× and {:.2}× \
         (p50 {:.2}× and {:.2}×)",
        get_ratio[0],
        get_ratio[1],
        post_ratio[0].0,
        post_ratio[1].0,
        post_ratio[0].1,
        post_ratio[1].1
    );
    for (site, _, db) in extra {
        site.shutdown().await?;
        db.close().await;
    }
    Ok(())
}

fn main() -> R {
    let quick = std::env::args().any(|a| a == "--quick");
    let postgres = std::env::args().any(|a| a == "--postgres");
    let ten_million = std::env::args().any(|a| a == "--postgres-10m");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (secs, n_seq) = if quick { (3, 20) } else { (10, 40) };
        if postgres || ten_million {
            return backends(if quick { 3 } else { 5 }, ten_million).await;
        }
        let tmp = tempfile::tempdir()?;
        eprintln!("setting up 1,000 registrations …");
        let small = env(&tmp.path().join("1k.sqlite3"), 1_000).await?;
        println!("| measurement | requests | per second | p50 ms | p99 ms |");
        println!("|---|---|---|---|---|");
        let a = argon2_alone(n_seq)?;
        line("Argon2id verify alone (m=19 MiB, t=2, p=1), sequential", &a);
        let ab = argon2_blocking(n_seq).await?;
        line("Argon2id verify on tokio's blocking pool, sequential", &ab);
        let seq_small = login_latency(small.addr, &small.target, n_seq).await?;
        line("POST /login, 1 connection, 1,000 registrations", &seq_small);
        for c in [1, 4, 16] {
            let s = read_only(small.addr, c, secs).await?;
            line(&format!("GET /login (read-only page), {c} connections"), &s);
        }
        for c in [2, 4] {
            let s = logins(small.addr, &small.target, c, secs).await?;
            line(&format!("POST /login, {c} connections"), &s);
        }
        println!();
        println!(
            "log-in / Argon2 alone (p50): {:.2}×; log-in / Argon2 on the blocking pool (p50): {:.2}×",
            ms(seq_small.p50) / ms(a.p50),
            ms(seq_small.p50) / ms(ab.p50)
        );
        if !quick {
            let big_path =
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("twnhi-web-bench-1m.sqlite3");
            eprintln!("setting up 1,000,000 registrations at {} …", big_path.display());
            let big = env(&big_path, 1_000_000).await?;
            // Interleaved rounds on both sites, so that the machine's other load falls on both.
            let (mut lat_small, mut lat_big) = (Vec::new(), Vec::new());
            for _ in 0..6 {
                lat_small.extend(login_samples(small.addr, &small.target, 10).await?);
                lat_big.extend(login_samples(big.addr, &big.target, 10).await?);
            }
            let s_small = stats(lat_small, Duration::from_secs(1));
            let s_big = stats(lat_big, Duration::from_secs(1));
            for (name, st) in [
                ("POST /login, 1 connection, 1,000 registrations (interleaved)", &s_small),
                ("POST /login, 1 connection, 1,000,000 registrations (interleaved)", &s_big),
            ] {
                latency_line(name, st);
            }
            let r = read_only(big.addr, 4, secs).await?;
            line("GET /login, 4 connections, 1,000,000 registrations", &r);
            println!(
                "log-in 1,000,000 / 1,000 registrations (p50): {:.2}×",
                ms(s_big.p50) / ms(s_small.p50)
            );
            big.site.shutdown().await?;
            big.store.close().await;
        }
        small.site.shutdown().await?;
        small.store.close().await;
        Ok(())
    })
}
