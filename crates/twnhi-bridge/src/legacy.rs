//! The legacy text protocol of the official component (SPEC §2), on WebSocket `/echo`:
//! one text frame in, one text frame out.
//!
//! | request | reply |
//! |---|---|
//! | `GetVersion` | `GetVersion:0001` |
//! | `GetBasic` | `GetBasic:<card no>,<ID no>,<name>,<birth YYYMMDD>,<sex>,<card data flag>` |
//! | `GetRandom` | `GetRandom:<16 decimal digits>` |
//! | `H_Sign`, `EnCrypt`, `SecureGetBasicWithParam` | `8201` (not supported) |
//! | anything else | `9999` |
//! | any failure | the bare error code, e.g. `7004` |

use crate::backend::CardRead;
use crate::protocol::{CODE_BAD_REQUEST, CODE_NOT_SUPPORTED};
use chrono::{Datelike, NaiveDate};

/// The reply to `GetVersion`.
pub const VERSION_REPLY: &str = "GetVersion:0001";

/// Commands of the official component that need NHI's private keys or cloud SAM.
pub const UNSUPPORTED_COMMANDS: [&str; 3] = ["H_Sign", "EnCrypt", "SecureGetBasicWithParam"];

/// A legacy request, recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LegacyCommand {
    /// `GetVersion`.
    GetVersion,
    /// `GetBasic`.
    GetBasic,
    /// `GetRandom`.
    GetRandom,
    /// `H_Sign`, `EnCrypt` or `SecureGetBasicWithParam` (with or without parameters).
    NotSupported(&'static str),
    /// Anything else.
    Unknown,
}

impl LegacyCommand {
    /// Recognises a frame. Surrounding whitespace is ignored; `GetVersion`, `GetBasic` and
    /// `GetRandom` must be exact (case-sensitive, as the official component); the
    /// unsupported commands are recognised with parameters after `:`, `,`, `?` or a space.
    pub fn parse(frame: &str) -> LegacyCommand {
        let frame = frame.trim();
        match frame {
            "GetVersion" => return LegacyCommand::GetVersion,
            "GetBasic" => return LegacyCommand::GetBasic,
            "GetRandom" => return LegacyCommand::GetRandom,
            _ => {}
        }
        let word = frame
            .split([':', ',', '?', ' ', '\t'])
            .next()
            .unwrap_or_default();
        UNSUPPORTED_COMMANDS
            .iter()
            .find(|c| **c == word)
            .map_or(LegacyCommand::Unknown, |c| LegacyCommand::NotSupported(c))
    }

    /// A short name for logs.
    pub fn label(self) -> &'static str {
        match self {
            LegacyCommand::GetVersion => "GetVersion",
            LegacyCommand::GetBasic => "GetBasic",
            LegacyCommand::GetRandom => "GetRandom",
            LegacyCommand::NotSupported(c) => c,
            LegacyCommand::Unknown => "unknown",
        }
    }
}

/// The reply to a command that needs no card: `Some` for everything but `GetBasic`.
pub fn immediate_reply(command: LegacyCommand) -> Option<String> {
    match command {
        LegacyCommand::GetVersion => Some(VERSION_REPLY.to_owned()),
        LegacyCommand::GetRandom => Some(format!("GetRandom:{}", random_digits())),
        LegacyCommand::NotSupported(_) => Some(CODE_NOT_SUPPORTED.to_string()),
        LegacyCommand::Unknown => Some(CODE_BAD_REQUEST.to_string()),
        LegacyCommand::GetBasic => None,
    }
}

/// `GetBasic:<card no>,<ID no>,<name>,<birth YYYMMDD>,<sex>,<card data flag>`.
pub fn basic_reply(read: &CardRead) -> String {
    let b = &read.basic;
    let mut flag = [0u8; 4];
    let flag: &str = read.card_data_flag.map_or("", |c| c.encode_utf8(&mut flag));
    format!(
        "GetBasic:{},{},{},{},{},{flag}",
        b.card_no,
        b.id_no,
        b.name,
        roc_date(b.birth_date),
        b.sex.letter(),
    )
}

/// A date as the card stores it: ROC year (Gregorian − 1911) on 3 digits, month, day.
pub fn roc_date(d: NaiveDate) -> String {
    let year = twnhi_card::roc::roc_year(d).clamp(0, 999);
    format!("{year:03}{:02}{:02}", d.month(), d.day())
}

/// 16 decimal digits from the thread's CSPRNG (ChaCha, seeded from the operating system).
pub fn random_digits() -> String {
    use rand::RngExt;
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use twnhi_card::{BasicData, CardNo, IdNo, Sex};

    #[test]
    fn commands_are_recognised() {
        assert_eq!(
            LegacyCommand::parse("GetVersion"),
            LegacyCommand::GetVersion
        );
        assert_eq!(
            LegacyCommand::parse(" GetBasic\r\n"),
            LegacyCommand::GetBasic
        );
        assert_eq!(LegacyCommand::parse("GetRandom"), LegacyCommand::GetRandom);
        assert_eq!(LegacyCommand::parse("getbasic"), LegacyCommand::Unknown);
        assert_eq!(LegacyCommand::parse("GetBasicX"), LegacyCommand::Unknown);
        assert_eq!(LegacyCommand::parse(""), LegacyCommand::Unknown);
        assert_eq!(
            LegacyCommand::parse("H_Sign"),
            LegacyCommand::NotSupported("H_Sign")
        );
        assert_eq!(
            LegacyCommand::parse("H_Sign:abcdef"),
            LegacyCommand::NotSupported("H_Sign")
        );
        assert_eq!(
            LegacyCommand::parse("EnCrypt,1,2"),
            LegacyCommand::NotSupported("EnCrypt")
        );
        assert_eq!(
            LegacyCommand::parse("SecureGetBasicWithParam?x=1"),
            LegacyCommand::NotSupported("SecureGetBasicWithParam")
        );
        assert_eq!(LegacyCommand::parse("H_SignX"), LegacyCommand::Unknown);
    }

    #[test]
    fn immediate_replies() {
        assert_eq!(
            immediate_reply(LegacyCommand::GetVersion).unwrap(),
            "GetVersion:0001"
        );
        assert_eq!(immediate_reply(LegacyCommand::Unknown).unwrap(), "9999");
        assert_eq!(
            immediate_reply(LegacyCommand::NotSupported("EnCrypt")).unwrap(),
            "8201"
        );
        assert!(immediate_reply(LegacyCommand::GetBasic).is_none());
        let r = immediate_reply(LegacyCommand::GetRandom).unwrap();
        let digits = r.strip_prefix("GetRandom:").unwrap();
        assert_eq!(digits.len(), 16);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn random_digits_vary_and_cover_every_digit() {
        let all: String = (0..20).map(|_| random_digits()).collect();
        for d in '0'..='9' {
            assert!(all.contains(d), "digit {d} never drawn in 320 draws");
        }
        assert_ne!(random_digits(), random_digits());
    }

    #[test]
    fn basic_reply_frame() {
        let read = CardRead {
            basic: BasicData {
                card_no: CardNo::new("000011112222").unwrap(),
                name: "測試一".into(),
                name_lossy: false,
                id_no: IdNo::new("A123456789").unwrap(),
                birth_date: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
                sex: Sex::Male,
                issue_date: NaiveDate::from_ymd_opt(2020, 10, 27).unwrap(),
            },
            card_data_flag: Some('0'),
        };
        assert_eq!(
            basic_reply(&read),
            "GetBasic:000011112222,A123456789,測試一,0790101,M,0"
        );
        let read = CardRead {
            card_data_flag: None,
            ..read
        };
        assert!(basic_reply(&read).ends_with(",M,"));
        assert_eq!(
            roc_date(NaiveDate::from_ymd_opt(1912, 12, 31).unwrap()),
            "0011231"
        );
        assert_eq!(
            roc_date(NaiveDate::from_ymd_opt(2025, 6, 9).unwrap()),
            "1140609"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_frame_gets_a_reply_without_panicking(frame in "\\PC{0,200}") {
            let c = LegacyCommand::parse(&frame);
            let reply = immediate_reply(c);
            proptest::prop_assert_eq!(reply.is_none(), c == LegacyCommand::GetBasic);
        }
    }
}
