//! `twnhi admin`: the registry of insured persons and the counter's work.
//!
//! ```text
//! $ twnhi admin registry demo --count 20 --out demo
//! demo/registry.csv
//! demo/cards/000012345678.json
//! …
//! $ twnhi admin registry import demo/registry.csv
//! 匯入 imported: 20 new, 0 updated (20 persons, 20 cards in the registry)
//! $ twnhi admin suspend A123456789 --operator counter-7
//! 已停用此健保卡網路服務註冊。 / The registration has been suspended.
//! $ twnhi admin show A123456789
//! ```
//!
//! The database is `--db URL` (`sqlite://path/file.sqlite3` or a file path), or the
//! environment variable `TWNHI_DATABASE_URL`, or `twnhi.sqlite3` in the data directory
//! (`TWNHI_DATA_DIR`, else `$XDG_DATA_HOME/twnhi`, else `~/.local/share/twnhi`). The SAM master
//! key is `--sam-key FILE` or `sam-master.key` in the data directory; `registry demo` creates it
//! (mode 0600) when missing, so a site started later with the same data directory accepts the
//! demo cards.
//!
//! Exit codes: 0 done · 1 failure (store, not registered) · 2 bad usage or input (a CSV with
//! errors, a malformed ID number, a transition the state does not allow) · 3 environment
//! (database or key file unusable).

use crate::exit;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::database::Database;
use crate::texts;
use chrono::{DateTime, SecondsFormat, Utc};
use twnhi_account::IdNumber;
use twnhi_account::roc::RocDateTime;
use twnhi_service::{Service, ServiceError, SystemRandom};
use twnhi_store::MailStatus;

/// `twnhi admin …`.
#[derive(clap::Subcommand, Debug)]
pub enum AdminCommand {
    /// The registry of insured persons: import a CSV file, generate demo people.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Suspend a registration at a counter: no more logins, sessions and app tokens end.
    Suspend(CounterArgs),
    /// Reinstate a suspended registration at a counter.
    Reinstate(CounterArgs),
    /// Show a person's registrations: state, masked contacts, devices, letters and the
    /// audit trail (no secrets).
    Show(ShowArgs),
    /// The mail outbox: list letters, send given-up letters again.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// The database itself: bring its schema up to this program's.
    #[command(subcommand)]
    Db(DbCommand),
}

/// `twnhi admin db …`.
#[derive(clap::Subcommand, Debug)]
pub enum DbCommand {
    /// Apply this program's pending migrations (PostgreSQL: run once before starting or
    /// upgrading the replicas of `twnhi serve`, which do not migrate unless `--migrate`).
    /// Safe to run again: a current schema is left as it is.
    Migrate(DbArgs),
    /// Copy a deployment's SQLite file into a new PostgreSQL database (migrated if new,
    /// refused unless empty), table by table, verified by row counts. Stop `twnhi serve`
    /// first: the source is read as one snapshot.
    Copy(DbCopyArgs),
}

/// Arguments of `twnhi admin db copy`.
#[derive(clap::Args, Debug)]
pub struct DbCopyArgs {
    /// The source: `sqlite://path/file.sqlite3` or a file path.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The destination: `postgres://user@host/db`.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// `twnhi admin outbox …`.
#[derive(clap::Subcommand, Debug)]
pub enum OutboxCommand {
    /// List the newest letters (no contents: kind, state, attempts, last error).
    List(OutboxListArgs),
    /// Put given-up letters back in the queue, attempts counted from zero (a running
    /// `twnhi serve` sends them within seconds). Letters given up more than a week ago have
    /// had their contents wiped and cannot be sent again.
    Retry(OutboxRetryArgs),
    /// Queue sample letters (a completion letter with a sample name) to an address through
    /// the outbox, to check that the running sites' workers deliver them. Needs the sites'
    /// server key file (letters are sealed with it).
    Test(OutboxTestArgs),
}

/// Arguments of `twnhi admin outbox test`.
#[derive(clap::Args, Debug)]
pub struct OutboxTestArgs {
    /// The recipient (the operator's own mailbox).
    #[arg(long, value_name = "ADDR")]
    pub to: String,
    /// How many letters.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(twnhi_service::MAX_TEST_LETTERS)))]
    pub count: u32,
    /// The sites' server key file (not created: it must exist).
    #[arg(long, value_name = "FILE", env = "TWNHI_SERVER_KEY_FILE")]
    pub server_key_file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `twnhi admin outbox list`.
#[derive(clap::Args, Debug)]
pub struct OutboxListArgs {
    /// Only letters in this state: pending, sent or failed.
    #[arg(long, value_name = "STATE", value_parser = ["pending", "sent", "failed"])]
    pub status: Option<String>,
    /// How many, newest first.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `twnhi admin outbox retry`.
#[derive(clap::Args, Debug)]
pub struct OutboxRetryArgs {
    /// The letter (its identifier from `list`).
    #[arg(
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub id: Option<String>,
    /// Every given-up letter.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `twnhi admin registry …`.
#[derive(clap::Subcommand, Debug)]
pub enum RegistryCommand {
    /// Import insured persons from a CSV file (header: card_number, id_number, name,
    /// birth_date, sex, card_status, household_id, county, township, village, neighborhood).
    /// The file is read as a stream, never whole: every row is checked first, and nothing is
    /// written unless all are right; then the rows are written in batches.
    Import(ImportArgs),
    /// Write synthetic insured persons (registry.csv) and a simulated-card identity
    /// file per person (cards/*.json), card keys derived from the SAM master key.
    Demo(DemoArgs),
}

/// Where the database is.
#[derive(clap::Args, Debug)]
pub struct DbArgs {
    /// Database: `postgres://user@host/db` (PostgreSQL), `sqlite://path/file.sqlite3` or
    /// a file path (SQLite). Default: twnhi.sqlite3 in the data directory.
    #[arg(long, value_name = "URL", env = "TWNHI_DATABASE_URL")]
    pub db: Option<String>,
}

/// Arguments of `twnhi admin registry import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The CSV file (UTF-8).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Rows written per transaction. A failure while writing (of the database) leaves the
    /// earlier batches written; importing the same file again is safe and completes the
    /// import (rows already written are written again with the same values).
    #[arg(long, value_name = "N", default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub batch: u32,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `twnhi admin registry demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// How many persons (at most 100,000 with card files, 10,000,000 with `--no-cards`).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub count: u32,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write registry.csv only, no card files (a large registry for import benchmarks).
    #[arg(long)]
    pub no_cards: bool,
    /// The SAM master key file (created with mode 0600 when missing). Default:
    /// sam-master.key in the data directory.
    #[arg(long, value_name = "FILE", env = "TWNHI_SAM_KEY")]
    pub sam_key: Option<PathBuf>,
}

/// Arguments of `twnhi admin suspend` and `reinstate`.
#[derive(clap::Args, Debug)]
pub struct CounterArgs {
    /// The ID number.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Who does it (recorded in the audit trail).
    #[arg(long, value_name = "NAME", default_value = "counter")]
    pub operator: String,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `twnhi admin show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The ID number.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[allow(clippy::print_stdout)]
fn out(line: impl std::fmt::Display) {
    println!("{line}");
}

/// The data directory: `TWNHI_DATA_DIR`, else `$XDG_DATA_HOME/twnhi`, else
/// `~/.local/share/twnhi`, else `./twnhi-data`.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TWNHI_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("twnhi");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(h).join(".local/share/twnhi");
    }
    PathBuf::from("twnhi-data")
}

/// The database the arguments name, or the default file in the data directory.
pub fn database(db: &DbArgs) -> String {
    match &db.db {
        Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => data_dir().join("twnhi.sqlite3").display().to_string(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    exit::runtime(false, exit::ENVIRONMENT, "cli-admin-runtime")
}

async fn open(db: &DbArgs) -> Result<Database, ExitCode> {
    let url = database(db);
    if !url.starts_with("sqlite:")
        && !Database::is_postgres(&url)
        && let Some(parent) = Path::new(&url)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        return Err(exit::report(
            exit::ENVIRONMENT,
            format!(
                "{}: {e}",
                texts::both_with(
                    "cli-cannot-create-dir",
                    &[("path", parent.display().to_string().into())]
                )
            ),
        ));
    }
    Database::open(&url).await.map_err(|e| open_failed(&url, e))
}

fn parse_id(s: &str) -> Result<IdNumber, ExitCode> {
    IdNumber::parse(s).map_err(|e| exit::report(exit::USAGE, e))
}

fn service_error(e: &ServiceError) -> ExitCode {
    let code = match e {
        ServiceError::NotRegistered | ServiceError::Store { .. } => exit::FAILURE,
        ServiceError::Invalid(_) => exit::USAGE,
        _ => exit::FAILURE,
    };
    exit::report(code, e)
}

/// Runs an admin command.
pub fn run(cmd: &AdminCommand) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async {
        let result = match cmd {
            AdminCommand::Registry(RegistryCommand::Import(a)) => import(a).await,
            AdminCommand::Registry(RegistryCommand::Demo(a)) => demo(a),
            AdminCommand::Suspend(a) => counter(a, true).await,
            AdminCommand::Reinstate(a) => counter(a, false).await,
            AdminCommand::Show(a) => show(a).await,
            AdminCommand::Outbox(OutboxCommand::List(a)) => outbox_list(a).await,
            AdminCommand::Outbox(OutboxCommand::Retry(a)) => outbox_retry(a).await,
            AdminCommand::Outbox(OutboxCommand::Test(a)) => outbox_test(a).await,
            AdminCommand::Db(DbCommand::Migrate(a)) => db_migrate(a).await,
            AdminCommand::Db(DbCommand::Copy(a)) => db_copy(a).await,
        };
        result.unwrap_or_else(|code| code)
    })
}

/// `twnhi admin db migrate`.
async fn db_migrate(args: &DbArgs) -> Result<ExitCode, ExitCode> {
    let url = database(args);
    let pending = match Database::open(&url).await {
        Ok(db) => {
            db.close().await;
            0
        }
        Err(twnhi_store::StoreError::SchemaNotCurrent { pending }) => pending,
        Err(e) => return Err(open_failed(&url, e)),
    };
    if pending > 0 {
        let db = Database::open_migrating(&url)
            .await
            .map_err(|e| open_failed(&url, e))?;
        db.close().await;
    }
    out(texts::both_with(
        "cli-db-migrated",
        &[
            ("database", Database::shown_url(&url).into()),
            ("applied", pending.into()),
        ],
    ));
    Ok(ExitCode::SUCCESS)
}

/// `twnhi admin db copy`.
async fn db_copy(args: &DbCopyArgs) -> Result<ExitCode, ExitCode> {
    if Database::is_postgres(&args.from) || !Database::is_postgres(&args.to) {
        return Err(exit::report(
            exit::USAGE,
            texts::both("cli-db-copy-direction"),
        ));
    }
    if !args.from.starts_with("sqlite:") && !Path::new(&args.from).is_file() {
        return Err(exit::report(
            exit::USAGE,
            texts::both_with("cli-cannot-read", &[("path", args.from.as_str().into())]),
        ));
    }
    let from = Database::open(&args.from)
        .await
        .map_err(|e| open_failed(&args.from, e))?;
    let to = Database::open_migrating(&args.to)
        .await
        .map_err(|e| open_failed(&args.to, e))?;
    let (Some(src), Some(dst)) = (from.sqlite_pool(), to.postgres_pool()) else {
        return Err(exit::report(
            exit::USAGE,
            texts::both("cli-db-copy-direction"),
        ));
    };
    let started = std::time::Instant::now();
    let copied = crate::db_copy::copy(src, dst, |c| {
        out(format!("{:<16} {:>12} rows", c.table, c.rows));
    })
    .await
    .map_err(|e| match e {
        crate::db_copy::CopyError::NotEmpty { .. } | crate::db_copy::CopyError::Schema { .. } => {
            exit::report(exit::USAGE, e)
        }
        e => exit::report(exit::FAILURE, e),
    })?;
    let rows: u64 = copied.iter().map(|c| c.rows).sum();
    out(texts::both_with(
        "cli-db-copied",
        &[
            ("tables", copied.len().into()),
            ("rows", rows.into()),
            (
                "seconds",
                format!("{:.1}", started.elapsed().as_secs_f64()).into(),
            ),
            ("to", Database::shown_url(&args.to).into()),
        ],
    ));
    from.close().await;
    to.close().await;
    Ok(ExitCode::from(exit::OK))
}

fn open_failed(url: &str, e: twnhi_store::StoreError) -> ExitCode {
    exit::report(
        exit::ENVIRONMENT,
        format!(
            "{} {}: {e}",
            texts::pair("cli-database"),
            Database::shown_url(url)
        ),
    )
}

fn cannot_read(path: &Path, e: impl std::fmt::Display) -> ExitCode {
    exit::report(
        exit::USAGE,
        format!(
            "{}: {e}",
            texts::both_with(
                "cli-cannot-read",
                &[("path", path.display().to_string().into())]
            )
        ),
    )
}

/// The registry file from its start, through a buffer: it is read a line at a time, never
/// whole.
fn open_registry(path: &Path) -> std::io::Result<std::io::BufReader<std::fs::File>> {
    Ok(std::io::BufReader::with_capacity(
        1 << 16,
        std::fs::File::open(path)?,
    ))
}

/// The highest resident set size of this process so far, in KiB (Linux; `None` elsewhere).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `twnhi admin registry import`: streams the file twice or three times, never holding it.
///
/// 1. [`twnhi_store::registry::check`]: every row and the checks across rows; any error →
///    exit 2, nothing written.
/// 2. The revoked cards, then the valid ones (so a card that replaces another never meets it
///    as valid), in batches of `--batch` rows, one transaction each. A failure here leaves the
///    earlier batches written; importing the same file again writes the same values again.
async fn import(args: &ImportArgs) -> Result<ExitCode, ExitCode> {
    use twnhi_store::registry::{CheckError, ReadError, RegistryReader, RowError, check};
    let checked = check(|| open_registry(&args.file)).map_err(|e| match e {
        CheckError::Invalid(e) => exit::report(exit::USAGE, e),
        e => cannot_read(&args.file, e),
    })?;
    let db = open(&args.db).await?;
    let bar = indicatif::ProgressBar::new(checked.rows);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {human_pos}/{human_len} {per_sec} ({eta})",
    ) {
        bar.set_style(style);
    }
    let batch_size = usize::try_from(args.batch).unwrap_or(5000);
    let now = Utc::now();
    let started = std::time::Instant::now();
    let mut report = twnhi_store::ImportReport::default();
    let mut written = 0u64;
    for valid in [false, true] {
        let input = open_registry(&args.file).map_err(|e| cannot_read(&args.file, e))?;
        let mut batch =
            Vec::with_capacity(batch_size.min(usize::try_from(checked.rows).unwrap_or(0)));
        let mut first_line = 0;
        let mut rows = RegistryReader::new(input).peekable();
        while rows.peek().is_some() {
            while batch.len() < batch_size {
                match rows.next() {
                    None => break,
                    Some(Ok((line, p))) => {
                        if (p.card_status == twnhi_store::CardStatus::Valid) == valid {
                            if batch.is_empty() {
                                first_line = line;
                            }
                            batch.push(p);
                        }
                    }
                    // The file changed since it was checked.
                    Some(Err(e @ ReadError::Row(_))) => {
                        bar.abandon();
                        return Err(exit::report(exit::USAGE, e));
                    }
                    Some(Err(e)) => {
                        bar.abandon();
                        return Err(cannot_read(&args.file, e));
                    }
                }
            }
            if batch.is_empty() {
                break;
            }
            let r = db.import.import_registry(&batch, now).await.map_err(|e| {
                bar.abandon();
                let at = RowError {
                    line: first_line,
                    column: None,
                    message: e.to_string(),
                };
                tracing::error!(
                    written,
                    first_line,
                    "registry import stopped: the rows written before this batch stay written"
                );
                match e {
                    twnhi_store::StoreError::Import { .. } => exit::report(exit::USAGE, at),
                    _ => exit::report(exit::FAILURE, at),
                }
            })?;
            report.inserted += r.inserted;
            report.updated += r.updated;
            written += batch.len() as u64;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let counts = db
        .import
        .registry_counts()
        .await
        .map_err(|e| exit::report(exit::FAILURE, e))?;
    out(format!(
        "{}: {} new, {} updated ({} persons, {} cards in the registry)",
        texts::pair("cli-imported"),
        report.inserted,
        report.updated,
        counts.persons,
        counts.cards
    ));
    out(texts::both_with(
        "cli-import-rate",
        &[
            ("rows", written.into()),
            ("seconds", format!("{secs:.1}").into()),
            (
                "rate",
                format!("{:.0}", written as f64 / secs.max(1e-6)).into(),
            ),
        ],
    ));
    tracing::info!(
        rows = written,
        seconds = secs,
        peak_rss_kib = peak_rss_kib(),
        "registry import done"
    );
    db.close().await;
    Ok(ExitCode::from(exit::OK))
}

fn demo(args: &DemoArgs) -> Result<ExitCode, ExitCode> {
    let random = SystemRandom::new().map_err(|e| exit::report(exit::ENVIRONMENT, e))?;
    let key_path = args
        .sam_key
        .clone()
        .unwrap_or_else(|| data_dir().join("sam-master.key"));
    let master = twnhi_service::sam::load_master_key(&key_path, &random)
        .map_err(|e| exit::report(exit::ENVIRONMENT, e))?;
    let count = usize::try_from(args.count).unwrap_or(0);
    if !args.no_cards && count > 100_000 {
        return Err(exit::report(
            exit::USAGE,
            texts::both("cli-demo-too-many-cards"),
        ));
    }
    let cannot_write = |e: std::io::Error| {
        exit::report(
            exit::ENVIRONMENT,
            format!(
                "{}: {e}",
                texts::both_with(
                    "cli-cannot-write",
                    &[("path", args.out.display().to_string().into())]
                )
            ),
        )
    };
    let people = twnhi_demo::people::generate(count, &master, &random);
    if args.no_cards {
        std::fs::create_dir_all(&args.out).map_err(cannot_write)?;
        let persons: Vec<_> = people.into_iter().map(|p| p.person).collect();
        let path = args.out.join("registry.csv");
        std::fs::write(&path, twnhi_store::registry::to_csv(&persons)).map_err(cannot_write)?;
        out(path.display());
        return Ok(ExitCode::from(exit::OK));
    }
    let files = twnhi_demo::people::write(&args.out, &people).map_err(|e| {
        exit::report(
            exit::ENVIRONMENT,
            format!(
                "{}: {e}",
                texts::both_with(
                    "cli-cannot-write",
                    &[("path", args.out.display().to_string().into())]
                )
            ),
        )
    })?;
    out(files.registry.display());
    for f in &files.identities {
        out(f.display());
    }
    Ok(ExitCode::from(exit::OK))
}

async fn counter(args: &CounterArgs, suspend: bool) -> Result<ExitCode, ExitCode> {
    let id = parse_id(&args.id)?;
    let db = open(&args.db).await?;
    let service = Service::counter(db.store.clone(), db.registry.clone())
        .map_err(|e| exit::report(exit::ENVIRONMENT, e))?;
    let msg = if suspend {
        service.suspend(&id, &args.operator).await
    } else {
        service.reinstate(&id, &args.operator).await
    }
    .map_err(|e| service_error(&e))?;
    out(msg);
    Ok(ExitCode::from(exit::OK))
}

fn taipei(t: DateTime<Utc>) -> String {
    RocDateTime::from_utc(t).map_or_else(
        |_| t.to_rfc3339_opts(SecondsFormat::Secs, true),
        |r| format!("{} ({})", r.format_slash(), r.format_english()),
    )
}

async fn show(args: &ShowArgs) -> Result<ExitCode, ExitCode> {
    let id = parse_id(&args.id)?;
    let db = open(&args.db).await?;
    let service = Service::counter(db.store.clone(), db.registry.clone())
        .map_err(|e| exit::report(exit::ENVIRONMENT, e))?;
    let reports = service.show(&id).await.map_err(|e| service_error(&e))?;
    for r in reports {
        out(format!(
            "{} {}  {} {}  {}: {}",
            texts::pair("cli-registration"),
            r.id,
            texts::pair("cli-id-number"),
            r.id_number_masked,
            texts::pair("cli-state"),
            r.state
        ));
        out(format!(
            "  {}:   {}",
            texts::pair("cli-applied"),
            taipei(r.created_at)
        ));
        if let Some(t) = r.verified_at {
            out(format!("  {}:  {}", texts::pair("cli-verified"), taipei(t)));
        }
        if let Some(t) = r.cancelled_at {
            out(format!("  {}: {}", texts::pair("cli-cancelled"), taipei(t)));
        }
        out(format!(
            "  E-Mail {}  {} {}",
            r.email_masked,
            texts::pair("cli-mobile"),
            r.mobile_masked
        ));
        for (device, platform, model, state) in &r.devices {
            out(format!(
                "  {} {device}  {platform} / {model}  {}",
                texts::pair("cli-device"),
                state.msg()
            ));
        }
        for l in &r.letters {
            out(format!(
                "  {} {} {}  {} ({} attempt(s)){}",
                texts::pair("cli-letter"),
                l.kind,
                l.id,
                l.status.as_str(),
                l.attempts,
                l.last_error
                    .as_ref()
                    .map(|e| format!("  last error: {e}"))
                    .unwrap_or_default()
            ));
        }
        out(format!("  {}:", texts::pair("cli-audit-trail")));
        for e in &r.audit {
            out(format!(
                "    {}  {} {}{}{}",
                e.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                e.action,
                e.outcome,
                e.client
                    .as_ref()
                    .map(|c| format!("  client={c}"))
                    .unwrap_or_default(),
                if e.detail.is_empty() {
                    String::new()
                } else {
                    format!("  {}", e.detail)
                }
            ));
        }
    }
    Ok(ExitCode::from(exit::OK))
}

async fn outbox_list(args: &OutboxListArgs) -> Result<ExitCode, ExitCode> {
    let status = args.status.as_deref().and_then(MailStatus::parse);
    let db = open(&args.db).await?;
    let letters = db
        .outbox
        .list_mail(status, args.limit)
        .await
        .map_err(|e| exit::report(exit::FAILURE, e))?;
    let (pending, sent, failed) = db
        .outbox
        .counts()
        .await
        .map_err(|e| exit::report(exit::FAILURE, e))?;
    out(format!(
        "{}: {pending} pending, {sent} sent, {failed} failed",
        texts::pair("cli-outbox")
    ));
    for l in letters {
        out(format!(
            "{}  {:<19}  {:<7}  {} attempt(s)  {}{}",
            l.id,
            l.kind,
            l.status.as_str(),
            l.attempts,
            taipei(l.created_at),
            l.last_error
                .map(|e| format!("  last error: {e}"))
                .unwrap_or_default()
        ));
    }
    Ok(ExitCode::from(exit::OK))
}

async fn outbox_test(args: &OutboxTestArgs) -> Result<ExitCode, ExitCode> {
    let to = twnhi_account::Email::parse(&args.to).map_err(|e| exit::report(exit::USAGE, e))?;
    let bytes =
        twnhi_service::keyfile::read(&args.server_key_file, twnhi_account::secret::MIN_KEY_LEN)
            .map_err(|e| exit::report(exit::ENVIRONMENT, e))?;
    let key = twnhi_account::secret::ServerKey::new(bytes.to_vec()).map_err(|e| {
        exit::report(
            exit::ENVIRONMENT,
            format!("{}: {e}", args.server_key_file.display()),
        )
    })?;
    let db = open(&args.db).await?;
    let service = Service::counter_with_key(db.store.clone(), db.registry.clone(), Some(key))
        .map_err(|e| exit::report(exit::ENVIRONMENT, e))?;
    let n = service
        .queue_test_letters(&to, args.count)
        .await
        .map_err(|e| service_error(&e))?;
    out(texts::both_with(
        "cli-test-letters-queued",
        &[("count", n.into())],
    ));
    Ok(ExitCode::from(exit::OK))
}

async fn outbox_retry(args: &OutboxRetryArgs) -> Result<ExitCode, ExitCode> {
    let id = match &args.id {
        Some(id) => Some(
            twnhi_store::RegistrationId::parse(id)
                .map_err(|_| exit::report(exit::USAGE, texts::both("cli-bad-letter-id")))?
                .to_string(),
        ),
        None => None,
    };
    let db = open(&args.db).await?;
    let n = db
        .outbox
        .requeue(id.clone(), Utc::now())
        .await
        .map_err(|e| exit::report(exit::FAILURE, e))?;
    if n == 0 && id.is_some() {
        return Err(exit::report(
            exit::FAILURE,
            texts::both("cli-no-letter-to-requeue"),
        ));
    }
    out(format!("{}: {n} letter(s)", texts::pair("cli-requeued")));
    Ok(ExitCode::from(exit::OK))
}
