//! `twnhi serve`: the registration site (pages, the app's JSON API) with its mail outbox
//! worker, over SQLite.
//!
//! Every setting comes from, in this order of precedence: a flag, its `TWNHI_*` environment
//! variable, the configuration file (`--config FILE`, TOML, the keys being the flags' names
//! with `_`), the default — read and layered by [`twnhi_web::settings`]. `--print-config`
//! prints the result with secrets masked.
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
use crate::texts;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::database::Database;
use twnhi_notify::{DirectoryMailer, Mailer, SmtpConfig, SmtpMailer};
use twnhi_service::{
    MaintenanceWorker, OutboxWorker, Ports, Service, ServiceConfig, SoftwareSam, SystemClock,
    SystemRandom,
};
use twnhi_web::health::Health;
use twnhi_web::settings::{MailSettings, Resolved, ServeSettings};
use twnhi_web::{CookieSecurity, Site, SiteDeps, WebConfig};

/// How often the maintenance worker runs (purges, due cancellations).
const MAINTENANCE_EVERY: Duration = Duration::from_secs(60);

/// Arguments of `twnhi serve`.
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// Configuration file (TOML; keys are the flags' names with `_`).
    #[arg(long, env = "TWNHI_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print the effective settings (flags, environment, file and defaults merged;
    /// secrets masked) as TOML and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "TWNHI_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// The site's public URL (links in letters, the origin of form posts), e.g.
    /// `https://nhi.example.org/`. Required.
    #[arg(long, env = "TWNHI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Database: `postgres://user@host/db` (PostgreSQL), a path or `sqlite://PATH` (SQLite)
    /// [default: twnhi.sqlite3].
    #[arg(long, env = "TWNHI_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// PostgreSQL: the most database connections of this process [default: 10].
    #[arg(long, env = "TWNHI_DATABASE_MAX_CONNECTIONS", value_name = "N")]
    pub database_max_connections: Option<u32>,

    /// PostgreSQL: seconds after which a statement is cancelled, 0 for the server's setting
    /// [default: 30].
    #[arg(long, env = "TWNHI_DATABASE_STATEMENT_TIMEOUT", value_name = "SECS")]
    pub database_statement_timeout: Option<u64>,

    /// SMTP relay, e.g. `smtp://mail.example.org:587?tls=starttls` (user name and
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

    /// Write letters as `.eml` files into this directory instead of sending them.
    #[arg(long, env = "TWNHI_MAIL_DIR", value_name = "DIR")]
    pub mail_dir: Option<PathBuf>,

    /// Sender address of the letters [default: noreply@ the public URL's host].
    #[arg(long, env = "TWNHI_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// The software SAM's master key file (created, mode 0600, when missing)
    /// [default: sam-master.key].
    #[arg(long, env = "TWNHI_SAM_KEY_FILE", value_name = "FILE")]
    pub sam_key_file: Option<PathBuf>,

    /// The key of one-time secrets, sealed letters and CSRF tokens (created,
    /// mode 0600, when missing) [default: server.key].
    #[arg(long, env = "TWNHI_SERVER_KEY_FILE", value_name = "FILE")]
    pub server_key_file: Option<PathBuf>,

    /// Service hours in Taipei time [default: 06:00-24:00].
    #[arg(long, env = "TWNHI_SERVICE_HOURS", value_name = "HH:MM-HH:MM")]
    pub service_hours: Option<String>,

    /// Origin of the card bridge the pages talk to [default:
    /// http://127.0.0.1:7777].
    #[arg(long, env = "TWNHI_BRIDGE_ORIGIN", value_name = "URL")]
    pub bridge_origin: Option<String>,

    /// The announcements file the operator edits.
    #[arg(long, env = "TWNHI_ANNOUNCEMENTS", value_name = "FILE")]
    pub announcements: Option<PathBuf>,

    /// The card component release's SHA256SUMS file, listed on the setup page.
    #[arg(long, env = "TWNHI_RELEASE_SUMS", value_name = "FILE")]
    pub release_sums: Option<PathBuf>,

    /// Where the release's files are downloaded from.
    #[arg(long, env = "TWNHI_RELEASE_URL", value_name = "URL")]
    pub release_url: Option<String>,

    /// Serve plain http with cookies without `Secure` — only on loopback with an
    /// http://127.0.0.1 or http://localhost public URL (local trials).
    #[arg(long, env = "TWNHI_INSECURE_HTTP")]
    pub insecure_http: bool,

    /// Take the client address from X-Forwarded-For (behind a reverse proxy that sets it).
    #[arg(long, env = "TWNHI_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// PostgreSQL: apply this program's pending migrations at start (off: an outdated
    /// schema is refused; migrate once with `twnhi admin db migrate`). A SQLite file is
    /// always migrated.
    #[arg(long, env = "TWNHI_MIGRATE")]
    pub migrate: bool,

    /// How many replicas share the site behind one load balancer: each enforces 1/N of the
    /// per-address request limits [default: 1].
    #[arg(long, env = "TWNHI_REPLICAS", value_name = "N")]
    pub replicas: Option<u32>,

    /// Seconds a letter claimed by this replica's outbox worker stays reserved for it; after
    /// a crash another replica sends it when the lease ends [default: 120].
    #[arg(long, env = "TWNHI_OUTBOX_LEASE", value_name = "SECS")]
    pub outbox_lease_secs: Option<u32>,

    /// The hotline's numbers the letters print: toll-free, without area code, from a mobile
    /// phone, separated by commas [default: 0800-030-598,4128-678,02-4128-678].
    #[arg(long, env = "TWNHI_HOTLINE", value_name = "NUMBERS")]
    pub hotline: Option<String>,

    /// The online services the completion letter lists: 個人健康資料網路服務作業, 健康存摺 and
    /// 全民健保行動快易通 APP, three URLs separated by spaces [default: the manual's].
    #[arg(long, env = "TWNHI_SERVICE_LINKS", value_name = "URLS")]
    pub service_links: Option<String>,

    /// Minutes without a request after which a browser session ends [default: 20].
    #[arg(long, env = "TWNHI_SESSION_IDLE_MINUTES", value_name = "MIN")]
    pub session_idle_minutes: Option<u32>,

    /// App token lifetime in minutes [default: 15].
    #[arg(long, env = "TWNHI_APP_TOKEN_MINUTES", value_name = "MIN")]
    pub app_token_minutes: Option<u32>,

    /// Trust anchors of the citizen certificate login (PEM or DER; repeat or separate with
    /// commas). Without any, the certificate pages say the service is not configured.
    #[arg(long, env = "TWNHI_CERT_TRUST", value_name = "FILE", num_args = 1.., value_delimiter = ',')]
    pub cert_trust: Vec<PathBuf>,

    /// Intermediate CA certificates of the certificate login (PEM or DER).
    #[arg(long, env = "TWNHI_CERT_INTERMEDIATE", value_name = "FILE", num_args = 1.., value_delimiter = ',')]
    pub cert_intermediate: Vec<PathBuf>,

    /// CRLs of the certificate login: files (PEM or DER) or http:// URLs, reloaded every
    /// --cert-crl-refresh-minutes.
    #[arg(long, env = "TWNHI_CERT_CRL", value_name = "FILE|URL", num_args = 1.., value_delimiter = ',')]
    pub cert_crl: Vec<PathBuf>,

    /// Minutes between reloads of the CRLs; a failed reload keeps the last good CRLs
    /// [default: 60].
    #[arg(long, env = "TWNHI_CERT_CRL_REFRESH_MINUTES", value_name = "MIN")]
    pub cert_crl_refresh_minutes: Option<u32>,

    /// OCSP check of each certificate at login: the responder's http:// URL, or `aia` for
    /// the responder the certificate names.
    #[arg(long, env = "TWNHI_CERT_OCSP", value_name = "URL|aia")]
    pub cert_ocsp: Option<String>,

    /// Certificate ↔ ID number table: lines `ID number,certificate file` (relative to the
    /// table's directory).
    #[arg(long, env = "TWNHI_CERT_IDENTITY", value_name = "FILE")]
    pub cert_identity: Option<PathBuf>,
}

impl ServeArgs {
    /// The flags and their environment variables, as one layer of settings.
    fn layer(&self) -> ServeSettings {
        ServeSettings {
            listen: self.listen,
            public_url: self.public_url.clone(),
            database_url: self.database_url.clone(),
            database_max_connections: self.database_max_connections,
            database_statement_timeout_secs: self.database_statement_timeout,
            smtp_url: self.smtp_url.clone(),
            smtp_user: self.smtp_user.clone(),
            smtp_password: self.smtp_password.clone(),
            mail_dir: self.mail_dir.clone(),
            mail_from: self.mail_from.clone(),
            sam_key_file: self.sam_key_file.clone(),
            server_key_file: self.server_key_file.clone(),
            service_hours: self.service_hours.clone(),
            bridge_origin: self.bridge_origin.clone(),
            announcements: self.announcements.clone(),
            release_sums: self.release_sums.clone(),
            release_url: self.release_url.clone(),
            insecure_http: self.insecure_http.then_some(true),
            trust_forwarded_for: self.trust_forwarded_for.then_some(true),
            migrate: self.migrate.then_some(true),
            replicas: self.replicas,
            outbox_lease_secs: self.outbox_lease_secs,
            session_idle_minutes: self.session_idle_minutes,
            app_token_minutes: self.app_token_minutes,
            hotline: self.hotline.clone(),
            service_links: self.service_links.clone(),
            cert_trust: non_empty(&self.cert_trust),
            cert_intermediate: non_empty(&self.cert_intermediate),
            cert_crl: non_empty(&self.cert_crl),
            cert_identity: self.cert_identity.clone(),
            cert_crl_refresh_minutes: self.cert_crl_refresh_minutes,
            cert_ocsp: self.cert_ocsp.clone(),
        }
    }
}

/// A repeated flag as a setting: not given (`None`) when empty, so the file's value stays.
fn non_empty(files: &[PathBuf]) -> Option<Vec<PathBuf>> {
    (!files.is_empty()).then(|| files.to_vec())
}

/// The file (if any) under the flags and environment, resolved.
fn settings(args: &ServeArgs) -> Result<Resolved, twnhi_web::settings::SettingsError> {
    let file = match &args.config {
        Some(path) => ServeSettings::load(path)?,
        None => ServeSettings::default(),
    };
    file.layered(args.layer()).resolve()
}

fn mailer(s: &Resolved) -> Result<Arc<dyn Mailer>, String> {
    match &s.mail {
        MailSettings::Smtp {
            url,
            user,
            password,
        } => {
            let mut config = SmtpConfig::from_url(url).map_err(|e| e.to_string())?;
            if let (Some(user), Some(password)) = (user, password) {
                config = config.with_credentials(user, password);
            }
            let mailer = SmtpMailer::new(&config).map_err(|e| e.to_string())?;
            Ok(Arc::new(mailer))
        }
        MailSettings::Directory(dir) => Ok(Arc::new(DirectoryMailer::new(dir.clone()))),
        other => Err(format!("{}: {other:?}", texts::both("cli-mail-settings"))),
    }
}

fn environment(what: &str, path: &Path, e: impl std::fmt::Display) -> String {
    format!("{what} {} : {e}", path.display())
}

/// Runs `twnhi serve` until Ctrl-C or SIGTERM (or prints the settings).
#[allow(clippy::print_stdout)]
pub fn run(args: &ServeArgs) -> ExitCode {
    let s = match settings(args) {
        Ok(s) => s,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    if args.print_config {
        print!("{}", s.to_toml_masked());
        return ExitCode::SUCCESS;
    }
    let runtime = match exit::runtime(true, exit::FAILURE, "cli-runtime") {
        Ok(r) => r,
        Err(code) => return code,
    };
    runtime.block_on(serve(s))
}

#[allow(clippy::print_stdout)]
async fn serve(s: Resolved) -> ExitCode {
    let random = match SystemRandom::new() {
        Ok(r) => Arc::new(r),
        Err(e) => return exit::report(exit::ENVIRONMENT, e),
    };
    let sam = match SoftwareSam::open(&s.sam_key_file, &*random) {
        Ok(sam) => sam,
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                environment(&texts::pair("cli-sam-key-file"), &s.sam_key_file, e),
            );
        }
    };
    let server_key = match twnhi_service::load_server_key(&s.server_key_file, &*random) {
        Ok(k) => k,
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                environment(&texts::pair("cli-server-key-file"), &s.server_key_file, e),
            );
        }
    };
    let shown_url = Database::shown_url(&s.database_url);
    let db = match Database::open_with(&s.database_url, Database::options(&s)).await {
        Ok(db) => db,
        Err(e) => {
            return exit::report(
                exit::ENVIRONMENT,
                format!("{} {shown_url}: {e}", texts::pair("cli-database")),
            );
        }
    };
    // A database that cannot be written (read-only file or directory, full disk) would
    // answer 503 to everyone: refuse to start instead.
    if let Err(e) = db.store.check_writable(chrono::Utc::now()).await {
        db.close().await;
        return exit::report(
            exit::ENVIRONMENT,
            format!("{} {shown_url}: {e}", texts::both("cli-database-read-only"),),
        );
    }
    let mailer = match mailer(&s) {
        Ok(m) => m,
        Err(e) => return exit::report(exit::ENVIRONMENT, e),
    };
    let mut config = ServiceConfig::new(s.public_url.clone(), s.mail_from.clone());
    config.service_hours = s.service_hours;
    config.session_idle_timeout = s.session_idle;
    config.outbox.lease = s.outbox_lease;
    config.app_token_lifetime = s.app_token;
    config.hotline = s.hotline.clone();
    config.service_links = s.service_links.clone();
    if let Some(certs) = &s.certificates {
        match certs.policy() {
            Ok(policy) => config.certificates = Some(policy),
            Err(e) => {
                db.close().await;
                return exit::report(exit::USAGE, e);
            }
        }
    }
    let ports = Ports {
        store: db.store.clone(),
        registry: db.registry.clone(),
        sam: Arc::new(sam),
        clock: Arc::new(SystemClock),
        random,
    };
    let service = match Service::new(ports, server_key.clone(), config) {
        Ok(svc) => svc,
        Err(e) => return exit::report(exit::USAGE, e),
    };
    let outbox = OutboxWorker::new(&service, db.outbox.clone(), mailer).spawn();
    let maintenance = MaintenanceWorker::new(&service, MAINTENANCE_EVERY).spawn();
    let health = Health::new(
        Some(outbox.monitor()),
        Some((maintenance.liveness(), MAINTENANCE_EVERY * 3)),
    );

    let mut web = WebConfig::new(s.public_url.clone());
    web.listen = s.listen;
    web.bridge_origin = s.bridge_origin.clone();
    web.announcements = s.announcements.clone();
    web.release_sums = s.release_sums.clone();
    web.release_url = s.release_url.clone();
    web.trust_forwarded_for = s.trust_forwarded_for;
    web.rate_limits = web.rate_limits.shared_by(s.replicas);
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
        "{}: {} ({} {})",
        texts::pair("cli-serve-title"),
        s.public_url,
        texts::en("cli-listening-on"),
        bound.local_addr()
    );
    let result = bound.serve(crate::signal::shutdown_signal()).await;
    outbox.shutdown().await;
    maintenance.shutdown().await;
    db.close().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => exit::report(exit::FAILURE, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twnhi.toml");
        std::fs::write(
            &path,
            "public_url = \"https://file.example/\"\nlisten = \"127.0.0.1:9000\"\nmail_dir = \"mail\"\ntrust_forwarded_for = true\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            insecure_http: true,
            ..ServeArgs::default()
        };
        let s = settings(&args).unwrap();
        assert_eq!(s.listen.port(), 9100, "the flag wins");
        assert_eq!(
            s.public_url.as_str(),
            "https://file.example/",
            "then the file"
        );
        assert!(s.insecure_http, "a boolean flag");
        assert!(s.trust_forwarded_for, "a boolean from the file");
        assert_eq!(s.database_url, "twnhi.sqlite3", "then the default");
        std::fs::write(&path, "public_url = \"https://x.example/\"\nunknown = 1\n").unwrap();
        let e = settings(&args).unwrap_err().to_string();
        assert!(e.contains("unknown") && e.contains("line 2"), "{e}");
        let e = settings(&ServeArgs::default()).unwrap_err().to_string();
        assert!(e.contains("public_url"), "{e}");
    }

    /// The sample deployment's shared settings are valid and mean what docs/deploy.md says,
    /// with the unit's address and the environment file's database URL on top.
    #[test]
    fn the_sample_deployment_settings_resolve() {
        let args = ServeArgs {
            config: Some(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../packaging/deploy/serve.toml"),
            ),
            listen: Some("127.0.0.1:8082".parse().unwrap()),
            database_url: Some("postgres://twnhi@db.internal.example.org/twnhi".into()),
            ..ServeArgs::default()
        };
        let s = settings(&args).unwrap();
        assert_eq!(s.replicas, 3);
        assert!(!s.migrate, "replicas do not migrate");
        assert!(s.trust_forwarded_for);
        assert!(!s.insecure_http);
        assert_eq!(s.listen.port(), 8082);
        assert!(Database::is_postgres(&s.database_url));
    }
}
