//! `twnhi-pcsc` through the real PC/SC stack: pcscd + vsmartcard-vpcd with the simulated card
//! of `twnhi-sim` (tier 4).
//!
//! Every test starts its own pcscd through [`VpcdHarness`], which also serialises these tests
//! across threads and processes. Waits are on reader states (`SCardGetStatusChange`) wherever
//! the harness offers one; the few sleeps left hold a card busy for a known time on purpose.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::ffi::CString;
use std::time::{Duration, Instant};
use twnhi_apdu::Status;
use twnhi_card::atr::{CardKind, DEFAULT_NHI_ATR, NEW_GENERATION_NHI_ATR};
use twnhi_card::auth::RS_LEN;
use twnhi_card::commands::{
    INS_AUTHENTICATE, INS_GET_CHALLENGE, INS_GET_DATA, INS_GET_RESPONSE, INS_SELECT, P1_BASIC_DATA,
    P1_CARD_ID,
};
use twnhi_card::{CardError, TransportError};
use twnhi_pcsc::{Event, Pcsc, Watcher, card_kind_label, pcsc};
use twnhi_sim::vpcd::Reconnect;
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, READER2, VpcdHarness, wait_for_state};

/// Generous bound for anything that should happen "at once" on a loaded test machine.
const SOON: Duration = Duration::from_secs(10);

fn sim(mode: &str) -> SimCard {
    SimCard::new(Identity::sample(), Faults::parse(mode).unwrap())
}

/// One command as the card saw it: (INS, P1, status word answered).
type Seen = (u8, u8, Status);

/// What the card answered, oldest first.
fn log(card: &SimCard) -> Vec<Seen> {
    card.log().iter().map(|r| (r.ins, r.p1, r.status)).collect()
}

const SELECT_OK: Seen = (INS_SELECT, 0x04, Status::Success);
const BASIC_OK: Seen = (INS_GET_DATA, P1_BASIC_DATA, Status::Success);

fn transport_error(e: &CardError) -> &TransportError {
    match e {
        CardError::Transport(t) => t,
        other => panic!("expected a transport error, got {other:?} ({other})"),
    }
}

/// Waits for the watcher's next non-empty batch of events.
fn next_batch(w: &mut Watcher) -> Vec<Event> {
    let deadline = Instant::now() + SOON;
    loop {
        let events = w.next_events(Duration::from_secs(1)).unwrap();
        if !events.is_empty() {
            return events;
        }
        assert!(
            Instant::now() < deadline,
            "no watcher event within {SOON:?}"
        );
    }
}

fn inserted(atr: &[u8]) -> Event {
    Event::CardInserted {
        reader: READER.into(),
        atr: atr.to_vec(),
        card_kind: twnhi_card::atr::recognize(atr),
    }
}

fn removed() -> Event {
    Event::CardRemoved {
        reader: READER.into(),
    }
}

#[test]
fn readers_lists_the_virtual_reader_with_the_card_and_its_kind() {
    let h = VpcdHarness::start();
    let pcsc = Pcsc::establish().unwrap();

    let readers = pcsc.readers().unwrap();
    let names: Vec<&str> = readers.iter().map(|r| r.name.as_str()).collect();
    assert!(
        names.contains(&READER) && names.contains(&READER2),
        "{names:?}"
    );
    assert!(readers.iter().all(|r| !r.card_present && r.atr.is_none()));

    for (mode, atr, label) in [
        ("normal", DEFAULT_NHI_ATR, "nhi"),
        ("new-gen", NEW_GENERATION_NHI_ATR, "nhi"),
        ("other-card", sim("other-card").atr(), "unknown"),
    ] {
        let attached = h.insert(sim(mode));
        let readers = pcsc.readers().unwrap();
        let r = readers.iter().find(|r| r.name == READER).unwrap();
        assert!(r.card_present, "{mode}");
        assert_eq!(r.atr.as_deref(), Some(atr), "{mode}");
        assert_eq!(card_kind_label(r.card_kind), label, "{mode}");
        let json = serde_json::to_value(r).unwrap();
        assert_eq!(json["name"], READER);
        assert_eq!(json["card_kind"], label);
        let other = readers.iter().find(|r| r.name == READER2).unwrap();
        assert!(!other.card_present, "{mode}");
        h.remove(attached);
    }
    let readers = pcsc.readers().unwrap();
    assert!(
        !readers
            .iter()
            .find(|r| r.name == READER)
            .unwrap()
            .card_present
    );
}

#[test]
fn read_basic_in_every_mode_sends_select_get_data_and_only_what_the_card_asks_for() {
    let h = VpcdHarness::start();
    let pcsc = Pcsc::establish().unwrap();
    let expected = Identity::sample().basic_data().unwrap();

    // What the card sees, per mode: one SELECT and one GET DATA P1 11. Only the round a card
    // asks for itself comes on top (GET RESPONSE after 61xx, the resend after 6Cxx).
    let cases: [(&str, Vec<Seen>); 4] = [
        ("normal", vec![SELECT_OK, BASIC_OK]),
        (
            "t0",
            vec![
                SELECT_OK,
                (INS_GET_DATA, P1_BASIC_DATA, Status::MoreAvailable(57)),
                (INS_GET_RESPONSE, 0x00, Status::Success),
            ],
        ),
        (
            "new-gen",
            vec![
                (INS_SELECT, 0x04, Status::InstructionNotSupported),
                BASIC_OK,
            ],
        ),
        (
            "wrong-le",
            vec![
                SELECT_OK,
                (INS_GET_DATA, P1_BASIC_DATA, Status::WrongLe(57)),
                BASIC_OK,
            ],
        ),
    ];
    for (mode, wire) in cases {
        let attached = h.insert(sim(mode));
        let (reader, data) = pcsc
            .read_basic(Some(READER))
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert_eq!(reader, READER, "{mode}");
        assert_eq!(data, expected, "{mode}");
        let card = h.remove(attached);
        assert_eq!(log(&card), wire, "{mode}");
    }

    // With no reader named, the reader holding the card is found.
    let attached = h.insert(sim("normal"));
    let (reader, data) = pcsc.read_basic(None).unwrap();
    assert_eq!((reader.as_str(), &data), (READER, &expected));
    assert_eq!(log(&h.remove(attached)), [SELECT_OK, BASIC_OK]);
}

#[test]
fn a_full_read_on_a_connected_card_sends_exactly_two_apdus() {
    // The path the latency benchmark measures as "full read": one transaction, SELECT +
    // GET DATA, end of transaction; nothing else reaches the card, read after read.
    let h = VpcdHarness::start();
    let attached = h.insert(sim("normal"));
    let pcsc = Pcsc::establish().unwrap();
    let mut card = pcsc.connect(READER).unwrap();
    assert_eq!(card.reader(), READER);
    assert_eq!(card.atr(), DEFAULT_NHI_ATR);
    for _ in 0..3 {
        card.read_basic().unwrap();
    }
    card.disconnect().unwrap();
    assert_eq!(log(&h.remove(attached)), [SELECT_OK, BASIC_OK].repeat(3));
}

#[test]
fn wait_for_card_returns_when_a_card_is_inserted_during_the_wait() {
    let h = VpcdHarness::start();
    let pcsc = Pcsc::establish().unwrap();
    let delay = Duration::from_millis(300);
    for named in [None, Some(READER)] {
        let attached = std::thread::scope(|s| {
            let start = Instant::now();
            let inserter = s.spawn(|| {
                std::thread::sleep(delay);
                h.insert(sim("normal"))
            });
            let reader = pcsc.wait_for_card(named, SOON).unwrap();
            let waited = start.elapsed();
            assert_eq!(reader, READER, "{named:?}");
            assert!(
                waited >= delay,
                "returned after {waited:?}, before the card came"
            );
            inserter.join().unwrap()
        });
        // The card is usable right away.
        pcsc.read_basic(Some(READER)).unwrap();
        // With the card already there, the wait returns at once.
        let start = Instant::now();
        assert_eq!(pcsc.wait_for_card(named, SOON).unwrap(), READER);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        h.remove(attached);
    }
}

#[test]
fn wait_for_card_times_out_with_no_card() {
    let h = VpcdHarness::start();
    let pcsc = Pcsc::establish().unwrap();
    let timeout = Duration::from_millis(400);
    for named in [None, Some(READER)] {
        let start = Instant::now();
        let e = pcsc.wait_for_card(named, timeout).unwrap_err();
        let waited = start.elapsed();
        assert!(
            matches!(transport_error(&e), TransportError::NoCard),
            "{named:?}: {e:?}"
        );
        assert_eq!(e.legacy_code(), 7004);
        assert!(waited >= timeout, "{named:?}: gave up after {waited:?}");
        assert!(
            waited < timeout + Duration::from_secs(3),
            "{named:?}: {waited:?}"
        );
    }
    // Reading an empty reader is "no card" too, named or not.
    for named in [None, Some(READER)] {
        let e = pcsc.read_basic(named).unwrap_err();
        assert!(
            matches!(transport_error(&e), TransportError::NoCard),
            "{named:?}: {e:?}"
        );
        assert!(e.is_environment());
    }
    drop(h);
}

#[test]
fn removal_mid_read_is_card_removed() {
    let h = VpcdHarness::start();
    // The card answers SELECT, then leaves the reader before GET DATA.
    let attached = h.insert(sim("remove-after=1"));
    let pcsc = Pcsc::establish().unwrap();
    let start = Instant::now();
    let e = pcsc.read_basic(Some(READER)).unwrap_err();
    assert!(
        matches!(transport_error(&e), TransportError::CardRemoved),
        "{e:?}"
    );
    assert_eq!(e.legacy_code(), 8002);
    assert!(!e.is_environment());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let card = attached.wait().unwrap();
    assert_eq!(log(&card), [SELECT_OK]);
    wait_for_state(READER, false, SOON);
    // The reader is empty now.
    let e = pcsc.read_basic(Some(READER)).unwrap_err();
    assert!(
        matches!(transport_error(&e), TransportError::NoCard),
        "{e:?}"
    );
}

#[test]
fn another_card_is_not_an_nhi_card() {
    let h = VpcdHarness::start();
    let attached = h.insert(sim("other-card"));
    let pcsc = Pcsc::establish().unwrap();
    let e = pcsc.read_basic(Some(READER)).unwrap_err();
    assert!(
        matches!(
            e,
            CardError::NotNhiCard {
                status: Status::FileNotFound
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.legacy_code(), 8013);
    // SELECT was refused; nothing else was tried.
    assert_eq!(
        log(&h.remove(attached)),
        [(INS_SELECT, 0x04, Status::FileNotFound)]
    );
}

#[test]
fn an_unknown_reader_is_reader_unavailable() {
    let h = VpcdHarness::start();
    let attached = h.insert(sim("normal"));
    let pcsc = Pcsc::establish().unwrap();
    let unknown = "No Such Reader 00 00";
    let check = |e: CardError| {
        assert!(
            matches!(transport_error(&e), TransportError::ReaderUnavailable),
            "{e:?}"
        );
        assert_eq!(e.legacy_code(), 7003);
    };
    check(pcsc.read_basic(Some(unknown)).unwrap_err());
    check(pcsc.connect(unknown).unwrap_err());
    check(pcsc.connect("Virtual\0PCD").unwrap_err());
    check(pcsc.wait_for_card(Some(unknown), SOON).unwrap_err());
    // The card in the real reader was left alone.
    assert!(h.remove(attached).log().is_empty());
}

#[test]
fn pcscd_stopped_is_service_unavailable_and_the_same_pcsc_reads_after_a_restart() {
    let mut h = VpcdHarness::start();
    let attached = h.insert_with(sim("normal"), Reconnect::Yes);
    let pcsc = Pcsc::establish().unwrap();
    pcsc.read_basic(Some(READER)).unwrap();

    h.stop_pcscd();
    let service = |e: CardError| {
        assert!(
            matches!(transport_error(&e), TransportError::ServiceUnavailable),
            "{e:?}"
        );
        assert_eq!(e.legacy_code(), 7001);
        assert!(e.is_environment());
    };
    service(pcsc.read_basic(Some(READER)).unwrap_err());
    service(pcsc.read_basic(None).unwrap_err());
    service(pcsc.readers().unwrap_err());
    service(
        pcsc.wait_for_card(None, Duration::from_millis(200))
            .unwrap_err(),
    );
    service(pcsc.watcher().unwrap_err());
    service(Pcsc::establish().unwrap_err());

    h.start_pcscd();
    // The card reconnects to vpcd by itself.
    wait_for_state(READER, true, SOON);
    let expected = Identity::sample().basic_data().unwrap();
    assert_eq!(pcsc.read_basic(Some(READER)).unwrap().1, expected);
    assert_eq!(pcsc.read_basic(None).unwrap().1, expected);
    assert_eq!(pcsc.wait_for_card(None, SOON).unwrap(), READER);
    assert!(
        pcsc.readers()
            .unwrap()
            .iter()
            .any(|r| r.name == READER && r.card_present)
    );
    let card = h.remove(attached);
    // SELECT + GET DATA for each of the three reads, and nothing for the failed ones.
    assert_eq!(log(&card), [SELECT_OK, BASIC_OK].repeat(3));
}

#[test]
fn the_watcher_reports_insertions_and_removals_and_survives_a_pcscd_restart() {
    let mut h = VpcdHarness::start();
    let pcsc = Pcsc::establish().unwrap();
    let mut watcher = pcsc.watcher().unwrap();
    // Empty readers: nothing to report, and the readers present at the start are not
    // reported as added.
    assert_eq!(watcher.next_events(Duration::ZERO).unwrap(), []);
    assert_eq!(watcher.reader_count(), 2);

    // Insertion while the watcher is blocked in SCardGetStatusChange.
    let (mut watcher, attached) = std::thread::scope(|s| {
        let waiting = s.spawn(move || {
            let events = next_batch(&mut watcher);
            (watcher, events)
        });
        let attached = h.insert(sim("normal"));
        let (watcher, events) = waiting.join().unwrap();
        assert_eq!(events, [inserted(DEFAULT_NHI_ATR)]);
        (watcher, attached)
    });
    h.remove(attached);
    assert_eq!(next_batch(&mut watcher), [removed()]);

    // pcscd stops while the watcher waits: the wait fails, the watcher stays usable.
    let mut watcher = std::thread::scope(|s| {
        let waiting = s.spawn(move || {
            let start = Instant::now();
            let result = watcher.next_events(Duration::from_secs(30));
            (watcher, result, start.elapsed())
        });
        // Let the watcher block first (it cannot be observed from outside).
        std::thread::sleep(Duration::from_millis(200));
        h.stop_pcscd();
        let (watcher, result, waited) = waiting.join().unwrap();
        let e = result.unwrap_err();
        assert!(
            matches!(transport_error(&e), TransportError::ServiceUnavailable),
            "{e:?}"
        );
        assert!(waited < Duration::from_secs(10), "{waited:?}");
        watcher
    });
    let e = watcher.next_events(Duration::from_millis(100)).unwrap_err();
    assert!(
        matches!(transport_error(&e), TransportError::ServiceUnavailable),
        "{e:?}"
    );

    h.start_pcscd();
    let attached = h.insert(sim("new-gen"));
    let mut seen = Vec::new();
    while !seen.contains(&inserted(NEW_GENERATION_NHI_ATR)) {
        seen.extend(next_batch(&mut watcher));
    }
    assert_eq!(seen, [inserted(NEW_GENERATION_NHI_ATR)]);
    assert!(matches!(
        twnhi_card::atr::recognize(NEW_GENERATION_NHI_ATR),
        CardKind::Nhi { .. }
    ));
    h.remove(attached);
    assert_eq!(next_batch(&mut watcher), [removed()]);
}

#[test]
fn card_authentication_through_pcsc_verifies_against_the_identity_key() {
    let h = VpcdHarness::start();
    let identity = Identity::sample();
    let key = identity.key();
    for mode in ["normal", "t0"] {
        let attached = h.insert(sim(mode));
        let pcsc = Pcsc::establish().unwrap();
        let mut card = pcsc.connect(READER).unwrap();

        let challenge = card.challenge().unwrap();
        assert_eq!(&*challenge.card_no, identity.card_no.as_str(), "{mode}");
        let rs = [0x5A; RS_LEN];
        let au = key.build_au(&challenge.rc, &rs);
        let cr = card.authenticate(&au).unwrap();
        assert!(
            key.verify_cr(&rs, &challenge.rc, &challenge.card_no, &cr),
            "{mode}"
        );
        // The challenge is single use: replaying `au` is refused.
        let e = card.authenticate(&au).unwrap_err();
        assert!(
            matches!(e, CardError::AuthenticationRefused { .. }),
            "{e:?}"
        );
        assert_eq!(e.legacy_code(), 8006);
        card.disconnect().unwrap();

        let wire: Vec<(u8, u8)> = log(&h.remove(attached))
            .into_iter()
            .filter(|(ins, ..)| *ins != INS_GET_RESPONSE)
            .map(|(ins, p1, _)| (ins, p1))
            .collect();
        // Each operation is its own transaction and selects the application first.
        assert_eq!(
            wire,
            [
                (INS_SELECT, 0x04),
                (INS_GET_DATA, P1_CARD_ID),
                (INS_GET_CHALLENGE, 0x00),
                (INS_SELECT, 0x04),
                (INS_AUTHENTICATE, 0x11),
                (INS_SELECT, 0x04),
                (INS_AUTHENTICATE, 0x11),
            ],
            "{mode}"
        );
    }
}

/// A second PC/SC client, as another program on a clinic PC would be.
fn other_program(mode: pcsc::ShareMode) -> (pcsc::Context, pcsc::Card) {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
    let card = ctx
        .connect(&CString::new(READER).unwrap(), mode, pcsc::Protocols::ANY)
        .unwrap();
    (ctx, card)
}

fn raw_transmit(card: &pcsc::Card, apdu: &[u8]) -> Vec<u8> {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    card.transmit(apdu, &mut buf).unwrap().to_vec()
}

#[test]
fn a_read_waits_for_another_programs_transaction_instead_of_interleaving() {
    let h = VpcdHarness::start();
    let attached = h.insert(sim("normal"));
    let pcsc = Pcsc::establish().unwrap();
    let hold = Duration::from_millis(500);

    let (_ctx, mut other) = other_program(pcsc::ShareMode::Shared);
    std::thread::scope(|s| {
        let tx = other.transaction().unwrap();
        assert_eq!(
            raw_transmit(&tx, &twnhi_card::commands::select_nhi().to_vec()),
            [0x90, 0x00]
        );
        let start = Instant::now();
        let reader = s.spawn(|| {
            let began = Instant::now();
            let result = pcsc.read_basic(Some(READER));
            (result, began, Instant::now())
        });
        // Our read is now blocked in SCardBeginTransaction (or about to be); the other
        // program keeps the card for `hold` and sends one more command inside its
        // transaction.
        std::thread::sleep(hold);
        assert!(
            !reader.is_finished(),
            "the read did not wait for the transaction"
        );
        let challenge = raw_transmit(&tx, &twnhi_card::commands::get_challenge().to_vec());
        assert_eq!(challenge.len(), 10);
        let released = Instant::now();
        tx.end(pcsc::Disposition::LeaveCard)
            .map_err(|(_, e)| e)
            .unwrap();
        let (result, began, done) = reader.join().unwrap();
        assert_eq!(result.unwrap().1, Identity::sample().basic_data().unwrap());
        // It started while the card was held and ended after the release.
        assert!(began < released, "the read began {:?} late", began - start);
        assert!(done >= released);
    });
    other
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
    // The other program's SELECT + GET CHALLENGE, then ours: nothing interleaved.
    assert_eq!(
        log(&h.remove(attached)),
        [
            SELECT_OK,
            (INS_GET_CHALLENGE, 0x00, Status::Success),
            SELECT_OK,
            BASIC_OK
        ]
    );
}

#[test]
fn a_card_held_exclusively_is_retried_then_reported_as_a_sharing_violation() {
    let h = VpcdHarness::start();
    let attached = h.insert(sim("normal"));
    let pcsc = Pcsc::establish().unwrap();

    // Held exclusively for a moment: the connect is retried with back-off and succeeds.
    let (ctx, other) = other_program(pcsc::ShareMode::Exclusive);
    let hold = Duration::from_millis(150);
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            barrier.wait();
            let start = Instant::now();
            (pcsc.read_basic(Some(READER)), start.elapsed())
        });
        barrier.wait();
        std::thread::sleep(hold);
        other
            .disconnect(pcsc::Disposition::LeaveCard)
            .map_err(|(_, e)| e)
            .unwrap();
        let (result, took) = reader.join().unwrap();
        assert_eq!(result.unwrap().1, Identity::sample().basic_data().unwrap());
        assert!(
            took >= hold / 2,
            "read took {took:?}: the card was not held"
        );
    });
    drop(ctx);

    // Held for longer than the back-off (about 0.8 s): a sharing violation, 8013.
    let (_ctx, other) = other_program(pcsc::ShareMode::Exclusive);
    let start = Instant::now();
    let e = pcsc.read_basic(Some(READER)).unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(transport_error(&e), TransportError::SharingViolation),
        "{e:?}"
    );
    assert_eq!(e.legacy_code(), 8013);
    assert!(took >= Duration::from_millis(700), "gave up after {took:?}");
    other
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
    assert_eq!(log(&h.remove(attached)), [SELECT_OK, BASIC_OK]);
}

#[test]
fn a_card_reset_by_another_program_is_reconnected_and_read() {
    let h = VpcdHarness::start();
    let attached = h.insert(sim("normal"));
    let pcsc = Pcsc::establish().unwrap();
    let mut card = pcsc.connect(READER).unwrap();
    card.read_basic().unwrap();

    // Another program resets the card (which deselects the application).
    let (_ctx, mut other) = other_program(pcsc::ShareMode::Shared);
    let (_ctx2, mut witness) = other_program(pcsc::ShareMode::Shared);
    other
        .reconnect(
            pcsc::ShareMode::Shared,
            pcsc::Protocols::ANY,
            pcsc::Disposition::ResetCard,
        )
        .unwrap();
    // Every other handle learns of the reset at its next call…
    assert_eq!(witness.transaction().err(), Some(pcsc::Error::ResetCard));
    witness
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
    // … ours too, at the start of its next transaction: it reconnects and reads.
    assert_eq!(
        card.read_basic().unwrap(),
        Identity::sample().basic_data().unwrap()
    );
    card.disconnect().unwrap();
    other
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
    assert_eq!(log(&h.remove(attached)), [SELECT_OK, BASIC_OK].repeat(2));
}

#[test]
fn read_basic_with_no_reader_named_prefers_the_nhi_card() {
    let h = VpcdHarness::start();
    // Another card in the first reader, an NHI card in the second.
    let other = h.insert(sim("other-card"));
    let nhi = twnhi_sim::vpcd::attach("127.0.0.1:35964", sim("normal"), Reconnect::No).unwrap();
    wait_for_state(READER2, true, SOON);
    let pcsc = Pcsc::establish().unwrap();
    let (reader, data) = pcsc.read_basic(None).unwrap();
    assert_eq!(reader, READER2);
    assert_eq!(data, Identity::sample().basic_data().unwrap());
    assert_eq!(pcsc.wait_for_card(None, SOON).unwrap(), READER2);
    // The card that is not an NHI card was not touched.
    assert!(h.remove(other).log().is_empty());
    let nhi = nhi.remove();
    wait_for_state(READER2, false, SOON);
    assert_eq!(log(&nhi), [SELECT_OK, BASIC_OK]);
}

#[test]
fn a_wait_is_cancelled_from_another_thread() {
    let h = VpcdHarness::start();
    let pcsc = Pcsc::establish().unwrap();
    let cancel = pcsc.cancel_handle();
    std::thread::scope(|s| {
        let waiting = s.spawn(|| {
            let start = Instant::now();
            (
                pcsc.wait_for_card(None, Duration::from_secs(60)),
                start.elapsed(),
            )
        });
        // Cancelling before the wait blocks stops it too, so no need to know when it blocks.
        std::thread::sleep(Duration::from_millis(100));
        cancel.cancel().unwrap();
        let (result, waited) = waiting.join().unwrap();
        let e = result.unwrap_err();
        assert!(twnhi_pcsc::is_cancelled(&e), "{e:?}");
        assert!(waited < SOON, "{waited:?}");
    });
    // The next wait is not affected.
    let attached = h.insert(sim("normal"));
    assert_eq!(pcsc.wait_for_card(None, SOON).unwrap(), READER);
    h.remove(attached);
}

#[test]
fn a_card_connected_before_pcscd_restarted_fails_and_a_new_connection_reads() {
    let mut h = VpcdHarness::start();
    let attached = h.insert_with(sim("normal"), Reconnect::Yes);
    let pcsc = Pcsc::establish().unwrap();
    let mut card = pcsc.connect(READER).unwrap();
    card.read_basic().unwrap();
    h.stop_pcscd();
    let e = card.read_basic().unwrap_err();
    assert!(
        matches!(transport_error(&e), TransportError::ServiceUnavailable),
        "{e:?}"
    );
    h.start_pcscd();
    wait_for_state(READER, true, SOON);
    // The handle died with the old pcscd (E_INVALID_HANDLE); connecting again through the
    // same `Pcsc` works.
    assert!(card.read_basic().is_err());
    drop(card);
    let mut card = pcsc.connect(READER).unwrap();
    assert_eq!(
        card.read_basic().unwrap(),
        Identity::sample().basic_data().unwrap()
    );
    drop(card);
    assert_eq!(log(&h.remove(attached)), [SELECT_OK, BASIC_OK].repeat(2));
}

/// Another program powers the card down (`SCardDisconnect(SCARD_UNPOWER_CARD)`, pyscard's
/// default) or resets it while we hold a connection: our next read works, and so does every
/// other program's connect afterwards.
fn other_program_leaves_between_two_reads(disposition: pcsc::Disposition) {
    let h = VpcdHarness::start();
    let attached = h.insert(sim("normal"));
    let pcsc = Pcsc::establish().unwrap();
    let mut card = pcsc.connect(READER).unwrap();
    card.read_basic().unwrap();

    let (_ctx, other) = other_program(pcsc::ShareMode::Shared);
    assert_eq!(
        raw_transmit(&other, &twnhi_card::commands::select_nhi().to_vec()),
        [0x90, 0x00]
    );
    other.disconnect(disposition).map_err(|(_, e)| e).unwrap();

    let expected = Identity::sample().basic_data().unwrap();
    assert_eq!(
        card.read_basic()
            .unwrap_or_else(|e| panic!("{disposition:?}: {e}\n{}", h.pcscd_log())),
        expected
    );
    // Other programs (and we, connecting afresh) still get the card.
    let (_ctx, third) = other_program(pcsc::ShareMode::Shared);
    assert_eq!(
        raw_transmit(&third, &twnhi_card::commands::select_nhi().to_vec()),
        [0x90, 0x00]
    );
    third
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
    card.disconnect().unwrap();
    assert_eq!(pcsc.read_basic(Some(READER)).unwrap().1, expected);
    h.remove(attached);
}

#[test]
fn a_card_powered_down_by_another_program_is_connected_again_and_read() {
    other_program_leaves_between_two_reads(pcsc::Disposition::UnpowerCard);
}

#[test]
fn a_card_reset_on_disconnect_by_another_program_is_connected_again_and_read() {
    other_program_leaves_between_two_reads(pcsc::Disposition::ResetCard);
}
