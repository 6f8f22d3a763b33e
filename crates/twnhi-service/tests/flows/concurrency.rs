//! Concurrent requests against one SQLite database: two applications for one ID number at
//! once (exactly one wins), one code or link submitted twice at once (accepted once).
//!
//! To make the race certain rather than likely, the store is wrapped so that the two change
//! sets of interest wait for each other at a barrier before either is written: both requests
//! have read the same state, and both try to commit. The database's unique constraints and
//! conditional updates must then let exactly one through.

use std::sync::Arc;

use crate::common::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::Barrier;
use twnhi_account::IdNumber;
use twnhi_account::device::{DeviceId, DeviceInfo};
use twnhi_account::messages::{Localized, Msg};
use twnhi_account::secret::SecretKind;
use twnhi_account::throttle::ThrottleState;
use twnhi_notify::LetterKind;
use twnhi_service::{ApplyInput, BindDeviceInput, ServiceError};
use twnhi_store::{
    AuditEvent, Change, ChangeSet, MailSummary, Registration, RegistrationId, SessionRecord, Store,
    StoreError, StoredDevice, StoredSecret,
};
use twnhi_store_sqlite::SqliteStore;

/// A store whose `apply` holds change sets matching `gate` at a barrier of two.
struct RacingStore {
    inner: Arc<SqliteStore>,
    barrier: Barrier,
    gate: fn(&ChangeSet) -> bool,
}

#[async_trait]
impl Store for RacingStore {
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        if (self.gate)(&changes) {
            self.barrier.wait().await;
        }
        self.inner.apply(changes).await
    }
    async fn registration(&self, id: &RegistrationId) -> Result<Option<Registration>, StoreError> {
        self.inner.registration(id).await
    }
    async fn current_registration(
        &self,
        id: &IdNumber,
    ) -> Result<Option<Registration>, StoreError> {
        self.inner.current_registration(id).await
    }
    async fn registrations_of(&self, id: &IdNumber) -> Result<Vec<Registration>, StoreError> {
        self.inner.registrations_of(id).await
    }
    async fn devices(&self, id: &RegistrationId) -> Result<Vec<StoredDevice>, StoreError> {
        self.inner.devices(id).await
    }
    async fn secret_by_digest(&self, d: &str) -> Result<Option<StoredSecret>, StoreError> {
        self.inner.secret_by_digest(d).await
    }
    async fn secret_for(&self, k: SecretKind, s: &str) -> Result<Option<StoredSecret>, StoreError> {
        self.inner.secret_for(k, s).await
    }
    async fn session(&self, d: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.session(d).await
    }
    async fn throttle(&self, key: &str) -> Result<ThrottleState, StoreError> {
        self.inner.throttle(key).await
    }
    async fn audit_trail(&self, id: &RegistrationId) -> Result<Vec<AuditEvent>, StoreError> {
        self.inner.audit_trail(id).await
    }
    async fn mails_of(&self, id: &RegistrationId) -> Result<Vec<MailSummary>, StoreError> {
        self.inner.mails_of(id).await
    }
    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.inner.purge_expired(now, idle_before).await
    }
    async fn due_cancellations(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<twnhi_store::Registration>, StoreError> {
        self.inner.due_cancellations(now, limit).await
    }
    async fn check_writable(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.inner.check_writable(now).await
    }
}

fn racing_service(app: &App, gate: fn(&ChangeSet) -> bool) -> twnhi_service::Service {
    let store = Arc::new(RacingStore {
        inner: app.store.clone(),
        barrier: Barrier::new(2),
        gate,
    });
    let ports = twnhi_service::Ports {
        store,
        registry: app.store.clone(),
        sam: Arc::new(twnhi_service::SoftwareSam::new(
            twnhi_card::auth::MasterKey::from_bytes(MASTER),
        )),
        clock: app.clock.clone(),
        random: Arc::new(twnhi_service::SeededRandom::new(99)),
    };
    twnhi_service::Service::new(
        ports,
        twnhi_account::secret::ServerKey::new(vec![9; 32]).unwrap(),
        config(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_applications_for_one_person_at_once() {
    let app = App::new().await;
    let service = racing_service(&app, |cs| {
        cs.changes()
            .iter()
            .any(|c| matches!(c, Change::InsertRegistration(_)))
    });
    let p = app.person(0).clone();
    let mut callers = Vec::new();
    for _ in 0..2 {
        let caller = twnhi_service::Caller::new(service.open_session().await.unwrap());
        authenticate(&service, &caller, &p.identity).await.unwrap();
        callers.push(caller);
    }
    let input = |i: usize| ApplyInput {
        household_id: p.person.household_id.clone(),
        address: p.person.address.clone(),
        password: pw(PASSWORD),
        confirmation: pw(PASSWORD),
        contacts: contacts_for(i),
    };
    let (a, b) = tokio::join!(
        service.apply(&callers[0], input(0)),
        service.apply(&callers[1], input(1))
    );
    let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "exactly one wins: {a:?} / {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(matches!(loser, Err(ServiceError::Busy)), "{loser:?}");
    assert_eq!(loser.unwrap_err().msg(), Msg::SystemError);
    let regs = app
        .store
        .registrations_of(&p.person.id_number)
        .await
        .unwrap();
    assert_eq!(regs.len(), 1);
    let letters = app.deliver().await;
    assert_eq!(letters.len(), 1, "one confirmation letter");
    assert_eq!(letters[0].kind(), LetterKind::Confirmation);
    assert_eq!(
        letters[0].to(),
        &regs[0].contacts.email,
        "the winner's address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_device_code_submitted_twice_at_once() {
    let app = App::new().await;
    // Register and log in through the plain service.
    let caller = app.caller().await;
    let p = app.person(1).clone();
    authenticate(&app.service, &caller, &p.identity)
        .await
        .unwrap();
    app.service
        .apply(
            &caller,
            ApplyInput {
                household_id: p.person.household_id.clone(),
                address: p.person.address.clone(),
                password: pw(PASSWORD),
                confirmation: pw(PASSWORD),
                contacts: contacts_for(1),
            },
        )
        .await
        .unwrap();
    let token = token_of(&app.deliver().await[0]);
    app.service.verify_email(&caller, &token).await.unwrap();
    let out = app.service.login(&caller, &pw(PASSWORD)).await.unwrap();
    let web = new_session_caller(out.session);
    let code = app.service.produce_device_code(&web).await.unwrap();

    let service = racing_service(&app, |cs| {
        cs.changes()
            .iter()
            .any(|c| matches!(c, Change::SpendSecret { .. }))
    });
    let bind = |device: &str| BindDeviceInput {
        id_number: p.person.id_number.clone(),
        code: code.code.to_string(),
        device_id: DeviceId::parse(device).unwrap(),
        info: DeviceInfo::new("Android", "Pixel").unwrap(),
    };
    let (a, b) = tokio::join!(
        service.bind_device(None, bind("device-a")),
        service.bind_device(None, bind("device-b"))
    );
    assert_eq!(
        [&a, &b].iter().filter(|r| r.is_ok()).count(),
        1,
        "{a:?} / {b:?}"
    );
    let loser = if a.is_ok() { b } else { a };
    assert_eq!(loser.unwrap_err().msg(), Msg::CodeUsed);
    let reg = app
        .store
        .current_registration(&p.person.id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.store.devices(&reg.id).await.unwrap().len(),
        1,
        "one device bound"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_confirmation_link_opened_twice_at_once() {
    let app = App::new().await;
    let p = app.person(2).clone();
    let service = racing_service(&app, |cs| {
        cs.changes()
            .iter()
            .any(|c| matches!(c, Change::SpendSecret { .. }))
    });
    // Everything before the race goes through the plain service (card authentications spend
    // nonces, which would wait at the barrier); both services share the database and keys.
    let first = app.caller().await;
    authenticate(&app.service, &first, &p.identity)
        .await
        .unwrap();
    app.service
        .apply(
            &first,
            ApplyInput {
                household_id: p.person.household_id.clone(),
                address: p.person.address.clone(),
                password: pw(PASSWORD),
                confirmation: pw(PASSWORD),
                contacts: contacts_for(2),
            },
        )
        .await
        .unwrap();
    let token = token_of(&app.deliver().await[0]);
    let second = app.caller().await;
    authenticate(&app.service, &second, &p.identity)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        service.verify_email(&first, &token),
        service.verify_email(&second, &token)
    );
    assert_eq!(
        [&a, &b].iter().filter(|r| r.is_ok()).count(),
        1,
        "{a:?} / {b:?}"
    );
    let letters = app.deliver().await;
    assert_eq!(
        letters
            .iter()
            .filter(|m| m.kind() == LetterKind::Completion)
            .count(),
        1,
        "one completion letter"
    );
}
