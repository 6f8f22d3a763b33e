//! Dates and times of the Republic of China calendar (民國紀年, year 1 = 1912) in Asia/Taipei
//! time (UTC+08:00 all year: Taiwan has no daylight saving time, so a fixed offset is exact),
//! and the service-hours policy.
//!
//! | form | example | where |
//! |---|---|---|
//! | compact `YYYMMDD` | `1091027` | card birth dates, registry files |
//! | long date | `民國109年10月28日` | letters (刪除通知) |
//! | long date and time | `民國109年10月27日 16:46:50` | device code expiry |
//! | slash | `109/10/19 11:22:51` | device management table |
//! | English | `2020/10/27 16:46:50` | English texts |
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use twnhi_account::roc::{RocDate, RocDateTime};
//!
//! let t = RocDateTime::from_utc(Utc.with_ymd_and_hms(2020, 10, 27, 8, 46, 50).unwrap())?;
//! assert_eq!(t.format_long(), "民國109年10月27日 16:46:50");
//! assert_eq!(t.format_slash(), "109/10/27 16:46:50");
//! assert_eq!(t.format_english(), "2020/10/27 16:46:50");
//! assert_eq!(RocDateTime::parse("民國109年10月27日 16:46:50")?, t);
//!
//! let d = RocDate::parse("1091028")?;
//! assert_eq!(d.format_long(), "民國109年10月28日");
//! assert_eq!(d.gregorian_year(), 2020);
//! # Ok::<(), twnhi_account::RocError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
};
use serde::{Deserialize, Serialize};

use crate::messages::{Lang, Localized, Msg, bilingual_display};
use crate::normalize::ascii_fold_trim;

/// Asia/Taipei: UTC+08:00, no daylight saving time since 1979.
pub const TAIPEI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+08:00 is a valid offset"),
};

/// Difference between Gregorian and ROC years (1911), defined once in `twnhi-card`, where the
/// card's `YYYMMDD` dates need it.
pub use twnhi_card::roc::ROC_YEAR_OFFSET;

/// Why a date, time or service-hours setting was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum RocError {
    /// Not one of the accepted shapes, or not a real calendar date or time.
    Invalid,
    /// Outside ROC years 1–999 (1912–2910).
    OutOfRange,
    /// A service-hours setting that is not `HH:MM-HH:MM` with a non-empty window.
    ServiceHours,
}

impl Localized for RocError {
    fn msg(&self) -> Msg {
        match self {
            RocError::Invalid => Msg::DateInvalid,
            RocError::OutOfRange => Msg::DateOutOfRange,
            RocError::ServiceHours => Msg::ConfigInvalid,
        }
    }
}
bilingual_display!(RocError);

/// The time of day in Taipei and the Taipei date of a UTC instant, or `None` at the very
/// ends of chrono's range.
fn taipei_naive(t: DateTime<Utc>) -> Option<NaiveDateTime> {
    t.naive_utc()
        .checked_add_signed(TimeDelta::seconds(i64::from(TAIPEI.local_minus_utc())))
}

fn in_range(year: i32) -> bool {
    (1 + ROC_YEAR_OFFSET..=999 + ROC_YEAR_OFFSET).contains(&year)
}

/// Parses 1..=max ASCII digits.
fn num(s: &str, max_digits: usize) -> Result<u32, RocError> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RocError::Invalid);
    }
    s.parse().map_err(|_| RocError::Invalid)
}

fn roc_ymd(y: u32, m: u32, d: u32) -> Result<RocDate, RocError> {
    if !(1..=999).contains(&y) {
        return Err(RocError::OutOfRange);
    }
    let year = i32::try_from(y).map_err(|_| RocError::OutOfRange)? + ROC_YEAR_OFFSET;
    NaiveDate::from_ymd_opt(year, m, d)
        .map(RocDate)
        .ok_or(RocError::Invalid)
}

fn gregorian_ymd(y: u32, m: u32, d: u32) -> Result<RocDate, RocError> {
    let year = i32::try_from(y).map_err(|_| RocError::Invalid)?;
    let date = NaiveDate::from_ymd_opt(year, m, d).ok_or(RocError::Invalid)?;
    RocDate::from_naive(date)
}

fn parse_time(s: &str) -> Result<NaiveTime, RocError> {
    let mut parts = s.split(':');
    let (Some(h), Some(m), Some(sec), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RocError::Invalid);
    };
    if m.len() != 2 || sec.len() != 2 {
        return Err(RocError::Invalid);
    }
    NaiveTime::from_hms_opt(num(h, 2)?, num(m, 2)?, num(sec, 2)?).ok_or(RocError::Invalid)
}

/// Splits "date time" on whitespace into exactly two parts.
fn split_date_time(s: &str) -> Result<(&str, &str), RocError> {
    let mut parts = s.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(d), Some(t), None) => Ok((d, t)),
        _ => Err(RocError::Invalid),
    }
}

// ---------------------------------------------------------------------------------------------

/// A calendar date in ROC years 1–999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RocDate(NaiveDate);

impl RocDate {
    /// Builds a date from ROC year, month and day.
    ///
    /// # Errors
    /// [`RocError::OutOfRange`] for years outside 1–999, [`RocError::Invalid`] for impossible
    /// dates.
    ///
    /// ```
    /// use twnhi_account::roc::RocDate;
    /// assert_eq!(RocDate::new(109, 2, 29).unwrap().to_string(), "民國109年2月29日");
    /// assert!(RocDate::new(110, 2, 29).is_err());
    /// ```
    pub fn new(roc_year: u32, month: u32, day: u32) -> Result<Self, RocError> {
        roc_ymd(roc_year, month, day)
    }

    /// Wraps a Gregorian date.
    ///
    /// # Errors
    /// [`RocError::OutOfRange`] before 1912 or after 2910.
    pub fn from_naive(date: NaiveDate) -> Result<Self, RocError> {
        if in_range(date.year()) {
            Ok(RocDate(date))
        } else {
            Err(RocError::OutOfRange)
        }
    }

    /// The date in Taipei at a UTC instant.
    ///
    /// # Errors
    /// [`RocError::OutOfRange`] outside ROC years 1–999.
    pub fn from_utc(t: DateTime<Utc>) -> Result<Self, RocError> {
        Self::from_naive(taipei_naive(t).ok_or(RocError::OutOfRange)?.date())
    }

    /// The Gregorian date.
    #[must_use]
    pub const fn to_naive(self) -> NaiveDate {
        self.0
    }

    /// ROC year (1–999).
    #[must_use]
    pub fn year(self) -> u32 {
        u32::try_from(self.0.year() - ROC_YEAR_OFFSET).unwrap_or(0)
    }

    /// Gregorian year.
    #[must_use]
    pub fn gregorian_year(self) -> i32 {
        self.0.year()
    }

    /// Month, 1–12.
    #[must_use]
    pub fn month(self) -> u32 {
        self.0.month()
    }

    /// Day of the month, 1–31.
    #[must_use]
    pub fn day(self) -> u32 {
        self.0.day()
    }

    /// `YYYMMDD` with the year zero-padded, e.g. `1091027`, `0690101`.
    #[must_use]
    pub fn format_compact(self) -> String {
        format!("{:03}{:02}{:02}", self.year(), self.month(), self.day())
    }

    /// `民國109年10月28日` (month and day without leading zeros, as in official letters).
    #[must_use]
    pub fn format_long(self) -> String {
        format!("民國{}年{}月{}日", self.year(), self.month(), self.day()) // cjk-ok: the ROC notation
    }

    /// `109/10/28` (month and day zero-padded).
    #[must_use]
    pub fn format_slash(self) -> String {
        format!("{}/{:02}/{:02}", self.year(), self.month(), self.day())
    }

    /// Gregorian `2020/10/28`.
    #[must_use]
    pub fn format_english(self) -> String {
        format!(
            "{:04}/{:02}/{:02}",
            self.gregorian_year(),
            self.month(),
            self.day()
        )
    }

    /// Parses exactly 7 digits `YYYMMDD`.
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_compact(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        if s.len() != 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RocError::Invalid);
        }
        let (y, md) = s.split_at(3);
        let (m, d) = md.split_at(2);
        roc_ymd(num(y, 3)?, num(m, 2)?, num(d, 2)?)
    }

    /// Parses `民國109年10月28日` (also `中華民國…`, without prefix, and with zero-padded
    /// month and day).
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_long(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let s = s
            .strip_prefix("中華民國") // cjk-ok: parsing the ROC notation
            .or_else(|| s.strip_prefix("民國")) // cjk-ok: parsing the ROC notation
            .unwrap_or(&s);
        let (y, rest) = s.split_once('年').ok_or(RocError::Invalid)?; // cjk-ok: parsing the ROC notation
        let (m, rest) = rest.split_once('月').ok_or(RocError::Invalid)?; // cjk-ok: parsing the ROC notation
        let d = rest.strip_suffix('日').ok_or(RocError::Invalid)?; // cjk-ok: parsing the ROC notation
        roc_ymd(num(y.trim(), 3)?, num(m.trim(), 2)?, num(d.trim(), 2)?)
    }

    /// Parses `109/10/28` (year 1–3 digits, month and day 1–2 digits).
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_slash(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let mut parts = s.split('/');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(RocError::Invalid);
        };
        roc_ymd(num(y, 3)?, num(m, 2)?, num(d, 2)?)
    }

    /// Parses a Gregorian `2020/10/28` or ISO `2020-10-28`.
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_english(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let sep = if s.contains('-') { '-' } else { '/' };
        let mut parts = s.split(sep);
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(RocError::Invalid);
        };
        if y.len() != 4 {
            return Err(RocError::Invalid);
        }
        gregorian_ymd(num(y, 4)?, num(m, 2)?, num(d, 2)?)
    }

    /// Parses any ROC form: compact, long or slash.
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        // cjk-ok: parsing the ROC notation
        if s.contains('年') {
            Self::parse_long(&s)
        } else if s.contains('/') {
            Self::parse_slash(&s)
        } else {
            Self::parse_compact(&s)
        }
    }
}

impl fmt::Display for RocDate {
    /// The long form, `民國109年10月28日`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_long())
    }
}

impl FromStr for RocDate {
    type Err = RocError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RocDate::parse(s)
    }
}

impl TryFrom<String> for RocDate {
    type Error = RocError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RocDate::parse(&s)
    }
}

impl From<RocDate> for String {
    /// The compact form, `1091028` (what registries store).
    fn from(d: RocDate) -> String {
        d.format_compact()
    }
}

impl From<RocDate> for NaiveDate {
    fn from(d: RocDate) -> NaiveDate {
        d.0
    }
}

// ---------------------------------------------------------------------------------------------

/// A date and time of day in Asia/Taipei, ROC years 1–999, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RocDateTime(NaiveDateTime);

impl RocDateTime {
    /// The Taipei date and time of a UTC instant (sub-second part dropped).
    ///
    /// # Errors
    /// [`RocError::OutOfRange`] outside ROC years 1–999.
    pub fn from_utc(t: DateTime<Utc>) -> Result<Self, RocError> {
        let local = taipei_naive(t).ok_or(RocError::OutOfRange)?;
        if !in_range(local.year()) {
            return Err(RocError::OutOfRange);
        }
        let local = local.with_nanosecond(0).unwrap_or(local);
        Ok(RocDateTime(local))
    }

    /// Builds a value from a Taipei date and time of day.
    #[must_use]
    pub fn new(date: RocDate, time: NaiveTime) -> Self {
        let t = time.with_nanosecond(0).unwrap_or(time);
        RocDateTime(date.0.and_time(t))
    }

    /// The UTC instant.
    #[must_use]
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0
            .checked_sub_signed(TimeDelta::seconds(i64::from(TAIPEI.local_minus_utc())))
            .unwrap_or(self.0)
            .and_utc()
    }

    /// The instant with its +08:00 offset.
    #[must_use]
    pub fn to_taipei(self) -> DateTime<FixedOffset> {
        self.to_utc().with_timezone(&TAIPEI)
    }

    /// The Taipei date.
    #[must_use]
    pub fn date(self) -> RocDate {
        RocDate(self.0.date())
    }

    /// The Taipei time of day.
    #[must_use]
    pub fn time(self) -> NaiveTime {
        self.0.time()
    }

    fn hms(self) -> String {
        format!(
            "{:02}:{:02}:{:02}",
            self.0.hour(),
            self.0.minute(),
            self.0.second()
        )
    }

    /// `民國109年10月27日 16:46:50`.
    #[must_use]
    pub fn format_long(self) -> String {
        format!("{} {}", self.date().format_long(), self.hms())
    }

    /// `109/10/19 11:22:51`.
    #[must_use]
    pub fn format_slash(self) -> String {
        format!("{} {}", self.date().format_slash(), self.hms())
    }

    /// `2020/10/27 16:46:50` (Gregorian, for English texts).
    #[must_use]
    pub fn format_english(self) -> String {
        format!("{} {}", self.date().format_english(), self.hms())
    }

    /// The form for a language: long ROC for zh-TW, Gregorian for English.
    #[must_use]
    pub fn format(self, lang: Lang) -> String {
        crate::messages::format(
            lang,
            "date-time",
            &[
                ("roc", self.format_long().into()),
                ("date", self.format_english().into()),
            ],
        )
    }

    /// Parses `民國109年10月27日 16:46:50`.
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_long(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let (d, t) = split_date_time(&s)?;
        Ok(Self::new(RocDate::parse_long(d)?, parse_time(t)?))
    }

    /// Parses `109/10/19 11:22:51`.
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_slash(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let (d, t) = split_date_time(&s)?;
        Ok(Self::new(RocDate::parse_slash(d)?, parse_time(t)?))
    }

    /// Parses Gregorian `2020/10/27 16:46:50`.
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse_english(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let (d, t) = split_date_time(&s)?;
        Ok(Self::new(RocDate::parse_english(d)?, parse_time(t)?))
    }

    /// Parses any of the three forms (a four-digit year before `/` means Gregorian).
    ///
    /// # Errors
    /// [`RocError`].
    pub fn parse(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        // cjk-ok: parsing the ROC notation
        if s.contains('年') {
            return Self::parse_long(&s);
        }
        let year_len = s.split('/').next().map_or(0, str::len);
        if year_len == 4 {
            Self::parse_english(&s)
        } else {
            Self::parse_slash(&s)
        }
    }
}

impl fmt::Display for RocDateTime {
    /// The long form, `民國109年10月27日 16:46:50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_long())
    }
}

impl FromStr for RocDateTime {
    type Err = RocError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RocDateTime::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------

/// Daily service hours in Taipei time (SPEC §4: 06:00–24:00 by default, configurable).
///
/// A window whose opening is after its closing wraps over midnight (e.g. `22:00-02:00`).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use twnhi_account::roc::ServiceHours;
///
/// let hours = ServiceHours::default();
/// assert_eq!(hours.to_string(), "06:00-24:00");
/// // 05:59:59 and 06:00:00 in Taipei
/// assert!(!hours.is_open(Utc.with_ymd_and_hms(2024, 1, 1, 21, 59, 59).unwrap()));
/// assert!(hours.is_open(Utc.with_ymd_and_hms(2024, 1, 1, 22, 0, 0).unwrap()));
/// // 23:59:59 in Taipei
/// assert!(hours.is_open(Utc.with_ymd_and_hms(2024, 1, 1, 15, 59, 59).unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceHours {
    /// Minutes after midnight, 0..1440.
    open: u16,
    /// Minutes after midnight, 1..=1440 (1440 = 24:00).
    close: u16,
}

impl Default for ServiceHours {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl ServiceHours {
    /// 06:00–24:00, the site's hours.
    pub const DEFAULT: ServiceHours = ServiceHours {
        open: 6 * 60,
        close: 24 * 60,
    };

    /// 00:00–24:00: always open.
    pub const ALWAYS: ServiceHours = ServiceHours {
        open: 0,
        close: 24 * 60,
    };

    /// Builds hours from opening and closing times as `(hour, minute)`; `(24, 0)` closes at
    /// midnight.
    ///
    /// # Errors
    /// [`RocError::ServiceHours`] for impossible times or an empty window.
    pub fn new(open: (u8, u8), close: (u8, u8)) -> Result<Self, RocError> {
        let minutes = |(h, m): (u8, u8)| -> Option<u16> {
            let v = u16::from(h) * 60 + u16::from(m);
            (m < 60 && v <= 24 * 60).then_some(v)
        };
        let open = minutes(open).ok_or(RocError::ServiceHours)?;
        let close = minutes(close).ok_or(RocError::ServiceHours)?;
        if open >= 24 * 60 || close == 0 || open == close {
            return Err(RocError::ServiceHours);
        }
        Ok(ServiceHours { open, close })
    }

    /// Parses `HH:MM-HH:MM`, e.g. `06:00-24:00`.
    ///
    /// # Errors
    /// [`RocError::ServiceHours`].
    pub fn parse(input: &str) -> Result<Self, RocError> {
        let s = ascii_fold_trim(input);
        let (a, b) = s
            .split_once(['-', '–', '~'])
            .ok_or(RocError::ServiceHours)?;
        let hm = |t: &str| -> Result<(u8, u8), RocError> {
            let (h, m) = t.trim().split_once(':').ok_or(RocError::ServiceHours)?;
            if m.len() != 2 {
                return Err(RocError::ServiceHours);
            }
            let h = num(h, 2).map_err(|_| RocError::ServiceHours)?;
            let m = num(m, 2).map_err(|_| RocError::ServiceHours)?;
            Ok((
                u8::try_from(h).map_err(|_| RocError::ServiceHours)?,
                u8::try_from(m).map_err(|_| RocError::ServiceHours)?,
            ))
        };
        Self::new(hm(a)?, hm(b)?)
    }

    /// Whether the site is open at `now`.
    #[must_use]
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        let Some(local) = taipei_naive(now) else {
            return false;
        };
        let t = local.num_seconds_from_midnight();
        let open = u32::from(self.open) * 60;
        let close = u32::from(self.close) * 60;
        if self.open < self.close {
            open <= t && t < close
        } else {
            t >= open || t < close
        }
    }

    /// The notice shown on every page and used to refuse forms outside the hours; for the
    /// default hours exactly [`Msg::ServiceHours`].
    ///
    /// ```
    /// use twnhi_account::{messages::{Lang, Msg}, roc::ServiceHours};
    /// assert_eq!(ServiceHours::default().notice(Lang::En), Msg::ServiceHours.en());
    /// let late = ServiceHours::parse("07:30-22:00").unwrap();
    /// assert_eq!(late.notice(Lang::ZhTw), "※本系統服務時間每日 07:30-22:00");
    /// assert_eq!(late.notice(Lang::En), "Operating Hours : 7:30a.m.-10p.m. daily");
    /// // All day is said so, not "12a.m.-12a.m.".
    /// assert_eq!(ServiceHours::ALWAYS.notice(Lang::ZhTw), "※本系統服務時間每日 00:00-24:00");
    /// assert_eq!(ServiceHours::ALWAYS.notice(Lang::En), "Operating Hours : open 24 hours a day");
    /// ```
    #[must_use]
    pub fn notice(&self, lang: Lang) -> String {
        crate::messages::format(
            lang,
            "service-hours-notice",
            &[
                ("hours", self.to_string().into()),
                ("open", twelve_hour(self.open).into()),
                ("close", twelve_hour(self.close).into()),
                (
                    "allday",
                    if *self == Self::ALWAYS { "yes" } else { "no" }.into(),
                ),
            ],
        )
    }
}

fn twelve_hour(minutes: u16) -> String {
    let h24 = (minutes / 60) % 24;
    let m = minutes % 60;
    let (h12, suffix) = match h24 {
        0 => (12, "a.m."),
        1..=11 => (h24, "a.m."),
        12 => (12, "p.m."),
        _ => (h24 - 12, "p.m."),
    };
    if m == 0 {
        format!("{h12}{suffix}")
    } else {
        format!("{h12}:{m:02}{suffix}")
    }
}

impl fmt::Display for ServiceHours {
    /// `06:00-24:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.open / 60,
            self.open % 60,
            self.close / 60,
            self.close % 60
        )
    }
}

impl FromStr for ServiceHours {
    type Err = RocError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServiceHours::parse(s)
    }
}

impl TryFrom<String> for ServiceHours {
    type Error = RocError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ServiceHours::parse(&s)
    }
}

impl From<ServiceHours> for String {
    fn from(h: ServiceHours) -> String {
        h.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn manual_examples() {
        let t = RocDateTime::parse("109/10/19 11:22:51").unwrap();
        assert_eq!(t.format_slash(), "109/10/19 11:22:51");
        assert_eq!(
            t.to_utc(),
            Utc.with_ymd_and_hms(2020, 10, 19, 3, 22, 51).unwrap()
        );
        assert_eq!(t.to_taipei().to_rfc3339(), "2020-10-19T11:22:51+08:00");
        let t = RocDateTime::parse("2020/10/27 16:46:50").unwrap();
        assert_eq!(t.format_long(), "民國109年10月27日 16:46:50");
        assert_eq!(t.format(Lang::En), "2020/10/27 16:46:50");
        let d = RocDate::parse("民國109年10月28日").unwrap();
        assert_eq!(d.format_compact(), "1091028");
        assert_eq!(
            RocDate::parse("105/04/06").unwrap().format_long(),
            "民國105年4月6日"
        );
        assert_eq!(RocDate::parse("0690101").unwrap().gregorian_year(), 1980);
        assert_eq!(
            RocDate::parse("中華民國 69 年 01 月 01 日")
                .unwrap()
                .format_slash(),
            "69/01/01"
        );
        assert_eq!(
            RocDate::parse_english("1980-01-01")
                .unwrap()
                .format_compact(),
            "0690101"
        );
    }

    #[test]
    fn date_boundary_in_taipei() {
        // 2020-10-27 23:59:59 Taipei = 15:59:59 UTC; one second later is the 28th.
        let a = Utc.with_ymd_and_hms(2020, 10, 27, 15, 59, 59).unwrap();
        let b = a + TimeDelta::seconds(1);
        assert_eq!(
            RocDate::from_utc(a).unwrap().format_long(),
            "民國109年10月27日"
        );
        assert_eq!(
            RocDate::from_utc(b).unwrap().format_long(),
            "民國109年10月28日"
        );
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "109102",
            "10910277",
            "1091332",
            "1100229",
            "0001010",
            "民國109年13月1日",
            "民國109年10月",
            "109/10",
            "109/10/19/1",
            "abc",
            "１０９年",
        ] {
            assert!(RocDate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(RocDate::parse("0001010"), Err(RocError::OutOfRange));
        for bad in [
            "109/10/19",
            "109/10/19 25:00:00",
            "109/10/19 11:22",
            "109/10/19 11:22:60",
            "109/10/19 11:2:51",
            "民國109年10月27日16:46:50",
            "2020/10/27 16:46:50 extra",
            "1911/12/31 00:00:00",
        ] {
            assert!(RocDateTime::parse(bad).is_err(), "{bad}");
        }
        assert!(RocDateTime::from_utc(DateTime::<Utc>::MAX_UTC).is_err());
        assert!(RocDateTime::from_utc(DateTime::<Utc>::MIN_UTC).is_err());
        assert!(RocDate::from_naive(NaiveDate::from_ymd_opt(1911, 12, 31).unwrap()).is_err());
    }

    #[test]
    fn service_hours() {
        let h = ServiceHours::parse("06:00-24:00").unwrap();
        assert_eq!(h, ServiceHours::DEFAULT);
        assert_eq!(h.notice(Lang::ZhTw), Msg::ServiceHours.zh());
        assert_eq!(h.notice(Lang::En), Msg::ServiceHours.en());
        let wrap = ServiceHours::parse("22:00-02:00").unwrap();
        let at = |h, m| Utc.with_ymd_and_hms(2024, 6, 1, h, m, 0).unwrap() - TimeDelta::hours(8);
        assert!(wrap.is_open(at(23, 0)));
        assert!(wrap.is_open(at(1, 59)));
        assert!(!wrap.is_open(at(2, 0)));
        assert!(!wrap.is_open(at(12, 0)));
        assert!(ServiceHours::ALWAYS.is_open(at(3, 0)));
        assert!(!h.is_open(at(0, 0)));
        for bad in [
            "06:00-06:00",
            "25:00-26:00",
            "06:60-24:00",
            "0600-2400",
            "24:00-06:00",
            "06:00-00:00",
            "6-24",
        ] {
            assert!(ServiceHours::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&h).unwrap(), "\"06:00-24:00\"");
        assert_eq!(twelve_hour(0), "12a.m.");
        assert_eq!(twelve_hour(12 * 60), "12p.m.");
        assert_eq!(twelve_hour(18 * 60 + 5), "6:05p.m.");
        assert!(!h.is_open(DateTime::<Utc>::MAX_UTC));
    }

    fn roc_date() -> impl Strategy<Value = RocDate> {
        (1u32..=999, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| RocDate::new(y, m, d).unwrap())
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,32}") {
            let _ = RocDate::parse(&s);
            let _ = RocDate::parse_english(&s);
            let _ = RocDateTime::parse(&s);
            let _ = ServiceHours::parse(&s);
        }

        #[test]
        fn dates_round_trip(d in roc_date()) {
            prop_assert_eq!(RocDate::parse(&d.format_compact()).unwrap(), d);
            prop_assert_eq!(RocDate::parse(&d.format_long()).unwrap(), d);
            prop_assert_eq!(RocDate::parse(&d.format_slash()).unwrap(), d);
            prop_assert_eq!(RocDate::parse_english(&d.format_english()).unwrap(), d);
            let json = serde_json::to_string(&d).unwrap();
            prop_assert_eq!(serde_json::from_str::<RocDate>(&json).unwrap(), d);
        }

        #[test]
        fn instants_round_trip(secs in -1_830_297_600i64..29_000_000_000i64) {
            // 1912-01-01 .. ~2889 in UTC
            let t = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let r = RocDateTime::from_utc(t).unwrap();
            prop_assert_eq!(r.to_utc(), t);
            prop_assert_eq!(RocDateTime::parse(&r.format_long()).unwrap(), r);
            prop_assert_eq!(RocDateTime::parse(&r.format_slash()).unwrap(), r);
            prop_assert_eq!(RocDateTime::parse(&r.format_english()).unwrap(), r);
            prop_assert_eq!(r.date(), RocDate::from_utc(t).unwrap());
        }

        #[test]
        fn service_hours_round_trip(o in 0u8..24, om in 0u8..60, c in 0u8..=24, cm in 0u8..60) {
            let cm = if c == 24 { 0 } else { cm };
            if let Ok(h) = ServiceHours::new((o, om), (c, cm)) {
                prop_assert_eq!(ServiceHours::parse(&h.to_string()).unwrap(), h);
            }
        }
    }
}
