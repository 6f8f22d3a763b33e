//! Liveness and readiness, reported separately and truthfully (SPEC §5, recovery).
//!
//! - `GET /healthz` — **liveness**: the process answers HTTP. A full disk or a lost mail
//!   server does not make it fail: restarting would not help.
//! - `GET /readyz` — **readiness**: whether this instance can do its work now. `200` when the
//!   database takes a write and the background workers go round; `503` otherwise. The mail
//!   server being unreachable does not make it unready: letters wait in the outbox
//!   ("queueing") and go out when it answers. The JSON body says each part's state.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use twnhi_service::{Liveness, OutboxMonitor};

use crate::app::Site;

/// How long each readiness probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The background workers `/readyz` reports on.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Health {
    /// The outbox worker and its mailer.
    pub outbox: Option<OutboxMonitor>,
    /// The maintenance worker's heartbeat, with how old it may be.
    pub maintenance: Option<(Liveness, Duration)>,
}

impl Health {
    /// Reports on the outbox worker and the maintenance worker (alive when it beat within
    /// `maintenance_within`).
    #[must_use]
    pub fn new(outbox: Option<OutboxMonitor>, maintenance: Option<(Liveness, Duration)>) -> Self {
        Health {
            outbox,
            maintenance,
        }
    }
}

/// The body of `/readyz`.
#[derive(Debug, Serialize)]
struct Readiness {
    ready: bool,
    database: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    outbox_worker: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mailer: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_letters: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maintenance: Option<&'static str>,
    connections: usize,
}

/// `GET /readyz`.
pub(crate) async fn ready(State(site): State<Site>) -> Response {
    let database = match tokio::time::timeout(PROBE_TIMEOUT, site.service().check_database()).await
    {
        Ok(Ok(())) => "writable",
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database cannot be written");
            "unwritable"
        }
        Err(_) => "timeout",
    };
    let mut ready = database == "writable";
    let health = site.health();
    let (outbox_worker, mailer, pending_letters) = match &health.outbox {
        Some(m) => {
            let s = m.status(PROBE_TIMEOUT).await;
            ready &= s.worker_alive;
            (
                Some(if s.worker_alive { "alive" } else { "stopped" }),
                Some(if s.mailer_reachable {
                    "reachable"
                } else {
                    "queueing"
                }),
                Some(s.pending),
            )
        }
        None => (None, None, None),
    };
    let maintenance = health.maintenance.as_ref().map(|(l, within)| {
        let alive = l.alive_within(*within);
        ready &= alive;
        if alive { "alive" } else { "stopped" }
    });
    let body = Readiness {
        ready,
        database,
        outbox_worker,
        mailer,
        pending_letters,
        maintenance,
        connections: site.open_connections(),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
