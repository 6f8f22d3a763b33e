//! The transport a session talks through.

use thiserror::Error;

/// Failures below the card application: the reader stack, the reader, the card's presence.
///
/// Backends map their own errors into these kinds so that every layer above can tell
/// "PC/SC is not running" from "no card" from "card pulled out mid-read".
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The smart-card service (pcscd, Windows SCardSvr) is not running or not reachable.
    #[error("smart-card service not running")]
    ServiceUnavailable,
    /// No card reader is connected.
    #[error("no card reader")]
    NoReader,
    /// The named reader does not exist or cannot be used now.
    #[error("card reader not accessible")]
    ReaderUnavailable,
    /// The reader holds no card.
    #[error("no card in the reader")]
    NoCard,
    /// The card was removed while it was being used.
    #[error("card removed")]
    CardRemoved,
    /// The card was reset by another application and the backend could not recover.
    #[error("card reset by another application")]
    CardReset,
    /// Another application holds the card exclusively.
    #[error("card in use by another application")]
    SharingViolation,
    /// The card did not answer in time or answered garbage at the transmission level.
    #[error("card not responding")]
    Unresponsive,
    /// Any other backend failure, with its source.
    #[error("card transport failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

/// Sends one command APDU to a card and returns its response APDU (data + status word).
///
/// A transport sends bytes and nothing else: `61xx` / `6Cxx` handling, selection and status
/// words belong to [`NhiSession`](crate::NhiSession).
pub trait CardTransport {
    /// Transmits `command` and returns the raw response, status word included.
    ///
    /// # Errors
    /// A [`TransportError`] when the exchange did not happen.
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
}

impl<T: CardTransport + ?Sized> CardTransport for &mut T {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }
}

impl<T: CardTransport + ?Sized> CardTransport for Box<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }
}

/// A transport made of a closure: handy for tests and examples.
///
/// ```
/// use twnhi_card::{CardTransport, FnTransport};
/// let mut t = FnTransport(|apdu: &[u8]| Ok(vec![0x90, 0x00]));
/// assert_eq!(t.transmit(&[0x00, 0x84, 0x00, 0x00, 0x08]).unwrap(), [0x90, 0x00]);
/// ```
#[derive(Debug, Clone)]
pub struct FnTransport<F>(pub F);

impl<F> CardTransport for FnTransport<F>
where
    F: FnMut(&[u8]) -> Result<Vec<u8>, TransportError>,
{
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (self.0)(command)
    }
}
