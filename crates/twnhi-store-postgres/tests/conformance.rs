//! The `twnhi-store` conformance suite against PostgreSQL: every check on a fresh database of
//! a private server (`twnhi_testkit::postgres`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use twnhi_store_postgres::{PostgresOptions, PostgresStore};
use twnhi_testkit::postgres::PgServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_passes_the_conformance_suite() {
    let server = PgServer::shared();
    let report = twnhi_store::conformance::run(|| async {
        let url = server.create_database();
        PostgresStore::connect(&url, PostgresOptions::default())
            .await
            .unwrap()
    })
    .await;
    assert!(report.is_ok(), "{report}");
    assert_eq!(
        report.passed.len(),
        twnhi_store::conformance::checks().len()
    );
}
