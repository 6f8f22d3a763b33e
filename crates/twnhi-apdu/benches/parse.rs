//! Parsing benchmarks: command and response APDUs.
//!
//! ```sh
//! cargo bench -p twnhi-apdu --bench parse
//! ```
//! Results and the machine they were measured on: docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use twnhi_apdu::{Command, Response};

/// SELECT of the NHI application: `00 A4 04 00 10 <AID> 00`.
const SELECT: [u8; 21] = [
    0x00, 0xA4, 0x04, 0x00, 0x10, 0xD1, 0x58, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x11, 0x00,
];

/// The reply to GET DATA (basic data): 57 bytes of data (synthetic person), then `90 00`.
fn basic_data_response() -> Vec<u8> {
    let mut raw = b"000011112222".to_vec();
    // 測試一 in Big5, padded with spaces to 20 bytes.
    raw.extend_from_slice(&[0xB4, 0xFA, 0xB8, 0xD5, 0xA4, 0x40]);
    raw.resize(32, b' ');
    raw.extend_from_slice(b"A1234567890790101M1091027");
    raw.extend_from_slice(&[0x90, 0x00]);
    raw
}

fn parsing(c: &mut Criterion) {
    let response = basic_data_response();

    c.bench_function("command parse (SELECT)", |b| {
        b.iter(|| Command::parse(black_box(&SELECT)))
    });
    c.bench_function("command encode_into (SELECT)", |b| {
        let cmd = Command::parse(&SELECT).ok();
        let mut buf = [0u8; 64];
        b.iter(|| cmd.map(|c| c.encode_into(black_box(&mut buf))))
    });
    c.bench_function("response parse (59 bytes)", |b| {
        b.iter(|| Response::parse(black_box(&response)))
    });
}

criterion_group!(benches, parsing);
criterion_main!(benches);
