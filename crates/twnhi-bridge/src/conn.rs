//! Serving HTTP/1.1 connections with hyper: a header-read timeout for every request (a
//! connection that never finishes one is closed), a cap on open connections (at the cap, the
//! connection that has waited longest for a request is closed to admit the new one), TCP_NODELAY,
//! WebSocket upgrades and graceful shutdown.
//!
//! `axum::serve` offers none of the limits: it sets no timer, so hyper's header-read timeout
//! never runs, and it accepts connections without bound.

use crate::clients::{Member, Registry};
use crate::service::Shared;
use crate::tls::TlsListener;
use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Where connections come from.
pub(crate) enum Listening {
    /// Plain TCP.
    Plain(TcpListener),
    /// TLS: handshakes run in the listener's own tasks (each registered as a connection).
    Tls(TlsListener),
}

/// A connection ready for HTTP, with its entry in the connection table.
enum Accepted {
    Plain(tokio::net::TcpStream, Member),
    Tls(
        Box<tokio_rustls::server::TlsStream<tokio::net::TcpStream>>,
        Member,
    ),
}

/// The next plain connection the table admits (refusing, by closing them, those it cannot).
async fn accept_plain(l: &TcpListener, conns: &Arc<Registry>, cap: usize) -> Accepted {
    loop {
        match l.accept().await {
            Ok((tcp, _peer)) => {
                if !conns.make_room(cap) {
                    tracing::warn!("connection refused: too many connections, all busy");
                    drop(tcp);
                    continue;
                }
                let _ = tcp.set_nodelay(true);
                return Accepted::Plain(tcp, conns.register());
            }
            Err(e) => {
                // Out of file descriptors and the like: let things settle.
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Resolves when shutdown starts (or can no longer be signalled).
pub(crate) async fn shutting_down(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Accepts and serves connections until shutdown starts, then lets the open ones finish
/// their requests for at most [`BridgeConfig::shutdown_grace`](crate::BridgeConfig::shutdown_grace)
/// and closes what is left.
pub(crate) async fn serve(mut listening: Listening, app: Router, shared: Arc<Shared>) {
    let cap = shared.config.max_connections;
    let header_timeout = shared.config.header_read_timeout;
    let mut stop = shared.shutdown.subscribe();
    let mut tasks = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            () = shutting_down(&mut stop) => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            a = async {
                match &mut listening {
                    Listening::Plain(l) => accept_plain(l, &shared.conns, cap).await,
                    Listening::Tls(l) => {
                        let (stream, member) = l.accept().await;
                        Accepted::Tls(Box::new(stream), member)
                    }
                }
            } => a,
        };
        let app = app.clone();
        let stop = shared.shutdown.subscribe();
        match accepted {
            Accepted::Plain(io, member) => {
                tasks.spawn(serve_one(io, member, app, header_timeout, stop));
            }
            Accepted::Tls(io, member) => {
                tasks.spawn(serve_one(io, member, app, header_timeout, stop));
            }
        }
    }
    drop(listening);
    let grace = shared.config.shutdown_grace;
    let drained =
        tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::debug!("shutdown grace period over; closing the remaining connections");
    }
    tasks.shutdown().await;
}

/// Serves one connection: requests one after the other (keep-alive), each head within
/// `header_timeout`, upgrades to WebSocket handed over to their sessions.
async fn serve_one<I>(
    io: I,
    member: Member,
    app: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let member = Arc::new(member);
    let service = {
        let member = Arc::clone(&member);
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let app = app.clone();
            let member = Arc::clone(&member);
            async move {
                member.busy();
                let response = app.oneshot(req.map(Body::new)).await;
                member.idle();
                response
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let conn = builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(error = %e, "connection ended");
            }
            return;
        }
        () = member.told_to_close() => {
            if !member.is_busy() {
                tracing::debug!("closed a connection waiting for a request, to admit a new one");
                return;
            }
            // A request arrived in between: answer it, then close.
            conn.as_mut().graceful_shutdown();
        }
        () = shutting_down(&mut stop) => conn.as_mut().graceful_shutdown(),
    }
    if let Err(e) = conn.await {
        tracing::debug!(error = %e, "connection ended during shutdown");
    }
}
