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
//! right. [`parse_csv`] reads a file held in memory; [`RegistryReader`] reads one row at a time
//! from any [`BufRead`], and [`check`] makes all of `parse_csv`'s checks over such a stream,
//! so that a national registry file is checked and imported without being held in memory.
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
use std::collections::{HashMap, HashSet};
use std::io::BufRead;

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

/// Reads one record of RFC 4180 text from `input`: quoted fields may hold commas, doubled
/// quotes and line breaks. Comment lines (`#` first) are skipped; a blank line is an empty
/// record (one empty field). `next_line` is the number of the next physical line and moves on
/// past the record; `line` is scratch space. `None` at the end of the input.
fn read_record<R: BufRead>(
    input: &mut R,
    next_line: &mut usize,
    line: &mut String,
) -> Result<Option<(usize, Vec<String>)>, ReadError> {
    loop {
        line.clear();
        let start = *next_line;
        let n = input.read_line(line).map_err(|source| ReadError::Io {
            line: start,
            source,
        })?;
        if n == 0 {
            return Ok(None);
        }
        *next_line += 1;
        let mut text: &str = line;
        if start == 1 {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if text.starts_with('#') {
            continue;
        }
        let mut fields = Vec::with_capacity(COLUMNS.len());
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        let mut owned: String;
        'physical: loop {
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if quoted {
                    match c {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => quoted = false,
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
                    '\n' => break 'physical,
                    c => field.push(c),
                }
            }
            if !quoted {
                break;
            }
            // The line ended inside a quoted field: the field goes on on the next line.
            owned = String::new();
            let n = input
                .read_line(&mut owned)
                .map_err(|source| ReadError::Io {
                    line: *next_line,
                    source,
                })?;
            if n == 0 {
                return Err(ReadError::Fatal(RowError {
                    line: start,
                    column: None,
                    message: texts::bilingual("store-unterminated-quote"),
                }));
            }
            *next_line += 1;
            text = &owned;
        }
        fields.push(field);
        return Ok(Some((start, fields)));
    }
}

/// Why [`RegistryReader`] refused a row or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The row is wrong (every fault found in it, in column order); reading goes on with the
    /// next row.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Row(Vec<RowError>),
    /// The file cannot be read on: a wrong header line, or a quoted field never closed.
    #[error("{0}")]
    Fatal(RowError),
    /// Reading failed (an I/O error, or text that is not UTF-8) at this line.
    #[error("{}: {source}", line_label(*.line))]
    Io {
        /// The line being read.
        line: usize,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

fn line_label(line: usize) -> String {
    let line = [("line", Arg::from(line))];
    format!(
        "{} {}",
        texts::format(Lang::ZhTw, "store-line", &line),
        texts::format(Lang::En, "store-line", &line)
    )
}

/// Reads a registry file one row at a time, checking each as it goes, so that a file of any
/// size is read in constant memory (one line at a time through `R`'s buffer). The checks of a
/// row against the others (a card number twice, two valid cards of one person) are not made
/// here: see [`check`] and [`parse_csv`].
///
/// ```
/// use twnhi_store::registry::{CSV_HEADER, ReadError, RegistryReader};
///
/// let text = format!(
///     "{CSV_HEADER}\n000011112222,A123456789,測試一,1990-01-01,M,valid,F1234567,臺北市,中正區,建國里,5\nbad\n"
/// );
/// let mut rows = RegistryReader::new(text.as_bytes());
/// let (line, person) = rows.next().unwrap().unwrap();
/// assert_eq!((line, person.name.as_str()), (2, "測試一"));
/// assert!(matches!(rows.next(), Some(Err(ReadError::Row(e))) if e[0].line == 3));
/// assert!(rows.next().is_none());
/// ```
#[derive(Debug)]
pub struct RegistryReader<R> {
    input: R,
    next_line: usize,
    header: bool,
    finished: bool,
    scratch: String,
}

impl<R: BufRead> RegistryReader<R> {
    /// Reads from `input` (UTF-8, header line first).
    pub fn new(input: R) -> Self {
        Self {
            input,
            next_line: 1,
            header: false,
            finished: false,
            scratch: String::new(),
        }
    }

    fn step(&mut self) -> Result<Option<(usize, InsuredPerson)>, ReadError> {
        loop {
            let Some((line, fields)) =
                read_record(&mut self.input, &mut self.next_line, &mut self.scratch)?
            else {
                if !self.header {
                    return Err(ReadError::Fatal(header_error()));
                }
                return Ok(None);
            };
            let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty());
            if blank {
                continue;
            }
            if !self.header {
                let ok = fields.len() == COLUMNS.len()
                    && fields
                        .iter()
                        .zip(COLUMNS)
                        .all(|(a, b)| a.trim().eq_ignore_ascii_case(b));
                if !ok {
                    return Err(ReadError::Fatal(header_error()));
                }
                self.header = true;
                continue;
            }
            let mut errors = Vec::new();
            return match parse_row(line, &fields, &mut errors) {
                Some(p) => Ok(Some((line, p))),
                None => Err(ReadError::Row(errors)),
            };
        }
    }
}

fn header_error() -> RowError {
    RowError {
        line: 1,
        column: None,
        message: format!("{}: {CSV_HEADER}", texts::bilingual("store-header")),
    }
}

impl<R: BufRead> Iterator for RegistryReader<R> {
    type Item = Result<(usize, InsuredPerson), ReadError>;

    /// The next row with its line number, or why it was refused. After an error other than
    /// [`ReadError::Row`] the reader ends.
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.step() {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e @ ReadError::Row(_)) => Some(Err(e)),
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
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
    let mut errors = Vec::new();
    let mut persons = Vec::new();
    let mut cards: HashMap<String, usize> = HashMap::new();
    let mut valid_cards: HashMap<String, usize> = HashMap::new();
    for item in RegistryReader::new(text.as_bytes()) {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let (line, p) = match item {
            Ok(row) => row,
            Err(ReadError::Row(e)) => {
                errors.extend(e);
                continue;
            }
            Err(ReadError::Fatal(e)) => {
                errors.push(e);
                break;
            }
            Err(ReadError::Io { line, source }) => {
                errors.push(RowError {
                    line,
                    column: None,
                    message: source.to_string(),
                });
                break;
            }
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

/// What [`check`] found in a registry file without errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checked {
    /// Rows (one per card).
    pub rows: u64,
    /// Rows of revoked cards among them.
    pub revoked: u64,
}

/// Why [`check`] refused a registry file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// Rows are wrong (every error found, up to [`MAX_ERRORS`], in line order).
    #[error(transparent)]
    Invalid(#[from] CsvError),
    /// The file cannot be opened.
    #[error("{0}")]
    Open(#[source] std::io::Error),
    /// Reading failed at a line (an I/O error, or text that is not UTF-8).
    #[error("{0}")]
    Read(#[source] ReadError),
}

/// A card number or ID number as a number (base 36 over its letters and digits): the two
/// formats are short enough that distinct values never meet.
fn key(s: &str) -> u64 {
    s.chars().fold(0u64, |acc, c| {
        acc.wrapping_mul(36)
            .wrapping_add(u64::from(c.to_digit(36).unwrap_or(35)))
    })
}

/// Values that occur more than once in `keys` (at most [`MAX_ERRORS`] of them).
fn repeated(mut keys: Vec<u64>) -> HashSet<u64> {
    keys.sort_unstable();
    keys.windows(2)
        .filter_map(|w| match w {
            [a, b] if a == b => Some(*a),
            _ => None,
        })
        .take(MAX_ERRORS)
        .collect()
}

/// Checks a registry file as [`parse_csv`] does — every row, a card number twice, two valid
/// cards of one person — reading it as a stream (`open` gives the file from its start; it is
/// read once, and a second time only to find the lines of repeated cards). Memory: the rows are
/// not kept, only 8 bytes per card and per valid card for the checks across rows.
///
/// # Errors
/// [`CheckError::Invalid`] with the row errors in line order; [`CheckError::Open`] or
/// [`CheckError::Read`] when the file cannot be read.
pub fn check<R, F>(mut open: F) -> Result<Checked, CheckError>
where
    R: BufRead,
    F: FnMut() -> std::io::Result<R>,
{
    let mut errors = Vec::new();
    let mut checked = Checked::default();
    let mut cards = Vec::new();
    let mut valid = Vec::new();
    let reader = RegistryReader::new(open().map_err(CheckError::Open)?);
    for item in reader {
        match item {
            Ok((_, p)) => {
                checked.rows += 1;
                cards.push(key(p.card_number.as_str()));
                if p.card_status == CardStatus::Valid {
                    valid.push(key(p.id_number.as_str()));
                } else {
                    checked.revoked += 1;
                }
            }
            Err(ReadError::Row(e)) => {
                errors.extend(e);
                if errors.len() >= MAX_ERRORS {
                    break;
                }
            }
            Err(ReadError::Fatal(e)) => {
                errors.push(e);
                break;
            }
            Err(e @ ReadError::Io { .. }) => return Err(CheckError::Read(e)),
        }
    }
    let (cards, valid) = (repeated(cards), repeated(valid));
    if !cards.is_empty() || !valid.is_empty() {
        // Once more, for the lines where the repeated values first and again occur.
        let mut first_card = HashMap::new();
        let mut first_valid = HashMap::new();
        for item in RegistryReader::new(open().map_err(CheckError::Open)?) {
            let Ok((line, p)) = item else { continue };
            let card = key(p.card_number.as_str());
            if cards.contains(&card) {
                if let Some(&first) = first_card.get(&card) {
                    errors.push(RowError {
                        line,
                        column: Some("card_number"),
                        message: both_with("store-card-repeated", &[("first", Arg::from(first))]),
                    });
                    continue;
                }
                first_card.insert(card, line);
            }
            let id = key(p.id_number.as_str());
            if p.card_status == CardStatus::Valid && valid.contains(&id) {
                if let Some(&first) = first_valid.get(&id) {
                    errors.push(RowError {
                        line,
                        column: Some("card_status"),
                        message: both_with("store-two-valid-cards", &[("first", Arg::from(first))]),
                    });
                    continue;
                }
                first_valid.insert(id, line);
            }
        }
    }
    if errors.is_empty() {
        return Ok(checked);
    }
    errors.sort_by_key(|e| e.line);
    errors.truncate(MAX_ERRORS);
    Err(CsvError { errors }.into())
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
    #[test]
    fn the_stream_check_finds_what_parse_csv_finds() {
        let csv = format!(
            "{CSV_HEADER}\n{}\n{}\n000011114444,A123456789,測試一,1990-13-01,F,maybe,F123,東京都,中正區,建國里,0\nshort,row\n{}\n",
            row("000011112222", "A123456789", "valid"),
            row("000011112222", "A123456780", "valid"),
            row("000011115555", "A123456789", "valid"),
        );
        let Err(CheckError::Invalid(streamed)) = check(|| Ok(csv.as_bytes())) else {
            panic!("refused");
        };
        let whole = parse_csv(&csv).unwrap_err();
        let lines = |e: &CsvError| {
            let mut v: Vec<_> = e.errors.iter().map(|e| (e.line, e.column)).collect();
            v.sort();
            v
        };
        assert_eq!(lines(&streamed), lines(&whole));
        assert!(streamed.to_string().contains("line 6"), "{streamed}");

        let repeated = format!(
            "{CSV_HEADER}\n{}\n{}\n{}\n",
            row("000011112222", "A123456789", "revoked"),
            row("000011113333", "A123456789", "valid"),
            row("000011112222", "B123456780", "revoked"),
        );
        let Err(CheckError::Invalid(e)) = check(|| Ok(repeated.as_bytes())) else {
            panic!("refused");
        };
        assert_eq!(e.errors.len(), 1);
        assert_eq!(
            (e.errors[0].line, e.errors[0].column),
            (4, Some("card_number"))
        );
        assert!(e.errors[0].message.contains('2'), "first on line 2");

        let good = format!(
            "{CSV_HEADER}\n{}\n\"#not a comment\"\n",
            row("000011112222", "A123456789", "revoked"),
        );
        assert!(matches!(
            check(|| Ok(good.as_bytes())),
            Err(CheckError::Invalid(_))
        ));
        let good = format!(
            "{CSV_HEADER}\n{}\n{}\n",
            row("000011112222", "A123456789", "revoked"),
            row("000011113333", "A123456789", "valid"),
        );
        let c = check(|| Ok(good.as_bytes())).unwrap();
        assert_eq!((c.rows, c.revoked), (2, 1));
    }

    #[test]
    fn a_quoted_line_break_counts_lines() {
        let csv = format!(
            "{CSV_HEADER}\n000011112222,A123456789,\"測\n試\",1990-01-01,M,valid,F1234567,臺北市,中正區,建國里,5\n{}\n",
            row("000011113333", "A123456780", "valid")
        );
        let got: Vec<_> = RegistryReader::new(csv.as_bytes()).collect();
        assert!(
            matches!(&got[0], Err(ReadError::Row(e)) if e[0].line == 2 && e[0].column == Some("name"))
        );
        assert!(
            matches!(&got[1], Err(ReadError::Row(e)) if e[0].line == 4 && e[0].column == Some("id_number"))
        );
        assert_eq!(got.len(), 2);
        let bad = RegistryReader::new(&b"card_number\n\xff\n"[..]).next();
        assert!(matches!(bad, Some(Err(ReadError::Fatal(e))) if e.line == 1));
        let mut bytes = format!("{CSV_HEADER}\n").into_bytes();
        bytes.extend_from_slice(b"\xff,x\n");
        let mut r = RegistryReader::new(&bytes[..]);
        assert!(matches!(r.next(), Some(Err(ReadError::Io { line: 2, .. }))));
        assert!(r.next().is_none());
    }
}
