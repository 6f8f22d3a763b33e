//! The simulated card through the real PC/SC stack: pcscd + vsmartcard-vpcd (tier 4).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::ffi::CString;
use std::time::{Duration, Instant};
use twnhi_pcsc::pcsc;
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, VpcdHarness, wait_for_state};

fn connect() -> (pcsc::Context, pcsc::Card) {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
    let card = ctx
        .connect(
            &CString::new(READER).unwrap(),
            pcsc::ShareMode::Shared,
            pcsc::Protocols::ANY,
        )
        .unwrap();
    (ctx, card)
}

fn transmit(card: &pcsc::Card, apdu: &[u8]) -> Result<Vec<u8>, pcsc::Error> {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    card.transmit(apdu, &mut buf).map(<[u8]>::to_vec)
}

const SELECT: [u8; 21] = [
    0x00, 0xA4, 0x04, 0x00, 0x10, 0xD1, 0x58, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x11, 0x00,
];
const GET_BASIC: [u8; 7] = [0x00, 0xCA, 0x11, 0x00, 0x02, 0x00, 0x00];

#[test]
fn card_answers_through_pcscd_and_keeps_its_log() {
    let h = VpcdHarness::start();
    let attached = h.insert(SimCard::new(Identity::sample(), Faults::default()));
    let (_ctx, card) = connect();
    let (_, atr) = {
        let s = card.status().unwrap();
        (s.status(), s.atr().to_vec())
    };
    assert!(twnhi_card::atr::is_nhi(&atr), "ATR {atr:02X?}");
    assert_eq!(transmit(&card, &SELECT).unwrap(), [0x90, 0x00]);
    let r = transmit(&card, &GET_BASIC).unwrap();
    assert_eq!(r.len(), 59);
    assert_eq!(&r[..12], Identity::sample().card_no.as_bytes());
    drop(card);
    let sim = h.remove(attached);
    let ins: Vec<u8> = sim.log().iter().map(|r| r.ins).collect();
    assert_eq!(ins, [0xA4, 0xCA]);
}

#[test]
fn removal_after_n_commands_is_seen_by_pcsc() {
    let h = VpcdHarness::start();
    let attached = h.insert(SimCard::new(
        Identity::sample(),
        Faults::parse("remove-after=1").unwrap(),
    ));
    let (_ctx, card) = connect();
    assert_eq!(transmit(&card, &SELECT).unwrap(), [0x90, 0x00]);
    // Depending on whether pcscd's polling noticed the removal before the command, the
    // transmit fails with "removed" or with a transmission error (vpcd's socket closed).
    let e = transmit(&card, &GET_BASIC).unwrap_err();
    assert!(
        matches!(
            e,
            pcsc::Error::RemovedCard | pcsc::Error::NotTransacted | pcsc::Error::NoSmartcard
        ),
        "{e:?}"
    );
    wait_for_state(READER, false, Duration::from_secs(5));
    assert!(attached.wait().is_some());
}

#[test]
fn quickack_keeps_round_trips_well_under_the_delayed_ack() {
    // Without TCP_QUICKACK every APDU waits ~40 ms for a delayed ACK. This is a regression
    // check with a wide margin (the median of 20 round trips below 20 ms), not a benchmark:
    // the measured numbers are in docs/performance.md.
    let h = VpcdHarness::start();
    let attached = h.insert(SimCard::new(Identity::sample(), Faults::default()));
    let (_ctx, card) = connect();
    transmit(&card, &SELECT).unwrap();
    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            transmit(&card, &GET_BASIC).unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    assert!(
        times[10] < Duration::from_millis(20),
        "median APDU round trip {:?}",
        times[10]
    );
    drop(card);
    h.remove(attached);
}

#[test]
fn reconnects_after_pcscd_restarts() {
    let mut h = VpcdHarness::start();
    let attached = h.insert_with(
        SimCard::new(Identity::sample(), Faults::default()),
        twnhi_sim::vpcd::Reconnect::Yes,
    );
    h.stop_pcscd();
    assert!(pcsc::Context::establish(pcsc::Scope::User).is_err());
    h.start_pcscd();
    wait_for_state(READER, true, Duration::from_secs(10));
    let (_ctx, card) = connect();
    assert_eq!(transmit(&card, &SELECT).unwrap(), [0x90, 0x00]);
    drop(card);
    h.remove(attached);
}
