//! Response parsing never panics and round-trips; status words convert both ways.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twnhi_apdu::{Response, Status};

fuzz_target!(|data: &[u8]| {
    match Response::parse(data) {
        Ok(r) => {
            assert_eq!(r.to_vec(), data);
            let sw = u16::from(r.status());
            assert_eq!(Status::from(sw), r.status());
        }
        Err(_) => assert!(data.len() < 2),
    }
});
