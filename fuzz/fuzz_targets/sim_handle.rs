//! The simulated card answers any sequence of APDUs with at least a status word, never
//! panicking. Input: a mode byte, then APDUs each prefixed by a one-byte length.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twnhi_sim::{Faults, Identity, SimCard};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let faults = Faults {
        t0: mode & 1 != 0,
        new_generation: mode & 2 != 0,
        wrong_le: mode & 4 != 0,
        ..Faults::default()
    };
    let mut card = SimCard::with_seed(Identity::sample(), faults, 1);
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (apdu, next) = tail.split_at(len);
        let r = card.handle(apdu);
        assert!(r.len() >= 2);
        rest = next;
    }
});
