//! The failures below the card application.

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
