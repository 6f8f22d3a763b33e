//! The running demo: the composition of store, service, site, bridge and mailbox.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use tokio::net::TcpListener;
use twnhi_account::Email;
use twnhi_account::password::HashPolicy;
use twnhi_account::roc::ServiceHours;
use twnhi_bridge::certs::SimCertBackend;
use twnhi_bridge::{Bridge, BridgeConfig, BridgeHandle, SimBackend};
use twnhi_notify::PublicBaseUrl;
use twnhi_service::{
    MaintenanceHandle, MaintenanceWorker, OutboxConfig, OutboxHandle, OutboxWorker, Ports,
    SeededRandom, Service, ServiceConfig, SoftwareSam, SystemClock, SystemRandom,
};
use twnhi_sim::{Faults, SimCard, SimReader};
use twnhi_store::{OutboxStore, Registry, RegistryImport, Store};
use twnhi_store_postgres::{PostgresOptions, PostgresStore, is_postgres_url};
use twnhi_store_sqlite::SqliteStore;
use twnhi_web::dev::DevTools;
use twnhi_web::{BoundSite, CookieSecurity, RateLimits, Site, SiteDeps, SiteHandle, WebConfig};
use url::Url;

use crate::DemoError;
use crate::cards::DemoCards;
use crate::certs::{CertificateTokens, DemoCertificates};
use crate::mailbox::DevMailbox;
use crate::people::{DemoPerson, generate};

/// The announcements file the demo writes when its data directory has none: a sample the
/// operator edits (data, bilingual in itself, in the announcements format), not catalog text.
const SAMPLE_NEWS: &str = include_str!("../data/sample-announcements.txt");

/// How to start the demo.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DemoOptions {
    /// The data directory (created): `twnhi.sqlite3`, the key files, `mail/`,
    /// `announcements.txt`.
    pub data_dir: PathBuf,
    /// The site's address (default `127.0.0.1:8080`; port 0 for any free port). Must be
    /// loopback: the demo serves plain http.
    pub listen: SocketAddr,
    /// The bridge's address (default `127.0.0.1:7777`; port 0 for any free port).
    pub bridge_listen: SocketAddr,
    /// How many synthetic people the registry holds (default 8).
    pub people: usize,
    /// Seed of the synthetic people (the same seed and key file give the same people).
    pub seed: u64,
    /// Request rate limits (the default ones; the browser tests lift them).
    pub rate_limits: RateLimits,
    /// Password hashing (default: OWASP's minimum, as in production).
    pub hash_policy: HashPolicy,
    /// A PostgreSQL database to use instead of `twnhi.sqlite3` in the data directory
    /// (`postgres://…`; migrated at start). The key files, mail and announcements stay in
    /// the data directory.
    pub database_url: Option<String>,
    /// Where the people's simulated citizen certificates and keys are kept (default: the
    /// in-process software tokens; SoftHSM2 needs `SOFTHSM2_CONF`, see
    /// [`CertificateTokens::SoftHsm2`]).
    pub certificate_tokens: CertificateTokens,
}

impl DemoOptions {
    /// Defaults with the data in `data_dir`.
    #[must_use]
    pub fn new(data_dir: PathBuf) -> Self {
        DemoOptions {
            data_dir,
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080),
            bridge_listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 7777),
            people: 8,
            seed: 20_201_027,
            rate_limits: RateLimits::default(),
            hash_policy: HashPolicy::default(),
            database_url: None,
            certificate_tokens: CertificateTokens::Soft,
        }
    }
}

/// The ports of one database.
struct StorePorts {
    store: Arc<dyn Store>,
    registry: Arc<dyn Registry>,
    import: Arc<dyn RegistryImport>,
    outbox: Arc<dyn OutboxStore>,
}

/// The demo's database: the SQLite file of its data directory, or a PostgreSQL database.
#[derive(Clone, Debug)]
enum DemoStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DemoStore {
    async fn open(options: &DemoOptions) -> Result<(DemoStore, PathBuf), DemoError> {
        match options.database_url.as_deref() {
            Some(url) if is_postgres_url(url) => {
                let shown = PathBuf::from(twnhi_web::settings::mask_url_password(url));
                let store = PostgresStore::connect(url, PostgresOptions::default())
                    .await
                    .map_err(|e| other(&shown, e))?;
                Ok((DemoStore::Postgres(store), shown))
            }
            Some(path) => {
                let path = PathBuf::from(path.strip_prefix("sqlite://").unwrap_or(path));
                let store = SqliteStore::open(&path)
                    .await
                    .map_err(|e| other(&path, e))?;
                Ok((DemoStore::Sqlite(store), path))
            }
            None => {
                let path = options.data_dir.join("twnhi.sqlite3");
                let store = SqliteStore::open(&path)
                    .await
                    .map_err(|e| other(&path, e))?;
                Ok((DemoStore::Sqlite(store), path))
            }
        }
    }

    fn ports(&self) -> StorePorts {
        fn of<T: Store + Registry + RegistryImport + OutboxStore + 'static>(
            a: Arc<T>,
        ) -> StorePorts {
            StorePorts {
                store: a.clone(),
                registry: a.clone(),
                import: a.clone(),
                outbox: a,
            }
        }
        match self {
            DemoStore::Sqlite(s) => of(Arc::new(s.clone())),
            DemoStore::Postgres(s) => of(Arc::new(s.clone())),
        }
    }

    async fn close(&self) {
        match self {
            DemoStore::Sqlite(s) => s.close().await,
            DemoStore::Postgres(s) => s.close().await,
        }
    }
}

/// A running demo.
#[derive(Debug)]
pub struct Demo {
    site: SiteHandle,
    bridge: BridgeHandle,
    outbox: OutboxHandle,
    maintenance: MaintenanceHandle,
    store: DemoStore,
    site_url: String,
    data_dir: PathBuf,
    people: Arc<Vec<DemoPerson>>,
    reader: SimReader,
    service: Service,
    certificate_tokens: CertificateTokens,
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::File {
        path: path.to_path_buf(),
        source,
    }
}

fn other(path: &Path, e: impl std::fmt::Display) -> DemoError {
    DemoError::File {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

impl Demo {
    /// Starts everything: opens (or creates) the data directory, imports the synthetic
    /// registry, starts the bridge with the first person's card in its simulated reader, the
    /// outbox worker writing into the mailbox, and the site.
    ///
    /// # Errors
    /// [`DemoError`]: a file that cannot be written, an address in use, a store error.
    pub async fn start(options: DemoOptions) -> Result<Demo, DemoError> {
        let dir = options.data_dir.clone();
        std::fs::create_dir_all(&dir).map_err(file_error(&dir))?;
        let random = Arc::new(SystemRandom::new().map_err(|_| DemoError::Random)?);

        // Keys (created with mode 0600 on first start).
        let sam_path = dir.join("sam-master.key");
        let sam = SoftwareSam::open(&sam_path, &*random).map_err(|e| other(&sam_path, e))?;
        let server_key_path = dir.join("server.key");
        let server_key = twnhi_service::load_server_key(&server_key_path, &*random)
            .map_err(|e| other(&server_key_path, e))?;

        // The registry: synthetic people with cards keyed for this SAM.
        let (store, db_path) = DemoStore::open(&options).await?;
        let ports = store.ports();
        let people = generate(
            options.people.max(1),
            sam.master_key(),
            &SeededRandom::new(options.seed),
        );
        let persons: Vec<_> = people.iter().map(|p| p.person.clone()).collect();
        ports
            .import
            .import_registry(&persons, Utc::now())
            .await
            .map_err(|e| other(&db_path, e))?;
        // The citizen certificates (自然人憑證) of the people, of the demo CA.
        let certificates = DemoCertificates::open(&dir, &people, &options.certificate_tokens)?;
        tracing::info!(
            tokens = options.certificate_tokens.name(),
            people = people.len(),
            "demo citizen certificates made"
        );
        let people = Arc::new(people);

        // The simulated reader, the certificate card slot and the bridge.
        let reader = SimReader::new();
        let cert_slot = SimCertBackend::new();
        if let Some(first) = people.first() {
            reader.insert(SimCard::new(first.identity.clone(), Faults::default()));
        }
        if let Some(first) = certificates.tokens.first() {
            cert_slot.insert(Arc::clone(first));
        }
        let backend = SimBackend::new().with_reader(SimBackend::DEMO_READER, reader.clone());
        let mut bridge_config = BridgeConfig::default();
        bridge_config.listen = options.bridge_listen;
        let bridge = Bridge::with_certificates(
            bridge_config,
            Arc::new(backend),
            Arc::new(cert_slot.clone()),
        )
        .map_err(|e| other(&dir, e))?
        .bind()
        .await
        .map_err(|e| DemoError::Bind {
            addr: options.bridge_listen,
            source: std::io::Error::other(e.to_string()),
        })?;
        let bridge_addr = bridge.local_addr();
        let bridge = bridge.spawn();

        // The site's socket first: its URL goes into the letters.
        if !options.listen.ip().is_loopback() {
            return Err(DemoError::NotLoopback {
                addr: options.listen,
            });
        }
        let listener =
            TcpListener::bind(options.listen)
                .await
                .map_err(|source| DemoError::Bind {
                    addr: options.listen,
                    source,
                })?;
        let site_addr = listener.local_addr().map_err(|source| DemoError::Bind {
            addr: options.listen,
            source,
        })?;
        let site_url = format!("http://{site_addr}/");
        let base = PublicBaseUrl::parse(&site_url).map_err(|e| other(&dir, e))?;

        // The use cases.
        let sender = Email::parse("noreply@twnhi.example").map_err(|e| other(&dir, e))?;
        let mut service_config = ServiceConfig::new(base.clone(), sender);
        service_config.service_hours = ServiceHours::ALWAYS;
        service_config.hash_policy = options.hash_policy;
        service_config.app_token_lifetime = TimeDelta::minutes(15);
        service_config.outbox = OutboxConfig::fast();
        service_config.certificates = Some(certificates.policy()?);
        let outbox_port = ports.outbox;
        let ports = Ports {
            store: ports.store,
            registry: ports.registry,
            sam: Arc::new(sam),
            clock: Arc::new(SystemClock),
            random,
        };
        let service = Service::new(ports, server_key.clone(), service_config)?;
        let mailbox = DevMailbox::new(dir.join("mail"));
        let outbox = OutboxWorker::new(&service, outbox_port, Arc::new(mailbox.clone())).spawn();
        let maintenance_every = std::time::Duration::from_secs(60);
        let maintenance = MaintenanceWorker::new(&service, maintenance_every).spawn();
        let health = twnhi_web::health::Health::new(
            Some(outbox.monitor()),
            Some((maintenance.liveness(), maintenance_every * 3)),
        );

        // The announcements file the operator would edit.
        let news = dir.join("announcements.txt");
        if !news.exists() {
            std::fs::write(&news, SAMPLE_NEWS).map_err(file_error(&news))?;
        }

        let mut config = WebConfig::new(base);
        config.listen = site_addr;
        config.cookies = CookieSecurity::PlainHttpLoopback;
        config.bridge_origin =
            Url::parse(&format!("http://{bridge_addr}")).map_err(|e| other(&dir, e))?;
        config.rate_limits = options.rate_limits;
        config.announcements = Some(news);
        config.dev_pages = true;
        config.shutdown_grace = std::time::Duration::from_secs(3);
        let deps = SiteDeps::new(service.clone()).with_health(health);
        let dev = DevTools {
            mailbox: Arc::new(mailbox),
            cards: Some(Arc::new(DemoCards {
                reader: reader.clone(),
                people: Arc::clone(&people),
                cert_slot,
                cert_cards: Arc::clone(&certificates.tokens),
            })),
        };
        let site = Site::new(config, deps, &server_key, Some(dev))?;
        let site = BoundSite::new(site, listener)?.spawn();
        tracing::info!(url = %site_url, "demo site listening");
        Ok(Demo {
            site,
            bridge,
            outbox,
            maintenance,
            store,
            site_url,
            data_dir: dir,
            people,
            reader,
            service,
            certificate_tokens: options.certificate_tokens,
        })
    }

    /// The site's URL (`http://127.0.0.1:8080/`).
    #[must_use]
    pub fn site_url(&self) -> &str {
        &self.site_url
    }

    /// The bridge's check page.
    #[must_use]
    pub fn bridge_url(&self) -> &str {
        self.bridge.url()
    }

    /// The site's address.
    #[must_use]
    pub fn site_addr(&self) -> SocketAddr {
        self.site.local_addr()
    }

    /// The data directory.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The mailbox directory.
    #[must_use]
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    /// The synthetic people.
    #[must_use]
    pub fn people(&self) -> &[DemoPerson] {
        &self.people
    }

    /// The simulated reader (insert and remove cards).
    #[must_use]
    pub fn reader(&self) -> &SimReader {
        &self.reader
    }

    /// Where the people's simulated citizen certificates are kept.
    #[must_use]
    pub fn certificate_tokens(&self) -> &CertificateTokens {
        &self.certificate_tokens
    }

    /// The use cases (tests look at state through them).
    #[must_use]
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Runs until `shutdown` completes, then stops everything.
    ///
    /// # Errors
    /// What [`Demo::shutdown`] returns.
    pub async fn wait(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send,
    ) -> Result<(), DemoError> {
        shutdown.await;
        self.shutdown().await
    }

    /// Stops the site (gracefully), the bridge and the outbox worker, and closes the store.
    ///
    /// # Errors
    /// [`DemoError::Web`] from the site.
    pub async fn shutdown(self) -> Result<(), DemoError> {
        let site = self.site.shutdown().await;
        if let Err(e) = self.bridge.shutdown().await {
            tracing::warn!(error = %e, "bridge shutdown");
        }
        self.outbox.shutdown().await;
        self.maintenance.shutdown().await;
        self.store.close().await;
        Ok(site?)
    }
}
