//! BER-TLV and SIMPLE-TLV parsing never panic (nor overflow the stack on deep nesting).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(objs) = twnhi_apdu::tlv::parse_ber(data) {
        let enc: Vec<u8> = objs.iter().flat_map(|t| t.to_vec()).collect();
        assert_eq!(twnhi_apdu::tlv::parse_ber(&enc).ok(), Some(objs));
    }
    let _ = twnhi_apdu::tlv::parse_simple(data);
});
