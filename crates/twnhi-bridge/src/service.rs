//! The bridge's state and its card operations: reader resolution, one operation at a time
//! per reader, blocking calls moved off the async workers.

use crate::backend::{CardBackend, CardRead, EventSink};
use crate::clients::Registry;
use crate::config::BridgeConfig;
use crate::protocol::{
    AuthenticateResult, CardResult, ChallengeResult, ErrorBody, PROTOCOL_VERSION, ReaderJson,
    ReadersResult, StatusResult,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use twnhi_card::commands::AU_LEN;
use twnhi_card::{CardError, TransportError};
use twnhi_pcsc::ReaderInfo;

/// Longest reader name a request may give (PC/SC names are far shorter).
pub(crate) const MAX_READER_NAME: usize = 256;
/// How long a newcomer waits for the slot of the idle WebSocket closed for it (the closing
/// session sends its close frame with a shorter timeout than this).
const EVICTION_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// One mutex per reader name in use; entries are removed when no operation holds or waits
/// for them, so names sent by clients cannot grow the map.
type ReaderLocks = Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

/// What every handler shares.
pub(crate) struct Shared {
    pub config: BridgeConfig,
    pub backend: Arc<dyn CardBackend>,
    pub sink: EventSink,
    locks: ReaderLocks,
    /// One permit per client (WebSocket connection or HTTP data request in flight).
    pub permits: Arc<Semaphore>,
    /// The open WebSocket sessions, to close the longest-idle one when the permits run out.
    pub sessions: Arc<Registry>,
    /// The open HTTP connections (not upgraded), bounded by `max_connections`.
    pub conns: Arc<Registry>,
    /// `true` once shutdown started.
    pub shutdown: watch::Sender<bool>,
    /// Whether the connection is TLS (for same-origin checks).
    pub tls: bool,
}

/// Turns a panicked or cancelled blocking task into a card error (8001).
fn task_failed() -> CardError {
    TransportError::Other(Box::new(std::io::Error::other(
        "card operation did not complete",
    )))
    .into()
}

impl Shared {
    pub(crate) fn new(config: BridgeConfig, backend: Arc<dyn CardBackend>) -> Shared {
        let tls = config.tls.is_some();
        Shared {
            permits: Arc::new(Semaphore::new(config.max_clients)),
            sessions: Arc::default(),
            conns: Arc::default(),
            config,
            backend,
            sink: EventSink::new(),
            locks: Mutex::new(HashMap::new()),
            shutdown: watch::Sender::new(false),
            tls,
        }
    }

    /// A client slot. When [`BridgeConfig::max_clients`] are connected, the WebSocket
    /// session idle for the longest time is told to close and its slot is taken over; `None`
    /// when every client is in the middle of a request (or the slot did not come back in
    /// time).
    pub(crate) async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(p) = Arc::clone(&self.permits).try_acquire_owned() {
            return Some(p);
        }
        if !self.sessions.close_longest_idle() {
            return None;
        }
        tracing::info!("all client slots taken: closing the longest-idle WebSocket");
        // The semaphore is fair: the freed slot goes to the first in line.
        tokio::time::timeout(EVICTION_WAIT, Arc::clone(&self.permits).acquire_owned())
            .await
            .ok()?
            .ok()
    }

    /// Clients connected now.
    pub(crate) fn clients(&self) -> usize {
        self.config
            .max_clients
            .saturating_sub(self.permits.available_permits())
    }

    /// Runs a blocking backend call without holding up the async workers: on a
    /// multi-threaded runtime in place (`block_in_place`: the worker's other tasks move to
    /// another thread, and the reply is sent without a thread hand-off), otherwise on the
    /// blocking pool.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn CardBackend) -> Result<T, CardError> + Send + 'static,
    ) -> Result<T, CardError> {
        let backend = Arc::clone(&self.backend);
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if multi_thread {
            tokio::task::block_in_place(move || {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(backend.as_ref())))
                    .unwrap_or_else(|_| Err(task_failed()))
            })
        } else {
            tokio::task::spawn_blocking(move || f(backend.as_ref()))
                .await
                .unwrap_or_else(|_| Err(task_failed()))
        }
    }

    /// The readers, from the backend.
    pub(crate) async fn readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        self.blocking(|b| b.readers()).await
    }

    /// The reader to use: the request's, the configured one, the one the watch last saw
    /// holding a card, or (asking the backend) the first reader holding a card.
    async fn resolve(&self, requested: Option<String>) -> Result<(String, bool), CardError> {
        if let Some(r) = requested.or_else(|| self.config.reader.clone()) {
            return Ok((r, false));
        }
        if let Some(r) = self.sink.known_card_reader() {
            return Ok((r, true));
        }
        Ok((self.live_card_reader().await?, false))
    }

    async fn live_card_reader(&self) -> Result<String, CardError> {
        let readers = self.readers().await?;
        if readers.is_empty() {
            return Err(TransportError::NoReader.into());
        }
        readers
            .iter()
            .filter(|r| r.card_present)
            .filter_map(|r| {
                let rank = crate::backend::sink_rank(r.atr.as_deref().unwrap_or_default());
                (rank < 2).then_some((rank, &r.name))
            })
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, n)| n.clone())
            .ok_or_else(|| TransportError::NoCard.into())
    }

    fn lock_for(&self, reader: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(reader.to_owned()).or_default())
    }

    fn release(&self, reader: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut map = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's reference and ours: nobody else holds or waits for it.
        if Arc::strong_count(&lock) <= 2 {
            map.remove(reader);
        }
    }

    /// Runs `op` on a reader, alone on that reader, in a blocking thread. A reader taken
    /// from the watch's last state that turns out empty is looked up again once.
    async fn on_reader<T: Send + 'static>(
        &self,
        kind: &'static str,
        requested: Option<String>,
        op: impl Fn(&dyn CardBackend, &str) -> Result<T, CardError> + Send + Sync + 'static,
    ) -> Result<(String, T), CardError> {
        let op = Arc::new(op);
        let start = Instant::now();
        let (mut reader, mut from_snapshot) = self.resolve(requested).await?;
        loop {
            let lock = self.lock_for(&reader);
            let guard = Arc::clone(&lock).lock_owned().await;
            let op2 = Arc::clone(&op);
            let name = reader.clone();
            let result = self
                .blocking(move |b| {
                    let _guard = guard;
                    op2(b, &name)
                })
                .await;
            self.release(&reader, lock);
            match result {
                Err(CardError::Transport(
                    TransportError::NoCard | TransportError::ReaderUnavailable,
                )) if from_snapshot => {
                    reader = self.live_card_reader().await?;
                    from_snapshot = false;
                }
                Ok(v) => {
                    tracing::debug!(reader = %reader, op = kind, ms = start.elapsed().as_millis() as u64, "card operation done");
                    return Ok((reader, v));
                }
                Err(e) => {
                    tracing::info!(reader = %reader, op = kind, code = e.legacy_code(), "card operation failed");
                    return Err(e);
                }
            }
        }
    }

    pub(crate) async fn read(
        &self,
        reader: Option<String>,
    ) -> Result<(String, CardRead), CardError> {
        self.on_reader("read", reader, |b, r| b.read(r)).await
    }

    pub(crate) async fn read_result(
        &self,
        reader: Option<String>,
    ) -> Result<CardResult, ErrorBody> {
        self.read(reader)
            .await
            .map(|(r, read)| CardResult::new(r, read))
            .map_err(|e| ErrorBody::card(&e))
    }

    pub(crate) async fn challenge_result(
        &self,
        reader: Option<String>,
    ) -> Result<ChallengeResult, ErrorBody> {
        self.on_reader("challenge", reader, |b, r| b.challenge(r))
            .await
            .map(|(r, c)| ChallengeResult::new(r, &c))
            .map_err(|e| ErrorBody::card(&e))
    }

    pub(crate) async fn authenticate_result(
        &self,
        reader: Option<String>,
        au: [u8; AU_LEN],
    ) -> Result<AuthenticateResult, ErrorBody> {
        self.on_reader("authenticate", reader, move |b, r| b.authenticate(r, &au))
            .await
            .map(|(reader, cr)| AuthenticateResult {
                reader,
                cr: hex::encode_upper(cr),
            })
            .map_err(|e| ErrorBody::card(&e))
    }

    pub(crate) async fn readers_result(&self) -> Result<ReadersResult, ErrorBody> {
        self.readers()
            .await
            .map(|list| ReadersResult {
                readers: list.iter().map(ReaderJson::from).collect(),
            })
            .map_err(|e| ErrorBody::card(&e))
    }

    pub(crate) async fn status_result(&self) -> StatusResult {
        let readers = self.readers().await;
        let (card_service, card_service_error, n, cards) = match &readers {
            Ok(list) => (
                true,
                None,
                list.len(),
                list.iter().filter(|r| r.card_present).count(),
            ),
            Err(e) => (false, Some(ErrorBody::card(e)), 0, 0),
        };
        StatusResult {
            service: "twnhi-bridge".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            protocol: PROTOCOL_VERSION,
            backend: self.backend.kind().into(),
            card_service,
            card_service_error,
            readers: n,
            cards,
            clients: self.clients(),
            max_clients: self.config.max_clients,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimBackend;

    fn shared() -> Shared {
        let (backend, _reader) = SimBackend::demo();
        Shared::new(BridgeConfig::default(), Arc::new(backend))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reader_locks_do_not_accumulate() {
        let s = shared();
        for i in 0..200 {
            let e = s
                .read(Some(format!("no such reader {i}")))
                .await
                .unwrap_err();
            assert_eq!(e.legacy_code(), 7003);
        }
        s.read(None).await.unwrap();
        assert!(s.locks.lock().unwrap().is_empty());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn works_on_a_current_thread_runtime_too() {
        let s = shared();
        let (reader, read) = s.read(None).await.unwrap();
        assert_eq!(reader, SimBackend::DEMO_READER);
        assert_eq!(read.card_data_flag, Some('0'));
        assert_eq!(s.status_result().await.cards, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stale_reader_from_the_watch_is_looked_up_again() {
        let (backend, first) = SimBackend::demo();
        let second = twnhi_sim::SimReader::new();
        let backend = backend.with_reader("second", second.clone());
        let s = Shared::new(BridgeConfig::default(), Arc::new(backend.clone()));
        // The watch saw the card in the first reader...
        s.sink.sync(&backend.readers().unwrap());
        // ...but it moved to the second one since.
        let card = first.remove().unwrap();
        second.insert(card);
        let (reader, _) = s.read(None).await.unwrap();
        assert_eq!(reader, "second");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn clients_are_counted() {
        let s = shared();
        assert_eq!(s.clients(), 0);
        let a = s.admit().await.unwrap();
        assert_eq!(s.clients(), 1);
        drop(a);
        let mut all = Vec::new();
        for _ in 0..s.config.max_clients {
            all.push(s.admit().await.unwrap());
        }
        // No session to close (HTTP requests in flight, say): refused.
        assert!(s.admit().await.is_none());
        drop(all);
        assert!(s.admit().await.is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_house_admits_by_closing_the_longest_idle_session() {
        let s = Arc::new(shared());
        let mut sessions = Vec::new();
        for _ in 0..s.config.max_clients {
            let permit = s.admit().await.unwrap();
            sessions.push((permit, s.sessions.register()));
        }
        // The first is busy, the second the longest idle after it.
        sessions[0].1.busy();
        let (victim_permit, victim) = sessions.remove(1);
        let closer = tokio::spawn(async move {
            victim.told_to_close().await;
            drop(victim);
            drop(victim_permit);
        });
        let admitted = tokio::time::timeout(std::time::Duration::from_secs(5), s.admit())
            .await
            .unwrap();
        assert!(admitted.is_some());
        closer.await.unwrap();
        assert_eq!(s.clients(), s.config.max_clients);
    }
}
