//! Card authentication (SPEC §3): the rules a card and its session must follow.

use crate::support::*;

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

/// Issue 11, item 10: apply step 1, 重寄認證信 and 忘記註冊密碼 act on the card read when the
/// form is sent (the page re-reads it on submit), not on one read minutes earlier — the card
/// may have been pulled out or swapped since. The rest of the session's card validity (log-in,
/// apply step 2) is unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_that_re_read_the_card_need_a_read_at_the_submit() {
    let app = App::new().await;
    let window = config().card_submit_window;
    assert!(window < config().card_auth_validity);
    let caller = apply(&app, 2).await;
    app.deliver().await;
    let p = app.person(2);
    let read = async || {
        authenticate(&app.service, &caller, &p.identity)
            .await
            .unwrap();
    };
    let resend = async || {
        app.service
            .resend_confirmation(&caller, LetterRequest::default())
            .await
    };
    let check = async || {
        app.service
            .apply_check(&caller, &p.person.household_id, &p.person.address)
            .await
    };

    // Read within the window: the forms work.
    read().await;
    app.clock.advance(window - TimeDelta::seconds(1));
    assert_eq!(resend().await.unwrap(), Msg::LetterRequested);
    check().await.unwrap();

    // Read longer ago than the window, though still within the session's validity: each
    // form asks for the card again, and nothing is sent.
    read().await;
    app.deliver().await;
    app.clock.advance(window + TimeDelta::seconds(1));
    let info = app.service.session_info(&caller.session).await.unwrap();
    assert!(info.card.is_some(), "the session's card is still valid");
    assert!(matches!(resend().await, Err(ServiceError::CardRequired)));
    assert!(matches!(
        app.service
            .forgot_password(&caller, LetterRequest::default())
            .await,
        Err(ServiceError::CardRequired)
    ));
    assert!(matches!(check().await, Err(ServiceError::CardRequired)));
    assert!(app.deliver().await.is_empty(), "no letter went out");

    // Read again, at the submit: it works again.
    read().await;
    assert_eq!(resend().await.unwrap(), Msg::LetterRequested);
}
