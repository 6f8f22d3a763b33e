//! Applying: the two steps, refusals and re-applying, the household check at the next step.

use crate::support::*;

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
