//! The site tried as an attacker and an operator would (SPEC §5): strangers who know only an
//! ID or card number, people behind one address, password guessing, enumeration through the
//! throttle, cancellation without the card, letter flooding, session bookkeeping, and
//! hashing under a burst. Each test was written against the defect it names and failed
//! before the fix.

use std::sync::Arc;

use crate::common::*;
use chrono::TimeDelta;
use twnhi_account::device::{DeviceId, DeviceInfo};
use twnhi_account::messages::{Lang, Localized, Msg};
use twnhi_account::password::HashPolicy;
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::SecretError;
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_account::totp::TotpSecret;
use twnhi_account::{Email, IdNumber};
use twnhi_notify::LetterKind;
use twnhi_service::{
    AppLoginInput, BindDeviceInput, Caller, CancelConfirmInput, CancelDelivery, CancelRequestInput,
    HashingConfig, LetterCaps, LetterRequest, NewPassword, ServiceError,
};
use twnhi_store::Store as _;

/// Binds a device for person `i` (logged in on the site) and returns its id and TOTP secret.
async fn bind_device(app: &App, i: usize, device: &str) -> (DeviceId, TotpSecret) {
    let web = login(app, i, PASSWORD).await;
    let code = app.service.produce_device_code(&web).await.unwrap();
    let device = DeviceId::parse(device).unwrap();
    let bound = app
        .service
        .bind_device(
            Some("203.0.113.200"),
            BindDeviceInput {
                id_number: app.person(i).person.id_number.clone(),
                code: code.code.to_string(),
                device_id: device.clone(),
                info: DeviceInfo::new("Android", "Pixel 8").unwrap(),
            },
        )
        .await
        .unwrap();
    (device, TotpSecret::from_base32(&bound.totp_secret).unwrap())
}

/// The test configuration, open day and night (tests that wait days of back-off).
fn always_open() -> twnhi_service::ServiceConfig {
    let mut c = config();
    c.service_hours = twnhi_account::roc::ServiceHours::ALWAYS;
    c
}

fn now(app: &App) -> chrono::DateTime<chrono::Utc> {
    twnhi_account::Clock::now(&*app.clock)
}

fn totp_now(app: &App, secret: &TotpSecret) -> String {
    app.service.config().totp.code_at(secret, now(app)).unwrap()
}

fn app_login(id: &IdNumber, password: &str, device: &DeviceId, totp: &str) -> AppLoginInput {
    AppLoginInput {
        id_number: id.clone(),
        password: pw(password),
        device_id: device.clone(),
        totp_code: totp.to_owned(),
    }
}

/// A caller with the card of person `i` authenticated, from `client`.
async fn with_card(app: &App, i: usize, client: &str) -> Caller {
    let caller = app.caller_at(client).await;
    authenticate(&app.service, &caller, &app.person(i).identity)
        .await
        .unwrap();
    caller
}

// ----- item 3: a stranger cannot keep the card holder out --------------------------------------

/// Regression: 5 wrong app logins from anywhere, knowing only the ID number, refused the
/// owner's card login with the right password (one counter per registration for every path).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_with_only_an_id_number_cannot_keep_the_card_holder_out() {
    let app = App::new().await;
    register(&app, 0).await;
    let (device, secret) = bind_device(&app, 0, "owner-phone").await;
    let id = app.person(0).person.id_number.clone();
    let stranger_device = DeviceId::parse("stranger-phone").unwrap();
    // 40 guesses from 40 addresses, then 20 more from one address (until it is throttled).
    for i in 0..40 {
        let err = app
            .service
            .app_login(
                Some(&format!("198.51.100.{i}")),
                app_login(&id, "Guess#1234", &stranger_device, "123456"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::LoginFailed), "{err:?}");
    }
    for _ in 0..20 {
        let _ = app
            .service
            .app_login(
                Some("198.51.100.250"),
                app_login(&id, "Guess#1234", &device, "000000"),
            )
            .await;
    }
    // The card holder logs in on the site at once …
    let caller = with_card(&app, 0, "192.0.2.77").await;
    assert!(app.service.login(&caller, &pw(PASSWORD)).await.is_ok());
    // … and the app on the owner's phone works too.
    let totp = totp_now(&app, &secret);
    assert!(
        app.service
            .app_login(
                Some("203.0.113.9"),
                app_login(&id, PASSWORD, &device, &totp)
            )
            .await
            .is_ok()
    );
}

/// NIST SP 800-63B §5.2.2: at most 100 consecutive failed password checks on the site's path
/// (only the card holder can make them); a password reset opens it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_guessing_stays_slow_and_stops_after_100_consecutive_failures() {
    let app = App::with_config(always_open()).await;
    register(&app, 0).await;
    let mut caller = with_card(&app, 0, "192.0.2.20").await;
    let mut throttled = 0;
    let mut failed = 0;
    while failed < 100 {
        match app.service.login(&caller, &pw("Wrong#1234")).await {
            Err(ServiceError::LoginFailed) => failed += 1,
            Err(ServiceError::Throttled { .. }) => {
                throttled += 1;
                app.clock.advance(TimeDelta::minutes(16));
                // A new session with the card read again (a card authentication is valid
                // 10 minutes; a session 8 hours).
                caller = with_card(&app, 0, "192.0.2.20").await;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(
        throttled >= 90,
        "back-off after the free failures: {throttled}"
    );
    // The 101st is not even checked, however long one waits.
    app.clock.advance(TimeDelta::days(30));
    let caller = with_card(&app, 0, "192.0.2.20").await;
    let err = app.service.login(&caller, &pw(PASSWORD)).await.unwrap_err();
    assert!(
        matches!(err, ServiceError::Locked { app: false }),
        "{err:?}"
    );
    assert_eq!(err.msg(), Msg::AttemptsLocked);
    // 忘記註冊密碼 → 重設註冊密碼 (card + mailbox) opens it again.
    app.deliver().await;
    app.service
        .forgot_password(&caller, LetterRequest::default())
        .await
        .unwrap();
    let token = token_of(&app.deliver().await[0]);
    app.service
        .reset_password(
            &caller,
            &token,
            NewPassword {
                password: pw(NEW_PASSWORD),
                confirmation: pw(NEW_PASSWORD),
            },
        )
        .await
        .unwrap();
    let caller = with_card(&app, 0, "192.0.2.20").await;
    assert!(app.service.login(&caller, &pw(NEW_PASSWORD)).await.is_ok());
}

/// The app's password is checked only after the device's TOTP: strangers' failures never
/// reach the app's cap; 100 wrong passwords with a right TOTP close the app's path, and a
/// login on the site with the card opens it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_cap_is_fed_only_after_a_right_totp_and_cleared_by_the_card() {
    let app = App::with_config(always_open()).await;
    register(&app, 0).await;
    let (device, secret) = bind_device(&app, 0, "owner-phone").await;
    let id = app.person(0).person.id_number.clone();
    // 150 strangers' failures (wrong TOTP) from 150 addresses.
    for i in 0..150 {
        let _ = app
            .service
            .app_login(
                Some(&format!("198.51.{}.{}", i / 200, i % 200)),
                app_login(&id, "Guess#1234", &device, "999999"),
            )
            .await;
    }
    assert_eq!(
        app_cap_failures(&app).await,
        0,
        "strangers never reach the password"
    );
    // Someone holding the device key guesses passwords: slow, then closed at 100.
    let mut failed = 0;
    let mut n = 0;
    while failed < 100 {
        n += 1;
        let client = format!("203.0.113.{}", n % 50);
        let totp = totp_now(&app, &secret);
        match app
            .service
            .app_login(Some(&client), app_login(&id, "Wrong#1234", &device, &totp))
            .await
        {
            Err(ServiceError::LoginFailed) => failed += 1,
            Err(ServiceError::Throttled { .. }) => app.clock.advance(TimeDelta::minutes(16)),
            other => panic!("{other:?}"),
        }
    }
    app.clock.advance(TimeDelta::days(2));
    let totp = totp_now(&app, &secret);
    let err = app
        .service
        .app_login(
            Some("203.0.113.99"),
            app_login(&id, PASSWORD, &device, &totp),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Locked { app: true }), "{err:?}");
    assert_eq!(err.msg(), Msg::AppLoginLocked);
    // The card holder logs in on the site: the app's path opens again.
    let caller = with_card(&app, 0, "192.0.2.30").await;
    app.service.login(&caller, &pw(PASSWORD)).await.unwrap();
    app.clock.advance(TimeDelta::seconds(31));
    let totp = totp_now(&app, &secret);
    assert!(
        app.service
            .app_login(
                Some("203.0.113.99"),
                app_login(&id, PASSWORD, &device, &totp)
            )
            .await
            .is_ok()
    );
}

/// Failures counted on the app's caps (the store's `appcap:` counters).
async fn app_cap_failures(app: &App) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(SUM(failures), 0) FROM throttles WHERE key LIKE 'appcap:%'")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

// ----- item 4: people behind one address ---------------------------------------------------------

/// Regression: about 10 failures of any kind from one address locked every form for everyone
/// there, and a successful login did not reset it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_people_behind_one_address_each_mistype_twice_and_all_log_in() {
    let app = App::with_people(config(), 50).await;
    for i in 0..50 {
        register(&app, i).await;
    }
    app.deliver().await;
    let clinic = "192.0.2.10";
    // Forms do not share one counter: household typos of other people first.
    for i in 0..50 {
        let caller = with_card(&app, i, clinic).await;
        let wrong = twnhi_account::HouseholdId::parse("Z9999999").unwrap();
        let err = app
            .service
            .apply_check(&caller, &wrong, &app.person(i).person.address)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::RegistryMismatch), "{err:?}");
    }
    for i in 0..50 {
        let caller = with_card(&app, i, clinic).await;
        for _ in 0..2 {
            let err = app
                .service
                .login(&caller, &pw("Typo#1234"))
                .await
                .unwrap_err();
            assert!(
                matches!(err, ServiceError::LoginFailed),
                "person {i}: {err:?}"
            );
        }
        app.service
            .login(&caller, &pw(PASSWORD))
            .await
            .unwrap_or_else(|e| panic!("person {i}: {e:?}"));
    }
}

// ----- item 5: the throttle and the messages say nothing -------------------------------------------

/// What a sequence of answers looks like, without the details that differ anyway.
fn shape(r: &Result<impl core::fmt::Debug, ServiceError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(ServiceError::Throttled { .. }) => "throttled".into(),
        Err(e) => format!("{}|{}", e.msg().key(), e.text(Lang::En)),
    }
}

/// Regression: a registered ID got 429 on the 5th wrong app login, an unregistered one never.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_logins_answer_alike_whether_or_not_the_person_is_registered() {
    let app = App::new().await;
    register(&app, 0).await;
    bind_device(&app, 0, "owner-phone").await;
    let device = DeviceId::parse("owner-phone").unwrap();
    let mut seqs = Vec::new();
    for (n, id) in [
        app.person(0).person.id_number.clone(),
        app.person(1).person.id_number.clone(),
        IdNumber::parse("A123456789").unwrap(),
    ]
    .iter()
    .enumerate()
    {
        let client = format!("198.51.100.{n}");
        let mut seq = Vec::new();
        for _ in 0..9 {
            let r = app
                .service
                .app_login(
                    Some(&client),
                    app_login(id, "Guess#1234", &device, "123456"),
                )
                .await;
            seq.push(shape(&r));
        }
        seqs.push(seq);
    }
    assert!(seqs[0].contains(&"throttled".to_owned()), "{:?}", seqs[0]);
    assert_eq!(seqs[0], seqs[1]);
    assert_eq!(seqs[0], seqs[2]);
}

/// Regression: a matching ID + card pair on /cancel recorded no failure while a non-matching
/// pair was throttled after 6.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_requests_are_throttled_alike_matching_or_not() {
    let app = App::new().await;
    register(&app, 0).await;
    let p = app.person(0).person.clone();
    let q = app.person(1).person.clone();
    let mut seqs = Vec::new();
    for (n, (id, card)) in [
        (p.id_number.clone(), p.card_number.clone()),
        (p.id_number.clone(), q.card_number.clone()),
        (q.id_number.clone(), q.card_number.clone()),
    ]
    .into_iter()
    .enumerate()
    {
        let caller = app.caller_at(&format!("198.51.100.{n}")).await;
        let mut seq = Vec::new();
        for _ in 0..9 {
            let captcha = app.service.new_captcha(&caller).await.unwrap();
            let r = app
                .service
                .request_cancellation(
                    &caller,
                    CancelRequestInput {
                        registered_email: None,
                        id_number: id.clone(),
                        card_number: card.clone(),
                        captcha: captcha.to_string(),
                        delivery: CancelDelivery::RegisteredEmail,
                    },
                )
                .await;
            seq.push(shape(&r));
        }
        seqs.push(seq);
    }
    assert!(seqs[0].contains(&"throttled".to_owned()), "{:?}", seqs[0]);
    assert_eq!(seqs[0], seqs[1]);
    assert_eq!(seqs[0], seqs[2]);
}

/// Regression: a wrong device code answered "4 attempts left" only when the ID had a live
/// code, and five such requests voided the owner's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_guesses_say_nothing_and_cannot_void_the_owners_code() {
    let app = App::new().await;
    register(&app, 0).await;
    register(&app, 1).await;
    let web = login(&app, 0, PASSWORD).await;
    let code = app.service.produce_device_code(&web).await.unwrap();
    let bind = |i: usize, code: &str| BindDeviceInput {
        id_number: app.person(i).person.id_number.clone(),
        code: code.to_owned(),
        device_id: DeviceId::parse("some-phone").unwrap(),
        info: DeviceInfo::new("iOS", "iPhone").unwrap(),
    };
    let mut seqs = Vec::new();
    for i in [0, 1] {
        let mut seq = Vec::new();
        for _ in 0..6 {
            let r = app
                .service
                .bind_device(Some("198.51.100.66"), bind(i, "Wrong123"))
                .await;
            seq.push(shape(&r));
        }
        seqs.push(seq);
    }
    assert_eq!(seqs[0], seqs[1], "a live code or none: the same answers");
    assert!(seqs[0][0].ends_with(&twnhi_account::messages::attempts_left(4, Lang::En)));
    // The 5th wrong code says the code is void (for this client), not "try again".
    assert!(seqs[0][4].starts_with("CodeExhausted|"), "{:?}", seqs[0]);
    assert!(seqs[0][5].starts_with("CodeExhausted|"), "{:?}", seqs[0]);
    // The owner, elsewhere, binds with the code: it was not voided by the stranger.
    assert!(
        app.service
            .bind_device(Some("203.0.113.5"), bind(0, &code.code))
            .await
            .is_ok()
    );
    // The state of a code is told only to someone who typed it: used now.
    let err = app
        .service
        .bind_device(Some("203.0.113.5"), bind(0, &code.code))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ServiceError::Secret {
            error: SecretError::Used,
            ..
        }
    ));
}

/// The same for the cancellation code (確認刪除註冊): a pending cancellation or none, the
/// same answers; a stranger's guesses do not void the owner's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_code_guesses_say_nothing_and_cannot_void_the_owners_code() {
    let app = App::new().await;
    register(&app, 0).await;
    register(&app, 1).await;
    app.deliver().await;
    let p = app.person(0).person.clone();
    let owner = app.caller_at("203.0.113.5").await;
    let captcha = app.service.new_captcha(&owner).await.unwrap();
    app.service
        .request_cancellation(
            &owner,
            CancelRequestInput {
                registered_email: None,
                id_number: p.id_number.clone(),
                card_number: p.card_number.clone(),
                captcha: captcha.to_string(),
                delivery: CancelDelivery::RegisteredEmail,
            },
        )
        .await
        .unwrap();
    let code = code_of(&app.deliver().await[0]);
    let stranger = app.caller_at("198.51.100.66").await;
    let mut seqs = Vec::new();
    for i in [0, 1] {
        let mut seq = Vec::new();
        for _ in 0..6 {
            let captcha = app.service.new_captcha(&stranger).await.unwrap();
            let r = app
                .service
                .confirm_cancellation(
                    &stranger,
                    CancelConfirmInput {
                        id_number: app.person(i).person.id_number.clone(),
                        code: "Wrong123".into(),
                        captcha: captcha.to_string(),
                    },
                )
                .await;
            seq.push(shape(&r));
        }
        seqs.push(seq);
    }
    assert_eq!(seqs[0], seqs[1]);
    let captcha = app.service.new_captcha(&owner).await.unwrap();
    assert_eq!(
        app.service
            .confirm_cancellation(
                &owner,
                CancelConfirmInput {
                    id_number: p.id_number.clone(),
                    code,
                    captcha: captcha.to_string(),
                },
            )
            .await
            .unwrap(),
        Msg::CancelConfirmed
    );
}

// ----- item 7: cancellation without the card ------------------------------------------------------

fn to_new_address(app: &App, i: usize, household_ok: bool) -> CancelDelivery {
    let p = &app.person(i).person;
    CancelDelivery::NewEmail {
        email: Email::parse("someone.else@example.net").unwrap(),
        household_id: if household_ok {
            p.household_id.clone()
        } else {
            twnhi_account::HouseholdId::parse("Z9999999").unwrap()
        },
        address: p.address.clone(),
    }
}

async fn request_to_new_address(app: &App, caller: &Caller, i: usize, household_ok: bool) {
    let p = app.person(i).person.clone();
    let captcha = app.service.new_captcha(caller).await.unwrap();
    assert_eq!(
        app.service
            .request_cancellation(
                caller,
                CancelRequestInput {
                    registered_email: None,
                    id_number: p.id_number.clone(),
                    card_number: p.card_number.clone(),
                    captcha: captcha.to_string(),
                    delivery: to_new_address(app, i, household_ok),
                },
            )
            .await
            .unwrap(),
        Msg::CancelRequested
    );
}

async fn confirm_with(app: &App, caller: &Caller, i: usize, code: &str) -> Msg {
    let captcha = app.service.new_captcha(caller).await.unwrap();
    app.service
        .confirm_cancellation(
            caller,
            CancelConfirmInput {
                id_number: app.person(i).person.id_number.clone(),
                code: code.to_owned(),
                captcha: captcha.to_string(),
            },
        )
        .await
        .unwrap()
}

/// Regression: /cancel with a new address took the victim's ID, card number and household
/// address, sent the code (and the victim's name) to the attacker's address, and confirming
/// deleted the registration before the registered address heard anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_to_a_new_address_is_told_can_be_stopped_and_waits() {
    let app = App::new().await;
    register(&app, 0).await;
    app.deliver().await;
    let name = app.person(0).person.name.clone();
    let attacker = app.caller_at("198.51.100.9").await;
    // The household ID is asked for too: a wrong one sends nothing.
    request_to_new_address(&app, &attacker, 0, false).await;
    assert!(app.deliver().await.is_empty());
    // Right data: the code goes to the new address without the name, and the registered
    // address is told at once, with a stop link.
    request_to_new_address(&app, &attacker, 0, true).await;
    let letters = app.deliver().await;
    assert_eq!(letters.len(), 2, "{letters:?}");
    let code_letter = letters
        .iter()
        .find(|l| l.to().as_str() == "someone.else@example.net")
        .unwrap();
    assert!(!code_letter.letter().text().contains(&name));
    assert!(!code_letter.letter().html().contains(&name));
    let notice = letters
        .iter()
        .find(|l| l.to().as_str() == "test.0@example.com")
        .unwrap();
    assert_eq!(notice.kind(), LetterKind::CancellationNotice);
    assert!(
        notice.letter().text().contains("s***@example.net"),
        "masked"
    );
    let code = code_of(code_letter);
    // Confirmed from the new address: scheduled, not done.
    assert_eq!(
        confirm_with(&app, &attacker, 0, &code).await,
        Msg::CancelScheduled
    );
    let reg = app
        .store
        .current_registration(&app.person(0).person.id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.state, RegistrationState::CancellationRequested);
    assert_eq!(
        reg.cancel_effective_at,
        Some(now(&app) + TimeDelta::hours(72))
    );
    let letters = app.deliver().await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].kind(), LetterKind::CancellationNotice);
    assert!(
        letters[0]
            .letter()
            .text()
            .contains("民國113年5月4日 10:00:00"),
        "effective time"
    );
    let stop = token_of(&letters[0]);
    // The registration keeps working meanwhile.
    login(&app, 0, PASSWORD).await;
    // The registered address stops it.
    app.service.check_stop_link(&stop).await.unwrap();
    assert_eq!(
        app.service.stop_cancellation(None, &stop).await.unwrap(),
        Msg::CancelStopped
    );
    let reg = app
        .store
        .current_registration(&app.person(0).person.id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.state, RegistrationState::Active);
    assert_eq!(reg.cancel_effective_at, None);
    assert!(
        app.service.stop_cancellation(None, &stop).await.is_err(),
        "once"
    );
    app.clock.advance(TimeDelta::hours(100));
    assert_eq!(app.service.finish_due_cancellations().await.unwrap(), 0);

    // Not stopped: it takes effect after the waiting period, not before.
    request_to_new_address(&app, &attacker, 0, true).await;
    let letters = app.deliver().await;
    let code = code_of(
        letters
            .iter()
            .find(|l| l.kind() == LetterKind::CancellationConfirm)
            .unwrap(),
    );
    assert_eq!(
        confirm_with(&app, &attacker, 0, &code).await,
        Msg::CancelScheduled
    );
    app.deliver().await;
    let web = login(&app, 0, PASSWORD).await;
    app.clock.advance(TimeDelta::hours(71));
    assert_eq!(app.service.finish_due_cancellations().await.unwrap(), 0);
    app.clock.advance(TimeDelta::hours(1));
    assert_eq!(app.service.finish_due_cancellations().await.unwrap(), 1);
    assert!(
        app.store
            .current_registration(&app.person(0).person.id_number)
            .await
            .unwrap()
            .is_none()
    );
    assert!(session_gone(&app, &web.session).await);
    let letters = app.deliver().await;
    assert_eq!(letters[0].kind(), LetterKind::Deleted);
    assert_eq!(letters[0].to().as_str(), "test.0@example.com");
}

// ----- item 8: letter flooding ------------------------------------------------------------------

/// Regression: 208 cancellation letters reached one address in about two minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letters_to_one_mailbox_are_capped() {
    let mut config = config();
    // Requests from many addresses, none throttled: only the letter caps hold.
    config.per_person_and_client = ThrottlePolicy {
        free_failures: 10_000,
        ..ThrottlePolicy::per_registration()
    };
    config.letter_caps = LetterCaps::new(TimeDelta::hours(1), 10, 20);
    let app = App::with_config(config).await;
    register(&app, 0).await;
    app.deliver().await;
    let p = app.person(0).person.clone();
    for i in 0..60 {
        let caller = app.caller_at(&format!("198.51.100.{i}")).await;
        let captcha = app.service.new_captcha(&caller).await.unwrap();
        let answer = app
            .service
            .request_cancellation(
                &caller,
                CancelRequestInput {
                    registered_email: None,
                    id_number: p.id_number.clone(),
                    card_number: p.card_number.clone(),
                    captcha: captcha.to_string(),
                    delivery: CancelDelivery::RegisteredEmail,
                },
            )
            .await
            .unwrap();
        assert_eq!(answer, Msg::CancelRequested, "the same answer, silently");
    }
    let letters = app.deliver().await;
    assert_eq!(
        letters.len(),
        10 - 2,
        "10 an hour to one address, the confirmation and completion letters included"
    );
    // An hour later, letters flow again.
    app.clock.advance(TimeDelta::minutes(61));
    let caller = app.caller_at("198.51.100.250").await;
    let captcha = app.service.new_captcha(&caller).await.unwrap();
    app.service
        .request_cancellation(
            &caller,
            CancelRequestInput {
                registered_email: None,
                id_number: p.id_number.clone(),
                card_number: p.card_number.clone(),
                captcha: captcha.to_string(),
                delivery: CancelDelivery::RegisteredEmail,
            },
        )
        .await
        .unwrap();
    assert_eq!(app.deliver().await.len(), 1);
}

// ----- item 10: sessions ----------------------------------------------------------------------------

/// Regression: the idle timeout ended sessions up to 60 s early (`last_seen` is written at
/// most once a minute).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_never_ends_before_its_idle_timeout() {
    let app = App::new().await;
    register(&app, 0).await;
    let web = login(&app, 0, PASSWORD).await;
    // A request 59 s after login: within the minute, last_seen is not written.
    app.clock.advance(TimeDelta::seconds(59));
    app.service.account_view(&web).await.unwrap();
    // 20 minutes after that request, minus a second: still alive.
    app.clock
        .advance(TimeDelta::minutes(20) - TimeDelta::seconds(1));
    app.service.account_view(&web).await.unwrap();
    // Idle for the whole timeout plus the write granularity: ended.
    app.clock.advance(TimeDelta::minutes(21));
    assert!(matches!(
        app.service.account_view(&web).await,
        Err(ServiceError::SessionExpired)
    ));
}

/// Regression: session rows of visitors were never purged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_purge_removes_idle_sessions() {
    let app = App::new().await;
    for _ in 0..20 {
        // A card authentication stores the session.
        with_card(&app, 1, "192.0.2.3").await;
    }
    let count = || async {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        n
    };
    assert_eq!(count().await, 20);
    app.service.purge_expired().await.unwrap();
    assert_eq!(count().await, 20, "not idle yet");
    app.clock.advance(TimeDelta::minutes(22));
    app.service.purge_expired().await.unwrap();
    assert_eq!(count().await, 0);
}

// ----- item 1: hashing is bounded -------------------------------------------------------------------

/// Requests beyond the hashing queue are refused at once with a time to come back, and the
/// pool serves again afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hashing_beyond_the_queue_is_refused_at_once() {
    let mut config = config();
    config.hash_policy = HashPolicy::new(4096, 8, 1).unwrap();
    config.hashing = HashingConfig::new(1, 2);
    config.per_client_address = ThrottlePolicy {
        free_failures: 10_000,
        ..ThrottlePolicy::per_client_address()
    };
    let app = Arc::new(App::with_config(config).await);
    register(&app, 0).await;
    let mut callers = Vec::new();
    for i in 0..12 {
        callers.push(with_card(&app, 0, &format!("192.0.2.{}", 100 + i)).await);
    }
    let mut tasks = Vec::new();
    for caller in callers {
        let app = Arc::clone(&app);
        tasks.push(tokio::spawn(async move {
            app.service.login(&caller, &pw("Wrong#1234")).await
        }));
    }
    let mut overloaded = 0;
    let mut answered = 0;
    for t in tasks {
        match t.await.unwrap() {
            Err(ServiceError::Overloaded { retry_after_secs }) => {
                assert!(retry_after_secs >= 1);
                overloaded += 1;
            }
            Err(ServiceError::LoginFailed | ServiceError::Throttled { .. }) => answered += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(overloaded >= 1, "12 at once do not fit into 1 + 2");
    assert!(answered >= 3);
    app.clock.advance(TimeDelta::minutes(30));
    let caller = with_card(&app, 0, "192.0.2.250").await;
    assert!(app.service.login(&caller, &pw(PASSWORD)).await.is_ok());
}
