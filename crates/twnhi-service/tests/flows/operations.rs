//! Operations: the counter's suspend, reinstate and show, service hours, the outbox worker.

use crate::support::*;

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
    // Closed now, and the hours (issue 11, item 7).
    assert_eq!(
        err.text(Lang::En),
        "The service is closed now. Operating Hours : 6a.m.-12a.m. daily"
    );
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
