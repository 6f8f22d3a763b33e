//! Card backends: where the bridge gets its cards from.
//!
//! A backend is blocking (the PC/SC API is); the bridge calls it on tokio's blocking pool and
//! makes sure that only one operation runs at a time on each reader, so a backend needs no
//! locking of its own for that. Two backends come with the crate:
//!
//! - `PcscBackend` (feature `pcsc`, on by default): real readers through the platform's
//!   PC/SC service (`twnhi-pcsc`).
//! - `SimBackend` (feature `sim`, on by default): simulated readers in process
//!   (`twnhi_sim::SimReader`), for demos and tests.
//!
//! Another program can bring its own by implementing [`CardBackend`]; with
//! `default-features = false` the crate links neither PC/SC nor the simulator.

#[cfg(feature = "pcsc")]
mod pcsc;
#[cfg(feature = "sim")]
mod sim;
mod sink;

#[cfg(feature = "pcsc")]
pub use pcsc::PcscBackend;
#[cfg(feature = "sim")]
pub use sim::SimBackend;
pub use sink::EventSink;
pub(crate) use sink::rank as sink_rank;

use twnhi_card::atr::{self, CardKind};
use twnhi_card::commands::{AU_LEN, CR_LEN};
use twnhi_card::{BasicData, CardError, Challenge};

/// A reader as a backend reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The reader's name, as the backend's operations take it.
    pub name: String,
    /// Whether a card is in the reader (including a mute card that gave no ATR).
    pub card_present: bool,
    /// The card's answer-to-reset, when a card is present and answered.
    pub atr: Option<Vec<u8>>,
    /// What the ATR says about the card ([`CardKind::Unknown`] when there is no card).
    pub card_kind: CardKind,
}

impl ReaderInfo {
    /// A reader without a card.
    pub fn empty(name: impl Into<String>) -> ReaderInfo {
        ReaderInfo {
            name: name.into(),
            card_present: false,
            atr: None,
            card_kind: CardKind::Unknown,
        }
    }

    /// A reader holding a card that answered with `atr` (its kind recognised from the ATR
    /// table of `twnhi-card`).
    pub fn with_card(name: impl Into<String>, atr: &[u8]) -> ReaderInfo {
        ReaderInfo {
            name: name.into(),
            card_present: true,
            atr: Some(atr.to_vec()),
            card_kind: atr::recognize(atr),
        }
    }
}

#[cfg(feature = "pcsc")]
impl From<twnhi_pcsc::ReaderInfo> for ReaderInfo {
    fn from(r: twnhi_pcsc::ReaderInfo) -> ReaderInfo {
        ReaderInfo {
            name: r.name,
            card_present: r.card_present,
            atr: r.atr,
            card_kind: r.card_kind,
        }
    }
}

/// What a read returns: the basic data and the first character of the card data (GET DATA
/// P1 `24`), which the legacy `GetBasic` reply ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRead {
    /// The decoded basic data (its `Debug` masks personal data).
    pub basic: BasicData,
    /// The first byte of GET DATA P1 `24` as a character, when the card answers it with a
    /// printable ASCII byte; `None` otherwise.
    pub card_data_flag: Option<char>,
}

impl CardRead {
    /// The flag from the raw answer of GET DATA P1 `24`.
    pub fn flag_from_card_data(data: &[u8]) -> Option<char> {
        data.first()
            .filter(|b| b.is_ascii_graphic())
            .map(|&b| char::from(b))
    }
}

/// A source of NHI cards. Blocking; called from the bridge's blocking threads, one operation
/// at a time per reader.
///
/// Every operation that takes a `reader` gets an exact reader name (the bridge resolves
/// "any reader" itself from [`readers`](Self::readers)).
pub trait CardBackend: Send + Sync + 'static {
    /// A short name: `pcsc`, `sim`, … (shown by `/v1/status`).
    fn kind(&self) -> &'static str;

    /// The readers and what they hold. No reader is an empty list.
    ///
    /// # Errors
    /// A [`CardError`]; 7001 (`ServiceUnavailable`) when the card service is down.
    fn readers(&self) -> Result<Vec<ReaderInfo>, CardError>;

    /// Reads the basic data and the card-data flag, in one transaction.
    ///
    /// # Errors
    /// A [`CardError`].
    fn read(&self, reader: &str) -> Result<CardRead, CardError>;

    /// SPEC §3 step 2: SELECT, card id, GET CHALLENGE, in one transaction.
    ///
    /// # Errors
    /// A [`CardError`].
    fn challenge(&self, reader: &str) -> Result<Challenge, CardError>;

    /// SPEC §3 step 4: the `00 82` command with the SAM's `au`, returning the card's `cr`.
    ///
    /// # Errors
    /// A [`CardError`]; [`CardError::AuthenticationRefused`] when the card rejects `au`.
    fn authenticate(&self, reader: &str, au: &[u8; AU_LEN]) -> Result<[u8; CR_LEN], CardError>;

    /// Starts watching readers and cards, reporting to `events` (typically from a thread of
    /// its own) until the returned handle is dropped. The default watches nothing.
    fn watch(&self, events: EventSink) -> WatchHandle {
        let _ = events;
        WatchHandle::none()
    }
}

/// Stops a backend's watch when dropped.
#[must_use = "dropping the handle stops the watch"]
pub struct WatchHandle {
    stop: Option<Box<dyn FnOnce() + Send>>,
}

impl std::fmt::Debug for WatchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchHandle")
            .field("active", &self.stop.is_some())
            .finish()
    }
}

impl WatchHandle {
    /// A handle that runs `stop` when dropped.
    pub fn new(stop: impl FnOnce() + Send + 'static) -> WatchHandle {
        WatchHandle {
            stop: Some(Box::new(stop)),
        }
    }

    /// A handle for no watch.
    pub fn none() -> WatchHandle {
        WatchHandle { stop: None }
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
    }
}

#[cfg(any(feature = "pcsc", feature = "sim"))]
/// Basic data then card data, in the caller's transaction. A card that refuses GET DATA P1
/// `24` still gives its basic data (the flag is then unknown).
pub(crate) fn read_in<T: twnhi_card::CardTransport>(
    session: &mut twnhi_card::NhiSession<T>,
    reader: &str,
) -> Result<CardRead, CardError> {
    let basic = session.read_basic()?;
    let card_data_flag = match session.read_card_data() {
        Ok(data) => CardRead::flag_from_card_data(&data),
        Err(e @ (CardError::Status { .. } | CardError::MalformedResponse { .. })) => {
            tracing::debug!(reader = %reader, code = e.legacy_code(), "card data not readable");
            None
        }
        Err(e) => return Err(e),
    };
    Ok(CardRead {
        basic,
        card_data_flag,
    })
}

#[cfg(any(feature = "pcsc", feature = "sim"))]
/// Sleeps `total` in short steps, returning early (with `true`) once `stop` is set.
pub(crate) fn sleep_unless(
    stop: &std::sync::atomic::AtomicBool,
    total: std::time::Duration,
) -> bool {
    use std::sync::atomic::Ordering;
    let step = std::time::Duration::from_millis(50);
    let deadline = std::time::Instant::now() + total;
    loop {
        if stop.load(Ordering::SeqCst) {
            return true;
        }
        let now = std::time::Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep(step.min(deadline - now));
    }
}
