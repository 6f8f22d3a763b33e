//! The settings of a deployed site (`twnhi serve`): one serde type read from a TOML file and
//! layered with flags and environment variables, then resolved into typed values with the
//! defaults filled in.
//!
//! ```
//! use twnhi_web::settings::ServeSettings;
//!
//! let file = ServeSettings::from_toml(
//!     "public_url = \"https://nhi.example.org/\"\nmail_dir = \"mail\"\n",
//!     "twnhi.toml",
//! )?;
//! // Flags and environment variables (here: one flag) win over the file.
//! let flags = ServeSettings {
//!     listen: Some("127.0.0.1:9000".parse()?),
//!     ..ServeSettings::default()
//! };
//! let resolved = file.layered(flags).resolve()?;
//! assert_eq!(resolved.listen.port(), 9000);
//! assert_eq!(resolved.mail_from.as_str(), "noreply@nhi.example.org");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Precedence, highest first: flags, their `TWNHI_*` environment variables (both come from
//! the command line's parser as one layer), the configuration file, the defaults. Unknown keys
//! are an error naming the line and column.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use twnhi_account::Email;
use twnhi_account::messages;
use twnhi_account::roc::ServiceHours;
use twnhi_notify::{Hotline, PublicBaseUrl, ServiceLinks};
use url::Url;

use crate::config::{DEFAULT_BRIDGE_ORIGIN, DEFAULT_LISTEN};

/// The database used when none is set.
pub const DEFAULT_DATABASE_URL: &str = "twnhi.sqlite3";
/// The software SAM's key file used when none is set.
pub const DEFAULT_SAM_KEY_FILE: &str = "sam-master.key";
/// The server key file used when none is set.
pub const DEFAULT_SERVER_KEY_FILE: &str = "server.key";
/// Minutes without a request after which a browser session ends, when not set.
pub const DEFAULT_SESSION_IDLE_MINUTES: u32 = 20;
/// Lifetime of the app's tokens in minutes, when not set.
pub const DEFAULT_APP_TOKEN_MINUTES: u32 = 15;
/// PostgreSQL connections of one process when not set.
pub const DEFAULT_DATABASE_MAX_CONNECTIONS: u32 = 10;
/// The most PostgreSQL connections one process may be given.
pub const MAX_DATABASE_CONNECTIONS: u32 = 1000;
/// The PostgreSQL statement timeout in seconds when not set.
pub const DEFAULT_DATABASE_STATEMENT_TIMEOUT_SECS: u64 = 30;
/// What `--print-config` shows instead of a secret.
pub const MASK: &str = "********";

/// A settings error: the message is bilingual (zh-TW / English).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The configuration file could not be read.
    #[error("{}", crate::error::joined("web-settings-read", &[("path", path.into()), ("source", source.to_string().into())], " / "))]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML, has an unknown key or a value of the wrong
    /// type. The message names the line and the column.
    #[error("{}", crate::error::joined("web-settings-syntax", &[("path", path.into()), ("source", source.to_string().into())], " / "))]
    Syntax {
        /// The file.
        path: String,
        /// The parser's error, with line, column and the offending text.
        source: Box<toml::de::Error>,
    },
    /// A required setting is missing.
    #[error("{}: {}", crate::error::joined("web-settings-missing", &[("key", (*key).into())], " / "), messages::bilingual(hint))]
    Missing {
        /// The file key.
        key: &'static str,
        /// How to give it: the id of a catalog text.
        hint: &'static str,
    },
    /// A setting has a value that cannot be used.
    #[error("{}", crate::error::joined("web-settings-invalid", &[("key", (*key).into()), ("reason", reason.into())], " / "))]
    Invalid {
        /// The file key.
        key: &'static str,
        /// Why (bilingual where it comes from this crate).
        reason: String,
    },
}

/// One layer of settings — a file, or the flags and environment — every key optional.
///
/// The keys are the flags' names with `_` (a `-` is accepted too in files).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSettings {
    /// Address to listen on (default: `127.0.0.1:8080`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// The site's public URL (links in letters, the origin of form posts). Required.
    #[serde(alias = "public-url", skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// The database: `postgres://…`, a path or `sqlite://PATH` (default: `twnhi.sqlite3`).
    #[serde(alias = "database-url", skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// PostgreSQL: the most connections this process opens (default: 10).
    #[serde(
        alias = "database-max-connections",
        skip_serializing_if = "Option::is_none"
    )]
    pub database_max_connections: Option<u32>,
    /// PostgreSQL: seconds after which a statement is cancelled; 0 keeps the server's setting
    /// (default: 30).
    #[serde(
        alias = "database-statement-timeout-secs",
        skip_serializing_if = "Option::is_none"
    )]
    pub database_statement_timeout_secs: Option<u64>,
    /// SMTP relay URL; either this or `mail_dir`.
    #[serde(alias = "smtp-url", skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    /// SMTP user name.
    #[serde(alias = "smtp-user", skip_serializing_if = "Option::is_none")]
    pub smtp_user: Option<String>,
    /// SMTP password (a secret: masked by [`Resolved::to_toml_masked`]).
    #[serde(alias = "smtp-password", skip_serializing_if = "Option::is_none")]
    pub smtp_password: Option<String>,
    /// Write letters as `.eml` files into this directory instead of sending them.
    #[serde(alias = "mail-dir", skip_serializing_if = "Option::is_none")]
    pub mail_dir: Option<PathBuf>,
    /// Sender address of the letters (default: `noreply@` the public URL's host).
    #[serde(alias = "mail-from", skip_serializing_if = "Option::is_none")]
    pub mail_from: Option<String>,
    /// The software SAM's master key file (default: `sam-master.key`).
    #[serde(alias = "sam-key-file", skip_serializing_if = "Option::is_none")]
    pub sam_key_file: Option<PathBuf>,
    /// The server key file (default: `server.key`).
    #[serde(alias = "server-key-file", skip_serializing_if = "Option::is_none")]
    pub server_key_file: Option<PathBuf>,
    /// Service hours in Taipei time, `HH:MM-HH:MM` (default: `06:00-24:00`).
    #[serde(alias = "service-hours", skip_serializing_if = "Option::is_none")]
    pub service_hours: Option<String>,
    /// Origin of the card bridge the pages talk to (default: `http://127.0.0.1:7777`).
    #[serde(alias = "bridge-origin", skip_serializing_if = "Option::is_none")]
    pub bridge_origin: Option<String>,
    /// The announcements file (最新公告).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub announcements: Option<PathBuf>,
    /// The card component release's `SHA256SUMS` file: the setup page lists its files with
    /// their sums (docs/install.md).
    #[serde(alias = "release-sums", skip_serializing_if = "Option::is_none")]
    pub release_sums: Option<PathBuf>,
    /// Where the files of `release_sums` are downloaded from (a URL ending in `/`).
    #[serde(alias = "release-url", skip_serializing_if = "Option::is_none")]
    pub release_url: Option<String>,
    /// Cookies without `Secure` (loopback trials only) (default: false).
    #[serde(alias = "insecure-http", skip_serializing_if = "Option::is_none")]
    pub insecure_http: Option<bool>,
    /// Take the client address from `X-Forwarded-For` (default: false).
    #[serde(alias = "trust-forwarded-for", skip_serializing_if = "Option::is_none")]
    pub trust_forwarded_for: Option<bool>,
    /// Apply the program's pending PostgreSQL migrations at start (default: false; a SQLite
    /// file is always migrated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migrate: Option<bool>,
    /// How many replicas share the site behind one load balancer (default: 1): each
    /// enforces 1/N of the per-address request limits, so that together they keep the
    /// site-wide figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Seconds a letter claimed by a replica's outbox worker stays reserved for it; after a
    /// crash, another replica sends it when the lease ends (default: 120).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbox_lease_secs: Option<u32>,
    /// Minutes without a request after which a browser session ends (default: 20).
    #[serde(
        alias = "session-idle-minutes",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_idle_minutes: Option<u32>,
    /// App token lifetime in minutes (default: 15).
    #[serde(alias = "app-token-minutes", skip_serializing_if = "Option::is_none")]
    pub app_token_minutes: Option<u32>,
    /// The hotline's numbers the letters print after 「並電洽本署健保服務專線：」 and in their
    /// closing paragraph: toll-free, without area code, from a mobile phone, separated by
    /// commas (default: the manual's `0800-030-598,4128-678,02-4128-678`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotline: Option<String>,
    /// The online services the completion letter lists with their addresses: 個人健康資料網路
    /// 服務作業, 健康存摺 and 全民健保行動快易通 APP, three absolute `https://` or `http://`
    /// URLs separated by spaces (default: the manual's).
    #[serde(alias = "service-links", skip_serializing_if = "Option::is_none")]
    pub service_links: Option<String>,
    /// The citizen certificate login's trust anchors (PEM or DER files; the GRCA roots in
    /// production). Without any, the certificate login is off.
    #[serde(alias = "cert-trust", skip_serializing_if = "Option::is_none")]
    pub cert_trust: Option<Vec<PathBuf>>,
    /// Intermediate CA certificates of the certificate login (MOICA's CAs in production).
    #[serde(alias = "cert-intermediate", skip_serializing_if = "Option::is_none")]
    pub cert_intermediate: Option<Vec<PathBuf>>,
    /// CRLs of the certificate login: files (PEM or DER) or `http://` URLs, reloaded every
    /// [`cert_crl_refresh_minutes`](Self::cert_crl_refresh_minutes).
    #[serde(alias = "cert-crl", skip_serializing_if = "Option::is_none")]
    pub cert_crl: Option<Vec<PathBuf>>,
    /// Minutes between reloads of the CRLs, 1 to 10080 (default: 60).
    #[serde(
        alias = "cert-crl-refresh-minutes",
        skip_serializing_if = "Option::is_none"
    )]
    pub cert_crl_refresh_minutes: Option<u32>,
    /// OCSP check of each certificate at login: the responder's `http://` URL, or `aia` for
    /// the responder each certificate names. Unset: no OCSP check.
    #[serde(alias = "cert-ocsp", skip_serializing_if = "Option::is_none")]
    pub cert_ocsp: Option<String>,
    /// The table confirming certificate ↔ ID number (a CSV file of `ID number,certificate
    /// file` lines), standing in for MOICA's identity-confirmation service.
    #[serde(alias = "cert-identity", skip_serializing_if = "Option::is_none")]
    pub cert_identity: Option<PathBuf>,
}

/// Where letters go.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MailSettings {
    /// Through an SMTP relay.
    Smtp {
        /// The relay's URL.
        url: String,
        /// SMTP AUTH user name.
        user: Option<String>,
        /// SMTP AUTH password.
        password: Option<String>,
    },
    /// As `.eml` files into a directory.
    Directory(PathBuf),
}

/// The settings after layering and defaults, as typed values.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Resolved {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The public URL.
    pub public_url: PublicBaseUrl,
    /// The database URL or path.
    pub database_url: String,
    /// PostgreSQL: the most connections this process opens.
    pub database_max_connections: u32,
    /// PostgreSQL: the statement timeout; `None` keeps the server's setting.
    pub database_statement_timeout: Option<std::time::Duration>,
    /// Where letters go.
    pub mail: MailSettings,
    /// Sender address.
    pub mail_from: Email,
    /// The SAM key file.
    pub sam_key_file: PathBuf,
    /// The server key file.
    pub server_key_file: PathBuf,
    /// Service hours.
    pub service_hours: ServiceHours,
    /// The card bridge's origin.
    pub bridge_origin: Url,
    /// The announcements file.
    pub announcements: Option<PathBuf>,
    /// The card component release's `SHA256SUMS` file.
    pub release_sums: Option<PathBuf>,
    /// Where the release's files are (ends in `/`).
    pub release_url: Option<Url>,
    /// Cookies without `Secure`.
    pub insecure_http: bool,
    /// Client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Apply pending PostgreSQL migrations at start.
    pub migrate: bool,
    /// Replicas sharing the per-address request limits (1 to 1000).
    pub replicas: u32,
    /// The outbox workers' claim lease.
    pub outbox_lease: TimeDelta,
    /// Idle time that ends a browser session.
    pub session_idle: TimeDelta,
    /// Lifetime of the app's tokens.
    pub app_token: TimeDelta,
    /// The hotline's numbers the letters print.
    pub hotline: Hotline,
    /// The online services the completion letter lists.
    pub service_links: ServiceLinks,
    /// The citizen certificate login; `None` when no trust anchor is configured (the
    /// certificate pages then say the service is not configured).
    pub certificates: Option<CertSettings>,
}

/// The files of the citizen certificate login (`docs/certificate.md`, "Server side").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertSettings {
    /// Trust anchors (at least one).
    pub trust: Vec<PathBuf>,
    /// Intermediate CA certificates.
    pub intermediates: Vec<PathBuf>,
    /// CRL files and `http://` URLs; none: CRLs are not checked.
    pub crls: Vec<PathBuf>,
    /// How often the CRLs are reloaded.
    pub crl_refresh: std::time::Duration,
    /// The OCSP responder (`http://` URL, or `aia`); none: no OCSP check.
    pub ocsp: Option<String>,
    /// The identity table (`ID number,certificate file` lines).
    pub identity: Option<PathBuf>,
}

impl ServeSettings {
    /// Parses a TOML text; `origin` names it in errors (a path, `<stdin>`).
    ///
    /// # Errors
    /// [`SettingsError::Syntax`] for invalid TOML, an unknown key or a wrong type.
    pub fn from_toml(text: &str, origin: impl AsRef<Path>) -> Result<Self, SettingsError> {
        toml::from_str(text).map_err(|e| SettingsError::Syntax {
            path: origin.as_ref().display().to_string(),
            source: Box::new(e),
        })
    }

    /// Reads and parses a TOML file.
    ///
    /// # Errors
    /// [`SettingsError::Read`] when it cannot be read, else as [`from_toml`](Self::from_toml).
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        ServeSettings::from_toml(&text, path)
    }

    /// These settings with `over`'s on top: every key `over` sets wins.
    #[must_use]
    pub fn layered(self, over: ServeSettings) -> ServeSettings {
        ServeSettings {
            listen: over.listen.or(self.listen),
            public_url: over.public_url.or(self.public_url),
            database_url: over.database_url.or(self.database_url),
            database_max_connections: over
                .database_max_connections
                .or(self.database_max_connections),
            database_statement_timeout_secs: over
                .database_statement_timeout_secs
                .or(self.database_statement_timeout_secs),
            smtp_url: over.smtp_url.or(self.smtp_url),
            smtp_user: over.smtp_user.or(self.smtp_user),
            smtp_password: over.smtp_password.or(self.smtp_password),
            mail_dir: over.mail_dir.or(self.mail_dir),
            mail_from: over.mail_from.or(self.mail_from),
            sam_key_file: over.sam_key_file.or(self.sam_key_file),
            server_key_file: over.server_key_file.or(self.server_key_file),
            service_hours: over.service_hours.or(self.service_hours),
            bridge_origin: over.bridge_origin.or(self.bridge_origin),
            announcements: over.announcements.or(self.announcements),
            release_sums: over.release_sums.or(self.release_sums),
            release_url: over.release_url.or(self.release_url),
            insecure_http: over.insecure_http.or(self.insecure_http),
            trust_forwarded_for: over.trust_forwarded_for.or(self.trust_forwarded_for),
            migrate: over.migrate.or(self.migrate),
            replicas: over.replicas.or(self.replicas),
            outbox_lease_secs: over.outbox_lease_secs.or(self.outbox_lease_secs),
            session_idle_minutes: over.session_idle_minutes.or(self.session_idle_minutes),
            app_token_minutes: over.app_token_minutes.or(self.app_token_minutes),
            hotline: over.hotline.or(self.hotline),
            service_links: over.service_links.or(self.service_links),
            cert_trust: over.cert_trust.or(self.cert_trust),
            cert_intermediate: over.cert_intermediate.or(self.cert_intermediate),
            cert_crl: over.cert_crl.or(self.cert_crl),
            cert_crl_refresh_minutes: over
                .cert_crl_refresh_minutes
                .or(self.cert_crl_refresh_minutes),
            cert_ocsp: over.cert_ocsp.or(self.cert_ocsp),
            cert_identity: over.cert_identity.or(self.cert_identity),
        }
    }

    /// Fills in the defaults and checks every value.
    ///
    /// # Errors
    /// [`SettingsError::Missing`] without a public URL or a place for letters,
    /// [`SettingsError::Invalid`] for a value that cannot be used.
    pub fn resolve(self) -> Result<Resolved, SettingsError> {
        let public_url = self.public_url.ok_or(SettingsError::Missing {
            key: "public_url",
            hint: "web-settings-hint-public-url",
        })?;
        let public_url = PublicBaseUrl::parse(&public_url).map_err(|e| invalid("public_url", e))?;
        let mail_from = match self.mail_from {
            Some(s) => Email::parse(&s).map_err(|e| invalid("mail_from", e))?,
            // noreply@ the public host; a host that is no mail domain (an IP address of a
            // local trial) gets a placeholder domain.
            None => Email::parse(&format!(
                "noreply@{}",
                public_url.as_url().host_str().unwrap_or_default()
            ))
            .or_else(|_| Email::parse("noreply@localhost.localdomain"))
            .map_err(|e| invalid("mail_from", e))?,
        };
        let service_hours = match self.service_hours {
            Some(s) => ServiceHours::parse(&s).map_err(|e| invalid("service_hours", e))?,
            None => ServiceHours::DEFAULT,
        };
        let bridge_origin = self
            .bridge_origin
            .unwrap_or_else(|| DEFAULT_BRIDGE_ORIGIN.to_owned());
        let bridge_origin = Url::parse(&bridge_origin).map_err(|e| invalid("bridge_origin", e))?;
        let release_url = match self.release_url {
            Some(u) => {
                // A base URL: the files' names are joined to it.
                let u = if u.ends_with('/') { u } else { format!("{u}/") };
                Some(Url::parse(&u).map_err(|e| invalid("release_url", e))?)
            }
            None => None,
        };
        let mail = match (self.smtp_url, self.mail_dir) {
            (Some(url), _) => MailSettings::Smtp {
                url,
                user: self.smtp_user,
                password: self.smtp_password,
            },
            (None, Some(dir)) => MailSettings::Directory(dir),
            (None, None) => {
                return Err(SettingsError::Missing {
                    key: "smtp_url",
                    hint: "web-settings-hint-mail",
                });
            }
        };
        let certificates = cert_settings(
            self.cert_trust,
            self.cert_intermediate,
            self.cert_crl,
            self.cert_identity,
            self.cert_crl_refresh_minutes,
            self.cert_ocsp,
        )?;
        let hotline = match self.hotline {
            Some(s) => parse_hotline(&s).ok_or_else(|| SettingsError::Invalid {
                key: "hotline",
                reason: messages::bilingual("web-settings-hotline-format"),
            })?,
            None => Hotline::default(),
        };
        let service_links = match self.service_links {
            Some(s) => parse_service_links(&s).ok_or_else(|| SettingsError::Invalid {
                key: "service_links",
                reason: messages::bilingual("web-settings-service-links-format"),
            })?,
            None => ServiceLinks::default(),
        };
        Ok(Resolved {
            certificates,
            hotline,
            service_links,
            listen: self.listen.unwrap_or(DEFAULT_LISTEN),
            public_url,
            database_url: self
                .database_url
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            database_max_connections: database_connections(self.database_max_connections)?,
            database_statement_timeout: statement_timeout(self.database_statement_timeout_secs)?,
            mail,
            mail_from,
            sam_key_file: self
                .sam_key_file
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SAM_KEY_FILE)),
            server_key_file: self
                .server_key_file
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SERVER_KEY_FILE)),
            service_hours,
            bridge_origin,
            announcements: self.announcements,
            release_sums: self.release_sums,
            release_url,
            insecure_http: self.insecure_http.unwrap_or(false),
            trust_forwarded_for: self.trust_forwarded_for.unwrap_or(false),
            migrate: self.migrate.unwrap_or(false),
            replicas: replicas(self.replicas)?,
            outbox_lease: outbox_lease(self.outbox_lease_secs)?,
            session_idle: minutes(
                "session_idle_minutes",
                self.session_idle_minutes,
                DEFAULT_SESSION_IDLE_MINUTES,
            )?,
            app_token: minutes(
                "app_token_minutes",
                self.app_token_minutes,
                DEFAULT_APP_TOKEN_MINUTES,
            )?,
        })
    }
}

impl Resolved {
    /// Every setting as a TOML file would give it, defaults included, with the secrets
    /// (the SMTP password, a password inside the SMTP URL) replaced by [`MASK`].
    #[must_use]
    pub fn to_toml_masked(&self) -> String {
        let (smtp_url, smtp_user, smtp_password, mail_dir) = match &self.mail {
            MailSettings::Smtp {
                url,
                user,
                password,
            } => (
                Some(mask_url_password(url)),
                user.clone(),
                password.as_ref().map(|_| MASK.to_owned()),
                None,
            ),
            MailSettings::Directory(dir) => (None, None, None, Some(dir.clone())),
        };
        let view = ServeSettings {
            listen: Some(self.listen),
            public_url: Some(self.public_url.as_str().to_owned()),
            database_url: Some(mask_url_password(&self.database_url)),
            database_max_connections: Some(self.database_max_connections),
            database_statement_timeout_secs: Some(
                self.database_statement_timeout.map_or(0, |d| d.as_secs()),
            ),
            smtp_url,
            smtp_user,
            smtp_password,
            mail_dir,
            mail_from: Some(self.mail_from.as_str().to_owned()),
            sam_key_file: Some(self.sam_key_file.clone()),
            server_key_file: Some(self.server_key_file.clone()),
            service_hours: Some(self.service_hours.to_string()),
            bridge_origin: Some(self.bridge_origin.as_str().to_owned()),
            announcements: self.announcements.clone(),
            release_sums: self.release_sums.clone(),
            release_url: self.release_url.as_ref().map(|u| u.as_str().to_owned()),
            insecure_http: Some(self.insecure_http),
            trust_forwarded_for: Some(self.trust_forwarded_for),
            migrate: Some(self.migrate),
            replicas: Some(self.replicas),
            outbox_lease_secs: u32::try_from(self.outbox_lease.num_seconds()).ok(),
            session_idle_minutes: u32::try_from(self.session_idle.num_minutes()).ok(),
            app_token_minutes: u32::try_from(self.app_token.num_minutes()).ok(),
            hotline: Some(format!(
                "{},{},{}",
                self.hotline.toll_free, self.hotline.local, self.hotline.mobile
            )),
            service_links: Some(format!(
                "{} {} {}",
                self.service_links.personal, self.service_links.health_bank, self.service_links.app
            )),
            cert_trust: self.certificates.as_ref().map(|c| c.trust.clone()),
            cert_intermediate: self.certificates.as_ref().map(|c| c.intermediates.clone()),
            cert_crl: self.certificates.as_ref().map(|c| c.crls.clone()),
            cert_crl_refresh_minutes: self
                .certificates
                .as_ref()
                .and_then(|c| u32::try_from(c.crl_refresh.as_secs() / 60).ok()),
            cert_ocsp: self.certificates.as_ref().and_then(|c| c.ocsp.clone()),
            cert_identity: self.certificates.as_ref().and_then(|c| c.identity.clone()),
        };
        toml::to_string(&view).unwrap_or_default()
    }
}

/// The certificate login's files: `None` without trust anchors; the other files without
/// anchors are a mistake (they would be ignored silently).
fn cert_settings(
    trust: Option<Vec<PathBuf>>,
    intermediates: Option<Vec<PathBuf>>,
    crls: Option<Vec<PathBuf>>,
    identity: Option<PathBuf>,
    crl_refresh_minutes: Option<u32>,
    ocsp: Option<String>,
) -> Result<Option<CertSettings>, SettingsError> {
    let minutes = crl_refresh_minutes.unwrap_or(60);
    if !(1..=10_080).contains(&minutes) {
        return Err(invalid(
            "cert_crl_refresh_minutes",
            format!("{minutes}: 1..=10080"),
        ));
    }
    let settings = CertSettings {
        trust: trust.unwrap_or_default(),
        intermediates: intermediates.unwrap_or_default(),
        crls: crls.unwrap_or_default(),
        identity,
        crl_refresh: std::time::Duration::from_secs(u64::from(minutes) * 60),
        ocsp: ocsp.filter(|o| !o.trim().is_empty()),
    };
    if settings.trust.is_empty() {
        if settings.intermediates.is_empty()
            && settings.crls.is_empty()
            && settings.identity.is_none()
            && settings.ocsp.is_none()
        {
            return Ok(None);
        }
        return Err(SettingsError::Missing {
            key: "cert_trust",
            hint: "web-settings-hint-cert-trust",
        });
    }
    Ok(Some(settings))
}

impl CertSettings {
    /// Reads the files into a [`CertificatePolicy`](twnhi_service::CertificatePolicy): the
    /// anchors and intermediates into a `ChainVerifier`, the CRL files and URLs into a
    /// `CrlStore` (loaded by the maintenance worker's first round, then every
    /// `crl_refresh`), the OCSP responder into an `OcspChecker`, the identity table into an
    /// `IdentityTable`.
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] naming the key of a file that cannot be read or is not a
    /// certificate, of a CRL or OCSP address that is not `http://`, and of an identity
    /// table line that is not `ID number,certificate file`.
    pub fn policy(&self) -> Result<twnhi_service::CertificatePolicy, SettingsError> {
        use std::sync::Arc;
        use twnhi_service::twnhi_pki::{ChainVerifier, CrlStore, OcspChecker, crl_source, load};
        let certs = |key: &'static str, files: &[PathBuf]| {
            let mut out = Vec::new();
            for f in files {
                out.extend(load::certificates_file(f).map_err(|e| invalid(key, e))?);
            }
            Ok::<_, SettingsError>(out)
        };
        let anchors = certs("cert_trust", &self.trust)?;
        let verifier = ChainVerifier::new(&anchors)
            .map_err(|e| invalid("cert_trust", e))?
            .with_intermediates(certs("cert_intermediate", &self.intermediates)?);
        let crls = if self.crls.is_empty() {
            None
        } else {
            let sources = self
                .crls
                .iter()
                .map(|f| crl_source(&f.to_string_lossy()).map_err(|e| invalid("cert_crl", e)))
                .collect::<Result<Vec<_>, _>>()?;
            Some(Arc::new(CrlStore::new(sources)))
        };
        let ocsp = self
            .ocsp
            .as_deref()
            .map(|o| OcspChecker::from_setting(o).map_err(|e| invalid("cert_ocsp", e)))
            .transpose()?;
        let table = twnhi_service::ports::IdentityTable::new();
        if let Some(path) = &self.identity {
            let text = std::fs::read_to_string(path).map_err(|e| invalid("cert_identity", e))?;
            let base = path.parent().unwrap_or_else(|| Path::new("."));
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let bad = |e: &dyn std::fmt::Display| {
                    invalid(
                        "cert_identity",
                        format!("{}:{}: {e}", path.display(), n + 1),
                    )
                };
                let (id, file) = line.split_once(',').ok_or_else(|| bad(&"ID,FILE"))?;
                let id = twnhi_account::IdNumber::parse(id.trim()).map_err(|e| bad(&e))?;
                let cert = load::certificate_file(&base.join(file.trim())).map_err(|e| bad(&e))?;
                table.insert(cert.as_ref(), id).map_err(|e| bad(&e))?;
            }
        }
        let mut policy = twnhi_service::CertificatePolicy::new(verifier, crls, Arc::new(table));
        policy.crl_refresh = self.crl_refresh;
        policy.ocsp = ocsp.map(Arc::new);
        Ok(policy)
    }
}

/// `toll-free,local,mobile`: three phone numbers of digits, `-`, `(`, `)`, `+`, `#` and
/// spaces, 3 to 24 characters each.
fn parse_hotline(s: &str) -> Option<Hotline> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let ok = |p: &str| {
        (3..=24).contains(&p.chars().count())
            && p.chars().any(|c| c.is_ascii_digit())
            && p.chars()
                .all(|c| c.is_ascii_digit() || "-()+# ".contains(c))
    };
    match parts.as_slice() {
        [t, l, m] if ok(t) && ok(l) && ok(m) => Some(Hotline {
            toll_free: (*t).to_owned(),
            local: (*l).to_owned(),
            mobile: (*m).to_owned(),
        }),
        _ => None,
    }
}

/// Three absolute `http(s)://` URLs separated by white space.
fn parse_service_links(s: &str) -> Option<ServiceLinks> {
    let urls: Vec<&str> = s.split_whitespace().collect();
    let ok = |u: &str| {
        Url::parse(u)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
    };
    match urls.as_slice() {
        [p, h, a] if ok(p) && ok(h) && ok(a) => Some(ServiceLinks {
            personal: (*p).to_owned(),
            health_bank: (*h).to_owned(),
            app: (*a).to_owned(),
        }),
        _ => None,
    }
}

fn invalid(key: &'static str, e: impl std::fmt::Display) -> SettingsError {
    SettingsError::Invalid {
        key,
        reason: e.to_string(),
    }
}

/// The database connections of one process, 1 to [`MAX_DATABASE_CONNECTIONS`].
fn database_connections(value: Option<u32>) -> Result<u32, SettingsError> {
    let v = value.unwrap_or(DEFAULT_DATABASE_MAX_CONNECTIONS);
    if !(1..=MAX_DATABASE_CONNECTIONS).contains(&v) {
        return Err(invalid(
            "database_max_connections",
            crate::error::joined(
                "web-settings-database-connections",
                &[("value", v.to_string().into())],
                " / ",
            ),
        ));
    }
    Ok(v)
}

/// The outbox lease, 10 s to an hour.
fn outbox_lease(value: Option<u32>) -> Result<TimeDelta, SettingsError> {
    let v = value.unwrap_or(120);
    if !(10..=3600).contains(&v) {
        return Err(invalid(
            "outbox_lease_secs",
            crate::error::joined(
                "web-settings-lease",
                &[("value", v.to_string().into())],
                " / ",
            ),
        ));
    }
    Ok(TimeDelta::seconds(i64::from(v)))
}

/// The number of replicas, 1 to 1000.
fn replicas(value: Option<u32>) -> Result<u32, SettingsError> {
    let v = value.unwrap_or(1);
    if !(1..=1000).contains(&v) {
        return Err(invalid(
            "replicas",
            crate::error::joined(
                "web-settings-database-connections",
                &[("value", v.to_string().into())],
                " / ",
            ),
        ));
    }
    Ok(v)
}

/// The statement timeout, 0 (the server's setting) to a day.
fn statement_timeout(value: Option<u64>) -> Result<Option<std::time::Duration>, SettingsError> {
    let v = value.unwrap_or(DEFAULT_DATABASE_STATEMENT_TIMEOUT_SECS);
    if v > 24 * 3600 {
        return Err(invalid(
            "database_statement_timeout_secs",
            crate::error::joined(
                "web-settings-statement-timeout",
                &[("value", v.to_string().into())],
                " / ",
            ),
        ));
    }
    Ok((v > 0).then(|| std::time::Duration::from_secs(v)))
}

fn minutes(
    key: &'static str,
    value: Option<u32>,
    default: u32,
) -> Result<TimeDelta, SettingsError> {
    let v = value.unwrap_or(default);
    if !(1..=24 * 60).contains(&v) {
        return Err(invalid(
            key,
            crate::error::joined(
                "web-settings-minutes",
                &[("value", v.to_string().into())],
                " / ",
            ),
        ));
    }
    Ok(TimeDelta::minutes(i64::from(v)))
}

/// The URL with its password (if any) replaced by [`MASK`]; text that is no URL unchanged
/// (for messages and logs that name a database or a relay).
#[must_use]
pub fn mask_url_password(text: &str) -> String {
    match Url::parse(text) {
        Ok(mut url) if url.password().is_some() => {
            if url.set_password(Some(MASK)).is_ok() {
                url.to_string()
            } else {
                MASK.to_owned()
            }
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letters' hotline: the manual's numbers by default; three numbers or an error.
    #[test]
    fn the_hotline_defaults_to_the_manuals_numbers() {
        let r = base().resolve().unwrap();
        assert_eq!(r.hotline, Hotline::default());
        assert_eq!(r.hotline.toll_free, "0800-030-598");
        let r = ServeSettings {
            hotline: Some(" 0800-111-222 , 5555-555,02-5555-555".into()),
            ..base()
        }
        .resolve()
        .unwrap();
        assert_eq!(r.hotline.toll_free, "0800-111-222");
        assert_eq!(r.hotline.local, "5555-555");
        assert_eq!(r.hotline.mobile, "02-5555-555");
        assert!(
            r.to_toml_masked()
                .contains("0800-111-222,5555-555,02-5555-555")
        );
        assert_eq!(r.service_links, ServiceLinks::default());
        let r = ServeSettings {
            service_links: Some(
                "https://a.example/p  https://b.example/h\nhttps://c.example/a?x=1,2".into(),
            ),
            ..base()
        }
        .resolve()
        .unwrap();
        assert_eq!(r.service_links.app, "https://c.example/a?x=1,2");
        for bad in [
            "https://a.example/",
            "a b c",
            "javascript:x https://b.example/ https://c.example/",
        ] {
            let e = ServeSettings {
                service_links: Some(bad.into()),
                ..base()
            }
            .resolve()
            .unwrap_err();
            assert!(
                matches!(
                    e,
                    SettingsError::Invalid {
                        key: "service_links",
                        ..
                    }
                ),
                "{bad}: {e}"
            );
        }
        for bad in ["0800-111-222", "a,b,c", "1,2,3,4", "0800<b>,1111,2222"] {
            let e = ServeSettings {
                hotline: Some(bad.into()),
                ..base()
            }
            .resolve()
            .unwrap_err();
            assert!(
                matches!(e, SettingsError::Invalid { key: "hotline", .. }),
                "{bad}: {e}"
            );
        }
    }

    fn base() -> ServeSettings {
        ServeSettings::from_toml(
            "public_url = \"https://file.example/\"\nlisten = \"127.0.0.1:9000\"\nmail_dir = \"mail\"\nservice_hours = \"07:00-22:00\"\n",
            "twnhi.toml",
        )
        .unwrap()
    }

    #[test]
    fn precedence_over_then_file_then_default() {
        let flags = ServeSettings {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            ..ServeSettings::default()
        };
        let r = base().layered(flags).resolve().unwrap();
        assert_eq!(r.listen.port(), 9100, "the top layer wins");
        assert_eq!(
            r.public_url.as_str(),
            "https://file.example/",
            "then the file"
        );
        assert_eq!(r.database_url, DEFAULT_DATABASE_URL, "then the default");
        assert_eq!(r.mail_from.as_str(), "noreply@file.example");
        assert_eq!(r.mail, MailSettings::Directory("mail".into()));
        assert_eq!(r.service_hours.to_string(), "07:00-22:00");
        assert_eq!(r.app_token, TimeDelta::minutes(15));
        assert!(!r.insecure_http);
        // An unset key of the top layer keeps the file's.
        let r = base().layered(ServeSettings::default()).resolve().unwrap();
        assert_eq!(r.listen.port(), 9000);
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_line_and_column() {
        let e = ServeSettings::from_toml(
            "public_url = \"https://a.example/\"\n\nlisen = \"x\"\n",
            "twnhi.toml",
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("twnhi.toml"), "{text}");
        assert!(text.contains("line 3, column 1"), "{text}");
        assert!(text.contains("lisen"), "{text}");
        let e = ServeSettings::from_toml("app_token_minutes = \"ten\"\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("line 1, column 21"), "{e}");
        // Tables are not settings.
        assert!(ServeSettings::from_toml("[server]\nlisten = \"127.0.0.1:1\"\n", "f").is_err());
        // Duplicate keys are refused by TOML itself.
        assert!(
            ServeSettings::from_toml("listen = \"127.0.0.1:1\"\nlisten = \"127.0.0.1:2\"\n", "f")
                .is_err()
        );
    }

    #[test]
    fn replicas_and_migrate_settings() {
        let r = base().resolve().unwrap();
        assert_eq!(r.replicas, 1);
        assert!(!r.migrate, "production replicas do not migrate by default");
        let file = ServeSettings::from_toml(
            "public_url = \"https://a.example/\"\nmail_dir = \"m\"\nreplicas = 3\nmigrate = true\n",
            "f",
        )
        .unwrap();
        let r = file.resolve().unwrap();
        assert_eq!(r.replicas, 3);
        assert!(r.migrate);
        assert_eq!(r.outbox_lease, TimeDelta::seconds(120));
        let short = ServeSettings {
            outbox_lease_secs: Some(5),
            ..base()
        };
        assert!(matches!(
            short.resolve(),
            Err(SettingsError::Invalid {
                key: "outbox_lease_secs",
                ..
            })
        ));
        let printed = r.to_toml_masked();
        assert!(printed.contains("replicas = 3"), "{printed}");
        let zero = ServeSettings {
            replicas: Some(0),
            ..base()
        };
        assert!(matches!(
            zero.resolve(),
            Err(SettingsError::Invalid {
                key: "replicas",
                ..
            })
        ));
    }

    #[test]
    fn database_pool_settings() {
        let r = base().resolve().unwrap();
        assert_eq!(r.database_max_connections, DEFAULT_DATABASE_MAX_CONNECTIONS);
        assert_eq!(
            r.database_statement_timeout,
            Some(std::time::Duration::from_secs(30))
        );
        let file = ServeSettings::from_toml(
            "public_url = \"https://a.example/\"\nmail_dir = \"m\"\ndatabase_max_connections = 4\ndatabase_statement_timeout_secs = 0\n",
            "f",
        )
        .unwrap();
        let flags = ServeSettings {
            database_max_connections: Some(5),
            ..ServeSettings::default()
        };
        let r = file.clone().layered(flags).resolve().unwrap();
        assert_eq!(r.database_max_connections, 5, "the top layer wins");
        assert_eq!(
            r.database_statement_timeout, None,
            "0: the server's setting"
        );
        let printed = r.to_toml_masked();
        assert!(
            printed.contains("database_max_connections = 5"),
            "{printed}"
        );
        assert!(
            printed.contains("database_statement_timeout_secs = 0"),
            "{printed}"
        );
        for bad in [
            ServeSettings {
                database_max_connections: Some(0),
                ..file.clone()
            },
            ServeSettings {
                database_statement_timeout_secs: Some(100_000),
                ..file
            },
        ] {
            assert!(matches!(bad.resolve(), Err(SettingsError::Invalid { .. })));
        }
    }

    #[test]
    fn dashed_keys_are_accepted() {
        let s = ServeSettings::from_toml(
            "public-url = \"https://a.example/\"\nmail-dir = \"m\"\napp-token-minutes = 10\n",
            "f",
        )
        .unwrap();
        let r = s.resolve().unwrap();
        assert_eq!(r.app_token, TimeDelta::minutes(10));
    }

    #[test]
    fn missing_and_invalid_values() {
        let e = ServeSettings::default().resolve().unwrap_err();
        assert!(
            matches!(
                e,
                SettingsError::Missing {
                    key: "public_url",
                    ..
                }
            ),
            "{e}"
        );
        let s = ServeSettings {
            public_url: Some("https://a.example/".into()),
            ..ServeSettings::default()
        };
        let e = s.clone().resolve().unwrap_err();
        assert!(
            matches!(
                e,
                SettingsError::Missing {
                    key: "smtp_url",
                    ..
                }
            ),
            "{e}"
        );
        let e = ServeSettings {
            mail_dir: Some("m".into()),
            session_idle_minutes: Some(0),
            ..s.clone()
        }
        .resolve()
        .unwrap_err();
        assert!(
            matches!(
                e,
                SettingsError::Invalid {
                    key: "session_idle_minutes",
                    ..
                }
            ),
            "{e}"
        );
        let e = ServeSettings {
            mail_dir: Some("m".into()),
            service_hours: Some("25:00-26:00".into()),
            ..s
        }
        .resolve()
        .unwrap_err();
        assert!(
            matches!(
                e,
                SettingsError::Invalid {
                    key: "service_hours",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn printed_settings_mask_secrets_and_read_back() {
        let s = ServeSettings {
            public_url: Some("https://a.example/".into()),
            smtp_url: Some("smtp://user:hunter2@mail.example:587?tls=starttls".into()),
            smtp_user: Some("twnhi".into()),
            smtp_password: Some("s3cret-pass".into()),
            ..ServeSettings::default()
        };
        let printed = s.resolve().unwrap().to_toml_masked();
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("s3cret-pass"), "{printed}");
        assert!(printed.contains(MASK), "{printed}");
        assert!(printed.contains("listen = \"127.0.0.1:8080\""), "{printed}");
        // What is printed is a valid file with the same effective settings.
        let again = ServeSettings::from_toml(&printed, "printed").unwrap();
        let r = again.resolve().unwrap();
        assert_eq!(r.public_url.as_str(), "https://a.example/");
        assert_eq!(r.session_idle, TimeDelta::minutes(20));
        assert_eq!(r.service_hours, ServiceHours::DEFAULT);
    }

    /// The certificate login's files: off without anchors, refused with other files but no
    /// anchors, and read into a policy that verifies a citizen certificate of the test PKI,
    /// checks its CRL and confirms its ID number from the table.
    #[tokio::test]
    async fn certificate_settings_build_a_policy() {
        assert!(base().resolve().unwrap().certificates.is_none());
        let dir = tempfile::tempdir().unwrap();
        let pki = twnhi_testkit::pki::TestPki::generate();
        pki.write_pem(dir.path());
        let only_crl = base().layered(ServeSettings {
            cert_crl: Some(vec![dir.path().join("crl.pem")]),
            ..ServeSettings::default()
        });
        let e = only_crl.resolve().unwrap_err().to_string();
        assert!(e.contains("cert_trust"), "{e}");
        std::fs::write(
            dir.path().join("identity.csv"),
            "# ID number,certificate\nA123456789, valid-rsa.pem\n",
        )
        .unwrap();
        let toml = format!(
            "cert_trust = [\"{d}/root.pem\"]\ncert_intermediate = [\"{d}/intermediate.pem\"]\ncert_crl = [\"{d}/crl.pem\"]\ncert_identity = \"{d}/identity.csv\"\n",
            d = dir.path().display()
        );
        let file = ServeSettings::from_toml(&toml, "twnhi.toml").unwrap();
        let r = base().layered(file).resolve().unwrap();
        let certs = r.certificates.clone().unwrap();
        assert_eq!(certs.trust.len(), 1);
        assert!(r.to_toml_masked().contains("cert_identity"));
        let policy = certs.policy().unwrap();
        assert_eq!(policy.verifier.anchor_count(), 1);
        let store = policy.crls.clone().unwrap();
        let _ = store.refresh();
        let crls = store.current();
        let valid = twnhi_service::twnhi_pki::CertificateDer::from(pki.valid_rsa.der.clone());
        let verified = policy
            .verifier
            .verify(&valid, &[], Some(&crls), std::time::SystemTime::now())
            .unwrap();
        let revoked = twnhi_service::twnhi_pki::CertificateDer::from(pki.revoked.der.clone());
        assert!(
            policy
                .verifier
                .verify(&revoked, &[], Some(&crls), std::time::SystemTime::now())
                .is_err()
        );
        let id = twnhi_account::IdNumber::parse("A123456789").unwrap();
        let other = twnhi_account::IdNumber::parse("B123456780").unwrap();
        assert!(
            policy
                .identity
                .confirms(&verified.summary, &id)
                .await
                .unwrap()
        );
        assert!(
            !policy
                .identity
                .confirms(&verified.summary, &other)
                .await
                .unwrap()
        );
        // A line that is no `ID number,file`.
        std::fs::write(dir.path().join("identity.csv"), "A123456789\n").unwrap();
        let e = certs.policy().unwrap_err().to_string();
        assert!(e.contains("cert_identity"), "{e}");
        assert_eq!(policy.crl_refresh, std::time::Duration::from_secs(3600));
        assert!(policy.ocsp.is_none());
    }

    /// CRL URLs beside files, the refresh interval and the OCSP responder: read, shown,
    /// checked.
    #[test]
    fn certificate_revocation_settings() {
        let dir = tempfile::tempdir().unwrap();
        let pki = twnhi_testkit::pki::TestPki::generate();
        pki.write_pem(dir.path());
        let toml = format!(
            "cert_trust = [\"{d}/root.pem\"]\ncert_crl = [\"{d}/crl.pem\", \"http://127.0.0.1:9/moica.crl\"]\ncert-crl-refresh-minutes = 15\ncert_ocsp = \"aia\"\n",
            d = dir.path().display()
        );
        let file = ServeSettings::from_toml(&toml, "twnhi.toml").unwrap();
        let r = base().layered(file.clone()).resolve().unwrap();
        let certs = r.certificates.clone().unwrap();
        assert_eq!(certs.crl_refresh, std::time::Duration::from_secs(15 * 60));
        assert_eq!(certs.ocsp.as_deref(), Some("aia"));
        let shown = r.to_toml_masked();
        assert!(shown.contains("cert_crl_refresh_minutes = 15"), "{shown}");
        assert!(shown.contains("http://127.0.0.1:9/moica.crl"), "{shown}");
        let policy = certs.policy().unwrap();
        assert_eq!(policy.crl_refresh, std::time::Duration::from_secs(15 * 60));
        assert_eq!(
            policy.ocsp.as_ref().map(|o| o.responder().clone()),
            Some(twnhi_service::twnhi_pki::OcspResponder::FromCertificate)
        );
        // The URL source fails (nobody at port 9), the file stays: one CRL, a report.
        let report = policy.crls.clone().unwrap().refresh();
        assert_eq!(
            (report.refreshed, report.crls, report.failed.len()),
            (1, 1, 1)
        );
        // Out of range, and addresses that are not http:.
        for (over, key) in [
            (
                ServeSettings {
                    cert_crl_refresh_minutes: Some(0),
                    ..ServeSettings::default()
                },
                "cert_crl_refresh_minutes",
            ),
            (
                ServeSettings {
                    cert_crl_refresh_minutes: Some(10_081),
                    ..ServeSettings::default()
                },
                "cert_crl_refresh_minutes",
            ),
        ] {
            let e = base()
                .layered(file.clone())
                .layered(over)
                .resolve()
                .unwrap_err()
                .to_string();
            assert!(e.contains(key), "{e}");
        }
        for (over, key) in [
            (
                ServeSettings {
                    cert_crl: Some(vec!["https://127.0.0.1/moica.crl".into()]),
                    ..ServeSettings::default()
                },
                "cert_crl",
            ),
            (
                ServeSettings {
                    cert_ocsp: Some("ldap://127.0.0.1/ocsp".to_owned()),
                    ..ServeSettings::default()
                },
                "cert_ocsp",
            ),
        ] {
            let certs = base()
                .layered(file.clone())
                .layered(over)
                .resolve()
                .unwrap()
                .certificates
                .unwrap();
            let e = certs.policy().unwrap_err().to_string();
            assert!(e.contains(key) && e.contains("7631"), "{e}");
        }
    }
}
