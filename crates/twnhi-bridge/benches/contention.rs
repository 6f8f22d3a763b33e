//! The bridge under contention: how many `GetBasic` answers per second the bridge gives as
//! WebSocket clients are added (1, 2, 5, 10, 20, 50 by default), against the in-process floor
//! of the same run — the bridge's own card work (`PcscBackend::read`: one transaction with
//! SELECT, GET DATA P1 `11`, GET DATA P1 `24`) called back to back in one thread, with no
//! server. Everything goes through pcscd + vsmartcard-vpcd with one simulated card.
//!
//! Phases are time-boxed and interleaved (floor, 1, 2, 5, … clients, floor, 1, …) so that load
//! changes on a shared machine hit every configuration alike. For each configuration it
//! prints answers/s, card reads/s (counted on the card: three APDUs per read), p50 / p99 of
//! the request latency, and the ratios to the floor. A measurement, not a test: nothing here
//! fails on a threshold.
//!
//! ```sh
//! cargo bench -p twnhi-bridge --features vpcd-tests --bench contention
//! TWNHI_BENCH_SECONDS=3 TWNHI_BENCH_REPEATS=5 TWNHI_BENCH_CLIENTS=1,10,50 \
//!     cargo bench -p twnhi-bridge --features vpcd-tests --bench contention
//! ```
//!
//! The bridge runs on a tokio runtime of two worker threads, as `twnhi bridge` does; the
//! clients run on a single-threaded runtime of their own (one thread drives every client
//! connection). Needs root, pcscd and vsmartcard-vpcd, like the tier-4 tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use twnhi_bridge::{Bridge, BridgeConfig, CardBackend, PcscBackend};
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, VpcdHarness};

/// APDUs of one read: SELECT, GET DATA P1 11, GET DATA P1 24.
const APDUS_PER_READ: u64 = 3;

/// One configuration's results, summed over its phases.
#[derive(Default)]
struct Totals {
    answers: u64,
    card_reads: u64,
    wall: Duration,
    samples: Vec<Duration>,
    per_phase: Vec<f64>,
}

impl Totals {
    fn add(&mut self, answers: u64, card_reads: u64, wall: Duration, samples: Vec<Duration>) {
        self.answers += answers;
        self.card_reads += card_reads;
        self.wall += wall;
        self.per_phase.push(answers as f64 / wall.as_secs_f64());
        self.samples.extend(samples);
    }
    fn answers_per_s(&self) -> f64 {
        self.answers as f64 / self.wall.as_secs_f64()
    }
    fn reads_per_s(&self) -> f64 {
        self.card_reads as f64 / self.wall.as_secs_f64()
    }
    fn pct(&self, p: f64) -> f64 {
        let mut s = self.samples.clone();
        if s.is_empty() {
            return f64::NAN;
        }
        s.sort();
        let i = ((s.len() as f64 - 1.0) * p).round() as usize;
        s[i.min(s.len() - 1)].as_secs_f64() * 1000.0
    }
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn first_line_of(path: &str, prefix: &str) -> String {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with(prefix))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The floor: `PcscBackend::read` back to back in this thread for `duration`, on a backend of
/// its own (dropped at the end, which releases its connection).
fn floor(
    card: &twnhi_sim::vpcd::VpcdCard,
    duration: Duration,
) -> (u64, u64, Duration, Vec<Duration>) {
    let backend = PcscBackend::new();
    backend.read(READER).unwrap(); // connect (kept afterwards), outside the timed part
    let before = card.commands_answered();
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < duration {
        let t = Instant::now();
        let read = backend.read(READER).unwrap();
        samples.push(t.elapsed());
        assert_eq!(read.basic.card_no.as_str(), "000011112222");
    }
    let wall = start.elapsed();
    let reads = (card.commands_answered() - before) / APDUS_PER_READ;
    drop(backend);
    (samples.len() as u64, reads, wall, samples)
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str, origin: &str) -> Ws {
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("origin", origin.parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
        .await
        .unwrap();
    ws
}

/// `clients` connections each sending `GetBasic` and waiting for its answer, in a loop, for
/// `duration`. Returns the connections for the next phase.
async fn ws_phase(
    sockets: Vec<Ws>,
    card: &twnhi_sim::vpcd::VpcdCard,
    duration: Duration,
) -> (Vec<Ws>, u64, u64, Duration, Vec<Duration>) {
    let before = card.commands_answered();
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let mut out = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    ws.send(Message::Text("GetBasic".into())).await.unwrap();
                    let reply = loop {
                        match ws.next().await.unwrap().unwrap() {
                            Message::Text(t) => break t,
                            _ => continue,
                        }
                    };
                    out.push(t.elapsed());
                    assert!(reply.starts_with("GetBasic:000011112222,"), "{reply}");
                }
                (ws, out)
            })
        })
        .collect();
    let mut sockets = Vec::new();
    let mut samples = Vec::new();
    for t in tasks {
        let (ws, out) = t.await.unwrap();
        sockets.push(ws);
        samples.extend(out);
    }
    let wall = start.elapsed();
    let reads = (card.commands_answered() - before) / APDUS_PER_READ;
    (sockets, samples.len() as u64, reads, wall, samples)
}

fn main() {
    let seconds: f64 = env("TWNHI_BENCH_SECONDS", 2.0);
    let repeats: usize = env("TWNHI_BENCH_REPEATS", 3);
    let counts: Vec<usize> = std::env::var("TWNHI_BENCH_CLIENTS")
        .unwrap_or_else(|_| "1,2,5,10,20,50".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .filter(|&c| c > 0)
        .collect();
    let most = counts.iter().copied().max().unwrap_or(1);
    let phase = Duration::from_secs_f64(seconds);
    println!(
        "machine: {}, nproc {}, kernel {}",
        first_line_of("/proc/cpuinfo", "model name"),
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
    );
    println!("load average before: {}", load());
    println!("phases of {seconds} s, {repeats} rounds, clients {counts:?}");

    let h = VpcdHarness::start();
    let card = h.insert(SimCard::new(Identity::sample(), Faults::default()));

    let bridge_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .enable_all()
        .build()
        .unwrap();
    let handle = bridge_rt.block_on(async {
        let mut config = BridgeConfig::default();
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.max_clients = most + 8;
        Bridge::new(config, Arc::new(PcscBackend::new()))
            .unwrap()
            .bind()
            .await
            .unwrap()
            .spawn()
    });
    let addr = handle.local_addr();
    let url = format!("ws://{addr}/echo");
    let origin = format!("http://{addr}");
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut all: Vec<Ws> = client_rt.block_on(async {
        let mut v = Vec::new();
        for _ in 0..most {
            v.push(connect(&url, &origin).await);
        }
        v
    });
    // Warm-up: the reader watch's first look, the kept connection, pcscd's threads.
    std::thread::sleep(Duration::from_millis(300));
    floor(&card, Duration::from_millis(300));
    let warm: Vec<Ws> = all.drain(..1).collect();
    let (warm, ..) = client_rt.block_on(ws_phase(warm, &card, Duration::from_millis(300)));
    all.splice(0..0, warm);

    let mut floor_totals = Totals::default();
    let mut ws_totals: Vec<Totals> = counts.iter().map(|_| Totals::default()).collect();
    for _ in 0..repeats {
        let (n, reads, wall, samples) = floor(&card, phase);
        floor_totals.add(n, reads, wall, samples);
        for (i, &c) in counts.iter().enumerate() {
            let mine: Vec<Ws> = all.drain(..c).collect();
            let (back, n, reads, wall, samples) = client_rt.block_on(ws_phase(mine, &card, phase));
            all.splice(0..0, back);
            ws_totals[i].add(n, reads, wall, samples);
        }
    }
    client_rt.block_on(async {
        for mut w in all {
            let _ = w.close(None).await;
        }
    });
    bridge_rt.block_on(handle.shutdown()).unwrap();
    drop(card);

    let floor_reads = floor_totals.answers_per_s();
    let per_phase = |t: &Totals| {
        t.per_phase
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    println!();
    println!(
        "| configuration | answers/s | card reads/s | answers ÷ floor | card reads ÷ floor | p50 ms | p99 ms | answers/s per round |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    println!(
        "| floor: `PcscBackend::read` in process, 1 thread | {:.0} | {:.0} | 1.00 | 1.00 | {:.3} | {:.3} | {} |",
        floor_reads,
        floor_totals.reads_per_s(),
        floor_totals.pct(0.5),
        floor_totals.pct(0.99),
        per_phase(&floor_totals)
    );
    for (t, c) in ws_totals.iter().zip(&counts) {
        println!(
            "| WebSocket `GetBasic`, {c} client{} | {:.0} | {:.0} | {:.2} | {:.2} | {:.3} | {:.3} | {} |",
            if *c == 1 { "" } else { "s" },
            t.answers_per_s(),
            t.reads_per_s(),
            t.answers_per_s() / floor_reads,
            t.reads_per_s() / floor_reads,
            t.pct(0.5),
            t.pct(0.99),
            per_phase(t)
        );
    }
    let monotone = ws_totals
        .windows(2)
        .all(|w| w[1].answers_per_s() >= w[0].answers_per_s());
    println!();
    println!(
        "throughput never falls as clients are added: {}",
        if monotone { "yes" } else { "no" }
    );
    println!("load average after: {}", load());
}
