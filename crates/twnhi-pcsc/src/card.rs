//! A connected card and the transactions on it.

use crate::context::{Shared, connect_shared};
use crate::error::{SHARING_RETRIES, backoff, card_error, map_pcsc_error, may_mean_removal};
use crate::pcsc::{self, Disposition};
use std::sync::Arc;
use std::time::Duration;
use twnhi_apdu::Status;
use twnhi_card::commands::{AU_LEN, CR_LEN};
use twnhi_card::{BasicData, CardError, Challenge, NhiSession};
use twnhi_transport::{CardTransport, TransportError};

/// How long a failed transmit waits for the service to notice that the card left, before
/// reporting the failure as it came. pcscd polls readers without interrupt support every
/// 0.4 s, and on a busy machine its polling thread runs late: 1 s proved too short there, a
/// removal then being reported as a mute card. The wait ends as soon as the removal is seen,
/// so only a card that is still there and failed pays it in full.
const REMOVAL_PROBE: Duration = Duration::from_millis(3000);
/// The pause between two presence checks during [`REMOVAL_PROBE`].
const REMOVAL_PROBE_STEP: Duration = Duration::from_millis(50);

/// What one presence check during [`REMOVAL_PROBE`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    /// The service reports the card gone.
    Gone,
    /// The service still reports a card.
    There,
    /// The check itself failed for another reason: stop probing.
    Unknown,
}

/// Checks presence through `check` until the card is reported gone or [`REMOVAL_PROBE`] has
/// passed in pauses of [`REMOVAL_PROBE_STEP`] (counted, so a check that is slow itself only
/// makes the wait longer). Returns whether the card was reported gone.
fn removal_seen(mut check: impl FnMut() -> Presence, mut pause: impl FnMut(Duration)) -> bool {
    let steps = REMOVAL_PROBE.as_millis() / REMOVAL_PROBE_STEP.as_millis();
    for step in 0..=steps {
        match check() {
            Presence::Gone => return true,
            Presence::Unknown => return false,
            Presence::There if step < steps => pause(REMOVAL_PROBE_STEP),
            Presence::There => {}
        }
    }
    false
}

/// A card connected in shared mode.
///
/// Every operation runs in one PC/SC transaction, so that other programs sharing the reader
/// cannot interleave commands. Dropping the card, like [`disconnect`](Self::disconnect),
/// leaves the card as it is (`SCARD_LEAVE_CARD`): it is never reset, so other programs keep
/// their state.
pub struct PcscCard {
    /// `None` only after disconnecting.
    card: Option<pcsc::Card>,
    reader: String,
    atr: Vec<u8>,
    /// The context the card was connected through, to connect afresh after a reset.
    ops: Arc<Shared>,
}

impl std::fmt::Debug for PcscCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscCard")
            .field("reader", &self.reader)
            .field("atr", &hex::encode_upper(&self.atr))
            .finish_non_exhaustive()
    }
}

/// The card's state and ATR (one `SCardStatus` call).
fn card_status(card: &pcsc::Card) -> Result<(pcsc::Status, Vec<u8>), pcsc::Error> {
    card.status().map(|s| (s.status(), s.atr().to_vec()))
}

impl PcscCard {
    pub(crate) fn new(
        card: pcsc::Card,
        reader: String,
        ops: Arc<Shared>,
    ) -> Result<PcscCard, CardError> {
        let (_, atr) = card_status(&card).map_err(card_error)?;
        Ok(PcscCard {
            card: Some(card),
            reader,
            atr,
            ops,
        })
    }

    /// The name of the reader the card is in.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's answer-to-reset, as read when connecting.
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }

    /// Begins a transaction (`SCardBeginTransaction`): until it ends, no other program can
    /// send commands to the card.
    ///
    /// When another program reset the card or powered it down since we connected (pcscd
    /// reports both as `SCARD_W_RESET_CARD`), the handle is replaced by a new connection
    /// (`SCardConnect`, which powers the card up if needed) and the old one disconnected,
    /// leaving the card as it is; then the transaction is tried once more. The handle is not
    /// reconnected in place: `SCardReconnect(SCARD_LEAVE_CARD)` on a card another program
    /// powered down leaves pcsc-lite 1.9.9 refusing every later `SCardConnect` to it with
    /// `SCARD_W_UNPOWERED_CARD`, for every program, until pcscd restarts. A sharing violation
    /// is retried with a short back-off.
    ///
    /// # Errors
    /// [`TransportError::CardRemoved`], [`TransportError::CardReset`] (reset again),
    /// [`TransportError::SharingViolation`], [`TransportError::ServiceUnavailable`], and the
    /// errors of [`Pcsc::connect`](crate::Pcsc::connect) when connecting afresh fails.
    pub fn transaction(&mut self) -> Result<PcscTransaction<'_>, CardError> {
        let PcscCard {
            card,
            reader,
            atr,
            ops,
        } = self;
        let mut card = card.as_mut().ok_or(TransportError::ReaderUnavailable)?;
        let mut connected_again = false;
        let mut attempt = 0;
        loop {
            match card.transaction2() {
                Ok(tx) => return Ok(PcscTransaction { tx, reader }),
                Err((again, pcsc::Error::ResetCard)) if !connected_again => {
                    tracing::debug!(reader = %reader, "card was reset or powered down by another program; connecting afresh");
                    let fresh = connect_shared(ops, reader)?;
                    let old = std::mem::replace(again, fresh);
                    if let Err((_old, e)) = old.disconnect(Disposition::LeaveCard) {
                        tracing::debug!(reader = %reader, error = %e, "disconnecting the old handle failed");
                    }
                    if let Ok((_, fresh_atr)) = card_status(again) {
                        *atr = fresh_atr;
                    }
                    connected_again = true;
                    card = again;
                }
                Err((again, pcsc::Error::SharingViolation)) if attempt < SHARING_RETRIES => {
                    attempt += 1;
                    tracing::debug!(reader = %reader, attempt, "sharing violation on begin transaction; retrying");
                    std::thread::sleep(backoff(attempt));
                    card = again;
                }
                Err((_, e)) => {
                    tracing::debug!(reader = %reader, error = %e, "begin transaction failed");
                    return Err(card_error(e));
                }
            }
        }
    }

    /// Disconnects, leaving the card as it is (`SCARD_LEAVE_CARD`).
    ///
    /// # Errors
    /// A [`CardError::Transport`] when the service refuses; the connection is released
    /// anyway.
    pub fn disconnect(mut self) -> Result<(), CardError> {
        self.close()
    }

    fn close(&mut self) -> Result<(), CardError> {
        match self.card.take() {
            None => Ok(()),
            Some(card) => match card.disconnect(Disposition::LeaveCard) {
                Ok(()) => {
                    tracing::debug!(reader = %self.reader, "disconnected (leave card)");
                    Ok(())
                }
                // The handle is dropped here, which asks for a reset; a disconnect that just
                // failed (service gone, handle unknown) fails the same way again, so no card
                // is reset by it.
                Err((_card, e)) => Err(card_error(e)),
            },
        }
    }

    /// Runs `f` on an NHI session inside one transaction, then ends the transaction.
    fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&mut NhiSession<&mut PcscTransaction<'_>>) -> Result<T, CardError>,
    ) -> Result<T, CardError> {
        let mut tx = self.transaction()?;
        let result = f(&mut NhiSession::new(&mut tx));
        tx.finish();
        result
    }

    /// Reads the basic data in one transaction (SELECT + GET DATA P1 `11`).
    ///
    /// # Errors
    /// [`CardError::NotNhiCard`], [`TransportError::CardRemoved`] and the other errors of
    /// [`NhiSession::read_basic`].
    pub fn read_basic(&mut self) -> Result<BasicData, CardError> {
        self.in_transaction(|s| s.read_basic())
    }

    /// The card's side of the first half of card authentication, in one transaction:
    /// SELECT, card id (GET DATA P1 `00`), GET CHALLENGE.
    ///
    /// # Errors
    /// The errors of [`NhiSession::challenge`].
    pub fn challenge(&mut self) -> Result<Challenge, CardError> {
        self.in_transaction(|s| s.challenge())
    }

    /// Sends the `00 82` authentication command with `au` in one transaction (SELECT first)
    /// and returns the card's 16-byte answer.
    ///
    /// # Errors
    /// The errors of [`NhiSession::authenticate`].
    pub fn authenticate(&mut self, au: &[u8; AU_LEN]) -> Result<[u8; CR_LEN], CardError> {
        self.in_transaction(|s| s.authenticate(au))
    }
}

impl Drop for PcscCard {
    fn drop(&mut self) {
        if let Err(e) = self.close() {
            tracing::debug!(reader = %self.reader, error = %e, "disconnect on drop failed");
        }
    }
}

/// A PC/SC transaction on a [`PcscCard`]: the [`CardTransport`] an
/// [`NhiSession`] talks through.
///
/// The transaction ends, leaving the card as it is, when this is dropped or
/// [`end`](Self::end)ed.
pub struct PcscTransaction<'a> {
    tx: pcsc::Transaction<'a>,
    reader: &'a str,
}

impl std::fmt::Debug for PcscTransaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransaction")
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

/// Whether a command APDU uses extended length (its response may exceed 258 bytes).
pub(crate) fn is_extended(command: &[u8]) -> bool {
    command.len() > 5 && command.get(4) == Some(&0)
}

impl PcscTransaction<'_> {
    /// The name of the reader.
    pub fn reader(&self) -> &str {
        self.reader
    }

    /// Ends the transaction (`SCardEndTransaction`, leaving the card as it is).
    ///
    /// # Errors
    /// A [`CardError::Transport`] when the service refuses (a removed card, a stopped
    /// service); the transaction is over anyway.
    pub fn end(self) -> Result<(), CardError> {
        self.tx
            .end(Disposition::LeaveCard)
            .map_err(|(_tx, e)| card_error(e))
    }

    /// Ends the transaction, logging a failure.
    fn finish(self) {
        let reader = self.reader;
        if let Err(e) = self.end() {
            tracing::debug!(reader = %reader, error = %e, "end transaction failed");
        }
    }

    /// Classifies a failed transmit. A card that is no longer there makes it
    /// [`TransportError::CardRemoved`]: pcsc-lite reports a card pulled out mid-command as
    /// `E_NO_SMARTCARD` or, through some drivers (vpcd among them), as `E_NOT_TRANSACTED`,
    /// and only notices the removal at its next poll of the reader.
    fn failure(&self, e: pcsc::Error) -> TransportError {
        if !may_mean_removal(e) {
            return map_pcsc_error(e);
        }
        let presence = || match card_status(&self.tx) {
            Err(pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard) => Presence::Gone,
            Ok((status, _)) if status.contains(pcsc::Status::ABSENT) => Presence::Gone,
            Ok(_) => Presence::There,
            Err(_) => Presence::Unknown,
        };
        // `E_NO_SMARTCARD` from a card that was there when we connected is a removal too.
        if removal_seen(presence, std::thread::sleep) || e == pcsc::Error::NoSmartcard {
            TransportError::CardRemoved
        } else {
            map_pcsc_error(e)
        }
    }
}

impl CardTransport for PcscTransaction<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let ins = command.get(1).copied().unwrap_or_default();
        let mut short = [0u8; pcsc::MAX_BUFFER_SIZE];
        let mut long = Vec::new();
        let buffer: &mut [u8] = if is_extended(command) {
            long.resize(pcsc::MAX_BUFFER_SIZE_EXTENDED, 0);
            &mut long
        } else {
            &mut short
        };
        match self.tx.transmit(command, buffer) {
            Ok(response) => {
                if let [.., sw1, sw2] = response {
                    tracing::trace!(reader = %self.reader, ins = format_args!("{ins:02X}"), sw = %Status::from([*sw1, *sw2]), "APDU");
                }
                Ok(response.to_vec())
            }
            Err(e) => {
                let kind = self.failure(e);
                tracing::debug!(reader = %self.reader, ins = format_args!("{ins:02X}"), error = %e, kind = %kind, "transmit failed");
                Err(kind)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_apdus_are_recognised() {
        assert!(!is_extended(&[]));
        assert!(!is_extended(&[0x00, 0x84, 0x00, 0x00, 0x08]));
        // Case 2S with Le = 00 (256 bytes) still fits the short buffer.
        assert!(!is_extended(&[0x00, 0xCA, 0x11, 0x00, 0x00]));
        assert!(!is_extended(&[0x00, 0xCA, 0x11, 0x00, 0x02, 0x00, 0x00]));
        // Case 2E: 00 + two Le bytes.
        assert!(is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00]));
        // Case 3E.
        assert!(is_extended(&[
            0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA
        ]));
    }

    /// Probes a card the service reports gone once `gone_after` of pauses have passed;
    /// returns whether the removal was seen and how long the probe paused.
    fn probe(gone_after: Duration) -> (bool, Duration) {
        let waited = std::cell::Cell::new(Duration::ZERO);
        let seen = removal_seen(
            || {
                if waited.get() >= gone_after {
                    Presence::Gone
                } else {
                    Presence::There
                }
            },
            |d| waited.set(waited.get() + d),
        );
        (seen, waited.get())
    }

    #[test]
    fn a_removal_the_service_notices_late_is_still_a_removal() {
        // pcscd's polling thread, late on a busy machine: the card is reported gone 1.5 s
        // after the failed transmit (a 1 s probe reported a mute card instead).
        assert_eq!(
            probe(Duration::from_millis(1500)),
            (true, Duration::from_millis(1500))
        );
        // Seen at once: no wait.
        assert_eq!(probe(Duration::ZERO), (true, Duration::ZERO));
    }

    #[test]
    fn a_card_that_stays_is_not_called_removed_and_the_wait_is_bounded() {
        assert_eq!(probe(Duration::from_secs(3600)), (false, REMOVAL_PROBE));
        // A check failing for another reason ends the probe at once.
        let mut pauses = 0;
        assert!(!removal_seen(|| Presence::Unknown, |_| pauses += 1));
        assert_eq!(pauses, 0);
    }

    #[test]
    fn short_responses_fit() {
        const { assert!(pcsc::MAX_BUFFER_SIZE >= 256 + 2) };
    }
}
