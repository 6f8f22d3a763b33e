//! The commands of the NHI card application (SPEC §2), one constructor each.
//!
//! All are short APDUs of class `00`.

use twnhi_apdu::Command;

/// The NHI application identifier as public readers send it in SELECT: the 15-byte AID
/// `D1 58 00 00 01 00 00 00 00 00 00 00 00 00 11` followed by `00`, so `Lc` = 16.
pub const NHI_AID: [u8; 16] = [
    0xD1, 0x58, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00,
];

/// Instruction byte of SELECT.
pub const INS_SELECT: u8 = 0xA4;
/// Instruction byte of GET DATA.
pub const INS_GET_DATA: u8 = 0xCA;
/// Instruction byte of GET CHALLENGE.
pub const INS_GET_CHALLENGE: u8 = 0x84;
/// Instruction byte of the card-authentication command (EXTERNAL AUTHENTICATE class).
pub const INS_AUTHENTICATE: u8 = 0x82;
/// Instruction byte of GET RESPONSE (the same as [`twnhi_transport::INS_GET_RESPONSE`]).
pub const INS_GET_RESPONSE: u8 = twnhi_transport::INS_GET_RESPONSE;

/// GET DATA P1 for the 57 bytes of basic data.
pub const P1_BASIC_DATA: u8 = 0x11;
/// GET DATA P1 for the card id (12 ASCII digits, the card number).
pub const P1_CARD_ID: u8 = 0x00;
/// GET DATA P1 for the card data (first byte: a flag the legacy protocol reports).
pub const P1_CARD_DATA: u8 = 0x24;

/// Length of the random challenge `rc` returned by GET CHALLENGE.
pub const CHALLENGE_LEN: usize = 8;
/// Length of the `au` block sent in the authentication command.
pub const AU_LEN: usize = 32;
/// Length of the card's answer `cr` to the authentication command.
pub const CR_LEN: usize = 16;

/// Data field of the GET DATA commands.
const GET_DATA_FIELD: [u8; 2] = [0x00, 0x00];

fn build<'a>(ins: u8, p1: u8, p2: u8, data: &'a [u8], ne: u32) -> Command<'a> {
    // Every command here has a data field of at most 32 bytes and Ne of at most 256, which the
    // builder always accepts (the tests check the exact bytes); the case-1 fallback only keeps
    // this function free of panics.
    Command::builder(0x00, ins, p1, p2)
        .data(data)
        .le(ne)
        .build()
        .unwrap_or_else(|_| Command::new(0x00, ins, p1, p2))
}

/// ISO 7816-4 §11.2.2 SELECT by DF name: `00 A4 04 00 10 <NHI AID> 00`.
pub fn select_nhi() -> Command<'static> {
    build(INS_SELECT, 0x04, 0x00, &NHI_AID, 0)
}

/// ISO 7816-4 §11.5.1 GET DATA P1 `11`: `00 CA 11 00 02 00 00` → 57 bytes of basic data.
pub fn get_basic_data() -> Command<'static> {
    build(INS_GET_DATA, P1_BASIC_DATA, 0x00, &GET_DATA_FIELD, 0)
}

/// GET DATA P1 `00`: `00 CA 00 00 02 00 00` → the card id (12 ASCII digits).
pub fn get_card_id() -> Command<'static> {
    build(INS_GET_DATA, P1_CARD_ID, 0x00, &GET_DATA_FIELD, 0)
}

/// GET DATA P1 `24`: `00 CA 24 00 02 00 00` → the card data.
pub fn get_card_data() -> Command<'static> {
    build(INS_GET_DATA, P1_CARD_DATA, 0x00, &GET_DATA_FIELD, 0)
}

/// ISO 7816-4 §11.5.3 GET CHALLENGE: `00 84 00 00 08` → 8 random bytes.
pub fn get_challenge() -> Command<'static> {
    build(INS_GET_CHALLENGE, 0x00, 0x00, &[], CHALLENGE_LEN as u32)
}

/// The card-authentication command of SPEC §3: `00 82 11 12 20 <au: 32 bytes> 10` → 16 bytes.
pub fn authenticate(au: &[u8; AU_LEN]) -> Command<'_> {
    build(INS_AUTHENTICATE, 0x11, 0x12, au, CR_LEN as u32)
}

/// ISO 7816-4 §11.5.6 GET RESPONSE: `00 C0 00 00 xx` (`xx = 00` asks for 256 bytes); the
/// same as [`twnhi_transport::get_response`], which [`NhiSession`](crate::NhiSession) sends.
pub fn get_response(le: u8) -> Command<'static> {
    twnhi_transport::get_response(le)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn bytes_match_the_spec() {
        assert_eq!(
            select_nhi().to_vec(),
            hex("00 A4 04 00 10 D1 58 00 00 01 00 00 00 00 00 00 00 00 00 11 00")
        );
        assert_eq!(get_basic_data().to_vec(), hex("00 CA 11 00 02 00 00"));
        assert_eq!(get_card_id().to_vec(), hex("00 CA 00 00 02 00 00"));
        assert_eq!(get_card_data().to_vec(), hex("00 CA 24 00 02 00 00"));
        assert_eq!(get_challenge().to_vec(), hex("00 84 00 00 08"));
        assert_eq!(get_response(0x39).to_vec(), hex("00 C0 00 00 39"));
        assert_eq!(get_response(0).to_vec(), hex("00 C0 00 00 00"));
        let au = [0xAB; 32];
        let mut expected = hex("00 82 11 12 20");
        expected.extend_from_slice(&au);
        expected.push(0x10);
        assert_eq!(authenticate(&au).to_vec(), expected);
    }
}
