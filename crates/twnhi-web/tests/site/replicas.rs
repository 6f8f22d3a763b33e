//! Replicas: two sites, each with its own connection pool and use cases over one database
//! and the same keys, serve one browser whose requests alternate between them. Nothing a
//! form needs may live in one process's memory.

use axum::http::StatusCode;
use twnhi_service::{Caller, SessionToken};
use twnhi_web::{Site, SiteDeps, WebConfig};

use crate::common;
use crate::support::{App, BASE, app};

/// The image in a page (the captcha's data URI).
fn captcha_image(body: &str) -> String {
    let i = body
        .find("data:image/png;base64,")
        .expect("a captcha image");
    let rest = &body[i..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn second_site(app: &App, seed: u64) -> axum::Router {
    let service = common::replica(app._dir.path(), &app.server_key, BASE, seed).await;
    let web = WebConfig::new(twnhi_notify::PublicBaseUrl::parse(BASE).unwrap());
    Site::new(web, SiteDeps::new(service), &app.server_key, None)
        .unwrap()
        .router()
}

/// The cancellation captcha drawn by one replica is shown, played and checked by another:
/// the same image on re-display, the same audio clip, and its answer accepted there.
#[tokio::test]
async fn a_captcha_drawn_by_one_replica_is_served_and_checked_by_another() {
    let mut app = app().await;
    let a = app.router.clone();
    let b = second_site(&app, 99).await;

    let first = app.get("/cancel").await;
    assert_eq!(first.status, StatusCode::OK);
    let image = captcha_image(&first.body);
    let clip_a = app.get("/cancel/captcha.wav").await;
    assert_eq!(clip_a.status, StatusCode::OK);

    app.router = b.clone();
    let clip_b = app.get("/cancel/captcha.wav").await;
    assert_eq!(clip_b.status, StatusCode::OK, "the other replica plays it");
    assert_eq!(clip_a.body, clip_b.body, "the same clip on either replica");

    // 【檢核】 on the other replica checks the answer replica A issued and re-displays the
    // same image.
    let p = app.people[1].person.clone();
    let caller = Caller::new(SessionToken::parse(app.cookie.as_deref().unwrap()).unwrap());
    let shown = app
        .service
        .captcha_on_screen(&caller)
        .await
        .unwrap()
        .unwrap();
    let checked = app
        .post_form(
            "/cancel",
            &[
                ("action", "check"),
                ("id_number", p.id_number.as_str()),
                ("card_number", p.card_number.as_str()),
                ("captcha", shown.answer.as_str()),
            ],
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK);
    assert!(
        !checked.has_msg(twnhi_account::Msg::CaptchaIncorrect),
        "{}",
        checked.body
    );
    assert_eq!(captcha_image(&checked.body), image, "the same image");

    // The answer, typed on replica A, is the one replica B checked... and accepted there.
    app.router = a;
    let sent = app
        .post_form(
            "/cancel",
            &[
                ("action", "submit"),
                ("checked", "1"),
                ("method", "registered"),
                ("email", "someone@example.com"),
                ("id_number", p.id_number.as_str()),
                ("card_number", p.card_number.as_str()),
                ("captcha", shown.answer.as_str()),
            ],
        )
        .await;
    assert!(
        !sent.has_msg(twnhi_account::Msg::CaptchaIncorrect),
        "the captcha is accepted on the other replica: {}",
        sent.body
    );
}
