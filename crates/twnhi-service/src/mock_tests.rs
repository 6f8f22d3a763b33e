//! Use-case tests over `mockall` mocks of every port: what each use case reads, what it
//! writes in its one change set (audit event included), and what it answers.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use mockall::predicate::eq;
use twnhi_account::device::{DeviceEvent, DeviceId, DeviceInfo, DeviceRecord, DeviceState};
use twnhi_account::messages::{Lang, Localized, Msg, attempts_left};
use twnhi_account::password::HashPolicy;
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::{SecretKind, SecretPolicies, ServerKey};
use twnhi_account::throttle::ThrottleState;
use twnhi_account::{Clock, Email, FixedClock, MobilePhone, Password};
use twnhi_notify::{Delivery, MailError, Mailer, OutgoingMail, PublicBaseUrl};
use twnhi_store::{
    AuditAction, AuditOutcome, CardInSession, Change, ChangeSet, ClaimedMail, Contacts,
    InsuredPerson, MockOutboxStore, MockRegistry, MockStore, Registration, RegistrationId,
    SessionKind, SessionRecord, StoreError, StoredDevice, StoredSecret,
};

use crate::ports::{MockClock, MockRandomness, SeededRandom};
use crate::sam::MockSam;
use crate::{
    ApplyInput, Caller, CancelConfirmInput, CancelDelivery, CancelRequestInput, ChangeDataInput,
    ChangePasswordInput, LetterRequest, NewPassword, OutboxWorker, Ports, Service, ServiceConfig,
    ServiceError, SessionToken,
};

const PASSWORD: &str = "Tw#2024nhi";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap() // 10:00 in Taipei
}

fn key() -> ServerKey {
    ServerKey::new(vec![9; 32]).unwrap()
}

fn config() -> ServiceConfig {
    let mut c = ServiceConfig::new(
        PublicBaseUrl::parse("https://twnhi.example/").unwrap(),
        Email::parse("noreply@twnhi.example").unwrap(),
    );
    c.hash_policy = HashPolicy::new(64, 1, 1).unwrap();
    c
}

/// A synthetic insured person (the registry file's own example row).
fn person() -> InsuredPerson {
    let csv = format!(
        "{}\n000011112222,A123456789,測試一,1990-01-01,M,valid,F1234567,臺北市,中正區,測試里,5\n",
        twnhi_store::registry::CSV_HEADER
    );
    twnhi_store::registry::parse_csv(&csv).unwrap().remove(0)
}

fn contacts() -> Contacts {
    Contacts {
        email: Email::parse("test.one@example.com").unwrap(),
        spare_email: None,
        mobile_phone: Some(MobilePhone::parse("0912345678").unwrap()),
        local_phone: None,
    }
}

fn registration(state: RegistrationState) -> Registration {
    let p = person();
    Registration {
        id: RegistrationId::from_random([5; 16]),
        id_number: p.id_number,
        card_number: p.card_number,
        state,
        password_hash: config()
            .hash_policy
            .hash(PASSWORD, &mut crate::PortRng(&SeededRandom::new(1)))
            .unwrap(),
        contacts: contacts(),
        created_at: now(),
        updated_at: now(),
        verified_at: None,
        cancelled_at: None,
        cancel_effective_at: None,
        version: 3,
    }
}

fn token() -> SessionToken {
    SessionToken::parse("abcdefghijklmnopqrstuvwxyzABCDEF").unwrap()
}

fn session(card: bool, reg: Option<&Registration>) -> SessionRecord {
    SessionRecord {
        digest: token().digest(),
        kind: SessionKind::Web,
        registration_id: reg.map(|r| r.id.clone()),
        device_id: None,
        created_at: now(),
        last_seen_at: now(),
        expires_at: now() + chrono::TimeDelta::hours(8),
        card: card.then(|| CardInSession {
            card_number: person().card_number,
            verified_at: now(),
            via: twnhi_store::AuthMethod::Card,
        }),
    }
}

fn caller() -> Caller {
    Caller::new(token()).with_client("198.51.100.1")
}

fn issue(kind: SecretKind, subject: &str) -> (String, StoredSecret) {
    let (plain, record) = SecretPolicies::default()
        .issue(
            &key(),
            kind,
            subject,
            now(),
            &mut crate::PortRng(&SeededRandom::new(8)),
        )
        .into_parts();
    (
        plain.to_string(),
        StoredSecret {
            record,
            payload: None,
        },
    )
}

type Log = Arc<Mutex<Vec<ChangeSet>>>;

/// Mocks with lenient defaults for reads that most use cases make; each test adds its own.
struct H {
    store: MockStore,
    registry: MockRegistry,
    sam: MockSam,
    log: Log,
}

impl H {
    fn new() -> H {
        H {
            store: MockStore::new(),
            registry: MockRegistry::new(),
            sam: MockSam::new(),
            log: Arc::default(),
        }
    }

    /// Records every change set and accepts it.
    fn accept_writes(mut self) -> Self {
        let log = self.log.clone();
        self.store.expect_apply().returning(move |cs| {
            log.lock().unwrap().push(cs);
            Ok(())
        });
        self.store
            .expect_throttle()
            .returning(|_| Ok(ThrottleState::default()));
        self
    }

    fn with_session(mut self, s: SessionRecord) -> Self {
        self.store
            .expect_session()
            .with(eq(token().digest()))
            .returning(move |_| Ok(Some(s.clone())));
        self
    }

    fn with_person(mut self) -> Self {
        self.registry
            .expect_person_by_card()
            .returning(|_| Ok(Some(person())));
        self.registry
            .expect_person_by_id()
            .returning(|_| Ok(Some(person())));
        self
    }

    fn with_registration(mut self, reg: Option<Registration>) -> Self {
        let r = reg.clone();
        self.store
            .expect_current_registration()
            .returning(move |_| Ok(r.clone()));
        self.store
            .expect_registration()
            .returning(move |_| Ok(reg.clone()));
        self
    }

    fn build_with(self, clock: Arc<dyn Clock + Send + Sync>) -> (Service, Log) {
        let ports = Ports {
            store: Arc::new(self.store),
            registry: Arc::new(self.registry),
            sam: Arc::new(self.sam),
            clock,
            random: Arc::new(SeededRandom::new(2)),
        };
        (Service::new(ports, key(), config()).unwrap(), self.log)
    }

    fn build(self) -> (Service, Log) {
        self.build_with(Arc::new(FixedClock::new(now())))
    }
}

fn all(log: &Log) -> Vec<Change> {
    log.lock()
        .unwrap()
        .iter()
        .flat_map(|cs| cs.changes().to_vec())
        .collect()
}

fn audits(log: &Log) -> Vec<(AuditAction, AuditOutcome)> {
    log.lock()
        .unwrap()
        .iter()
        .flat_map(|cs| {
            cs.audit_events()
                .map(|e| (e.action, e.outcome))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn mails(log: &Log) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .flat_map(|cs| cs.mails().map(|m| m.kind.clone()).collect::<Vec<_>>())
        .collect()
}

fn apply_input() -> ApplyInput {
    let p = person();
    ApplyInput {
        household_id: p.household_id,
        address: p.address,
        password: Password::from(PASSWORD),
        confirmation: Password::from(PASSWORD),
        contacts: contacts(),
    }
}

// ----- service hours, sessions, card authentication ----------------------------------------------

#[tokio::test]
async fn forms_refuse_outside_service_hours() {
    let mut clock = MockClock::new();
    // 03:00 in Taipei.
    clock
        .expect_now()
        .returning(|| Utc.with_ymd_and_hms(2024, 5, 1, 19, 0, 0).unwrap());
    let (service, log) = H::new().build_with(Arc::new(clock));
    let err = service.apply(&caller(), apply_input()).await.unwrap_err();
    assert!(matches!(err, ServiceError::Closed { .. }));
    assert_eq!(err.msg(), Msg::ServiceHours);
    assert!(service.card_auth_begin(&caller()).await.is_err());
    assert!(
        service
            .login(&caller(), &Password::from(PASSWORD))
            .await
            .is_err()
    );
    assert!(log.lock().unwrap().is_empty(), "nothing read or written");
}

/// Regression (5,000 cookie-less GETs left 5,000 session rows): a new session is a token
/// only; nothing is stored until it holds something.
#[tokio::test]
async fn open_session_stores_nothing() {
    let mut random = MockRandomness::new();
    random.expect_fill_bytes().returning(|dest| dest.fill(7));
    let h = H::new().accept_writes();
    let log = h.log.clone();
    let ports = Ports {
        store: Arc::new(h.store),
        registry: Arc::new(h.registry),
        sam: Arc::new(h.sam),
        clock: Arc::new(FixedClock::new(now())),
        random: Arc::new(random),
    };
    let service = Service::new(ports, key(), config()).unwrap();
    let t = service.open_session().await.unwrap();
    assert_eq!(t.expose(), "H".repeat(32), "from the injected randomness");
    assert!(
        all(&log).is_empty(),
        "no row for a session that holds nothing"
    );
}

#[tokio::test]
async fn card_authentication_through_the_sam_port() {
    let mut h = H::new().accept_writes().with_session(session(false, None));
    let card = person().card_number;
    let card2 = card.clone();
    h.sam
        .expect_authenticate_card()
        .withf(move |c, rc, _rs| *c == card2 && *rc == [1; 8])
        .returning(|_, _, _| Ok([4; 32]));
    let (nonce, secret) = issue(SecretKind::CardAuthNonce, &token().digest());
    let digest = secret.record.digest_hex().to_owned();
    h.store
        .expect_secret_by_digest()
        .with(eq(digest.clone()))
        .returning(move |_| Ok(Some(secret.clone())));
    let (service, log) = h.build();
    let au = service
        .card_auth_respond(&caller(), &nonce, card.as_str(), &[1; 8])
        .await
        .unwrap();
    assert_eq!(au.au, [4; 32]);
    let changes = all(&log);
    assert!(matches!(&changes[..], [Change::SetSecretPayload { digest: d, .. }] if *d == digest));
}

#[tokio::test]
async fn card_authentication_with_a_wrong_answer_is_refused_and_spent() {
    let mut h = H::new().accept_writes().with_session(session(false, None));
    h.sam.expect_verify_card().returning(|_, _, _, _| Ok(false));
    let (nonce, mut secret) = issue(SecretKind::CardAuthNonce, &token().digest());
    secret.payload = Some(format!(
        r#"{{"card":"{}","rc":"0101010101010101","rs":"02020202020202020202020202020202"}}"#,
        person().card_number.as_str()
    ));
    h.store
        .expect_secret_by_digest()
        .returning(move |_| Ok(Some(secret.clone())));
    let (service, log) = h.build();
    let err = service
        .card_auth_finish(&caller(), &nonce, &[0; 16])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::CardNotVerified));
    assert!(
        all(&log)
            .iter()
            .any(|c| matches!(c, Change::SpendSecret { .. }))
    );
    assert_eq!(
        audits(&log),
        [(AuditAction::CardAuthentication, AuditOutcome::BadMac)]
    );
}

// ----- apply, verify, resend --------------------------------------------------------------------

#[tokio::test]
async fn apply_new_registration() {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(None)
        .build();
    let out = service.apply(&caller(), apply_input()).await.unwrap();
    assert_eq!(out.message, Msg::ApplySuccess);
    let changes = all(&log);
    let inserted = changes
        .iter()
        .find_map(|c| match c {
            Change::InsertRegistration(r) => Some(r.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(inserted.state, RegistrationState::PendingEmailVerification);
    assert!(inserted.password_hash.as_str().starts_with("$argon2id$"));
    assert!(changes.iter().any(|c| matches!(c, Change::PutSecret(s)
        if s.record.kind() == SecretKind::EmailConfirmLink && s.record.subject() == inserted.id.as_str())));
    assert_eq!(mails(&log), ["confirmation"]);
    assert_eq!(log.lock().unwrap().len(), 1, "one transaction");
    assert!(audits(&log).contains(&(AuditAction::Apply, AuditOutcome::Ok)));
}

#[tokio::test]
async fn apply_with_wrong_household_data() {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .build();
    let mut input = apply_input();
    input.household_id = twnhi_account::HouseholdId::parse("Z9999999").unwrap();
    let err = service.apply(&caller(), input).await.unwrap_err();
    assert_eq!(err.msg(), Msg::RegistryMismatch);
    let changes = all(&log);
    assert_eq!(
        changes
            .iter()
            .filter(|c| matches!(c, Change::ThrottleFailure { .. }))
            .count(),
        2,
        "per card and per client address"
    );
    assert!(mails(&log).is_empty());
}

#[tokio::test]
async fn apply_check_matches_without_reading_registrations() {
    // No registration is read (`expect_current_registration` is not set: a call would panic),
    // so the answer cannot depend on whether the person is registered.
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .build();
    let p = person();
    let holder = service
        .apply_check(&caller(), &p.household_id, &p.address)
        .await
        .unwrap();
    assert_eq!(holder.name, p.name, "from the registry");
    assert_eq!(holder.id_number_masked, p.id_number.masked());
    let changes = all(&log);
    let card_key = service.household_counters(&p.card_number, None)[0]
        .key
        .clone();
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::ThrottleReset { key } if *key == card_key))
    );
    assert!(!changes.iter().any(|c| matches!(
        c,
        Change::InsertRegistration(_)
            | Change::UpdateRegistration { .. }
            | Change::PutSecret(_)
            | Change::ThrottleFailure { .. }
    )));
    assert!(mails(&log).is_empty());
    assert_eq!(audits(&log), [(AuditAction::ApplyCheck, AuditOutcome::Ok)]);
    let events: Vec<_> = log.lock().unwrap()[0].audit_events().cloned().collect();
    assert_eq!(events[0].client.as_deref(), Some("198.51.100.1"));
    assert!(!events[0].detail.contains(p.id_number.as_str()), "masked");
}

#[tokio::test]
async fn apply_check_refuses_any_mismatch_with_one_answer_and_throttles() {
    let p = person();
    let other_id = twnhi_account::HouseholdId::parse("Z9999999").unwrap();
    let t = p.address.township();
    let other_neighborhood = if p.address.neighborhood() == 1 { 2 } else { 1 };
    let other_address = twnhi_account::HouseholdAddress::new(
        t.county_zh(),
        t.zh(),
        p.address.village(),
        other_neighborhood,
    )
    .unwrap();
    let mut texts = Vec::new();
    for (hid, addr) in [
        (&other_id, &p.address),
        (&p.household_id, &other_address),
        (&other_id, &other_address),
    ] {
        let (service, log) = H::new()
            .accept_writes()
            .with_session(session(true, None))
            .with_person()
            .build();
        let err = service.apply_check(&caller(), hid, addr).await.unwrap_err();
        assert!(matches!(err, ServiceError::RegistryMismatch), "{err:?}");
        texts.push((err.text(Lang::ZhTw), err.text(Lang::En)));
        let changes = all(&log);
        let keys: Vec<_> = changes
            .iter()
            .filter_map(|c| match c {
                Change::ThrottleFailure { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            keys,
            [
                service.household_counters(&p.card_number, None)[0]
                    .key
                    .clone(),
                "addr:household:198.51.100.1".to_owned()
            ],
            "per card and on the form's ceiling per client address"
        );
        assert!(
            !changes
                .iter()
                .any(|c| matches!(c, Change::ThrottleReset { .. }))
        );
        assert_eq!(
            audits(&log),
            [(AuditAction::ApplyCheck, AuditOutcome::RegistryMismatch)]
        );
    }
    texts.dedup();
    assert_eq!(texts.len(), 1, "the same answer whichever field is wrong");
}

#[tokio::test]
async fn apply_check_is_throttled_and_needs_a_card() {
    // Throttled: refused before comparing anything, nothing written.
    let mut h = H::new().with_session(session(true, None)).with_person();
    let policy = config().per_person;
    let mut blocked = ThrottleState::default();
    for _ in 0..20 {
        policy.record_failure(&mut blocked, now());
    }
    h.store.expect_throttle().returning(move |_| Ok(blocked));
    let (service, log) = h.build();
    let p = person();
    let err = service
        .apply_check(&caller(), &p.household_id, &p.address)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Throttled { .. }), "{err:?}");
    assert!(log.lock().unwrap().is_empty());

    // No card authenticated in the session.
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(false, None))
        .build();
    assert!(matches!(
        service
            .apply_check(&caller(), &p.household_id, &p.address)
            .await,
        Err(ServiceError::CardRequired)
    ));
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn apply_when_registered_answers_the_same_and_changes_nothing() {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(Some(registration(RegistrationState::Active)))
        .build();
    let out = service.apply(&caller(), apply_input()).await.unwrap();
    assert_eq!(out.message, Msg::ApplySuccess);
    let changes = all(&log);
    assert!(!changes.iter().any(|c| matches!(
        c,
        Change::InsertRegistration(_) | Change::UpdateRegistration { .. } | Change::PutSecret(_)
    )));
    assert_eq!(
        mails(&log),
        ["completion"],
        "a reminder to the registered address"
    );
}

#[tokio::test]
async fn apply_lost_race_is_busy() {
    let mut h = H::new()
        .with_session(session(true, None))
        .with_person()
        .with_registration(None);
    h.store
        .expect_throttle()
        .returning(|_| Ok(ThrottleState::default()));
    h.store.expect_apply().returning(|_| {
        Err(StoreError::Conflict {
            what: "unique or foreign key constraint",
        })
    });
    let (service, _) = h.build();
    assert!(matches!(
        service.apply(&caller(), apply_input()).await,
        Err(ServiceError::Busy)
    ));
}

#[tokio::test]
async fn verify_email_activates_and_sends_the_completion_letter() {
    let reg = registration(RegistrationState::PendingEmailVerification);
    let (token_text, secret) = issue(SecretKind::EmailConfirmLink, reg.id.as_str());
    let mut h = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(Some(reg));
    h.store
        .expect_secret_by_digest()
        .returning(move |_| Ok(Some(secret.clone())));
    let (service, log) = h.build();
    assert_eq!(
        service.verify_email(&caller(), &token_text).await.unwrap(),
        Msg::EmailVerified
    );
    let changes = all(&log);
    assert!(changes.iter().any(|c| matches!(
        c,
        Change::SpendSecret {
            expected_attempts_left: 5,
            ..
        }
    )));
    assert!(changes.iter().any(|c| matches!(c, Change::UpdateRegistration { expected_version: 3, registration }
        if registration.state == RegistrationState::Active && registration.verified_at == Some(now()))));
    assert_eq!(mails(&log), ["completion"]);
}

#[tokio::test]
async fn resend_for_a_person_without_pending_application_sends_nothing() {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(Some(registration(RegistrationState::Active)))
        .build();
    assert_eq!(
        service
            .resend_confirmation(&caller(), LetterRequest::default())
            .await
            .unwrap(),
        Msg::AlreadyRegistered
    );
    assert!(mails(&log).is_empty());
    let changes = all(&log);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::PutSecret(s) if s.record.subject() == "decoy")),
        "the same work as a letter"
    );
    assert_eq!(
        audits(&log),
        [(AuditAction::ResendConfirmation, AuditOutcome::NotApplicable)]
    );
}

#[tokio::test]
async fn forgot_password_sends_a_reset_letter() {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(Some(registration(RegistrationState::Active)))
        .build();
    assert_eq!(
        service
            .forgot_password(&caller(), LetterRequest::default())
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    assert_eq!(mails(&log), ["password-reset"]);
}

#[tokio::test]
async fn reset_password_ends_sessions() {
    let reg = registration(RegistrationState::Active);
    let (token_text, secret) = issue(SecretKind::PasswordResetLink, reg.id.as_str());
    let id = reg.id.clone();
    let mut h = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(Some(reg));
    h.store
        .expect_secret_by_digest()
        .returning(move |_| Ok(Some(secret.clone())));
    let (service, log) = h.build();
    let input = NewPassword {
        password: Password::from("Nw@2025key"),
        confirmation: Password::from("Nw@2025key"),
    };
    assert_eq!(
        service
            .reset_password(&caller(), &token_text, input)
            .await
            .unwrap(),
        Msg::PasswordResetDone
    );
    assert!(all(&log).iter().any(
        |c| matches!(c, Change::DeleteSessionsOf { registration_id } if *registration_id == id)
    ));
    assert_eq!(mails(&log), ["password-changed"]);
}

// ----- login, password, data ----------------------------------------------------------------------

#[tokio::test]
async fn login_without_registration_fails_like_a_wrong_password() {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(None)
        .build();
    let err = service
        .login(&caller(), &Password::from(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::LoginFailed);
    assert_eq!(
        audits(&log),
        [(AuditAction::Login, AuditOutcome::NoRegistration)]
    );
    assert!(all(&log).iter().any(
        |c| matches!(c, Change::ThrottleFailure { key, .. } if key == "addr:login:198.51.100.1")
    ));
}

#[tokio::test]
async fn login_renews_the_session() {
    let reg = registration(RegistrationState::Active);
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(Some(reg.clone()))
        .build();
    let out = service
        .login(&caller(), &Password::from(PASSWORD))
        .await
        .unwrap();
    assert_ne!(out.session, token());
    let changes = all(&log);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::DeleteSession { digest } if *digest == token().digest()))
    );
    assert!(changes.iter().any(|c| matches!(c, Change::PutSession(s)
        if s.digest == out.session.digest() && s.registration_id == Some(reg.id.clone()))));
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::ThrottleReset { .. }))
    );
}

#[tokio::test]
async fn change_password_reauthenticates_then_ends_every_session() {
    let reg = registration(RegistrationState::Active);
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_person()
        .with_registration(Some(reg))
        .build();
    let wrong = ChangePasswordInput {
        current: Password::from("Wrong#123"),
        password: Password::from("Nw@2025key"),
        confirmation: Password::from("Nw@2025key"),
    };
    assert!(matches!(
        service.change_password(&caller(), wrong).await,
        Err(ServiceError::CurrentPasswordIncorrect)
    ));
    let right = ChangePasswordInput {
        current: Password::from(PASSWORD),
        password: Password::from("Nw@2025key"),
        confirmation: Password::from("Nw@2025key"),
    };
    assert_eq!(
        service.change_password(&caller(), right).await.unwrap(),
        Msg::PasswordChanged
    );
    assert!(
        all(&log)
            .iter()
            .any(|c| matches!(c, Change::DeleteSessionsOf { .. }))
    );
    assert_eq!(mails(&log), ["password-changed"]);
}

#[tokio::test]
async fn changing_the_email_needs_the_current_password() {
    let reg = registration(RegistrationState::Active);
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_registration(Some(reg))
        .build();
    let mut c = contacts();
    c.email = Email::parse("new.one@example.com").unwrap();
    let err = service
        .change_data(
            &caller(),
            ChangeDataInput {
                contacts: c,
                current_password: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::ReauthenticationRequired);
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn account_view_reads_the_registration_and_the_registry() {
    let reg = registration(RegistrationState::Active);
    let id = reg.id.clone();
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_person()
        .with_registration(Some(reg))
        .build();
    let view = service.account_view(&caller()).await.unwrap();
    let p = person();
    assert_eq!(view.registration_id, id);
    assert_eq!(view.state, RegistrationState::Active);
    assert_eq!(view.name, p.name);
    assert_eq!(view.id_number_masked, p.id_number.masked());
    assert_eq!(view.contacts, contacts());
    let debug = format!("{view:?}");
    assert!(
        !debug.contains(&p.name) && !debug.contains("test.one"),
        "{debug}"
    );
    assert!(log.lock().unwrap().is_empty(), "a read");

    // The registry lost the person: no name, the rest as before.
    let reg = registration(RegistrationState::Active);
    let mut h = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_registration(Some(reg));
    h.registry.expect_person_by_id().returning(|_| Ok(None));
    let (service, _) = h.build();
    assert_eq!(service.account_view(&caller()).await.unwrap().name, "");
}

#[tokio::test]
async fn account_view_needs_a_login() {
    let (service, _) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .build();
    assert!(matches!(
        service.account_view(&caller()).await,
        Err(ServiceError::SessionExpired)
    ));
    // A logged-in session whose registration is gone.
    let reg = registration(RegistrationState::Active);
    let (service, _) = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_registration(None)
        .build();
    assert!(matches!(
        service.account_view(&caller()).await,
        Err(ServiceError::SessionExpired)
    ));
}

// ----- devices --------------------------------------------------------------------------------------

fn app_session(reg: &Registration, device: &str, expires_at: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        digest: token().digest(),
        kind: SessionKind::App,
        registration_id: Some(reg.id.clone()),
        device_id: Some(device.to_owned()),
        created_at: now(),
        last_seen_at: now(),
        expires_at,
        card: None,
    }
}

fn stored_device(id: &str, model: &str, at: DateTime<Utc>, state: DeviceEvent) -> StoredDevice {
    let mut record = DeviceRecord::new(
        DeviceId::parse(id).unwrap(),
        DeviceInfo::new("Android", model).unwrap(),
        at,
    );
    if state != DeviceEvent::Enable {
        record.apply(state).unwrap();
    }
    StoredDevice {
        record,
        totp_seed: "00".repeat(16),
    }
}

#[tokio::test]
async fn app_devices_lists_the_accounts_devices_with_a_live_token() {
    let reg = registration(RegistrationState::Active);
    let reg_id = reg.id.clone();
    let mut h = H::new()
        .accept_writes()
        .with_registration(Some(reg.clone()))
        .with_session(app_session(
            &reg,
            "dev-1",
            now() + chrono::TimeDelta::days(1),
        ));
    h.store
        .expect_devices()
        .with(eq(reg_id))
        .returning(move |_| {
            Ok(vec![
                stored_device("dev-1", "Pixel", now(), DeviceEvent::Enable),
                stored_device(
                    "dev-2",
                    "Xperia",
                    now() + chrono::TimeDelta::minutes(1),
                    DeviceEvent::Disable,
                ),
                stored_device("dev-3", "Gone", now(), DeviceEvent::Delete),
            ])
        });
    let (service, log) = h.build();
    let list = service.app_devices(&token()).await.unwrap();
    let rows: Vec<_> = list
        .iter()
        .map(|d| (d.device.model.as_str(), d.device.state, d.this_device))
        .collect();
    assert_eq!(
        rows,
        [
            ("Xperia", DeviceState::Disabled, false),
            ("Pixel", DeviceState::Active, true),
        ],
        "deleted ones not listed, most recent first, the token's own marked"
    );
    assert_eq!(list[1].device.verified_at, now());
    assert_eq!(list[1].device.device_id_masked, "Xev-1");
    assert!(log.lock().unwrap().is_empty(), "a read");
}

#[tokio::test]
async fn app_devices_refuses_dead_tokens() {
    let reg = registration(RegistrationState::Active);
    // Expired.
    let (service, _) = H::new()
        .with_session(app_session(&reg, "dev-1", now()))
        .build();
    assert!(matches!(
        service.app_devices(&token()).await,
        Err(ServiceError::SessionExpired)
    ));
    // A browser session's token.
    let (service, _) = H::new().with_session(session(false, Some(&reg))).build();
    assert!(matches!(
        service.app_devices(&token()).await,
        Err(ServiceError::SessionExpired)
    ));
    // The token's device was disabled.
    let mut h = H::new()
        .with_registration(Some(reg.clone()))
        .with_session(app_session(
            &reg,
            "dev-1",
            now() + chrono::TimeDelta::days(1),
        ));
    h.store.expect_devices().returning(|_| {
        Ok(vec![stored_device(
            "dev-1",
            "Pixel",
            now(),
            DeviceEvent::Disable,
        )])
    });
    let (service, _) = h.build();
    let err = service.app_devices(&token()).await.unwrap_err();
    assert_eq!(err.msg(), Msg::DeviceNotActive);
    // A suspended registration.
    let suspended = registration(RegistrationState::Suspended);
    let mut h = H::new()
        .with_registration(Some(suspended.clone()))
        .with_session(app_session(
            &suspended,
            "dev-1",
            now() + chrono::TimeDelta::days(1),
        ));
    h.store.expect_devices().returning(|_| {
        Ok(vec![stored_device(
            "dev-1",
            "Pixel",
            now(),
            DeviceEvent::Enable,
        )])
    });
    let (service, _) = h.build();
    assert!(matches!(
        service.app_devices(&token()).await,
        Err(ServiceError::Flow(_))
    ));
}

#[tokio::test]
async fn app_logout_ends_the_token_now() {
    let reg = registration(RegistrationState::Active);
    let id = reg.id.clone();
    // The device's state is not looked at (`expect_devices` is not set): a disabled device can
    // log out too.
    let (service, log) = H::new()
        .accept_writes()
        .with_session(app_session(
            &reg,
            "dev-1234",
            now() + chrono::TimeDelta::days(1),
        ))
        .build();
    assert_eq!(
        service
            .app_logout(Some("198.51.100.1"), &token())
            .await
            .unwrap(),
        Msg::LoggedOut
    );
    let sets = log.lock().unwrap().clone();
    assert_eq!(sets.len(), 1, "one transaction");
    let changes = sets[0].changes();
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::DeleteSession { digest } if *digest == token().digest()))
    );
    let events: Vec<_> = sets[0].audit_events().cloned().collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].action, events[0].outcome),
        (AuditAction::AppLogout, AuditOutcome::Ok)
    );
    assert_eq!(events[0].registration_id, Some(id));
    assert_eq!(events[0].client.as_deref(), Some("198.51.100.1"));
    assert_eq!(events[0].detail, "device=XXX-1234");
}

#[tokio::test]
async fn app_logout_refuses_unknown_browser_and_expired_tokens() {
    let reg = registration(RegistrationState::Active);
    // Unknown.
    let mut h = H::new();
    h.store.expect_session().returning(|_| Ok(None));
    let (service, log) = h.build();
    assert!(matches!(
        service.app_logout(None, &token()).await,
        Err(ServiceError::SessionExpired)
    ));
    assert!(log.lock().unwrap().is_empty());
    // A browser session is not ended through the app API.
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .build();
    assert!(matches!(
        service.app_logout(None, &token()).await,
        Err(ServiceError::SessionExpired)
    ));
    assert!(log.lock().unwrap().is_empty());
    // Expired: removed, not audited, refused.
    let (service, log) = H::new()
        .accept_writes()
        .with_session(app_session(&reg, "dev-1", now()))
        .build();
    assert!(matches!(
        service.app_logout(None, &token()).await,
        Err(ServiceError::SessionExpired)
    ));
    assert!(matches!(
        all(&log).as_slice(),
        [Change::DeleteSession { .. }]
    ));
}

#[tokio::test]
async fn device_code_is_bound_to_the_registration() {
    let reg = registration(RegistrationState::Active);
    let id = reg.id.clone();
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_registration(Some(reg))
        .build();
    let code = service.produce_device_code(&caller()).await.unwrap();
    assert_eq!(code.code.len(), 8);
    assert_eq!(code.expires_at, now() + chrono::TimeDelta::minutes(10));
    assert!(all(&log).iter().any(|c| matches!(c, Change::PutSecret(s)
        if s.record.kind() == SecretKind::DeviceCode && s.record.subject() == id.as_str())));
}

/// A wrong device code spends a try of *this client* (a stranger cannot void the owner's
/// code): a failure on the per-person-and-client counter, nothing on the code itself.
#[tokio::test]
async fn wrong_device_code_spends_a_try_of_this_client() {
    let reg = registration(RegistrationState::Active);
    let (_, secret) = issue(SecretKind::DeviceCode, reg.id.as_str());
    let mut h = H::new().accept_writes().with_registration(Some(reg));
    h.store
        .expect_secret_for()
        .returning(move |_, _| Ok(Some(secret.clone())));
    let (service, log) = h.build();
    let input = crate::BindDeviceInput {
        id_number: person().id_number,
        code: "WRONG123".into(),
        device_id: DeviceId::parse("dev-1").unwrap(),
        info: DeviceInfo::new("Android", "Pixel").unwrap(),
    };
    let err = service
        .bind_device(Some("198.51.100.1"), input)
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::CodeIncorrect);
    assert_eq!(err.text(Lang::En), attempts_left(4, Lang::En));
    let tries = service
        .code_tries(
            SecretKind::DeviceCode,
            &person().id_number,
            Some("198.51.100.1"),
        )
        .key;
    let changes = all(&log);
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::ThrottleFailure { key, .. } if *key == tries))
    );
    assert!(
        !changes
            .iter()
            .any(|c| matches!(c, Change::SecretAttempt { .. }))
    );
}

#[tokio::test]
async fn app_login_for_unknown_person_fails() {
    let mut h = H::new().accept_writes().with_registration(None);
    // The same reads as for a registered person.
    h.store.expect_devices().times(1).returning(|_| Ok(vec![]));
    let (service, log) = h.build();
    let input = crate::AppLoginInput {
        id_number: person().id_number,
        password: Password::from(PASSWORD),
        device_id: DeviceId::parse("dev-1").unwrap(),
        totp_code: "123456".into(),
    };
    assert!(matches!(
        service.app_login(Some("198.51.100.1"), input).await,
        Err(ServiceError::LoginFailed)
    ));
    assert_eq!(
        audits(&log),
        [(AuditAction::AppLogin, AuditOutcome::NoRegistration)]
    );
    let keys: Vec<_> = all(&log)
        .iter()
        .filter_map(|c| match c {
            Change::ThrottleFailure { key, .. } => Some(key.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        service
            .app_counters(&person().id_number, Some("198.51.100.1"))
            .into_iter()
            .map(|c| c.key)
            .collect::<Vec<_>>(),
        "per person and client, and the app's ceiling per address"
    );
}

#[tokio::test]
async fn manage_device_disables_it() {
    let reg = registration(RegistrationState::Active);
    let device = DeviceId::parse("dev-1").unwrap();
    let record = DeviceRecord::new(
        device.clone(),
        DeviceInfo::new("iOS", "iPhone").unwrap(),
        now(),
    );
    let mut h = H::new()
        .accept_writes()
        .with_session(session(false, Some(&reg)))
        .with_registration(Some(reg));
    h.store.expect_devices().returning(move |_| {
        Ok(vec![StoredDevice {
            record: record.clone(),
            totp_seed: "00".repeat(16),
        }])
    });
    let (service, log) = h.build();
    assert_eq!(service.list_devices(&caller()).await.unwrap().len(), 1);
    assert_eq!(
        service
            .manage_device(&caller(), &device, DeviceEvent::Disable)
            .await
            .unwrap(),
        Msg::DeviceUpdated
    );
    assert!(
        all(&log)
            .iter()
            .any(|c| matches!(c, Change::PutDevice { device, .. }
        if device.record.state() == DeviceState::Disabled))
    );
    assert_eq!(
        audits(&log),
        [(AuditAction::DeviceDisabled, AuditOutcome::Ok)]
    );
}

// ----- cancellation -----------------------------------------------------------------------------

fn with_captcha(mut h: H) -> (H, String) {
    let (answer, captcha) = issue(SecretKind::Captcha, &token().digest());
    h.store
        .expect_secret_for()
        .with(eq(SecretKind::Captcha), eq(token().digest()))
        .returning(move |_, _| Ok(Some(captcha.clone())));
    (h, answer)
}

#[tokio::test]
async fn cancellation_request_answers_the_same_without_a_match() {
    let (mut h, answer) = with_captcha(
        H::new()
            .accept_writes()
            .with_session(session(false, None))
            .with_registration(None),
    );
    h.registry.expect_person_by_card().returning(|_| Ok(None));
    let (service, log) = h.build();
    let p = person();
    let input = CancelRequestInput {
        registered_email: None,
        id_number: p.id_number,
        card_number: p.card_number,
        captcha: answer,
        delivery: CancelDelivery::RegisteredEmail,
    };
    assert_eq!(
        service
            .request_cancellation(&caller(), input)
            .await
            .unwrap(),
        Msg::CancelRequested
    );
    assert!(mails(&log).is_empty());
    assert!(audits(&log).contains(&(AuditAction::CancelRequested, AuditOutcome::NoMatch)));
}

#[tokio::test]
async fn cancellation_request_with_a_match_sends_the_code() {
    let (h, answer) = with_captcha(
        H::new()
            .accept_writes()
            .with_session(session(false, None))
            .with_person()
            .with_registration(Some(registration(RegistrationState::Active))),
    );
    let (service, log) = h.build();
    let p = person();
    let input = CancelRequestInput {
        registered_email: None,
        id_number: p.id_number,
        card_number: p.card_number,
        captcha: answer,
        delivery: CancelDelivery::RegisteredEmail,
    };
    assert_eq!(
        service
            .request_cancellation(&caller(), input)
            .await
            .unwrap(),
        Msg::CancelRequested
    );
    assert_eq!(mails(&log), ["cancellation"]);
    assert!(all(&log).iter().any(
        |c| matches!(c, Change::UpdateRegistration { registration, .. }
        if registration.state == RegistrationState::CancellationRequested)
    ));
}

#[tokio::test]
async fn cancellation_confirmed_ends_everything() {
    let reg = registration(RegistrationState::CancellationRequested);
    let (code, secret) = issue(SecretKind::CancellationCode, reg.id.as_str());
    let (mut h, answer) = with_captcha(
        H::new()
            .accept_writes()
            .with_session(session(false, None))
            .with_person()
            .with_registration(Some(reg)),
    );
    h.store
        .expect_secret_for()
        .with(
            eq(SecretKind::CancellationCode),
            mockall::predicate::always(),
        )
        .returning(move |_, _| Ok(Some(secret.clone())));
    let (service, log) = h.build();
    let input = CancelConfirmInput {
        id_number: person().id_number,
        code,
        captcha: answer,
    };
    assert_eq!(
        service
            .confirm_cancellation(&caller(), input)
            .await
            .unwrap(),
        Msg::CancelConfirmed
    );
    let changes = all(&log);
    assert!(changes.iter().any(
        |c| matches!(c, Change::UpdateRegistration { registration, .. }
        if registration.state == RegistrationState::Cancelled)
    ));
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::DeleteSessionsOf { .. }))
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::DeleteSecretsOf { .. }))
    );
    assert_eq!(mails(&log), ["deleted"]);
}

// ----- counter -----------------------------------------------------------------------------------

#[tokio::test]
async fn counter_suspends_and_reinstates() {
    let (service, log) = H::new()
        .accept_writes()
        .with_registration(Some(registration(RegistrationState::Active)))
        .build();
    assert_eq!(
        service
            .suspend(&person().id_number, "counter-1")
            .await
            .unwrap(),
        Msg::CounterSuspended
    );
    let changes = all(&log);
    assert!(changes.iter().any(
        |c| matches!(c, Change::UpdateRegistration { registration, .. }
        if registration.state == RegistrationState::Suspended)
    ));
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::DeleteSessionsOf { .. }))
    );
    // Reinstating an active registration is not a transition.
    assert!(
        service
            .reinstate(&person().id_number, "counter-1")
            .await
            .is_err()
    );

    let (service, _) = H::new().accept_writes().with_registration(None).build();
    assert!(matches!(
        service.suspend(&person().id_number, "x").await,
        Err(ServiceError::NotRegistered)
    ));
}

// ----- outbox worker -------------------------------------------------------------------------------

mockall::mock! {
    Mail {}
    #[async_trait]
    impl Mailer for Mail {
        async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError>;
    }
}

/// One sealed letter as the service would queue it.
async fn queued_letter() -> (Service, ClaimedMail) {
    let (service, log) = H::new()
        .accept_writes()
        .with_session(session(true, None))
        .with_person()
        .with_registration(None)
        .build();
    service.apply(&caller(), apply_input()).await.unwrap();
    let m = log.lock().unwrap()[0].mails().next().unwrap().clone();
    (
        service,
        ClaimedMail {
            id: m.id,
            registration_id: m.registration_id,
            kind: m.kind,
            payload: m.payload,
            created_at: m.created_at,
            attempts: 0,
            claim: "worker".into(),
        },
    )
}

/// The outbox store's claim renewal, granted.
fn renew(outbox: &mut MockOutboxStore) {
    outbox.expect_renew_claim().returning(|_, _, _| Ok(true));
}

#[tokio::test]
async fn worker_retries_transient_failures_with_backoff() {
    let (service, claimed) = queued_letter().await;
    let id = claimed.id.clone();
    let mut outbox = MockOutboxStore::new();
    outbox
        .expect_claim_due()
        .returning(move |_, _, _, _| Ok(vec![claimed.clone()]));
    renew(&mut outbox);
    let expected_next = now() + service.config().outbox.backoff(1);
    outbox
        .expect_mark_retry()
        .withf(move |i, _, attempts, next, _| *i == id && *attempts == 1 && *next == expected_next)
        .times(1)
        .returning(|_, _, _, _, _| Ok(()));
    let mut mailer = MockMail::new();
    mailer.expect_send().times(1).returning(|_| {
        Err(MailError::Transient {
            code: 451,
            message: "later".into(),
        })
    });
    let worker = OutboxWorker::new(&service, Arc::new(outbox), Arc::new(mailer));
    let r = worker.run_once().await.unwrap();
    assert_eq!((r.sent, r.retried, r.failed), (0, 1, 0));
}

#[tokio::test]
async fn worker_sends_with_the_rows_message_id_and_gives_up_on_permanent_errors() {
    let (service, claimed) = queued_letter().await;
    let id = claimed.id.clone();
    let mut outbox = MockOutboxStore::new();
    let c = claimed.clone();
    outbox
        .expect_claim_due()
        .returning(move |_, _, _, _| Ok(vec![c.clone()]));
    renew(&mut outbox);
    outbox
        .expect_mark_sent()
        .with(eq(id.clone()), eq("worker"), eq(now()))
        .times(1)
        .returning(|_, _, _| Ok(()));
    let expected = format!("<twnhi.{id}@twnhi.example>");
    let mut mailer = MockMail::new();
    mailer
        .expect_send()
        .withf(move |m| {
            m.message_id().as_str() == expected && m.to().as_str() == "test.one@example.com"
        })
        .times(1)
        .returning(|m| {
            Ok(Delivery {
                message_id: m.message_id().clone(),
                detail: "ok".into(),
            })
        });
    let worker = OutboxWorker::new(&service, Arc::new(outbox), Arc::new(mailer));
    assert_eq!(worker.run_once().await.unwrap().sent, 1);

    let mut outbox = MockOutboxStore::new();
    outbox
        .expect_claim_due()
        .returning(move |_, _, _, _| Ok(vec![claimed.clone()]));
    renew(&mut outbox);
    outbox
        .expect_mark_failed()
        .withf(|_, _, attempts, error, audit| {
            *attempts == 1 && error == "rejected 550" && audit.action == AuditAction::LetterFailed
        })
        .times(1)
        .returning(|_, _, _, _, _| Ok(()));
    let mut mailer = MockMail::new();
    mailer.expect_send().returning(|_| {
        Err(MailError::Rejected {
            code: 550,
            message: "no such user".into(),
        })
    });
    let worker = OutboxWorker::new(&service, Arc::new(outbox), Arc::new(mailer));
    assert_eq!(worker.run_once().await.unwrap().failed, 1);
}

/// Regression (a letter delivered twice under a slow SMTP server): a letter whose claim was
/// lost (the lease ran out and another worker took it) is not handed over.
#[tokio::test]
async fn worker_does_not_send_a_letter_whose_claim_it_lost() {
    let (service, claimed) = queued_letter().await;
    let mut outbox = MockOutboxStore::new();
    outbox
        .expect_claim_due()
        .returning(move |_, _, _, _| Ok(vec![claimed.clone()]));
    outbox.expect_renew_claim().returning(|_, _, _| Ok(false));
    let mut mailer = MockMail::new();
    mailer.expect_send().times(0);
    let worker = OutboxWorker::new(&service, Arc::new(outbox), Arc::new(mailer));
    let r = worker.run_once().await.unwrap();
    assert_eq!((r.claimed, r.sent, r.retried, r.failed), (1, 0, 0, 0));
}
