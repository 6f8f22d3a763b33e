//! Latency through the real PC/SC stack: pcscd + vsmartcard-vpcd + the simulated card.
//!
//! Measured in one run, on one card (issue 2, "Performance"):
//!
//! - `raw_apdu`: one `SCardTransmit` of GET DATA P1 `11` on a connected
//!   [`pcsc::Card`](twnhi_pcsc::pcsc::Card) whose application is selected — the unit
//!   everything else is compared with;
//! - `full_read`: [`PcscCard::read_basic`](twnhi_pcsc::PcscCard::read_basic) on a connected
//!   card — begin transaction, SELECT, GET DATA, end transaction;
//! - `pcsc_read_basic_any_reader`: [`Pcsc::read_basic(None)`](twnhi_pcsc::Pcsc::read_basic),
//!   which also lists the readers, connects and disconnects (for information);
//! - where the time of a full read goes: `transaction_begin_end` (an empty transaction),
//!   `select_get_data_raw` (the two APDUs without a transaction) and `status` (one
//!   `SCardStatus`: a round trip to pcscd that does not reach the card).
//!
//! Criterion measures one benchmark after the other; on a shared machine the load changes in
//! between, and a loaded machine answers faster than an idle one (no CPU has to wake up), so
//! ratios between criterion's numbers can mislead. After criterion, the raw round trip, the
//! full read and the transaction calls are therefore timed once more in alternating short
//! blocks, so that all see the same load; their medians and the full/raw ratio are printed
//! ("interleaved").
//!
//! Needs root, pcscd and vsmartcard-vpcd, like the tier-4 tests:
//!
//! ```sh
//! cargo bench -p twnhi-pcsc --features vpcd-tests --bench vpcd_latency
//! ```
//!
//! The numbers and the machine they were measured on: docs/performance.md. The test
//! `a_full_read_on_a_connected_card_sends_exactly_two_apdus` (tests/vpcd.rs) checks that the
//! full read sends nothing beyond SELECT and GET DATA.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use criterion::Criterion;
use std::ffi::CString;
use std::hint::black_box;
use std::time::{Duration, Instant};
use twnhi_card::commands::{INS_GET_DATA, INS_SELECT, get_basic_data, select_nhi};
use twnhi_pcsc::{Pcsc, PcscCard, pcsc};
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, VpcdHarness};

/// Rounds of the interleaved comparison.
const INTERLEAVED_ROUNDS: usize = 200;
/// Calls of each kind per round.
const BLOCK: usize = 16;

fn transmit<'b>(card: &pcsc::Card, apdu: &[u8], buf: &'b mut [u8]) -> &'b [u8] {
    match card.transmit(apdu, buf) {
        Ok(r) => r,
        Err(e) => panic!("SCardTransmit: {e}"),
    }
}

/// The card, a raw connection with the application selected, and twnhi's connection.
struct Bench {
    select: Vec<u8>,
    get_basic: Vec<u8>,
    raw: pcsc::Card,
    stack: Pcsc,
    card: PcscCard,
}

impl Bench {
    fn new(ctx: &pcsc::Context) -> Bench {
        let select = select_nhi().to_vec();
        let get_basic = get_basic_data().to_vec();
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let raw = ctx
            .connect(
                &CString::new(READER).expect("reader name"),
                pcsc::ShareMode::Shared,
                pcsc::Protocols::ANY,
            )
            .expect("connect");
        assert_eq!(transmit(&raw, &select, &mut buf), [0x90, 0x00]);
        assert_eq!(transmit(&raw, &get_basic, &mut buf).len(), 59);
        let stack = Pcsc::establish().expect("pcscd context");
        let mut card = stack.connect(READER).expect("connect");
        assert_eq!(card.read_basic().ok(), Identity::sample().basic_data());
        Bench {
            select,
            get_basic,
            raw,
            stack,
            card,
        }
    }

    fn raw_apdu(&self, buf: &mut [u8]) -> usize {
        transmit(&self.raw, black_box(&self.get_basic), buf).len()
    }

    fn full_read(&mut self) -> twnhi_card::BasicData {
        self.card.read_basic().expect("read")
    }
}

fn criterion_benches(c: &mut Criterion, bench: &mut Bench) {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    let mut g = c.benchmark_group("vpcd");
    g.bench_function("raw_apdu", |b| {
        b.iter(|| black_box(bench.raw_apdu(&mut buf)));
    });
    g.bench_function("full_read", |b| {
        b.iter(|| black_box(bench.full_read()));
    });
    g.bench_function("pcsc_read_basic_any_reader", |b| {
        b.iter(|| black_box(bench.stack.read_basic(None).expect("read")));
    });
    g.bench_function("transaction_begin_end", |b| {
        b.iter(|| {
            let tx = bench.raw.transaction().expect("begin transaction");
            tx.end(pcsc::Disposition::LeaveCard)
                .map_err(|(_, e)| e)
                .expect("end transaction");
        });
    });
    g.bench_function("select_get_data_raw", |b| {
        b.iter(|| {
            transmit(&bench.raw, black_box(&bench.select), &mut buf);
            black_box(bench.raw_apdu(&mut buf))
        });
    });
    g.bench_function("status", |b| {
        b.iter(|| {
            let s = bench.raw.status().expect("SCardStatus");
            black_box(s.atr().len())
        });
    });
    g.finish();
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// `INTERLEAVED_ROUNDS` rounds, each of `BLOCK` raw APDUs, `BLOCK` full reads, `BLOCK` empty
/// transactions (begin and end timed apart) and `BLOCK` `SCardStatus` calls; prints the
/// medians. Short blocks let every kind of call see the same machine load, while keeping
/// each in a steady state (switching between the two PC/SC connections, which pcscd serves
/// from two threads, costs a thread wake-up of its own).
fn interleaved(bench: &mut Bench) {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    let n = INTERLEAVED_ROUNDS * BLOCK;
    let mut times: [Vec<Duration>; 5] = std::array::from_fn(|_| Vec::with_capacity(n));
    for _ in 0..INTERLEAVED_ROUNDS {
        for _ in 0..BLOCK {
            let t = Instant::now();
            black_box(bench.raw_apdu(&mut buf));
            times[0].push(t.elapsed());
        }
        for _ in 0..BLOCK {
            let t = Instant::now();
            black_box(bench.full_read());
            times[1].push(t.elapsed());
        }
        for _ in 0..BLOCK {
            let t = Instant::now();
            let tx = bench.raw.transaction().expect("begin transaction");
            times[2].push(t.elapsed());
            let t = Instant::now();
            tx.end(pcsc::Disposition::LeaveCard)
                .map_err(|(_, e)| e)
                .expect("end transaction");
            times[3].push(t.elapsed());
        }
        for _ in 0..BLOCK {
            let t = Instant::now();
            black_box(bench.raw.status().expect("SCardStatus"));
            times[4].push(t.elapsed());
        }
    }
    let [raw, full, begin, end, status] = times.map(|mut t| median(&mut t).as_secs_f64() * 1e6);
    println!(
        "vpcd/interleaved ({INTERLEAVED_ROUNDS} rounds of {BLOCK}, medians): raw_apdu {raw:.1} µs, \
         full_read {full:.1} µs, full/raw {:.2}; begin_transaction {begin:.1} µs, \
         end_transaction {end:.1} µs, status {status:.1} µs; \
         2 × raw + begin + end = {:.1} µs",
        full / raw,
        2.0 * raw + begin + end
    );
}

fn main() {
    let h = VpcdHarness::start();
    let attached = h.insert(SimCard::new(Identity::sample(), Faults::default()));
    let ctx = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd context");
    let mut bench = Bench::new(&ctx);

    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &mut bench);
    c.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` runs each benchmark once only.
    if std::env::args().any(|a| a == "--bench") {
        interleaved(&mut bench);
    }

    drop(bench);
    let sim = h.remove(attached);
    // Sanity check of the run: only SELECT and GET DATA ever reached the card, all answered
    // 90 00 (the exact count per read is asserted by the tier-4 test).
    let strays = sim
        .log()
        .iter()
        .filter(|r| {
            !(r.ins == INS_SELECT || r.ins == INS_GET_DATA)
                || r.status != twnhi_apdu::Status::Success
        })
        .count();
    assert_eq!(strays, 0, "unexpected commands reached the card");
}
