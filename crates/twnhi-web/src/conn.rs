//! Accepting and serving connections with caps and timeouts (SPEC §5: idle and slow
//! connections time out; a flood of sockets must not stop the site).
//!
//! - A connection must send its request head within [`ConnectionLimits::header_read_timeout`]
//!   — the first one and every next one on a kept-alive connection, so an idle connection is
//!   closed after that long (hyper's header-read timer runs whenever a head is awaited).
//! - A request is answered within [`ConnectionLimits::request_timeout`] or cut off with `408`
//!   (a body sent one byte a minute holds nothing for long).
//! - At most [`ConnectionLimits::max_connections`] connections are open, and at most
//!   [`ConnectionLimits::per_address`] from one address (an IPv6 client's /64 counts as one);
//!   a connection over either cap is closed at once, before anything is read.
//! - `accept` errors such as "too many open files" make the loop pause briefly instead of
//!   spinning, and the site goes on serving the connections it has.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
#[cfg(test)]
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::Service as _;

use crate::config::ConnectionLimits;

/// The address a connection counts against: itself for IPv4, its /64 for IPv6.
fn group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// Open connections, in all and per address.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    inner: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One admitted connection; leaving frees its place.
pub(crate) struct Admitted {
    tracker: Arc<Tracker>,
    addr: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut g = self
            .tracker
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        g.0 = g.0.saturating_sub(1);
        if let Some(n) = g.1.get_mut(&self.addr) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                g.1.remove(&self.addr);
            }
        }
    }
}

impl Tracker {
    /// A place for a connection from `ip`, or `None` over a cap.
    pub(crate) fn admit(
        self: &Arc<Self>,
        ip: IpAddr,
        limits: &ConnectionLimits,
    ) -> Option<Admitted> {
        let addr = group(ip);
        let mut g = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let here = g.1.get(&addr).copied().unwrap_or(0);
        if g.0 >= limits.max_connections || here >= limits.per_address {
            return None;
        }
        g.0 += 1;
        g.1.insert(addr, here + 1);
        Some(Admitted {
            tracker: Arc::clone(self),
            addr,
        })
    }

    /// Open connections now.
    pub(crate) fn open(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
    }
}

fn timed_out() -> Response<Body> {
    let mut resp = Response::new(Body::from(
        crate::templates::Text::id("request-timed-out").side_by_side(),
    ));
    *resp.status_mut() = StatusCode::REQUEST_TIMEOUT;
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    resp
}

/// Serves `router` on `listener` until `shutdown`, then stops accepting and lets requests in
/// flight finish within `grace`.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    grace: Duration,
    tracker: Arc<Tracker>,
    shutdown: impl Future<Output = ()> + Send,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // little rather than spin; the open connections keep being served.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(place) = tracker.admit(peer.ip(), &limits) else {
            tracing::debug!(client = %peer.ip(), "connection refused: over the connection caps");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let request_timeout = limits.request_timeout;
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            let mut router = router.clone();
            async move {
                match tokio::time::timeout(request_timeout, router.call(req)).await {
                    Ok(resp) => resp,
                    Err(_) => Ok::<_, Infallible>(timed_out()),
                }
            }
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(place);
        });
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the grace period; closing them");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_in_all_and_per_address() {
        let limits = ConnectionLimits {
            max_connections: 3,
            per_address: 2,
            ..ConnectionLimits::default()
        };
        let t = Arc::new(Tracker::default());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let one = t.admit(a, &limits).unwrap();
        let _two = t.admit(a, &limits).unwrap();
        assert!(t.admit(a, &limits).is_none(), "per address");
        let _three = t.admit(b, &limits).unwrap();
        assert!(t.admit(b, &limits).is_none(), "in all");
        drop(one);
        let _again = t.admit(a, &limits).unwrap();
        assert_eq!(t.open(), 3);
        // IPv6: one /64 is one address.
        let t = Arc::new(Tracker::default());
        let x: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let y: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let _p = t.admit(x, &limits).unwrap();
        let _q = t.admit(y, &limits).unwrap();
        assert!(t.admit(x, &limits).is_none());
        let z: SocketAddr = "[2001:db8:1:2::7]:80".parse().unwrap();
        assert_eq!(group(z.ip()), group(x));
    }
}
