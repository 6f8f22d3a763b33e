//! Real readers through the PC/SC service.

use super::{CardBackend, CardRead, EventSink, ReaderInfo, WatchHandle, read_in, sleep_unless};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use twnhi_card::commands::{AU_LEN, CR_LEN};
use twnhi_card::{CardError, Challenge, NhiSession, TransportError};
use twnhi_pcsc::{CancelHandle, Pcsc, PcscCard};

/// How long the watch waits between two attempts to reach a stopped PC/SC service.
const RETRY: Duration = Duration::from_secs(1);
/// How long a connection to a card is kept after its last use. Other programs sharing the
/// reader can connect meanwhile (the connection is shared and every operation is a
/// transaction), but one that wants the card exclusively must wait this long.
pub(crate) const IDLE_RELEASE: Duration = Duration::from_secs(2);

/// Readers and cards through the platform's PC/SC service (pcscd on Linux), with
/// `twnhi-pcsc`: shared connections, one transaction per operation, `LEAVE_CARD`.
///
/// The backend starts without the service: while pcscd is down every operation fails with
/// 7001 ([`TransportError::ServiceUnavailable`]) and the watch retries every second; once the
/// service is back, operations and events resume by themselves.
///
/// A card's connection is kept between operations that follow each other closely (a burst
/// of reads, a challenge and its authentication) and released after 2 seconds without use,
/// so the card is not powered up again for every read. A kept connection that fails (card
/// pulled out, reset, service restarted) is dropped and the operation tried once more on a
/// new one.
#[derive(Clone, Default)]
pub struct PcscBackend {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    pcsc: Mutex<Option<Arc<Pcsc>>>,
    /// Connections kept between operations, by reader, with their last use.
    kept: Mutex<HashMap<String, (PcscCard, Instant)>>,
}

impl std::fmt::Debug for PcscBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscBackend").finish_non_exhaustive()
    }
}

impl PcscBackend {
    /// A backend; it connects to the PC/SC service at first use.
    pub fn new() -> PcscBackend {
        PcscBackend::default()
    }

    /// The PC/SC access, established now if not yet. `Pcsc` re-establishes its contexts by
    /// itself after the service restarted, so one is kept for the life of the backend.
    fn pcsc(&self) -> Result<Arc<Pcsc>, CardError> {
        let mut slot = self
            .inner
            .pcsc
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = slot.as_ref() {
            return Ok(Arc::clone(p));
        }
        let p = Arc::new(Pcsc::establish()?);
        *slot = Some(Arc::clone(&p));
        tracing::info!("connected to the PC/SC service");
        Ok(p)
    }

    fn take_kept(&self, reader: &str) -> Option<PcscCard> {
        let kept = self
            .inner
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(reader);
        match kept {
            Some((card, last)) if last.elapsed() < IDLE_RELEASE => Some(card),
            _ => None, // too old: disconnected here, leaving the card as it is
        }
    }

    fn keep(&self, reader: &str, card: PcscCard) {
        let old = self
            .inner
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(reader.to_owned(), (card, Instant::now()));
        drop(old);
    }

    /// Disconnects the connections unused for [`IDLE_RELEASE`] (the watch calls this about
    /// once a second).
    pub(crate) fn release_idle(&self) {
        let stale: Vec<PcscCard> = {
            let mut kept = self
                .inner
                .kept
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let old: Vec<String> = kept
                .iter()
                .filter(|(_, (_, last))| last.elapsed() >= IDLE_RELEASE)
                .map(|(r, _)| r.clone())
                .collect();
            old.iter()
                .filter_map(|r| kept.remove(r).map(|(c, _)| c))
                .collect()
        };
        for card in stale {
            tracing::debug!(reader = %card.reader(), "idle connection released");
            if let Err(e) = card.disconnect() {
                tracing::debug!(code = e.legacy_code(), "disconnect failed");
            }
        }
    }

    /// Runs `op` on the card in `reader`: on the kept connection if there is one (a
    /// transport failure there is retried once on a new connection), else on a new one. The
    /// connection is kept afterwards unless the transport failed.
    fn with_card<T>(
        &self,
        reader: &str,
        op: impl Fn(&mut PcscCard) -> Result<T, CardError>,
    ) -> Result<T, CardError> {
        if let Some(mut card) = self.take_kept(reader) {
            match op(&mut card) {
                Err(CardError::Transport(e)) => {
                    tracing::debug!(reader = %reader, error = %e, "kept connection failed; connecting again");
                }
                result => {
                    self.keep(reader, card);
                    return result;
                }
            }
        }
        let pcsc = self.pcsc()?;
        let mut card = pcsc.connect(reader)?;
        let result = op(&mut card);
        if !matches!(result, Err(CardError::Transport(_))) {
            self.keep(reader, card);
        }
        result
    }
}

impl CardBackend for PcscBackend {
    fn kind(&self) -> &'static str {
        "pcsc"
    }

    fn readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        Ok(self
            .pcsc()?
            .readers()?
            .into_iter()
            .map(ReaderInfo::from)
            .collect())
    }

    fn read(&self, reader: &str) -> Result<CardRead, CardError> {
        self.with_card(reader, |card| {
            let mut tx = card.transaction()?;
            let result = read_in(&mut NhiSession::new(&mut tx), reader);
            if let Err(e) = tx.end() {
                tracing::debug!(reader = %reader, code = e.legacy_code(), "end transaction failed");
            }
            result
        })
    }

    fn challenge(&self, reader: &str) -> Result<Challenge, CardError> {
        self.with_card(reader, PcscCard::challenge)
    }

    fn authenticate(&self, reader: &str, au: &[u8; AU_LEN]) -> Result<[u8; CR_LEN], CardError> {
        self.with_card(reader, |card| card.authenticate(au))
    }

    fn watch(&self, events: EventSink) -> WatchHandle {
        let stop = Arc::new(AtomicBool::new(false));
        let cancel: Arc<Mutex<Option<CancelHandle>>> = Arc::default();
        let backend = self.clone();
        let spawned = {
            let stop = Arc::clone(&stop);
            let cancel = Arc::clone(&cancel);
            std::thread::Builder::new()
                .name("twnhi-bridge-watch".into())
                .spawn(move || watch_loop(&backend, &events, &stop, &cancel))
        };
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the reader watch thread");
            return WatchHandle::none();
        }
        WatchHandle::new(move || {
            stop.store(true, Ordering::SeqCst);
            let handle = cancel.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(h) = handle {
                let _ = h.cancel();
            }
        })
    }
}

fn is_down(e: &CardError) -> bool {
    matches!(e, CardError::Transport(TransportError::ServiceUnavailable))
}

fn watch_loop(
    backend: &PcscBackend,
    events: &EventSink,
    stop: &AtomicBool,
    cancel: &Mutex<Option<CancelHandle>>,
) {
    let mut warned = false;
    while !stop.load(Ordering::SeqCst) {
        let started = backend.pcsc().and_then(|p| {
            let mut watcher = p.watcher()?;
            *cancel.lock().unwrap_or_else(PoisonError::into_inner) = Some(watcher.cancel_handle());
            // The watcher's first look, then the full list (readers without cards too);
            // whatever changes in between, the watcher reports later.
            let first = watcher.next_events(Duration::ZERO)?;
            let readers = p.readers()?;
            Ok((watcher, first, readers))
        });
        let (mut watcher, first, readers) = match started {
            Ok(s) => s,
            Err(e) => {
                backend.release_idle();
                if is_down(&e) {
                    if !warned {
                        tracing::warn!(
                            "PC/SC service not running; waiting for it (reads answer 7001)"
                        );
                        warned = true;
                    }
                    events.service_down();
                } else if !twnhi_pcsc::is_cancelled(&e) {
                    tracing::warn!(code = e.legacy_code(), error = %e, "reader watch failed; retrying");
                }
                sleep_unless(stop, RETRY);
                continue;
            }
        };
        if warned {
            tracing::info!("PC/SC service is back");
            warned = false;
        }
        let readers: Vec<ReaderInfo> = readers.into_iter().map(ReaderInfo::from).collect();
        events.sync(&readers);
        for e in &first {
            events.apply(e);
        }
        while !stop.load(Ordering::SeqCst) {
            backend.release_idle();
            match watcher.next_events(Duration::from_secs(1)) {
                Ok(batch) => batch.iter().for_each(|e| events.apply(e)),
                Err(e) if twnhi_pcsc::is_cancelled(&e) => break,
                Err(e) => {
                    if is_down(&e) {
                        tracing::warn!("PC/SC service stopped; waiting for it (reads answer 7001)");
                        warned = true;
                        events.service_down();
                    } else {
                        tracing::warn!(code = e.legacy_code(), error = %e, "reader watch failed; restarting it");
                    }
                    sleep_unless(stop, RETRY);
                    break;
                }
            }
        }
    }
    tracing::debug!("reader watch stopped");
}
