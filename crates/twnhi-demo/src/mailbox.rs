//! The demo's mailbox: every letter the site sends, written as an `.eml` file (the
//! [`DirectoryMailer`]'s format) with a `.json` summary that `/dev/mailbox` lists.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::Utc;
use twnhi_notify::{Delivery, DirectoryMailer, MailError, Mailer, OutgoingMail};
use twnhi_web::dev::{DevMailboxView, MailboxEntry};

/// A mailer for the demo: writes each message as an `.eml` file and a `.json` summary.
#[derive(Clone, Debug)]
pub struct DevMailbox {
    eml: DirectoryMailer,
}

impl DevMailbox {
    /// A mailbox in `dir` (created on first letter).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DevMailbox {
            eml: DirectoryMailer::new(dir),
        }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.eml.dir()
    }

    /// Every letter, newest first (unreadable summaries are skipped).
    #[must_use]
    pub fn entries(&self) -> Vec<MailboxEntry> {
        let Ok(rd) = std::fs::read_dir(self.dir()) else {
            return Vec::new();
        };
        let mut out: Vec<MailboxEntry> = rd
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| std::fs::read(e.path()).ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect();
        out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
        out
    }

    /// One letter by its id.
    #[must_use]
    pub fn entry(&self, id: &str) -> Option<MailboxEntry> {
        let ok = !id.is_empty()
            && id.len() <= 200
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b))
            && !id.starts_with('.');
        if !ok {
            return None;
        }
        let bytes = std::fs::read(self.dir().join(format!("{id}.json"))).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn write_summary(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let letter = mail.letter();
        let id = mail.message_id().file_stem();
        let entry = MailboxEntry {
            id: id.clone(),
            at: Utc::now(),
            to: mail.to().as_str().to_owned(),
            kind: mail.kind().slug().to_owned(),
            subject: letter.subject().to_owned(),
            text: letter.text().to_owned(),
            links: letter.links().iter().map(ToString::to_string).collect(),
        };
        let path = self.dir().join(format!("{id}.json"));
        let json = serde_json::to_vec_pretty(&entry).map_err(|e| MailError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let tmp = self.dir().join(format!(".{id}.json.tmp"));
        std::fs::write(&tmp, json)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|source| MailError::Io { path, source })
    }
}

#[async_trait]
impl Mailer for DevMailbox {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        let delivery = self.eml.send(mail).await?;
        self.write_summary(mail)?;
        tracing::info!(kind = %mail.kind(), "letter written to the demo mailbox");
        Ok(delivery)
    }
}

impl DevMailboxView for DevMailbox {
    fn location(&self) -> String {
        self.dir().display().to_string()
    }

    fn entries(&self) -> Vec<MailboxEntry> {
        DevMailbox::entries(self)
    }

    fn entry(&self, id: &str) -> Option<MailboxEntry> {
        DevMailbox::entry(self, id)
    }
}
