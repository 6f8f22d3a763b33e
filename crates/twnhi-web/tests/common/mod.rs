//! What the site's test binaries share: the use cases over a temp-file SQLite store with
//! synthetic people in the registry, a software SAM and a cheap password hash.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::Utc;
use twnhi_account::Email;
use twnhi_account::password::HashPolicy;
use twnhi_account::roc::ServiceHours;
use twnhi_account::secret::ServerKey;
use twnhi_card::auth::MasterKey;
use twnhi_demo::people::{DemoPerson, generate};
use twnhi_notify::PublicBaseUrl;
use twnhi_service::{Ports, SeededRandom, Service, ServiceConfig, SoftwareSam, SystemClock};
use twnhi_store::RegistryImport as _;
use twnhi_store_sqlite::SqliteStore;

/// The use cases and what they run on.
pub struct Backend {
    pub service: Service,
    pub store: SqliteStore,
    pub people: Vec<DemoPerson>,
    pub server_key: ServerKey,
    pub dir: tempfile::TempDir,
}

/// A backend for a site published at `base`, with `people` synthetic persons; `tune` may
/// change the configuration before the service is built.
pub async fn backend(base: &str, people: usize, tune: impl FnOnce(&mut ServiceConfig)) -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.sqlite3"))
        .await
        .unwrap();
    let master = MasterKey::from_bytes([9; 16]);
    let people = generate(people, &master, &SeededRandom::new(11));
    let persons: Vec<_> = people.iter().map(|p| p.person.clone()).collect();
    store.import_registry(&persons, Utc::now()).await.unwrap();
    let mut config = config(base);
    tune(&mut config);
    let server_key = ServerKey::new(vec![7; 32]).unwrap();
    let service = service_over(&store, &server_key, config, 3);
    Backend {
        service,
        store,
        people,
        server_key,
        dir,
    }
}

fn config(base: &str) -> ServiceConfig {
    let base = PublicBaseUrl::parse(base).unwrap();
    let mut config = ServiceConfig::new(base, Email::parse("noreply@twnhi.test").unwrap());
    config.service_hours = ServiceHours::ALWAYS;
    config.hash_policy = HashPolicy::new(64, 1, 1).unwrap();
    config
}

fn service_over(store: &SqliteStore, key: &ServerKey, config: ServiceConfig, seed: u64) -> Service {
    let store_arc = Arc::new(store.clone());
    Service::new(
        Ports {
            store: store_arc.clone(),
            registry: store_arc,
            sam: Arc::new(SoftwareSam::new(MasterKey::from_bytes([9; 16]))),
            clock: Arc::new(SystemClock),
            random: Arc::new(SeededRandom::new(seed)),
        },
        key.clone(),
        config,
    )
    .unwrap()
}

/// Another replica of `b`'s site: its own connection pool to the same database file and its
/// own use cases, with the same keys and configuration — nothing shared in memory.
pub async fn replica(
    b_dir: &std::path::Path,
    server_key: &ServerKey,
    base: &str,
    seed: u64,
) -> Service {
    let store = SqliteStore::open(&b_dir.join("t.sqlite3")).await.unwrap();
    service_over(&store, server_key, config(base), seed)
}
