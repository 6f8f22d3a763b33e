//! One command and its final response: `61xx` answered with GET RESPONSE, `6Cxx` with a
//! resend carrying the right `Le`.

use crate::{CardTransport, TransportError};
use thiserror::Error;
use twnhi_apdu::{Command, EncodeError, Response, Status};

/// How many `61xx` rounds one response may take before the card is considered broken.
pub const MAX_GET_RESPONSE_ROUNDS: usize = 32;

/// Instruction byte of GET RESPONSE.
pub const INS_GET_RESPONSE: u8 = 0xC0;

/// Commands up to this size are encoded on the stack; longer ones (extended lengths) in a
/// `Vec`.
const STACK_APDU: usize = 300;

/// ISO 7816-4 §11.5.6 GET RESPONSE: `00 C0 00 00 xx` (`xx = 00` asks for 256 bytes).
///
/// ```
/// assert_eq!(twnhi_transport::get_response(0x39).to_vec(), [0x00, 0xC0, 0x00, 0x00, 0x39]);
/// assert_eq!(twnhi_transport::get_response(0).ne(), 256);
/// ```
pub fn get_response(le: u8) -> Command<'static> {
    let ne = if le == 0 { 256 } else { u32::from(le) };
    // A case-2 short command with 1 ≤ Ne ≤ 256 is always valid; the case-1 fallback only
    // keeps this function free of panics.
    Command::builder(0x00, INS_GET_RESPONSE, 0x00, 0x00)
        .le(ne)
        .build()
        .unwrap_or_else(|_| Command::new(0x00, INS_GET_RESPONSE, 0x00, 0x00))
}

/// A response with its data owned, after `61xx` / `6Cxx` handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The data field, GET RESPONSE rounds concatenated.
    pub data: Vec<u8>,
    /// The final status word.
    pub status: Status,
}

/// Why [`exchange`] could not produce a final [`Reply`].
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// The transport failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A response was shorter than a status word.
    #[error("response shorter than two bytes")]
    ShortResponse,
    /// The card kept answering `61xx` after [`MAX_GET_RESPONSE_ROUNDS`] GET RESPONSE rounds.
    #[error("more than {MAX_GET_RESPONSE_ROUNDS} GET RESPONSE rounds")]
    TooManyGetResponses,
    /// The card answered `6Cxx` with an `Le` the command cannot carry.
    #[error("cannot resend the command with Le = {ne}")]
    CannotResend {
        /// The `Ne` the card asked for.
        ne: u32,
        /// Why the command could not be rebuilt.
        #[source]
        source: EncodeError,
    },
}

/// Sends `command` through `transport` and returns its final reply, for any ISO 7816-4 card
/// application.
///
/// - `6Cxx` (wrong `Le`): the command is sent once more with `Le = xx` (`00` meaning 256).
/// - `61xx` (more data available): GET RESPONSE with `Le = xx` is sent, repeatedly, the data
///   fields concatenated, until the card answers anything else; more than
///   [`MAX_GET_RESPONSE_ROUNDS`] rounds is an error rather than a hang.
///
/// Every other status word, success or not, is the caller's to interpret.
///
/// ```
/// use twnhi_apdu::{Command, Status};
/// use twnhi_transport::{FnTransport, TransportError, exchange};
///
/// // A card that hands out its answer in two parts.
/// let mut card = FnTransport(|apdu: &[u8]| -> Result<Vec<u8>, TransportError> {
///     Ok(match apdu {
///         [0x00, 0xB0, ..] => vec![0x61, 0x02],
///         [0x00, 0xC0, ..] => vec![0xAB, 0xCD, 0x90, 0x00],
///         _ => vec![0x6D, 0x00],
///     })
/// });
/// let read = Command::builder(0x00, 0xB0, 0x00, 0x00).le(256).build()?;
/// let reply = exchange(&mut card, &read)?;
/// assert_eq!(reply.data, [0xAB, 0xCD]);
/// assert_eq!(reply.status, Status::Success);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ExchangeError::Transport`] when the transport fails, [`ExchangeError::ShortResponse`]
/// when the card answers fewer than two bytes, [`ExchangeError::TooManyGetResponses`] when it
/// never stops asking for GET RESPONSE, [`ExchangeError::CannotResend`] when the `Le` a `6Cxx`
/// asks for does not fit the command.
pub fn exchange<T: CardTransport + ?Sized>(
    transport: &mut T,
    command: &Command<'_>,
) -> Result<Reply, ExchangeError> {
    let mut reply = once(transport, command)?;
    if let Status::WrongLe(le) = reply.status {
        let ne = if le == 0 { 256 } else { u32::from(le) };
        let resend = command
            .with_ne(ne)
            .map_err(|source| ExchangeError::CannotResend { ne, source })?;
        reply = once(transport, &resend)?;
    }
    let mut rounds = 0;
    while let Status::MoreAvailable(le) = reply.status {
        rounds += 1;
        if rounds > MAX_GET_RESPONSE_ROUNDS {
            return Err(ExchangeError::TooManyGetResponses);
        }
        let next = once(transport, &get_response(le))?;
        reply.data.extend_from_slice(&next.data);
        reply.status = next.status;
    }
    Ok(reply)
}

/// One command, one response, no status-word handling.
fn once<T: CardTransport + ?Sized>(
    transport: &mut T,
    command: &Command<'_>,
) -> Result<Reply, ExchangeError> {
    let mut buf = [0u8; STACK_APDU];
    let raw = match command.encode_into(&mut buf) {
        Ok(n) => transport.transmit(buf.get(..n).unwrap_or_default()),
        Err(_) => transport.transmit(&command.to_vec()),
    }?;
    let response = Response::parse(&raw).map_err(|_| ExchangeError::ShortResponse)?;
    Ok(Reply {
        data: response.data().to_vec(),
        status: response.status(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FnTransport;
    use proptest::prelude::*;

    /// A transport that expects `steps` in order: (command, answer), both in hex.
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

    /// GET DATA P1 `00` with a two-byte data field, as the NHI card reads its id.
    fn get_data() -> Command<'static> {
        Command::builder(0x00, 0xCA, 0x00, 0x00)
            .data(&[0x00, 0x00])
            .build()
            .unwrap()
    }

    #[test]
    fn get_response_rounds_are_concatenated() {
        let mut t = script(vec![
            ("00CA000002 0000", "6106"),
            ("00C0000006", "303030303132 6106"),
            ("00C0000006", "333435363738 9000"),
        ]);
        let reply = exchange(&mut t, &get_data()).unwrap();
        assert_eq!(reply.data, b"000012345678");
        assert_eq!(reply.status, Status::Success);
    }

    #[test]
    fn wrong_le_is_resent_once() {
        let mut t = script(vec![
            ("00CA0000020000", "6C0C"),
            ("00CA0000020000 0C", "303030303132333435363738 9000"),
        ]);
        let reply = exchange(&mut t, &get_data()).unwrap();
        assert_eq!(reply.data, b"000012345678");

        // Only once: a second 6Cxx is the caller's.
        let mut t = script(vec![
            ("00CA0000020000", "6C0C"),
            ("00CA0000020000 0C", "6C0A"),
        ]);
        let reply = exchange(&mut t, &get_data()).unwrap();
        assert_eq!(reply.status, Status::WrongLe(0x0A));
        assert!(reply.data.is_empty());
    }

    #[test]
    fn wrong_le_then_more_available() {
        // 6C00 asks for 256 bytes (Le = 00), and the resend may itself answer 61xx.
        let mut t = script(vec![
            ("0084000008", "6C00"),
            ("0084000000", "01 6101"),
            ("00C0000001", "02 9000"),
        ]);
        let challenge = Command::builder(0x00, 0x84, 0x00, 0x00)
            .le(8)
            .build()
            .unwrap();
        let reply = exchange(&mut t, &challenge).unwrap();
        assert_eq!(reply.data, [1, 2]);
        assert_eq!(reply.status, Status::Success);
    }

    #[test]
    fn other_status_words_are_the_callers() {
        let mut t = script(vec![("00CA0000020000", "6982")]);
        let reply = exchange(&mut t, &get_data()).unwrap();
        assert_eq!(reply.status, Status::SecurityStatusNotSatisfied);
    }

    #[test]
    fn endless_get_response_is_an_error_not_a_hang() {
        let mut sent = 0;
        let mut t = FnTransport(|_: &[u8]| {
            sent += 1;
            Ok(vec![0xAA, 0x61, 0x01])
        });
        assert!(matches!(
            exchange(&mut t, &get_data()),
            Err(ExchangeError::TooManyGetResponses)
        ));
        assert_eq!(sent, 1 + MAX_GET_RESPONSE_ROUNDS);
    }

    #[test]
    fn transport_errors_pass_through() {
        let mut t = FnTransport(|_: &[u8]| Err(TransportError::CardRemoved));
        assert!(matches!(
            exchange(&mut t, &get_data()),
            Err(ExchangeError::Transport(TransportError::CardRemoved))
        ));
    }

    #[test]
    fn short_responses_are_refused() {
        let mut t = FnTransport(|_: &[u8]| Ok(vec![0x90]));
        assert!(matches!(
            exchange(&mut t, &get_data()),
            Err(ExchangeError::ShortResponse)
        ));
    }

    #[test]
    fn extended_commands_are_sent_whole() {
        let data = [0x5A; 400];
        let update = Command::builder(0x00, 0xD6, 0x00, 0x00)
            .data(&data)
            .build()
            .unwrap();
        let mut len = 0;
        let mut t = FnTransport(|apdu: &[u8]| {
            len = apdu.len();
            Ok(vec![0x90, 0x00])
        });
        exchange(&mut t, &update).unwrap();
        assert_eq!(len, update.encoded_len());
        assert!(len > STACK_APDU);
    }

    #[test]
    fn get_response_bytes() {
        assert_eq!(get_response(0x39).to_vec(), [0x00, 0xC0, 0x00, 0x00, 0x39]);
        assert_eq!(get_response(0).to_vec(), [0x00, 0xC0, 0x00, 0x00, 0x00]);
    }

    proptest! {
        /// However the card splits its answer into 61xx rounds, the caller gets it whole.
        #[test]
        fn chained_answers_are_reassembled(
            chunks in proptest::collection::vec(
                proptest::collection::vec(any::<u8>(), 0..=255), 1..=MAX_GET_RESPONSE_ROUNDS)
        ) {
            let expected: Vec<u8> = chunks.concat();
            let mut parts = chunks.clone().into_iter().peekable();
            let mut t = FnTransport(move |_: &[u8]| {
                let mut answer = parts.next().expect("no more parts");
                match parts.peek() {
                    Some(next) => answer.extend_from_slice(&[0x61, next.len() as u8]),
                    None => answer.extend_from_slice(&[0x90, 0x00]),
                }
                Ok(answer)
            });
            let reply = exchange(&mut t, &get_data()).unwrap();
            prop_assert_eq!(reply.status, Status::Success);
            prop_assert_eq!(reply.data, expected);
        }

        /// Any answers at all end in a reply or an error, never a panic or a hang.
        #[test]
        fn any_answers_end(
            answers in proptest::collection::vec(
                proptest::collection::vec(any::<u8>(), 0..8), 1..40)
        ) {
            let mut answers = answers.into_iter().cycle();
            let mut t = FnTransport(move |_: &[u8]| Ok(answers.next().unwrap_or_default()));
            let _ = exchange(&mut t, &get_data());
        }
    }
}
