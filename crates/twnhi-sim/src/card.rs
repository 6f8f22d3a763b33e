//! The transport-free core of the simulated card.

use crate::{Faults, Identity, NamePadding};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;
use twnhi_apdu::{Command, Status};
use twnhi_card::atr::{DEFAULT_NHI_ATR, NEW_GENERATION_NHI_ATR};
use twnhi_card::commands::{
    AU_LEN, CHALLENGE_LEN, INS_AUTHENTICATE, INS_GET_CHALLENGE, INS_GET_DATA, INS_GET_RESPONSE,
    INS_SELECT, NHI_AID, P1_BASIC_DATA, P1_CARD_DATA, P1_CARD_ID,
};
use twnhi_card::{CardTransport, TransportError};

/// The ATR presented in `other-card` mode (vpicc's default ATR, a generic JavaCard-like one).
const OTHER_CARD_ATR: &[u8] = &[
    0x3B, 0x95, 0x13, 0x81, 0x01, 0x80, 0x73, 0xFF, 0x01, 0x00, 0x0B,
];

/// Where the name sits in the basic data (SPEC §2: offset 12, 20 bytes).
const NAME_FIELD: std::ops::Range<usize> = 12..32;

/// Length of the card data answered to GET DATA P1 `24` (the flag, then zero bytes).
const CARD_DATA_LEN: usize = 16;

/// One command the card answered, for tests that check what was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRecord {
    /// Instruction byte.
    pub ins: u8,
    /// P1.
    pub p1: u8,
    /// The status word answered.
    pub status: Status,
}

/// A simulated NHI card: `handle(command) -> response`, no I/O.
///
/// It answers SELECT of the NHI application, GET DATA P1 `11` / `00` / `24`, GET CHALLENGE,
/// the `00 82` card authentication of SPEC §3 (checking the SAM's MAC against its last
/// challenge, which is single use) and GET RESPONSE, honouring its [`Faults`].
pub struct SimCard {
    identity: Identity,
    basic: [u8; twnhi_card::BASIC_DATA_LEN],
    faults: Faults,
    rng: StdRng,
    selected: bool,
    challenge: Option<[u8; CHALLENGE_LEN]>,
    pending: Vec<u8>,
    answered: u32,
    log: Vec<CommandRecord>,
}

impl std::fmt::Debug for SimCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCard")
            .field("identity", &self.identity)
            .field("faults", &self.faults)
            .field("answered", &self.answered)
            .finish_non_exhaustive()
    }
}

impl SimCard {
    /// A card for `identity` with the given faults, its challenges drawn from the OS RNG.
    ///
    /// An identity that does not fit the card layout gets an all-spaces basic-data record
    /// (which fails to parse on the reader's side, as a damaged card would); use
    /// [`Identity::from_json`] or [`Identity::basic_bytes`] to check identities beforehand.
    pub fn new(identity: Identity, faults: Faults) -> SimCard {
        Self::with_rng(identity, faults, rand::make_rng())
    }

    /// Like [`new`](Self::new) with a seeded RNG, for reproducible challenges.
    pub fn with_seed(identity: Identity, faults: Faults, seed: u64) -> SimCard {
        Self::with_rng(identity, faults, StdRng::seed_from_u64(seed))
    }

    fn with_rng(identity: Identity, faults: Faults, rng: StdRng) -> SimCard {
        let mut basic = identity
            .basic_bytes()
            .unwrap_or([0x20; twnhi_card::BASIC_DATA_LEN]);
        if faults.name_padding == NamePadding::Nul {
            pad_name_with_nul(&mut basic);
        }
        SimCard {
            identity,
            basic,
            faults,
            rng,
            selected: false,
            challenge: None,
            pending: Vec::new(),
            answered: 0,
            log: Vec::new(),
        }
    }

    /// The identity on the card.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The active faults.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The ATR: a first-generation NHI card's, the new generation's in `new-gen` mode, or
    /// another card's in `other-card` mode.
    pub fn atr(&self) -> &'static [u8] {
        if self.faults.other_card {
            OTHER_CARD_ATR
        } else if self.faults.new_generation {
            NEW_GENERATION_NHI_ATR
        } else {
            DEFAULT_NHI_ATR
        }
    }

    /// How long each answer takes (the `slow` fault); adapters sleep this long.
    pub fn delay(&self) -> Duration {
        self.faults.delay
    }

    /// Whether the card is still in the reader (false once `remove-after=N` commands were
    /// answered).
    pub fn is_present(&self) -> bool {
        self.faults.remove_after.is_none_or(|n| self.answered < n)
    }

    /// Number of commands answered since the card was created.
    pub fn commands_answered(&self) -> u32 {
        self.answered
    }

    /// The commands answered so far (instruction, P1, status), oldest first.
    pub fn log(&self) -> &[CommandRecord] {
        &self.log
    }

    /// Clears the command log.
    pub fn clear_log(&mut self) {
        self.log.clear();
    }

    /// Power-on / warm reset: deselects the application and forgets the challenge.
    pub fn reset(&mut self) {
        self.selected = false;
        self.challenge = None;
        self.pending.clear();
    }

    /// Answers one command APDU with a response APDU (data + status word).
    pub fn handle(&mut self, apdu: &[u8]) -> Vec<u8> {
        let (ins, p1) = (
            apdu.get(1).copied().unwrap_or(0),
            apdu.get(2).copied().unwrap_or(0),
        );
        let response = match Command::parse(apdu) {
            Ok(cmd) => self.dispatch(&cmd),
            Err(_) => sw(Status::WrongLength),
        };
        self.answered = self.answered.saturating_add(1);
        let status = match response.as_slice() {
            [.., a, b] => Status::from_bytes(*a, *b),
            _ => Status::UnknownError,
        };
        self.log.push(CommandRecord { ins, p1, status });
        response
    }

    fn dispatch(&mut self, cmd: &Command<'_>) -> Vec<u8> {
        if cmd.cla() != 0x00 {
            return sw(Status::ClassNotSupported);
        }
        if self.faults.other_card {
            // Some other card: no NHI application behind any AID we know.
            return match cmd.ins() {
                INS_SELECT => sw(Status::FileNotFound),
                INS_GET_CHALLENGE => self.get_challenge(cmd),
                _ => sw(Status::InstructionNotSupported),
            };
        }
        // Any command but GET RESPONSE discards data waiting for GET RESPONSE.
        if cmd.ins() != INS_GET_RESPONSE {
            self.pending.clear();
        }
        match cmd.ins() {
            INS_SELECT => self.select(cmd),
            INS_GET_DATA => self.get_data(cmd),
            INS_GET_CHALLENGE => self.get_challenge(cmd),
            INS_AUTHENTICATE => self.authenticate(cmd),
            INS_GET_RESPONSE => self.get_response(cmd),
            _ => sw(Status::InstructionNotSupported),
        }
    }

    fn select(&mut self, cmd: &Command<'_>) -> Vec<u8> {
        if self.faults.new_generation {
            return sw(Status::InstructionNotSupported);
        }
        if cmd.p1() != 0x04 {
            return sw(Status::IncorrectP1P2);
        }
        // Accept the 16-byte form public readers send and the bare 15-byte AID.
        let aid15 = NHI_AID.get(..15).unwrap_or_default();
        if cmd.data() == NHI_AID || cmd.data() == aid15 {
            self.selected = true;
            sw(Status::Success)
        } else {
            self.selected = false;
            sw(Status::FileNotFound)
        }
    }

    fn application_available(&self) -> bool {
        self.selected || self.faults.new_generation
    }

    fn get_data(&mut self, cmd: &Command<'_>) -> Vec<u8> {
        if !self.application_available() {
            return sw(Status::ConditionsNotSatisfied);
        }
        let data: Vec<u8> = match cmd.p1() {
            P1_BASIC_DATA => self.basic.to_vec(),
            P1_CARD_ID => self.identity.card_no.as_bytes().to_vec(),
            P1_CARD_DATA => {
                let mut d = vec![0u8; CARD_DATA_LEN];
                if let Some(first) = d.first_mut() {
                    *first = u8::try_from(u32::from(self.identity.card_data_flag)).unwrap_or(b'0');
                }
                d
            }
            _ => return sw(Status::IncorrectP1P2),
        };
        self.answer(data, cmd.ne())
    }

    fn get_challenge(&mut self, cmd: &Command<'_>) -> Vec<u8> {
        if cmd.p1() != 0 || cmd.p2() != 0 {
            return sw(Status::IncorrectP1P2);
        }
        if cmd.ne() != CHALLENGE_LEN as u32 && !self.faults.wrong_le {
            return sw(Status::WrongLength);
        }
        let mut rc = [0u8; CHALLENGE_LEN];
        self.rng.fill_bytes(&mut rc);
        self.challenge = Some(rc);
        self.answer(rc.to_vec(), cmd.ne())
    }

    fn authenticate(&mut self, cmd: &Command<'_>) -> Vec<u8> {
        if !self.application_available() {
            return sw(Status::ConditionsNotSatisfied);
        }
        if (cmd.p1(), cmd.p2()) != (0x11, 0x12) {
            return sw(Status::IncorrectP1P2);
        }
        let Ok(au) = <&[u8; AU_LEN]>::try_from(cmd.data()) else {
            return sw(Status::WrongLength);
        };
        // The challenge is single use, whatever the outcome.
        let Some(rc) = self.challenge.take() else {
            return sw(Status::ConditionsNotSatisfied);
        };
        let key = self.identity.key();
        match key.verify_au(&rc, au) {
            Some(rs) => {
                let cr = key.card_mac(&rs, &rc, &self.identity.card_no);
                self.answer(cr.to_vec(), cmd.ne())
            }
            None => sw(Status::SecurityStatusNotSatisfied),
        }
    }

    fn get_response(&mut self, cmd: &Command<'_>) -> Vec<u8> {
        if self.pending.is_empty() {
            return sw(Status::ConditionsNotSatisfied);
        }
        let n = (cmd.ne() as usize).min(self.pending.len());
        let mut out: Vec<u8> = self.pending.drain(..n).collect();
        let status = match self.pending.len() {
            0 => Status::Success,
            left => Status::MoreAvailable(u8::try_from(left).unwrap_or(0)),
        };
        out.extend_from_slice(&status.to_bytes());
        out
    }

    /// Answers `data`, honouring `Le` and the `t0` / `wrong-le` faults.
    fn answer(&mut self, data: Vec<u8>, ne: u32) -> Vec<u8> {
        let len = data.len();
        let len_byte = u8::try_from(len).unwrap_or(0);
        if self.faults.wrong_le && ne as usize != len {
            return sw(Status::WrongLe(len_byte));
        }
        if self.faults.t0 {
            self.pending = data;
            return sw(Status::MoreAvailable(len_byte));
        }
        if ne != 0 && (ne as usize) < len {
            return sw(Status::WrongLe(len_byte));
        }
        let mut out = data;
        out.extend_from_slice(&Status::Success.to_bytes());
        out
    }
}

fn sw(status: Status) -> Vec<u8> {
    status.to_bytes().to_vec()
}

/// In process, a simulated card is its own transport; once removed (`remove-after=N`) every
/// command fails with [`TransportError::CardRemoved`].
impl CardTransport for SimCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if !self.is_present() {
            return Err(TransportError::CardRemoved);
        }
        let delay = self.delay();
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        Ok(self.handle(command))
    }
}

/// Turns the spaces after the name into NUL bytes. No Big5 character ends in `0x20` (trail
/// bytes are `0x40`–`0x7E` and `0xA1`–`0xFE`), so only padding is touched.
fn pad_name_with_nul(basic: &mut [u8; twnhi_card::BASIC_DATA_LEN]) {
    if let Some(field) = basic.get_mut(NAME_FIELD) {
        for b in field.iter_mut().rev().take_while(|b| **b == 0x20) {
            *b = 0x00;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_card::auth::RS_LEN;
    use twnhi_card::commands;
    use twnhi_card::{CardError, NhiSession};

    fn basic_read_commands() -> [Vec<u8>; 2] {
        [
            commands::select_nhi().to_vec(),
            commands::get_basic_data().to_vec(),
        ]
    }

    fn session(faults: &str) -> NhiSession<SimCard> {
        NhiSession::new(SimCard::with_seed(
            Identity::sample(),
            Faults::parse(faults).unwrap(),
            7,
        ))
    }

    #[test]
    fn reads_in_every_mode() {
        for mode in [
            "normal",
            "t0",
            "new-gen",
            "wrong-le",
            "t0,new-gen",
            "slow=1",
        ] {
            let mut s = session(mode);
            let d = s.read_basic().unwrap_or_else(|e| panic!("{mode}: {e}"));
            assert_eq!(Some(d), Identity::sample().basic_data(), "{mode}");
            assert_eq!(s.read_card_id().unwrap(), "000011112222");
            assert_eq!(s.read_card_data().unwrap()[0], b'0');
        }
    }

    #[test]
    fn the_name_is_padded_with_spaces_or_nul_and_reads_the_same_either_way() {
        let raw = |mode: &str| {
            let mut card = SimCard::new(Identity::sample(), Faults::parse(mode).unwrap());
            card.handle(&commands::select_nhi().to_vec());
            let r = card.handle(&commands::get_basic_data().to_vec());
            r[..r.len() - 2].to_vec()
        };
        // 測試一 is 6 bytes in Big5; 14 bytes of padding follow.
        let spaces = raw("normal");
        let nul = raw("pad-nul");
        assert_eq!(&spaces[12..18], &nul[12..18]);
        assert!(spaces[18..32].iter().all(|&b| b == 0x20), "{spaces:02X?}");
        assert!(nul[18..32].iter().all(|&b| b == 0x00), "{nul:02X?}");
        // Everything outside the name's padding is the same.
        assert_eq!(spaces[..18], nul[..18]);
        assert_eq!(spaces[32..], nul[32..]);
        for mode in ["normal", "pad-nul", "t0,pad-nul", "new-gen,pad-nul"] {
            let d = session(mode).read_basic().unwrap();
            assert_eq!(d.name, "測試一", "{mode}");
            assert!(!d.name_lossy, "{mode}");
            assert_eq!(Some(d), Identity::sample().basic_data(), "{mode}");
        }
    }

    #[test]
    fn nul_padding_keeps_names_that_fill_the_field_and_raw_names() {
        let mut id = Identity::sample();
        id.name = "一二三四五六七八九十".into(); // 20 bytes in Big5: no padding at all
        let mut s = NhiSession::new(SimCard::new(id.clone(), Faults::parse("pad-nul").unwrap()));
        assert_eq!(s.read_basic().unwrap().name, id.name);
        // A raw name field (Big5 of 測試) shorter than 20 bytes.
        let mut id = Identity::sample();
        id.name_raw_hex = Some("B4FA B8D5".into());
        let mut s = NhiSession::new(SimCard::new(id, Faults::parse("pad-nul").unwrap()));
        assert_eq!(s.read_basic().unwrap().name, "測試");
    }

    #[test]
    fn fault_modes_show_on_the_wire() {
        let mut s = session("t0");
        s.read_basic().unwrap();
        let ins: Vec<u8> = s.transport_mut().log().iter().map(|r| r.ins).collect();
        assert_eq!(ins, [INS_SELECT, INS_GET_DATA, INS_GET_RESPONSE]);

        let mut s = session("wrong-le");
        s.read_basic().unwrap();
        let log = s.transport_mut().log().to_vec();
        assert_eq!(log[1].status, Status::WrongLe(57));
        assert_eq!(log.len(), 3);

        let mut s = session("new-gen");
        s.read_basic().unwrap();
        assert_eq!(
            s.transport_mut().log()[0].status,
            Status::InstructionNotSupported
        );
    }

    #[test]
    fn other_cards_are_not_nhi_cards() {
        let mut s = session("other-card");
        assert!(!twnhi_card::atr::is_nhi(s.transport_mut().atr()));
        assert!(matches!(
            s.read_basic(),
            Err(CardError::NotNhiCard {
                status: Status::FileNotFound
            })
        ));
    }

    #[test]
    fn removal_after_n_commands() {
        let mut s = session("remove-after=1");
        let e = s.read_basic().unwrap_err();
        assert!(matches!(
            e,
            CardError::Transport(TransportError::CardRemoved)
        ));
    }

    #[test]
    fn card_authentication_follows_spec_3() {
        let mut s = session("normal");
        let ch = s.challenge().unwrap();
        assert_eq!(ch.card_no, "000011112222");
        let key = Identity::sample().key();
        let rs = [0x5A; RS_LEN];
        let au = key.build_au(&ch.rc, &rs);
        let cr = s.authenticate(&au).unwrap();
        assert!(key.verify_cr(&rs, &ch.rc, &ch.card_no, &cr));
        // The challenge was consumed: replaying au fails.
        assert!(matches!(
            s.authenticate(&au),
            Err(CardError::AuthenticationRefused { .. })
        ));
        // A wrong MAC is refused with 6982.
        let ch = s.challenge().unwrap();
        let mut bad = key.build_au(&ch.rc, &rs);
        bad[20] ^= 0xFF;
        assert!(matches!(
            s.authenticate(&bad),
            Err(CardError::AuthenticationRefused {
                status: Status::SecurityStatusNotSatisfied
            })
        ));
    }

    #[test]
    fn authentication_in_t0_mode() {
        let mut s = session("t0");
        let ch = s.challenge().unwrap();
        let key = Identity::sample().key();
        let rs = [1; RS_LEN];
        let cr = s.authenticate(&key.build_au(&ch.rc, &rs)).unwrap();
        assert!(key.verify_cr(&rs, &ch.rc, &ch.card_no, &cr));
    }

    #[test]
    fn unknown_commands() {
        let mut c = SimCard::with_seed(Identity::sample(), Faults::default(), 1);
        assert_eq!(c.handle(&[0x00, 0x20, 0, 0]), [0x6D, 0x00]);
        assert_eq!(c.handle(&[0x80, 0xA4, 4, 0]), [0x6E, 0x00]);
        assert_eq!(c.handle(&[0x00]), [0x67, 0x00]);
        // GET DATA before SELECT.
        assert_eq!(c.handle(&commands::get_basic_data().to_vec()), [0x69, 0x85]);
        let [sel, get] = basic_read_commands();
        assert_eq!(c.handle(&sel), [0x90, 0x00]);
        assert_eq!(c.handle(&get).len(), 59);
    }

    proptest::proptest! {
        #[test]
        fn handle_never_panics(apdus in proptest::collection::vec(
            proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80), 0..8),
            mode in proptest::sample::select(vec!["normal", "t0", "new-gen", "wrong-le"])) {
            let mut c = SimCard::with_seed(Identity::sample(), Faults::parse(mode).unwrap(), 3);
            for a in apdus {
                let r = c.handle(&a);
                proptest::prop_assert!(r.len() >= 2);
            }
        }
    }
}
