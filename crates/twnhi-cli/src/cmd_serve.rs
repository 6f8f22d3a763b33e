//! `twnhi serve`: the registration site (pages, the app's JSON API) with its mail outbox
//! worker, over SQLite.
//!
//! Every setting comes from, in this order of precedence: a flag, its `TWNHI_*` environment
//! variable, the configuration file (`--config FILE`, `key = value` lines in TOML syntax, the
//! keys being the flags' names with `_` or `-`), the default.
//!
//! ```text
//! $ cat twnhi.toml
//! listen = "0.0.0.0:8080"
//! public_url = "https://nhi.example.org/"
//! database_url = "sqlite:///var/lib/twnhi/twnhi.sqlite3"
//! smtp_url = "smtp://mail.example.org:587?tls=starttls"
//! sam_key_file = "/etc/twnhi/sam-master.key"
//! service_hours = "06:00-24:00"
//! bridge_origin = "http://127.0.0.1:7777"
//! $ TWNHI_SMTP_PASSWORD=… twnhi serve --config twnhi.toml
//! ```
//!
//! Exit codes: 0 stopped with Ctrl-C or SIGTERM, 2 bad settings, 3 the environment (address in
//! use, database or key file unusable, SMTP settings), 1 anything else.

use crate::exit;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use twnhi_account::Email;
use twnhi_account::roc::ServiceHours;
use twnhi_notify::{DirectoryMailer, Mailer, PublicBaseUrl, SmtpConfig, SmtpMailer};
use twnhi_service::{
    MaintenanceWorker, OutboxWorker, Ports, Service, ServiceConfig, SoftwareSam, SystemClock,
    SystemRandom,
};
use twnhi_store_sqlite::SqliteStore;
use twnhi_web::health::Health;
use twnhi_web::{CookieSecurity, Site, SiteDeps, WebConfig};

/// How often the maintenance worker runs (purges, due cancellations).
const MAINTENANCE_EVERY: Duration = Duration::from_secs(60);

/// Arguments of `twnhi serve`.
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// 設定檔 Configuration file (`key = value` lines, TOML syntax).
    #[arg(long, env = "TWNHI_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// 監聽位址 Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "TWNHI_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// 網站網址 The site's public URL (links in letters, the origin of form posts), e.g.
    /// `https://nhi.example.org/`. Required.
    #[arg(long, env = "TWNHI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// 資料庫 SQLite database: a path or `sqlite://PATH` [default: twnhi.sqlite3].
    #[arg(long, env = "TWNHI_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// 郵件伺服器 SMTP relay, e.g. `smtp://mail.example.org:587?tls=starttls` (user name and
    /// password in the URL or in TWNHI_SMTP_USER / TWNHI_SMTP_PASSWORD). Either this or
    /// `--mail-dir`.
    #[arg(long, env = "TWNHI_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,

    /// SMTP user name.
    #[arg(
        long,
        env = "TWNHI_SMTP_USER",
        value_name = "USER",
        hide_env_values = true
    )]
    pub smtp_user: Option<String>,

    /// SMTP password (prefer the environment variable to the flag).
    #[arg(
        long,
        env = "TWNHI_SMTP_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,

    /// 郵件目錄 Write letters as `.eml` files into this directory instead of sending them.
    #[arg(long, env = "TWNHI_MAIL_DIR", value_name = "DIR")]
    pub mail_dir: Option<PathBuf>,

    /// 寄件地址 Sender address of the letters [default: noreply@ the public URL's host].
    #[arg(long, env = "TWNHI_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// SAM 金鑰檔 The software SAM's master key file (created, mode 0600, when missing)
    /// [default: sam-master.key].
    #[arg(long, env = "TWNHI_SAM_KEY_FILE", value_name = "FILE")]
    pub sam_key_file: Option<PathBuf>,

    /// 伺服器金鑰檔 The key of one-time secrets, sealed letters and CSRF tokens (created,
    /// mode 0600, when missing) [default: server.key].
    #[arg(long, env = "TWNHI_SERVER_KEY_FILE", value_name = "FILE")]
    pub server_key_file: Option<PathBuf>,

    /// 服務時間 Service hours in Taipei time [default: 06:00-24:00].
    #[arg(long, env = "TWNHI_SERVICE_HOURS", value_name = "HH:MM-HH:MM")]
    pub service_hours: Option<String>,

    /// 健保卡元件 Origin of the card bridge the pages talk to [default:
    /// http://127.0.0.1:7777].
    #[arg(long, env = "TWNHI_BRIDGE_ORIGIN", value_name = "URL")]
    pub bridge_origin: Option<String>,

    /// 最新公告 The announcements file the operator edits.
    #[arg(long, env = "TWNHI_ANNOUNCEMENTS", value_name = "FILE")]
    pub announcements: Option<PathBuf>,

    /// Serve plain http with cookies without `Secure` — only on loopback with an
    /// http://127.0.0.1 or http://localhost public URL (local trials).
    #[arg(long, env = "TWNHI_INSECURE_HTTP")]
    pub insecure_http: bool,

    /// Take the client address from X-Forwarded-For (behind a reverse proxy that sets it).
    #[arg(long, env = "TWNHI_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// 閒置逾時 Minutes without a request after which a browser session ends [default: 20].
    #[arg(long, env = "TWNHI_SESSION_IDLE_MINUTES", value_name = "MIN")]
    pub session_idle_minutes: Option<u32>,

    /// App token lifetime in minutes [default: 15].
    #[arg(long, env = "TWNHI_APP_TOKEN_MINUTES", value_name = "MIN")]
    pub app_token_minutes: Option<u32>,
}

/// The settings after flags, environment, file and defaults.
#[derive(Debug)]
struct Settings {
    listen: SocketAddr,
    public_url: PublicBaseUrl,
    database_url: String,
    smtp_url: Option<String>,
    smtp_user: Option<String>,
    smtp_password: Option<String>,
    mail_dir: Option<PathBuf>,
    mail_from: Email,
    sam_key_file: PathBuf,
    server_key_file: PathBuf,
    service_hours: ServiceHours,
    bridge_origin: url::Url,
    announcements: Option<PathBuf>,
    insecure_http: bool,
    trust_forwarded_for: bool,
    session_idle: TimeDelta,
    app_token: TimeDelta,
}

/// A `key = value` file in TOML syntax (strings, integers, booleans; `#` comments).
fn parse_config_file(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| format!("設定檔第 {} 行 / line {}: {why}", n + 1, n + 1);
        if line.starts_with('[') {
            return Err(bad("不支援表格 / tables are not supported"));
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| bad("缺少 = / missing ="))?;
        let key = key.trim().replace('-', "_");
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(bad("鍵名錯誤 / bad key"));
        }
        let value = value.trim();
        let value = if let Some(rest) = value.strip_prefix('"') {
            let mut s = String::new();
            let mut chars = rest.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('"') => s.push('"'),
                        Some('\\') => s.push('\\'),
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        _ => return Err(bad("字串跳脫錯誤 / bad escape")),
                    },
                    c => s.push(c),
                }
            }
            let rest: String = chars.collect();
            let rest = rest.trim();
            if !closed || !(rest.is_empty() || rest.starts_with('#')) {
                return Err(bad("字串格式錯誤 / malformed string"));
            }
            s
        } else {
            let bare = value.split('#').next().unwrap_or_default().trim();
            if bare.is_empty() || !bare.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(bad(
                    "值須為字串、整數或布林 / value must be a string, an integer or a boolean",
                ));
            }
            bare.to_owned()
        };
        if out.insert(key.clone(), value).is_some() {
            return Err(bad("重複的鍵 / duplicate key"));
        }
    }
    Ok(out)
}

const KEYS: &[&str] = &[
    "listen",
    "public_url",
    "database_url",
    "smtp_url",
    "smtp_user",
    "smtp_password",
    "mail_dir",
    "mail_from",
    "sam_key_file",
    "server_key_file",
    "service_hours",
    "bridge_origin",
    "announcements",
    "insecure_http",
    "trust_forwarded_for",
    "session_idle_minutes",
    "app_token_minutes",
];

fn settings(args: &ServeArgs) -> Result<Settings, String> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!("無法讀取設定檔 {0} / cannot read {0}: {e}", path.display())
            })?;
            let map = parse_config_file(&text)?;
            if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
                return Err(format!(
                    "設定檔有不明的鍵 / unknown key in the configuration file: {k}"
                ));
            }
            map
        }
        None => BTreeMap::new(),
    };
    let pick = |flag: Option<String>, key: &str| flag.or_else(|| file.get(key).cloned());
    let flag_bool = |flag: bool, key: &str| -> Result<bool, String> {
        if flag {
            return Ok(true);
        }
        match file.get(key).map(String::as_str) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(format!(
                "{key} 須為 true 或 false / {key} must be true or false"
            )),
        }
    };
    let minutes = |flag: Option<u32>, key: &str, default: i64| -> Result<TimeDelta, String> {
        let v = match flag {
            Some(v) => i64::from(v),
            None => match file.get(key) {
                Some(s) => s
                    .parse::<i64>()
                    .map_err(|_| format!("{key} 須為分鐘數 / {key} must be a number of minutes"))?,
                None => default,
            },
        };
        if !(1..=24 * 60).contains(&v) {
            return Err(format!("{key} 須介於 1 至 1440 / {key} must be 1 to 1440"));
        }
        Ok(TimeDelta::minutes(v))
    };

    let listen = match pick(args.listen.map(|a| a.to_string()), "listen") {
        Some(s) => s
            .parse()
            .map_err(|_| format!("監聽位址格式錯誤 / bad listen address: {s}"))?,
        None => twnhi_web::config::DEFAULT_LISTEN,
    };
    let public_url = pick(args.public_url.clone(), "public_url").ok_or_else(|| {
        "請設定網站網址 --public-url / the public URL is required (--public-url, TWNHI_PUBLIC_URL or public_url)".to_owned()
    })?;
    let public_url = PublicBaseUrl::parse(&public_url).map_err(|e| e.to_string())?;
    let mail_from = match pick(args.mail_from.clone(), "mail_from") {
        Some(s) => Email::parse(&s).map_err(|e| format!("{e} (mail_from)"))?,
        // noreply@ the public host; a host that is no mail domain (an IP address of a local
        // trial) gets a placeholder domain.
        None => Email::parse(&format!(
            "noreply@{}",
            public_url.as_url().host_str().unwrap_or_default()
        ))
        .or_else(|_| Email::parse("noreply@localhost.localdomain"))
        .map_err(|e| format!("{e} (mail_from)"))?,
    };
    let service_hours = match pick(args.service_hours.clone(), "service_hours") {
        Some(s) => ServiceHours::parse(&s).map_err(|e| format!("{e} (service_hours)"))?,
        None => ServiceHours::DEFAULT,
    };
    let bridge_origin = pick(args.bridge_origin.clone(), "bridge_origin")
        .unwrap_or_else(|| twnhi_web::config::DEFAULT_BRIDGE_ORIGIN.to_owned());
    let bridge_origin = url::Url::parse(&bridge_origin)
        .map_err(|_| format!("健保卡元件網址格式錯誤 / bad bridge origin: {bridge_origin}"))?;
    let smtp_url = pick(args.smtp_url.clone(), "smtp_url");
    let mail_dir = pick(
        args.mail_dir.as_ref().map(|p| p.display().to_string()),
        "mail_dir",
    )
    .map(PathBuf::from);
    if smtp_url.is_none() && mail_dir.is_none() {
        return Err("請設定 --smtp-url 或 --mail-dir / set --smtp-url or --mail-dir: letters must go somewhere".to_owned());
    }
    Ok(Settings {
        listen,
        public_url,
        database_url: pick(args.database_url.clone(), "database_url")
            .unwrap_or_else(|| "twnhi.sqlite3".to_owned()),
        smtp_url,
        smtp_user: pick(args.smtp_user.clone(), "smtp_user"),
        smtp_password: pick(args.smtp_password.clone(), "smtp_password"),
        mail_dir,
        mail_from,
        sam_key_file: pick(
            args.sam_key_file.as_ref().map(|p| p.display().to_string()),
            "sam_key_file",
        )
        .map_or_else(|| PathBuf::from("sam-master.key"), PathBuf::from),
        server_key_file: pick(
            args.server_key_file
                .as_ref()
                .map(|p| p.display().to_string()),
            "server_key_file",
        )
        .map_or_else(|| PathBuf::from("server.key"), PathBuf::from),
        service_hours,
        bridge_origin,
        announcements: pick(
            args.announcements.as_ref().map(|p| p.display().to_string()),
            "announcements",
        )
        .map(PathBuf::from),
        insecure_http: flag_bool(args.insecure_http, "insecure_http")?,
        trust_forwarded_for: flag_bool(args.trust_forwarded_for, "trust_forwarded_for")?,
        session_idle: minutes(args.session_idle_minutes, "session_idle_minutes", 20)?,
        app_token: minutes(args.app_token_minutes, "app_token_minutes", 15)?,
    })
}

fn mailer(s: &Settings) -> Result<Arc<dyn Mailer>, String> {
    if let Some(url) = &s.smtp_url {
        let mut config = SmtpConfig::from_url(url).map_err(|e| e.to_string())?;
        if let (Some(user), Some(password)) = (&s.smtp_user, &s.smtp_password) {
            config = config.with_credentials(user, password);
        }
        let mailer = SmtpMailer::new(&config).map_err(|e| e.to_string())?;
        return Ok(Arc::new(mailer));
    }
    let dir = s.mail_dir.clone().unwrap_or_else(|| PathBuf::from("mail"));
    Ok(Arc::new(DirectoryMailer::new(dir)))
}

fn environment(what: &str, path: &Path, e: impl std::fmt::Display) -> String {
    format!("{what} {} : {e}", path.display())
}

/// Runs `twnhi serve` until Ctrl-C or SIGTERM.
pub fn run(args: &ServeArgs) -> ExitCode {
    let s = match settings(args) {
        Ok(s) => s,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return exit::report(
                exit::FAILURE,
                format!("無法啟動 / cannot start the runtime: {e}"),
            );
        }
    };
    runtime.block_on(serve(s))
}

#[allow(clippy::print_stdout)]
async fn serve(s: Settings) -> ExitCode {
    let random = match SystemRandom::new() {
        Ok(r) => Arc::new(r),
        Err(e) => return exit::report(exit::ENVIRONMENT, e),
    };
    let sam = match SoftwareSam::open(&s.sam_key_file, &*random) {
        Ok(sam) => sam,
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                environment("SAM 金鑰檔 SAM key file", &s.sam_key_file, e),
            );
        }
    };
    let server_key = match twnhi_service::load_server_key(&s.server_key_file, &*random) {
        Ok(k) => k,
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                environment("伺服器金鑰檔 server key file", &s.server_key_file, e),
            );
        }
    };
    let store = match SqliteStore::connect(&s.database_url).await {
        Ok(st) => Arc::new(st),
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                format!("資料庫 database {}: {e}", s.database_url),
            );
        }
    };
    // A database that cannot be written (read-only file or directory, full disk) would
    // answer 503 to everyone: refuse to start instead.
    if let Err(e) = twnhi_store::Store::check_writable(&*store, chrono::Utc::now()).await {
        store.close().await;
        return exit::report(
            exit::ENVIRONMENT,
            format!(
                "資料庫無法寫入（唯讀、權限不足或磁碟已滿） / the database cannot be written (read-only, no permission or disk full) {}: {e}",
                s.database_url
            ),
        );
    }
    let mailer = match mailer(&s) {
        Ok(m) => m,
        Err(e) => return exit::report(exit::ENVIRONMENT, e),
    };
    let mut config = ServiceConfig::new(s.public_url.clone(), s.mail_from.clone());
    config.service_hours = s.service_hours;
    config.session_idle_timeout = s.session_idle;
    config.app_token_lifetime = s.app_token;
    let ports = Ports {
        store: store.clone(),
        registry: store.clone(),
        sam: Arc::new(sam),
        clock: Arc::new(SystemClock),
        random,
    };
    let service = match Service::new(ports, server_key.clone(), config) {
        Ok(svc) => svc,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let outbox = OutboxWorker::new(&service, store.clone(), mailer).spawn();
    let maintenance = MaintenanceWorker::new(&service, MAINTENANCE_EVERY).spawn();
    let health = Health::new(
        Some(outbox.monitor()),
        Some((maintenance.liveness(), MAINTENANCE_EVERY * 3)),
    );

    let mut web = WebConfig::new(s.public_url.clone());
    web.listen = s.listen;
    web.bridge_origin = s.bridge_origin.clone();
    web.announcements = s.announcements.clone();
    web.trust_forwarded_for = s.trust_forwarded_for;
    web.shutdown_grace = Duration::from_secs(10);
    if s.insecure_http {
        web.cookies = CookieSecurity::PlainHttpLoopback;
    }
    let deps = SiteDeps::new(service).with_health(health);
    let site = match Site::new(web, deps, &server_key, None) {
        Ok(site) => site,
        Err(e) => {
            outbox.shutdown().await;
            maintenance.shutdown().await;
            return exit::report(exit::USAGE, e);
        }
    };
    let bound = match site.bind().await {
        Ok(b) => b,
        Err(e) => {
            outbox.shutdown().await;
            maintenance.shutdown().await;
            return exit::report(exit::ENVIRONMENT, e);
        }
    };
    println!(
        "健保卡網路服務註冊 twnhi serve: {} (listening on {})",
        s.public_url,
        bound.local_addr()
    );
    let result = bound.serve(twnhi_web::shutdown_signal()).await;
    outbox.shutdown().await;
    maintenance.shutdown().await;
    store.close().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => exit::report(exit::FAILURE, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_syntax() {
        let map = parse_config_file(
            "# comment\nlisten = \"0.0.0.0:8080\" # trailing\npublic-url = \"https://a.example/\"\ninsecure_http = true\napp_token_minutes = 10\n",
        )
        .unwrap();
        assert_eq!(map["listen"], "0.0.0.0:8080");
        assert_eq!(map["public_url"], "https://a.example/");
        assert_eq!(map["insecure_http"], "true");
        assert_eq!(map["app_token_minutes"], "10");
        assert!(parse_config_file("[server]\n").is_err());
        assert!(parse_config_file("a = \"x\ny = 1\n").is_err());
        assert!(parse_config_file("a = 1\na = 2\n").is_err());
        assert!(parse_config_file("a = some words\n").is_err());
    }

    #[test]
    fn precedence_flag_then_file_then_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twnhi.toml");
        std::fs::write(
            &path,
            "public_url = \"https://file.example/\"\nlisten = \"127.0.0.1:9000\"\nmail_dir = \"mail\"\nservice_hours = \"07:00-22:00\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            ..ServeArgs::default()
        };
        let s = settings(&args).unwrap();
        assert_eq!(s.listen.port(), 9100, "the flag wins");
        assert_eq!(
            s.public_url.as_str(),
            "https://file.example/",
            "then the file"
        );
        assert_eq!(s.database_url, "twnhi.sqlite3", "then the default");
        assert_eq!(s.mail_from.as_str(), "noreply@file.example");
        assert_eq!(s.app_token, TimeDelta::minutes(15));
        std::fs::write(&path, "public_url = \"https://x.example/\"\nunknown = 1\n").unwrap();
        assert!(settings(&args).unwrap_err().contains("unknown"));
        let none = ServeArgs::default();
        assert!(settings(&none).unwrap_err().contains("public URL"));
    }
}
