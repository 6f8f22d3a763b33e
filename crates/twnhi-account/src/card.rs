//! The NHI card number (健保卡卡號): the 12 digits on the bottom left of the card's front,
//! also what the card answers to GET DATA (SPEC §3).
//!
//! ```
//! use twnhi_account::CardNumber;
//!
//! let card = CardNumber::parse("0000 1234 5678")?; // spaces and hyphens are dropped
//! assert_eq!(card.as_str(), "000012345678");
//! assert_eq!(card.masked(), "********5678");
//! # Ok::<(), twnhi_account::CardNumberError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};
use crate::normalize::identifier;

/// Why a string is not an NHI card number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CardNumberError {
    /// Nothing was entered.
    Empty,
    /// Not exactly 12 digits.
    Format,
}

impl Localized for CardNumberError {
    fn msg(&self) -> Msg {
        match self {
            CardNumberError::Empty => Msg::CardNumberEmpty,
            CardNumberError::Format => Msg::CardNumberFormat,
        }
    }
}
bilingual_display!(CardNumberError);

/// A 12-digit NHI card number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber(String);

impl CardNumber {
    /// Number of digits.
    pub const LEN: usize = 12;

    /// Parses a card number: full-width digits are folded, spaces, hyphens and dots dropped,
    /// then exactly 12 ASCII digits must remain.
    ///
    /// # Errors
    /// [`CardNumberError::Empty`] or [`CardNumberError::Format`].
    pub fn parse(input: &str) -> Result<Self, CardNumberError> {
        let s = identifier(input);
        if s.is_empty() {
            return Err(CardNumberError::Empty);
        }
        if s.len() != Self::LEN || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardNumberError::Format);
        }
        Ok(CardNumber(s))
    }

    /// Builds the number from the 12 ASCII bytes a card returns.
    ///
    /// # Errors
    /// [`CardNumberError::Format`] unless `bytes` is exactly 12 ASCII digits.
    ///
    /// ```
    /// use twnhi_account::CardNumber;
    /// assert!(CardNumber::from_card_bytes(b"000012345678").is_ok());
    /// assert!(CardNumber::from_card_bytes(b"00001234567\0").is_err());
    /// ```
    pub fn from_card_bytes(bytes: &[u8]) -> Result<Self, CardNumberError> {
        if bytes.len() != Self::LEN || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(CardNumberError::Format);
        }
        let s: String = bytes.iter().map(|&b| char::from(b)).collect();
        Ok(CardNumber(s))
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but the last four digits hidden.
    #[must_use]
    pub fn masked(&self) -> String {
        let tail: String = self.0.chars().skip(Self::LEN - 4).collect();
        format!("********{tail}")
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CardNumber {
    /// Masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber({})", self.masked())
    }
}

impl FromStr for CardNumber {
    type Err = CardNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CardNumber::parse(s)
    }
}

impl TryFrom<String> for CardNumber {
    type Error = CardNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CardNumber::parse(&s)
    }
}

impl From<CardNumber> for String {
    fn from(c: CardNumber) -> String {
        c.0
    }
}

impl AsRef<str> for CardNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            CardNumber::parse("０００１２３４５６７８９")
                .unwrap()
                .as_str(),
            "000123456789"
        );
        assert_eq!(CardNumber::parse(""), Err(CardNumberError::Empty));
        assert_eq!(
            CardNumber::parse("12345678901"),
            Err(CardNumberError::Format)
        );
        assert_eq!(
            CardNumber::parse("1234567890123"),
            Err(CardNumberError::Format)
        );
        assert_eq!(
            CardNumber::parse("12345678901A"),
            Err(CardNumberError::Format)
        );
        let c = CardNumber::parse("000012345678").unwrap();
        assert_eq!(format!("{c:?}"), "CardNumber(********5678)");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = CardNumber::parse(&s);
            let _ = CardNumber::from_card_bytes(s.as_bytes());
        }

        #[test]
        fn round_trips(s in "[0-9]{12}") {
            let c = CardNumber::parse(&s).unwrap();
            prop_assert_eq!(c.as_str(), s.as_str());
            prop_assert_eq!(CardNumber::parse(&format!("{c}")).unwrap(), c.clone());
            prop_assert_eq!(CardNumber::from_card_bytes(s.as_bytes()).unwrap(), c);
        }
    }
}
