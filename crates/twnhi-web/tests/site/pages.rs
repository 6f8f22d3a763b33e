//! The forms and pages of every flow: bad input explained, household checks, letters.

use crate::support::*;

#[tokio::test]
async fn bad_input_is_explained_and_kept_except_passwords() {
    let mut app = app().await;
    app.get("/apply").await;
    // Step 1 without the card, with a malformed household ID and no address.
    let r = app
        .post_form(
            "/apply/card",
            &[
                ("terms", "accepted"),
                ("household_id", "X12"),
                ("county", ""),
                ("township", ""),
                ("village", "abc"),
                ("neighborhood", "0"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::ReadCardPrompt));
    assert!(r.has_msg(Msg::HouseholdIdFormat), "{}", r.body);
    assert!(r.has_msg(Msg::CountyInvalid));
    assert!(r.has_msg(Msg::VillageInvalid));
    assert!(r.has_msg(Msg::NeighborhoodInvalid));
    assert_eq!(form_value(&r.body, "household_id").as_deref(), Some("X12"));
    assert_eq!(form_value(&r.body, "village").as_deref(), Some("abc"));
    assert!(r.has("aria-invalid=\"true\""));

    // Step 2 with broken fields: messages, values kept, passwords never sent back.
    app.read_card(0).await;
    let mut fields = app.household_fields(0);
    fields.extend([
        ("password".into(), "ab de".into()),
        ("confirmation".into(), "abc".into()),
        ("mobile_area".into(), "0812".into()),
        ("mobile_number".into(), "34".into()),
        ("email".into(), "not-an-address".into()),
        ("spare_email".into(), "x@".into()),
        ("phone_area".into(), "99".into()),
        ("phone_number".into(), "1".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.post_form("/apply/details", &f).await;
    for m in [
        Msg::PasswordLength,
        Msg::PasswordForbiddenChar,
        Msg::PasswordMismatch,
        Msg::MobilePhoneInvalid,
        Msg::EmailInvalid,
    ] {
        assert!(r.has_msg(m), "{m:?}: {}", r.body);
    }
    assert_eq!(
        form_value(&r.body, "email").as_deref(),
        Some("not-an-address")
    );
    assert_eq!(form_value(&r.body, "mobile_number").as_deref(), Some("34"));
    assert_eq!(form_value(&r.body, "phone_area").as_deref(), Some("99"));
    assert!(
        form_value(&r.body, "password").is_none(),
        "no password echoed"
    );
    assert!(!r.has("ab de"));

    // A household address that does not match the registry: one generic refusal, step 1
    // again with the values kept.
    let mut fields = app.household_fields(0);
    let wrong = if app.people[0].person.address.neighborhood() == 1 {
        "2"
    } else {
        "1"
    };
    fields[5].1 = wrong.into();
    fields.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), "test.two@example.com".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.post_form("/apply/details", &f).await;
    assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
    assert_eq!(form_value(&r.body, "neighborhood").as_deref(), Some(wrong));

    // Resend with a new address that is malformed.
    app.get("/resend").await;
    let r = app
        .post_form(
            "/resend",
            &[
                ("method", "new"),
                ("email", "bad@"),
                ("county", "臺北市"),
                ("township", "中正區"),
                ("village", "建國里"),
                ("neighborhood", "5"),
                ("mobile_area", "0912"),
                ("mobile_number", "1"),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::EmailInvalid) && r.has_msg(Msg::MobilePhoneInvalid),
        "{}",
        r.body
    );
    assert_eq!(form_value(&r.body, "email").as_deref(), Some("bad@"));
    assert!(r.has("value=\"new\" data-method-toggle checked"));

    // Forgot password without a card.
    app.cookie = None;
    app.get("/forgot-password").await;
    let r = app
        .post_form("/forgot-password", &[("method", "registered")])
        .await;
    assert!(r.has_msg(Msg::ReadCardPrompt));

    // Cancellation with malformed numbers.
    app.get("/cancel").await;
    let r = app
        .post_form(
            "/cancel",
            &[
                ("action", "check"),
                ("id_number", "A12345678"),
                ("card_number", "12"),
                ("captcha", "1"),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::IdLength)
            && r.has_msg(Msg::CardNumberFormat)
            && r.has_msg(Msg::CaptchaIncorrect),
        "{}",
        r.body
    );
    assert_eq!(
        form_value(&r.body, "id_number").as_deref(),
        Some("A12345678")
    );
    assert_eq!(form_value(&r.body, "card_number").as_deref(), Some("12"));

    // Cancellation confirmation with a malformed code.
    app.get("/cancel/confirm").await;
    let r = app
        .post_form(
            "/cancel/confirm",
            &[
                ("action", "submit"),
                ("id_number", "A123456789"),
                ("code", "<x>"),
                ("captcha", ""),
            ],
        )
        .await;
    // An empty captcha asks for it (「請輸入…」), a malformed code is wrong.
    let empty = twnhi_account::messages::text(twnhi_account::Lang::ZhTw, "captcha-empty");
    assert!(r.has_msg(Msg::CodeIncorrect) && r.has(&html_escape(&empty)));
    assert!(!r.has_msg(Msg::CaptchaIncorrect));
    assert_eq!(
        form_value(&r.body, "id_number").as_deref(),
        Some("A123456789")
    );
    assert!(r.has("value=\"&#60;x&#62;\""), "kept, escaped");

    // Reset with a bad link token.
    let r = app.get("/reset-password?token=short").await;
    assert!(r.has_msg(Msg::LinkInvalid));
}

#[tokio::test]
async fn logged_in_forms_explain_bad_input() {
    let mut app = app().await;
    app.register_and_login(1, "test.three@example.com").await;
    // Change data: a bad main e-mail is kept; changing it needs the current password.
    app.get("/profile").await;
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "nope"),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::EmailInvalid));
    assert_eq!(form_value(&r.body, "email").as_deref(), Some("nope"));
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "test.new@outlook.com"),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::ReauthenticationRequired), "{}", r.body);
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "test.new@outlook.com"),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
                ("current", PASSWORD),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::EmailChangeSent) && r.has_msg(Msg::MicrosoftMailWarning),
        "{}",
        r.body
    );
    // Change password: every rule at once, never echoed.
    app.get("/password").await;
    let r = app
        .post_form(
            "/password",
            &[
                ("current", ""),
                ("password", "short"),
                ("confirmation", "other"),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::ReauthenticationRequired)
            && r.has_msg(Msg::PasswordLength)
            && r.has_msg(Msg::PasswordMismatch)
    );
    assert!(!r.has("value=\"short\""));
    let r = app
        .post_form(
            "/password",
            &[
                ("current", "Wrong#2024x"),
                ("password", "New#2024pass"),
                ("confirmation", "New#2024pass"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::CurrentPasswordIncorrect), "{}", r.body);
    let r = app
        .post_form(
            "/password",
            &[
                ("current", PASSWORD),
                ("password", "New#2024pass"),
                ("confirmation", "New#2024pass"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::PasswordChanged), "{}", r.body);
    // Every session ended: back to the login page.
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn apply_step_one_checks_the_household_data_against_the_registry() {
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(1).await;
    let name = app.people[1].person.name.clone();
    let good = app.household_fields(1);
    // 【下一步】 with a neighbourhood or a household ID that does not match: the one generic
    // refusal at step 1, the values kept, no password asked for yet.
    let wrong_n = if app.people[1].person.address.neighborhood() == 1 {
        "2"
    } else {
        "1"
    };
    let mut wrong_address = good.clone();
    wrong_address[5].1 = wrong_n.into();
    let mut wrong_id = good.clone();
    wrong_id[1].1 = "Z9999999".into();
    let mut bodies = Vec::new();
    for fields in [wrong_address, wrong_id] {
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let r = app.post_form("/apply/card", &f).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
        assert!(r.has("action=\"/apply/card\""), "still step 1");
        assert!(!r.has("id=\"password\""), "no password field yet");
        assert_eq!(
            form_value(&r.body, "household_id").as_deref(),
            Some(fields[1].1.as_str())
        );
        assert_eq!(
            form_value(&r.body, "neighborhood").as_deref(),
            Some(fields[5].1.as_str())
        );
        bodies.push(r);
    }
    // Which field was wrong is not said: the field errors are the same.
    assert_eq!(
        bodies[0].body.matches("aria-invalid=\"true\"").count(),
        bodies[1].body.matches("aria-invalid=\"true\"").count()
    );
    // Matching: step 2 with the name from the registry and the data in hidden fields.
    let f: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form("/apply/card", &f).await;
    assert!(r.has("action=\"/apply/details\""), "{}", r.body);
    assert!(r.has(&format!("data-holder-name>{name}<")), "{}", r.body);
    assert!(r.has(&format!(
        "name=\"household_id\" value=\"{}\"",
        app.people[1].person.household_id.as_str()
    )));
    // The hidden fields changed on the way: `apply` checks again and refuses.
    let mut tampered = good.clone();
    tampered[5].1 = wrong_n.into();
    tampered.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), "test.seven@example.com".into()),
    ]);
    let f: Vec<(&str, &str)> = tampered
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.post_form("/apply/details", &f).await;
    assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
    assert!(r.has("action=\"/apply/card\""));

    // Too many mismatches for this card: throttled, at this step too.
    let mut wrong = good.clone();
    wrong[1].1 = "Z9999999".into();
    let f: Vec<(&str, &str)> = wrong
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut throttled = false;
    for _ in 0..8 {
        let r = app.post_form("/apply/card", &f).await;
        if r.has(Msg::TooManyAttempts.zh().split('，').next().unwrap()) {
            throttled = true;
            break;
        }
        assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
    }
    assert!(throttled, "throttled after the free failures");

    // Without a card read in the session: the prompt, not the registry check.
    app.cookie = None;
    app.get("/apply").await;
    let f: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form("/apply/card", &f).await;
    assert!(r.has_msg(Msg::ReadCardPrompt), "{}", r.body);
    assert!(!r.has_msg(Msg::RegistryMismatch));
}

#[tokio::test]
async fn logged_in_pages_show_the_account_from_the_registry() {
    let mut app = app().await;
    app.register_and_login(0, "test.eight@example.com").await;
    let p = app.people[0].person.clone();
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.has(&format!("{} 您好", p.name)), "{}", r.body);
    assert!(r.has(&p.id_number.masked()));
    assert!(!r.has(p.id_number.as_str()), "the ID number only masked");
    let r = app.get("/device/verify").await;
    assert!(
        r.has(&format!("<td>{}</td>", p.id_number.masked())),
        "{}",
        r.body
    );
    let r = app.get("/profile").await;
    assert_eq!(
        form_value(&r.body, "email").as_deref(),
        Some("test.eight@example.com")
    );
    assert_eq!(form_value(&r.body, "mobile_area").as_deref(), Some("0912"));
    assert_eq!(
        form_value(&r.body, "mobile_number").as_deref(),
        Some("345678")
    );
    // Saved data show on the next visit.
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "test.eight@example.com"),
                ("mobile_area", "0987"),
                ("mobile_number", "654321"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::DataSaved), "{}", r.body);
    let r = app.get("/profile").await;
    assert_eq!(form_value(&r.body, "mobile_area").as_deref(), Some("0987"));
    // Not logged in: every account page goes to the login page.
    app.post_form("/logout", &[]).await;
    for path in ["/services", "/device/verify", "/profile"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers[LOCATION], "/login?from=expired", "{path}");
    }
}

#[tokio::test]
async fn resend_sends_a_new_confirmation_letter() {
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(3).await;
    let mut fields = app.household_fields(3);
    fields.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), "test.five@example.com".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert!(
        app.post_form("/apply/details", &f)
            .await
            .has_msg(Msg::ApplySuccess)
    );
    app.deliver().await;
    let first = app.last_link("test.five@example.com", "/verify-email");
    // 修改電子郵件信箱重寄認證信: a new address, proven with the household address and the
    // mobile phone.
    let p = app.people[3].person.clone();
    let t = p.address.township();
    app.get("/resend").await;
    app.read_card(3).await;
    let n = p.address.neighborhood().to_string();
    let r = app
        .post_form(
            "/resend",
            &[
                ("method", "new"),
                ("email", "test.six@example.com"),
                ("county", t.county_zh()),
                ("township", t.zh()),
                ("village", p.address.village()),
                ("neighborhood", &n),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::LetterRequested), "{}", r.body);
    app.deliver().await;
    let second = app.last_link("test.six@example.com", "/verify-email");
    assert_ne!(first, second);
}

/// Regression: bidirectional control characters were accepted in device labels.
#[tokio::test]
async fn device_labels_with_bidi_controls_are_refused() {
    let mut app = app().await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/devices/bind",
            Some(serde_json::json!({
                "id_number": app.people[0].person.id_number.as_str(),
                "code": "Abcd1234",
                "platform": "Android",
                "model": "Pixel \u{202E}8",
                "device_id": "dev-1",
            })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "DeviceInfoInvalid");
}

/// The registered address's stop link: the page says what it does and shows a button; the
/// button stops the cancellation; an unknown or used link says so before anything else.
#[tokio::test]
async fn the_stop_link_stops_a_cancellation_to_a_new_address() {
    let mut app = app().await;
    app.register_and_login(0, "owner@example.com").await;
    let p = app.people[0].person.clone();
    let caller = twnhi_service::Caller::new(
        twnhi_service::SessionToken::parse(app.cookie.as_deref().unwrap()).unwrap(),
    )
    .with_client("198.51.100.7");
    let captcha = app.service.new_captcha(&caller).await.unwrap();
    app.service
        .request_cancellation(
            &caller,
            twnhi_service::CancelRequestInput {
                registered_email: None,
                id_number: p.id_number.clone(),
                card_number: p.card_number.clone(),
                captcha: captcha.to_string(),
                delivery: twnhi_service::CancelDelivery::NewEmail {
                    email: twnhi_account::Email::parse("elsewhere@example.net").unwrap(),
                    household_id: p.household_id.clone(),
                    address: p.address.clone(),
                },
            },
        )
        .await
        .unwrap();
    app.deliver().await;
    let link = app.last_link("owner@example.com", "/cancel/stop");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let bad = app
        .get("/cancel/stop?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert!(bad.has_msg(Msg::LinkInvalid));
    let page = app.get(&link).await;
    assert!(page.has_msg(Msg::CancelStopPrompt), "{}", page.body);
    let r = app.post_form("/cancel/stop", &[("token", &token)]).await;
    assert!(r.has_msg(Msg::CancelStopped), "{}", r.body);
    let again = app.get(&link).await;
    assert!(again.has_msg(Msg::LinkInvalid), "used");
}
