//! The bridge's state and its card operations: reader resolution, one operation at a time
//! per reader, reads shared by the requests waiting for them, blocking calls moved off the
//! async workers.

use crate::backend::ReaderInfo;
use crate::backend::{CardBackend, CardRead, EventSink};
use crate::clients::Registry;
use crate::config::BridgeConfig;
use crate::protocol::{
    AuthenticateResult, CardResult, CertificateJson, CertificatesResult, ChallengeResult,
    ErrorBody, PROTOCOL_VERSION, ReaderJson, ReadersResult, SignResult, StatusResult, TokenJson,
};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use twnhi_card::commands::AU_LEN;
use twnhi_card::{CardError, TransportError};
use twnhi_pkcs11::{CertError, CertificateToken, Pin, Scheme};

/// Longest reader name a request may give (PC/SC names are far shorter).
pub(crate) const MAX_READER_NAME: usize = 256;
/// How long a newcomer waits for the slot of the idle WebSocket closed for it (the closing
/// session sends its close frame with a shorter timeout than this).
const EVICTION_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// One mutex per reader name in use; entries are removed when no operation holds or waits
/// for them, so names sent by clients cannot grow the map.
#[derive(Default)]
struct ReaderLocks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl ReaderLocks {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_for(&self, reader: &str) -> Arc<tokio::sync::Mutex<()>> {
        Arc::clone(self.map().entry(reader.to_owned()).or_default())
    }

    fn release(&self, reader: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut map = self.map();
        // The map's reference and ours: nobody else holds or waits for it.
        if Arc::strong_count(&lock) <= 2 {
            map.remove(reader);
        }
    }
}

/// What a shared read gives every request it answers.
pub(crate) type SharedRead = Result<CardRead, Arc<CardError>>;

/// The requests waiting for the next read of one reader. An entry exists while a read of that
/// reader is under way; the requests that arrive meanwhile wait in it.
type ReadGroups = Mutex<HashMap<String, VecDeque<oneshot::Sender<SharedRead>>>>;

/// How long the thread serving waiting requests waits for another request before it ends:
/// under steady load the next request comes within one read, and is then served without
/// waking another thread for it.
const LINGER: std::time::Duration = std::time::Duration::from_millis(2);

/// What reads need, shared with the thread that serves waiting requests.
struct Reads {
    backend: Arc<dyn CardBackend>,
    locks: ReaderLocks,
    groups: ReadGroups,
    /// Signalled when a request starts waiting.
    arrived: Condvar,
}

impl Reads {
    fn groups(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<oneshot::Sender<SharedRead>>>> {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The requests waiting now (they all arrived before the read about to begin), waiting
    /// up to [`LINGER`] for one; an empty list ends the reader's group (no read under way any
    /// more, the next request reads itself).
    fn take_waiting(&self, reader: &str) -> Vec<oneshot::Sender<SharedRead>> {
        let deadline = Instant::now() + LINGER;
        let mut groups = self.groups();
        loop {
            let batch: Vec<_> = groups
                .get_mut(reader)
                .map(|w| w.drain(..).collect())
                .unwrap_or_default();
            let left = deadline.saturating_duration_since(Instant::now());
            if !batch.is_empty() || left.is_zero() {
                if batch.is_empty() {
                    groups.remove(reader);
                }
                return batch;
            }
            groups = self
                .arrived
                .wait_timeout(groups, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Serves the requests that wait for `reader`, one read per batch, back to back in this
    /// (blocking) thread until none waits.
    fn drain(&self, reader: &str) {
        loop {
            let batch = self.take_waiting(reader);
            if batch.is_empty() {
                return;
            }
            let lock = self.locks.lock_for(reader);
            let guard = Arc::clone(&lock).blocking_lock_owned();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.backend.read(reader)
            }))
            .unwrap_or_else(|_| Err(task_failed()))
            .map_err(Arc::new);
            drop(guard);
            self.locks.release(reader, lock);
            tracing::trace!(reader = %reader, answers = batch.len(), "shared read");
            for tx in batch {
                let _ = tx.send(result.clone());
            }
        }
    }
}

/// Held by the request that runs a reader's read itself. When it ends (done or cancelled),
/// the requests that arrived meanwhile are served by a blocking task that reads for them
/// back to back; without any, the reader's group ends.
struct FirstRead {
    reads: Arc<Reads>,
    reader: String,
}

impl Drop for FirstRead {
    fn drop(&mut self) {
        let waiting = {
            let mut groups = self.reads.groups();
            match groups.get(&self.reader) {
                Some(w) if !w.is_empty() => true,
                _ => {
                    groups.remove(&self.reader);
                    false
                }
            }
        };
        if !waiting {
            return;
        }
        let reads = Arc::clone(&self.reads);
        let reader = std::mem::take(&mut self.reader);
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn_blocking(move || reads.drain(&reader));
            }
            // No runtime any more (shutting down): nobody is left to answer.
            Err(_) => {
                reads.groups().remove(&reader);
            }
        }
    }
}

/// What every handler shares.
pub(crate) struct Shared {
    pub config: BridgeConfig,
    pub backend: Arc<dyn CardBackend>,
    /// The certificate cards.
    pub certs: Arc<dyn CertificateToken>,
    /// One certificate operation at a time (a card does one thing at a time).
    cert_lock: Arc<tokio::sync::Mutex<()>>,
    pub sink: EventSink,
    reads: Arc<Reads>,
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
    pub(crate) fn new(
        config: BridgeConfig,
        backend: Arc<dyn CardBackend>,
        certs: Arc<dyn CertificateToken>,
    ) -> Shared {
        let tls = config.tls.is_some();
        Shared {
            certs,
            cert_lock: Arc::default(),
            permits: Arc::new(Semaphore::new(config.max_clients)),
            sessions: Arc::default(),
            conns: Arc::default(),
            config,
            backend: Arc::clone(&backend),
            sink: EventSink::new(),
            reads: Arc::new(Reads {
                backend,
                locks: ReaderLocks::default(),
                groups: Mutex::default(),
                arrived: Condvar::new(),
            }),
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
        self.reads.locks.lock_for(reader)
    }

    fn release(&self, reader: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        self.reads.locks.release(reader, lock);
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

    /// Reads the card (basic data and card-data flag). Requests for the same reader share
    /// reads: a read answers every request that arrived before it began, so under load one
    /// card read answers many requests, and never a request that arrived after it began (its
    /// answer is never older than the request). Reads run one at a time per reader, like
    /// every other operation.
    pub(crate) async fn read(
        &self,
        reader: Option<String>,
    ) -> Result<(String, CardRead), Arc<CardError>> {
        let start = Instant::now();
        let (mut reader, mut from_snapshot) = self.resolve(reader).await?;
        loop {
            match self.shared_read(&reader).await {
                Err(e)
                    if from_snapshot
                        && matches!(
                            *e,
                            CardError::Transport(
                                TransportError::NoCard | TransportError::ReaderUnavailable
                            )
                        ) =>
                {
                    reader = self.live_card_reader().await?;
                    from_snapshot = false;
                }
                Ok(v) => {
                    tracing::debug!(reader = %reader, op = "read", ms = start.elapsed().as_millis() as u64, "card operation done");
                    return Ok((reader, v));
                }
                Err(e) => {
                    tracing::info!(reader = %reader, op = "read", code = e.legacy_code(), "card operation failed");
                    return Err(e);
                }
            }
        }
    }

    /// One read of `reader`, shared (see [`read`](Self::read)): the first request reads
    /// itself, in place; those arriving during its read wait, and are then answered by reads
    /// run back to back in a blocking task, one read per batch of waiting requests.
    async fn shared_read(&self, reader: &str) -> SharedRead {
        let waiting = {
            let mut groups = self.reads.groups();
            match groups.get_mut(reader) {
                Some(w) => {
                    let (tx, rx) = oneshot::channel();
                    w.push_back(tx);
                    Some(rx)
                }
                None => {
                    groups.insert(reader.to_owned(), VecDeque::new());
                    None
                }
            }
        };
        if let Some(rx) = waiting {
            self.reads.arrived.notify_all();
            // A dropped sender means the task serving the reader failed: report it as such.
            return rx.await.unwrap_or_else(|_| Err(Arc::new(task_failed())));
        }
        let first = FirstRead {
            reads: Arc::clone(&self.reads),
            reader: reader.to_owned(),
        };
        let lock = self.lock_for(reader);
        let guard = Arc::clone(&lock).lock_owned().await;
        let name = reader.to_owned();
        let result = self
            .blocking(move |b| {
                let _guard = guard;
                b.read(&name)
            })
            .await
            .map_err(Arc::new);
        self.release(reader, lock);
        drop(first);
        result
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
            cert_backend: self.certs.kind().into(),
        }
    }

    /// Runs a certificate operation alone (one at a time), in a blocking thread; logs its
    /// kind, duration and error code — never its data.
    async fn cert_op<T: Send + 'static>(
        &self,
        kind: &'static str,
        f: impl FnOnce(&dyn CertificateToken) -> Result<T, CertError> + Send + 'static,
    ) -> Result<T, ErrorBody> {
        let start = Instant::now();
        let guard = Arc::clone(&self.cert_lock).lock_owned().await;
        let certs = Arc::clone(&self.certs);
        let failed = || CertError::Token {
            reason: "certificate operation did not complete".to_owned(),
        };
        let run = move || {
            let _guard = guard;
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(certs.as_ref())))
                .unwrap_or_else(|_| Err(failed()))
        };
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        let result = if multi_thread {
            tokio::task::block_in_place(run)
        } else {
            tokio::task::spawn_blocking(run)
                .await
                .unwrap_or_else(|_| Err(failed()))
        };
        match result {
            Ok(v) => {
                tracing::debug!(
                    op = kind,
                    ms = start.elapsed().as_millis() as u64,
                    "certificate operation done"
                );
                Ok(v)
            }
            Err(e) => {
                tracing::info!(op = kind, code = e.code(), "certificate operation failed");
                Err(ErrorBody::cert(&e))
            }
        }
    }

    /// The certificate cards and their certificates (no PIN). No card: error 7503.
    pub(crate) async fn certificates_result(&self) -> Result<CertificatesResult, ErrorBody> {
        self.cert_op("certificates", |c| {
            let tokens = c.tokens()?;
            if tokens.is_empty() {
                return Err(CertError::NoToken);
            }
            Ok(CertificatesResult {
                tokens: tokens.iter().map(TokenJson::from).collect(),
                certificates: c
                    .certificates()?
                    .iter()
                    .map(CertificateJson::from)
                    .collect(),
            })
        })
        .await
    }

    /// Signs `data` with the certificate `serial` after logging in with `pin` (moved in,
    /// wiped when the operation ends). Without a scheme, the key's default: PKCS#1 v1.5
    /// SHA-256 for RSA, ECDSA P-256 SHA-256 for EC.
    pub(crate) async fn sign_result(
        &self,
        serial: String,
        data: Vec<u8>,
        scheme: Option<Scheme>,
        pin: Pin,
    ) -> Result<SignResult, ErrorBody> {
        self.cert_op("sign", move |c| {
            let cert = c
                .certificates()?
                .into_iter()
                .find(|cert| cert.serial == serial)
                .ok_or(CertError::CertificateMissing { serial })?;
            let scheme = match scheme {
                Some(s) => s,
                None => crate::protocol::schemes_for(&cert.key)
                    .first()
                    .copied()
                    .ok_or(CertError::MechanismUnsupported {
                        scheme: Scheme::Pkcs1Sha256,
                    })?,
            };
            let signature = c.sign(&cert.serial, &pin, scheme, &data)?;
            drop(pin);
            Ok(SignResult {
                serial: cert.serial,
                scheme: scheme.name().to_owned(),
                signature: hex::encode_upper(signature),
                certificate: hex::encode_upper(&cert.der),
            })
        })
        .await
    }
}

#[cfg(test)]
#[cfg(feature = "sim")]
mod tests {
    use super::*;
    use crate::SimBackend;

    fn no_certs() -> Arc<dyn CertificateToken> {
        Arc::new(crate::certs::SimCertBackend::new())
    }

    fn shared() -> Shared {
        let (backend, _reader) = SimBackend::demo();
        Shared::new(BridgeConfig::default(), Arc::new(backend), no_certs())
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
        assert!(s.reads.locks.map().is_empty());
        assert!(s.reads.groups().is_empty());
    }

    fn slow_shared(ms: u64) -> (Arc<Shared>, twnhi_sim::SimReader) {
        let card = twnhi_sim::SimCard::new(
            twnhi_sim::Identity::sample(),
            twnhi_sim::Faults::parse(&format!("slow={ms}")).unwrap(),
        );
        let (backend, reader) = SimBackend::with_card(card);
        reader.with_card(|c| c.clear_log());
        (
            Arc::new(Shared::new(
                BridgeConfig::default(),
                Arc::new(backend),
                no_certs(),
            )),
            reader,
        )
    }

    /// Waits until no read group is left (the serving thread lingers a moment for new
    /// requests before it ends).
    async fn groups_end(s: &Shared) {
        for _ in 0..100 {
            if s.reads.groups().is_empty() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("read groups left behind");
    }

    fn card_reads(reader: &twnhi_sim::SimReader) -> usize {
        let log = reader.with_card(|c| c.log().to_vec()).unwrap();
        assert_eq!(log.len() % 3, 0, "{log:?}");
        log.len() / 3
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_reads_share_card_reads() {
        // 20 ms per APDU: a read takes about 60 ms.
        let (s, reader) = slow_shared(20);
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let s = Arc::clone(&s);
                tokio::spawn(async move { s.read(None).await })
            })
            .collect();
        for t in tasks {
            let (_, read) = t.await.unwrap().unwrap();
            assert_eq!(read.basic.card_no.as_str(), "000011112222");
        }
        let reads = card_reads(&reader);
        assert!(
            (1..=3).contains(&reads),
            "{reads} card reads for 50 requests"
        );
        groups_end(&s).await;
        assert!(s.reads.locks.map().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_arriving_during_a_read_gets_a_read_of_its_own() {
        let (s, reader) = slow_shared(30);
        let first = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.read(None).await.map(|_| Instant::now()) })
        };
        // The first read is under way (about 90 ms).
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let asked = Instant::now();
        let second = s.read(None).await.map(|_| Instant::now()).unwrap();
        let first = first.await.unwrap().unwrap();
        assert_eq!(card_reads(&reader), 2);
        assert!(second > first);
        assert!(second - asked >= std::time::Duration::from_millis(60));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_waiting_request_does_not_hold_up_the_others() {
        let (s, reader) = slow_shared(30);
        let first = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.read(None).await.is_ok() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        // Two requests wait for the next read; the first of them gives up.
        let quitter = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.read(None).await.is_ok() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let patient = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.read(None).await.is_ok() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        quitter.abort();
        assert!(first.await.unwrap());
        let done = tokio::time::timeout(std::time::Duration::from_secs(5), patient)
            .await
            .expect("the waiting request was served")
            .unwrap();
        assert!(done);
        assert_eq!(card_reads(&reader), 2);
        groups_end(&s).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_first_request_cancelled_before_its_read_leaves_no_one_waiting() {
        let (s, reader) = slow_shared(30);
        // A challenge holds the reader for about 90 ms.
        let challenge = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.challenge_result(None).await.is_ok() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        // The first read waits for the reader; a second waits for that read.
        let first = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.read(None).await.is_ok() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let second = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { s.read(None).await.is_ok() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        first.abort();
        assert!(challenge.await.unwrap());
        let done = tokio::time::timeout(std::time::Duration::from_secs(5), second)
            .await
            .expect("the waiting request was served")
            .unwrap();
        assert!(done);
        // The challenge's three APDUs, then one read.
        let log = reader.with_card(|c| c.log().to_vec()).unwrap();
        assert_eq!(log.len(), 6, "{log:?}");
        groups_end(&s).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_read_fails_every_request_it_answers() {
        let (s, reader) = slow_shared(20);
        let _card = reader.remove();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let s = Arc::clone(&s);
                tokio::spawn(async move { s.read(Some(SimBackend::DEMO_READER.into())).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap_err().legacy_code(), 7004);
        }
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
        let s = Shared::new(
            BridgeConfig::default(),
            Arc::new(backend.clone()),
            no_certs(),
        );
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
