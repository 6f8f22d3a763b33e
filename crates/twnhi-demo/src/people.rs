//! Synthetic insured persons for demos and tests, with a matching simulated card for each.
//!
//! Every person is obviously synthetic — the name is 「測試」 followed by a full-width serial
//! number, the village is 「測試里」 or 「測試村」, card numbers start with `0000` — but valid
//! in every format: ID numbers with a correct check digit and the sex of their second
//! character, household IDs, townships from the bundled table. Each card's key is derived
//! from the SAM master key exactly as the server's software SAM derives it, so the simulated
//! cards pass card authentication against a server with that key file.
//!
//! ```
//! use twnhi_card::auth::MasterKey;
//! use twnhi_demo::people::generate;
//! use twnhi_service::ports::SeededRandom;
//!
//! let master = MasterKey::from_bytes([7; 16]);
//! let people = generate(3, &master, &SeededRandom::new(1));
//! assert_eq!(people.len(), 3);
//! assert!(people[0].person.name.starts_with("測試"));
//! assert_eq!(people[0].identity.card_no, people[0].person.card_number.as_str());
//! assert!(people[0].identity.basic_bytes().is_ok());
//! ```

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use twnhi_account::household::townships;
use twnhi_account::id::check_digit;
use twnhi_account::{CardNumber, HouseholdAddress, HouseholdId, IdNumber, Sex};
use twnhi_card::auth::MasterKey;
use twnhi_sim::Identity;
use twnhi_store::registry::to_csv;
use twnhi_store::{CardStatus, InsuredPerson};

use twnhi_service::ports::Randomness;

/// A synthetic person and their simulated card.
#[derive(Clone, Debug)]
pub struct DemoPerson {
    /// The registry row.
    pub person: InsuredPerson,
    /// The simulated card (identity file contents, card key included).
    pub identity: Identity,
}

/// The files [`write()`] produced.
#[derive(Clone, Debug)]
pub struct DemoFiles {
    /// `registry.csv`.
    pub registry: PathBuf,
    /// `cards/<card number>.json`, one per person.
    pub identities: Vec<PathBuf>,
}

fn below(random: &dyn Randomness, n: u64) -> u64 {
    let mut b = [0u8; 8];
    random.fill_bytes(&mut b);
    if n == 0 { 0 } else { u64::from_le_bytes(b) % n }
}

fn digit(random: &dyn Randomness) -> char {
    char::from(b'0' + u8::try_from(below(random, 10)).unwrap_or(0))
}

fn fullwidth(n: usize) -> String {
    format!("{n:04}")
        .chars()
        .map(|c| char::from_u32(u32::from(c) - 0x30 + 0xFF10).unwrap_or(c))
        .collect()
}

fn date_between(random: &dyn Randomness, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).unwrap_or(0);
    let offset = i64::try_from(below(random, span.saturating_add(1))).unwrap_or(0);
    from.checked_add_signed(chrono::TimeDelta::days(offset))
        .unwrap_or(from)
}

fn letter(random: &dyn Randomness) -> char {
    char::from(b'A' + u8::try_from(below(random, 26)).unwrap_or(0))
}

/// Makes `count` synthetic persons with cards keyed from `master`.
#[must_use]
pub fn generate(count: usize, master: &MasterKey, random: &dyn Randomness) -> Vec<DemoPerson> {
    let mut out = Vec::with_capacity(count);
    let mut ids = HashSet::new();
    let towns = townships();
    let card_base = below(random, 50_000_000);
    let (min_birth, max_birth) = (
        NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2015, 12, 31).unwrap_or_default(),
    );
    let max_issue = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default();
    for i in 0..count {
        let (id, sex) = loop {
            let sex = if below(random, 2) == 0 {
                Sex::Male
            } else {
                Sex::Female
            };
            let second = if sex == Sex::Male { '1' } else { '2' };
            let mut nine = String::with_capacity(10);
            nine.push(letter(random));
            nine.push(second);
            for _ in 0..7 {
                nine.push(digit(random));
            }
            let Some(check) = check_digit(&nine) else {
                continue;
            };
            let candidate = format!("{nine}{check}");
            if let Ok(id) = IdNumber::parse(&candidate)
                && ids.insert(candidate)
            {
                break (id, sex);
            }
        };
        let card_no = format!("0000{:08}", (card_base + i as u64) % 100_000_000);
        let Ok(card) = CardNumber::parse(&card_no) else {
            continue;
        };
        let mut household = String::with_capacity(8);
        household.push(letter(random));
        for _ in 0..7 {
            household.push(digit(random));
        }
        let Ok(household) = HouseholdId::parse(&household) else {
            continue;
        };
        let town = towns
            .get(usize::try_from(below(random, towns.len() as u64)).unwrap_or(0))
            .or_else(|| towns.first());
        let Some(town) = town else { continue };
        // A township (鄉) has villages (村), other towns have 里.
        // cjk-ok: the township suffix the code tests
        let village = if town.zh().ends_with('鄉') {
            "測試村" // cjk-ok: synthetic demo data (the registry's village name)
        } else {
            "測試里" // cjk-ok: synthetic demo data (the registry's village name)
        };
        let neighborhood = u16::try_from(below(random, 30) + 1).unwrap_or(1);
        let Ok(address) = HouseholdAddress::new(town.county_zh(), town.zh(), village, neighborhood)
        else {
            continue;
        };
        let birth = date_between(random, min_birth, max_birth);
        let issue_from = NaiveDate::from_ymd_opt(birth.year().max(2005), 1, 1).unwrap_or(birth);
        let issue = date_between(random, issue_from.max(birth), max_issue);
        let name = format!("測試{}", fullwidth(i + 1)); // cjk-ok: synthetic demo data (names)
        let identity = Identity {
            card_no: card.as_str().to_owned(),
            name: name.clone(),
            id_no: id.as_str().to_owned(),
            birth_date: birth,
            sex: match sex {
                Sex::Male => twnhi_card::Sex::Male,
                Sex::Female => twnhi_card::Sex::Female,
            },
            issue_date: issue,
            card_data_flag: '0',
            card_key: [0; 16],
            name_raw_hex: None,
        }
        .with_master_key(master);
        out.push(DemoPerson {
            person: InsuredPerson {
                card_number: card,
                id_number: id,
                name,
                birth_date: birth,
                sex,
                card_status: CardStatus::Valid,
                household_id: household,
                address,
            },
            identity,
        });
    }
    out
}

fn write_private(path: &Path, text: &str) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Writes `DIR/registry.csv` (import it with `twnhi admin registry import`) and
/// `DIR/cards/<card number>.json` (simulated-card identity files, mode 0600: they hold the card
/// keys).
///
/// # Errors
/// I/O errors.
pub fn write(dir: &Path, people: &[DemoPerson]) -> io::Result<DemoFiles> {
    let cards = dir.join("cards");
    fs::create_dir_all(&cards)?;
    let persons: Vec<InsuredPerson> = people.iter().map(|p| p.person.clone()).collect();
    let registry = dir.join("registry.csv");
    fs::write(&registry, to_csv(&persons))?;
    let mut identities = Vec::with_capacity(people.len());
    for p in people {
        let json = p.identity.to_json().map_err(io::Error::other)?;
        let path = cards.join(format!("{}.json", p.identity.card_no));
        write_private(&path, &json)?;
        identities.push(path);
    }
    Ok(DemoFiles {
        registry,
        identities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_service::ports::SeededRandom;
    use twnhi_store::registry::parse_csv;

    #[test]
    fn synthetic_people_are_valid_and_distinct() {
        let master = MasterKey::from_bytes([1; 16]);
        let people = generate(200, &master, &SeededRandom::new(42));
        assert_eq!(people.len(), 200);
        let ids: HashSet<_> = people.iter().map(|p| p.person.id_number.clone()).collect();
        assert_eq!(ids.len(), 200);
        for p in &people {
            assert_eq!(p.person.id_number.sex(), Some(p.person.sex));
            assert!(p.identity.basic_bytes().is_ok(), "fits the card");
            assert_eq!(
                p.identity.card_key,
                *master.derive_card_key(&p.identity.card_no).as_bytes()
            );
            assert!(p.identity.issue_date >= p.identity.birth_date);
        }
        let csv = to_csv(&people.iter().map(|p| p.person.clone()).collect::<Vec<_>>());
        assert_eq!(parse_csv(&csv).unwrap().len(), 200);
    }

    #[test]
    fn writes_registry_and_cards() {
        let dir = tempfile::tempdir().unwrap();
        let people = generate(2, &MasterKey::from_bytes([1; 16]), &SeededRandom::new(1));
        let files = write(dir.path(), &people).unwrap();
        assert_eq!(files.identities.len(), 2);
        let json = fs::read_to_string(&files.identities[0]).unwrap();
        assert!(Identity::from_json(&json).is_ok());
        assert_eq!(
            parse_csv(&fs::read_to_string(files.registry).unwrap())
                .unwrap()
                .len(),
            2
        );
    }
}
