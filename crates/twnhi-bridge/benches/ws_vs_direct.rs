//! `GetBasic` over the bridge's WebSocket vs a direct read of the same card through
//! `twnhi-pcsc` (`Pcsc::read_basic`, the `twnhi card read` path), measured in the same run
//! through pcscd + vsmartcard-vpcd with the simulated card. Prints p50 / p99 for one client and
//! for 50 concurrent clients. A measurement, not a test: nothing here fails on a threshold.
//!
//! ```sh
//! cargo bench -p twnhi-bridge --features vpcd-tests --bench ws_vs_direct
//! TWNHI_BENCH_ROUNDS=500 cargo bench -p twnhi-bridge --features vpcd-tests --bench ws_vs_direct
//! ```
//!
//! Needs root, pcscd and vsmartcard-vpcd, like the tier-4 tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use twnhi_bridge::{Bridge, BridgeConfig, CardBackend, PcscBackend};
use twnhi_pcsc::Pcsc;
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_testkit::{READER, VpcdHarness};

const CLIENTS: usize = 50;

struct Stats {
    label: &'static str,
    clients: usize,
    samples: Vec<Duration>,
    wall: Duration,
}

impl Stats {
    fn pct(&self, p: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        let i = ((s.len() as f64 - 1.0) * p).round() as usize;
        s[i.min(s.len() - 1)]
    }
    fn row(&self) -> String {
        let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1000.0);
        format!(
            "| {} | {} | {} | {} | {} | {:.0} |",
            self.label,
            self.clients,
            self.samples.len(),
            ms(self.pct(0.5)),
            ms(self.pct(0.99)),
            self.samples.len() as f64 / self.wall.as_secs_f64()
        )
    }
}

/// `clients` threads, each with its own PC/SC context (like separate `twnhi card read`
/// processes), each doing `rounds` reads; every read timed.
fn direct(label: &'static str, clients: usize, rounds: usize) -> Stats {
    let barrier = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let pcsc = Pcsc::establish().unwrap();
                barrier.wait();
                (0..rounds)
                    .map(|_| {
                        let t = Instant::now();
                        let (_, data) = pcsc.read_basic(None).unwrap();
                        let d = t.elapsed();
                        assert_eq!(data.card_no, "000011112222");
                        d
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let samples: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    Stats {
        label,
        clients,
        samples,
        wall: start.elapsed(),
    }
}

/// The bridge's own card work (basic data + card data in one transaction), without the server.
fn backend_only(rounds: usize) -> Stats {
    let b = PcscBackend::new();
    b.read(READER).unwrap();
    let start = Instant::now();
    let samples = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            b.read(READER).unwrap();
            t.elapsed()
        })
        .collect();
    Stats {
        label: "bridge backend alone (`PcscBackend::read`, + GET DATA 24)",
        clients: 1,
        samples,
        wall: start.elapsed(),
    }
}

async fn ws_clients(
    label: &'static str,
    url: String,
    origin: String,
    clients: usize,
    rounds: usize,
) -> Stats {
    let mut sockets = Vec::new();
    for _ in 0..clients {
        let mut req = url.as_str().into_client_request().unwrap();
        req.headers_mut().insert("origin", origin.parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        sockets.push(ws);
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(clients));
    let start = Instant::now();
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|mut ws| {
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                let mut out = Vec::with_capacity(rounds);
                for _ in 0..rounds {
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
                out
            })
        })
        .collect();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await.unwrap());
    }
    Stats {
        label,
        clients,
        samples,
        wall: start.elapsed(),
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores; load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn main() {
    let rounds: usize = std::env::var("TWNHI_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(300);
    let per_client = (rounds / 30).max(4);
    println!("machine: {}", machine());
    let h = VpcdHarness::start();
    let _card = h.insert(SimCard::new(Identity::sample(), Faults::default()));

    // Warm-up: first connection, page cache, pcscd's reader thread.
    direct("warm-up", 1, 20);
    // The direct path with no bridge running at all (no reader watch, no kept connection).
    let alone = direct(
        "direct `Pcsc::read_basic`, before the bridge started",
        1,
        rounds / 2,
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = rt.block_on(async {
        let mut config = BridgeConfig::default();
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.max_clients = CLIENTS + 8;
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
    // Let the reader watch take its first look, then warm the bridge up.
    std::thread::sleep(Duration::from_millis(300));
    rt.block_on(ws_clients("warm-up", url.clone(), origin.clone(), 1, 20));

    // Interleave the runs (direct, ws, direct, ws) so that load changes hit both alike.
    let mut results: Vec<Stats> = vec![alone];
    for _ in 0..2 {
        results.push(direct(
            "direct `Pcsc::read_basic` (`twnhi card read` path)",
            1,
            rounds / 2,
        ));
        results.push(rt.block_on(ws_clients(
            "WebSocket `GetBasic` via the bridge",
            url.clone(),
            origin.clone(),
            1,
            rounds / 2,
        )));
    }
    results.push(backend_only(rounds / 2));
    for _ in 0..2 {
        results.push(direct(
            "direct `Pcsc::read_basic`, one context per client",
            CLIENTS,
            per_client / 2,
        ));
        results.push(rt.block_on(ws_clients(
            "WebSocket `GetBasic` via the bridge",
            url.clone(),
            origin.clone(),
            CLIENTS,
            per_client / 2,
        )));
    }
    rt.block_on(handle.shutdown()).unwrap();

    // Merge the two halves of each measurement.
    let mut merged: Vec<Stats> = Vec::new();
    for r in results {
        match merged
            .iter_mut()
            .find(|m| m.label == r.label && m.clients == r.clients)
        {
            Some(m) => {
                m.samples.extend(r.samples);
                m.wall += r.wall;
            }
            None => merged.push(r),
        }
    }
    println!();
    println!("| method | clients | requests | p50 ms | p99 ms | requests/s |");
    println!("|---|---|---|---|---|---|");
    for m in &merged {
        println!("{}", m.row());
    }
    let find = |label: &str, clients: usize| {
        merged
            .iter()
            .find(|m| m.label.starts_with(label) && m.clients == clients)
    };
    let ratio = |w: &Stats, d: &Stats, what: &str| {
        println!(
            "{} client(s): WebSocket / {what} = {:.2}× at p50, {:.2}× at p99",
            w.clients,
            w.pct(0.5).as_secs_f64() / d.pct(0.5).as_secs_f64(),
            w.pct(0.99).as_secs_f64() / d.pct(0.99).as_secs_f64()
        );
    };
    println!();
    if let (Some(w), Some(d), Some(b)) = (
        find("WebSocket", 1),
        find("direct `Pcsc::read_basic` (", 1),
        find("direct `Pcsc::read_basic`, before", 1),
    ) {
        ratio(w, d, "direct (interleaved runs)");
        ratio(w, b, "direct before the bridge started");
    }
    if let (Some(w), Some(d)) = (find("WebSocket", CLIENTS), find("direct", CLIENTS)) {
        ratio(w, d, "direct");
    }
    println!("machine after: {}", machine());
}
