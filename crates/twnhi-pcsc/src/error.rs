//! PC/SC errors mapped to [`TransportError`] kinds, and the small policies built on them.

use crate::pcsc;
use std::time::Duration;
use twnhi_card::CardError;
use twnhi_transport::TransportError;

/// Maps a PC/SC error to the transport error kind the layers above understand.
///
/// | PC/SC error (`SCARD_…`) | [`TransportError`] |
/// |---|---|
/// | `E_NO_SERVICE`, `E_SERVICE_STOPPED`, `P_SHUTDOWN`, `F_COMM_ERROR`, `E_INVALID_HANDLE`; the PC/SC library not loadable ([`LibraryUnavailable`](pcsc::Error::LibraryUnavailable)) | [`ServiceUnavailable`](TransportError::ServiceUnavailable) |
/// | `E_NO_READERS_AVAILABLE` | [`NoReader`](TransportError::NoReader) |
/// | `E_UNKNOWN_READER`, `E_READER_UNAVAILABLE`, `E_READER_UNSUPPORTED`, `E_DUPLICATE_READER` | [`ReaderUnavailable`](TransportError::ReaderUnavailable) |
/// | `E_NO_SMARTCARD` | [`NoCard`](TransportError::NoCard) |
/// | `W_REMOVED_CARD` | [`CardRemoved`](TransportError::CardRemoved) |
/// | `W_RESET_CARD` | [`CardReset`](TransportError::CardReset) |
/// | `E_SHARING_VIOLATION` | [`SharingViolation`](TransportError::SharingViolation) |
/// | `W_UNRESPONSIVE_CARD`, `W_UNPOWERED_CARD`, `W_UNSUPPORTED_CARD`, `E_CARD_UNSUPPORTED`, `E_NOT_TRANSACTED`, `E_COMM_DATA_LOST`, `E_PROTO_MISMATCH`, `E_INVALID_ATR`, `E_NOT_READY` | [`Unresponsive`](TransportError::Unresponsive) |
/// | anything else (`E_CANCELLED`, `E_TIMEOUT`, `E_INSUFFICIENT_BUFFER`, `F_INTERNAL_ERROR`, …) | [`Other`](TransportError::Other), holding the [`pcsc::Error`] |
///
/// `E_INVALID_HANDLE` means the service forgot our context or card handle: it happens when
/// pcscd restarted under a running program. `F_COMM_ERROR` is what the pcsc-lite client
/// library answers when the daemon's socket broke.
///
/// The table is context-free. Where the context says more, the backend refines it:
/// `E_NO_SMARTCARD` or `E_NOT_TRANSACTED` while a connected card is being used become
/// [`CardRemoved`](TransportError::CardRemoved) when the card turns out to be gone, and
/// `E_UNKNOWN_READER` becomes [`NoReader`](TransportError::NoReader) when no reader exists
/// at all.
///
/// [`is_cancelled`] recognises an error caused by [`CancelHandle::cancel`](crate::CancelHandle::cancel).
pub fn map_pcsc_error(e: pcsc::Error) -> TransportError {
    use pcsc::Error as E;
    match e {
        E::NoService
        | E::ServiceStopped
        | E::Shutdown
        | E::CommError
        | E::InvalidHandle
        | E::LibraryUnavailable => TransportError::ServiceUnavailable,
        E::NoReadersAvailable => TransportError::NoReader,
        E::UnknownReader | E::ReaderUnavailable | E::ReaderUnsupported | E::DuplicateReader => {
            TransportError::ReaderUnavailable
        }
        E::NoSmartcard => TransportError::NoCard,
        E::RemovedCard => TransportError::CardRemoved,
        E::ResetCard => TransportError::CardReset,
        E::SharingViolation => TransportError::SharingViolation,
        E::UnresponsiveCard
        | E::UnpoweredCard
        | E::UnsupportedCard
        | E::CardUnsupported
        | E::NotTransacted
        | E::CommDataLost
        | E::ProtoMismatch
        | E::InvalidAtr
        | E::NotReady => TransportError::Unresponsive,
        other => TransportError::Other(Box::new(other)),
    }
}

/// Whether `error` is the result of a [`CancelHandle::cancel`](crate::CancelHandle::cancel)
/// (PC/SC `SCARD_E_CANCELLED`).
pub fn is_cancelled(error: &CardError) -> bool {
    match error {
        CardError::Transport(TransportError::Other(source)) => {
            source.downcast_ref::<pcsc::Error>() == Some(&pcsc::Error::Cancelled)
        }
        _ => false,
    }
}

/// The error a cancelled wait returns.
pub(crate) fn cancelled() -> CardError {
    CardError::Transport(TransportError::Other(Box::new(pcsc::Error::Cancelled)))
}

/// `map_pcsc_error` into a [`CardError`].
pub(crate) fn card_error(e: pcsc::Error) -> CardError {
    CardError::Transport(map_pcsc_error(e))
}

/// Errors after which the context is worth establishing again: the service went away (and
/// may be back), or it no longer knows our handle.
pub(crate) fn is_stale_context(e: pcsc::Error) -> bool {
    matches!(
        e,
        pcsc::Error::NoService
            | pcsc::Error::ServiceStopped
            | pcsc::Error::InvalidHandle
            | pcsc::Error::CommError
            | pcsc::Error::Shutdown
    )
}

/// Errors of a transmit that may mean the card left the reader: the card's presence is
/// checked before reporting them.
pub(crate) fn may_mean_removal(e: pcsc::Error) -> bool {
    matches!(
        e,
        pcsc::Error::NoSmartcard
            | pcsc::Error::NotTransacted
            | pcsc::Error::CommDataLost
            | pcsc::Error::UnresponsiveCard
            | pcsc::Error::UnpoweredCard
    )
}

/// How many times a sharing violation is retried (after the first attempt).
pub(crate) const SHARING_RETRIES: u32 = 5;

/// The pause before retry `attempt` (1-based) after a sharing violation: 25, 50, 100, 200,
/// 400 ms — about 0.8 s in all, long enough for another program's short transaction.
pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(25u64 << attempt.saturating_sub(1).min(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(e: pcsc::Error) -> &'static str {
        match map_pcsc_error(e) {
            TransportError::ServiceUnavailable => "service",
            TransportError::NoReader => "no-reader",
            TransportError::ReaderUnavailable => "reader",
            TransportError::NoCard => "no-card",
            TransportError::CardRemoved => "removed",
            TransportError::CardReset => "reset",
            TransportError::SharingViolation => "sharing",
            TransportError::Unresponsive => "unresponsive",
            TransportError::Other(_) => "other",
            _ => "new",
        }
    }

    #[test]
    fn the_table() {
        use pcsc::Error as E;
        let table = [
            (E::NoService, "service"),
            (E::ServiceStopped, "service"),
            (E::Shutdown, "service"),
            (E::CommError, "service"),
            (E::InvalidHandle, "service"),
            (E::LibraryUnavailable, "service"),
            (E::NoReadersAvailable, "no-reader"),
            (E::UnknownReader, "reader"),
            (E::ReaderUnavailable, "reader"),
            (E::ReaderUnsupported, "reader"),
            (E::DuplicateReader, "reader"),
            (E::NoSmartcard, "no-card"),
            (E::RemovedCard, "removed"),
            (E::ResetCard, "reset"),
            (E::SharingViolation, "sharing"),
            (E::UnresponsiveCard, "unresponsive"),
            (E::UnpoweredCard, "unresponsive"),
            (E::UnsupportedCard, "unresponsive"),
            (E::CardUnsupported, "unresponsive"),
            (E::NotTransacted, "unresponsive"),
            (E::CommDataLost, "unresponsive"),
            (E::ProtoMismatch, "unresponsive"),
            (E::InvalidAtr, "unresponsive"),
            (E::NotReady, "unresponsive"),
            (E::Cancelled, "other"),
            (E::Timeout, "other"),
            (E::InsufficientBuffer, "other"),
            (E::InternalError, "other"),
            (E::InvalidParameter, "other"),
            (E::Unrecognized(0x8010_0FFF), "other"),
        ];
        for (e, k) in table {
            assert_eq!(kind(e), k, "{e:?}");
        }
    }

    #[test]
    fn the_required_outcomes_are_distinct_and_keep_their_legacy_codes() {
        let code = |e| CardError::from(map_pcsc_error(e)).legacy_code();
        assert_eq!(code(pcsc::Error::NoService), 7001);
        assert_eq!(code(pcsc::Error::LibraryUnavailable), 7001);
        assert_eq!(code(pcsc::Error::NoReadersAvailable), 7002);
        assert_eq!(code(pcsc::Error::UnknownReader), 7003);
        assert_eq!(code(pcsc::Error::NoSmartcard), 7004);
        assert_eq!(code(pcsc::Error::RemovedCard), 8002);
        assert!(CardError::from(map_pcsc_error(pcsc::Error::ServiceStopped)).is_environment());
    }

    #[test]
    fn other_keeps_the_source() {
        let e = card_error(pcsc::Error::InternalError);
        let CardError::Transport(TransportError::Other(source)) = &e else {
            panic!("{e:?}");
        };
        assert_eq!(
            source.downcast_ref::<pcsc::Error>(),
            Some(&pcsc::Error::InternalError)
        );
        assert!(!is_cancelled(&e));
        assert!(is_cancelled(&cancelled()));
        assert!(!is_cancelled(&card_error(pcsc::Error::NoSmartcard)));
    }

    #[test]
    fn stale_contexts_are_the_service_kinds() {
        for e in [
            pcsc::Error::NoService,
            pcsc::Error::ServiceStopped,
            pcsc::Error::InvalidHandle,
        ] {
            assert!(is_stale_context(e));
            assert!(matches!(
                map_pcsc_error(e),
                TransportError::ServiceUnavailable
            ));
        }
        assert!(!is_stale_context(pcsc::Error::RemovedCard));
        assert!(!is_stale_context(pcsc::Error::Timeout));
    }

    #[test]
    fn backoff_grows_and_stays_short() {
        let steps: Vec<u64> = (1..=SHARING_RETRIES)
            .map(|a| backoff(a).as_millis() as u64)
            .collect();
        assert_eq!(steps, [25, 50, 100, 200, 400]);
        assert!(steps.iter().sum::<u64>() < 1000);
        assert_eq!(backoff(0), Duration::from_millis(25));
        assert_eq!(backoff(u32::MAX), Duration::from_millis(25 << 6));
    }
}
