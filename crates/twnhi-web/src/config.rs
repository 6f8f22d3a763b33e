//! The site's settings, as values. The library never reads files or the environment: the
//! `twnhi serve` command builds a [`WebConfig`] from its flags, `TWNHI_*` variables and its
//! configuration file (see `docs/web.md`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use twnhi_account::roc::ServiceHours;
use twnhi_notify::PublicBaseUrl;
use url::Url;

use crate::error::ConfigError;

/// The default listening address.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);
/// The default origin of the local card component (the official component's port).
pub const DEFAULT_BRIDGE_ORIGIN: &str = "http://127.0.0.1:7777";
/// The default limit of a request body, in bytes (the largest form is under 2 KiB).
pub const DEFAULT_MAX_BODY: usize = 16 * 1024;

/// How the session cookie is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieSecurity {
    /// `Secure` and the `__Host-` name prefix: the browser sends the cookie only over HTTPS.
    /// The default, and the only choice for a site on a network.
    Secure,
    /// No `Secure` flag: for the demo on plain `http://127.0.0.1` only. [`WebConfig::validate`]
    /// refuses it unless the site listens on a loopback address and its public URL is
    /// `http://` on a loopback host.
    PlainHttpLoopback,
}

/// Request rate limits per client address (token buckets).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct RateLimits {
    /// Requests per second, sustained, for any request.
    pub requests_per_sec: f64,
    /// Burst of any requests.
    pub requests_burst: f64,
    /// Form submissions and API calls that change state or check secrets (every `POST`), per
    /// minute, sustained.
    pub posts_per_min: f64,
    /// Burst of `POST`s.
    pub posts_burst: f64,
}

impl RateLimits {
    /// The share of one of `replicas` processes behind one load balancer: every rate and
    /// burst divided by `replicas` (a burst never below 1), so that together they allow
    /// what one process alone would.
    #[must_use]
    pub fn shared_by(self, replicas: u32) -> Self {
        let n = f64::from(replicas.max(1));
        RateLimits {
            requests_per_sec: self.requests_per_sec / n,
            requests_burst: (self.requests_burst / n).max(1.0),
            posts_per_min: self.posts_per_min / n,
            posts_burst: (self.posts_burst / n).max(1.0),
        }
    }
}

impl Default for RateLimits {
    /// A ceiling, not a quota: one address may be a clinic, a school or a carrier's NAT with
    /// hundreds of people behind it. 50 requests/s (burst 200) and 600 `POST`s a minute
    /// (burst 300) per address; expensive work (password hashing) is bounded on its own, and
    /// failures are throttled per person by the use cases.
    fn default() -> Self {
        RateLimits {
            requests_per_sec: 50.0,
            requests_burst: 200.0,
            posts_per_min: 600.0,
            posts_burst: 300.0,
        }
    }
}

/// Connections: how many, from where, and how long they may idle (SPEC §5: idle and slow
/// connections time out; a flood of idle sockets must not stop the site).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// Open connections at most (more are closed at once). Keep it below the process's
    /// open-file limit.
    pub max_connections: usize,
    /// Open connections per client address at most (an IPv6 client's /64 counts as one).
    pub per_address: usize,
    /// A connection must send a whole request head within this long — the first request
    /// and every next one on a kept-alive connection (an idle connection is closed after
    /// it).
    pub header_read_timeout: Duration,
    /// A request (body included) must be answered within this long; a slow body is cut off
    /// with `408`.
    pub request_timeout: Duration,
}

impl Default for ConnectionLimits {
    /// 8,192 connections, 256 per address, 10 s for a request head (and of idle keep-alive),
    /// 30 s per request.
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 8192,
            per_address: 256,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl RateLimits {
    /// Limits of `requests_per_sec` (burst `requests_burst`) for any request and
    /// `posts_per_min` (burst `posts_burst`) for `POST`s.
    #[must_use]
    pub fn new(
        requests_per_sec: f64,
        requests_burst: f64,
        posts_per_min: f64,
        posts_burst: f64,
    ) -> Self {
        RateLimits {
            requests_per_sec,
            requests_burst,
            posts_per_min,
            posts_burst,
        }
    }

    /// No practical limit (benchmarks, the browser tests).
    #[must_use]
    pub fn unlimited() -> Self {
        RateLimits {
            requests_per_sec: 1e9,
            requests_burst: 1e9,
            posts_per_min: 1e12,
            posts_burst: 1e9,
        }
    }
}

/// Everything the site needs to know before it starts.
///
/// `#[non_exhaustive]`: start from [`WebConfig::new`] and set fields.
///
/// ```
/// use twnhi_web::WebConfig;
/// let mut config = WebConfig::new("https://nhi.example.org/".parse()?);
/// config.listen = "0.0.0.0:8080".parse()?;
/// config.validate()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WebConfig {
    /// Address to listen on (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The site's public URL: links in letters, the origin checked on form posts.
    pub public_base_url: PublicBaseUrl,
    /// How the session cookie is marked.
    pub cookies: CookieSecurity,
    /// The origin of the local card component the pages talk to (`http://127.0.0.1:7777` by
    /// default; `https://localhost:7777` for a bridge with TLS). It is the only other origin
    /// the pages may connect to (CSP `connect-src`).
    pub bridge_origin: Url,
    /// Service hours, shown on every page (the use cases enforce them).
    pub service_hours: ServiceHours,
    /// Request rate limits per client address.
    pub rate_limits: RateLimits,
    /// Connection caps and timeouts.
    pub connections: ConnectionLimits,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// The announcements file (最新公告) the operator edits; re-read when it changes.
    pub announcements: Option<PathBuf>,
    /// The card component release's `SHA256SUMS` file, listed on the setup page with
    /// download links under [`release_url`](Self::release_url); read when the page is shown.
    pub release_sums: Option<PathBuf>,
    /// Where the release's files are downloaded from (ends in `/`).
    pub release_url: Option<Url>,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy
    /// that sets it). Off by default: the peer address is used.
    pub trust_forwarded_for: bool,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
    /// Serve the dev pages (`/dev/...`: mailbox, card switcher). Only the demo turns it on.
    pub dev_pages: bool,
}

impl WebConfig {
    /// Defaults for a site published at `public_base_url`.
    #[must_use]
    pub fn new(public_base_url: PublicBaseUrl) -> Self {
        WebConfig {
            listen: DEFAULT_LISTEN,
            public_base_url,
            cookies: CookieSecurity::Secure,
            bridge_origin: default_bridge_origin(),
            service_hours: ServiceHours::default(),
            rate_limits: RateLimits::default(),
            connections: ConnectionLimits::default(),
            max_body_bytes: DEFAULT_MAX_BODY,
            announcements: None,
            release_sums: None,
            release_url: None,
            trust_forwarded_for: false,
            shutdown_grace: Duration::from_secs(10),
            dev_pages: false,
        }
    }

    /// Checks the combination of settings.
    ///
    /// # Errors
    /// [`ConfigError::PlainHttp`] for [`CookieSecurity::PlainHttpLoopback`] off loopback,
    /// [`ConfigError::InsecureCookies`] for secure cookies on a plain-http public URL,
    /// [`ConfigError::BridgeOrigin`] for a bridge origin that is not `http(s)://host[:port]`,
    /// [`ConfigError::Limit`] for a body limit below 1 KiB or above 1 MiB.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let base = self.public_base_url.as_url();
        match self.cookies {
            CookieSecurity::PlainHttpLoopback => {
                let loopback_host = base.host().is_some_and(|h| match h {
                    url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
                    url::Host::Ipv4(ip) => ip.is_loopback(),
                    url::Host::Ipv6(ip) => ip.is_loopback(),
                });
                if !self.listen.ip().is_loopback() || !loopback_host {
                    return Err(ConfigError::PlainHttp);
                }
            }
            CookieSecurity::Secure => {
                if !self.public_base_url.is_https() {
                    return Err(ConfigError::InsecureCookies);
                }
            }
        }
        bridge_origin_parts(&self.bridge_origin)?;
        if !(1024..=1024 * 1024).contains(&self.max_body_bytes) {
            return Err(ConfigError::Limit("max_body_bytes"));
        }
        let r = &self.rate_limits;
        if !(r.requests_per_sec > 0.0
            && r.requests_burst >= 1.0
            && r.posts_per_min > 0.0
            && r.posts_burst >= 1.0)
        {
            return Err(ConfigError::Limit("rate_limits"));
        }
        let c = &self.connections;
        if c.max_connections == 0
            || c.per_address == 0
            || c.header_read_timeout.is_zero()
            || c.request_timeout.is_zero()
        {
            return Err(ConfigError::Limit("connections"));
        }
        Ok(())
    }

    /// The bridge's WebSocket URL of the JSON protocol (`ws(s)://host:port/v1/ws`).
    #[must_use]
    pub fn bridge_ws_url(&self) -> String {
        match bridge_origin_parts(&self.bridge_origin) {
            Ok((secure, authority)) => {
                format!("{}://{authority}/v1/ws", if secure { "wss" } else { "ws" })
            }
            Err(_) => "ws://127.0.0.1:7777/v1/ws".to_owned(),
        }
    }

    /// The sources of CSP `connect-src` besides `'self'`: the bridge origin in its HTTP and
    /// WebSocket forms.
    #[must_use]
    pub fn bridge_connect_sources(&self) -> String {
        match bridge_origin_parts(&self.bridge_origin) {
            Ok((true, a)) => format!("https://{a} wss://{a}"),
            Ok((false, a)) => format!("http://{a} ws://{a}"),
            Err(_) => "http://127.0.0.1:7777 ws://127.0.0.1:7777".to_owned(),
        }
    }
}

fn default_bridge_origin() -> Url {
    // A literal that parses (tested below); `Url::parse` has no const form.
    #[allow(clippy::expect_used)]
    Url::parse(DEFAULT_BRIDGE_ORIGIN).expect("the default bridge origin is a valid URL")
}

/// `(https?, "host:port")` of a bridge origin.
fn bridge_origin_parts(u: &Url) -> Result<(bool, String), ConfigError> {
    let secure = match u.scheme() {
        "https" | "wss" => true,
        "http" | "ws" => false,
        _ => return Err(ConfigError::BridgeOrigin),
    };
    let host = u.host_str().ok_or(ConfigError::BridgeOrigin)?;
    if !u.username().is_empty()
        || u.password().is_some()
        || u.query().is_some()
        || u.fragment().is_some()
        || !matches!(u.path(), "" | "/")
        || host.contains(['\'', ';', ' ', '"'])
    {
        return Err(ConfigError::BridgeOrigin);
    }
    let port = u
        .port_or_known_default()
        .unwrap_or(if secure { 443 } else { 80 });
    Ok((secure, format!("{host}:{port}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> WebConfig {
        WebConfig::new(PublicBaseUrl::parse(base).unwrap())
    }

    #[test]
    fn replicas_share_the_per_address_limits() {
        let one = RateLimits::default();
        let third = one.shared_by(3);
        assert!((third.requests_per_sec * 3.0 - one.requests_per_sec).abs() < 1e-9);
        assert!((third.posts_per_min * 3.0 - one.posts_per_min).abs() < 1e-9);
        assert!((third.posts_burst * 3.0 - one.posts_burst).abs() < 1e-9);
        assert_eq!(one.shared_by(1), one);
        assert_eq!(one.shared_by(0), one, "0 counts as one replica");
        let tiny = RateLimits::default().shared_by(1000);
        assert!(tiny.requests_burst >= 1.0 && tiny.posts_burst >= 1.0);
    }

    #[test]
    fn defaults_validate_on_https() {
        let c = config("https://nhi.example.org/");
        c.validate().unwrap();
        assert_eq!(c.bridge_ws_url(), "ws://127.0.0.1:7777/v1/ws");
        assert_eq!(
            c.bridge_connect_sources(),
            "http://127.0.0.1:7777 ws://127.0.0.1:7777"
        );
    }

    #[test]
    fn secure_cookies_need_https() {
        let c = config("http://127.0.0.1:8080/");
        assert!(matches!(c.validate(), Err(ConfigError::InsecureCookies)));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let mut c = config("http://127.0.0.1:8080/");
        c.cookies = CookieSecurity::PlainHttpLoopback;
        c.validate().unwrap();
        c.listen = "0.0.0.0:8080".parse().unwrap();
        assert!(matches!(c.validate(), Err(ConfigError::PlainHttp)));
        let mut c = config("http://nhi.example.org/");
        c.cookies = CookieSecurity::PlainHttpLoopback;
        assert!(matches!(c.validate(), Err(ConfigError::PlainHttp)));
    }

    #[test]
    fn bridge_origin_forms() {
        let mut c = config("https://nhi.example.org/");
        c.bridge_origin = Url::parse("https://localhost:7777").unwrap();
        assert_eq!(c.bridge_ws_url(), "wss://localhost:7777/v1/ws");
        assert_eq!(
            c.bridge_connect_sources(),
            "https://localhost:7777 wss://localhost:7777"
        );
        c.bridge_origin = Url::parse("https://localhost:7777/x").unwrap();
        assert!(matches!(c.validate(), Err(ConfigError::BridgeOrigin)));
        c.bridge_origin = Url::parse("ftp://localhost:7777").unwrap();
        assert!(matches!(c.validate(), Err(ConfigError::BridgeOrigin)));
    }
}
