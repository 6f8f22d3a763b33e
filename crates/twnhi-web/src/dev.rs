//! The demo's dev-only pages and their tools: the mailbox (every letter the site sends,
//! written to a directory and listed on `/dev/mailbox`) and the card switcher (which
//! synthetic person's simulated card is in the simulated reader, `/dev/cards`). They are
//! routed only when [`WebConfig::dev_pages`](crate::WebConfig::dev_pages) is set and a
//! [`DevTools`] was given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use axum::Form;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use twnhi_account::roc::{RocDate, RocDateTime};
use twnhi_notify::{Delivery, DirectoryMailer, MailError, Mailer, OutgoingMail};
use twnhi_service::ServiceError;
use twnhi_service::demo::DemoPerson;
use twnhi_sim::{Faults, SimCard, SimReader};

use crate::app::{Site, render};
use crate::session::S;
use crate::templates::{CardRow, DevCardsPage, DevLetterPage, DevMailboxPage, LetterRow, Text};

/// What the mailbox keeps of a letter beside its `.eml` file (`<stem>.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MailboxEntry {
    /// The file stem of the `.eml` (from the Message-ID).
    pub id: String,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The recipient.
    pub to: String,
    /// The letter's kind (`confirmation`, `password-reset` …).
    pub kind: String,
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The links of the letter.
    pub links: Vec<String>,
}

/// A mailer for the demo: writes each message as an `.eml` file (the
/// [`DirectoryMailer`]'s format) and a `.json` summary the mailbox page lists.
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

/// The simulated reader of the demo and the synthetic people whose cards can go into it.
#[derive(Clone, Debug)]
pub struct DemoCards {
    /// The reader the in-process bridge reads (clones share the slot).
    pub reader: SimReader,
    /// The people.
    pub people: Arc<Vec<DemoPerson>>,
}

impl DemoCards {
    /// Puts the card of `card_no` into the reader (replacing the one there). `false` when
    /// no demo person has that card.
    pub fn insert(&self, card_no: &str) -> bool {
        match self.people.iter().find(|p| p.identity.card_no == card_no) {
            Some(p) => {
                self.reader
                    .insert(SimCard::new(p.identity.clone(), Faults::default()));
                true
            }
            None => false,
        }
    }

    /// Takes the card out.
    pub fn remove(&self) {
        self.reader.remove();
    }

    /// The card number of the card in the reader.
    #[must_use]
    pub fn inserted(&self) -> Option<String> {
        self.reader
            .with_card(|c| c.identity().card_no.clone())
            .filter(|_| self.reader.has_card())
    }
}

/// The demo's dev tools.
#[derive(Clone, Debug)]
pub struct DevTools {
    /// The mailbox shown on `/dev/mailbox`.
    pub mailbox: DevMailbox,
    /// The card switcher of `/dev/cards` (absent: no simulated reader).
    pub cards: Option<DemoCards>,
}

fn taipei(t: DateTime<Utc>) -> String {
    RocDateTime::from_utc(t).map_or_else(|_| t.to_rfc3339(), RocDateTime::format_slash)
}

/// `GET /dev/mailbox`.
pub(crate) async fn mailbox(State(site): State<Site>, S(sess): S) -> Response {
    let Some(dev) = site.dev() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let letters = dev
        .mailbox
        .entries()
        .into_iter()
        .map(|e| LetterRow {
            id: e.id,
            at: taipei(e.at),
            to: e.to,
            kind: e.kind,
            subject: e.subject,
        })
        .collect();
    render(&DevMailboxPage {
        l: site.layout(Some(&sess), "展示郵件信箱", "Demo mailbox", "dev-mailbox"),
        dir: dev.mailbox.dir().display().to_string(),
        letters,
    })
}

/// `GET /dev/mailbox/{id}`.
pub(crate) async fn letter(
    State(site): State<Site>,
    S(sess): S,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let Some(e) = site.dev().and_then(|d| d.mailbox.entry(&id)) else {
        return site.plain_error(
            StatusCode::NOT_FOUND,
            &Text::new("查無此信件。", "No such letter."),
            false,
        );
    };
    render(&DevLetterPage {
        l: site.layout(Some(&sess), "展示郵件信箱", "Demo mailbox", "dev-letter"),
        subject: e.subject,
        to: e.to,
        at: taipei(e.at),
        text: e.text,
        links: e.links,
    })
}

/// `GET /dev/cards`.
pub(crate) async fn cards(State(site): State<Site>, S(sess): S) -> Response {
    let Some(cards) = site.dev().and_then(|d| d.cards.clone()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let inserted = cards.inserted();
    let mut rows = Vec::with_capacity(cards.people.len());
    for p in cards.people.iter() {
        // The counter's report (newest registration first), as an operator would see it.
        let registration = match site.service().show(&p.person.id_number).await {
            Ok(reports) => reports.first().map_or("—", |r| r.state.as_str()).to_owned(),
            Err(ServiceError::NotRegistered) => "未註冊 not registered".to_owned(),
            Err(_) => "—".to_owned(),
        };
        rows.push(CardRow {
            card_no: p.identity.card_no.clone(),
            name: p.person.name.clone(),
            id_no: p.person.id_number.as_str().to_owned(),
            birth: RocDate::from_naive(p.person.birth_date)
                .map_or_else(|_| p.person.birth_date.to_string(), RocDate::format_slash),
            household_id: p.person.household_id.as_str().to_owned(),
            address: p.person.address.to_string(),
            registration,
            inserted: inserted.as_deref() == Some(p.identity.card_no.as_str()),
        });
    }
    render(&DevCardsPage {
        l: site.layout(
            Some(&sess),
            "切換展示健保卡",
            "Switch the demo NHI card",
            "dev-cards",
        ),
        cards: rows,
    })
}

/// The card switcher's form.
#[derive(Deserialize)]
pub(crate) struct InsertForm {
    #[serde(default)]
    card_no: String,
}

/// `POST /dev/cards/insert`.
pub(crate) async fn insert(State(site): State<Site>, Form(f): Form<InsertForm>) -> Response {
    if let Some(cards) = site.dev().and_then(|d| d.cards.as_ref()) {
        cards.insert(&f.card_no);
    }
    Redirect::to("/dev/cards").into_response()
}

/// `POST /dev/cards/remove`.
pub(crate) async fn remove(State(site): State<Site>) -> Response {
    if let Some(cards) = site.dev().and_then(|d| d.cards.as_ref()) {
        cards.remove();
    }
    Redirect::to("/dev/cards").into_response()
}
