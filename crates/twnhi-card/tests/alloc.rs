//! Allocation counts, measured with a counting global allocator (`allocation-counter`):
//! APDU parsing allocates nothing; basic-data parsing allocates at most the name (the card
//! and ID numbers are stored inline).

use twnhi_apdu::{Command, Response};
use twnhi_card::BasicData;

fn sample() -> Vec<u8> {
    let mut raw = b"000012345678".to_vec();
    let mut name = encoding_rs::BIG5.encode("測試一").0.into_owned();
    name.resize(20, b' ');
    raw.extend_from_slice(&name);
    raw.extend_from_slice(b"A1234567890790101M1091027");
    raw
}

#[test]
fn allocation_counts() {
    let select = [
        0x00, 0xA4, 0x04, 0x00, 0x10, 0xD1, 0x58, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x11, 0x00,
    ];
    let mut response = sample();
    response.extend_from_slice(&[0x90, 0x00]);
    let raw = sample();

    // Parsing commands and responses, and encoding a command into a buffer: no allocation.
    let info = allocation_counter::measure(|| {
        let cmd = Command::parse(std::hint::black_box(&select)).unwrap();
        let r = Response::parse(std::hint::black_box(&response)).unwrap();
        let mut buf = [0u8; 64];
        let n = cmd.encode_into(&mut buf).unwrap();
        std::hint::black_box((r.status(), n));
    });
    assert_eq!(info.count_total, 0, "APDU parsing allocated: {info:?}");

    // Basic data: the name string, nothing else.
    let mut parsed = None;
    let info = allocation_counter::measure(|| {
        parsed = Some(BasicData::parse(std::hint::black_box(&raw)).unwrap());
    });
    assert!(
        info.count_total <= 1,
        "basic-data parsing made {} allocations: {info:?}",
        info.count_total
    );
    assert_eq!(parsed.unwrap().name, "測試一");
}
