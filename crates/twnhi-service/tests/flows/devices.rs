//! Mobile devices: codes, binding, the app's login, device lists and logout.

use crate::support::*;

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
    contacts.mobile_phone = Some(twnhi_account::MobilePhone::parse("0987654321").unwrap());
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
