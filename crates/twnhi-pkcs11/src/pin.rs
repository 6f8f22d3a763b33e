//! The PIN: held in memory that is wiped when dropped, never shown by `Debug`.

use zeroize::Zeroizing;

use crate::CertError;

/// A certificate card's user PIN.
///
/// The text lives in a [`Zeroizing`] buffer (overwritten with zeros when the `Pin` is
/// dropped); `Debug` prints `Pin(<redacted>)`; there is no `Display`, `Clone` or `Serialize`.
/// The PIN goes to the token's `C_Login` and nowhere else: the crate never logs it, and no
/// error holds it.
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// A PIN from `text`; [`CertError::PinFormat`] when it is empty.
    pub fn new(text: impl Into<String>) -> Result<Pin, CertError> {
        let text = Zeroizing::new(text.into());
        if text.is_empty() {
            return Err(CertError::PinFormat);
        }
        Ok(Pin(text))
    }

    /// A PIN from one line read from a terminal or a pipe: the line ending (`\n` or `\r\n`)
    /// is removed in place, so the buffer holding the PIN is the one that is wiped.
    pub fn from_line(line: String) -> Result<Pin, CertError> {
        let mut line = Zeroizing::new(line);
        let len = line.trim_end_matches(['\r', '\n']).len();
        line.truncate(len);
        if line.is_empty() {
            return Err(CertError::PinFormat);
        }
        Ok(Pin(line))
    }

    /// The PIN's text, for the token's login only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_pin() {
        let pin = Pin::new("123456").unwrap();
        let shown = format!("{pin:?} {:?}", Some(&pin));
        assert!(!shown.contains("123456"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn from_line_strips_the_line_ending_and_refuses_an_empty_pin() {
        assert_eq!(Pin::from_line("1234\r\n".into()).unwrap().expose(), "1234");
        assert_eq!(Pin::from_line("12 34\n".into()).unwrap().expose(), "12 34");
        assert!(matches!(
            Pin::from_line("\n".into()),
            Err(CertError::PinFormat)
        ));
        assert!(matches!(Pin::new(""), Err(CertError::PinFormat)));
    }
}
