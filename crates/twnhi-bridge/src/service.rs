//! The bridge's state and its card operations: reader resolution, one operation at a time
//! per reader, reads shared by the requests waiting for them, blocking calls moved off the
//! async workers.

use crate::backend::{CardBackend, CardRead, EventSink};
use crate::clients::Registry;
use crate::config::BridgeConfig;
use crate::protocol::{
    AuthenticateResult, CardResult, ChallengeResult, ErrorBody, PROTOCOL_VERSION, ReaderJson,
    ReadersResult, StatusResult,
};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
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

/// What a shared read gives every request it answers.
pub(crate) type SharedRead = Result<CardRead, Arc<CardError>>;

/// The reads of one reader: whether one is under way, and the requests that arrived since it
/// began (the next read answers them all).
#[derive(Default)]
struct ReadGroup {
    running: bool,
    waiting: VecDeque<oneshot::Sender<Turn>>,
}

/// The read groups by reader name; entries are removed when no read runs or waits.
type ReadGroups = Arc<Mutex<HashMap<String, ReadGroup>>>;

/// What a waiting request is told.
enum Turn {
    /// The read that began after it arrived is done: here is its result.
    Done(SharedRead),
    /// No read is under way any more: it is to read, for itself and whoever waits by then.
    Lead(Leadership),
}

/// The duty of running a reader's next read. Dropped without [`finish`](Self::finish) (its
/// request was cancelled), it passes to the next waiting request, so no request waits for a
/// read that never comes.
struct Leadership {
    groups: ReadGroups,
    reader: String,
    armed: bool,
}

impl Leadership {
    /// The requests waiting now: they all arrived before the read that is about to begin.
    fn take_waiting(&self) -> Vec<oneshot::Sender<Turn>> {
        let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        groups
            .get_mut(&self.reader)
            .map(|g| g.waiting.drain(..).collect())
            .unwrap_or_default()
    }

    /// Hands the next read to the first request that arrived during this one (and still
    /// waits), or marks the reader idle.
    fn finish(mut self) {
        self.hand_over();
    }

    fn hand_over(&mut self) {
        if !std::mem::replace(&mut self.armed, false) {
            return;
        }
        loop {
            // The lock is not held while sending: a duty dropped with its channel hands over
            // again, which takes the lock.
            let next = {
                let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
                let Some(group) = groups.get_mut(&self.reader) else {
                    return;
                };
                match group.waiting.pop_front() {
                    Some(next) => next,
                    None => {
                        groups.remove(&self.reader);
                        return;
                    }
                }
            };
            let duty = Leadership {
                groups: Arc::clone(&self.groups),
                reader: self.reader.clone(),
                armed: true,
            };
            match next.send(Turn::Lead(duty)) {
                Ok(()) => return,
                // That request is gone: try the next one (without handing over twice).
                Err(Turn::Lead(mut duty)) => duty.armed = false,
                Err(Turn::Done(_)) => {}
            }
        }
    }
}

impl Drop for Leadership {
    fn drop(&mut self) {
        self.hand_over();
    }
}

/// What every handler shares.
pub(crate) struct Shared {
    pub config: BridgeConfig,
    pub backend: Arc<dyn CardBackend>,
    pub sink: EventSink,
    locks: ReaderLocks,
    reads: ReadGroups,
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
            reads: Arc::default(),
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

    /// One read of `reader`, shared (see [`read`](Self::read)).
    async fn shared_read(&self, reader: &str) -> SharedRead {
        let duty = loop {
            let waiting = {
                let mut groups = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
                let group = groups.entry(reader.to_owned()).or_default();
                if group.running {
                    let (tx, rx) = oneshot::channel();
                    group.waiting.push_back(tx);
                    Some(rx)
                } else {
                    group.running = true;
                    None
                }
            };
            match waiting {
                None => {
                    break Leadership {
                        groups: Arc::clone(&self.reads),
                        reader: reader.to_owned(),
                        armed: true,
                    };
                }
                Some(rx) => match rx.await {
                    Ok(Turn::Done(result)) => return result,
                    Ok(Turn::Lead(duty)) => break duty,
                    // The reader's group was dropped under us (cannot happen: leaderships
                    // hand over when dropped); ask again.
                    Err(_) => continue,
                },
            }
        };
        let lock = self.lock_for(reader);
        let guard = Arc::clone(&lock).lock_owned().await;
        // Everyone waiting now arrived before this read begins.
        let followers = duty.take_waiting();
        let name = reader.to_owned();
        let result = self
            .blocking(move |b| {
                let _guard = guard;
                b.read(&name)
            })
            .await
            .map_err(Arc::new);
        self.release(reader, lock);
        if !followers.is_empty() {
            tracing::trace!(reader = %reader, shared_with = followers.len(), "read shared");
        }
        for f in followers {
            let _ = f.send(Turn::Done(result.clone()));
        }
        duty.finish();
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
        assert!(s.reads.lock().unwrap().is_empty());
    }

    fn slow_shared(ms: u64) -> (Arc<Shared>, twnhi_sim::SimReader) {
        let card = twnhi_sim::SimCard::new(
            twnhi_sim::Identity::sample(),
            twnhi_sim::Faults::parse(&format!("slow={ms}")).unwrap(),
        );
        let (backend, reader) = SimBackend::with_card(card);
        reader.with_card(|c| c.clear_log());
        (
            Arc::new(Shared::new(BridgeConfig::default(), Arc::new(backend))),
            reader,
        )
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
        assert!(s.reads.lock().unwrap().is_empty());
        assert!(s.locks.lock().unwrap().is_empty());
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
    async fn a_cancelled_request_passes_its_turn_on() {
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
        assert!(s.reads.lock().unwrap().is_empty());
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
