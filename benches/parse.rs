//! Parsing benchmarks: command and response APDUs, and the 57 bytes of basic data.
//!
//! ```sh
//! cargo bench --bench parse
//! ```
//! Results and the machine they were measured on: docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use twnhi::apdu::{Command, Response};
use twnhi::card::BasicData;

fn basic_data_bytes() -> Vec<u8> {
    let mut raw = b"000011112222".to_vec();
    // 測試一 in Big5, padded with spaces to 20 bytes.
    raw.extend_from_slice(&[0xB4, 0xFA, 0xB8, 0xD5, 0xA4, 0x40]);
    raw.resize(32, b' ');
    raw.extend_from_slice(b"A1234567890790101M1091027");
    raw
}

fn parsing(c: &mut Criterion) {
    let select: Vec<u8> =
        hex::decode("00A4040010D1580000010000000000000000001100").unwrap_or_default();
    let mut response = basic_data_bytes();
    response.extend_from_slice(&[0x90, 0x00]);
    let raw = basic_data_bytes();

    c.bench_function("command parse (SELECT)", |b| {
        b.iter(|| Command::parse(black_box(&select)))
    });
    c.bench_function("command encode_into (SELECT)", |b| {
        let cmd = Command::parse(&select).ok();
        let mut buf = [0u8; 64];
        b.iter(|| cmd.map(|c| c.encode_into(black_box(&mut buf))))
    });
    c.bench_function("response parse (59 bytes)", |b| {
        b.iter(|| Response::parse(black_box(&response)))
    });
    c.bench_function("basic data parse (57 bytes)", |b| {
        b.iter(|| BasicData::parse(black_box(&raw)))
    });
}

criterion_group!(benches, parsing);
criterion_main!(benches);
