//! The Republic of China calendar (民國紀年) as NHI cards store dates: year 1 is 1912, and
//! dates are 7 ASCII digits `YYYMMDD` (`1091027` is 2020-10-27).
//!
//! This is the one place of the offset between ROC and Gregorian years in the workspace;
//! `twnhi-account` re-exports it with its full ROC date and time types.
//!
//! ```
//! use chrono::NaiveDate;
//! use twnhi_card::roc::{ROC_YEAR_OFFSET, roc_year};
//!
//! assert_eq!(ROC_YEAR_OFFSET, 1911);
//! assert_eq!(roc_year(NaiveDate::from_ymd_opt(2020, 10, 27).unwrap()), 109);
//! ```

use chrono::{Datelike, NaiveDate};

/// Offset between ROC (民國) years and Gregorian years: Gregorian = ROC + 1911.
pub const ROC_YEAR_OFFSET: i32 = 1911;

/// The ROC year of a date: its Gregorian year − 1911 (0 or negative before 1912).
pub fn roc_year(date: NaiveDate) -> i32 {
    date.year() - ROC_YEAR_OFFSET
}

/// ROC `YYYMMDD` → date. `None` for non-digits or impossible dates (month 13, 2月30日 …).
pub(crate) fn parse_compact(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 7 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: core::ops::Range<usize>| {
        bytes
            .get(r)?
            .iter()
            .try_fold(0u32, |acc, b| Some(acc * 10 + u32::from(b - b'0')))
    };
    let year = i32::try_from(num(0..3)?).ok()?;
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(year + ROC_YEAR_OFFSET, num(3..5)?, num(5..7)?)
}

/// Date → ROC `YYYMMDD`, for ROC years 1–999.
pub(crate) fn format_compact(date: NaiveDate) -> Option<[u8; 7]> {
    let year = roc_year(date);
    if !(1..=999).contains(&year) {
        return None;
    }
    let s = format!("{year:03}{:02}{:02}", date.month(), date.day());
    s.as_bytes().try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn years() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(roc_year(d(1912, 1, 1)), 1);
        assert_eq!(roc_year(d(1911, 12, 31)), 0);
        assert_eq!(parse_compact(b"0010101"), Some(d(1912, 1, 1)));
        assert_eq!(parse_compact(b"0000101"), None);
        assert_eq!(format_compact(d(2020, 10, 27)), Some(*b"1091027"));
        assert_eq!(format_compact(d(1911, 12, 31)), None);
        assert_eq!(format_compact(d(2911, 1, 1)), None);
    }

    proptest! {
        #[test]
        fn roc_dates_round_trip(days in 0u64..300_000) {
            let d = NaiveDate::from_ymd_opt(1912, 1, 1).unwrap() + chrono::Days::new(days);
            if let Some(b) = format_compact(d) {
                prop_assert_eq!(parse_compact(&b), Some(d));
            }
        }
    }
}
