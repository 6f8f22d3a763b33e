//! Command APDU parsing never panics, and whatever parses re-encodes to the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twnhi_apdu::Command;

fuzz_target!(|data: &[u8]| {
    if let Ok(cmd) = Command::parse(data) {
        assert_eq!(cmd.to_vec(), data);
        let mut buf = vec![0u8; cmd.encoded_len()];
        assert_eq!(cmd.encode_into(&mut buf), Ok(data.len()));
        // Build → encode → parse round trip through the builder.
        let rebuilt = Command::builder(cmd.cla(), cmd.ins(), cmd.p1(), cmd.p2())
            .data(cmd.data())
            .le(cmd.ne())
            .extended(cmd.is_extended())
            .build()
            .expect("parsed lengths are buildable");
        assert_eq!(rebuilt, cmd);
    }
});
