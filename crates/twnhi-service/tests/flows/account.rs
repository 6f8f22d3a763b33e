//! The account: password and data changes, resending the confirmation, forgotten passwords.

use crate::support::*;

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
    assert_eq!(out.message, Msg::EmailChangeSent);
    // Not yet in effect: a confirmation letter to the new address; the phones are saved.
    let letters = app.deliver().await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].kind(), LetterKind::EmailChangeConfirm);
    assert_eq!(letters[0].to().as_str(), "new.address@outlook.com");
    let id_number = app.person(3).person.id_number.clone();
    let reg = app
        .store
        .current_registration(&id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.contacts.email.as_str(), "test.3@example.com");
    assert!(reg.contacts.local_phone.is_some());
    // The link answered: the new address is the registration's; the old one is told.
    let token = token_of(&letters[0]);
    assert_eq!(
        app.service
            .confirm_email_change(&web, &token)
            .await
            .unwrap(),
        Msg::EmailChangeConfirmed
    );
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
        .current_registration(&id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.contacts.email.as_str(), "new.address@outlook.com");
    // Once only.
    assert!(matches!(
        app.service.confirm_email_change(&web, &token).await,
        Err(ServiceError::Secret { .. })
    ));
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
    // The registered address's 「* E-Mail」 typed wrong: nothing sent, the same answer
    // (issue 11, item 12).
    let typed = |e: &str| LetterRequest {
        new_address: None,
        registered_email: Some(Email::parse(e).unwrap()),
    };
    assert_eq!(
        app.service
            .resend_confirmation(&caller, typed("guess@example.com"))
            .await
            .unwrap(),
        Msg::LetterRequested
    );
    assert!(app.deliver().await.is_empty());
    app.service
        .resend_confirmation(&caller, typed("Test.4@example.com"))
        .await
        .unwrap();
    assert_eq!(
        app.deliver().await.len(),
        1,
        "the registered address, any case"
    );
    // New address: household address must match the registry, mobile the registration.
    let new = |mobile: &str| LetterRequest {
        new_address: Some(NewAddress {
            email: Email::parse("fresh.box@example.org").unwrap(),
            address: p.person.address.clone(),
            mobile_phone: Some(twnhi_account::MobilePhone::parse(mobile).unwrap()),
        }),
        registered_email: None,
    };
    // Wrong mobile: no letter, and the card holder is told (issue 11, item 11).
    assert_eq!(
        app.service
            .resend_confirmation(&caller, new("0987654321"))
            .await
            .unwrap(),
        Msg::MobileNotRegistered
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
    // Once active, resending sends nothing and says the person is registered.
    assert_eq!(
        app.service
            .resend_confirmation(&caller, LetterRequest::default())
            .await
            .unwrap(),
        Msg::AlreadyRegistered
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
    // A card holder who has not applied: no letter, told to apply (issue 11, item 11).
    let stranger = app.caller().await;
    authenticate(&app.service, &stranger, &app.person(7).identity)
        .await
        .unwrap();
    assert_eq!(
        app.service
            .forgot_password(&stranger, LetterRequest::default())
            .await
            .unwrap(),
        Msg::NotYetApplied
    );
    assert!(app.deliver().await.is_empty());
}
