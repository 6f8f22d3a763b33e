//! The demo's dev-only pages: the mailbox (every letter the site sent, `/dev/mailbox`) and the
//! card switcher (which synthetic person's simulated card is in the simulated reader,
//! `/dev/cards`). They are routed only when
//! [`WebConfig::dev_pages`](crate::WebConfig::dev_pages) is set and [`DevTools`] were given.
//!
//! The site only shows them: what a mailbox holds and which cards exist come through the
//! [`DevMailboxView`] and [`DevCardSlot`] traits, implemented by the demo (`twnhi-demo`), so
//! this crate knows nothing of simulated cards.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use twnhi_account::roc::{RocDate, RocDateTime};
use twnhi_service::ServiceError;
use twnhi_store::InsuredPerson;

use crate::app::{Site, render};
use crate::session::S;
use crate::templates::{CardRow, DevCardsPage, DevLetterPage, DevMailboxPage, LetterRow, Text};

/// What the mailbox keeps of a letter beside its `.eml` file.
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

/// The letters the demo sent, as `/dev/mailbox` lists them.
pub trait DevMailboxView: Send + Sync + std::fmt::Debug {
    /// Where the letters are (shown on the page).
    fn location(&self) -> String;
    /// Every letter, newest first.
    fn entries(&self) -> Vec<MailboxEntry>;
    /// One letter by its id (`None` for an unknown or malformed id).
    fn entry(&self, id: &str) -> Option<MailboxEntry>;
}

/// The simulated reader of the demo and the cards that can go into it, as `/dev/cards`
/// switches them.
pub trait DevCardSlot: Send + Sync + std::fmt::Debug {
    /// Every card that can be inserted: its number and the registry row of its holder.
    fn cards(&self) -> Vec<(String, InsuredPerson)>;
    /// The number of the card in the reader.
    fn inserted(&self) -> Option<String>;
    /// Puts the card `card_no` into the reader (replacing the one there); `false` when no
    /// such card exists.
    fn insert(&self, card_no: &str) -> bool;
    /// Takes the card out.
    fn remove(&self);
    /// The PIN of the simulated citizen certificate cards that go in with the NHI cards
    /// (shown on `/dev/cards`); `None`: no certificate cards.
    fn certificate_pin(&self) -> Option<String> {
        None
    }
}

/// The demo's dev tools.
#[derive(Clone, Debug)]
pub struct DevTools {
    /// The mailbox shown on `/dev/mailbox`.
    pub mailbox: Arc<dyn DevMailboxView>,
    /// The card switcher of `/dev/cards` (absent: no simulated reader).
    pub cards: Option<Arc<dyn DevCardSlot>>,
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
        l: site.layout(Some(&sess), "dev-mailbox-title", "dev-mailbox"),
        dir: dev.mailbox.location(),
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
            &Text::id("dev-letter-not-found"),
            false,
        );
    };
    render(&DevLetterPage {
        l: site.layout(Some(&sess), "dev-mailbox-title", "dev-letter"),
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
    let all = cards.cards();
    let mut rows = Vec::with_capacity(all.len());
    for (card_no, person) in all {
        // The counter's report (newest registration first), as an operator would see it.
        let registration = match site.service().show(&person.id_number).await {
            Ok(reports) => reports.first().map_or_else(
                || "—".to_owned(),
                |r| Text::id(&format!("dev-state-{}", r.state.as_str())).side_by_side(),
            ),
            Err(ServiceError::NotRegistered) => Text::id("dev-not-registered").side_by_side(),
            Err(_) => "—".to_owned(),
        };
        rows.push(CardRow {
            inserted: inserted.as_deref() == Some(card_no.as_str()),
            card_no,
            name: person.name.clone(),
            id_no: person.id_number.as_str().to_owned(),
            birth: RocDate::from_naive(person.birth_date)
                .map_or_else(|_| person.birth_date.to_string(), RocDate::format_slash),
            household_id: person.household_id.as_str().to_owned(),
            address: person.address.to_string(),
            registration,
        });
    }
    render(&DevCardsPage {
        l: site.layout(Some(&sess), "dev-cards-title", "dev-cards"),
        cards: rows,
        cert_pin: cards.certificate_pin(),
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
