//! Telephone numbers: the optional local phone `(area)-number#ext` (聯絡電話) and the mobile
//! phone `09xx-xxxxxx` (行動電話), both normalised.
//!
//! Local numbers are checked against Taiwan's area codes and their subscriber-number
//! lengths:
//!
//! | area code | where | digits |
//! |---|---|---|
//! | 02 | Taipei, New Taipei, Keelung | 8 |
//! | 03 | Taoyuan, Hsinchu, Yilan, Hualien | 7 |
//! | 037 | Miaoli | 6 |
//! | 04 | Taichung, Changhua | 7 or 8 |
//! | 049 | Nantou | 7 |
//! | 05 | Chiayi, Yunlin | 7 |
//! | 06 | Tainan, Penghu | 7 |
//! | 07 | Kaohsiung | 7 |
//! | 08 | Pingtung | 7 |
//! | 082 | Kinmen | 6 |
//! | 0826 | Wuqiu | 5 |
//! | 0836 | Matsu | 5 |
//! | 089 | Taitung | 6 |
//!
//! ```
//! use twnhi_account::{LocalPhone, MobilePhone};
//!
//! let p = LocalPhone::parse("(02)2345-6789#123")?;
//! assert_eq!((p.area_code(), p.number(), p.extension()), ("02", "23456789", Some("123")));
//! assert_eq!(p.to_string(), "(02)23456789#123");
//! assert_eq!(LocalPhone::parse("037-123456")?.area_code(), "037");
//!
//! let m = MobilePhone::parse("+886 912 345 678").unwrap();
//! assert_eq!(m.as_str(), "0912345678");
//! assert_eq!(m.to_string(), "0912-345678");
//! # Ok::<(), twnhi_account::PhoneError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};
use crate::normalize::{ascii_fold_trim, digits_only_candidate};

/// Why a phone number was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// The local number is malformed.
    LocalFormat,
    /// The local number's area code is not a Taiwanese area code, or the number has the wrong
    /// length for it.
    AreaCode,
    /// No mobile number was entered.
    MobileEmpty,
    /// The mobile number is not `09` and 8 digits.
    MobileFormat,
}

impl Localized for PhoneError {
    fn msg(&self) -> Msg {
        match self {
            PhoneError::LocalFormat => Msg::LocalPhoneInvalid,
            PhoneError::AreaCode => Msg::LocalPhoneAreaCode,
            PhoneError::MobileEmpty => Msg::MobilePhoneEmpty,
            PhoneError::MobileFormat => Msg::MobilePhoneInvalid,
        }
    }
}
bilingual_display!(PhoneError);

/// Area codes and the allowed lengths of the subscriber number, longest codes first.
const AREA_CODES: &[(&str, &[usize])] = &[
    ("0826", &[5]),
    ("0836", &[5]),
    ("037", &[6]),
    ("049", &[7]),
    ("082", &[6]),
    ("089", &[6]),
    ("02", &[8]),
    ("03", &[7]),
    ("04", &[7, 8]),
    ("05", &[7]),
    ("06", &[7]),
    ("07", &[7]),
    ("08", &[7]),
];

fn lengths_for(area: &str) -> Option<&'static [usize]> {
    AREA_CODES
        .iter()
        .find(|(code, _)| *code == area)
        .map(|(_, l)| *l)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A local (landline) phone number with an optional extension.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalPhone {
    area: String,
    number: String,
    extension: Option<String>,
}

impl LocalPhone {
    /// Longest extension accepted.
    pub const MAX_EXTENSION: usize = 6;

    /// Builds a number from the form's three fields (area code, number, extension; an empty
    /// extension means none). Spaces and hyphens inside the fields are ignored.
    ///
    /// # Errors
    /// [`PhoneError::LocalFormat`] for non-digits or a bad extension, [`PhoneError::AreaCode`]
    /// for an unknown area code or a number of the wrong length for it.
    pub fn from_parts(area: &str, number: &str, extension: &str) -> Result<Self, PhoneError> {
        let area = digits_only_candidate(area);
        let area = area
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
            .unwrap_or(&area)
            .to_owned();
        let number = digits_only_candidate(number);
        let ext = digits_only_candidate(extension);
        if !all_digits(&area) || !all_digits(&number) {
            return Err(PhoneError::LocalFormat);
        }
        let extension = if ext.is_empty() {
            None
        } else if all_digits(&ext) && ext.len() <= Self::MAX_EXTENSION {
            Some(ext)
        } else {
            return Err(PhoneError::LocalFormat);
        };
        let lengths = lengths_for(&area).ok_or(PhoneError::AreaCode)?;
        if !lengths.contains(&number.len()) {
            return Err(PhoneError::AreaCode);
        }
        Ok(LocalPhone {
            area,
            number,
            extension,
        })
    }

    /// Parses one string: `(02)2345-6789#123`, `02-23456789`, `0223456789`, `+886-2-23456789`,
    /// with `#`, `ext` or `分機` before an extension. Without a separator the longest area
    /// code that gives a valid length is taken.
    ///
    /// # Errors
    /// As [`LocalPhone::from_parts`].
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let s = ascii_fold_trim(input);
        let lower = s.to_ascii_lowercase();
        let (main, ext) = match split_extension(&lower) {
            Some((m, e)) => (m, e),
            None => (lower.as_str(), ""),
        };
        let mut main = main.trim().to_owned();
        // +886 / 886 country code: the area code loses its 0
        for prefix in ["+886", "00886"] {
            if let Some(rest) = main.strip_prefix(prefix) {
                let rest = rest.trim_start_matches([' ', '-', '(', ')']);
                main = format!("0{rest}");
            }
        }
        // an explicit area code: "(02)…" or "02-…" or "02 …"
        if let Some(rest) = main.strip_prefix('(') {
            let (area, number) = rest.split_once(')').ok_or(PhoneError::LocalFormat)?;
            return Self::from_parts(area, number, ext);
        }
        if let Some((area, number)) = main.split_once(['-', ' ']) {
            let area_digits = digits_only_candidate(area);
            if lengths_for(&area_digits).is_some() {
                return Self::from_parts(&area_digits, number, ext);
            }
        }
        let digits = digits_only_candidate(&main);
        if !all_digits(&digits) {
            return Err(PhoneError::LocalFormat);
        }
        for (code, lengths) in AREA_CODES {
            if let Some(number) = digits.strip_prefix(code)
                && lengths.contains(&number.len())
            {
                return Self::from_parts(code, number, ext);
            }
        }
        Err(PhoneError::AreaCode)
    }

    /// Area code with its leading 0, e.g. `02`.
    #[must_use]
    pub fn area_code(&self) -> &str {
        &self.area
    }

    /// Subscriber number, digits only.
    #[must_use]
    pub fn number(&self) -> &str {
        &self.number
    }

    /// Extension, if any.
    #[must_use]
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// The number in E.164 form without the extension, e.g. `+886223456789`.
    #[must_use]
    pub fn e164(&self) -> String {
        format!(
            "+886{}{}",
            self.area.strip_prefix('0').unwrap_or(&self.area),
            self.number
        )
    }
}

fn split_extension(s: &str) -> Option<(&str, &str)> {
    // cjk-ok: the extension as people write it
    for sep in ["#", "ext.", "ext", "分機", "x"] {
        if let Some((m, e)) = s.split_once(sep) {
            return Some((m, e.trim()));
        }
    }
    None
}

impl fmt::Display for LocalPhone {
    /// `(02)23456789` or `(02)23456789#123`, the form's shape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}){}", self.area, self.number)?;
        if let Some(e) = &self.extension {
            write!(f, "#{e}")?;
        }
        Ok(())
    }
}

impl FromStr for LocalPhone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LocalPhone::parse(s)
    }
}

impl TryFrom<String> for LocalPhone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        LocalPhone::parse(&s)
    }
}

impl From<LocalPhone> for String {
    fn from(p: LocalPhone) -> String {
        p.to_string()
    }
}

/// A Taiwanese mobile phone number: `09` and 8 digits, stored as the 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobilePhone(String);

impl MobilePhone {
    /// Parses a mobile number: `0912345678`, `0912-345678`, `0912-345-678`, `(0912)345678`,
    /// `+886912345678`, `+886 912 345 678` (full-width digits accepted).
    ///
    /// # Errors
    /// [`PhoneError::MobileEmpty`] or [`PhoneError::MobileFormat`].
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let s: String = digits_only_candidate(input)
            .chars()
            .filter(|c| !matches!(c, '(' | ')'))
            .collect();
        if s.is_empty() {
            return Err(PhoneError::MobileEmpty);
        }
        let s = if let Some(rest) = s.strip_prefix("+886").or_else(|| s.strip_prefix("00886")) {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        } else {
            s
        };
        if s.len() == 10 && s.starts_with("09") && all_digits(&s) {
            Ok(MobilePhone(s))
        } else {
            Err(PhoneError::MobileFormat)
        }
    }

    /// The 10 digits, e.g. `0912345678`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// E.164 form, e.g. `+886912345678`.
    #[must_use]
    pub fn e164(&self) -> String {
        format!("+886{}", self.0.get(1..).unwrap_or_default())
    }
}

impl fmt::Display for MobilePhone {
    /// `0912-345678`, the form's `09xx-xxxxxx`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.get(..4), self.0.get(4..)) {
            (Some(a), Some(b)) => write!(f, "{a}-{b}"),
            _ => f.write_str(&self.0),
        }
    }
}

impl FromStr for MobilePhone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MobilePhone::parse(s)
    }
}

impl TryFrom<String> for MobilePhone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        MobilePhone::parse(&s)
    }
}

impl From<MobilePhone> for String {
    fn from(p: MobilePhone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_forms() {
        let cases = [
            ("(02)2345-6789", "02", "23456789", None),
            ("02-23456789#12", "02", "23456789", Some("12")),
            ("0223456789", "02", "23456789", None),
            ("+886-2-2345-6789", "02", "23456789", None),
            ("037-123456", "037", "123456", None),
            ("037123456", "037", "123456", None),
            ("04-2345678", "04", "2345678", None),
            ("04-23456789 ext 5", "04", "23456789", Some("5")),
            ("049-2345678", "049", "2345678", None),
            ("0492345678", "049", "2345678", None),
            ("(082)312345", "082", "312345", None),
            ("0826-12345", "0826", "12345", None),
            ("0836-22345", "0836", "22345", None),
            ("089-123456", "089", "123456", None),
            ("（０７）１２３４５６７＃８", "07", "1234567", Some("8")),
            ("07 1234567 分機 99", "07", "1234567", Some("99")),
        ];
        for (input, area, number, ext) in cases {
            let p = LocalPhone::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(p.area_code(), area, "{input}");
            assert_eq!(p.number(), number, "{input}");
            assert_eq!(p.extension(), ext, "{input}");
        }
        assert_eq!(
            LocalPhone::parse("02-2345678").unwrap_err(),
            PhoneError::AreaCode
        );
        assert_eq!(
            LocalPhone::parse("01-2345678").unwrap_err(),
            PhoneError::AreaCode
        );
        assert_eq!(
            LocalPhone::parse("02-2345abcd").unwrap_err(),
            PhoneError::LocalFormat
        );
        assert_eq!(
            LocalPhone::parse("02-23456789#1234567").unwrap_err(),
            PhoneError::LocalFormat
        );
        let p = LocalPhone::from_parts("02", "2345-6789", "").unwrap();
        assert_eq!(p.e164(), "+886223456789");
    }

    #[test]
    fn mobile_forms() {
        for input in [
            "0912345678",
            "0912-345678",
            "0912-345-678",
            "(0912)345678",
            "+886912345678",
            "+886 912 345 678",
            "+886-0912-345678",
            "００８８６９１２３４５６７８",
        ] {
            let m = MobilePhone::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(m.as_str(), "0912345678", "{input}");
        }
        assert_eq!(MobilePhone::parse(" "), Err(PhoneError::MobileEmpty));
        for bad in ["0812345678", "091234567", "09123456789", "09123456a8"] {
            assert_eq!(
                MobilePhone::parse(bad),
                Err(PhoneError::MobileFormat),
                "{bad}"
            );
        }
        let m = MobilePhone::parse("0912345678").unwrap();
        assert_eq!(m.e164(), "+886912345678");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"0912345678\"");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}", a in "\\PC{0,6}", b in "\\PC{0,10}") {
            let _ = LocalPhone::parse(&s);
            let _ = LocalPhone::from_parts(&a, &b, &s);
            let _ = MobilePhone::parse(&s);
        }

        #[test]
        fn local_round_trips(
            i in 0usize..13,
            n8 in "[1-9][0-9]{7}",
            ext in proptest::option::of("[0-9]{1,6}"),
        ) {
            let (area, lengths) = AREA_CODES[i];
            let number: String = n8.chars().take(lengths[0]).collect();
            let p = LocalPhone::from_parts(area, &number, ext.as_deref().unwrap_or("")).unwrap();
            let again = LocalPhone::parse(&p.to_string()).unwrap();
            prop_assert_eq!(&again, &p);
            let json = serde_json::to_string(&p).unwrap();
            prop_assert_eq!(serde_json::from_str::<LocalPhone>(&json).unwrap(), p);
        }

        #[test]
        fn mobile_round_trips(s in "09[0-9]{8}") {
            let m = MobilePhone::parse(&s).unwrap();
            prop_assert_eq!(MobilePhone::parse(&m.to_string()).unwrap(), m.clone());
            prop_assert_eq!(MobilePhone::parse(&m.e164()).unwrap(), m);
        }
    }
}
