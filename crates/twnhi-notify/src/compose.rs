//! Turning a rendered letter into an RFC 5322 message: `multipart/alternative` (plain text,
//! then HTML; both UTF-8, base64 so any relay takes them), the subject and the sender's name
//! encoded per RFC 2047, a `Date` from the caller's clock and a stable `Message-ID`.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use twnhi_account::Email;
//! use twnhi_account::roc::RocDate;
//! use twnhi_notify::{compose, Deleted, Letter, LetterLangs, LetterRenderer, MessageId,
//!     PublicBaseUrl, Sender};
//!
//! let renderer = LetterRenderer::new(PublicBaseUrl::parse("https://twnhi.example/")?);
//! let letter = renderer.render(
//!     &Letter::Deleted(Deleted { name: "測試一".into(), deleted_on: RocDate::new(109, 10, 28)? }),
//!     LetterLangs::Both,
//! )?;
//! let sender = Sender::new(Email::parse("noreply@twnhi.example")?);
//! let id = MessageId::for_key("outbox-42", "twnhi.example")?;
//! let mail = compose(&letter, &sender, &Email::parse("test.one@example.com")?, id,
//!     Utc.with_ymd_and_hms(2020, 10, 28, 2, 0, 0).unwrap())?;
//! let raw = String::from_utf8(mail.as_bytes().to_vec())?;
//! assert!(raw.contains("Message-ID: <twnhi.outbox-42@twnhi.example>"));
//! assert!(raw.contains("Subject: =?utf-8?b?"));
//! assert!(raw.contains("multipart/alternative"));
//! assert!(raw.is_ascii());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::text::bilingual_with;
use core::fmt;
use std::time::SystemTime;
use twnhi_account::messages::bilingual;

use chrono::{DateTime, Utc};
use lettre::Address;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, Message, MultiPart, SinglePart};
use rand_core::Rng;
use twnhi_account::Email;
use twnhi_account::messages::Msg;

use crate::letter::{LetterKind, RenderedLetter};

/// The MIME boundary of the alternative parts. It starts with `=_`, which can occur neither
/// in base64 nor in quoted-printable text, so it never collides with a part's content (and a
/// retried message is byte-for-byte the same).
const BOUNDARY: &str = "=_twnhi_alternative_0";

/// Why a message could not be composed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    /// An address lettre does not accept.
    #[error("{}", bilingual_with("notify-invalid-address", &[("address", .address.into())]))]
    InvalidAddress {
        /// The address.
        address: String,
    },
    /// A Message-ID that is not `<left@right>` with dot-atom parts, or a derivation key with
    /// other characters than `A-Z a-z 0-9 . - _`.
    #[error("{}", bilingual("notify-invalid-message-id"))]
    InvalidMessageId,
    /// lettre refused to build the message.
    #[error("{}", bilingual("notify-compose-build"))]
    Build {
        /// lettre's error.
        #[source]
        source: lettre::error::Error,
    },
}

/// The sender of every letter: 「衛生福利部中央健康保險署」 `<address>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    address: Email,
}

impl Sender {
    /// The sender with the configured address.
    #[must_use]
    pub fn new(address: Email) -> Self {
        Sender { address }
    }

    /// The address.
    #[must_use]
    pub fn address(&self) -> &Email {
        &self.address
    }

    /// The display name: 「衛生福利部中央健康保險署」.
    #[must_use]
    pub fn display_name(&self) -> &'static str {
        Msg::LetterSender.zh()
    }
}

/// A `Message-ID` (RFC 5322 §3.6.4), kept with its angle brackets: `<left@right>`.
///
/// Make it stable for one logical letter (derive it from the outbox row with
/// [`MessageId::for_key`]) so that a retried delivery carries the same id and the receiving
/// side, the [`DirectoryMailer`](crate::DirectoryMailer) and the logs recognise the retry.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(String);

fn dot_atom(s: &str) -> bool {
    const SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";
    !s.is_empty()
        && s.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || SPECIALS.contains(&b))
        })
}

impl MessageId {
    /// Checks a caller-provided id, with or without the angle brackets.
    ///
    /// # Errors
    /// [`ComposeError::InvalidMessageId`].
    pub fn parse(input: &str) -> Result<Self, ComposeError> {
        let s = input.trim();
        let inner = s
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
            .unwrap_or(s);
        let (left, right) = inner
            .rsplit_once('@')
            .ok_or(ComposeError::InvalidMessageId)?;
        if inner.len() > 250 || !dot_atom(left) || !dot_atom(right) {
            return Err(ComposeError::InvalidMessageId);
        }
        Ok(MessageId(format!("<{inner}>")))
    }

    /// `<twnhi.KEY@DOMAIN>`: derived from a stable key such as the outbox row id. `key` may
    /// hold `A-Z a-z 0-9 . - _` (1–128 characters).
    ///
    /// # Errors
    /// [`ComposeError::InvalidMessageId`].
    pub fn for_key(key: &str, domain: &str) -> Result<Self, ComposeError> {
        let key_ok = (1..=128).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !key_ok {
            return Err(ComposeError::InvalidMessageId);
        }
        Self::parse(&format!("<twnhi.{key}@{domain}>"))
    }

    /// `<twnhi.HEX@DOMAIN>` with 128 random bits.
    ///
    /// # Errors
    /// [`ComposeError::InvalidMessageId`] for a bad domain.
    pub fn random<R: Rng + ?Sized>(rng: &mut R, domain: &str) -> Result<Self, ComposeError> {
        let mut bytes = [0u8; 16];
        rng.fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self::parse(&format!("<twnhi.{hex}@{domain}>"))
    }

    /// The id with its angle brackets.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A file-name-safe form (no brackets; characters outside `A-Z a-z 0-9 . - _ @` become
    /// `_`), used by the [`DirectoryMailer`](crate::DirectoryMailer).
    #[must_use]
    pub fn file_stem(&self) -> String {
        self.0
            .trim_start_matches('<')
            .trim_end_matches('>')
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MessageId").field(&self.0).finish()
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A message ready for a [`Mailer`](crate::Mailer): envelope, the RFC 5322 bytes, and the
/// rendered letter it came from (for tests and logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    message_id: MessageId,
    from: Email,
    to: Email,
    letter: RenderedLetter,
    bytes: Vec<u8>,
}

impl OutgoingMail {
    /// The Message-ID.
    #[must_use]
    pub fn message_id(&self) -> &MessageId {
        &self.message_id
    }

    /// The envelope sender.
    #[must_use]
    pub fn from(&self) -> &Email {
        &self.from
    }

    /// The recipient.
    #[must_use]
    pub fn to(&self) -> &Email {
        &self.to
    }

    /// Which letter.
    #[must_use]
    pub fn kind(&self) -> LetterKind {
        self.letter.kind()
    }

    /// The rendered letter (subject, parts, links).
    #[must_use]
    pub fn letter(&self) -> &RenderedLetter {
        &self.letter
    }

    /// The whole message as sent (CRLF line ends, 7-bit ASCII).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

fn address(email: &Email) -> Result<Address, ComposeError> {
    Address::new(email.local_part(), email.domain()).map_err(|_| ComposeError::InvalidAddress {
        address: email.as_str().to_owned(),
    })
}

fn part(content_type: ContentType, text: &str) -> SinglePart {
    let body = Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::Base64)
        .unwrap_or_else(|_| Body::new(text.to_owned()));
    SinglePart::builder().header(content_type).body(body)
}

fn raw_header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned())
}

/// Composes the message of `letter` from `sender` to `to`, dated `date`.
///
/// Headers: `From` (「衛生福利部中央健康保險署」, RFC 2047-encoded), `To`, `Subject`
/// (RFC 2047-encoded UTF-8), `Date`, `Message-ID`, `MIME-Version`, `Content-Language`,
/// `Auto-Submitted: auto-generated` (RFC 3834: no auto-replies) and
/// `X-Auto-Response-Suppress: All`.
///
/// # Errors
/// [`ComposeError::InvalidAddress`] or [`ComposeError::Build`].
pub fn compose(
    letter: &RenderedLetter,
    sender: &Sender,
    to: &Email,
    message_id: MessageId,
    date: DateTime<Utc>,
) -> Result<OutgoingMail, ComposeError> {
    let from = Mailbox::new(
        Some(sender.display_name().to_owned()),
        address(sender.address())?,
    );
    let rcpt = Mailbox::new(None, address(to)?);
    let body = MultiPart::alternative()
        .boundary(BOUNDARY)
        .singlepart(part(ContentType::TEXT_PLAIN, letter.text()))
        .singlepart(part(ContentType::TEXT_HTML, letter.html()));
    let message: Message = Message::builder()
        .from(from)
        .to(rcpt)
        .subject(letter.subject())
        .date(SystemTime::from(date))
        .message_id(Some(message_id.as_str().to_owned()))
        .raw_header(raw_header(
            "Content-Language",
            letter.langs().content_language(),
        ))
        .raw_header(raw_header("Auto-Submitted", "auto-generated"))
        .raw_header(raw_header("X-Auto-Response-Suppress", "All"))
        .multipart(body)
        .map_err(|source| ComposeError::Build { source })?;
    Ok(OutgoingMail {
        message_id,
        from: sender.address().clone(),
        to: to.clone(),
        letter: letter.clone(),
        bytes: message.formatted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids() {
        assert_eq!(
            MessageId::parse("abc.def@twnhi.example").unwrap().as_str(),
            "<abc.def@twnhi.example>"
        );
        assert!(MessageId::parse("<a@b>").is_ok());
        for bad in [
            "",
            "<>",
            "no-at",
            "<a b@c>",
            "<a@b\r\nBcc: x@y>",
            "<a..b@c>",
            "<.a@c>",
            "<a@>",
        ] {
            assert!(MessageId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(MessageId::for_key("outbox 1", "d.example").is_err());
        assert!(MessageId::for_key("", "d.example").is_err());
        let id = MessageId::for_key("outbox-1", "d.example").unwrap();
        assert_eq!(id.as_str(), "<twnhi.outbox-1@d.example>");
        assert_eq!(id.file_stem(), "twnhi.outbox-1@d.example");
        assert_eq!(
            MessageId::parse("<a+b/c@d>").unwrap().file_stem(),
            "a_b_c@d"
        );
    }
}
