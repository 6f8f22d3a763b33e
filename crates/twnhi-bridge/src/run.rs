//! Building, binding, serving and stopping the bridge.

use crate::backend::{CardBackend, WatchHandle};
use crate::certs::Pkcs11Backend;
use crate::config::BridgeConfig;
use crate::conn::Listening;
use crate::error::BridgeError;
use crate::protocol::BridgeEvent;
use crate::service::Shared;
use crate::tls::TlsListener;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use twnhi_pkcs11::CertificateToken;

/// The bridge: a configuration and a card backend, ready to be bound to its address, or to
/// be mounted into another axum application with [`router`](Self::router).
///
/// ```no_run
/// use std::sync::Arc;
/// use twnhi_bridge::{Bridge, BridgeConfig, PcscBackend};
///
/// # async fn run() -> Result<(), twnhi_bridge::BridgeError> {
/// let bridge = Bridge::new(BridgeConfig::default(), Arc::new(PcscBackend::new()))?;
/// let bound = bridge.bind().await?;                  // 127.0.0.1:7777
/// println!("check page: {}", bound.url());
/// bound.serve(async { tokio::signal::ctrl_c().await.unwrap_or(()) }).await // until Ctrl-C
/// # }
/// ```
#[derive(Clone)]
pub struct Bridge {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("listen", &self.shared.config.listen)
            .field("backend", &self.shared.backend.kind())
            .field("certs", &self.shared.certs.kind())
            .finish_non_exhaustive()
    }
}

impl Bridge {
    /// A bridge over `backend`, with certificate cards through the PKCS#11 module of
    /// [`BridgeConfig::pkcs11_module`] (a [`Pkcs11Backend`], loaded on the first certificate
    /// request).
    ///
    /// # Errors
    /// [`BridgeError::Config`] when the configuration is invalid (see
    /// [`BridgeConfig::validate`]).
    pub fn new(config: BridgeConfig, backend: Arc<dyn CardBackend>) -> Result<Bridge, BridgeError> {
        let certs = Arc::new(Pkcs11Backend::new(config.pkcs11_module.clone()));
        Bridge::with_certificates(config, backend, certs)
    }

    /// A bridge over `backend` for NHI cards and `certs` for certificate cards — e.g. a
    /// [`SimCertBackend`](crate::certs::SimCertBackend) holding the demo's simulated
    /// certificate cards.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use twnhi_bridge::certs::SimCertBackend;
    /// use twnhi_bridge::{Bridge, BridgeConfig, SimBackend};
    /// use twnhi_pkcs11::{Pin, SoftToken};
    ///
    /// let token = SoftToken::new("TWNHI SIM CITIZEN", "0001", &Pin::new("246810")?);
    /// // … token.add(label, id, certificate_der, private_key_pkcs8) for each certificate …
    /// let certs = SimCertBackend::with_token(Arc::new(token));
    /// let (cards, _reader) = SimBackend::demo();
    /// let bridge = Bridge::with_certificates(BridgeConfig::default(), Arc::new(cards), Arc::new(certs.clone()))?;
    /// certs.remove(); // the certificate card pulled out: requests answer 7503
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`BridgeError::Config`] when the configuration is invalid (see
    /// [`BridgeConfig::validate`]).
    pub fn with_certificates(
        config: BridgeConfig,
        backend: Arc<dyn CardBackend>,
        certs: Arc<dyn CertificateToken>,
    ) -> Result<Bridge, BridgeError> {
        config.validate()?;
        Ok(Bridge {
            shared: Arc::new(Shared::new(config, backend, certs)),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &BridgeConfig {
        &self.shared.config
    }

    /// The whole HTTP application (check page, `/echo`, `/v1/...`) with its origin and host
    /// guard, for mounting into another axum server. Events only flow while a
    /// [`start_watch`](Self::start_watch) handle is alive ([`BoundBridge::serve`] starts one
    /// itself).
    pub fn router(&self) -> axum::Router {
        crate::server::router(Arc::clone(&self.shared))
    }

    /// Starts the backend's reader and card watch; it stops when the handle is dropped.
    pub fn start_watch(&self) -> WatchHandle {
        self.shared.backend.watch(self.shared.sink.clone())
    }

    /// A receiver of the events pushed to `/v1/ws` clients.
    pub fn events(&self) -> broadcast::Receiver<BridgeEvent> {
        self.shared.sink.subscribe()
    }

    /// Asks open WebSocket sessions to close (code 1001) — what [`BoundBridge::serve`] does
    /// when its shutdown future completes. For a bridge mounted with
    /// [`router`](Self::router).
    pub fn close_sessions(&self) {
        self.shared.shutdown.send_replace(true);
    }

    /// Binds the configured address (plain or TLS). A non-loopback address is allowed but
    /// logged as a warning: the bridge then answers other machines too.
    ///
    /// # Errors
    /// [`BridgeError::Bind`] when the address cannot be bound.
    pub async fn bind(self) -> Result<BoundBridge, BridgeError> {
        let addr = self.shared.config.listen;
        let tcp = TcpListener::bind(addr)
            .await
            .map_err(|source| BridgeError::Bind { addr, source })?;
        let local = tcp
            .local_addr()
            .map_err(|source| BridgeError::Bind { addr, source })?;
        if !local.ip().is_loopback() {
            tracing::warn!(
                addr = %local,
                "listening on a non-loopback address: other machines can reach the bridge \
                 (only pages of allowed origins and hosts get card data)"
            );
        }
        let config = &self.shared.config;
        let listening = match &config.tls {
            None => Listening::Plain(tcp),
            Some(settings) => Listening::Tls(TlsListener::new(
                tcp,
                settings,
                Arc::clone(&self.shared.conns),
                config.max_connections,
                config.header_read_timeout,
            )),
        };
        tracing::info!(addr = %local, tls = self.shared.tls, backend = self.shared.backend.kind(), "bridge listening");
        Ok(BoundBridge {
            bridge: self,
            listening,
            local,
        })
    }
}

/// A bridge bound to its address, not serving yet.
pub struct BoundBridge {
    bridge: Bridge,
    listening: Listening,
    local: SocketAddr,
}

impl std::fmt::Debug for BoundBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundBridge")
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

impl BoundBridge {
    /// The address bound (with the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Whether the address is a loopback address.
    pub fn is_loopback(&self) -> bool {
        self.local.ip().is_loopback()
    }

    /// Whether the bridge serves TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self.listening, Listening::Tls(_))
    }

    /// The check page's URL (`http://127.0.0.1:7777/`; `https://localhost:…/` with TLS,
    /// since the certificate names `localhost`).
    pub fn url(&self) -> String {
        let port = self.local.port();
        match (self.is_tls(), self.local.ip()) {
            (true, ip) if ip.is_loopback() || ip.is_unspecified() => {
                format!("https://localhost:{port}/")
            }
            (true, _) => format!("https://{}/", self.local),
            (false, ip) if ip.is_unspecified() => format!("http://127.0.0.1:{port}/"),
            (false, _) => format!("http://{}/", self.local),
        }
    }

    /// The bridge.
    pub fn bridge(&self) -> &Bridge {
        &self.bridge
    }

    /// Serves until `shutdown` completes, then shuts down gracefully: no new connections,
    /// WebSocket sessions closed with code 1001, requests in flight finished (at most
    /// [`BridgeConfig::shutdown_grace`] each for HTTP and for WebSockets), the watch stopped.
    ///
    /// # Errors
    /// [`BridgeError::Serve`] if the server fails (it does not in practice).
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), BridgeError> {
        let shared = Arc::clone(&self.bridge.shared);
        let watch = self.bridge.start_watch();
        let trigger = shared.shutdown.clone();
        let signal = tokio::spawn(async move {
            shutdown.await;
            trigger.send_replace(true);
        });
        let app = self.bridge.router();
        let grace = shared.config.shutdown_grace;
        crate::conn::serve(self.listening, app, Arc::clone(&shared)).await;
        signal.abort();
        shared.shutdown.send_replace(true);
        // Every session holds a permit: getting them all back means every session ended.
        let all = u32::try_from(shared.config.max_clients).unwrap_or(u32::MAX);
        if tokio::time::timeout(grace, shared.permits.acquire_many(all))
            .await
            .is_err()
        {
            tracing::debug!("some WebSocket sessions did not close in time");
        }
        drop(watch);
        tracing::info!("bridge stopped");
        Ok(())
    }

    /// Serves in a background task of the current runtime; the handle stops it.
    pub fn spawn(self) -> BridgeHandle {
        let local = self.local;
        let url = self.url();
        let trigger = self.bridge.shared.shutdown.clone();
        let mut rx = trigger.subscribe();
        let task = tokio::spawn(self.serve(async move {
            let _ = rx.wait_for(|s| *s).await;
        }));
        BridgeHandle {
            local,
            url,
            trigger,
            task,
        }
    }
}

/// A bridge serving in the background ([`BoundBridge::spawn`]).
#[derive(Debug)]
pub struct BridgeHandle {
    local: SocketAddr,
    url: String,
    trigger: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), BridgeError>>,
}

impl BridgeHandle {
    /// The address served.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The check page's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops the bridge gracefully and waits until it stopped.
    ///
    /// # Errors
    /// What [`BoundBridge::serve`] returned.
    pub async fn shutdown(self) -> Result<(), BridgeError> {
        self.trigger.send_replace(true);
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(BridgeError::Serve(std::io::Error::other(e.to_string()))),
        }
    }
}

/// Runs a bridge in a runtime of its own until `shutdown` completes (a program passes its
/// signal handling, e.g. Ctrl-C and SIGTERM): binds, calls `on_ready` with the bound bridge
/// (to print where it listens), serves, shuts down gracefully.
///
/// ```no_run
/// use std::sync::Arc;
/// use twnhi_bridge::{BridgeConfig, SimBackend};
///
/// let (backend, _reader) = SimBackend::demo();
/// let ctrl_c = async { tokio::signal::ctrl_c().await.unwrap_or(()) };
/// twnhi_bridge::run_blocking(BridgeConfig::default(), Arc::new(backend), ctrl_c, |bound| {
///     eprintln!("listening on {}", bound.url());
/// })?;
/// # Ok::<(), twnhi_bridge::BridgeError>(())
/// ```
///
/// # Errors
/// [`BridgeError::Runtime`], [`BridgeError::Config`], [`BridgeError::Bind`].
pub fn run_blocking(
    config: BridgeConfig,
    backend: Arc<dyn CardBackend>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(&BoundBridge),
) -> Result<(), BridgeError> {
    let bridge = Bridge::new(config, backend)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .thread_name("twnhi-bridge")
        .enable_all()
        .build()
        .map_err(BridgeError::Runtime)?;
    let result = rt.block_on(async move {
        let bound = bridge.bind().await?;
        on_ready(&bound);
        bound.serve(shutdown).await
    });
    // A card operation still running in a blocking thread is not waited for long.
    rt.shutdown_timeout(Duration::from_secs(2));
    result
}
