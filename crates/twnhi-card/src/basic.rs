//! The 57 bytes of basic data (GET DATA P1 `11`).

use crate::roc::{format_compact, parse_compact};
use crate::{CardNo, IdNo};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use twnhi_texts::{self as texts, Lang};

/// Length of the basic data returned by GET DATA P1 `11`.
pub const BASIC_DATA_LEN: usize = 57;

const CARD_NO: core::ops::Range<usize> = 0..12;
const NAME: core::ops::Range<usize> = 12..32;
const ID_NO: core::ops::Range<usize> = 32..42;
const BIRTH: core::ops::Range<usize> = 42..49;
const SEX: usize = 49;
const ISSUE: core::ops::Range<usize> = 50..57;

/// Sex, as recorded on the card (`M` / `F`) and carried by an ID number (its second
/// character; see `twnhi_account::IdNumber::sex`, which returns this type).
///
/// Serialises as the card's letter, `"M"` or `"F"`, as the registry files and the bridge's
/// JSON do; `Display` shows `male` / `female`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Male (男), `M`.
    #[serde(rename = "M")]
    Male,
    /// Female (女), `F`.
    #[serde(rename = "F")]
    Female,
}

impl Sex {
    /// The card's letter: `M` or `F`.
    pub const fn letter(self) -> char {
        match self {
            Sex::Male => 'M',
            Sex::Female => 'F',
        }
    }

    /// `male` or `female`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// How the sex is shown to a person in `lang` (男 / 女, male / female), from the
    /// catalog (`card-sex-*`).
    #[must_use]
    pub fn text(self, lang: Lang) -> String {
        texts::text(
            lang,
            match self {
                Sex::Male => "card-sex-male",
                Sex::Female => "card-sex-female",
            },
        )
    }
}

impl core::fmt::Display for Sex {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decoded basic data of an NHI card.
///
/// `Debug` masks the personal fields so that a stray `{:?}` in a log does not leak them;
/// use the fields or `serde` to get the values.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BasicData {
    /// Card number: 12 ASCII digits (健保卡卡號).
    pub card_no: CardNo,
    /// Holder's name, decoded from Big5 with its padding removed.
    pub name: String,
    /// Whether some bytes of the name could not be decoded and were replaced by U+FFFD.
    pub name_lossy: bool,
    /// ID number (身分證號 or 居留證號), 10 characters.
    pub id_no: IdNo,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Date the card was issued.
    pub issue_date: NaiveDate,
}

impl core::fmt::Debug for BasicData {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BasicData")
            .field("card_no", &mask(&self.card_no, 0, 4))
            .field("name", &mask(&self.name, 1, 0))
            .field("name_lossy", &self.name_lossy)
            .field("id_no", &mask(&self.id_no, 1, 0))
            .field("birth_date", &"****-**-**")
            .field("sex", &"*")
            .field("issue_date", &self.issue_date)
            .finish()
    }
}

fn mask(s: &str, keep_start: usize, keep_end: usize) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i + keep_end >= n {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Why 57 bytes are not valid basic data. Messages never include the card's contents.
///
/// [`message`](Self::message) gives the text in a language of the catalog (`card-basic-*`);
/// `Display` shows zh-TW / English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Error)]
#[error("{} / {}", self.message(Lang::ZhTw), self.message(Lang::En))]
#[non_exhaustive]
pub enum BasicDataError {
    /// Not 57 bytes.
    WrongLength {
        /// Bytes received.
        len: usize,
    },
    /// The card number is not 12 ASCII digits.
    CardNumber,
    /// The ID number is not a letter followed by 9 letters or digits.
    IdNumber,
    /// The birth date is not a possible ROC `YYYMMDD` date.
    BirthDate,
    /// The issue date is not a possible ROC `YYYMMDD` date.
    IssueDate,
    /// The sex byte is neither `M` nor `F`.
    Sex,
}

impl BasicDataError {
    /// The message in `lang`, from the catalog (`card-basic-*` of `card.ftl`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            BasicDataError::WrongLength { len } => {
                texts::format(lang, "card-basic-wrong-length", &[("len", (*len).into())])
            }
            BasicDataError::CardNumber => texts::text(lang, "card-basic-card-number"),
            BasicDataError::IdNumber => texts::text(lang, "card-basic-id-number"),
            BasicDataError::BirthDate => texts::text(lang, "card-basic-birth-date"),
            BasicDataError::IssueDate => texts::text(lang, "card-basic-issue-date"),
            BasicDataError::Sex => texts::text(lang, "card-basic-sex"),
        }
    }
}

impl BasicData {
    /// Decodes the 57 bytes returned by GET DATA P1 `11`.
    ///
    /// The name never fails the read: undecodable bytes become U+FFFD and set
    /// [`name_lossy`](Self::name_lossy). Everything else is checked strictly.
    ///
    /// # Errors
    /// A [`BasicDataError`] naming the first field that is malformed.
    pub fn parse(raw: &[u8]) -> Result<Self, BasicDataError> {
        if raw.len() != BASIC_DATA_LEN {
            return Err(BasicDataError::WrongLength { len: raw.len() });
        }
        let field = |r: core::ops::Range<usize>| raw.get(r).unwrap_or_default();

        let card_no = field(CARD_NO);
        let card_no = CardNo::from_bytes(card_no)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(BasicDataError::CardNumber)?;
        let (name, name_lossy) = decode_name(field(NAME));
        let id_no = field(ID_NO);
        let id_no = IdNo::from_bytes(id_no)
            .filter(|i| is_id_shape(i.as_bytes()))
            .ok_or(BasicDataError::IdNumber)?;
        let birth_date = parse_compact(field(BIRTH)).ok_or(BasicDataError::BirthDate)?;
        let sex = match raw.get(SEX) {
            Some(b'M') => Sex::Male,
            Some(b'F') => Sex::Female,
            _ => return Err(BasicDataError::Sex),
        };
        let issue_date = parse_compact(field(ISSUE)).ok_or(BasicDataError::IssueDate)?;
        Ok(BasicData {
            card_no,
            name,
            name_lossy,
            id_no,
            birth_date,
            sex,
            issue_date,
        })
    }

    /// Encodes back into the card's 57-byte layout (used by simulators and tests).
    ///
    /// Returns `None` when a field does not fit the layout: a card number that is not 12 ASCII
    /// digits, an ID number that is not 10 ASCII characters, a name longer than 20 bytes in
    /// Big5 or with characters Big5 cannot encode, or a date outside ROC years 1–999.
    pub fn to_bytes(&self) -> Option<[u8; BASIC_DATA_LEN]> {
        let (name, _, unmappable) = encoding_rs::BIG5.encode(&self.name);
        if unmappable {
            return None;
        }
        Self::encode_with_raw_name(self, &name)
    }

    /// Like [`to_bytes`](Self::to_bytes) but with the 20-byte name field given as raw bytes
    /// (shorter input is padded with spaces), for cards whose names Big5 cannot express.
    pub fn encode_with_raw_name(&self, name: &[u8]) -> Option<[u8; BASIC_DATA_LEN]> {
        let mut out = [0x20u8; BASIC_DATA_LEN];
        if !self.card_no.bytes().all(|b| b.is_ascii_digit()) || name.len() > NAME.len() {
            return None;
        }
        out.get_mut(CARD_NO)?
            .copy_from_slice(self.card_no.as_bytes());
        out.get_mut(NAME.start..NAME.start + name.len())?
            .copy_from_slice(name);
        out.get_mut(ID_NO)?.copy_from_slice(self.id_no.as_bytes());
        out.get_mut(BIRTH)?
            .copy_from_slice(&format_compact(self.birth_date)?);
        *out.get_mut(SEX)? = self.sex.letter() as u8;
        out.get_mut(ISSUE)?
            .copy_from_slice(&format_compact(self.issue_date)?);
        Some(out)
    }
}

/// Big5 (WHATWG, which includes HKSCS) → UTF-8; cut at the first NUL; trim spaces and U+3000.
/// One allocation: the decoded string, trimmed in place.
fn decode_name(bytes: &[u8]) -> (String, bool) {
    let pad = |c: char| c == ' ' || c == '\u{3000}';
    let mut decoder = encoding_rs::BIG5.new_decoder_without_bom_handling();
    // 20 bytes decode to at most 63 bytes of UTF-8 (replacement characters included).
    let capacity = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(4 * bytes.len() + 16);
    let mut name = String::with_capacity(capacity);
    let (_, _, had_errors) = decoder.decode_to_string(bytes, &mut name, true);
    if let Some(nul) = name.find('\0') {
        name.truncate(nul);
    }
    let end = name.trim_end_matches(pad).len();
    name.truncate(end);
    let start = name.len() - name.trim_start_matches(pad).len();
    name.drain(..start);
    let lossy = had_errors && name.contains('\u{FFFD}');
    (name, lossy)
}

fn is_id_shape(id: &[u8]) -> bool {
    match id {
        [first, rest @ ..] => {
            first.is_ascii_uppercase()
                && rest
                    .iter()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }
        [] => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(name: &[u8]) -> Vec<u8> {
        let mut raw = b"000012345678".to_vec();
        let mut n = name.to_vec();
        n.resize(20, 0x00);
        raw.extend_from_slice(&n);
        raw.extend_from_slice(b"A123456789");
        raw.extend_from_slice(b"0790101");
        raw.push(b'F');
        raw.extend_from_slice(b"1091027");
        raw
    }

    fn big5(s: &str) -> Vec<u8> {
        encoding_rs::BIG5.encode(s).0.into_owned()
    }

    #[test]
    fn decodes_a_full_record() {
        let d = BasicData::parse(&sample(&big5("測試一"))).unwrap();
        assert_eq!(d.card_no, "000012345678");
        assert_eq!(d.name, "測試一");
        assert!(!d.name_lossy);
        assert_eq!(d.id_no, "A123456789");
        assert_eq!(d.birth_date, NaiveDate::from_ymd_opt(1990, 1, 1).unwrap());
        assert_eq!(d.sex, Sex::Female);
        assert_eq!(d.issue_date, NaiveDate::from_ymd_opt(2020, 10, 27).unwrap());
    }

    #[test]
    fn long_names_are_not_cut_at_six_bytes() {
        // Public readers that read 6 bytes break names of more than three characters.
        let d = BasicData::parse(&sample(&big5("測試歐陽長名字"))).unwrap();
        assert_eq!(d.name, "測試歐陽長名字");
        // Ten characters fill the whole field with no padding at all.
        let d = BasicData::parse(&sample(&big5("一二三四五六七八九十"))).unwrap();
        assert_eq!(d.name, "一二三四五六七八九十");
    }

    #[test]
    fn padding_is_removed_whatever_it_is() {
        for pad in [&[0x00u8][..], &[0x20], &[0xA1, 0x40]] {
            let mut name = big5("測試二");
            while name.len() + pad.len() <= 20 {
                name.extend_from_slice(pad);
            }
            let d = BasicData::parse(&sample(&name)).unwrap();
            assert_eq!(d.name, "測試二", "pad {pad:02X?}");
            assert!(!d.name_lossy);
        }
        // Latin names with spaces inside keep their inner spaces.
        let d = BasicData::parse(&sample(b"TEST ONE")).unwrap();
        assert_eq!(d.name, "TEST ONE");
    }

    #[test]
    fn undecodable_characters_are_replaced_and_reported() {
        // 0x80 0x40 is not a Big5 / HKSCS code point.
        let mut name = big5("測");
        name.extend_from_slice(&[0x80, 0x40]);
        name.extend_from_slice(&big5("試"));
        let d = BasicData::parse(&sample(&name)).unwrap();
        assert!(d.name_lossy);
        assert!(d.name.starts_with('測'));
        assert!(d.name.contains('\u{FFFD}'));
        assert!(d.name.ends_with('試'));
    }

    #[test]
    fn hkscs_characters_decode() {
        // 0x8840 is ㇀ (U+31C0), an HKSCS code point outside plain Big5, in the WHATWG decoder.
        let mut name = vec![0x88, 0x40];
        name.extend_from_slice(&big5("測試"));
        let d = BasicData::parse(&sample(&name)).unwrap();
        assert!(!d.name_lossy);
        assert_eq!(d.name, "\u{31C0}測試");
    }

    #[test]
    fn dates_keep_their_first_year_digit() {
        // Reading from offset 43/51 (a known bug) would turn 1091027 into 91027x.
        let mut raw = sample(&big5("測試三"));
        raw[42..49].copy_from_slice(b"1000229"); // ROC 100 = 2011, not a leap year
        assert_eq!(BasicData::parse(&raw), Err(BasicDataError::BirthDate));
        raw[42..49].copy_from_slice(b"1010229"); // 2012 is
        assert_eq!(
            BasicData::parse(&raw).unwrap().birth_date,
            NaiveDate::from_ymd_opt(2012, 2, 29).unwrap()
        );
    }

    #[test]
    fn strict_fields() {
        let good = sample(&big5("測試四"));
        let mut r = good.clone();
        r[0] = b'X';
        assert_eq!(BasicData::parse(&r), Err(BasicDataError::CardNumber));
        let mut r = good.clone();
        r[32] = b'1';
        assert_eq!(BasicData::parse(&r), Err(BasicDataError::IdNumber));
        let mut r = good.clone();
        r[49] = b'X';
        assert_eq!(BasicData::parse(&r), Err(BasicDataError::Sex));
        let mut r = good.clone();
        r[50..57].copy_from_slice(b"1091399");
        assert_eq!(BasicData::parse(&r), Err(BasicDataError::IssueDate));
        let mut r = good.clone();
        r[42..49].copy_from_slice(b"0000101");
        assert_eq!(BasicData::parse(&r), Err(BasicDataError::BirthDate));
        assert_eq!(
            BasicData::parse(&good[..56]),
            Err(BasicDataError::WrongLength { len: 56 })
        );
    }

    #[test]
    fn serde_shape() {
        let d = BasicData::parse(&sample(&big5("測試五"))).unwrap();
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["birth_date"], "1990-01-01");
        assert_eq!(v["issue_date"], "2020-10-27");
        assert_eq!(v["sex"], "F");
        assert_eq!(v["name_lossy"], false);
        let back: BasicData = serde_json::from_value(v).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn debug_masks_personal_data() {
        let d = BasicData::parse(&sample(&big5("測試六"))).unwrap();
        let s = format!("{d:?}");
        assert!(!s.contains("A123456789"));
        assert!(!s.contains("測試六"));
        assert!(!s.contains("1990"));
        assert!(s.contains("5678"));
    }

    proptest! {
        #[test]
        fn parse_never_panics(raw in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = BasicData::parse(&raw);
        }

        #[test]
        fn parse_never_panics_on_57(raw in proptest::collection::vec(any::<u8>(), 57)) {
            let _ = BasicData::parse(&raw);
        }

        #[test]
        fn encode_parse_round_trip(
            card in "[0-9]{12}",
            name in "[\u{4E00}-\u{4E20}]{1,10}",
            id in "[A-Z][12][0-9]{8}",
            birth in 0i64..40_000,
            issue in 0i64..40_000,
            male in any::<bool>(),
        ) {
            let base = NaiveDate::from_ymd_opt(1912, 1, 1).unwrap();
            let d = BasicData {
                card_no: CardNo::new(&card).unwrap(),
                name,
                name_lossy: false,
                id_no: IdNo::new(&id).unwrap(),
                birth_date: base + chrono::Days::new(birth as u64),
                sex: if male { Sex::Male } else { Sex::Female },
                issue_date: base + chrono::Days::new(issue as u64),
            };
            if let Some(bytes) = d.to_bytes() {
                prop_assert_eq!(BasicData::parse(&bytes).unwrap(), d);
            }
        }
    }
}
