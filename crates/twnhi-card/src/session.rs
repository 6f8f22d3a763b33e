//! A session with the NHI application over a [`CardTransport`].

use crate::commands::{self, AU_LEN, CHALLENGE_LEN, CR_LEN};
use crate::{BasicData, CardError, CardNo, CardTransport, Operation};
use serde::{Deserialize, Serialize};
use twnhi_apdu::{Command, Status};
use twnhi_transport::{ExchangeError, Reply};

/// Whether the NHI application was selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    /// SELECT has not been sent yet.
    NotYet,
    /// SELECT answered `90 00`.
    Selected,
    /// SELECT answered `6D 00` (new-generation cards): GET DATA is sent without SELECT.
    WithoutSelect,
}

/// The card's side of the first half of card authentication (SPEC §3 step 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// The card number read with GET DATA P1 `00`.
    pub card_no: CardNo,
    /// The card's random challenge from GET CHALLENGE.
    pub rc: [u8; CHALLENGE_LEN],
}

/// A session with the NHI application of one card.
///
/// Every command goes through [`transmit`](Self::transmit), which answers `61xx` with
/// GET RESPONSE and `6Cxx` by resending with the right `Le`, so callers never see either.
/// The application is selected once, on first use; a card that answers SELECT with `6D 00`
/// is read without SELECT.
///
/// ```
/// use twnhi_card::{FnTransport, NhiSession, TransportError};
///
/// // A stand-in card that answers GET CHALLENGE with 8 bytes and everything else with 90 00.
/// let card = FnTransport(|apdu: &[u8]| -> Result<Vec<u8>, TransportError> {
///     Ok(match apdu {
///         [0x00, 0x84, ..] => vec![1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00],
///         _ => vec![0x90, 0x00],
///     })
/// });
/// let mut session = NhiSession::new(card);
/// assert_eq!(session.get_challenge()?, [1, 2, 3, 4, 5, 6, 7, 8]);
/// # Ok::<(), twnhi_card::CardError>(())
/// ```
#[derive(Debug)]
pub struct NhiSession<T> {
    transport: T,
    selection: Selection,
}

impl<T: CardTransport> NhiSession<T> {
    /// A session over `transport`; nothing is sent yet.
    pub fn new(transport: T) -> Self {
        NhiSession {
            transport,
            selection: Selection::NotYet,
        }
    }

    /// The transport back.
    pub fn into_inner(self) -> T {
        self.transport
    }

    /// The transport, for backend-specific calls.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// What SELECT answered so far.
    pub fn selection(&self) -> Selection {
        self.selection
    }

    /// Sends one command and returns its final reply: `61xx` is followed by GET RESPONSE
    /// (repeatedly, concatenating the data) and `6Cxx` by one resend with `Le = xx`, as
    /// [`twnhi_transport::exchange`] does for any card application.
    ///
    /// # Errors
    /// [`CardError::Transport`] when the exchange fails, [`CardError::MalformedResponse`]
    /// when the card answers fewer than two bytes or never stops asking for GET RESPONSE.
    pub fn transmit(&mut self, command: &Command<'_>, op: Operation) -> Result<Reply, CardError> {
        twnhi_transport::exchange(&mut self.transport, command).map_err(|e| match e {
            ExchangeError::Transport(t) => CardError::Transport(t),
            _ => CardError::MalformedResponse { operation: op },
        })
    }

    /// Selects the NHI application if not done yet.
    ///
    /// # Errors
    /// [`CardError::NotNhiCard`] when SELECT answers anything but `90 00` or `6D 00`.
    pub fn select(&mut self) -> Result<Selection, CardError> {
        if self.selection == Selection::NotYet {
            let reply = self.transmit(&commands::select_nhi(), Operation::Select)?;
            self.selection = match reply.status {
                Status::Success => Selection::Selected,
                Status::InstructionNotSupported => Selection::WithoutSelect,
                status => return Err(CardError::NotNhiCard { status }),
            };
        }
        Ok(self.selection)
    }

    fn get_data(&mut self, command: Command<'static>, op: Operation) -> Result<Vec<u8>, CardError> {
        self.select()?;
        let reply = self.transmit(&command, op)?;
        match reply.status {
            Status::Success => Ok(reply.data),
            // A card that skipped SELECT and does not know GET DATA either is not an NHI card.
            Status::InstructionNotSupported | Status::ClassNotSupported
                if self.selection == Selection::WithoutSelect =>
            {
                Err(CardError::NotNhiCard {
                    status: reply.status,
                })
            }
            status => Err(CardError::Status {
                operation: op,
                status,
            }),
        }
    }

    /// The raw 57 bytes of basic data (GET DATA P1 `11`).
    ///
    /// # Errors
    /// Any [`CardError`].
    pub fn read_basic_raw(&mut self) -> Result<Vec<u8>, CardError> {
        self.get_data(commands::get_basic_data(), Operation::ReadBasic)
    }

    /// Reads and decodes the basic data.
    ///
    /// # Errors
    /// Any [`CardError`]; [`CardError::BasicData`] when the 57 bytes are malformed.
    pub fn read_basic(&mut self) -> Result<BasicData, CardError> {
        let raw = self.read_basic_raw()?;
        BasicData::parse(&raw).map_err(CardError::BasicData)
    }

    /// Reads the card id (GET DATA P1 `00`): 12 ASCII digits, the card number.
    ///
    /// # Errors
    /// Any [`CardError`]; [`CardError::MalformedResponse`] when it is not 12 digits.
    pub fn read_card_id(&mut self) -> Result<CardNo, CardError> {
        let raw = self.get_data(commands::get_card_id(), Operation::ReadCardId)?;
        CardNo::from_bytes(&raw)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(CardError::MalformedResponse {
                operation: Operation::ReadCardId,
            })
    }

    /// Reads the card data (GET DATA P1 `24`).
    ///
    /// # Errors
    /// Any [`CardError`].
    pub fn read_card_data(&mut self) -> Result<Vec<u8>, CardError> {
        self.get_data(commands::get_card_data(), Operation::ReadCardData)
    }

    /// GET CHALLENGE: 8 random bytes from the card.
    ///
    /// # Errors
    /// Any [`CardError`].
    pub fn get_challenge(&mut self) -> Result<[u8; CHALLENGE_LEN], CardError> {
        let reply = self.transmit(&commands::get_challenge(), Operation::GetChallenge)?;
        if reply.status != Status::Success {
            return Err(CardError::Status {
                operation: Operation::GetChallenge,
                status: reply.status,
            });
        }
        reply
            .data
            .as_slice()
            .try_into()
            .map_err(|_| CardError::MalformedResponse {
                operation: Operation::GetChallenge,
            })
    }

    /// SPEC §3 step 2: select, read the card id, then GET CHALLENGE.
    ///
    /// # Errors
    /// Any [`CardError`].
    pub fn challenge(&mut self) -> Result<Challenge, CardError> {
        let card_no = self.read_card_id()?;
        let rc = self.get_challenge()?;
        Ok(Challenge { card_no, rc })
    }

    /// SPEC §3 step 4: sends `00 82 11 12 20 <au> 10` and returns the card's 16-byte `cr`.
    ///
    /// # Errors
    /// [`CardError::AuthenticationRefused`] when the card rejects `au` (`6982`, `6985`, `6988`),
    /// other [`CardError`]s otherwise.
    pub fn authenticate(&mut self, au: &[u8; AU_LEN]) -> Result<[u8; CR_LEN], CardError> {
        self.select()?;
        let reply = self.transmit(&commands::authenticate(au), Operation::Authenticate)?;
        match reply.status {
            Status::Success => {
                reply
                    .data
                    .as_slice()
                    .try_into()
                    .map_err(|_| CardError::MalformedResponse {
                        operation: Operation::Authenticate,
                    })
            }
            status @ (Status::SecurityStatusNotSatisfied
            | Status::ConditionsNotSatisfied
            | Status::IncorrectSmDataObjects) => Err(CardError::AuthenticationRefused { status }),
            status => Err(CardError::Status {
                operation: Operation::Authenticate,
                status,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FnTransport, TransportError};

    fn script(
        steps: Vec<(&'static str, &'static str)>,
    ) -> FnTransport<impl FnMut(&[u8]) -> Result<Vec<u8>, TransportError>> {
        let mut steps = steps.into_iter();
        FnTransport(move |apdu: &[u8]| {
            let (expect, answer) = steps.next().expect("unexpected extra APDU");
            assert_eq!(hex::encode_upper(apdu), expect.replace(' ', ""));
            Ok(hex::decode(answer.replace(' ', "")).unwrap())
        })
    }

    const SELECT: &str = "00A4040010D1580000010000000000000000001100";

    #[test]
    fn get_response_and_wrong_le_are_handled_inside_transmit() {
        // The loop itself is tested in twnhi-transport; this checks the session uses it.
        let t = script(vec![
            (SELECT, "9000"),
            ("00CA000002 0000", "6C0C"),
            ("00CA000002 0000 0C", "303030303132 6106"),
            ("00C0000006", "333435363738 9000"),
        ]);
        let mut s = NhiSession::new(t);
        assert_eq!(s.read_card_id().unwrap(), "000012345678");
    }

    #[test]
    fn new_generation_cards_are_read_without_select() {
        let t = script(vec![
            (SELECT, "6D00"),
            ("00CA0000020000", "303030303132333435363738 9000"),
            ("0084000008", "0102030405060708 9000"),
        ]);
        let mut s = NhiSession::new(t);
        let c = s.challenge().unwrap();
        assert_eq!(s.selection(), Selection::WithoutSelect);
        assert_eq!(c.card_no, "000012345678");
        assert_eq!(c.rc, [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn other_cards_are_refused() {
        let t = script(vec![(SELECT, "6A82")]);
        let mut s = NhiSession::new(t);
        let e = s.read_basic().unwrap_err();
        assert!(matches!(
            e,
            CardError::NotNhiCard {
                status: Status::FileNotFound
            }
        ));
        assert_eq!(e.legacy_code(), 8013);

        let t = script(vec![(SELECT, "6D00"), ("00CA1100020000", "6D00")]);
        let e = NhiSession::new(t).read_basic().unwrap_err();
        assert!(matches!(e, CardError::NotNhiCard { .. }));
    }

    #[test]
    fn status_words_become_typed_errors() {
        let t = script(vec![(SELECT, "9000"), ("00CA1100020000", "6982")]);
        let e = NhiSession::new(t).read_basic().unwrap_err();
        assert!(matches!(
            e,
            CardError::Status {
                operation: Operation::ReadBasic,
                status: Status::SecurityStatusNotSatisfied
            }
        ));
        assert_eq!(e.legacy_code(), 8010);

        let mut au_cmd = String::from("0082111220");
        au_cmd.push_str(&"00".repeat(32));
        au_cmd.push_str("10");
        let au_cmd: &'static str = Box::leak(au_cmd.into_boxed_str());
        let t = script(vec![(SELECT, "9000"), (au_cmd, "6982")]);
        let e = NhiSession::new(t).authenticate(&[0; 32]).unwrap_err();
        assert!(matches!(e, CardError::AuthenticationRefused { .. }));
    }

    #[test]
    fn endless_get_response_is_an_error_not_a_hang() {
        let mut s = NhiSession::new(FnTransport(|apdu: &[u8]| {
            Ok(if apdu[1] == 0xA4 {
                vec![0x90, 0x00]
            } else {
                vec![0xAA, 0x61, 0x01]
            })
        }));
        assert!(matches!(
            s.read_basic_raw(),
            Err(CardError::MalformedResponse { .. })
        ));
    }

    #[test]
    fn transport_errors_pass_through() {
        let mut s = NhiSession::new(FnTransport(|_: &[u8]| Err(TransportError::CardRemoved)));
        let e = s.read_basic().unwrap_err();
        assert!(matches!(
            e,
            CardError::Transport(TransportError::CardRemoved)
        ));
        assert_eq!(e.legacy_code(), 8002);
    }

    #[test]
    fn short_responses_are_malformed() {
        let mut s = NhiSession::new(FnTransport(|_: &[u8]| Ok(vec![0x90])));
        assert!(matches!(
            s.select(),
            Err(CardError::MalformedResponse { .. })
        ));
    }
}
