//! The test application: a temp-file SQLite store with synthetic people in the registry, a
//! software SAM, the service with a movable clock and a cheap password hash, the outbox worker
//! with an in-memory mailbox, and the simulated cards doing the card side of SPEC §3.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use twnhi_account::messages::Msg;
use twnhi_account::password::HashPolicy;
use twnhi_account::secret::ServerKey;
use twnhi_account::{Email, Password};
use twnhi_card::NhiSession;
use twnhi_card::auth::MasterKey;
use twnhi_demo::people::{DemoPerson, generate};
use twnhi_notify::LetterKind;
use twnhi_notify::{MemoryMailer, OutgoingMail, PublicBaseUrl};
use twnhi_service::{
    ApplyInput, Caller, CardHolder, ManualClock, OutboxConfig, OutboxWorker, Ports, SeededRandom,
    Service, ServiceConfig, ServiceError, SessionToken, SoftwareSam,
};
use twnhi_sim::{Faults, Identity, SimCard};
use twnhi_store::{Contacts, RegistryImport as _, Store as _};
use twnhi_store_sqlite::SqliteStore;

/// 2024-05-01 10:00 in Taipei.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap()
}

pub const MASTER: [u8; 16] = *b"twnhi-test-mastr";
pub const PASSWORD: &str = "Tw#2024nhi";
pub const NEW_PASSWORD: &str = "Nw@2025key";

pub fn config() -> ServiceConfig {
    let mut c = ServiceConfig::new(
        PublicBaseUrl::parse("https://twnhi.example/").unwrap(),
        Email::parse("noreply@twnhi.example").unwrap(),
    );
    c.hash_policy = HashPolicy::new(64, 1, 1).unwrap();
    c.outbox = OutboxConfig::fast();
    c
}

pub struct App {
    pub dir: tempfile::TempDir,
    pub store: Arc<SqliteStore>,
    pub service: Service,
    pub clock: Arc<ManualClock>,
    pub mailer: MemoryMailer,
    pub worker: OutboxWorker,
    pub people: Vec<DemoPerson>,
}

pub async fn open_store(path: &Path) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(path).await.unwrap())
}

pub fn service_over(
    store: Arc<SqliteStore>,
    clock: Arc<ManualClock>,
    seed: u64,
    config: ServiceConfig,
) -> Service {
    let ports = Ports {
        store: store.clone(),
        registry: store,
        sam: Arc::new(SoftwareSam::new(MasterKey::from_bytes(MASTER))),
        clock,
        random: Arc::new(SeededRandom::new(seed)),
    };
    Service::new(ports, ServerKey::new(vec![9; 32]).unwrap(), config).unwrap()
}

impl App {
    pub async fn new() -> App {
        Self::with_config(config()).await
    }

    pub async fn with_config(config: ServiceConfig) -> App {
        Self::with_people(config, 8).await
    }

    /// An application with `n` synthetic people in the registry.
    pub async fn with_people(config: ServiceConfig, n: usize) -> App {
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(&dir.path().join("twnhi.sqlite3")).await;
        let clock = Arc::new(ManualClock::new(t0()));
        let people = generate(n, &MasterKey::from_bytes(MASTER), &SeededRandom::new(7));
        let persons: Vec<_> = people.iter().map(|p| p.person.clone()).collect();
        store.import_registry(&persons, t0()).await.unwrap();
        let service = service_over(store.clone(), clock.clone(), 1, config);
        let mailer = MemoryMailer::new();
        let worker = OutboxWorker::new(&service, store.clone(), Arc::new(mailer.clone()));
        App {
            dir,
            store,
            service,
            clock,
            mailer,
            worker,
            people,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("twnhi.sqlite3")
    }

    pub async fn caller(&self) -> Caller {
        self.caller_at("192.0.2.10").await
    }

    /// A new browser session from client address `client`.
    pub async fn caller_at(&self, client: &str) -> Caller {
        Caller::new(self.service.open_session().await.unwrap()).with_client(client)
    }

    pub fn person(&self, i: usize) -> &DemoPerson {
        &self.people[i]
    }

    pub fn contacts(&self, i: usize) -> Contacts {
        contacts_for(i)
    }

    /// Delivers everything due and returns the letters sent by this call.
    pub async fn deliver(&self) -> Vec<OutgoingMail> {
        let before = self.mailer.sent().len();
        self.worker.drain().await.unwrap();
        self.mailer.sent()[before..].to_vec()
    }
}

pub fn contacts_for(i: usize) -> Contacts {
    Contacts {
        email: Email::parse(&format!("test.{i}@example.com")).unwrap(),
        spare_email: None,
        mobile_phone: Some(twnhi_account::MobilePhone::parse(&format!("09123456{i:02}")).unwrap()),
        local_phone: None,
    }
}

pub fn pw(s: &str) -> Password {
    Password::from(s)
}

/// SPEC §3 with the simulated card in process: nonce → challenge → au → cr → verified.
pub async fn authenticate(
    service: &Service,
    caller: &Caller,
    identity: &Identity,
) -> Result<CardHolder, twnhi_service::ServiceError> {
    let nonce = service.card_auth_begin(caller).await?;
    let mut card = NhiSession::new(SimCard::new(identity.clone(), Faults::default()));
    let challenge = card.challenge().unwrap();
    let answer = service
        .card_auth_respond(
            caller,
            &nonce.nonce,
            challenge.card_no.as_str(),
            &challenge.rc,
        )
        .await?;
    let cr = match card.authenticate(&answer.au) {
        Ok(cr) => cr.to_vec(),
        Err(_) => vec![0; 16],
    };
    service.card_auth_finish(caller, &nonce.nonce, &cr).await
}

/// The value of `token=` in the letter's first link.
pub fn token_of(mail: &OutgoingMail) -> String {
    let link = mail.letter().links().first().expect("a link").clone();
    link.query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("a token")
}

/// The e-mail verification code of a cancellation letter.
pub fn code_of(mail: &OutgoingMail) -> String {
    let text = mail.letter().text();
    let line = text
        .lines()
        .find(|l| l.starts_with("Email Verification Code: "))
        .expect("a code line");
    line.trim_start_matches("Email Verification Code: ")
        .trim()
        .to_owned()
}

/// Whether a session has ended: no stored session, and the token holds nothing (a token
/// without a stored session is a new, empty anonymous session).
pub async fn session_gone(app: &App, token: &SessionToken) -> bool {
    let stored = app.store.session(&token.digest()).await.unwrap();
    let view = app.service.session_info(token).await;
    stored.is_none()
        && match view {
            Ok(v) => v.registration_id.is_none() && v.card.is_none(),
            Err(ServiceError::SessionExpired) => true,
            Err(_) => false,
        }
}

pub fn new_session_caller(token: SessionToken) -> Caller {
    Caller::new(token).with_client("192.0.2.10")
}

// ----- the flows every test file needs -------------------------------------------------------

pub async fn apply(app: &App, i: usize) -> Caller {
    let caller = app.caller().await;
    let p = app.person(i);
    let holder = authenticate(&app.service, &caller, &p.identity)
        .await
        .unwrap();
    assert_eq!(
        holder.name, p.person.name,
        "the name comes from the registry"
    );
    let out = app
        .service
        .apply(
            &caller,
            ApplyInput {
                household_id: p.person.household_id.clone(),
                address: p.person.address.clone(),
                password: pw(PASSWORD),
                confirmation: pw(PASSWORD),
                contacts: app.contacts(i),
            },
        )
        .await
        .unwrap();
    assert_eq!(out.message, Msg::ApplySuccess);
    caller
}

/// Applies, verifies the e-mail address; returns a caller with the card authenticated.
pub async fn register(app: &App, i: usize) -> Caller {
    let caller = apply(app, i).await;
    let letters = app.deliver().await;
    let address = format!("test.{i}@example.com");
    let confirmation = letters
        .iter()
        .find(|m| m.kind() == LetterKind::Confirmation && m.to().as_str() == address)
        .unwrap();
    assert_eq!(
        app.service
            .verify_email(&caller, &token_of(confirmation))
            .await
            .unwrap(),
        Msg::EmailVerified
    );
    caller
}

pub async fn login(app: &App, i: usize, password: &str) -> Caller {
    let caller = app.caller().await;
    authenticate(&app.service, &caller, &app.person(i).identity)
        .await
        .unwrap();
    let out = app.service.login(&caller, &pw(password)).await.unwrap();
    new_session_caller(out.session)
}
