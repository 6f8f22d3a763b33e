//! Errors of the NHI card application, with the legacy component's codes.

use crate::{BasicDataError, TransportError};
use thiserror::Error;
use twnhi_apdu::Status;

/// The card operation an error happened in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// SELECT of the NHI application.
    Select,
    /// GET DATA P1 `11` (basic data).
    ReadBasic,
    /// GET DATA P1 `00` (card id).
    ReadCardId,
    /// GET DATA P1 `24` (card data).
    ReadCardData,
    /// GET CHALLENGE.
    GetChallenge,
    /// The `00 82` card-authentication command.
    Authenticate,
}

impl Operation {
    fn zh(self) -> &'static str {
        match self {
            Operation::Select => "選取健保卡應用程式",
            Operation::ReadBasic => "讀取基本資料",
            Operation::ReadCardId => "讀取卡片識別碼",
            Operation::ReadCardData => "讀取卡片資料",
            Operation::GetChallenge => "取得卡片亂數",
            Operation::Authenticate => "健保卡認證",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Operation::Select => "selecting the NHI application",
            Operation::ReadBasic => "reading the basic data",
            Operation::ReadCardId => "reading the card id",
            Operation::ReadCardData => "reading the card data",
            Operation::GetChallenge => "getting the card challenge",
            Operation::Authenticate => "card authentication",
        }
    }
}

/// Any failure of an NHI card operation.
///
/// [`legacy_code`](Self::legacy_code) gives the error code the official component
/// (mNHIICC / mLNHIICC) uses for the same situation, which the legacy browser protocol sends;
/// [`message_zh`](Self::message_zh) / [`message_en`](Self::message_en) give the messages, and
/// `Display` shows both.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CardError {
    /// The reader stack, the reader or the card's presence failed.
    Transport(#[from] TransportError),
    /// The card does not hold the NHI application.
    NotNhiCard {
        /// The status word SELECT answered.
        status: Status,
    },
    /// The card answered a status word other than success.
    Status {
        /// What was being done.
        operation: Operation,
        /// The status word.
        status: Status,
    },
    /// The card refused the authentication data (wrong keys: not a card twnhi issued, or a
    /// forged `au`).
    AuthenticationRefused {
        /// The status word (`6982` or `6985` usually).
        status: Status,
    },
    /// The basic data is malformed.
    BasicData(#[source] BasicDataError),
    /// A response had the wrong length or shape.
    MalformedResponse {
        /// What was being done.
        operation: Operation,
    },
}

fn transport_zh(e: &TransportError) -> &'static str {
    match e {
        TransportError::ServiceUnavailable => "PC/SC 服務未啟動，請確認讀卡機服務已執行",
        TransportError::NoReader => "找不到讀卡機，請確認讀卡機已連接",
        TransportError::ReaderUnavailable => "無法存取讀卡機",
        TransportError::NoCard => "未插入健保卡",
        TransportError::CardRemoved => "讀卡過程中健保卡被移除",
        TransportError::CardReset => "健保卡被其他程式重置",
        TransportError::SharingViolation => "健保卡正由其他程式使用中",
        TransportError::Unresponsive => "健保卡沒有回應",
        // `Other`, and kinds `twnhi-transport` may add.
        _ => "讀卡失敗",
    }
}

fn transport_en(e: &TransportError) -> &'static str {
    match e {
        TransportError::ServiceUnavailable => {
            "the PC/SC smart-card service is not running; start pcscd"
        }
        TransportError::NoReader => "no card reader found; connect a reader",
        TransportError::ReaderUnavailable => "the card reader cannot be accessed",
        TransportError::NoCard => "no card inserted",
        TransportError::CardRemoved => "the card was removed during the read",
        TransportError::CardReset => "the card was reset by another application",
        TransportError::SharingViolation => "the card is in use by another application",
        TransportError::Unresponsive => "the card does not respond",
        _ => "card read failed",
    }
}

impl CardError {
    /// The legacy component's error code for this failure (SPEC §2):
    /// 7001 PC/SC environment · 7002/7003 reader · 7004 no card · 8001/8002 card read ·
    /// 8003–8006 card authentication · 8010/8011 basic data · 8013 cannot access card.
    pub fn legacy_code(&self) -> u16 {
        match self {
            CardError::Transport(t) => match t {
                TransportError::ServiceUnavailable => 7001,
                TransportError::NoReader => 7002,
                TransportError::ReaderUnavailable => 7003,
                TransportError::NoCard => 7004,
                TransportError::CardRemoved => 8002,
                TransportError::SharingViolation => 8013,
                // `CardReset`, `Unresponsive`, `Other`, and kinds `twnhi-transport` may add.
                _ => 8001,
            },
            CardError::NotNhiCard { .. } => 8013,
            CardError::Status { operation, .. } | CardError::MalformedResponse { operation } => {
                match operation {
                    Operation::Select => 8013,
                    Operation::ReadBasic => 8010,
                    Operation::ReadCardData => 8011,
                    Operation::GetChallenge => 8003,
                    Operation::Authenticate => 8004,
                    Operation::ReadCardId => 8005,
                }
            }
            CardError::AuthenticationRefused { .. } => 8006,
            CardError::BasicData(_) => 8011,
        }
    }

    /// Whether the failure is about the environment (service, reader, card presence) rather
    /// than the card's answers: these map to exit code 3 in the CLI.
    pub fn is_environment(&self) -> bool {
        matches!(
            self,
            CardError::Transport(
                TransportError::ServiceUnavailable
                    | TransportError::NoReader
                    | TransportError::ReaderUnavailable
                    | TransportError::NoCard
            )
        )
    }

    /// The zh-TW message.
    pub fn message_zh(&self) -> String {
        match self {
            CardError::Transport(t) => transport_zh(t).to_owned(),
            CardError::NotNhiCard { .. } => "此卡片不是健保卡".to_owned(),
            CardError::Status { operation, status } => {
                format!("{}失敗（狀態 {status}）", operation.zh())
            }
            CardError::AuthenticationRefused { .. } => {
                "健保卡認證失敗，卡片拒絕驗證資料".to_owned()
            }
            CardError::BasicData(e) => format!("基本資料讀取失敗（{}）", basic_zh(e)),
            CardError::MalformedResponse { operation } => {
                format!("{}回應格式錯誤", operation.zh())
            }
        }
    }

    /// The English message.
    pub fn message_en(&self) -> String {
        match self {
            CardError::Transport(t) => transport_en(t).to_owned(),
            CardError::NotNhiCard { .. } => "this card is not an NHI card".to_owned(),
            CardError::Status { operation, status } => {
                format!("{} failed (status {status})", operation.en())
            }
            CardError::AuthenticationRefused { .. } => {
                "card authentication failed: the card refused the authentication data".to_owned()
            }
            CardError::BasicData(e) => format!("basic data read failed ({})", basic_en(e)),
            CardError::MalformedResponse { operation } => {
                format!("unexpected response while {}", operation.en())
            }
        }
    }
}

impl core::fmt::Display for CardError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} / {} [{}]",
            self.message_zh(),
            self.message_en(),
            self.legacy_code()
        )
    }
}

fn basic_zh(e: &BasicDataError) -> String {
    e.to_string()
        .split(" / ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn basic_en(e: &BasicDataError) -> String {
    e.to_string()
        .split(" / ")
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_for_distinct_environment_failures() {
        let codes: Vec<u16> = [
            TransportError::ServiceUnavailable,
            TransportError::NoReader,
            TransportError::ReaderUnavailable,
            TransportError::NoCard,
            TransportError::CardRemoved,
        ]
        .into_iter()
        .map(|t| CardError::from(t).legacy_code())
        .collect();
        assert_eq!(codes, [7001, 7002, 7003, 7004, 8002]);
    }

    #[test]
    fn messages_are_bilingual() {
        let e = CardError::from(TransportError::NoCard);
        assert_eq!(e.message_zh(), "未插入健保卡");
        assert_eq!(e.message_en(), "no card inserted");
        let shown = e.to_string();
        assert!(shown.contains("未插入健保卡") && shown.contains("no card inserted"));

        let e = CardError::BasicData(BasicDataError::Sex);
        assert_eq!(e.message_zh(), "基本資料讀取失敗（性別欄位錯誤）");
        assert_eq!(
            e.message_en(),
            "basic data read failed (sex is neither M nor F)"
        );
        assert_eq!(e.legacy_code(), 8011);

        let e = CardError::Status {
            operation: Operation::ReadBasic,
            status: Status::SecurityStatusNotSatisfied,
        };
        assert_eq!(e.legacy_code(), 8010);
        assert!(e.to_string().contains("6982"));
    }
}
