//! A simulated reader: a slot that holds at most one simulated card, shared between threads.

use crate::SimCard;
use std::sync::{Arc, Mutex, MutexGuard};
use twnhi_card::{CardTransport, TransportError};

/// A reader slot for a [`SimCard`], cheap to clone (clones share the slot).
///
/// As a [`CardTransport`] it behaves like a reader: [`TransportError::NoCard`] when empty,
/// [`TransportError::CardRemoved`] once the card's `remove-after=N` fault triggers (the card is
/// then taken out of the slot).
///
/// ```
/// use twnhi_card::{CardError, NhiSession, TransportError};
/// use twnhi_sim::{Faults, Identity, SimCard, SimReader};
///
/// let reader = SimReader::new();
/// let mut session = NhiSession::new(reader.clone());
/// assert!(matches!(session.read_basic(), Err(CardError::Transport(TransportError::NoCard))));
/// reader.insert(SimCard::new(Identity::sample(), Faults::default()));
/// let mut session = NhiSession::new(reader.clone());
/// assert_eq!(session.read_basic()?.card_no, Identity::sample().card_no);
/// # Ok::<(), CardError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct SimReader {
    slot: Arc<Mutex<Option<SimCard>>>,
}

impl SimReader {
    /// An empty reader.
    pub fn new() -> SimReader {
        SimReader::default()
    }

    fn lock(&self) -> MutexGuard<'_, Option<SimCard>> {
        // A panic while holding the lock leaves a usable card state; keep going.
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Inserts a card, returning the one it replaces.
    pub fn insert(&self, card: SimCard) -> Option<SimCard> {
        let mut slot = self.lock();
        let mut card = card;
        card.reset();
        slot.replace(card)
    }

    /// Removes the card, if any.
    pub fn remove(&self) -> Option<SimCard> {
        self.lock().take()
    }

    /// Whether a card is in the slot.
    pub fn has_card(&self) -> bool {
        self.lock().as_ref().is_some_and(SimCard::is_present)
    }

    /// The ATR of the card in the slot.
    pub fn atr(&self) -> Option<&'static [u8]> {
        self.lock().as_ref().map(SimCard::atr)
    }

    /// Runs `f` on the card in the slot (to inspect its log, say).
    pub fn with_card<R>(&self, f: impl FnOnce(&mut SimCard) -> R) -> Option<R> {
        self.lock().as_mut().map(f)
    }
}

impl CardTransport for SimReader {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let delay = {
            let mut slot = self.lock();
            match slot.as_ref() {
                None => return Err(TransportError::NoCard),
                Some(card) if !card.is_present() => {
                    *slot = None;
                    return Err(TransportError::CardRemoved);
                }
                Some(card) => card.delay(),
            }
        };
        // Sleep outside the lock so that a slow card does not block inspection.
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let mut slot = self.lock();
        let card = slot.as_mut().ok_or(TransportError::CardRemoved)?;
        Ok(card.handle(command))
    }
}
