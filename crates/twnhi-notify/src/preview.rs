//! Sample letters with synthetic data, for previews (`twnhi mail render`), the documentation
//! and the snapshot tests.
//!
//! ```
//! use twnhi_notify::preview;
//! use twnhi_notify::{LetterKind, LetterLangs};
//!
//! let dir = tempfile::tempdir()?;
//! let files = preview::write_previews(dir.path(), &LetterKind::ALL, LetterLangs::Both)?;
//! assert_eq!(files.len(), LetterKind::ALL.len());
//! assert!(files[0].ends_with("confirmation.eml"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::text::bilingual_with;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use twnhi_account::messages::bilingual;

use chrono::{DateTime, TimeZone, Utc};
use twnhi_account::Email;
use twnhi_account::roc::{RocDate, RocDateTime};

use crate::compose::{ComposeError, MessageId, OutgoingMail, Sender, compose};
use crate::letter::{
    CancellationConfirm, CancellationNotice, Completion, Confirmation, Deleted, EmailChangeConfirm,
    EmailChanged, Letter, LetterError, LetterKind, LetterLangs, LetterRenderer, PasswordChanged,
    PasswordReset, RenderedLetter,
};
use crate::links::{EmailCode, LinkToken, PublicBaseUrl};

/// The base URL of the samples.
pub const SAMPLE_BASE_URL: &str = "https://twnhi.example/";
/// The sender address of the samples.
pub const SAMPLE_SENDER: &str = "noreply@twnhi.example";
/// The recipient of the samples.
pub const SAMPLE_RECIPIENT: &str = "test.one@example.com";
/// The registrant's name in the samples (synthetic).
pub const SAMPLE_NAME: &str = "測試一"; // cjk-ok: sample data, the manual's example name
/// The link token of the samples.
pub const SAMPLE_TOKEN: &str = "Zk3vQ9xT2mB7nR4wYc8hJ1pL";
/// The cancellation e-mail code of the samples.
pub const SAMPLE_CODE: &str = "3Cp2R25w";

/// Why a preview failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    /// A sample value was refused (not expected).
    #[error("{}", bilingual("notify-preview-sample"))]
    Sample,
    /// Rendering failed.
    #[error(transparent)]
    Letter(#[from] LetterError),
    /// Composing failed.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// Writing a file failed.
    #[error("{}", bilingual_with("notify-preview-io", &[("path", .path.display().to_string().into())]))]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// The instant of the samples: 2020-10-27 16:46:50 Taipei (民國109年10月27日 16:46:50).
#[must_use]
pub fn sample_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 10, 27, 8, 46, 50)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn roc(t: DateTime<Utc>) -> Result<RocDateTime, PreviewError> {
    RocDateTime::from_utc(t).map_err(|_| PreviewError::Sample)
}

/// The sample letter of `kind`, for 測試一.
///
/// # Errors
/// [`PreviewError::Sample`] (not expected).
pub fn sample_letter(kind: LetterKind) -> Result<Letter, PreviewError> {
    let now = sample_now();
    let name = SAMPLE_NAME.to_owned();
    let token = || LinkToken::parse(SAMPLE_TOKEN).map_err(|_| PreviewError::Sample);
    Ok(match kind {
        LetterKind::Confirmation => Letter::Confirmation(Confirmation {
            name,
            token: token()?,
            expires_at: roc(now + chrono::TimeDelta::hours(24))?,
        }),
        LetterKind::Completion => Letter::Completion(Completion { name }),
        LetterKind::PasswordReset => Letter::PasswordReset(PasswordReset {
            name,
            token: token()?,
            expires_at: roc(now + chrono::TimeDelta::hours(1))?,
        }),
        LetterKind::CancellationConfirm => Letter::CancellationConfirm(CancellationConfirm {
            name,
            code: EmailCode::parse(SAMPLE_CODE).map_err(|_| PreviewError::Sample)?,
            expires_at: roc(now + chrono::TimeDelta::hours(24))?,
        }),
        LetterKind::Deleted => Letter::Deleted(Deleted {
            name,
            deleted_on: RocDate::new(109, 10, 28).map_err(|_| PreviewError::Sample)?,
        }),
        LetterKind::EmailChanged => Letter::EmailChanged(EmailChanged {
            name,
            new_email: Email::parse("test.one.new@example.com")
                .map_err(|_| PreviewError::Sample)?,
            changed_at: roc(now)?,
        }),
        LetterKind::EmailChangeConfirm => Letter::EmailChangeConfirm(EmailChangeConfirm {
            name,
            token: token()?,
            expires_at: roc(now + chrono::TimeDelta::hours(24))?,
        }),
        LetterKind::PasswordChanged => Letter::PasswordChanged(PasswordChanged {
            name,
            changed_at: roc(now)?,
        }),
        LetterKind::CancellationNotice => Letter::CancellationNotice(CancellationNotice {
            name,
            new_email: Email::parse("test.one.new@example.com")
                .map_err(|_| PreviewError::Sample)?,
            requested_at: roc(now)?,
            stop: token()?,
            stop_expires_at: roc(now + chrono::TimeDelta::hours(96))?,
            effective_at: Some(roc(now + chrono::TimeDelta::hours(72))?),
        }),
    })
}

/// The renderer of the samples (base [`SAMPLE_BASE_URL`]).
///
/// # Errors
/// [`PreviewError::Sample`] (not expected).
pub fn sample_renderer() -> Result<LetterRenderer, PreviewError> {
    PublicBaseUrl::parse(SAMPLE_BASE_URL)
        .map(LetterRenderer::new)
        .map_err(|_| PreviewError::Sample)
}

/// The sample letter of `kind` rendered in `langs`.
///
/// # Errors
/// [`PreviewError`].
pub fn render_sample(kind: LetterKind, langs: LetterLangs) -> Result<RenderedLetter, PreviewError> {
    Ok(sample_renderer()?.render(&sample_letter(kind)?, langs)?)
}

/// The sample letter of `kind` as a message from [`SAMPLE_SENDER`] to `to`, dated
/// [`sample_now`], Message-ID `<twnhi.sample-KIND-LANGS@twnhi.example>`.
///
/// # Errors
/// [`PreviewError`].
pub fn sample_mail(
    kind: LetterKind,
    langs: LetterLangs,
    sender: &Sender,
    to: &Email,
) -> Result<OutgoingMail, PreviewError> {
    let letter = render_sample(kind, langs)?;
    let id = MessageId::for_key(
        &format!("sample-{}-{}", kind.slug(), langs.tag()),
        sender.address().domain(),
    )?;
    Ok(compose(&letter, sender, to, id, sample_now())?)
}

/// The preview file name of a letter: `confirmation.eml`, `confirmation.zh-TW.eml` …
#[must_use]
pub fn file_name(kind: LetterKind, langs: LetterLangs) -> String {
    match langs {
        LetterLangs::Both => format!("{}.eml", kind.slug()),
        LetterLangs::Only(lang) => format!("{}.{}.eml", kind.slug(), lang.tag()),
    }
}

/// Writes `.eml` previews of `kinds` in `langs` into `dir` (created if missing), each file
/// atomically; returns the files in the order of `kinds`.
///
/// # Errors
/// [`PreviewError::Io`] and the others of [`PreviewError`].
pub fn write_previews(
    dir: &Path,
    kinds: &[LetterKind],
    langs: LetterLangs,
) -> Result<Vec<PathBuf>, PreviewError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PreviewError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let sender = Sender::new(Email::parse(SAMPLE_SENDER).map_err(|_| PreviewError::Sample)?);
    let to = Email::parse(SAMPLE_RECIPIENT).map_err(|_| PreviewError::Sample)?;
    let mut written = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        let mail = sample_mail(kind, langs, &sender, &to)?;
        let target = dir.join(file_name(kind, langs));
        let mut tmp = tempfile::Builder::new()
            .prefix(".twnhi-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(dir))?;
        tmp.write_all(mail.as_bytes()).map_err(io(&target))?;
        tmp.persist(&target).map_err(|e| PreviewError::Io {
            path: target.clone(),
            source: e.error,
        })?;
        written.push(target);
    }
    Ok(written)
}
