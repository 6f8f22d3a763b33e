//! Every flow of SPEC §4 end to end against SQLite (temp-file databases), with the simulated
//! card doing the card side of the authentication and the outbox worker delivering letters
//! into an in-memory mailbox.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::TimeDelta;
use common::*;
use twnhi_account::device::{DeviceEvent, DeviceId, DeviceInfo, DeviceState};
use twnhi_account::messages::{Lang, Localized, Msg};
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::totp::TotpSecret;
use twnhi_account::{Email, HouseholdAddress};
use twnhi_notify::LetterKind;
use twnhi_service::{
    AppLoginInput, ApplyInput, BindDeviceInput, CancelConfirmInput, CancelDelivery,
    CancelRequestInput, ChangeDataInput, ChangePasswordInput, LetterRequest, NewAddress,
    NewPassword, ServiceError,
};
use twnhi_store::{AuditAction, OutboxStore, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_verify_login_logout() {
    let app = App::new().await;
    let caller = apply(&app, 0).await;
    let id_number = app.person(0).person.id_number.clone();
    let reg = app
        .store
        .current_registration(&id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.state, RegistrationState::PendingEmailVerification);

    // Not verified yet: the right password is told so, a wrong one is not.
    authenticate(&app.service, &caller, &app.person(0).identity)
        .await
        .unwrap();
    let err = app.service.login(&caller, &pw(PASSWORD)).await.unwrap_err();
    assert_eq!(err.msg(), Msg::EmailNotVerified);
    let err = app
        .service
        .login(&caller, &pw("Wrong#123"))
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::LoginFailed);

    let letters = app.deliver().await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].to().as_str(), "test.0@example.com");
    assert!(
        letters[0]
            .message_id()
            .as_str()
            .ends_with("@twnhi.example>")
    );
    let token = token_of(&letters[0]);

    // Another person's card cannot open the link.
    let other = app.caller().await;
    authenticate(&app.service, &other, &app.person(1).identity)
        .await
        .unwrap();
    assert!(matches!(
        app.service.verify_email(&other, &token).await,
        Err(ServiceError::CardNotRegistrant)
    ));
    // Without a card at all.
    let bare = app.caller().await;
    assert!(matches!(
        app.service.verify_email(&bare, &token).await,
        Err(ServiceError::CardRequired)
    ));
    assert_eq!(
        app.service.verify_email(&caller, &token).await.unwrap(),
        Msg::EmailVerified
    );
    // A link is used once.
    let err = app.service.verify_email(&caller, &token).await.unwrap_err();
    assert_eq!(err.msg(), Msg::LinkInvalid);
    let letters = app.deliver().await;
    assert_eq!(letters[0].kind(), LetterKind::Completion);

    // Log in: the session is renewed, the old token is void.
    let out = app.service.login(&caller, &pw(PASSWORD)).await.unwrap();
    assert_eq!(out.holder.name, app.person(0).person.name);
    assert!(
        session_gone(&app, &caller.session).await,
        "the old token is void"
    );
    let logged = new_session_caller(out.session);
    let info = app.service.session_info(&logged.session).await.unwrap();
    assert_eq!(info.registration_id, Some(out.registration_id.clone()));
    assert_eq!(app.service.logout(&logged).await.unwrap(), Msg::LoggedOut);
    assert!(matches!(
        app.service.produce_device_code(&logged).await,
        Err(ServiceError::SessionExpired)
    ));

    // The audit trail has every step, and no secrets.
    let trail = app.store.audit_trail(&out.registration_id).await.unwrap();
    let actions: Vec<_> = trail
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    for expected in [
        ("apply", "ok"),
        ("login", "pending-email-verification"),
        ("login", "bad-password"),
        ("email-verified", "ok"),
        ("login", "ok"),
        ("logout", "ok"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    for e in &trail {
        assert!(!e.detail.contains(&token));
        assert!(!e.detail.contains(id_number.as_str()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refusals_and_reapply() {
    let app = App::new().await;
    let caller = app.caller().await;
    let p = app.person(2);
    // No card authenticated.
    let input = |addr: HouseholdAddress, password: &str| ApplyInput {
        household_id: p.person.household_id.clone(),
        address: addr,
        password: pw(password),
        confirmation: pw(password),
        contacts: app.contacts(2),
    };
    assert!(matches!(
        app.service
            .apply(&caller, input(p.person.address.clone(), PASSWORD))
            .await,
        Err(ServiceError::CardRequired)
    ));
    authenticate(&app.service, &caller, &p.identity)
        .await
        .unwrap();
    // Household data not matching: one generic refusal.
    let wrong = HouseholdAddress::new("臺北市", "中正區", "錯誤里", 99).unwrap();
    let err = app
        .service
        .apply(&caller, input(wrong, PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::RegistryMismatch);
    // Password rules, all reported.
    let err = app
        .service
        .apply(
            &caller,
            input(p.person.address.clone(), p.person.id_number.as_str()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Password(_)));
    assert!(
        err.text(Lang::En)
            .contains("must not contain your ID number")
    );
    // Microsoft mail: a warning, not a refusal.
    let mut ms = input(p.person.address.clone(), PASSWORD);
    ms.contacts.email = Email::parse("someone@hotmail.com").unwrap();
    let out = app.service.apply(&caller, ms).await.unwrap();
    assert_eq!(out.warnings, vec![Msg::MicrosoftMailWarning]);
    // Applying again while pending replaces the application (new address, new letter).
    let out = app
        .service
        .apply(&caller, input(p.person.address.clone(), PASSWORD))
        .await
        .unwrap();
    assert!(out.warnings.is_empty());
    let letters = app.deliver().await;
    assert_eq!(letters.len(), 2);
    // The first link was replaced by the second.
    let err = app
        .service
        .verify_email(&caller, &token_of(&letters[0]))
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::LinkInvalid);
    app.service
        .verify_email(&caller, &token_of(&letters[1]))
        .await
        .unwrap();
    let regs = app
        .store
        .registrations_of(&p.person.id_number)
        .await
        .unwrap();
    assert_eq!(regs.len(), 1);
    assert_eq!(regs[0].contacts.email.as_str(), "test.2@example.com");
    // Applying once registered: the same answer, nothing changes, a reminder goes out.
    let out = app
        .service
        .apply(&caller, input(p.person.address.clone(), "Other#pw12"))
        .await
        .unwrap();
    assert_eq!(out.message, Msg::ApplySuccess);
    let letters = app.deliver().await;
    assert_eq!(
        letters.iter().map(|m| m.kind()).collect::<Vec<_>>(),
        [LetterKind::Completion, LetterKind::Completion]
    );
    assert_eq!(
        app.store
            .registrations_of(&p.person.id_number)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Every audit event as (action, outcome, client, detail), oldest first (events without a
/// registration included).
async fn audit_events(app: &App) -> Vec<(String, String, Option<String>, String)> {
    sqlx::query_as("SELECT action, outcome, client, detail FROM audit_events ORDER BY seq")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_check_at_next_step() {
    let app = App::new().await;
    let p = app.person(3).person.clone();
    let caller = app.caller().await;
    // No card authenticated in the session.
    assert!(matches!(
        app.service
            .apply_check(&caller, &p.household_id, &p.address)
            .await,
        Err(ServiceError::CardRequired)
    ));
    authenticate(&app.service, &caller, &app.person(3).identity)
        .await
        .unwrap();
    // Any field not matching: one generic refusal, not saying which.
    let wrong_id = twnhi_account::HouseholdId::parse("Z9999999").unwrap();
    let t = p.address.township();
    let n = if p.address.neighborhood() == 1 { 2 } else { 1 };
    let wrong_address =
        HouseholdAddress::new(t.county_zh(), t.zh(), p.address.village(), n).unwrap();
    let e1 = app
        .service
        .apply_check(&caller, &wrong_id, &p.address)
        .await
        .unwrap_err();
    let e2 = app
        .service
        .apply_check(&caller, &p.household_id, &wrong_address)
        .await
        .unwrap_err();
    for e in [&e1, &e2] {
        assert!(matches!(e, ServiceError::RegistryMismatch), "{e:?}");
    }
    assert_eq!(e1.text(Lang::ZhTw), e2.text(Lang::ZhTw));
    assert_eq!(e1.text(Lang::En), e2.text(Lang::En));
    // Matching: the card holder from the registry, and no registration created.
    let holder = app
        .service
        .apply_check(&caller, &p.household_id, &p.address)
        .await
        .unwrap();
    assert_eq!(holder.name, p.name);
    assert_eq!(holder.id_number_masked, p.id_number.masked());
    assert!(
        app.store
            .current_registration(&p.id_number)
            .await
            .unwrap()
            .is_none()
    );
    // Audited, with the client address, without the full ID number.
    let events = audit_events(&app).await;
    let checks: Vec<_> = events
        .iter()
        .filter(|e| e.0 == "apply-check")
        .map(|e| e.1.as_str())
        .collect();
    assert_eq!(
        checks,
        ["registry-mismatch", "registry-mismatch", "ok"],
        "{events:?}"
    );
    for e in events.iter().filter(|e| e.0 == "apply-check") {
        assert_eq!(e.2.as_deref(), Some("192.0.2.10"));
        assert!(!e.3.contains(p.id_number.as_str()));
    }

    // Defence in depth: `apply` checks the household data again.
    let err = app
        .service
        .apply(
            &caller,
            ApplyInput {
                household_id: p.household_id.clone(),
                address: wrong_address.clone(),
                password: pw(PASSWORD),
                confirmation: pw(PASSWORD),
                contacts: app.contacts(3),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::RegistryMismatch));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_check_does_not_tell_who_is_registered() {
    let app = App::new().await;
    register(&app, 0).await;
    app.deliver().await;
    let count = |app: &App| {
        let pool = app.store.pool().clone();
        async move {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM registrations")
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    let before = count(&app).await;
    // A registered person and one who is not: the same answers, nothing changes.
    for i in [0, 1] {
        let p = app.person(i).person.clone();
        let caller = app.caller().await;
        authenticate(&app.service, &caller, &app.person(i).identity)
            .await
            .unwrap();
        let holder = app
            .service
            .apply_check(&caller, &p.household_id, &p.address)
            .await
            .unwrap();
        assert_eq!(holder.name, p.name);
        let wrong = twnhi_account::HouseholdId::parse("Z9999999").unwrap();
        let err = app
            .service
            .apply_check(&caller, &wrong, &p.address)
            .await
            .unwrap_err();
        assert_eq!(err.msg(), Msg::RegistryMismatch);
    }
    assert_eq!(count(&app).await, before);
    assert!(app.deliver().await.is_empty(), "no letter either way");
    let outcomes: Vec<_> = audit_events(&app)
        .await
        .into_iter()
        .filter(|e| e.0 == "apply-check")
        .map(|e| e.1)
        .collect();
    assert_eq!(
        outcomes,
        ["ok", "registry-mismatch", "ok", "registry-mismatch"],
        "the trail does not tell them apart either"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_check_is_throttled_with_apply() {
    let app = App::new().await;
    let p = app.person(4).person.clone();
    let caller = app.caller().await;
    authenticate(&app.service, &caller, &app.person(4).identity)
        .await
        .unwrap();
    let wrong = twnhi_account::HouseholdId::parse("Z9999999").unwrap();
    // Five free failures per card, the sixth starts the back-off.
    for _ in 0..6 {
        assert!(matches!(
            app.service.apply_check(&caller, &wrong, &p.address).await,
            Err(ServiceError::RegistryMismatch)
        ));
    }
    // Refused now even with the right data, at this step and when applying (one counter).
    let err = app
        .service
        .apply_check(&caller, &p.household_id, &p.address)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Throttled { .. }), "{err:?}");
    let err = app
        .service
        .apply(
            &caller,
            ApplyInput {
                household_id: p.household_id.clone(),
                address: p.address.clone(),
                password: pw(PASSWORD),
                confirmation: pw(PASSWORD),
                contacts: app.contacts(4),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Throttled { .. }), "{err:?}");
    // After the back-off the right data pass, and the count starts again.
    app.clock.advance(TimeDelta::seconds(2));
    app.service
        .apply_check(&caller, &p.household_id, &p.address)
        .await
        .unwrap();
    assert!(matches!(
        app.service.apply_check(&caller, &wrong, &p.address).await,
        Err(ServiceError::RegistryMismatch)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_authentication_rules() {
    let app = App::new().await;
    let caller = app.caller().await;
    // A card keyed with another master key fails at the card (au refused): not verified.
    let mut forged = app.person(0).identity.clone();
    forged.card_key = [0xAA; 16];
    assert!(matches!(
        authenticate(&app.service, &caller, &forged).await,
        Err(ServiceError::CardNotVerified)
    ));
    // A card the registry does not know.
    let mut unknown = app.person(0).identity.clone();
    unknown.card_no = "000099999999".into();
    let unknown = unknown.with_master_key(&twnhi_card::auth::MasterKey::from_bytes(MASTER));
    assert!(matches!(
        authenticate(&app.service, &caller, &unknown).await,
        Err(ServiceError::CardNotVerified)
    ));
    // A nonce is bound to its session and used once.
    let nonce = app.service.card_auth_begin(&caller).await.unwrap();
    let other = app.caller().await;
    assert!(matches!(
        app.service
            .card_auth_respond(&other, &nonce.nonce, "000011112222", &[1; 8])
            .await,
        Err(ServiceError::CardAuthExpired)
    ));
    let _ = app
        .service
        .card_auth_respond(
            &caller,
            &nonce.nonce,
            app.person(0).identity.card_no.as_str(),
            &[1; 8],
        )
        .await
        .unwrap();
    // Answered once only.
    assert!(matches!(
        app.service
            .card_auth_respond(&caller, &nonce.nonce, "000011112222", &[1; 8])
            .await,
        Err(ServiceError::CardAuthExpired)
    ));
    // Malformed input is refused, not a panic.
    let n2 = app.service.card_auth_begin(&caller).await.unwrap();
    assert!(
        app.service
            .card_auth_respond(&caller, &n2.nonce, "12", &[1; 8])
            .await
            .is_err()
    );
    assert!(
        app.service
            .card_auth_respond(&caller, &n2.nonce, "000011112222", &[1; 3])
            .await
            .is_err()
    );
    assert!(
        app.service
            .card_auth_finish(&caller, "garbage", &[0; 16])
            .await
            .is_err()
    );
    // Expired nonce (2 minutes).
    let n3 = app.service.card_auth_begin(&caller).await.unwrap();
    app.clock.advance(TimeDelta::minutes(3));
    assert!(matches!(
        app.service
            .card_auth_respond(&caller, &n3.nonce, "000011112222", &[1; 8])
            .await,
        Err(ServiceError::CardAuthExpired)
    ));
    // A genuine card works, and the session shows the registry's data.
    let holder = authenticate(&app.service, &caller, &app.person(0).identity)
        .await
        .unwrap();
    let info = app.service.session_info(&caller.session).await.unwrap();
    assert_eq!(info.card.unwrap(), holder);
    assert_eq!(
        holder.id_number_masked,
        app.person(0).person.id_number.masked()
    );
    // The card authentication goes stale after its validity.
    app.clock.advance(TimeDelta::minutes(11));
    assert!(
        app.service
            .session_info(&caller.session)
            .await
            .unwrap()
            .card
            .is_none()
    );
    assert!(matches!(
        app.service.login(&caller, &pw(PASSWORD)).await,
        Err(ServiceError::CardRequired)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_and_app() {
    let app = App::new().await;
    register(&app, 0).await;
    let web = login(&app, 0, PASSWORD).await;
    let id_number = app.person(0).person.id_number.clone();
    let code = app.service.produce_device_code(&web).await.unwrap();
    assert_eq!(code.code.len(), 8);
    assert!(
        code.valid_until(Lang::ZhTw)
            .starts_with("裝置認證碼有效時間至 民國113年5月1日 10:10:00")
    );
    let device = DeviceId::parse("3F2504E0-4F89-11D3-9A0C-0305E82C3301").unwrap();
    let bind = |code: &str| BindDeviceInput {
        id_number: id_number.clone(),
        code: code.to_owned(),
        device_id: device.clone(),
        info: DeviceInfo::new("Android", "Sony Xperia").unwrap(),
    };
    let err = app
        .service
        .bind_device(None, bind("WRONG123"))
        .await
        .unwrap_err();
    assert_eq!(err.text(Lang::ZhTw), "驗證碼錯誤，您還可以再輸入4次。");
    let bound = app
        .service
        .bind_device(None, bind(&code.code))
        .await
        .unwrap();
    assert_eq!(bound.message, Msg::DeviceVerified);
    let err = app
        .service
        .bind_device(None, bind(&code.code))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ServiceError::Secret {
            kind: SecretKind::DeviceCode,
            ..
        }
    ));

    // The app logs in with password, device and TOTP.
    let secret = TotpSecret::from_base32(&bound.totp_secret).unwrap();
    let policy = app.service.config().totp;
    let totp = policy.code_at(&secret, app.clock_now()).unwrap();
    let login_input = |code: &str, password: &str| AppLoginInput {
        id_number: id_number.clone(),
        password: pw(password),
        device_id: device.clone(),
        totp_code: code.to_owned(),
    };
    assert!(matches!(
        app.service
            .app_login(None, login_input(&totp, "Wrong#123"))
            .await,
        Err(ServiceError::LoginFailed)
    ));
    let session = app
        .service
        .app_login(None, login_input(&totp, PASSWORD))
        .await
        .unwrap();
    assert!(app.service.app_session(&session.token).await.is_ok());
    // No TOTP code twice.
    let err = app
        .service
        .app_login(None, login_input(&totp, PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::TotpReplayed);

    // Management: list, disable (the app stops), enable, delete.
    let rows = app.service.list_devices(&web).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].device_id_masked,
        "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXX3301"
    );
    assert_eq!(rows[0].verified_at_roc, "113/05/01 10:00:00");
    assert_eq!(rows[0].state, DeviceState::Active);
    assert_eq!(
        app.service
            .manage_device(&web, &device, DeviceEvent::Disable)
            .await
            .unwrap(),
        Msg::DeviceUpdated
    );
    assert!(app.service.app_session(&session.token).await.is_err());
    app.clock.advance(TimeDelta::seconds(60));
    let totp2 = policy.code_at(&secret, app.clock_now()).unwrap();
    assert_eq!(
        app.service
            .app_login(None, login_input(&totp2, PASSWORD))
            .await
            .unwrap_err()
            .msg(),
        Msg::DeviceNotActive
    );
    let err = app
        .service
        .manage_device(&web, &device, DeviceEvent::Disable)
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::DeviceAlreadyDisabled);
    app.service
        .manage_device(&web, &device, DeviceEvent::Enable)
        .await
        .unwrap();
    assert!(app.service.app_session(&session.token).await.is_ok());
    app.service
        .manage_device(&web, &device, DeviceEvent::Delete)
        .await
        .unwrap();
    assert!(app.service.list_devices(&web).await.unwrap().is_empty());
    assert!(app.service.app_session(&session.token).await.is_err());
    // Re-binding (a reinstalled app) brings it back, active.
    let code = app.service.produce_device_code(&web).await.unwrap();
    app.service
        .bind_device(None, bind(&code.code))
        .await
        .unwrap();
    assert_eq!(
        app.service.list_devices(&web).await.unwrap()[0].state,
        DeviceState::Active
    );
    // Another code replaces an unused one.
    let c1 = app.service.produce_device_code(&web).await.unwrap();
    let _c2 = app.service.produce_device_code(&web).await.unwrap();
    assert!(app.service.bind_device(None, bind(&c1.code)).await.is_err());
    // Expired after 10 minutes.
    let c3 = app.service.produce_device_code(&web).await.unwrap();
    app.clock.advance(TimeDelta::minutes(11));
    assert_eq!(
        app.service
            .bind_device(None, bind(&c3.code))
            .await
            .unwrap_err()
            .msg(),
        Msg::DeviceCodeExpired
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_view_of_the_logged_in_registration() {
    let app = App::new().await;
    register(&app, 5).await;
    let web = login(&app, 5, PASSWORD).await;
    let p = app.person(5).person.clone();
    let view = app.service.account_view(&web).await.unwrap();
    assert_eq!(view.name, p.name, "from the registry");
    assert_eq!(view.id_number_masked, p.id_number.masked());
    assert_eq!(view.state, RegistrationState::Active);
    assert_eq!(view.contacts, app.contacts(5));
    let reg = app
        .store
        .current_registration(&p.id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.registration_id, reg.id);
    // Changed data show at once.
    let mut contacts = app.contacts(5);
    contacts.mobile_phone = twnhi_account::MobilePhone::parse("0987654321").unwrap();
    app.service
        .change_data(
            &web,
            ChangeDataInput {
                contacts: contacts.clone(),
                current_password: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        app.service.account_view(&web).await.unwrap().contacts,
        contacts
    );
    // Only a logged-in session has an account.
    let anonymous = app.caller().await;
    authenticate(&app.service, &anonymous, &app.person(5).identity)
        .await
        .unwrap();
    assert!(matches!(
        app.service.account_view(&anonymous).await,
        Err(ServiceError::SessionExpired)
    ));
    app.service.logout(&web).await.unwrap();
    assert!(matches!(
        app.service.account_view(&web).await,
        Err(ServiceError::SessionExpired)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_devices_and_app_logout() {
    let app = App::new().await;
    register(&app, 6).await;
    let web = login(&app, 6, PASSWORD).await;
    let id_number = app.person(6).person.id_number.clone();
    let policy = app.service.config().totp;
    let mut secrets = Vec::new();
    for (device, model) in [("dev-a-0001", "Pixel"), ("dev-b-0002", "iPhone")] {
        let code = app.service.produce_device_code(&web).await.unwrap();
        let bound = app
            .service
            .bind_device(
                None,
                BindDeviceInput {
                    id_number: id_number.clone(),
                    code: code.code.to_string(),
                    device_id: DeviceId::parse(device).unwrap(),
                    info: DeviceInfo::new("Android", model).unwrap(),
                },
            )
            .await
            .unwrap();
        secrets.push(TotpSecret::from_base32(&bound.totp_secret).unwrap());
        app.clock.advance(TimeDelta::seconds(60));
    }
    let app_login = |i: usize, device: &str| {
        let totp = policy.code_at(&secrets[i], app.clock_now()).unwrap();
        AppLoginInput {
            id_number: id_number.clone(),
            password: pw(PASSWORD),
            device_id: DeviceId::parse(device).unwrap(),
            totp_code: totp,
        }
    };
    let a = app
        .service
        .app_login(Some("192.0.2.20"), app_login(0, "dev-a-0001"))
        .await
        .unwrap();
    let b = app
        .service
        .app_login(Some("192.0.2.20"), app_login(1, "dev-b-0002"))
        .await
        .unwrap();

    // The list: most recently verified first, the token's own device marked.
    let list = app.service.app_devices(&a.token).await.unwrap();
    let rows: Vec<_> = list
        .iter()
        .map(|d| (d.device.model.as_str(), d.this_device))
        .collect();
    assert_eq!(rows, [("iPhone", false), ("Pixel", true)]);
    assert_eq!(list[1].device.verified_at, t0());
    assert_eq!(list[1].device.verified_at_roc, "113/05/01 10:00:00");
    assert_eq!(list[1].device.device_id_masked, "XXX-X-0001");
    // A disabled device leaves the list of the other's token, and its own token stops.
    app.service
        .manage_device(
            &web,
            &DeviceId::parse("dev-b-0002").unwrap(),
            DeviceEvent::Disable,
        )
        .await
        .unwrap();
    let list = app.service.app_devices(&a.token).await.unwrap();
    assert_eq!(list[0].device.state, DeviceState::Disabled);
    assert_eq!(
        app.service.app_devices(&b.token).await.unwrap_err().msg(),
        Msg::DeviceNotActive
    );
    // A browser session's token is no app token.
    assert!(matches!(
        app.service.app_devices(&web.session).await,
        Err(ServiceError::SessionExpired)
    ));

    // Logout: the token ends now, even the disabled device's; once.
    assert_eq!(
        app.service
            .app_logout(Some("192.0.2.20"), &a.token)
            .await
            .unwrap(),
        Msg::LoggedOut
    );
    assert!(matches!(
        app.service.app_devices(&a.token).await,
        Err(ServiceError::SessionExpired)
    ));
    assert!(app.service.app_session(&a.token).await.is_err());
    assert!(matches!(
        app.service.app_logout(None, &a.token).await,
        Err(ServiceError::SessionExpired)
    ));
    assert_eq!(
        app.service.app_logout(None, &b.token).await.unwrap(),
        Msg::LoggedOut
    );
    // Not a way to end a browser session.
    assert!(matches!(
        app.service.app_logout(None, &web.session).await,
        Err(ServiceError::SessionExpired)
    ));
    assert!(app.service.account_view(&web).await.is_ok());
    // Another token of the same device is not touched by a logout.
    app.clock.advance(TimeDelta::seconds(60));
    let c = app
        .service
        .app_login(None, app_login(0, "dev-a-0001"))
        .await
        .unwrap();
    app.clock.advance(TimeDelta::seconds(60));
    let d = app
        .service
        .app_login(None, app_login(0, "dev-a-0001"))
        .await
        .unwrap();
    app.service.app_logout(None, &c.token).await.unwrap();
    assert!(app.service.app_devices(&d.token).await.is_ok());

    // An expired token: refused, its record removed.
    app.clock.advance(app.service.config().app_token_lifetime);
    assert!(matches!(
        app.service.app_logout(None, &d.token).await,
        Err(ServiceError::SessionExpired)
    ));
    assert!(
        app.store
            .session(&d.token.digest())
            .await
            .unwrap()
            .is_none()
    );

    // Audited with the registration, the client address and the masked device.
    let trail = app.store.audit_trail(&a.registration_id).await.unwrap();
    let logouts: Vec<_> = trail
        .iter()
        .filter(|e| e.action == AuditAction::AppLogout)
        .map(|e| (e.outcome.as_str(), e.client.as_deref(), e.detail.as_str()))
        .collect();
    assert_eq!(
        logouts,
        [
            ("ok", Some("192.0.2.20"), "device=XXX-X-0001"),
            ("ok", None, "device=XXX-X-0002"),
            ("ok", None, "device=XXX-X-0001"),
        ]
    );
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}
impl ClockNow for App {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use twnhi_account::Clock as _;
        self.clock.now()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_ends_every_session() {
    let app = App::new().await;
    register(&app, 1).await;
    let web = login(&app, 1, PASSWORD).await;
    let other_web = login(&app, 1, PASSWORD).await;
    let id_number = app.person(1).person.id_number.clone();
    // An app token too.
    let code = app.service.produce_device_code(&web).await.unwrap();
    let device = DeviceId::parse("tablet-0001").unwrap();
    let bound = app
        .service
        .bind_device(
            None,
            BindDeviceInput {
                id_number: id_number.clone(),
                code: code.code.to_string(),
                device_id: device.clone(),
                info: DeviceInfo::new("iOS", "iPad").unwrap(),
            },
        )
        .await
        .unwrap();
    let secret = TotpSecret::from_base32(&bound.totp_secret).unwrap();
    let totp = app
        .service
        .config()
        .totp
        .code_at(&secret, app.clock_now())
        .unwrap();
    let app_session = app
        .service
        .app_login(
            None,
            AppLoginInput {
                id_number: id_number.clone(),
                password: pw(PASSWORD),
                device_id: device,
                totp_code: totp,
            },
        )
        .await
        .unwrap();

    let change = |current: &str| ChangePasswordInput {
        current: pw(current),
        password: pw(NEW_PASSWORD),
        confirmation: pw(NEW_PASSWORD),
    };
    assert!(matches!(
        app.service.change_password(&web, change("Wrong#123")).await,
        Err(ServiceError::CurrentPasswordIncorrect)
    ));
    assert_eq!(
        app.service
            .change_password(&web, change(PASSWORD))
            .await
            .unwrap(),
        Msg::PasswordChanged
    );
    for s in [&web, &other_web] {
        assert!(session_gone(&app, &s.session).await);
    }
    assert!(app.service.app_session(&app_session.token).await.is_err());
    let letters = app.deliver().await;
    assert!(
        letters
            .iter()
            .any(|m| m.kind() == LetterKind::PasswordChanged)
    );
    // The new password works, the old one does not.
    let caller = app.caller().await;
    authenticate(&app.service, &caller, &app.person(1).identity)
        .await
        .unwrap();
    assert!(app.service.login(&caller, &pw(PASSWORD)).await.is_err());
    assert!(app.service.login(&caller, &pw(NEW_PASSWORD)).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_data_needs_reauthentication_for_email() {
    let app = App::new().await;
    register(&app, 3).await;
    let web = login(&app, 3, PASSWORD).await;
    app.deliver().await;
    // Phones only: no password needed.
    let mut contacts = app.contacts(3);
    contacts.local_phone = Some(twnhi_account::LocalPhone::parse("(02)2345-6789#12").unwrap());
    let out = app
        .service
        .change_data(
            &web,
            ChangeDataInput {
                contacts: contacts.clone(),
                current_password: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(out.message, Msg::DataSaved);
    // A new address needs the current password.
    contacts.email = Email::parse("new.address@outlook.com").unwrap();
    assert!(matches!(
        app.service
            .change_data(
                &web,
                ChangeDataInput {
                    contacts: contacts.clone(),
                    current_password: None
                }
            )
            .await,
        Err(ServiceError::ReauthenticationRequired)
    ));
    assert!(matches!(
        app.service
            .change_data(
                &web,
                ChangeDataInput {
                    contacts: contacts.clone(),
                    current_password: Some(pw("Wrong#123"))
                }
            )
            .await,
        Err(ServiceError::CurrentPasswordIncorrect)
    ));
    let out = app
        .service
        .change_data(
            &web,
            ChangeDataInput {
                contacts,
                current_password: Some(pw(PASSWORD)),
            },
        )
        .await
        .unwrap();
    assert_eq!(out.warnings, vec![Msg::MicrosoftMailWarning]);
    let letters = app.deliver().await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].kind(), LetterKind::EmailChanged);
    assert_eq!(
        letters[0].to().as_str(),
        "test.3@example.com",
        "the old address is told"
    );
    let reg = app
        .store
        .current_registration(&app.person(3).person.id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.contacts.email.as_str(), "new.address@outlook.com");
    assert!(reg.contacts.local_phone.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_confirmation_to_a_new_address() {
    let app = App::new().await;
    let caller = apply(&app, 4).await;
    app.deliver().await;
    let p = app.person(4);
    // Registered address.
    assert_eq!(
        app.service
            .resend_confirmation(&caller, LetterRequest::default())
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    let letters = app.deliver().await;
    assert_eq!(letters[0].to().as_str(), "test.4@example.com");
    // New address: household address must match the registry, mobile the registration.
    let new = |mobile: &str| LetterRequest {
        new_address: Some(NewAddress {
            email: Email::parse("fresh.box@example.org").unwrap(),
            address: p.person.address.clone(),
            mobile_phone: twnhi_account::MobilePhone::parse(mobile).unwrap(),
        }),
    };
    // Wrong mobile: the same answer, no letter.
    assert_eq!(
        app.service
            .resend_confirmation(&caller, new("0987654321"))
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    assert!(app.deliver().await.is_empty());
    app.service
        .resend_confirmation(&caller, new("0912345604"))
        .await
        .unwrap();
    let letters = app.deliver().await;
    assert_eq!(letters[0].to().as_str(), "fresh.box@example.org");
    app.service
        .verify_email(&caller, &token_of(&letters[0]))
        .await
        .unwrap();
    // Once active, resending answers the same and sends nothing.
    assert_eq!(
        app.service
            .resend_confirmation(&caller, LetterRequest::default())
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    assert_eq!(
        app.deliver()
            .await
            .iter()
            .filter(|m| m.kind() == LetterKind::Confirmation)
            .count(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_and_reset_password() {
    let app = App::new().await;
    let caller = register(&app, 5).await;
    let web = login(&app, 5, PASSWORD).await;
    app.deliver().await;
    assert_eq!(
        app.service
            .forgot_password(&caller, LetterRequest::default())
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    let letters = app.deliver().await;
    assert_eq!(letters[0].kind(), LetterKind::PasswordReset);
    let token = token_of(&letters[0]);
    let new_pw = || NewPassword {
        password: pw(NEW_PASSWORD),
        confirmation: pw(NEW_PASSWORD),
    };
    // Another card cannot use the link.
    let other = app.caller().await;
    authenticate(&app.service, &other, &app.person(6).identity)
        .await
        .unwrap();
    assert!(matches!(
        app.service.reset_password(&other, &token, new_pw()).await,
        Err(ServiceError::CardNotRegistrant)
    ));
    assert_eq!(
        app.service
            .reset_password(&caller, &token, new_pw())
            .await
            .unwrap(),
        Msg::PasswordResetDone
    );
    assert!(
        app.service
            .reset_password(&caller, &token, new_pw())
            .await
            .is_err()
    );
    assert!(session_gone(&app, &web.session).await, "sessions ended");
    let letters = app.deliver().await;
    assert_eq!(letters[0].kind(), LetterKind::PasswordChanged);
    login(&app, 5, NEW_PASSWORD).await;
    // The reset link expires after an hour.
    app.service
        .forgot_password(&caller, LetterRequest::default())
        .await
        .unwrap();
    let token = token_of(&app.deliver().await[0]);
    app.clock.advance(TimeDelta::minutes(61));
    let caller = app.caller().await;
    authenticate(&app.service, &caller, &app.person(5).identity)
        .await
        .unwrap();
    let err = app
        .service
        .reset_password(&caller, &token, new_pw())
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::LinkInvalid);
    // Unregistered person: the same answer, no letter.
    let stranger = app.caller().await;
    authenticate(&app.service, &stranger, &app.person(7).identity)
        .await
        .unwrap();
    assert_eq!(
        app.service
            .forgot_password(&stranger, LetterRequest::default())
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    assert!(app.deliver().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_end_to_end() {
    let app = App::new().await;
    register(&app, 6).await;
    let web = login(&app, 6, PASSWORD).await;
    app.deliver().await;
    let p = app.person(6).person.clone();
    let caller = app.caller().await;
    let request = |captcha: &str, delivery| CancelRequestInput {
        id_number: p.id_number.clone(),
        card_number: p.card_number.clone(),
        captcha: captcha.to_owned(),
        delivery,
    };
    // Wrong captcha.
    let _ = app.service.new_captcha(&caller).await.unwrap();
    let err = app
        .service
        .request_cancellation(&caller, request("00000x", CancelDelivery::RegisteredEmail))
        .await
        .unwrap_err();
    assert_eq!(err.msg(), Msg::CaptchaIncorrect);
    // Right captcha: the letter with the code.
    let answer = app.service.new_captcha(&caller).await.unwrap();
    assert_eq!(
        app.service
            .request_cancellation(&caller, request(&answer, CancelDelivery::RegisteredEmail))
            .await
            .unwrap(),
        Msg::CancelRequested
    );
    // A captcha is used once.
    assert!(
        app.service
            .request_cancellation(&caller, request(&answer, CancelDelivery::RegisteredEmail))
            .await
            .is_err()
    );
    let letters = app.deliver().await;
    assert_eq!(letters[0].kind(), LetterKind::CancellationConfirm);
    let code = code_of(&letters[0]);
    // Until confirmed, the registration keeps working.
    assert!(app.service.produce_device_code(&web).await.is_ok());
    let confirm = |code: &str, captcha: &str| CancelConfirmInput {
        id_number: p.id_number.clone(),
        code: code.to_owned(),
        captcha: captcha.to_owned(),
    };
    let answer = app.service.new_captcha(&caller).await.unwrap();
    let err = app
        .service
        .confirm_cancellation(&caller, confirm("WRONG123", &answer))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ServiceError::Secret {
            error: SecretError::Mismatch { attempts_left: 4 },
            ..
        }
    ));
    let answer = app.service.new_captcha(&caller).await.unwrap();
    assert_eq!(
        app.service
            .confirm_cancellation(&caller, confirm(&code, &answer))
            .await
            .unwrap(),
        Msg::CancelConfirmed
    );
    assert!(session_gone(&app, &web.session).await, "sessions ended");
    let letters = app.deliver().await;
    assert_eq!(letters[0].kind(), LetterKind::Deleted);
    assert!(letters[0].letter().text().contains("民國113年5月1日"));
    assert!(
        app.store
            .current_registration(&p.id_number)
            .await
            .unwrap()
            .is_none()
    );
    // A cancelled person may apply again: a new registration.
    apply(&app, 6).await;
    let regs = app.store.registrations_of(&p.id_number).await.unwrap();
    assert_eq!(regs.len(), 2);
    assert_eq!(
        regs.iter()
            .filter(|r| r.state == RegistrationState::Cancelled)
            .count(),
        1
    );

    // To a new address: the household ID and address must match the registry; same answer
    // otherwise.
    register(&app, 7).await;
    app.deliver().await;
    let q = app.person(7).person.clone();
    let answer = app.service.new_captcha(&caller).await.unwrap();
    let new_address = CancelDelivery::NewEmail {
        email: Email::parse("lost.box@example.net").unwrap(),
        household_id: q.household_id.clone(),
        address: HouseholdAddress::new("臺北市", "中正區", "錯誤里", 9).unwrap(),
    };
    let req = CancelRequestInput {
        id_number: q.id_number.clone(),
        card_number: q.card_number.clone(),
        captcha: answer.to_string(),
        delivery: new_address,
    };
    assert_eq!(
        app.service
            .request_cancellation(&caller, req)
            .await
            .unwrap(),
        Msg::CancelRequested
    );
    assert!(app.deliver().await.is_empty());
    let answer = app.service.new_captcha(&caller).await.unwrap();
    let req = CancelRequestInput {
        id_number: q.id_number.clone(),
        card_number: q.card_number.clone(),
        captcha: answer.to_string(),
        delivery: CancelDelivery::NewEmail {
            email: Email::parse("lost.box@example.net").unwrap(),
            household_id: q.household_id.clone(),
            address: q.address.clone(),
        },
    };
    app.service
        .request_cancellation(&caller, req)
        .await
        .unwrap();
    let letters = app.deliver().await;
    let to_new = letters
        .iter()
        .find(|l| l.to().as_str() == "lost.box@example.net")
        .unwrap();
    assert_eq!(to_new.kind(), LetterKind::CancellationConfirm);
    assert!(
        !to_new.letter().text().contains(&q.name),
        "no name to an unverified address"
    );
    let notice = letters
        .iter()
        .find(|l| l.to().as_str() == "test.7@example.com")
        .unwrap();
    assert_eq!(notice.kind(), LetterKind::CancellationNotice);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_suspend_reinstate_and_show() {
    let app = App::new().await;
    register(&app, 0).await;
    let web = login(&app, 0, PASSWORD).await;
    let id = app.person(0).person.id_number.clone();
    assert_eq!(
        app.service.suspend(&id, "counter-7").await.unwrap(),
        Msg::CounterSuspended
    );
    assert!(session_gone(&app, &web.session).await, "sessions ended");
    let caller = app.caller().await;
    authenticate(&app.service, &caller, &app.person(0).identity)
        .await
        .unwrap();
    assert_eq!(
        app.service
            .login(&caller, &pw(PASSWORD))
            .await
            .unwrap_err()
            .msg(),
        Msg::RegistrationSuspended
    );
    assert!(
        app.service.suspend(&id, "counter-7").await.is_err(),
        "suspended already"
    );
    assert_eq!(
        app.service.reinstate(&id, "counter-7").await.unwrap(),
        Msg::CounterReinstated
    );
    assert!(app.service.login(&caller, &pw(PASSWORD)).await.is_ok());
    let report = app.service.show(&id).await.unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!(report[0].state, RegistrationState::Active);
    assert_eq!(report[0].email_masked, "t***@example.com");
    let actions: Vec<_> = report[0].audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"suspended") && actions.contains(&"reinstated"));
    assert!(matches!(
        app.service.show(&app.person(5).person.id_number).await,
        Err(ServiceError::NotRegistered)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_hours_and_throttling() {
    let app = App::new().await;
    register(&app, 0).await;
    let caller = app.caller().await;
    authenticate(&app.service, &caller, &app.person(0).identity)
        .await
        .unwrap();
    // Three free failures, then back-off.
    for _ in 0..4 {
        assert!(matches!(
            app.service.login(&caller, &pw("Wrong#123")).await,
            Err(ServiceError::LoginFailed)
        ));
    }
    let err = app.service.login(&caller, &pw(PASSWORD)).await.unwrap_err();
    assert!(matches!(err, ServiceError::Throttled { .. }));
    assert!(
        err.text(Lang::ZhTw)
            .starts_with("嘗試次數過多，請於 民國113年5月1日")
    );
    app.clock.advance(TimeDelta::seconds(2));
    assert!(app.service.login(&caller, &pw(PASSWORD)).await.is_ok());
    // 03:00 in Taipei: closed.
    app.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 5, 1, 19, 0, 0).unwrap());
    let closed = app.caller().await;
    let err = app.service.card_auth_begin(&closed).await.unwrap_err();
    assert_eq!(err.msg(), Msg::ServiceHours);
    assert_eq!(err.text(Lang::En), "Operating Hours : 6a.m.-12a.m. daily");
    assert!(!app.service.is_open());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_retries_and_gives_up() {
    let app = App::new().await;
    apply(&app, 0).await;
    app.mailer.fail_next(2);
    let r = app.worker.run_once().await.unwrap();
    assert_eq!((r.sent, r.retried), (0, 1));
    // Not due again before its back-off.
    assert_eq!(app.worker.run_once().await.unwrap().claimed, 0);
    app.clock.advance(TimeDelta::seconds(1));
    let r = app.worker.run_once().await.unwrap();
    assert_eq!(r.retried, 1);
    app.clock.advance(TimeDelta::seconds(2));
    let r = app.worker.run_once().await.unwrap();
    assert_eq!(r.sent, 1);
    let sent = app.mailer.sent();
    assert_eq!(sent.len(), 1);
    let (pending, delivered, failed) = app.store.counts().await.unwrap();
    assert_eq!((pending, delivered, failed), (0, 1, 0));
    // The payload is wiped once sent.
    let payload: Option<Vec<u8>> = sqlx::query_scalar("SELECT payload FROM outbox")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(payload.is_none());
    // Too many failures: given up, recorded in the audit trail.
    apply(&app, 1).await;
    app.mailer.fail_next(100);
    for _ in 0..6 {
        app.worker.run_once().await.unwrap();
        app.clock.advance(TimeDelta::seconds(10));
    }
    let (_, _, failed) = app.store.counts().await.unwrap();
    assert_eq!(failed, 1);
    let reg = app
        .store
        .current_registration(&app.person(1).person.id_number)
        .await
        .unwrap()
        .unwrap();
    let trail = app.store.audit_trail(&reg.id).await.unwrap();
    assert!(trail.iter().any(|e| e.action == AuditAction::LetterFailed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_worker_delivers_promptly() {
    let app = App::new().await;
    let handle = twnhi_service::OutboxWorker::new(
        &app.service,
        app.store.clone(),
        std::sync::Arc::new(app.mailer.clone()),
    )
    .spawn();
    apply(&app, 0).await;
    let mut waited = 0;
    while app.mailer.sent().is_empty() && waited < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waited += 1;
    }
    assert_eq!(app.mailer.sent().len(), 1);
    handle.shutdown().await;
}

#[test]
fn default_config_hashes_at_owasp_strength_or_more() {
    let config = twnhi_service::ServiceConfig::new(
        twnhi_notify::PublicBaseUrl::parse("https://twnhi.example/").unwrap(),
        Email::parse("noreply@twnhi.example").unwrap(),
    );
    assert!(config.hash_policy.meets_owasp_minimum());
    assert!(config.hash_policy.m_kib() >= 19 * 1024 && config.hash_policy.t() >= 2);
    assert_eq!(
        config.service_hours,
        twnhi_account::roc::ServiceHours::DEFAULT
    );
}
