//! Errors of the NHI card application, with the legacy component's codes.

use crate::{BasicDataError, TransportError};
use thiserror::Error;
use twnhi_apdu::Status;
use twnhi_texts::{self as texts, Lang};

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
    /// What was being done, in `lang` (`card-operation-*` of the catalog).
    #[must_use]
    pub fn text(self, lang: Lang) -> String {
        texts::text(lang, self.text_id())
    }

    fn text_id(self) -> &'static str {
        match self {
            Operation::Select => "card-operation-select",
            Operation::ReadBasic => "card-operation-read-basic",
            Operation::ReadCardId => "card-operation-read-card-id",
            Operation::ReadCardData => "card-operation-read-card-data",
            Operation::GetChallenge => "card-operation-get-challenge",
            Operation::Authenticate => "card-operation-authenticate",
        }
    }
}

/// Any failure of an NHI card operation.
///
/// [`legacy_code`](Self::legacy_code) gives the error code the official component
/// (mNHIICC / mLNHIICC) uses for the same situation, which the legacy browser protocol sends;
/// [`message`](Self::message) gives the message in a language of the catalog
/// (`crates/twnhi-texts/locales/*/card.ftl`), and `Display` shows zh-TW / English and the code.
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

/// The catalog id of a transport failure's text.
fn transport_id(e: &TransportError) -> &'static str {
    match e {
        TransportError::ServiceUnavailable => "card-error-service-unavailable",
        TransportError::NoReader => "card-error-no-reader",
        TransportError::ReaderUnavailable => "card-error-reader-unavailable",
        TransportError::NoCard => "card-error-no-card",
        TransportError::CardRemoved => "card-error-card-removed",
        TransportError::CardReset => "card-error-card-reset",
        TransportError::SharingViolation => "card-error-sharing-violation",
        TransportError::Unresponsive => "card-error-unresponsive",
        // `Other`, and kinds `twnhi-transport` may add.
        _ => "card-error-transport-other",
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

    /// The message in `lang`, from the catalog (`card-error-*` of `card.ftl`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CardError::Transport(t) => texts::text(lang, transport_id(t)),
            CardError::NotNhiCard { .. } => texts::text(lang, "card-error-not-nhi-card"),
            CardError::Status { operation, status } => texts::format(
                lang,
                "card-error-status",
                &[
                    ("operation", operation.text(lang).into()),
                    ("status", status.to_string().into()),
                ],
            ),
            CardError::AuthenticationRefused { .. } => {
                texts::text(lang, "card-error-authentication-refused")
            }
            CardError::BasicData(e) => texts::format(
                lang,
                "card-error-basic-data",
                &[("reason", e.message(lang).into())],
            ),
            CardError::MalformedResponse { operation } => texts::format(
                lang,
                "card-error-malformed",
                &[("operation", operation.text(lang).into())],
            ),
        }
    }

    /// The zh-TW message: [`message`](Self::message) in [`Lang::ZhTw`].
    #[must_use]
    pub fn message_zh(&self) -> String {
        self.message(Lang::ZhTw)
    }

    /// The English message: [`message`](Self::message) in [`Lang::En`].
    #[must_use]
    pub fn message_en(&self) -> String {
        self.message(Lang::En)
    }
}

impl core::fmt::Display for CardError {
    /// `zh-TW / English [legacy code]`, e.g. `未插入健保卡 / no card inserted [7004]`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        texts::write_coded(f, |lang| self.message(lang), self.legacy_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sex;

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

    #[test]
    fn display_is_zh_slash_en_and_the_code() {
        let shown = |e: CardError| e.to_string();
        assert_eq!(
            shown(TransportError::NoCard.into()),
            "未插入健保卡 / no card inserted [7004]"
        );
        assert_eq!(
            shown(TransportError::ServiceUnavailable.into()),
            "PC/SC 服務未啟動，請確認讀卡機服務已執行 / the PC/SC smart-card service is not running; start pcscd [7001]"
        );
        assert_eq!(
            shown(CardError::NotNhiCard {
                status: Status::SecurityStatusNotSatisfied
            }),
            "此卡片不是健保卡 / this card is not an NHI card [8013]"
        );
        assert_eq!(
            shown(CardError::Status {
                operation: Operation::ReadBasic,
                status: Status::SecurityStatusNotSatisfied,
            }),
            format!(
                "讀取基本資料失敗（狀態 {0}） / reading the basic data failed (status {0}) [8010]",
                Status::SecurityStatusNotSatisfied
            )
        );
        assert_eq!(
            shown(CardError::MalformedResponse {
                operation: Operation::Authenticate
            }),
            "健保卡認證回應格式錯誤 / unexpected response while card authentication [8004]"
        );
        assert_eq!(
            shown(CardError::BasicData(BasicDataError::WrongLength {
                len: 1056
            })),
            "基本資料讀取失敗（基本資料長度錯誤（1056 位元組，應為 57）） / basic data read failed (basic data has 1056 bytes, expected 57) [8011]"
        );
        assert_eq!(
            BasicDataError::IdNumber.to_string(),
            "身分證號格式錯誤 / ID number is malformed"
        );
        assert_eq!(Sex::Female.text(Lang::ZhTw), "女");
        assert_eq!(Sex::Male.text(Lang::En), "male");
    }
}
