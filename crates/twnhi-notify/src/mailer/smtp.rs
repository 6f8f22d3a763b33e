//! SMTP through lettre, rustls (ring provider) and tokio.
//!
//! | URL | security | default port |
//! |---|---|---|
//! | `smtp://host` | STARTTLS, required (never falls back to plain text) | 587 |
//! | `smtps://host` | implicit TLS (RFC 8314) | 465 |
//! | `smtp://127.0.0.1:2525?tls=none` | plain text, **loopback only** (a local sink or relay) | 25 |
//!
//! `user:password@` in the URL (percent-encoded) turns on AUTH PLAIN/LOGIN. Query parameters:
//! `tls=starttls|none`, `timeout=SECONDS` (1–600, default 30: the bound of one whole
//! delivery, connection to last reply), `helo=NAME` (the EHLO name; default `localhost`).
//!
//! ```
//! use std::time::Duration;
//! use twnhi_notify::{SmtpConfig, SmtpSecurity};
//!
//! let c = SmtpConfig::from_url("smtps://mailer:s3cret@smtp.twnhi.example?timeout=10")?;
//! assert_eq!((c.host(), c.port(), c.security()), ("smtp.twnhi.example", 465, SmtpSecurity::ImplicitTls));
//! assert_eq!(c.timeout(), Duration::from_secs(10));
//! assert!(!format!("{c:?}").contains("s3cret"));
//! // Plain SMTP only to the loopback:
//! assert!(SmtpConfig::from_url("smtp://127.0.0.1:2525?tls=none").is_ok());
//! assert!(SmtpConfig::from_url("smtp://mail.twnhi.example?tls=none").is_err());
//! # Ok::<(), twnhi_notify::SmtpConfigError>(())
//! ```

use crate::text::bilingual_with;
use core::fmt;
use std::net::IpAddr;
use std::time::Duration;
use twnhi_account::messages::bilingual;

use async_trait::async_trait;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use url::{Host, Url};
use zeroize::Zeroizing;

use super::{Delivery, MailError, Mailer};
use crate::compose::OutgoingMail;

/// Default bound of one delivery.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; refuses servers that do not offer it.
    StartTls,
    /// TLS from the first byte (`smtps`, port 465).
    ImplicitTls,
    /// No encryption: allowed only to a loopback address.
    Plaintext,
}

/// Why an SMTP configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmtpConfigError {
    /// Not a URL.
    #[error("{}", bilingual("notify-smtp-url"))]
    InvalidUrl,
    /// A scheme other than `smtp` or `smtps`.
    #[error("{}", bilingual("notify-smtp-scheme"))]
    UnsupportedScheme,
    /// No host.
    #[error("{}", bilingual("notify-smtp-host"))]
    MissingHost,
    /// Plain SMTP to a host that is not on the loopback.
    #[error("{}", bilingual("notify-smtp-plain"))]
    PlaintextNotLoopback,
    /// An unknown or malformed query parameter.
    #[error("{}", bilingual_with("notify-smtp-param", &[("detail", .0.into())]))]
    BadParameter(String),
    /// A root certificate that is not PEM.
    #[error("{}", bilingual("notify-smtp-root-cert"))]
    BadCertificate,
    /// TLS could not be set up.
    #[error("{}", bilingual("notify-smtp-tls"))]
    Tls,
}

/// Where and how to deliver.
#[derive(Clone)]
pub struct SmtpConfig {
    host: String,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<(String, Zeroizing<String>)>,
    timeout: Duration,
    hello_name: Option<String>,
    root_certificates: Vec<Vec<u8>>,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u.as_str()))
            .field("password", &self.credentials.as_ref().map(|_| "…"))
            .field("timeout", &self.timeout)
            .field("hello_name", &self.hello_name)
            .field("root_certificates", &self.root_certificates.len())
            .finish()
    }
}

/// `true` for `localhost` and loopback IP literals (no DNS lookup: a name that resolves to
/// the loopback today may not tomorrow).
fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn valid_hello(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

fn percent_decode(s: &str) -> Result<String, SmtpConfigError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| core::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(SmtpConfigError::InvalidUrl)?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| SmtpConfigError::InvalidUrl)
}

impl SmtpConfig {
    /// A configuration without credentials, with the default timeout (30 s).
    ///
    /// # Errors
    /// [`SmtpConfigError::MissingHost`]; [`SmtpConfigError::PlaintextNotLoopback`] for
    /// [`SmtpSecurity::Plaintext`] to another host than the loopback.
    pub fn new(host: &str, port: u16, security: SmtpSecurity) -> Result<Self, SmtpConfigError> {
        let host = host.trim().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(SmtpConfigError::MissingHost);
        }
        if security == SmtpSecurity::Plaintext && !is_loopback(host) {
            return Err(SmtpConfigError::PlaintextNotLoopback);
        }
        Ok(SmtpConfig {
            host: host.to_owned(),
            port,
            security,
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            hello_name: None,
            root_certificates: Vec::new(),
        })
    }

    /// Parses an `smtp://` or `smtps://` URL (see the module documentation).
    ///
    /// # Errors
    /// [`SmtpConfigError`].
    pub fn from_url(input: &str) -> Result<Self, SmtpConfigError> {
        let url = Url::parse(input.trim()).map_err(|_| SmtpConfigError::InvalidUrl)?;
        let implicit = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            _ => return Err(SmtpConfigError::UnsupportedScheme),
        };
        let host = match url.host() {
            Some(Host::Domain(d)) if !d.is_empty() => d.to_owned(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(SmtpConfigError::MissingHost),
        };
        let mut security = if implicit {
            SmtpSecurity::ImplicitTls
        } else {
            SmtpSecurity::StartTls
        };
        let mut timeout = DEFAULT_TIMEOUT;
        let mut hello_name = None;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "none") if !implicit => security = SmtpSecurity::Plaintext,
                ("tls", "starttls" | "required") if !implicit => {
                    security = SmtpSecurity::StartTls;
                }
                ("timeout", v) => {
                    let secs: u64 = v
                        .parse()
                        .ok()
                        .filter(|s| (1..=600).contains(s))
                        .ok_or_else(|| SmtpConfigError::BadParameter("timeout".to_owned()))?;
                    timeout = Duration::from_secs(secs);
                }
                ("helo", v) if valid_hello(v) => {
                    hello_name = Some(v.to_owned());
                }
                (k, _) => return Err(SmtpConfigError::BadParameter(k.to_owned())),
            }
        }
        let default_port = match security {
            SmtpSecurity::ImplicitTls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plaintext => 25,
        };
        let mut config = SmtpConfig::new(&host, url.port().unwrap_or(default_port), security)?;
        config.timeout = timeout;
        config.hello_name = hello_name;
        if !url.username().is_empty() {
            let user = percent_decode(url.username())?;
            let password = Zeroizing::new(percent_decode(url.password().unwrap_or(""))?);
            config.credentials = Some((user, password));
        }
        Ok(config)
    }

    /// Sets the user name and password (AUTH PLAIN or LOGIN).
    #[must_use]
    pub fn with_credentials(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.to_owned(), Zeroizing::new(password.to_owned())));
        self
    }

    /// Sets the bound of one whole delivery (connection, TLS, every reply).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the EHLO name (a host name: letters, digits, `.` and `-`).
    ///
    /// # Errors
    /// [`SmtpConfigError::BadParameter`] for anything else (a line break would inject
    /// commands).
    pub fn with_hello_name(mut self, name: &str) -> Result<Self, SmtpConfigError> {
        if !valid_hello(name) {
            return Err(SmtpConfigError::BadParameter("helo".to_owned()));
        }
        self.hello_name = Some(name.to_owned());
        Ok(self)
    }

    /// Trusts an extra root certificate (PEM), e.g. the private CA of an internal relay. The
    /// system's roots are trusted as well.
    #[must_use]
    pub fn with_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.root_certificates.push(pem.to_vec());
        self
    }

    /// The host.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The security.
    #[must_use]
    pub fn security(&self) -> SmtpSecurity {
        self.security
    }

    /// The delivery timeout.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// Delivers over SMTP: one connection per message, the whole delivery bounded by the
/// configured timeout. Needs a tokio runtime with the `net` and `time` drivers.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    timeout: Duration,
    endpoint: String,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Builds the transport (no connection is made yet).
    ///
    /// # Errors
    /// [`SmtpConfigError::BadCertificate`], [`SmtpConfigError::Tls`].
    pub fn new(config: &SmtpConfig) -> Result<Self, SmtpConfigError> {
        let tls = match config.security {
            SmtpSecurity::Plaintext => Tls::None,
            SmtpSecurity::StartTls | SmtpSecurity::ImplicitTls => {
                let mut params = TlsParameters::builder(config.host.clone());
                for pem in &config.root_certificates {
                    // lettre accepts a PEM without any certificate; we do not.
                    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
                    if !pem.windows(BEGIN.len()).any(|w| w == BEGIN) {
                        return Err(SmtpConfigError::BadCertificate);
                    }
                    let cert =
                        Certificate::from_pem(pem).map_err(|_| SmtpConfigError::BadCertificate)?;
                    params = params.add_root_certificate(cert);
                }
                let params = params.build_rustls().map_err(|_| SmtpConfigError::Tls)?;
                if config.security == SmtpSecurity::StartTls {
                    Tls::Required(params)
                } else {
                    Tls::Wrapper(params)
                }
            }
        };
        let hello = config
            .hello_name
            .clone()
            .map_or_else(ClientId::default, ClientId::Domain);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .hello_name(hello)
            .timeout(Some(config.timeout));
        if let Some((user, password)) = &config.credentials {
            builder = builder
                .credentials(Credentials::new(user.clone(), password.as_str().to_owned()))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        let scheme = match config.security {
            SmtpSecurity::ImplicitTls => "smtps",
            SmtpSecurity::StartTls | SmtpSecurity::Plaintext => "smtp",
        };
        Ok(SmtpMailer {
            transport: builder.build(),
            timeout: config.timeout,
            endpoint: format!("{scheme}://{}:{}", config.host, config.port),
        })
    }
}

fn boxed(e: lettre::transport::smtp::Error) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}

/// Whether a TLS failure hides in the chain: rustls reports a handshake failure (bad
/// certificate, no common protocol) as an I/O error of kind `InvalidData`, which lettre wraps
/// as a connection error. Plain TCP never yields `InvalidData`.
fn tls_in_chain(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        {
            return true;
        }
        source = err.source();
    }
    false
}

/// Sorts lettre's error into ours.
fn classify(e: lettre::transport::smtp::Error, timeout: Duration) -> MailError {
    if let Some(code) = e.status() {
        let code = u16::from(code);
        let message = std::error::Error::source(&e)
            .map(ToString::to_string)
            .unwrap_or_default();
        return match code {
            530 | 534 | 535 | 538 => MailError::Auth { source: boxed(e) },
            c if e.is_transient() => MailError::Transient { code: c, message },
            c => MailError::Rejected { code: c, message },
        };
    }
    if e.is_timeout() {
        return MailError::Timeout { after: timeout };
    }
    if e.is_tls() || (e.is_client() && e.to_string().contains("STARTTLS")) || tls_in_chain(&e) {
        return MailError::Tls { source: boxed(e) };
    }
    if e.is_client() || e.is_response() {
        return MailError::Protocol { source: boxed(e) };
    }
    MailError::Connect { source: boxed(e) }
}

fn address(email: &twnhi_account::Email) -> Result<Address, MailError> {
    Address::new(email.local_part(), email.domain()).map_err(|_| MailError::InvalidAddress {
        address: email.as_str().to_owned(),
    })
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        let envelope = Envelope::new(Some(address(mail.from())?), vec![address(mail.to())?])
            .map_err(|e| MailError::Protocol {
                source: Box::new(e),
            })?;
        let sending = self.transport.send_raw(&envelope, mail.as_bytes());
        match tokio::time::timeout(self.timeout, sending).await {
            Err(_elapsed) => Err(MailError::Timeout {
                after: self.timeout,
            }),
            Ok(Err(e)) => Err(classify(e, self.timeout)),
            Ok(Ok(response)) => Ok(Delivery {
                message_id: mail.message_id().clone(),
                detail: format!(
                    "{} {} {}",
                    self.endpoint,
                    u16::from(response.code()),
                    response.message().collect::<Vec<_>>().join(" ")
                ),
            }),
        }
    }

    /// Connects, greets (and starts TLS and logs in as configured), then quits.
    async fn check(&self) -> Result<(), MailError> {
        match tokio::time::timeout(self.timeout, self.transport.test_connection()).await {
            Err(_elapsed) => Err(MailError::Timeout {
                after: self.timeout,
            }),
            Ok(Err(e)) => Err(classify(e, self.timeout)),
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(MailError::Protocol {
                source: "the SMTP server did not accept NOOP".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms() {
        let c = SmtpConfig::from_url("smtp://smtp.twnhi.example").unwrap();
        assert_eq!((c.port(), c.security()), (587, SmtpSecurity::StartTls));
        let c = SmtpConfig::from_url("smtp://smtp.twnhi.example:2587?tls=starttls").unwrap();
        assert_eq!((c.port(), c.security()), (2587, SmtpSecurity::StartTls));
        let c = SmtpConfig::from_url("smtps://smtp.twnhi.example").unwrap();
        assert_eq!((c.port(), c.security()), (465, SmtpSecurity::ImplicitTls));
        let c = SmtpConfig::from_url("smtp://localhost:2525?tls=none").unwrap();
        assert_eq!((c.port(), c.security()), (2525, SmtpSecurity::Plaintext));
        let c = SmtpConfig::from_url("smtp://[::1]:2525?tls=none").unwrap();
        assert_eq!(c.host(), "::1");
        let c = SmtpConfig::from_url("smtp://127.0.0.2?tls=none").unwrap();
        assert_eq!(c.port(), 25);
        let c = SmtpConfig::from_url(
            "smtp://us%40er:p%3Ass%20w@127.0.0.1:25?tls=none&helo=twnhi.example",
        )
        .unwrap();
        let (u, p) = c.credentials.clone().unwrap();
        assert_eq!((u.as_str(), p.as_str()), ("us@er", "p:ss w"));
        assert_eq!(c.hello_name.as_deref(), Some("twnhi.example"));
    }

    #[test]
    fn url_refusals() {
        use SmtpConfigError as E;
        assert_eq!(
            SmtpConfig::from_url("not a url").unwrap_err(),
            E::InvalidUrl
        );
        assert_eq!(
            SmtpConfig::from_url("http://x.example").unwrap_err(),
            E::UnsupportedScheme
        );
        assert_eq!(
            SmtpConfig::from_url("smtp://10.0.0.1?tls=none").unwrap_err(),
            E::PlaintextNotLoopback
        );
        assert_eq!(
            SmtpConfig::from_url("smtp://localhost.evil.example?tls=none").unwrap_err(),
            E::PlaintextNotLoopback
        );
        assert!(matches!(
            SmtpConfig::from_url("smtps://x.example?tls=none").unwrap_err(),
            E::BadParameter(_)
        ));
        assert!(matches!(
            SmtpConfig::from_url("smtp://x.example?tls=opportunistic").unwrap_err(),
            E::BadParameter(_)
        ));
        assert!(matches!(
            SmtpConfig::from_url("smtp://x.example?timeout=0").unwrap_err(),
            E::BadParameter(_)
        ));
        assert!(matches!(
            SmtpConfig::from_url("smtp://x.example?helo=a%0d%0aRCPT").unwrap_err(),
            E::BadParameter(_)
        ));
        assert!(matches!(
            SmtpConfig::from_url("smtp://x.example?foo=1").unwrap_err(),
            E::BadParameter(_)
        ));
        assert!(SmtpConfig::new("", 25, SmtpSecurity::StartTls).is_err());
        let c = SmtpConfig::new("x.example", 25, SmtpSecurity::StartTls).unwrap();
        assert!(c.clone().with_hello_name("a\r\nRCPT TO:<x@y>").is_err());
        assert!(c.with_hello_name("mail.twnhi.example").is_ok());
    }

    #[test]
    fn bad_root_certificate() {
        let c = SmtpConfig::from_url("smtps://x.example")
            .unwrap()
            .with_root_certificate_pem(b"not pem");
        assert_eq!(
            SmtpMailer::new(&c).unwrap_err(),
            SmtpConfigError::BadCertificate
        );
    }
}
