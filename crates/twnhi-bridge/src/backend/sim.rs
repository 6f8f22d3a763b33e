//! Simulated readers in process.

use super::{CardBackend, CardRead, EventSink, ReaderInfo, WatchHandle, read_in, sleep_unless};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use twnhi_card::commands::{AU_LEN, CR_LEN};
use twnhi_card::{CardError, Challenge, NhiSession, TransportError};
use twnhi_sim::{Faults, Identity, SimCard, SimReader};

/// How often the watch looks at the simulated slots.
const POLL: Duration = Duration::from_millis(50);

/// Simulated readers ([`SimReader`]s), each under a name; cards are inserted and removed
/// through the readers (clones of a `SimReader` share its slot), and the watch reports it
/// within 50 ms.
///
/// ```
/// use twnhi_bridge::{CardBackend, SimBackend};
/// use twnhi_sim::{Faults, Identity, SimCard};
///
/// let (backend, reader) = SimBackend::demo();
/// let read = backend.read(SimBackend::DEMO_READER)?;
/// assert_eq!(read.basic.card_no, Identity::sample().card_no);
/// reader.remove();                                   // pull the card out
/// assert_eq!(backend.read(SimBackend::DEMO_READER).unwrap_err().legacy_code(), 7004);
/// reader.insert(SimCard::new(Identity::sample(), Faults::default()));
/// # Ok::<(), twnhi_card::CardError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct SimBackend {
    readers: Arc<Vec<(String, SimReader)>>,
}

impl SimBackend {
    /// The name of the reader of [`demo`](Self::demo).
    pub const DEMO_READER: &'static str = "twnhi Simulated Reader 00";

    /// A backend without readers.
    pub fn new() -> SimBackend {
        SimBackend::default()
    }

    /// Adds a reader under `name` (a second reader of the same name is ignored).
    #[must_use]
    pub fn with_reader(self, name: impl Into<String>, reader: SimReader) -> SimBackend {
        let name = name.into();
        let mut readers: Vec<(String, SimReader)> = self.readers.as_ref().clone();
        if !readers.iter().any(|(n, _)| *n == name) {
            readers.push((name, reader));
        }
        SimBackend {
            readers: Arc::new(readers),
        }
    }

    /// One reader, [`DEMO_READER`](Self::DEMO_READER), holding a card of
    /// [`Identity::sample`]; the reader is returned too, to insert and remove cards.
    pub fn demo() -> (SimBackend, SimReader) {
        Self::with_card(SimCard::new(Identity::sample(), Faults::default()))
    }

    /// One reader, [`DEMO_READER`](Self::DEMO_READER), holding `card`.
    pub fn with_card(card: SimCard) -> (SimBackend, SimReader) {
        let reader = SimReader::new();
        reader.insert(card);
        (
            SimBackend::new().with_reader(Self::DEMO_READER, reader.clone()),
            reader,
        )
    }

    /// The reader called `name`.
    pub fn reader(&self, name: &str) -> Option<&SimReader> {
        self.readers.iter().find(|(n, _)| n == name).map(|(_, r)| r)
    }

    fn slot(&self, name: &str) -> Result<SimReader, CardError> {
        if self.readers.is_empty() {
            return Err(TransportError::NoReader.into());
        }
        let reader = self.reader(name).ok_or(TransportError::ReaderUnavailable)?;
        if !reader.has_card() {
            return Err(TransportError::NoCard.into());
        }
        Ok(reader.clone())
    }
}

impl CardBackend for SimBackend {
    fn kind(&self) -> &'static str {
        "sim"
    }

    fn readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        Ok(self
            .readers
            .iter()
            .map(|(name, r)| match r.atr().filter(|_| r.has_card()) {
                Some(atr) => ReaderInfo::with_card(name.clone(), atr),
                None => ReaderInfo::empty(name.clone()),
            })
            .collect())
    }

    fn read(&self, reader: &str) -> Result<CardRead, CardError> {
        let slot = self.slot(reader)?;
        read_in(&mut NhiSession::new(slot), reader)
    }

    fn challenge(&self, reader: &str) -> Result<Challenge, CardError> {
        NhiSession::new(self.slot(reader)?).challenge()
    }

    fn authenticate(&self, reader: &str, au: &[u8; AU_LEN]) -> Result<[u8; CR_LEN], CardError> {
        NhiSession::new(self.slot(reader)?).authenticate(au)
    }

    fn watch(&self, events: EventSink) -> WatchHandle {
        let stop = Arc::new(AtomicBool::new(false));
        let backend = self.clone();
        let spawned = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("twnhi-bridge-sim-watch".into())
                .spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        if let Ok(list) = backend.readers() {
                            events.sync(&list);
                        }
                        sleep_unless(&stop, POLL);
                    }
                })
        };
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the simulated reader watch thread");
            return WatchHandle::none();
        }
        WatchHandle::new(move || stop.store(true, Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_reads_and_reports_missing_cards() {
        let (b, r) = SimBackend::demo();
        let read = b.read(SimBackend::DEMO_READER).unwrap();
        assert_eq!(read.card_data_flag, Some('0'));
        assert_eq!(b.readers().unwrap().len(), 1);
        assert!(b.readers().unwrap()[0].card_present);
        assert_eq!(b.read("nope").unwrap_err().legacy_code(), 7003);
        r.remove();
        assert_eq!(
            b.read(SimBackend::DEMO_READER).unwrap_err().legacy_code(),
            7004
        );
        assert!(!b.readers().unwrap()[0].card_present);
        assert_eq!(SimBackend::new().read("x").unwrap_err().legacy_code(), 7002);
    }

    #[test]
    fn challenge_and_authenticate() {
        let id = Identity::sample();
        let (b, _r) = SimBackend::demo();
        let c = b.challenge(SimBackend::DEMO_READER).unwrap();
        assert_eq!(c.card_no, id.card_no.as_str());
        let au = id.key().build_au(&c.rc, &[7u8; 16]);
        let cr = b.authenticate(SimBackend::DEMO_READER, &au).unwrap();
        assert!(
            id.key()
                .verify_cr(&[7u8; 16], &c.rc, c.card_no.as_str(), &cr)
        );
        // Single-use challenge: the same au again is refused.
        assert_eq!(
            b.authenticate(SimBackend::DEMO_READER, &au)
                .unwrap_err()
                .legacy_code(),
            8006
        );
    }
}
