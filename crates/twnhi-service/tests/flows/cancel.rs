//! Cancelling a registration, with the card and without it.

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_end_to_end() {
    let app = App::new().await;
    register(&app, 6).await;
    let web = login(&app, 6, PASSWORD).await;
    app.deliver().await;
    let p = app.person(6).person.clone();
    let caller = app.caller().await;
    let request = |captcha: &str, delivery| CancelRequestInput {
        registered_email: None,
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
        registered_email: None,
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
        registered_email: None,
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
