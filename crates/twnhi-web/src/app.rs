//! The site: shared state, the router, binding and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use twnhi_account::messages;
use twnhi_account::secret::ServerKey;
use twnhi_notify::links::paths;
use twnhi_service::Service;

use crate::config::WebConfig;
use crate::dev::DevTools;
use crate::error::WebError;
use crate::news::NewsFile;
use crate::security::csrf::CsrfKey;
use crate::security::ratelimit::RateLimiter;
use crate::templates::{Layout, MessagePage, Text};
use crate::{api, assets, pages, security, session};

/// What the site runs on. Every page and every call of the app API goes through the use
/// cases of [`SiteDeps::service`]; the site makes no calls to the store or the registry.
#[derive(Clone)]
#[non_exhaustive]
pub struct SiteDeps {
    /// The use cases.
    pub service: Service,
    /// What `/readyz` asks besides the database (the background workers).
    pub health: crate::health::Health,
}

impl SiteDeps {
    /// The use cases, with no background workers to report on.
    #[must_use]
    pub fn new(service: Service) -> Self {
        SiteDeps {
            service,
            health: crate::health::Health::default(),
        }
    }

    /// Reports these workers in `/readyz`.
    #[must_use]
    pub fn with_health(mut self, health: crate::health::Health) -> Self {
        self.health = health;
        self
    }
}

impl core::fmt::Debug for SiteDeps {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SiteDeps").finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    config: WebConfig,
    deps: SiteDeps,
    csrf: CsrfKey,
    limiter: RateLimiter,
    csp: HeaderValue,
    public_origin: String,
    news: NewsFile,
    dev: Option<DevTools>,
    connections: Arc<crate::conn::Tracker>,
}

/// The registration site. Cheap to clone.
///
/// ```no_run
/// # async fn example(config: twnhi_web::WebConfig, deps: twnhi_web::SiteDeps,
/// #     key: twnhi_account::secret::ServerKey) -> Result<(), twnhi_web::WebError> {
/// let site = twnhi_web::Site::new(config, deps, &key, None)?;
/// let bound = site.bind().await?;
/// bound.serve(async { tokio::signal::ctrl_c().await.unwrap_or(()) }).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Site(Arc<Inner>);

impl core::fmt::Debug for Site {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Site")
            .field("listen", &self.0.config.listen)
            .field("public", &self.0.public_origin)
            .finish_non_exhaustive()
    }
}

/// The CSRF key of a site, derived from the server key so that every instance of a
/// deployment (and a restarted one) accepts the same tokens.
fn csrf_key(server_key: &ServerKey) -> CsrfKey {
    let mut out = [0u8; 32];
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(server_key.expose()) {
        mac.update(b"twnhi-web-csrf-v1");
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    CsrfKey::new(out)
}

impl Site {
    /// A site with `config`, running on `deps`; CSRF tokens are keyed from `server_key` (the
    /// service's key file). `dev` turns on the demo's pages (mailbox, card switcher) when
    /// [`WebConfig::dev_pages`] is set.
    ///
    /// # Errors
    /// [`WebError::Config`] when the configuration does not validate.
    pub fn new(
        config: WebConfig,
        deps: SiteDeps,
        server_key: &ServerKey,
        dev: Option<DevTools>,
    ) -> Result<Site, WebError> {
        config.validate()?;
        let csp = security::content_security_policy(&config.bridge_connect_sources());
        let csp =
            HeaderValue::from_str(&csp).map_err(|_| crate::error::ConfigError::BridgeOrigin)?;
        let base = config.public_base_url.as_url();
        let public_origin = base.origin().ascii_serialization();
        let dev = if config.dev_pages { dev } else { None };
        Ok(Site(Arc::new(Inner {
            csrf: csrf_key(server_key),
            limiter: RateLimiter::new(config.rate_limits),
            news: NewsFile::new(config.announcements.clone()),
            connections: Arc::new(crate::conn::Tracker::default()),
            csp,
            public_origin,
            dev,
            config,
            deps,
        })))
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    pub(crate) fn service(&self) -> &Service {
        &self.0.deps.service
    }

    pub(crate) fn csrf(&self) -> &CsrfKey {
        &self.0.csrf
    }

    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }

    pub(crate) fn csp_header(&self) -> HeaderValue {
        self.0.csp.clone()
    }

    pub(crate) fn public_origin(&self) -> &str {
        &self.0.public_origin
    }

    pub(crate) fn is_https(&self) -> bool {
        self.0.config.public_base_url.is_https()
    }

    pub(crate) fn news(&self) -> &NewsFile {
        &self.0.news
    }

    pub(crate) fn dev(&self) -> Option<&DevTools> {
        self.0.dev.as_ref()
    }

    pub(crate) fn health(&self) -> &crate::health::Health {
        &self.0.deps.health
    }

    /// Open connections now.
    pub(crate) fn open_connections(&self) -> usize {
        self.0.connections.open()
    }

    /// The layout of a page for the session `sess` (`None`: no session, e.g. a 404), titled
    /// with the catalog text `title`.
    pub(crate) fn layout(
        &self,
        sess: Option<&session::Sess>,
        title: &str,
        page_id: &'static str,
    ) -> Layout {
        let hours = self.service().config().service_hours;
        Layout {
            title_zh: messages::text(twnhi_account::Lang::ZhTw, title),
            title_en: messages::text(twnhi_account::Lang::En, title),
            page_id,
            csrf: sess.map_or_else(String::new, |s| self.0.csrf.token_for(s.token.expose())),
            bridge_ws: self.0.config.bridge_ws_url(),
            hours_zh: hours.notice(twnhi_account::Lang::ZhTw),
            hours_en: hours.notice(twnhi_account::Lang::En),
            open: self.service().is_open(),
            logged_in: sess.is_some_and(session::Sess::logged_in),
            demo: self.0.dev.is_some(),
            ticker: self.0.news.latest_title(),
            card_masked: sess
                .and_then(|s| s.view.card.as_ref())
                .filter(|c| c.via == twnhi_store::AuthMethod::Card)
                .map(|c| c.card_number_masked.clone()),
        }
    }

    /// A bilingual error as a small page (or JSON for API and script requests).
    pub(crate) fn plain_error(&self, status: StatusCode, text: &Text, json: bool) -> Response {
        if json {
            return api::error_body(status, "Error", text);
        }
        let page = MessagePage {
            l: self.layout(None, "sysmsg-label", "error"),
            ok: false,
            lines: vec![text.clone()],
            warnings: Vec::new(),
            links: vec![("/login", "button-back-home")],
        };
        (status, render(&page)).into_response()
    }

    /// The application: every page, the app API and the static files, behind the security
    /// headers, the rate limits and the body limit.
    pub fn router(&self) -> Router {
        let verify = format!("/{}", paths::VERIFY_EMAIL);
        let reset = format!("/{}", paths::RESET_PASSWORD);
        let forgot = format!("/{}", paths::FORGOT_PASSWORD);
        let cancel_confirm = format!("/{}", paths::CANCEL_CONFIRM);
        let login = format!("/{}", paths::LOGIN);
        let mut pages_router = Router::new()
            .route("/", get(pages::root))
            .route(&login, get(pages::login::page).post(pages::login::submit))
            .route("/logout", post(pages::login::logout))
            .route(
                "/apply",
                get(pages::apply::terms).post(pages::apply::accept),
            )
            .route("/apply/card", post(pages::apply::card_submit))
            .route("/apply/details", post(pages::apply::details_submit))
            .route(
                &verify,
                get(pages::letters::verify_page).post(pages::letters::verify_submit),
            )
            .route(
                "/resend",
                get(pages::letters::resend_page).post(pages::letters::resend_submit),
            )
            .route(
                &forgot,
                get(pages::letters::forgot_page).post(pages::letters::forgot_submit),
            )
            .route(
                &reset,
                get(pages::letters::reset_page).post(pages::letters::reset_submit),
            )
            .route(
                "/cancel",
                get(pages::cancel::request_page).post(pages::cancel::request_submit),
            )
            .route(
                &cancel_confirm,
                get(pages::cancel::confirm_page).post(pages::cancel::confirm_submit),
            )
            .route(
                &format!("/{}", paths::CANCEL_STOP),
                get(pages::cancel::stop_page).post(pages::cancel::stop_submit),
            )
            .route(
                &format!("/{}", paths::CONFIRM_EMAIL),
                get(pages::letters::confirm_email_page).post(pages::letters::confirm_email_submit),
            )
            .route("/cancel/captcha.wav", get(crate::captcha::audio_clip))
            .route("/done", get(crate::flash::done_page))
            .route("/services", get(pages::account::services))
            .route(
                "/device/verify",
                get(pages::account::device_page).post(pages::account::device_produce),
            )
            .route("/device/help", get(pages::account::device_help))
            .route("/devices", get(pages::account::devices_page))
            .route(
                "/devices/{key}/{action}",
                post(pages::account::device_action),
            )
            .route(
                "/password",
                get(pages::account::password_page).post(pages::account::password_submit),
            )
            .route(
                "/profile",
                get(pages::account::profile_page).post(pages::account::profile_submit),
            )
            .route("/setup", get(pages::info::setup))
            .route("/setup/check", get(pages::info::check))
            .route("/news", get(pages::info::news))
            .route("/card/nonce", post(pages::card::nonce))
            .route("/card/answer", post(pages::card::answer))
            .route("/card/verify", post(pages::card::verify))
            .route("/cert/challenge", post(pages::cert::challenge))
            .route("/cert/verify", post(pages::cert::verify))
            .route("/cert/apply", post(pages::cert::apply))
            .route("/cert/login", get(pages::cert::login_page))
            .route("/mobile", get(pages::cert::mobile_page))
            .route("/mobile/apply", get(pages::cert::apply_page))
            .route("/mobile/renew", get(pages::cert::renew_page));
        if self.0.dev.is_some() {
            pages_router = pages_router
                .route("/dev/mailbox", get(crate::dev::mailbox))
                .route("/dev/mailbox/{id}", get(crate::dev::letter))
                .route("/dev/cards", get(crate::dev::cards))
                .route("/dev/cards/insert", post(crate::dev::insert))
                .route("/dev/cards/remove", post(crate::dev::remove))
                .route("/dev/captcha", get(crate::captcha::dev_answer));
        }
        let pages_router = pages_router
            .layer(from_fn_with_state(self.clone(), session::layer))
            .layer(axum::middleware::from_fn(pages::overload_status));
        let api_router = Router::new()
            .route("/api/v1/devices/bind", post(api::bind))
            .route("/api/v1/login", post(api::login))
            .route("/api/v1/devices", get(api::devices))
            .route("/api/v1/logout", post(api::logout));
        let static_router = Router::new()
            .route("/static/{file}", get(assets::serve))
            .route("/favicon.svg", get(assets::favicon))
            .route("/favicon.ico", get(assets::favicon))
            .route("/healthz", get(assets::health))
            .route("/readyz", get(crate::health::ready));
        Router::new()
            .merge(pages_router)
            .merge(api_router)
            .merge(static_router)
            .fallback(pages::not_found)
            .layer(DefaultBodyLimit::max(self.0.config.max_body_bytes))
            .layer(from_fn_with_state(self.clone(), security::rate_limit))
            .layer(from_fn_with_state(self.clone(), security::headers))
            .with_state(self.clone())
    }

    /// Opens the listening socket of [`WebConfig::listen`].
    ///
    /// # Errors
    /// [`WebError::Bind`].
    ///
    /// The listen backlog is 4,096 connections (the kernel's `somaxconn` may lower it): a
    /// burst of connections waits in the kernel for the accept loop instead of overflowing
    /// the queue.
    pub async fn bind(&self) -> Result<BoundSite, WebError> {
        let addr = self.0.config.listen;
        let bind = || -> std::io::Result<TcpListener> {
            let socket = if addr.is_ipv4() {
                tokio::net::TcpSocket::new_v4()?
            } else {
                tokio::net::TcpSocket::new_v6()?
            };
            #[cfg(unix)]
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            socket.listen(4096)
        };
        let listener = bind().map_err(|source| WebError::Bind { addr, source })?;
        BoundSite::new(self.clone(), listener)
    }
}

/// Renders a template; a template error (not expected: templates are checked at compile
/// time) becomes a bilingual `500`.
pub(crate) fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            let mut resp = (
                StatusCode::INTERNAL_SERVER_ERROR,
                Text::id("system-error").side_by_side(),
            )
                .into_response();
            resp.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            resp
        }
    }
}

/// A site with its listening socket.
#[derive(Debug)]
pub struct BoundSite {
    site: Site,
    listener: TcpListener,
    addr: SocketAddr,
}

impl BoundSite {
    /// A site on an already bound socket (the demo binds first to learn its port).
    ///
    /// # Errors
    /// [`WebError::Bind`] if the socket's address cannot be read.
    pub fn new(site: Site, listener: TcpListener) -> Result<BoundSite, WebError> {
        let addr = listener.local_addr().map_err(|source| WebError::Bind {
            addr: site.config().listen,
            source,
        })?;
        Ok(BoundSite {
            site,
            listener,
            addr,
        })
    }

    /// The address listened on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` completes, then stops accepting and waits for requests in
    /// flight (at most [`WebConfig::shutdown_grace`]).
    ///
    /// # Errors
    /// [`WebError::Serve`].
    ///
    /// Connections are capped in all and per client address, and must send each request head
    /// within the header-read timeout (idle kept-alive connections are closed after it); see
    /// [`crate::config::ConnectionLimits`].
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), WebError> {
        let config = self.site.config();
        let grace = config.shutdown_grace;
        let limits = config.connections;
        let router = self.site.router();
        let tracker = Arc::clone(&self.site.0.connections);
        crate::conn::serve(self.listener, router, limits, grace, tracker, async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, waiting for requests in flight");
        })
        .await;
        Ok(())
    }

    /// Serves in a background task until [`SiteHandle::shutdown`].
    #[must_use]
    pub fn spawn(self) -> SiteHandle {
        let addr = self.addr;
        let (tx, mut rx) = watch::channel(false);
        let join = tokio::spawn(self.serve(async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }));
        SiteHandle {
            addr,
            stop: tx,
            join,
        }
    }
}

/// A site serving in the background.
#[derive(Debug)]
pub struct SiteHandle {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    join: JoinHandle<Result<(), WebError>>,
}

impl SiteHandle {
    /// The address listened on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops gracefully and waits.
    ///
    /// # Errors
    /// [`WebError::Serve`].
    pub async fn shutdown(self) -> Result<(), WebError> {
        let _ = self.stop.send(true);
        match self.join.await {
            Ok(r) => r,
            Err(e) => Err(WebError::Serve(std::io::Error::other(e.to_string()))),
        }
    }
}
