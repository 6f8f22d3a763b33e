//! Parsing benchmark: the 57 bytes of basic data.
//!
//! ```sh
//! cargo bench -p twnhi --bench parse
//! ```
//! The APDU parsing benchmarks are beside their crate: `crates/twnhi-apdu/benches/parse.rs`.
//! Results and the machine they were measured on: docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
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
    let raw = basic_data_bytes();

    c.bench_function("basic data parse (57 bytes)", |b| {
        b.iter(|| BasicData::parse(black_box(&raw)))
    });
}

criterion_group!(benches, parsing);
criterion_main!(benches);
