//! A read of a real NHI card in a real PC/SC reader (ignored unless asked for).
//!
//! ```sh
//! cargo test -p twnhi-pcsc --test real_card -- --ignored --nocapture
//! TWNHI_REAL_READER="<reader name>" cargo test -p twnhi-pcsc --test real_card -- --ignored --nocapture
//! ```
//!
//! Needs a running PC/SC service (pcscd) with the reader plugged in. Without
//! `TWNHI_REAL_READER`, the first reader holding a card is used (NHI cards preferred); the
//! test waits up to 30 s for a card. Nothing personal is printed: only the reader, the kind
//! of card, and the last four digits of the card number.

use std::time::{Duration, Instant};
use twnhi_pcsc::{Pcsc, card_kind_label};

#[test]
#[ignore = "needs a real NHI card in a real PC/SC reader"]
fn reads_a_real_nhi_card() {
    let named = std::env::var("TWNHI_REAL_READER")
        .ok()
        .filter(|r| !r.is_empty());
    let pcsc = Pcsc::establish().expect("PC/SC service");
    let readers = pcsc.readers().expect("readers");
    assert!(!readers.is_empty(), "no PC/SC reader connected");
    let reader = pcsc
        .wait_for_card(named.as_deref(), Duration::from_secs(30))
        .expect("a card in the reader");
    let info = pcsc
        .readers()
        .expect("readers")
        .into_iter()
        .find(|r| r.name == reader)
        .expect("the reader is listed");

    let start = Instant::now();
    let (used, data) = pcsc.read_basic(Some(&reader)).expect("read the basic data");
    let took = start.elapsed();
    assert_eq!(used, reader);

    // The fields parsed (BasicData::parse checked the layout and the dates); check their
    // shapes without showing them.
    assert_eq!(data.card_no.len(), 12);
    assert!(
        data.card_no.bytes().all(|b| b.is_ascii_digit()),
        "card number"
    );
    assert_eq!(data.id_no.len(), 10);
    assert!(
        data.id_no.bytes().all(|b| b.is_ascii_alphanumeric()),
        "ID number"
    );
    assert!(
        data.id_no.as_bytes()[0].is_ascii_uppercase(),
        "ID number starts with a letter"
    );
    assert!(!data.name.trim().is_empty(), "name");
    assert!(
        data.birth_date <= data.issue_date,
        "born before the card was issued"
    );
    assert!(data.issue_date <= today(), "issued in the past");

    let tail = &data.card_no[data.card_no.len() - 4..];
    println!(
        "reader {reader:?}: {} card …{tail}, name_lossy={}, read in {took:?}",
        card_kind_label(info.card_kind),
        data.name_lossy,
    );
}

/// Today's date (UTC, plus a day of slack for time zones).
fn today() -> chrono::NaiveDate {
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    now.date_naive() + chrono::Days::new(1)
}
