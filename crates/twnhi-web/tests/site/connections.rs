//! The site on a real socket under a flood of connections, and its readiness report.
//!
//! Regression: 19,990 idle TCP connections made the site stop answering — no header-read or
//! idle timeout, no cap per address. Here 5,000 idle sockets (from 100 loopback addresses)
//! are held while real requests go on being answered; the idle ones are closed after the
//! header-read timeout, and connections over the per-address cap are closed at once.

use crate::common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};
use twnhi_notify::MemoryMailer;
use twnhi_service::{MaintenanceWorker, OutboxWorker};
use twnhi_web::health::Health;
use twnhi_web::{
    BoundSite, ConnectionLimits, CookieSecurity, RateLimits, Site, SiteDeps, SiteHandle, WebConfig,
};

async fn site(
    limits: ConnectionLimits,
    health: impl FnOnce(&common::Backend) -> Health,
) -> (SiteHandle, common::Backend) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/");
    let b = common::backend(&base, 2, |_| {}).await;
    let mut web = WebConfig::new(twnhi_notify::PublicBaseUrl::parse(&base).unwrap());
    web.listen = addr;
    web.cookies = CookieSecurity::PlainHttpLoopback;
    web.rate_limits = RateLimits::unlimited();
    web.connections = limits;
    let deps = SiteDeps::new(b.service.clone()).with_health(health(&b));
    let site = Site::new(web, deps, &b.server_key, None).unwrap();
    (BoundSite::new(site, listener).unwrap().spawn(), b)
}

/// One `GET` on a new connection from 127.0.0.1; the status code (0: no answer).
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return (0, String::new());
    };
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (code, body)
}

/// A connection from the loopback address `from` that sends nothing.
async fn idle_from(from: Ipv4Addr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0))?;
    socket.connect(to).await
}

/// Whether the server has closed `s` (end of stream or reset) within `within`.
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1];
    matches!(
        tokio::time::timeout(within, s.read(&mut buf)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_thousand_idle_sockets_do_not_stop_the_site_and_are_closed() {
    let mut limits = ConnectionLimits::default();
    limits.max_connections = 8000;
    limits.per_address = 64;
    limits.header_read_timeout = Duration::from_secs(3);
    limits.request_timeout = Duration::from_secs(10);
    let (handle, _b) = site(limits, |_| Health::default()).await;
    let addr = handle.local_addr();
    // 5,000 idle sockets: 50 from each of 127.0.1.1 … 127.0.1.100.
    let mut idle = Vec::with_capacity(5000);
    for a in 1..=100u8 {
        for _ in 0..50 {
            idle.push(idle_from(Ipv4Addr::new(127, 0, 1, a), addr).await.unwrap());
        }
    }
    // Real requests go on being answered, quickly.
    for _ in 0..20 {
        let start = Instant::now();
        let (code, body) = get(addr, "/healthz").await;
        assert_eq!((code, body.as_str()), (200, "ok"));
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
    assert_eq!(get(addr, "/login").await.0, 200);
    // A kept-alive connection that answered one request and then idles is closed too.
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_within(&mut kept, Duration::from_secs(6)).await,
        "idle keep-alive closed"
    );
    // The idle ones are closed after the header-read timeout.
    let mut closed = 0;
    for s in idle.iter_mut().step_by(50) {
        if closed_within(s, Duration::from_secs(6)).await {
            closed += 1;
        }
    }
    assert_eq!(
        closed, 100,
        "idle connections closed after the header-read timeout"
    );
    drop(idle);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connections_over_the_per_address_cap_are_closed_at_once() {
    let mut limits = ConnectionLimits::default();
    limits.per_address = 16;
    limits.header_read_timeout = Duration::from_secs(30);
    let (handle, _b) = site(limits, |_| Health::default()).await;
    let addr = handle.local_addr();
    let from = Ipv4Addr::new(127, 0, 2, 1);
    let mut held = Vec::new();
    for _ in 0..16 {
        held.push(idle_from(from, addr).await.unwrap());
    }
    // Let the server account for them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = idle_from(from, addr).await.unwrap();
    assert!(
        closed_within(&mut extra, Duration::from_secs(2)).await,
        "the 17th connection from one address is closed"
    );
    // Those within the cap stay open (no timeout yet), and other addresses are served.
    assert!(!closed_within(&mut held[0], Duration::from_millis(300)).await);
    assert_eq!(get(addr, "/healthz").await.0, 200);
    drop(held);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readiness_reports_each_part_and_liveness_stays_ok() {
    let mailer = MemoryMailer::new();
    let workers: Arc<std::sync::Mutex<Vec<_>>> = Arc::default();
    let w = Arc::clone(&workers);
    let m = mailer.clone();
    let (handle, b) = site(ConnectionLimits::default(), move |b| {
        let store = Arc::new(b.store.clone());
        let outbox = OutboxWorker::new(&b.service, store, Arc::new(m)).spawn();
        let maintenance = MaintenanceWorker::new(&b.service, Duration::from_secs(60)).spawn();
        let health = Health::new(
            Some(outbox.monitor()),
            Some((maintenance.liveness(), Duration::from_secs(180))),
        );
        w.lock().unwrap().push((outbox, maintenance));
        health
    })
    .await;
    let _ = b;
    let addr = handle.local_addr();
    // The workers beat on their first round.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (code, body) = get(addr, "/readyz").await;
    assert_eq!(code, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["ready"], true);
    assert_eq!(json["database"], "writable");
    assert_eq!(json["outbox_worker"], "alive");
    assert_eq!(json["mailer"], "reachable");
    assert_eq!(json["maintenance"], "alive");
    // The outbox worker stops: not ready, still alive.
    let (outbox, maintenance) = workers.lock().unwrap().pop().unwrap();
    outbox.shutdown().await;
    let (code, body) = get(addr, "/readyz").await;
    assert_eq!(code, 503, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["ready"], false);
    assert_eq!(json["outbox_worker"], "stopped");
    assert_eq!(get(addr, "/healthz").await, (200, "ok".to_owned()));
    maintenance.shutdown().await;
    handle.shutdown().await.unwrap();
}
