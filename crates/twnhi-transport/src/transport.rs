//! The trait a reader backend implements.

use crate::TransportError;

/// Sends one command APDU to a card and returns its response APDU (data + status word).
///
/// A transport sends bytes and nothing else: `61xx` / `6Cxx` handling belongs to
/// [`exchange`](crate::exchange), selection and the meaning of status words to the card
/// application above it.
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
/// use twnhi_transport::{CardTransport, FnTransport};
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
