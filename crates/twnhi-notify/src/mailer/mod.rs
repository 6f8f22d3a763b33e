//! Sending composed messages: the [`Mailer`] trait and its implementations.
//!
//! | mailer | for |
//! |---|---|
//! | `smtp::SmtpMailer` (feature `smtp`) | production: a relay over STARTTLS or implicit TLS (rustls), or plain SMTP to a sink on the loopback |
//! | [`DirectoryMailer`] | the demo's mailbox: one `.eml` file per message, written atomically |
//! | [`MemoryMailer`] | tests: keeps the messages, can be told to fail |
//!
//! The trait is object-safe (`Box<dyn Mailer>` picked from configuration at run time) and its
//! futures are `Send` (it uses `async-trait`, which lettre's tokio transport already pulls in).

use crate::text::bilingual_with;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use twnhi_account::messages::bilingual;

use async_trait::async_trait;

use crate::compose::{MessageId, OutgoingMail};

#[cfg(feature = "smtp")]
#[cfg_attr(docsrs, doc(cfg(feature = "smtp")))]
pub mod smtp;

/// Why a message was not delivered. [`MailError::is_permanent`] tells an outbox whether to
/// retry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The server refused the recipient or the message for good (SMTP 5xx), e.g. a mailbox
    /// that does not exist or a relay that refuses us.
    #[error("{}", bilingual_with("notify-mail-rejected", &[("code", .code.to_string().into()), ("message", .message.into())]))]
    Rejected {
        /// The SMTP reply code (e.g. 550).
        code: u16,
        /// The server's text.
        message: String,
    },
    /// The server refused for now (SMTP 4xx); try again later.
    #[error("{}", bilingual_with("notify-mail-transient", &[("code", .code.to_string().into()), ("message", .message.into())]))]
    Transient {
        /// The SMTP reply code (e.g. 451).
        code: u16,
        /// The server's text.
        message: String,
    },
    /// The server did not answer within the configured time.
    #[error("{}", bilingual_with("notify-mail-timeout", &[("after", format!("{:?}", .after).into())]))]
    Timeout {
        /// The configured timeout.
        after: Duration,
    },
    /// No connection could be made (refused, unreachable, DNS).
    #[error("{}", bilingual("notify-mail-connect"))]
    Connect {
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// TLS failed (handshake, certificate, or the server does not offer STARTTLS).
    #[error("{}", bilingual("notify-mail-tls"))]
    Tls {
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The server refused our credentials.
    #[error("{}", bilingual("notify-mail-auth"))]
    Auth {
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The server broke the protocol or the client refused to go on.
    #[error("{}", bilingual("notify-mail-protocol"))]
    Protocol {
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Writing the `.eml` file failed.
    #[error("{}", bilingual_with("notify-mail-io", &[("path", .path.display().to_string().into())]))]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An address the transport does not accept.
    #[error("{}", bilingual_with("notify-invalid-address", &[("address", .address.into())]))]
    InvalidAddress {
        /// The address.
        address: String,
    },
    /// A failure injected into a [`MemoryMailer`].
    #[error("{}", bilingual("notify-mail-simulated"))]
    Simulated,
}

impl MailError {
    /// `true` when retrying the same message cannot help (5xx, bad credentials, bad address).
    #[must_use]
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::Rejected { .. } | MailError::Auth { .. } | MailError::InvalidAddress { .. }
        )
    }
}

/// A successful hand-over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The message's id.
    pub message_id: MessageId,
    /// Where it went: the SMTP server's last reply, or the `.eml` file, or `memory`.
    pub detail: String,
}

/// Sends composed messages.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands `mail` over. Sending the same message (same Message-ID) again is safe: the
    /// directory drop overwrites the same file and a mail server sees the same id.
    ///
    /// # Errors
    /// [`MailError`].
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError>;

    /// Whether letters can be handed over now (the readiness check): the SMTP server
    /// answers; a directory is writable. The default is `Ok` (nothing to check).
    ///
    /// # Errors
    /// [`MailError`]: the server is unreachable or refuses.
    async fn check(&self) -> Result<(), MailError> {
        Ok(())
    }
}

#[async_trait]
impl<M: Mailer + ?Sized> Mailer for Arc<M> {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        (**self).send(mail).await
    }

    async fn check(&self) -> Result<(), MailError> {
        (**self).check().await
    }
}

#[async_trait]
impl<M: Mailer + ?Sized> Mailer for Box<M> {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        (**self).send(mail).await
    }

    async fn check(&self) -> Result<(), MailError> {
        (**self).check().await
    }
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct MemoryState {
    sent: Vec<OutgoingMail>,
    fail_next: usize,
}

/// Keeps every message in memory; clones share the mailbox. For tests of the use cases.
///
/// ```
/// # use twnhi_notify::{MemoryMailer, Mailer};
/// let mailer = MemoryMailer::new();
/// mailer.fail_next(1); // the next send fails with MailError::Simulated (transient)
/// assert!(mailer.sent().is_empty());
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryMailer {
    state: Arc<Mutex<MemoryState>>,
}

impl MemoryMailer {
    /// An empty mailbox.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, MemoryState> {
        // A panic while holding this lock cannot leave the Vec half-written; go on.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every message sent so far, oldest first.
    #[must_use]
    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.lock().sent.clone()
    }

    /// The last message sent to `address` (compared case-insensitively).
    #[must_use]
    pub fn last_to(&self, address: &str) -> Option<OutgoingMail> {
        self.lock()
            .sent
            .iter()
            .rev()
            .find(|m| m.to().as_str().eq_ignore_ascii_case(address))
            .cloned()
    }

    /// Forgets every message.
    pub fn clear(&self) {
        self.lock().sent.clear();
    }

    /// Makes the next `n` sends fail with [`MailError::Simulated`].
    pub fn fail_next(&self, n: usize) {
        self.lock().fail_next = n;
    }
}

#[async_trait]
impl Mailer for MemoryMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        let mut state = self.lock();
        if state.fail_next > 0 {
            state.fail_next -= 1;
            return Err(MailError::Simulated);
        }
        state.sent.push(mail.clone());
        Ok(Delivery {
            message_id: mail.message_id().clone(),
            detail: "memory".to_owned(),
        })
    }
}

// ---------------------------------------------------------------------------------------------

/// Writes each message to `DIR/<message-id>.eml` (the demo's mailbox; any mail client opens
/// the files). The write is atomic: a temporary file in the same directory, flushed to disk,
/// then renamed over the final name; a reader never sees half a message, and a retry of the
/// same Message-ID replaces the same file.
///
/// The writes are small blocking file operations done on the calling task.
#[derive(Clone, Debug)]
pub struct DirectoryMailer {
    dir: PathBuf,
}

impl DirectoryMailer {
    /// A mailer writing into `dir` (created on first send if missing).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DirectoryMailer { dir: dir.into() }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a message goes to.
    #[must_use]
    pub fn path_of(&self, id: &MessageId) -> PathBuf {
        self.dir.join(format!("{}.eml", id.file_stem()))
    }

    /// Writes `mail` synchronously (what [`Mailer::send`] does).
    ///
    /// # Errors
    /// [`MailError::Io`].
    pub fn write(&self, mail: &OutgoingMail) -> Result<PathBuf, MailError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| MailError::Io { path, source }
        };
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let target = self.path_of(mail.message_id());
        let mut tmp = tempfile::Builder::new()
            .prefix(".twnhi-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(io(&self.dir))?;
        tmp.write_all(mail.as_bytes()).map_err(io(tmp.path()))?;
        tmp.as_file().sync_all().map_err(io(tmp.path()))?;
        tmp.persist(&target).map_err(|e| MailError::Io {
            path: target.clone(),
            source: e.error,
        })?;
        Ok(target)
    }
}

#[async_trait]
impl Mailer for DirectoryMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        let path = self.write(mail)?;
        Ok(Delivery {
            message_id: mail.message_id().clone(),
            detail: path.display().to_string(),
        })
    }

    async fn check(&self) -> Result<(), MailError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| MailError::Io {
            path: self.dir.clone(),
            source: e,
        })?;
        let probe = tempfile::NamedTempFile::new_in(&self.dir).map_err(|e| MailError::Io {
            path: self.dir.clone(),
            source: e,
        })?;
        drop(probe);
        Ok(())
    }
}
