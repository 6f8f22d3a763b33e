//! Configuration: where to listen, which web pages may talk to the bridge, limits, TLS.
//!
//! [`BridgeConfig`] takes values, never environment variables or files; the
//! [`settings`](crate::settings) module reads a TOML file and layers flags and environment
//! variables on it (what `twnhi bridge` does).

use crate::error::ConfigError;
use crate::tls::TlsSettings;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The default listening address, the official component's port on loopback.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 7777);
/// Default limit of simultaneous clients (WebSocket connections plus HTTP requests in flight).
pub const DEFAULT_MAX_CLIENTS: usize = 64;
/// Default limit of one WebSocket message, in bytes. The largest request of either protocol
/// (`authenticate` with its 64 hex digits) is under 200 bytes.
pub const DEFAULT_MAX_FRAME: usize = 16 * 1024;
/// Default limit of open HTTP connections (besides WebSocket sessions, which
/// [`DEFAULT_MAX_CLIENTS`] bounds).
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Default time a connection has to send a complete request head (and a TLS client to finish
/// its handshake), from when it connected or its previous response was sent.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time after which a WebSocket from which nothing arrived (no message, no pong) is
/// closed.
pub const DEFAULT_WS_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default interval of the pings the bridge sends on every WebSocket (browsers answer them
/// by themselves, so an open page keeps its connection).
pub const DEFAULT_WS_PING_INTERVAL: Duration = Duration::from_secs(20);
/// Largest value accepted for [`BridgeConfig::max_clients`].
pub const MAX_CLIENTS_LIMIT: usize = 4096;
/// Largest value accepted for [`BridgeConfig::max_connections`].
pub const MAX_CONNECTIONS_LIMIT: usize = 65536;
/// Shortest timeout or interval accepted.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);
/// Longest [`BridgeConfig::header_read_timeout`] accepted.
pub const MAX_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(300);
/// Longest [`BridgeConfig::ws_idle_timeout`] and [`BridgeConfig::ws_ping_interval`] accepted.
pub const MAX_WS_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Largest value accepted for [`BridgeConfig::max_frame_bytes`].
pub const MAX_FRAME_LIMIT: usize = 1024 * 1024;

/// Everything the bridge needs to know before it starts.
///
/// `#[non_exhaustive]`: start from [`BridgeConfig::default`] and set fields.
///
/// ```
/// use twnhi_bridge::{BridgeConfig, Origin};
/// let mut config = BridgeConfig::default();
/// config.listen = "127.0.0.1:0".parse()?;
/// config.origins.allowed.push(Origin::parse("https://nhi.example.org")?);
/// config.validate()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BridgeConfig {
    /// Address to listen on; default `127.0.0.1:7777`. Anything but a loopback address is
    /// logged as a warning when the bridge binds.
    pub listen: SocketAddr,
    /// Which web pages (by `Origin`) may use the bridge.
    pub origins: OriginPolicy,
    /// Host names (the HTTP `Host` header) accepted besides loopback names (`localhost`,
    /// `127.0.0.0/8`, `[::1]`) and the listening IP address. `*` accepts any host (turns off
    /// the DNS-rebinding defence; only for deliberate network set-ups).
    pub extra_hosts: Vec<String>,
    /// The reader to use when a request names none; `None`: the first reader holding a card,
    /// NHI cards first.
    pub reader: Option<String>,
    /// Most simultaneous clients: WebSocket connections plus HTTP data requests in flight.
    /// When all slots are taken, the WebSocket idle for the longest time (by its last
    /// request) is closed (code 1013) to admit the newcomer; only when every client is in the
    /// middle of a request is the newcomer refused (`503`, error 4061).
    pub max_clients: usize,
    /// Most open HTTP connections (keep-alive ones waiting for their next request, ones still
    /// sending their request, TLS handshakes), not counting upgraded WebSockets. At the cap,
    /// the connection that has waited longest for a request is closed to admit the new one.
    pub max_connections: usize,
    /// How long a connection may take to send a complete request head — from connecting, or
    /// from the previous response on a kept-alive connection — and a TLS client to finish
    /// its handshake. Slower connections are closed.
    pub header_read_timeout: Duration,
    /// A WebSocket from which nothing arrives for this long — no message, no pong — is closed
    /// (code 1001). Must be longer than [`ws_ping_interval`](Self::ws_ping_interval).
    pub ws_idle_timeout: Duration,
    /// The bridge pings every WebSocket this often. Browsers answer pings by themselves, so a
    /// page that is open keeps its connection however long it stays silent; a client that
    /// answers nothing is closed after [`ws_idle_timeout`](Self::ws_idle_timeout).
    pub ws_ping_interval: Duration,
    /// Largest WebSocket message (and frame) accepted, in bytes.
    pub max_frame_bytes: usize,
    /// Serve `https://` / `wss://` with this certificate instead of plain HTTP.
    pub tls: Option<TlsSettings>,
    /// How long a shutdown waits for open connections to close.
    pub shutdown_grace: Duration,
    /// The PKCS#11 module of the certificate cards (自然人憑證) for [`Bridge::new`]'s
    /// [`Pkcs11Backend`](crate::certs::Pkcs11Backend): `None` is `TWNHI_PKCS11_MODULE`, else
    /// the HiCOS module at its default paths
    /// ([`twnhi_pkcs11::module::default_module_candidates`]).
    ///
    /// [`Bridge::new`]: crate::Bridge::new
    pub pkcs11_module: Option<std::path::PathBuf>,
}

impl Default for BridgeConfig {
    fn default() -> Self {
        BridgeConfig {
            listen: DEFAULT_LISTEN,
            origins: OriginPolicy::default(),
            extra_hosts: Vec::new(),
            reader: None,
            max_clients: DEFAULT_MAX_CLIENTS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            ws_idle_timeout: DEFAULT_WS_IDLE_TIMEOUT,
            ws_ping_interval: DEFAULT_WS_PING_INTERVAL,
            max_frame_bytes: DEFAULT_MAX_FRAME,
            tls: None,
            shutdown_grace: Duration::from_secs(3),
            pkcs11_module: None,
        }
    }
}

impl BridgeConfig {
    /// Checks the limits, timeouts and host names.
    ///
    /// # Errors
    /// [`ConfigError::Limit`] for a limit of zero or beyond [`MAX_CLIENTS_LIMIT`] /
    /// [`MAX_CONNECTIONS_LIMIT`] / [`MAX_FRAME_LIMIT`] (frames below 256 bytes are refused
    /// too), [`ConfigError::Timeout`] for a timeout below [`MIN_TIMEOUT`] or beyond
    /// [`MAX_HEADER_READ_TIMEOUT`] / [`MAX_WS_TIMEOUT`], [`ConfigError::PingInterval`] when
    /// the ping interval is not shorter than the idle timeout, [`ConfigError::Host`] for a
    /// malformed extra host.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=MAX_CLIENTS_LIMIT).contains(&self.max_clients) {
            return Err(ConfigError::Limit {
                name: "max_clients",
                min: 1,
                max: MAX_CLIENTS_LIMIT,
            });
        }
        if !(1..=MAX_CONNECTIONS_LIMIT).contains(&self.max_connections) {
            return Err(ConfigError::Limit {
                name: "max_connections",
                min: 1,
                max: MAX_CONNECTIONS_LIMIT,
            });
        }
        for (name, value, max) in [
            (
                "header_read_timeout",
                self.header_read_timeout,
                MAX_HEADER_READ_TIMEOUT,
            ),
            ("ws_idle_timeout", self.ws_idle_timeout, MAX_WS_TIMEOUT),
            ("ws_ping_interval", self.ws_ping_interval, MAX_WS_TIMEOUT),
        ] {
            if !(MIN_TIMEOUT..=max).contains(&value) {
                return Err(ConfigError::Timeout {
                    name,
                    min: MIN_TIMEOUT,
                    max,
                });
            }
        }
        if self.ws_ping_interval >= self.ws_idle_timeout {
            return Err(ConfigError::PingInterval);
        }
        if !(256..=MAX_FRAME_LIMIT).contains(&self.max_frame_bytes) {
            return Err(ConfigError::Limit {
                name: "max_frame_bytes",
                min: 256,
                max: MAX_FRAME_LIMIT,
            });
        }
        for h in &self.extra_hosts {
            if h != "*" && !valid_host(h) {
                return Err(ConfigError::Host(h.clone()));
            }
        }
        Ok(())
    }

    /// Whether [`listen`](Self::listen) is a loopback address (the safe default).
    pub fn is_loopback(&self) -> bool {
        self.listen.ip().is_loopback()
    }

    /// Whether `host` (a `Host` header value: `name[:port]` or `[v6]:port`) is one the bridge
    /// answers to: a loopback name, the listening IP, or one of
    /// [`extra_hosts`](Self::extra_hosts).
    pub fn host_allowed(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if is_loopback_host(&name) {
            return true;
        }
        let listen_ip = self.listen.ip();
        if !listen_ip.is_unspecified()
            && name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip == listen_ip)
        {
            return true;
        }
        self.extra_hosts
            .iter()
            .any(|h| h == "*" || h.eq_ignore_ascii_case(&name))
    }
}

/// Which web pages may use the bridge, by the `Origin` their browser sends.
///
/// Requests from other origins get `403` and no CORS headers; WebSocket upgrades from them
/// are refused before any frame is exchanged.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OriginPolicy {
    /// Origins allowed besides loopback ones: the registration site's origin, typically.
    pub allowed: Vec<Origin>,
    /// Allow `http(s)://localhost`, `http(s)://127.x.x.x` and `http(s)://[::1]` on any port
    /// (default `true`): `twnhi serve` and `twnhi demo` run there, and so does the bridge's
    /// own check page.
    pub allow_loopback: bool,
    /// Allow the opaque origin `null` (pages opened from `file://` in some browsers,
    /// sandboxed frames of any site). Default `false`: turning it on lets any sandboxed frame
    /// read the card.
    pub allow_null: bool,
}

impl Default for OriginPolicy {
    fn default() -> Self {
        OriginPolicy {
            allowed: Vec::new(),
            allow_loopback: true,
            allow_null: false,
        }
    }
}

impl OriginPolicy {
    /// Whether a page with origin `origin` (the header's value) may use the bridge.
    /// Same-origin requests (the bridge's own check page) are decided by the server, which
    /// knows its own host.
    pub fn allows(&self, origin: &str) -> bool {
        if origin == "null" {
            return self.allow_null;
        }
        let Ok(o) = Origin::parse(origin) else {
            return false;
        };
        (self.allow_loopback && is_loopback_host(&o.host)) || self.allowed.contains(&o)
    }
}

/// A web origin: scheme, host and port, normalised (lowercase, default port dropped).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name or IP literal (IPv6 in brackets), lowercase.
    pub host: String,
    /// Port, `None` for the scheme's default.
    pub port: Option<u16>,
}

impl Origin {
    /// Parses `http(s)://host[:port]` (a trailing `/` is accepted, nothing else after the
    /// authority).
    ///
    /// ```
    /// use twnhi_bridge::Origin;
    /// let o = Origin::parse("HTTPS://NHI.example.org:443/")?;
    /// assert_eq!(o.to_string(), "https://nhi.example.org");
    /// assert!(Origin::parse("https://example.org/path").is_err());
    /// # Ok::<(), twnhi_bridge::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::Origin`] when it is not of that form.
    pub fn parse(text: &str) -> Result<Origin, ConfigError> {
        let bad = || ConfigError::Origin(text.chars().take(200).collect());
        let lower = text.trim().to_ascii_lowercase();
        let (scheme, rest) = lower.split_once("://").ok_or_else(bad)?;
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = split_host_port(authority).ok_or_else(bad)?;
        if !valid_host(&host) {
            return Err(bad());
        }
        let default = if scheme == "https" { 443 } else { 80 };
        Ok(Origin {
            scheme: scheme.to_owned(),
            host,
            port: port.filter(|&p| p != default),
        })
    }

    /// The port, the scheme's default filled in.
    pub fn effective_port(&self) -> u16 {
        self.port
            .unwrap_or(if self.scheme == "https" { 443 } else { 80 })
    }
}

impl std::str::FromStr for Origin {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Origin, ConfigError> {
        Origin::parse(s)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}://{}:{p}", self.scheme, self.host),
            None => write!(f, "{}://{}", self.scheme, self.host),
        }
    }
}

/// Splits `host[:port]` / `[v6][:port]`; `None` when malformed. The host comes back
/// lowercase, IPv6 literals with their brackets.
pub(crate) fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    if authority.is_empty() || authority.contains(['/', '@', '?', '#', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{v6}]"), port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok()?)
        }
        Some(_) => return None,
    };
    Some((host.to_ascii_lowercase(), port))
}

/// The host part of a `Host` header value, lowercase; `None` when malformed.
pub(crate) fn host_name(host_header: &str) -> Option<String> {
    let (host, _) = split_host_port(host_header.trim())?;
    valid_host(&host).then_some(host)
}

/// A DNS name (letters, digits, `-`, `.`, `_`), an IPv4 address or a bracketed IPv6 address.
pub(crate) fn valid_host(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        && !host.starts_with('.')
        && !host.contains("..")
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` or `[::1]`.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalise() {
        let o = Origin::parse("http://LOCALHOST:80").unwrap();
        assert_eq!(o.to_string(), "http://localhost");
        assert_eq!(o.effective_port(), 80);
        let o = Origin::parse("https://[::1]:8443").unwrap();
        assert_eq!(o.host, "[::1]");
        assert_eq!(o.port, Some(8443));
        for bad in [
            "",
            "localhost",
            "ftp://x",
            "https://",
            "https://a/b",
            "https://a:99999",
            "https://a:",
            "https://a b",
            "https://user@a",
            "https://[zz]:1",
            "https://..",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origin_policy() {
        let mut p = OriginPolicy::default();
        assert!(p.allows("http://localhost:3000"));
        assert!(p.allows("http://127.0.0.1:8080"));
        assert!(p.allows("https://localhost"));
        assert!(p.allows("http://[::1]:7777"));
        assert!(!p.allows("https://evil.example"));
        assert!(!p.allows("http://localhost.evil.example"));
        assert!(!p.allows("null"));
        assert!(!p.allows("garbage"));
        p.allowed
            .push(Origin::parse("https://site.example").unwrap());
        assert!(p.allows("https://site.example"));
        assert!(p.allows("https://site.example:443"));
        assert!(!p.allows("http://site.example"));
        assert!(!p.allows("https://site.example:8443"));
        p.allow_loopback = false;
        assert!(!p.allows("http://localhost:3000"));
        p.allow_null = true;
        assert!(p.allows("null"));
    }

    #[test]
    fn hosts() {
        let mut c = BridgeConfig::default();
        assert!(c.host_allowed("127.0.0.1:7777"));
        assert!(c.host_allowed("localhost:7777"));
        assert!(c.host_allowed("LOCALHOST"));
        assert!(c.host_allowed("[::1]:7777"));
        assert!(!c.host_allowed("evil.example:7777"));
        assert!(!c.host_allowed("192.168.1.2:7777"));
        assert!(!c.host_allowed(""));
        assert!(!c.host_allowed("a b"));
        c.extra_hosts.push("iccert.nhi.gov.tw".into());
        assert!(c.host_allowed("iccert.nhi.gov.tw:7777"));
        c.listen = "192.168.1.2:7777".parse().unwrap();
        assert!(c.host_allowed("192.168.1.2:7777"));
        assert!(!c.is_loopback());
        c.extra_hosts = vec!["*".into()];
        assert!(c.host_allowed("anything.example"));
        c.validate().unwrap();
    }

    #[test]
    fn limits_are_checked() {
        let mut c = BridgeConfig::default();
        c.validate().unwrap();
        c.max_clients = 0;
        assert!(c.validate().is_err());
        c.max_clients = 1;
        c.max_frame_bytes = 10;
        assert!(c.validate().is_err());
        c.max_frame_bytes = 4096;
        c.extra_hosts.push("bad host".into());
        assert!(matches!(c.validate(), Err(ConfigError::Host(_))));
    }

    #[test]
    fn timeouts_are_checked() {
        let mut c = BridgeConfig::default();
        assert_eq!(c.header_read_timeout, Duration::from_secs(10));
        assert_eq!(c.ws_idle_timeout, Duration::from_secs(60));
        assert_eq!(c.ws_ping_interval, Duration::from_secs(20));
        assert_eq!(c.max_connections, 256);
        c.header_read_timeout = Duration::ZERO;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::Timeout {
                name: "header_read_timeout",
                ..
            })
        ));
        c.header_read_timeout = Duration::from_secs(1);
        c.ws_ping_interval = Duration::from_secs(60);
        assert_eq!(c.validate(), Err(ConfigError::PingInterval));
        c.ws_ping_interval = Duration::from_secs(2 * 24 * 3600);
        assert!(matches!(c.validate(), Err(ConfigError::Timeout { .. })));
        c.ws_ping_interval = Duration::from_millis(200);
        c.ws_idle_timeout = Duration::from_millis(500);
        c.validate().unwrap();
        c.max_connections = 0;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::Limit {
                name: "max_connections",
                ..
            })
        ));
        // Both languages in the message.
        let e = ConfigError::PingInterval.to_string();
        assert!(e.contains("ws_ping_interval") && e.contains("必須"), "{e}");
    }
}
