//! The registry file: insured persons as CSV (RFC 4180, UTF-8), validated row by row.
//!
//! The header line is required and must name exactly these columns, in this order:
//!
//! ```text
//! card_number,id_number,name,birth_date,sex,card_status,household_id,county,township,village,neighborhood
//! ```
//!
//! | column | content |
//! |---|---|
//! | `card_number` | the 12 digits of the NHI card (spaces and hyphens ignored) |
//! | `id_number` | ID number or resident certificate number, valid check digit |
//! | `name` | 1–20 characters, no control characters |
//! | `birth_date` | `YYYY-MM-DD`, or ROC `YYYMMDD` / `民國79年1月1日` / `079/01/01` |
//! | `sex` | `M` or `F`, agreeing with the ID number's second character |
//! | `card_status` | `valid` (the card in use) or `revoked` |
//! | `household_id` | 戶號: one letter and seven digits |
//! | `county`, `township` | a county/city and one of its townships (Chinese or English names) |
//! | `village` | 村/里 name |
//! | `neighborhood` | 鄰, 1–999 |
//!
//! Blank lines and lines starting with `#` are skipped. Every row is checked; the errors of all
//! rows are reported with their line numbers, and nothing is imported unless every row is
//! right (the import itself is one transaction).
//!
//! ```
//! use twnhi_store::registry::{parse_csv, CSV_HEADER};
//!
//! let csv = format!(
//!     "{CSV_HEADER}\n000011112222,A123456789,測試一,1990-01-01,M,valid,F1234567,臺北市,中正區,建國里,5\n"
//! );
//! let persons = parse_csv(&csv)?;
//! assert_eq!(persons.len(), 1);
//! assert_eq!(persons[0].address.to_string(), "臺北市中正區建國里5鄰");
//!
//! let err = parse_csv(&format!("{CSV_HEADER}\n000011112222,A123456780,測試一,1990-01-01,M,valid,F1234567,臺北市,中正區,建國里,5\n"))
//!     .unwrap_err();
//! assert_eq!(err.errors[0].line, 2);
//! assert_eq!(err.errors[0].column, Some("id_number"));
//! # Ok::<(), twnhi_store::registry::CsvError>(())
//! ```

use core::fmt;
use std::collections::HashMap;

use chrono::NaiveDate;
use twnhi_account::messages::{self as texts, Arg, Lang};
use twnhi_account::roc::RocDate;
use twnhi_account::{CardNumber, HouseholdAddress, HouseholdId, IdNumber, Localized, Sex};

use crate::model::{CardStatus, InsuredPerson};

/// The required header line.
pub const CSV_HEADER: &str = "card_number,id_number,name,birth_date,sex,card_status,household_id,county,township,village,neighborhood";

const COLUMNS: [&str; 11] = [
    "card_number",
    "id_number",
    "name",
    "birth_date",
    "sex",
    "card_status",
    "household_id",
    "county",
    "township",
    "village",
    "neighborhood",
];

/// At most this many row errors are collected before parsing stops.
pub const MAX_ERRORS: usize = 100;

/// One refused row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line number in the file (1 is the header).
    pub line: usize,
    /// The column, when one column is at fault.
    pub column: Option<&'static str>,
    /// What is wrong, bilingual ("zh-TW / English"), without the row's personal data.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = [("line", Arg::from(self.line))];
        let label = format!(
            "{} {}",
            texts::format(Lang::ZhTw, "store-line", &line),
            texts::format(Lang::En, "store-line", &line)
        );
        match self.column {
            Some(c) => write!(f, "{label}, {c}: {}", self.message),
            None => write!(f, "{label}: {}", self.message),
        }
    }
}

/// A registry file that cannot be imported: every row error found (up to [`MAX_ERRORS`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct CsvError {
    /// The errors, in line order.
    pub errors: Vec<RowError>,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&both_with(
            "store-import-errors",
            &[("count", Arg::from(self.errors.len()))],
        ))?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// Splits RFC 4180 text into records, each with the line number it starts on. Quoted fields
/// may hold commas, doubled quotes and line breaks.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, RowError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut line = 1usize;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        // comment and blank lines
        if matches!(chars.peek(), Some('#')) {
            for c in chars.by_ref() {
                if c == '\n' {
                    line += 1;
                    break;
                }
            }
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(RowError {
                        line: start,
                        column: None,
                        message: texts::bilingual("store-unterminated-quote"),
                    });
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    break;
                }
                c => field.push(c),
            }
        }
        fields.push(field);
        let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty());
        if !blank {
            out.push((start, fields));
        }
    }
    Ok(out)
}

use twnhi_account::messages::bilingual_with as both_with;

fn bilingual(m: &impl Localized) -> String {
    let msg = m.msg();
    format!("{} / {}", msg.zh(), msg.en())
}

fn parse_birth_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    RocDate::parse(s).ok().map(NaiveDate::from)
}

fn parse_row(line: usize, f: &[String], errors: &mut Vec<RowError>) -> Option<InsuredPerson> {
    let err = |column: &'static str, message: String| RowError {
        line,
        column: Some(column),
        message,
    };
    if f.len() != COLUMNS.len() {
        errors.push(RowError {
            line,
            column: None,
            message: both_with(
                "store-columns",
                &[
                    ("expected", Arg::from(COLUMNS.len())),
                    ("found", Arg::from(f.len())),
                ],
            ),
        });
        return None;
    }
    let before = errors.len();
    let get = |i: usize| f.get(i).map_or("", |s| s.trim());
    let card = CardNumber::parse(get(0))
        .map_err(|e| errors.push(err("card_number", bilingual(&e))))
        .ok();
    let id = IdNumber::parse(get(1))
        .map_err(|e| errors.push(err("id_number", bilingual(&e))))
        .ok();
    let name = get(2);
    let name_len = name.chars().count();
    if name_len == 0 || name_len > 20 || name.chars().any(char::is_control) {
        errors.push(err("name", texts::bilingual("store-name")));
    }
    let birth = parse_birth_date(get(3));
    if birth.is_none() {
        errors.push(err("birth_date", texts::bilingual("store-birth-date")));
    }
    let sex = match get(4).to_ascii_uppercase().as_str() {
        "M" => Some(Sex::Male),
        "F" => Some(Sex::Female),
        _ => {
            errors.push(err("sex", texts::bilingual("store-sex")));
            None
        }
    };
    if let (Some(sex), Some(id)) = (sex, &id)
        && id.sex().is_some_and(|s| s != sex)
    {
        errors.push(err("sex", texts::bilingual("store-sex-mismatch")));
    }
    let status = CardStatus::parse(get(5));
    if status.is_none() {
        errors.push(err("card_status", texts::bilingual("store-card-status")));
    }
    let household = HouseholdId::parse(get(6))
        .map_err(|e| errors.push(err("household_id", bilingual(&e))))
        .ok();
    let address = match HouseholdAddress::parse(get(7), get(8), get(9), get(10)) {
        Ok(a) => Some(a),
        Err(e) => {
            let column = match e {
                twnhi_account::HouseholdError::County => "county",
                twnhi_account::HouseholdError::Township => "township",
                twnhi_account::HouseholdError::Village => "village",
                _ => "neighborhood",
            };
            errors.push(err(column, bilingual(&e)));
            None
        }
    };
    if errors.len() != before {
        return None;
    }
    Some(InsuredPerson {
        card_number: card?,
        id_number: id?,
        name: name.to_owned(),
        birth_date: birth?,
        sex: sex?,
        card_status: status?,
        household_id: household?,
        address: address?,
    })
}

/// Parses and validates a registry file.
///
/// # Errors
/// [`CsvError`] with every row error (line numbers from 1, the header being line 1): a wrong
/// header, malformed fields, a card number twice, a person with two valid cards.
pub fn parse_csv(text: &str) -> Result<Vec<InsuredPerson>, CsvError> {
    let recs = records(text).map_err(|e| CsvError { errors: vec![e] })?;
    let mut iter = recs.into_iter();
    let header_ok = iter.next().is_some_and(|(_, h)| {
        h.len() == COLUMNS.len()
            && h.iter()
                .zip(COLUMNS)
                .all(|(a, b)| a.trim().eq_ignore_ascii_case(b))
    });
    if !header_ok {
        return Err(CsvError {
            errors: vec![RowError {
                line: 1,
                column: None,
                message: format!("{}: {CSV_HEADER}", texts::bilingual("store-header")),
            }],
        });
    }
    let mut errors = Vec::new();
    let mut persons = Vec::new();
    let mut cards: HashMap<String, usize> = HashMap::new();
    let mut valid_cards: HashMap<String, usize> = HashMap::new();
    for (line, fields) in iter {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let Some(p) = parse_row(line, &fields, &mut errors) else {
            continue;
        };
        if let Some(first) = cards.insert(p.card_number.as_str().to_owned(), line) {
            errors.push(RowError {
                line,
                column: Some("card_number"),
                message: both_with("store-card-repeated", &[("first", Arg::from(first))]),
            });
            continue;
        }
        if p.card_status == CardStatus::Valid
            && let Some(first) = valid_cards.insert(p.id_number.as_str().to_owned(), line)
        {
            errors.push(RowError {
                line,
                column: Some("card_status"),
                message: both_with("store-two-valid-cards", &[("first", Arg::from(first))]),
            });
            continue;
        }
        persons.push(p);
    }
    if errors.is_empty() {
        Ok(persons)
    } else {
        Err(CsvError { errors })
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with('#') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Writes persons as a registry file (header included) that [`parse_csv`] reads back.
#[must_use]
pub fn to_csv(persons: &[InsuredPerson]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for p in persons {
        let t = p.address.township();
        let fields = [
            p.card_number.as_str().to_owned(),
            p.id_number.as_str().to_owned(),
            p.name.clone(),
            p.birth_date.format("%Y-%m-%d").to_string(),
            match p.sex {
                Sex::Male => "M".to_owned(),
                Sex::Female => "F".to_owned(),
            },
            p.card_status.as_str().to_owned(),
            p.household_id.as_str().to_owned(),
            t.county_zh().to_owned(),
            t.zh().to_owned(),
            p.address.village().to_owned(),
            p.address.neighborhood().to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(card: &str, id: &str, status: &str) -> String {
        format!("{card},{id},測試一,1990-01-01,M,{status},F1234567,臺北市,中正區,建國里,5")
    }

    #[test]
    fn round_trip() {
        let csv = format!(
            "{CSV_HEADER}\n{}\n# comment\n\n{}\r\n",
            row("000011112222", "A123456789", "valid"),
            row("000011113333", "A123456789", "revoked")
        );
        let persons = parse_csv(&csv).unwrap();
        assert_eq!(persons.len(), 2);
        let again = parse_csv(&to_csv(&persons)).unwrap();
        assert_eq!(again, persons);
    }

    #[test]
    fn quoted_fields_and_bom() {
        let csv = format!(
            "\u{feff}{CSV_HEADER}\n000011112222,A123456789,\"測,試\"\"一\",0790101,M,valid,F1234567,台北市,Zhongzheng District,建國里,005\n"
        );
        let p = parse_csv(&csv).unwrap();
        assert_eq!(p[0].name, "測,試\"一");
        assert_eq!(
            p[0].birth_date,
            NaiveDate::from_ymd_opt(1990, 1, 1).unwrap()
        );
        assert_eq!(p[0].address.to_string(), "臺北市中正區建國里5鄰");
    }

    #[test]
    fn every_error_with_its_line() {
        let csv = format!(
            "{CSV_HEADER}\n{}\n{}\n000011114444,A123456789,測試一,1990-13-01,F,maybe,F123,東京都,中正區,建國里,0\nshort,row\n{}\n",
            row("000011112222", "A123456789", "valid"),
            row("000011112222", "A123456780", "valid"),
            row("000011115555", "A123456789", "valid"),
        );
        let err = parse_csv(&csv).unwrap_err();
        let got: Vec<(usize, Option<&str>)> =
            err.errors.iter().map(|e| (e.line, e.column)).collect();
        assert!(got.contains(&(3, Some("id_number"))), "{got:?}");
        assert!(got.contains(&(4, Some("birth_date"))), "{got:?}");
        assert!(got.contains(&(4, Some("sex"))), "{got:?}");
        assert!(got.contains(&(4, Some("card_status"))), "{got:?}");
        assert!(got.contains(&(4, Some("household_id"))), "{got:?}");
        assert!(got.contains(&(4, Some("county"))), "{got:?}");
        assert!(got.contains(&(5, None)), "{got:?}");
        assert!(got.contains(&(6, Some("card_status"))), "{got:?}");
        let text = err.to_string();
        assert!(text.contains("line 4"));
        assert!(!text.contains("A123456789"), "no personal data in errors");
    }

    #[test]
    fn duplicate_cards_and_bad_header() {
        let csv = format!(
            "{CSV_HEADER}\n{}\n{}\n",
            row("000011112222", "A123456789", "revoked"),
            row("000011112222", "A123456789", "revoked"),
        );
        let err = parse_csv(&csv).unwrap_err();
        assert_eq!(err.errors[0].line, 3);
        assert_eq!(err.errors[0].column, Some("card_number"));
        let err = parse_csv("a,b\n").unwrap_err();
        assert_eq!(err.errors[0].line, 1);
        let err = parse_csv(&format!("{CSV_HEADER}\n\"open")).unwrap_err();
        assert_eq!(err.errors[0].line, 2);
    }
}
