//! ID numbers: the national ID card number (身分證統一編號) and the resident certificate
//! number (居留證統一證號), new (2021) and old formats.
//!
//! | kind | shape | second character |
//! |---|---|---|
//! | [`IdKind::National`] | `^[A-Z][12]\d{8}$` | 1 male, 2 female |
//! | [`IdKind::ResidentNew`] | `^[A-Z][89]\d{8}$` | 8 male, 9 female |
//! | [`IdKind::ResidentOld`] | `^[A-Z][A-D]\d{8}$` | A, C male; B, D female |
//!
//! Check digit: each first letter has a two-digit value (A10 B11 C12 D13 E14 F15 G16 H17 I34
//! J18 K19 L20 M21 N22 O35 P23 Q24 R25 S26 T27 U28 V29 W32 X30 Y31 Z33); in the old resident
//! format the second letter counts as its value mod 10. The sum tens × 1 + units × 9 + the
//! eight following digits × 8, 7, 6, 5, 4, 3, 2, 1 + the check digit must be a multiple of 10.
//!
//! ```
//! use twnhi_account::{IdKind, IdNumber, Sex};
//!
//! let id = IdNumber::parse(" a123456789 ")?; // trimmed, upper-cased, full-width folded
//! assert_eq!(id.as_str(), "A123456789");
//! assert_eq!(id.kind(), IdKind::National);
//! assert_eq!(id.sex(), Some(Sex::Male));
//! assert_eq!(id.masked(), "A12345****");
//! # Ok::<(), twnhi_account::IdError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};
use crate::normalize::identifier;

/// The kind of an ID number, told by its second character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IdKind {
    /// National ID card number (身分證字號): second character `1` or `2`.
    National,
    /// Resident certificate number in the format used since 2021: second character `8` or `9`.
    ResidentNew,
    /// Resident certificate number in the old format: second character `A`–`D`.
    ResidentOld,
}

impl IdKind {
    /// The kind's stable name: `national`, `resident-new` or `resident-old`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            IdKind::National => "national",
            IdKind::ResidentNew => "resident-new",
            IdKind::ResidentOld => "resident-old",
        }
    }

    /// The kind an input *looks* like (first character a letter, second character one of the
    /// known ones), without checking anything else. Useful to explain an invalid number.
    ///
    /// ```
    /// use twnhi_account::IdKind;
    /// assert_eq!(IdKind::detect("A123456780"), Some(IdKind::National)); // bad check digit
    /// assert_eq!(IdKind::detect("ac"), Some(IdKind::ResidentOld));
    /// assert_eq!(IdKind::detect("12"), None);
    /// ```
    #[must_use]
    pub fn detect(input: &str) -> Option<IdKind> {
        let s = identifier(input);
        let mut chars = s.chars();
        let first = chars.next()?;
        if !first.is_ascii_uppercase() {
            return None;
        }
        kind_of_second(chars.next()?)
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sex as carried by an ID number: the same type as the card's
/// ([`twnhi_card::Sex`], serialised `"M"` / `"F"`), so that a card read and an ID number
/// compare directly.
pub use twnhi_card::Sex;

/// Why a string is not a valid ID number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Nothing was entered.
    Empty,
    /// Not exactly 10 characters.
    Length,
    /// The first character is not a letter A–Z.
    FirstLetter,
    /// The second character is not one of `1 2 8 9 A B C D`.
    SecondChar,
    /// Characters 3–10 are not all digits.
    Digits,
    /// The check digit does not match.
    CheckDigit,
}

impl Localized for IdError {
    fn msg(&self) -> Msg {
        match self {
            IdError::Empty => Msg::IdEmpty,
            IdError::Length => Msg::IdLength,
            IdError::FirstLetter => Msg::IdFirstLetter,
            IdError::SecondChar => Msg::IdSecondChar,
            IdError::Digits => Msg::IdDigits,
            IdError::CheckDigit => Msg::IdCheckDigit,
        }
    }
}
bilingual_display!(IdError);

/// A valid ID number (national or resident), normalised to upper case ASCII.
///
/// Serialises as its 10-character string; deserialising validates.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

/// The two-digit value of a first letter (A10 … Z33).
const fn letter_value(c: char) -> Option<u32> {
    Some(match c {
        'A' => 10,
        'B' => 11,
        'C' => 12,
        'D' => 13,
        'E' => 14,
        'F' => 15,
        'G' => 16,
        'H' => 17,
        'I' => 34,
        'J' => 18,
        'K' => 19,
        'L' => 20,
        'M' => 21,
        'N' => 22,
        'O' => 35,
        'P' => 23,
        'Q' => 24,
        'R' => 25,
        'S' => 26,
        'T' => 27,
        'U' => 28,
        'V' => 29,
        'W' => 32,
        'X' => 30,
        'Y' => 31,
        'Z' => 33,
        _ => return None,
    })
}

fn kind_of_second(c: char) -> Option<IdKind> {
    match c {
        '1' | '2' => Some(IdKind::National),
        '8' | '9' => Some(IdKind::ResidentNew),
        'A'..='D' => Some(IdKind::ResidentOld),
        _ => None,
    }
}

/// The value of the second character in the weighted sum.
fn second_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A'..='D' => letter_value(c).map(|v| v % 10),
        _ => None,
    }
}

/// The check digit that completes the first nine characters (letter, second character and
/// seven digits) into a valid ID number, or `None` if they are malformed.
///
/// Handy to build synthetic test identities:
///
/// ```
/// use twnhi_account::id::check_digit;
/// assert_eq!(check_digit("A12345678"), Some(9)); // A123456789
/// ```
#[must_use]
pub fn check_digit(first_nine: &str) -> Option<u32> {
    let chars: Vec<char> = first_nine.chars().collect();
    if chars.len() != 9 {
        return None;
    }
    let partial = weighted_sum(&chars)?;
    Some((10 - partial % 10) % 10)
}

/// tens × 1 + units × 9 + next eight characters × 8..1 (without the check digit).
fn weighted_sum(chars: &[char]) -> Option<u32> {
    let first = *chars.first()?;
    let v = letter_value(first)?;
    let mut sum = v / 10 + (v % 10) * 9;
    let second = *chars.get(1)?;
    kind_of_second(second)?;
    sum += second_value(second)? * 8;
    for (i, weight) in (2..9).zip((1..=7).rev()) {
        sum += chars.get(i)?.to_digit(10)? * weight;
    }
    Some(sum)
}

impl IdNumber {
    /// Parses and validates an ID number: trims, folds full-width characters, upper-cases,
    /// then checks the shape and the check digit.
    ///
    /// # Errors
    /// The first problem found, in the order empty → length → first letter → second
    /// character → digits → check digit.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = identifier(input);
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 10 {
            return Err(IdError::Length);
        }
        let (first, second) = match chars.as_slice() {
            [a, b, ..] => (*a, *b),
            _ => return Err(IdError::Length),
        };
        if letter_value(first).is_none() {
            return Err(IdError::FirstLetter);
        }
        if kind_of_second(second).is_none() {
            return Err(IdError::SecondChar);
        }
        if !chars.iter().skip(2).all(char::is_ascii_digit) {
            return Err(IdError::Digits);
        }
        let partial = weighted_sum(&chars).ok_or(IdError::Digits)?;
        let check = chars
            .get(9)
            .and_then(|c| c.to_digit(10))
            .ok_or(IdError::Digits)?;
        if (partial + check) % 10 != 0 {
            return Err(IdError::CheckDigit);
        }
        Ok(IdNumber(s))
    }

    /// The normalised number, e.g. `A123456789`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// National, new resident or old resident format.
    #[must_use]
    pub fn kind(&self) -> IdKind {
        self.0
            .chars()
            .nth(1)
            .and_then(kind_of_second)
            .unwrap_or(IdKind::National)
    }

    /// The holder's sex from the second character: `1`/`8`/`A`/`C` male, `2`/`9`/`B`/`D`
    /// female. Every valid format carries it, so this is `Some` for every parsed number;
    /// it stays an `Option` should a future format not carry it.
    #[must_use]
    pub fn sex(&self) -> Option<Sex> {
        match self.0.chars().nth(1)? {
            '1' | '8' | 'A' | 'C' => Some(Sex::Male),
            '2' | '9' | 'B' | 'D' => Some(Sex::Female),
            _ => None,
        }
    }

    /// The number with its last four characters hidden, as shown on the site
    /// (`T22006****` in the manual).
    #[must_use]
    pub fn masked(&self) -> String {
        let visible: String = self.0.chars().take(6).collect();
        format!("{visible}****")
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    /// Masked, so that logs do not leak full ID numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl FromStr for IdNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn complete(first_nine: &str) -> String {
        let c = check_digit(first_nine).unwrap();
        format!("{first_nine}{c}")
    }

    #[test]
    fn textbook_example() {
        let id = IdNumber::parse("A123456789").unwrap();
        assert_eq!(id.kind(), IdKind::National);
        assert_eq!(id.sex(), Some(Sex::Male));
        assert_eq!(
            IdNumber::parse("A123456780"),
            Err(IdError::CheckDigit),
            "one digit off"
        );
    }

    #[test]
    fn letter_values_follow_the_table() {
        let expected = [
            ('A', 10),
            ('B', 11),
            ('C', 12),
            ('D', 13),
            ('E', 14),
            ('F', 15),
            ('G', 16),
            ('H', 17),
            ('I', 34),
            ('J', 18),
            ('K', 19),
            ('L', 20),
            ('M', 21),
            ('N', 22),
            ('O', 35),
            ('P', 23),
            ('Q', 24),
            ('R', 25),
            ('S', 26),
            ('T', 27),
            ('U', 28),
            ('V', 29),
            ('W', 32),
            ('X', 30),
            ('Y', 31),
            ('Z', 33),
        ];
        for (c, v) in expected {
            assert_eq!(letter_value(c), Some(v), "{c}");
        }
        assert_eq!(letter_value('a'), None);
    }

    #[test]
    fn kinds_and_sexes() {
        let cases = [
            ("B2", IdKind::National, Sex::Female),
            ("C8", IdKind::ResidentNew, Sex::Male),
            ("D9", IdKind::ResidentNew, Sex::Female),
            ("EA", IdKind::ResidentOld, Sex::Male),
            ("FB", IdKind::ResidentOld, Sex::Female),
            ("GC", IdKind::ResidentOld, Sex::Male),
            ("HD", IdKind::ResidentOld, Sex::Female),
        ];
        for (prefix, kind, sex) in cases {
            let s = complete(&format!("{prefix}0000001"));
            let id = IdNumber::parse(&s).unwrap();
            assert_eq!(id.kind(), kind, "{s}");
            assert_eq!(id.sex(), Some(sex), "{s}");
            assert_eq!(IdKind::detect(&s), Some(kind));
        }
    }

    #[test]
    fn old_resident_second_letter_counts_mod_10() {
        // A: tens 1, units 0 -> 1; C (12) -> 2 * 8 = 16; digits 0000000 -> 0; sum 17 -> check 3.
        assert_eq!(check_digit("AC0000000"), Some(3));
        assert!(IdNumber::parse("AC00000003").is_ok());
    }

    #[test]
    fn errors_in_order() {
        assert_eq!(IdNumber::parse("  "), Err(IdError::Empty));
        assert_eq!(IdNumber::parse("A12345678"), Err(IdError::Length));
        assert_eq!(IdNumber::parse("1123456789"), Err(IdError::FirstLetter));
        assert_eq!(IdNumber::parse("A323456789"), Err(IdError::SecondChar));
        assert_eq!(IdNumber::parse("AE23456789"), Err(IdError::SecondChar));
        assert_eq!(IdNumber::parse("A1234567X9"), Err(IdError::Digits));
        assert_eq!(IdNumber::parse("中123456789"), Err(IdError::FirstLetter));
    }

    #[test]
    fn normalises_input() {
        let id = IdNumber::parse("ａ１２３４５６７８９").unwrap();
        assert_eq!(id.as_str(), "A123456789");
        assert_eq!(format!("{id:?}"), "IdNumber(A12345****)");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"A123456789\"");
        assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IdNumber>("\"A123456780\"").is_err());
    }

    #[test]
    fn error_display_is_bilingual() {
        let e = IdNumber::parse("A123456780").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{} / {}", Msg::IdCheckDigit.zh(), Msg::IdCheckDigit.en())
        );
    }

    fn valid_id() -> impl Strategy<Value = String> {
        ("[A-Z]", "[1289A-D]", "[0-9]{7}").prop_map(|(a, b, c)| complete(&format!("{a}{b}{c}")))
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,16}") {
            let _ = IdNumber::parse(&s);
            let _ = IdKind::detect(&s);
            let _ = check_digit(&s);
        }

        #[test]
        fn generated_ids_round_trip(s in valid_id()) {
            let id = IdNumber::parse(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            let again = IdNumber::parse(&format!("{id}")).unwrap();
            prop_assert_eq!(&again, &id);
            prop_assert!(id.sex().is_some());
            let lower = s.to_ascii_lowercase();
            prop_assert_eq!(IdNumber::parse(&lower).unwrap(), id);
        }

        #[test]
        fn single_digit_changes_at_odd_weights_are_caught(
            s in valid_id(),
            pos in prop::sample::select(vec![2usize, 6, 8, 9]),
            delta in 1u32..10,
        ) {
            // Positions 2, 6, 8 and 9 have weights 7, 3, 1 and 1, coprime with 10: any change
            // of one digit there moves the sum by a non-multiple of 10.
            let mut chars: Vec<char> = s.chars().collect();
            let d = chars[pos].to_digit(10).unwrap();
            chars[pos] = char::from_digit((d + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            prop_assert_eq!(IdNumber::parse(&changed), Err(IdError::CheckDigit));
        }
    }
}
