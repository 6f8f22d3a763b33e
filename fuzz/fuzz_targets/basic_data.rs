//! Basic-data parsing never panics; what parses and re-encodes parses to the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twnhi_card::BasicData;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = BasicData::parse(data) {
        if !d.name_lossy {
            if let Some(bytes) = d.to_bytes() {
                assert_eq!(BasicData::parse(&bytes).as_ref(), Ok(&d));
            }
        }
    }
});
