#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod captcha;
pub mod compose;
pub mod letter;
pub mod links;
pub mod mailer;
pub mod preview;
pub mod qr;
mod raster;
mod templates;
mod text;

pub use captcha::{Captcha, CaptchaAnswer, CaptchaError};
pub use compose::{ComposeError, MessageId, OutgoingMail, Sender, compose};
pub use letter::{
    CancellationConfirm, CancellationNotice, Completion, Confirmation, Deleted, EmailChangeConfirm,
    EmailChanged, Hotline, Letter, LetterError, LetterKind, LetterLangs, LetterRenderer,
    PasswordChanged, PasswordReset, RenderedLetter, ServiceLinks, UnknownLetter,
};
pub use links::{EmailCode, LinkError, LinkToken, PublicBaseUrl};
#[cfg(feature = "smtp")]
pub use mailer::smtp::{SmtpConfig, SmtpConfigError, SmtpMailer, SmtpSecurity};
pub use mailer::{Delivery, DirectoryMailer, MailError, Mailer, MemoryMailer};
pub use qr::{QrCode, QrError, TerminalColors};

/// Re-exported from `twnhi-account`: the language of a text.
pub use twnhi_account::messages::Lang;
