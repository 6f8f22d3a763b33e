//! Household registration data asked by the apply, cancel, resend and forgot-password forms:
//! the household ID number (戶號) and the household registration address (戶籍鄉鎮里鄰:
//! county/city → district/township → village → neighborhood).
//!
//! Counties and townships are checked against the table shipped in `data/tw-townships.tsv`
//! (Taiwan's 368 township-level divisions; MIT licence, see `data/README.md`). Villages
//! (村/里, about 7,700 of them, renamed from time to time) are checked for their shape only;
//! the registry comparison of SPEC §4.1 decides whether they are right.
//!
//! ```
//! use twnhi_account::household::{HouseholdAddress, HouseholdId, Township};
//!
//! let hid = HouseholdId::parse("f1234567")?;
//! assert_eq!(hid.as_str(), "F1234567");
//!
//! let addr = HouseholdAddress::parse("台北市", "中正區", "建國里", "5")?; // 台 is read as 臺
//! assert_eq!(addr.township().county_zh(), "臺北市");
//! assert_eq!(addr.township().zip(), "100");
//! assert_eq!(addr.to_string(), "臺北市中正區建國里5鄰");
//!
//! assert!(Township::lookup("新北市", "中正區").is_err()); // not a township of 新北市
//! # Ok::<(), twnhi_account::HouseholdError>(())
//! ```

use core::fmt;
use core::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::messages::{Localized, Msg, bilingual_display};
use crate::normalize::{ascii_fold_trim, halfwidth, identifier, place_name};

/// The township table, embedded at build time.
const TOWNSHIPS_TSV: &str = include_str!("../data/tw-townships.tsv");

/// Why household data were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum HouseholdError {
    /// No household ID number was entered.
    HouseholdIdEmpty,
    /// The household ID number is not one letter followed by 7 digits.
    HouseholdIdFormat,
    /// The county/city is missing or unknown.
    County,
    /// The township is missing or not a township of the county.
    Township,
    /// The village is missing or not a village name (ending in 村 or 里).
    Village,
    /// The neighborhood is not a number from 1 to 999.
    Neighborhood,
}

impl Localized for HouseholdError {
    fn msg(&self) -> Msg {
        match self {
            HouseholdError::HouseholdIdEmpty => Msg::HouseholdIdEmpty,
            HouseholdError::HouseholdIdFormat => Msg::HouseholdIdFormat,
            HouseholdError::County => Msg::CountyInvalid,
            HouseholdError::Township => Msg::TownshipInvalid,
            HouseholdError::Village => Msg::VillageInvalid,
            HouseholdError::Neighborhood => Msg::NeighborhoodInvalid,
        }
    }
}
bilingual_display!(HouseholdError);

// ---------------------------------------------------------------------------------------------
// 戶號

/// A household ID number (戶號) as printed on the cover of the household certificate: one
/// letter and seven digits, e.g. `F1234567`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HouseholdId(String);

impl HouseholdId {
    /// Parses a household ID number: trims, folds full-width characters, upper-cases.
    ///
    /// # Errors
    /// [`HouseholdError::HouseholdIdEmpty`] or [`HouseholdError::HouseholdIdFormat`].
    pub fn parse(input: &str) -> Result<Self, HouseholdError> {
        let s = identifier(input);
        if s.is_empty() {
            return Err(HouseholdError::HouseholdIdEmpty);
        }
        let b = s.as_bytes();
        let ok = b.len() == 8
            && b.first().is_some_and(u8::is_ascii_uppercase)
            && b.iter().skip(1).all(u8::is_ascii_digit);
        if !ok {
            return Err(HouseholdError::HouseholdIdFormat);
        }
        Ok(HouseholdId(s))
    }

    /// The normalised number.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HouseholdId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for HouseholdId {
    type Err = HouseholdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HouseholdId::parse(s)
    }
}

impl TryFrom<String> for HouseholdId {
    type Error = HouseholdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        HouseholdId::parse(&s)
    }
}

impl From<HouseholdId> for String {
    fn from(h: HouseholdId) -> String {
        h.0
    }
}

// ---------------------------------------------------------------------------------------------
// counties and townships

/// A county or city (縣市).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct County {
    zh: &'static str,
    en: &'static str,
}

impl County {
    /// Chinese name, e.g. `臺北市`.
    #[must_use]
    pub const fn zh(self) -> &'static str {
        self.zh
    }

    /// English name, e.g. `Taipei City`.
    #[must_use]
    pub const fn en(self) -> &'static str {
        self.en
    }

    /// Finds a county by its Chinese name (`台` accepted for `臺`, spaces ignored) or its
    /// English name (case-insensitive).
    ///
    /// ```
    /// use twnhi_account::household::County;
    /// assert_eq!(County::lookup("台中市").unwrap().en(), "Taichung City");
    /// assert_eq!(County::lookup("hsinchu county").unwrap().zh(), "新竹縣");
    /// assert!(County::lookup("東京都").is_none());
    /// ```
    #[must_use]
    pub fn lookup(name: &str) -> Option<County> {
        let zh = place_name(name);
        let en = ascii_fold_trim(name);
        counties()
            .iter()
            .copied()
            .find(|c| c.zh == zh || c.en.eq_ignore_ascii_case(&en))
    }

    /// The townships of this county, in table order.
    pub fn townships(self) -> impl Iterator<Item = &'static Township> {
        townships().iter().filter(move |t| t.county_zh == self.zh)
    }
}

impl fmt::Display for County {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh)
    }
}

/// A township-level division (鄉鎮市區) with its county and postal code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Township {
    zip: &'static str,
    county_zh: &'static str,
    zh: &'static str,
    county_en: &'static str,
    en: &'static str,
}

impl Township {
    /// Three-digit postal code, e.g. `100`.
    #[must_use]
    pub const fn zip(&self) -> &'static str {
        self.zip
    }

    /// Chinese name, e.g. `中正區`.
    #[must_use]
    pub const fn zh(&self) -> &'static str {
        self.zh
    }

    /// English name, e.g. `Zhongzheng District`.
    #[must_use]
    pub const fn en(&self) -> &'static str {
        self.en
    }

    /// Chinese name of the county, e.g. `臺北市`.
    #[must_use]
    pub const fn county_zh(&self) -> &'static str {
        self.county_zh
    }

    /// English name of the county, e.g. `Taipei City`.
    #[must_use]
    pub const fn county_en(&self) -> &'static str {
        self.county_en
    }

    /// The county.
    #[must_use]
    pub const fn county(&self) -> County {
        County {
            zh: self.county_zh,
            en: self.county_en,
        }
    }

    /// Finds a township of a county, by Chinese or English names (as [`County::lookup`]).
    ///
    /// # Errors
    /// [`HouseholdError::County`] if the county is unknown, [`HouseholdError::Township`] if
    /// the township is not one of its townships.
    pub fn lookup(county: &str, township: &str) -> Result<&'static Township, HouseholdError> {
        let county = County::lookup(county).ok_or(HouseholdError::County)?;
        let zh = place_name(township);
        let en = ascii_fold_trim(township);
        county
            .townships()
            .find(|t| t.zh == zh || t.en.eq_ignore_ascii_case(&en))
            .ok_or(HouseholdError::Township)
    }
}

impl fmt::Display for Township {
    /// County and township, e.g. `臺北市中正區`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.county_zh, self.zh)
    }
}

struct Table {
    townships: Vec<Township>,
    counties: Vec<County>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| parse_table(TOWNSHIPS_TSV));

fn parse_table(tsv: &'static str) -> Table {
    let mut townships = Vec::new();
    let mut counties: Vec<County> = Vec::new();
    for line in tsv.lines().skip(1) {
        let mut f = line.split('\t').map(str::trim);
        let (Some(zip), Some(county_zh), Some(zh), Some(county_en), Some(en)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            continue; // malformed lines are skipped; a unit test checks there are none
        };
        townships.push(Township {
            zip,
            county_zh,
            zh,
            county_en,
            en,
        });
        if !counties.iter().any(|c| c.zh == county_zh) {
            counties.push(County {
                zh: county_zh,
                en: county_en,
            });
        }
    }
    Table {
        townships,
        counties,
    }
}

/// Every township in the shipped table (368), in table order (by postal code within each
/// region).
#[must_use]
pub fn townships() -> &'static [Township] {
    &TABLE.townships
}

/// Every county and city (22), in table order.
#[must_use]
pub fn counties() -> &'static [County] {
    &TABLE.counties
}

// ---------------------------------------------------------------------------------------------
// address

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// Normalises and checks a village name: 2–10 Han characters ending in 村 or 里.
fn parse_village(input: &str) -> Result<String, HouseholdError> {
    let v: String = input
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    let n = v.chars().count();
    let ok =
        (2..=10).contains(&n) && v.chars().all(is_han) && (v.ends_with('村') || v.ends_with('里')); // cjk-ok: village names end in 村 or 里
    if ok {
        Ok(v)
    } else {
        Err(HouseholdError::Village)
    }
}

/// Parses a neighborhood number: digits (full-width accepted, an optional trailing 鄰),
/// 1 to 999.
fn parse_neighborhood(input: &str) -> Result<u16, HouseholdError> {
    let s = ascii_fold_trim(input);
    let s = s.strip_suffix('鄰').unwrap_or(&s).trim(); // cjk-ok: the neighbourhood notation 鄰
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HouseholdError::Neighborhood);
    }
    let n: u16 = s.parse().map_err(|_| HouseholdError::Neighborhood)?;
    if (1..=999).contains(&n) {
        Ok(n)
    } else {
        Err(HouseholdError::Neighborhood)
    }
}

/// A household registration address as asked by the forms: county/city, district/township,
/// village and neighborhood (鄰) — no street address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "AddressRepr", into = "AddressRepr")]
pub struct HouseholdAddress {
    township: Township,
    village: String,
    neighborhood: u16,
}

/// The serialised form: Chinese names and the number.
#[derive(Serialize, Deserialize)]
struct AddressRepr {
    county: String,
    township: String,
    village: String,
    neighborhood: u16,
}

impl TryFrom<AddressRepr> for HouseholdAddress {
    type Error = HouseholdError;
    fn try_from(r: AddressRepr) -> Result<Self, Self::Error> {
        HouseholdAddress::new(&r.county, &r.township, &r.village, r.neighborhood)
    }
}

impl From<HouseholdAddress> for AddressRepr {
    fn from(a: HouseholdAddress) -> Self {
        AddressRepr {
            county: a.township.county_zh.to_owned(),
            township: a.township.zh.to_owned(),
            village: a.village,
            neighborhood: a.neighborhood,
        }
    }
}

impl HouseholdAddress {
    /// Builds an address from the four form fields.
    ///
    /// # Errors
    /// The first field that is wrong, in form order.
    pub fn parse(
        county: &str,
        township: &str,
        village: &str,
        neighborhood: &str,
    ) -> Result<Self, HouseholdError> {
        let township = Township::lookup(county, township)?;
        let village = parse_village(village)?;
        let neighborhood = parse_neighborhood(neighborhood)?;
        Ok(HouseholdAddress {
            township: *township,
            village,
            neighborhood,
        })
    }

    /// Builds an address with the neighborhood as a number.
    ///
    /// # Errors
    /// As [`HouseholdAddress::parse`].
    pub fn new(
        county: &str,
        township: &str,
        village: &str,
        neighborhood: u16,
    ) -> Result<Self, HouseholdError> {
        let township = Township::lookup(county, township)?;
        let village = parse_village(village)?;
        if !(1..=999).contains(&neighborhood) {
            return Err(HouseholdError::Neighborhood);
        }
        Ok(HouseholdAddress {
            township: *township,
            village,
            neighborhood,
        })
    }

    /// The township (and through it the county).
    #[must_use]
    pub const fn township(&self) -> &Township {
        &self.township
    }

    /// The village (村/里) as entered, normalised.
    #[must_use]
    pub fn village(&self) -> &str {
        &self.village
    }

    /// The neighborhood (鄰), 1–999.
    #[must_use]
    pub const fn neighborhood(&self) -> u16 {
        self.neighborhood
    }

    /// Whether two addresses name the same place, reading `台` and `臺` as the same character
    /// in village names (the registry comparison of SPEC §4.1).
    ///
    /// ```
    /// use twnhi_account::HouseholdAddress;
    /// let a = HouseholdAddress::new("臺南市", "東區", "大學里", 3).unwrap();
    /// let b = HouseholdAddress::new("台南市", "東區", "大學里", 3).unwrap();
    /// assert!(a.matches(&b));
    /// ```
    #[must_use]
    pub fn matches(&self, other: &HouseholdAddress) -> bool {
        let fold = |s: &str| -> String {
            s.chars()
                .map(|c| if c == '台' { '臺' } else { c }) // cjk-ok: 台 and 臺 are one character
                .collect()
        };
        self.township == other.township
            && self.neighborhood == other.neighborhood
            && fold(&self.village) == fold(&other.village)
    }

    /// English form, e.g. `Neighborhood 5, 建國里, Zhongzheng District, Taipei City` (village
    /// names have no official romanisation in the table and stay in Chinese).
    #[must_use]
    pub fn to_english(&self) -> String {
        format!(
            "Neighborhood {}, {}, {}, {}",
            self.neighborhood, self.village, self.township.en, self.township.county_en
        )
    }
}

impl fmt::Display for HouseholdAddress {
    /// Chinese form, e.g. `臺北市中正區建國里5鄰`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}鄰", // cjk-ok: the neighbourhood notation 鄰
            self.township, self.village, self.neighborhood
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_complete_and_clean() {
        let data_lines = TOWNSHIPS_TSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(townships().len(), data_lines, "no malformed line");
        assert_eq!(townships().len(), 368);
        assert_eq!(counties().len(), 22);
        for t in townships() {
            assert_eq!(t.zip.len(), 3, "{t:?}");
            assert!(t.zip.bytes().all(|b| b.is_ascii_digit()));
            assert!(!t.en.is_empty() && t.en.is_ascii(), "{t:?}");
            assert!(!t.county_en.is_empty() && t.county_en.is_ascii(), "{t:?}");
            assert!(
                ['區', '鄉', '鎮', '市'].iter().any(|s| t.zh.ends_with(*s)),
                "{t:?}"
            );
            // unique within the county
            assert_eq!(
                t.county().townships().filter(|o| o.zh == t.zh).count(),
                1,
                "{t:?}"
            );
        }
        for dropped in ["釣魚臺列嶼", "東沙群島", "南沙群島"] {
            assert!(townships().iter().all(|t| t.zh != dropped));
        }
    }

    #[test]
    fn lookups() {
        let t = Township::lookup("臺中市", "大安區").unwrap();
        assert_eq!(t.zip(), "439");
        let t = Township::lookup("台北市", "大安區").unwrap();
        assert_eq!(t.zip(), "106");
        let t = Township::lookup("Kaohsiung City", "sanmin district").unwrap();
        assert_eq!(t.zh(), "三民區");
        assert_eq!(
            Township::lookup("臺北市", "板橋區"),
            Err(HouseholdError::Township)
        );
        assert_eq!(Township::lookup("", "板橋區"), Err(HouseholdError::County));
        assert_eq!(County::lookup("台東縣").unwrap().zh(), "臺東縣");
        assert_eq!(County::lookup("新北市").unwrap().townships().count(), 29);
    }

    #[test]
    fn household_id() {
        assert_eq!(
            HouseholdId::parse(" ｆ１２３４５６７ ").unwrap().as_str(),
            "F1234567"
        );
        assert_eq!(
            HouseholdId::parse(""),
            Err(HouseholdError::HouseholdIdEmpty)
        );
        for bad in ["F123456", "F12345678", "11234567", "FF234567", "F123456X"] {
            assert_eq!(
                HouseholdId::parse(bad),
                Err(HouseholdError::HouseholdIdFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn address_fields() {
        let a = HouseholdAddress::parse("臺北市", "中正區", " 建國里 ", "００５鄰").unwrap();
        assert_eq!(a.neighborhood(), 5);
        assert_eq!(a.village(), "建國里");
        assert_eq!(
            a.to_english(),
            "Neighborhood 5, 建國里, Zhongzheng District, Taipei City"
        );
        assert_eq!(
            HouseholdAddress::parse("臺北市", "中正區", "建國路", "5"),
            Err(HouseholdError::Village)
        );
        assert_eq!(
            HouseholdAddress::parse("臺北市", "中正區", "里", "5"),
            Err(HouseholdError::Village)
        );
        assert_eq!(
            HouseholdAddress::parse("臺北市", "中正區", "abc里", "5"),
            Err(HouseholdError::Village)
        );
        for bad in ["0", "1000", "", "-1", "五", "12345"] {
            assert_eq!(
                HouseholdAddress::parse("臺北市", "中正區", "建國里", bad),
                Err(HouseholdError::Neighborhood),
                "{bad}"
            );
        }
        assert_eq!(
            HouseholdAddress::new("臺北市", "中正區", "建國里", 0),
            Err(HouseholdError::Neighborhood)
        );
        assert!(HouseholdAddress::parse("連江縣", "南竿鄉", "介壽村", "999").is_ok());
    }

    #[test]
    fn address_serde() {
        let a = HouseholdAddress::new("新竹縣", "竹北市", "斗崙里", 12).unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"county":"新竹縣","township":"竹北市","village":"斗崙里","neighborhood":12}"#
        );
        assert_eq!(serde_json::from_str::<HouseholdAddress>(&json).unwrap(), a);
        assert!(
            serde_json::from_str::<HouseholdAddress>(
                r#"{"county":"新竹縣","township":"大安區","village":"斗崙里","neighborhood":12}"#
            )
            .is_err()
        );
    }

    proptest! {
        #[test]
        fn never_panics(a in "\\PC{0,12}", b in "\\PC{0,12}", c in "\\PC{0,12}", d in "\\PC{0,6}") {
            let _ = HouseholdAddress::parse(&a, &b, &c, &d);
            let _ = HouseholdId::parse(&a);
        }

        #[test]
        fn every_township_round_trips(i in 0usize..368, n in 1u16..=999, v in "[\u{4e00}-\u{9fa5}]{1,8}[村里]") {
            let t = &townships()[i];
            let a = HouseholdAddress::new(t.county_zh(), t.zh(), &v, n).unwrap();
            let b = HouseholdAddress::parse(t.county_en(), t.en(), &v, &n.to_string()).unwrap();
            prop_assert_eq!(&a, &b);
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<HouseholdAddress>(&json).unwrap(), a);
        }

        #[test]
        fn household_id_round_trips(s in "[A-Z][0-9]{7}") {
            let h = HouseholdId::parse(&s).unwrap();
            prop_assert_eq!(HouseholdId::parse(&h.to_string()).unwrap(), h);
        }
    }
}
