//! The forms as people meet them (issue 11): Post/Redirect/Get, refresh-safe results, the
//! letter links, the captcha check, input normalisation.

use crate::support::*;

/// The `Location` of an answer.
fn location(r: &Reply) -> String {
    r.headers
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Whether an answer deletes the flash cookie.
fn deletes_flash(r: &Reply) -> bool {
    r.headers.get_all(SET_COOKIE).iter().any(|v| {
        let v = v.to_str().unwrap();
        v.starts_with("__Host-twnhi-flash=;") && v.contains("Max-Age=0")
    })
}

fn owned(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

fn apply_fields(app: &App, i: usize, email: &str) -> Vec<(String, String)> {
    let mut fields = app.household_fields(i);
    fields.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), email.into()),
    ]);
    fields
}

/// 確認申請 answers `303` to `/done`; the result is shown once from its flash, a refresh
/// re-posts nothing (one letter), and another session cannot show the flash.
#[tokio::test]
async fn apply_redirects_and_a_refresh_sends_nothing_again() {
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(0).await;
    let fields = apply_fields(&app, 0, "prg.apply@example.com");
    let r = app.post_form_once("/apply/details", &owned(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/done");
    let flash = App::flash_of(&r).expect("a flash cookie");
    assert!(r.headers[SET_COOKIE].to_str().unwrap().contains("HttpOnly"));

    // Another session presenting the cookie: not its flash.
    let mine = app.cookie.take();
    app.get("/login").await;
    let stolen = app.get_with_cookie("/done", &flash).await;
    assert_eq!(stolen.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&stolen), "/login");
    assert!(!stolen.has_msg(Msg::ApplySuccess));
    app.cookie = mine;

    let shown = app.get_with_cookie("/done", &flash).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.has_msg(Msg::ApplySuccess), "{}", shown.body);
    assert!(deletes_flash(&shown));
    // Refreshed (the cookie is gone): nothing posted again, the login page.
    let again = app.get("/done").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    app.deliver().await;
    let letters = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.to().as_str() == "prg.apply@example.com")
        .count();
    assert_eq!(letters, 1);
}

/// The logged-in forms: the device code, a device action, 基本資料異動 and 密碼變更 all
/// answer `303` to a `GET` page that shows the result once.
#[tokio::test]
async fn logged_in_forms_redirect_to_pages_that_show_the_result_once() {
    let mut app = app().await;
    app.register_and_login(1, "prg.devices@example.com").await;

    app.get("/device/verify").await;
    let r = app.post_form_once("/device/verify", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/device/verify");
    let shown = app.follow(r).await;
    let i = shown.body.find("data-code-text>").expect("the code") + "data-code-text>".len();
    let code = shown.body[i..i + 8].to_owned();
    assert!(!app.get("/device/verify").await.has("data-code-text>"));

    let id = app.people[1].person.id_number.as_str().to_owned();
    let (s, bound) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": code, "platform": "Android", "model": "Pixel 8", "device_id": "prg-dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");

    let list = app.get("/devices").await;
    let i = list.body.find("action=\"/devices/").expect("an action") + "action=\"".len();
    let action = list.body[i..i + list.body[i..].find('"').unwrap()].to_owned();
    assert!(action.ends_with("/disable"), "{action}");
    let r = app.post_form_once(&action, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/devices");
    let shown = app.follow(r).await;
    assert!(shown.has_msg(Msg::DeviceUpdated), "{}", shown.body);
    assert!(deletes_flash(&shown));
    assert!(!app.get("/devices").await.has_msg(Msg::DeviceUpdated));

    app.get("/profile").await;
    let r = app
        .post_form_once(
            "/profile",
            &[
                ("mobile_area", "0912"),
                ("mobile_number", "345679"),
                ("email", "prg.devices@example.com"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/profile");
    let shown = app.follow(r).await;
    assert!(shown.has_msg(Msg::DataSaved), "{}", shown.body);
    assert_eq!(
        form_value(&shown.body, "mobile_number").as_deref(),
        Some("345679")
    );

    app.get("/password").await;
    let new = "Demo#2025cd";
    let r = app
        .post_form_once(
            "/password",
            &[
                ("current", PASSWORD),
                ("password", new),
                ("confirmation", new),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/done");
    let shown = app.follow(r).await;
    assert!(shown.has_msg(Msg::PasswordChanged), "{}", shown.body);
}

/// A used or altered letter link says so when opened, before the form (no card read, no
/// password typed); the confirmation link of a person already verified says so, not
/// 重寄認證信.
#[tokio::test]
async fn letter_links_say_what_they_are_worth_before_the_form() {
    let mut app = app().await;
    let email = "links.early@example.com";
    app.register_and_login(2, email).await;
    let verify = app.last_link(email, "/verify-email");
    // Verified already (register_and_login used the link): told so, pointed at the login.
    let r = app.get(&verify).await;
    assert!(r.has_msg(Msg::AlreadyRegistered), "{}", r.body);
    assert!(!r.has("id=\"verify-email-submit\""), "no form");
    assert!(!r.has("href=\"/resend\""));

    // An altered link: invalid at once.
    let altered = format!("{}A", &verify[..verify.len() - 1]);
    let altered = if altered == verify {
        format!("{}B", &verify[..verify.len() - 1])
    } else {
        altered
    };
    let r = app.get(&altered).await;
    assert!(r.has_msg(Msg::LinkInvalid), "{}", r.body);

    // A reset link, live: the form; used: invalid before the form.
    app.cookie = None;
    app.get("/forgot-password").await;
    app.read_card(2).await;
    let r = app
        .post_form(
            "/forgot-password",
            &[("method", "registered"), ("email", email)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.deliver().await;
    let reset = app.last_link(email, "/reset-password");
    let token = reset.split("token=").nth(1).unwrap().to_owned();
    let r = app.get(&reset).await;
    assert!(r.has("name=\"password\""), "{}", r.body);
    app.read_card(2).await;
    let new = "Demo#2026ef";
    let r = app
        .post_form(
            "/reset-password",
            &[("token", &token), ("password", new), ("confirmation", new)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.get(&reset).await;
    assert!(r.has_msg(Msg::LinkInvalid), "{}", r.body);
    assert!(!r.has("name=\"password\""), "no form for a used link");
}

async fn captcha_answer(app: &App) -> String {
    let token = twnhi_service::SessionToken::parse(app.cookie.as_ref().unwrap()).unwrap();
    let shown = app
        .service
        .captcha_on_screen(&twnhi_service::Caller::new(token))
        .await
        .unwrap()
        .expect("a captcha on screen");
    shown.answer.as_str().to_owned()
}

fn both(id: &str) -> (String, String) {
    use twnhi_account::messages::{Lang, text};
    (
        html_escape(&text(Lang::ZhTw, id)),
        html_escape(&text(Lang::En, id)),
    )
}

/// 【檢核】 checks the captcha (a wrong one is refused with a new image; the right one
/// reveals the delivery choice); empty fields ask for input instead of saying 「…錯誤」.
#[tokio::test]
async fn the_cancel_check_checks_the_captcha_and_empty_fields_ask_for_input() {
    let mut app = app().await;
    let p = app.people[0].person.clone();
    let (id, card) = (
        p.id_number.as_str().to_owned(),
        p.card_number.as_str().to_owned(),
    );
    app.get("/cancel").await;
    let answer = captcha_answer(&app).await;
    let wrong: String = answer
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' { '1' } else { '0' }
            } else {
                c
            }
        })
        .collect();
    let check = |captcha: String| {
        let id = id.clone();
        let card = card.clone();
        vec![
            ("action".to_owned(), "check".to_owned()),
            ("id_number".to_owned(), id),
            ("card_number".to_owned(), card),
            ("captcha".to_owned(), captcha),
        ]
    };
    let (choose_zh, _) = both("cancel-choose-method");
    let r = app.post_form("/cancel", &owned(&check(wrong))).await;
    assert!(r.has_msg(Msg::CaptchaIncorrect), "{}", r.body);
    assert!(!r.has(&choose_zh), "a wrong captcha does not pass 【檢核】");
    let next = captcha_answer(&app).await;
    assert_ne!(next, answer, "a new image after a wrong answer");

    let r = app
        .post_form("/cancel", &owned(&check(String::new())))
        .await;
    let (empty_zh, empty_en) = both("captcha-empty");
    assert!(r.has(&empty_zh) && r.has(&empty_en), "{}", r.body);
    assert!(!r.has_msg(Msg::CaptchaIncorrect));

    let now = captcha_answer(&app).await;
    let r = app.post_form("/cancel", &owned(&check(now))).await;
    assert!(r.has(&choose_zh), "{}", r.body);

    app.get("/cancel/confirm").await;
    let r = app
        .post_form(
            "/cancel/confirm",
            &[("id_number", id.as_str()), ("code", ""), ("captcha", "")],
        )
        .await;
    let (code_zh, _) = both("email-code-empty");
    assert!(r.has(&code_zh) && r.has(&empty_zh), "{}", r.body);
    assert!(!r.has_msg(Msg::CodeIncorrect));
}

/// The 5th wrong device code voids the code: its answer says so, not 「請重新輸入」.
#[tokio::test]
async fn the_fifth_wrong_device_code_says_the_code_is_void() {
    let mut app = app().await;
    app.register_and_login(3, "void.code@example.com").await;
    app.get("/device/verify").await;
    let shown = app.post_form("/device/verify", &[]).await;
    let i = shown.body.find("data-code-text>").expect("the code") + "data-code-text>".len();
    let code = shown.body[i..i + 8].to_owned();
    let wrong: String = code
        .chars()
        .rev()
        .map(|c| if c == 'A' { 'B' } else { 'A' })
        .collect();
    let id = app.people[3].person.id_number.as_str().to_owned();
    let mut answers = Vec::new();
    for _ in 0..5 {
        let (s, j) = app
            .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": wrong, "platform": "iOS", "model": "iPhone 15", "device_id": "void-dev"})), None)
            .await;
        assert!(s.is_client_error(), "{s} {j}");
        answers.push(j.to_string());
    }
    // The 4th: one try left, and said so.
    assert!(
        !answers[3].contains(Msg::CodeExhausted.zh()),
        "{}",
        answers[3]
    );
    assert!(
        answers[4].contains(Msg::CodeExhausted.zh()),
        "{}",
        answers[4]
    );
    assert!(!answers[4].contains(Msg::CodeIncorrect.zh()));
}

/// One normalisation rule for every identifier: full-width digits, spaces and hyphens in
/// the card, ID and household numbers; nothing cut by `maxlength`; the household ID in any
/// case, carried upper-case.
#[tokio::test]
async fn identifiers_are_read_one_way_and_never_cut() {
    let mut app = app().await;
    let p = app.people[0].person.clone();
    let page = app.get("/cancel").await;
    for id in ["id_number", "card_number"] {
        let i = page.body.find(&format!("id=\"{id}\"")).unwrap();
        let tag = &page.body[i..i + page.body[i..].find('>').unwrap()];
        assert!(!tag.contains("maxlength"), "{tag}");
    }
    // ` 0000 2830 3918 ` as pasted, full-width, with hyphens.
    let card: String = p
        .card_number
        .as_str()
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let wide = char::from_u32(u32::from(c) + 0xFEE0).unwrap();
            if i % 4 == 3 && i < 11 {
                vec![wide, ' ']
            } else {
                vec![wide]
            }
        })
        .collect();
    let card = format!(" {card} ");
    let id = p.id_number.as_str();
    let id = format!("{}-{} {}", id[..1].to_lowercase(), &id[1..5], &id[5..]);
    let answer = captcha_answer(&app).await;
    let r = app
        .post_form(
            "/cancel",
            &[
                ("action", "check"),
                ("id_number", id.as_str()),
                ("card_number", card.as_str()),
                ("captcha", answer.as_str()),
            ],
        )
        .await;
    let (choose_zh, _) = both("cancel-choose-method");
    assert!(r.has(&choose_zh), "{card:?} {id:?}: {}", r.body);

    // The household ID typed lower-case with a space: accepted, carried upper-case.
    app.get("/apply").await;
    app.read_card(0).await;
    let mut fields = app.household_fields(0);
    let hid = p.household_id.as_str().to_owned();
    let typed = format!("{} {}", hid[..1].to_lowercase(), &hid[1..]);
    fields[1].1 = typed;
    let step1 = app.post_form("/apply/card", &owned(&fields)).await;
    assert!(step1.has("id=\"apply-submit\""), "{}", step1.body);
    assert!(step1.has(&format!("value=\"{hid}\"")), "{}", step1.body);
}

/// Outside the service hours, 讀取 and the forms say that the service is closed now and
/// its hours (not the hours alone, not 「請插入健保卡…」 again).
#[tokio::test]
async fn outside_the_hours_the_card_and_the_forms_say_the_service_is_closed_now() {
    use chrono::Timelike as _;
    let taipei = chrono::Utc::now() + chrono::Duration::hours(8);
    let open = u8::try_from((taipei.hour() + 2) % 24).unwrap();
    let hours = twnhi_account::ServiceHours::new((open, 0), (open, 30)).unwrap();
    let b = common::backend(BASE, 2, |c| c.service_hours = hours).await;
    let web = WebConfig::new(PublicBaseUrl::parse(BASE).unwrap());
    let site = Site::new(web, SiteDeps::new(b.service.clone()), &b.server_key, None).unwrap();
    let mut app = App {
        router: site.router(),
        people: b.people,
        service: b.service,
        store: b.store,
        mailer: MemoryMailer::new(),
        cookie: None,
        csrf: String::new(),
        server_key: b.server_key,
        _dir: b.dir,
    };
    let closed = |lang| twnhi_account::messages::text(lang, "service-closed-now");
    let notice_zh = hours.notice(twnhi_account::Lang::ZhTw);
    app.get("/apply").await;
    let n = app.post_json("/card/nonce", serde_json::json!({})).await;
    assert!(
        n.body.contains(&closed(twnhi_account::Lang::ZhTw)),
        "{}",
        n.body
    );
    assert!(n.body.contains(&notice_zh), "{}", n.body);
    assert!(
        n.body.contains(&closed(twnhi_account::Lang::En)),
        "{}",
        n.body
    );

    let fields = app.household_fields(0);
    let r = app.post_form("/apply/card", &owned(&fields)).await;
    assert!(
        r.has(&html_escape(&closed(twnhi_account::Lang::ZhTw))),
        "{}",
        r.body
    );
    assert!(!r.has_msg(Msg::ReadCardPrompt), "{}", r.body);
    app.get("/forgot-password").await;
    let r = app
        .post_form(
            "/forgot-password",
            &[("method", "registered"), ("email", "test.one@example.com")],
        )
        .await;
    assert!(
        r.has(&html_escape(&closed(twnhi_account::Lang::ZhTw))),
        "{}",
        r.body
    );
}

/// 4.5: the new password must differ from the current one; a spare address equal to the
/// main one is refused.
#[tokio::test]
async fn a_new_password_differs_and_a_spare_address_is_another() {
    let mut app = app().await;
    app.register_and_login(2, "same.pw@example.com").await;
    app.get("/password").await;
    let r = app
        .post_form(
            "/password",
            &[
                ("current", PASSWORD),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.has_msg(Msg::PasswordSameAsCurrent), "{}", r.body);

    app.get("/profile").await;
    let r = app
        .post_form(
            "/profile",
            &[
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
                ("email", "same.pw@example.com"),
                ("spare_email", "Same.PW@example.com"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (zh, en) = both("spare-email-same");
    assert!(r.has(&zh) && r.has(&en), "{}", r.body);
}

/// 回上頁 on apply step 2 returns to step 1 with the household data kept; after an error on
/// step 2 the page says why the password fields are empty.
#[tokio::test]
async fn previous_page_keeps_step_one_and_step_two_says_why_passwords_are_gone() {
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(1).await;
    let fields = app.household_fields(1);
    let step2 = app.post_form("/apply/card", &owned(&fields)).await;
    assert!(step2.has("id=\"apply-back-form\""), "{}", step2.body);
    assert!(
        !step2.has("href=\"/apply\">"),
        "回上頁 is no link to the terms"
    );
    let mut back = fields.clone();
    back.push(("back".into(), "1".into()));
    let step1 = app.post_form("/apply/card", &owned(&back)).await;
    assert!(step1.has("id=\"apply-next\""), "{}", step1.body);
    let hid = app.people[1].person.household_id.as_str().to_owned();
    assert_eq!(
        form_value(&step1.body, "household_id").as_deref(),
        Some(hid.as_str())
    );
    let village = app.people[1].person.address.village().to_owned();
    assert_eq!(
        form_value(&step1.body, "village").as_deref(),
        Some(village.as_str())
    );

    let mut f = fields.clone();
    f.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0812".into()),
        ("mobile_number".into(), "34".into()),
        ("email".into(), "prev.page@example.com".into()),
    ]);
    let r = app.post_form("/apply/details", &owned(&f)).await;
    let (zh, _) = both("password-retype-note");
    assert!(r.has(&zh), "{}", r.body);
}

/// A card holder whose request sends nothing is told what to do: registered already (resend),
/// not applied (forgot), the mobile phone not the registered one.
#[tokio::test]
async fn a_card_holder_is_told_why_no_letter_went_out() {
    let mut app = app().await;
    app.register_and_login(0, "told.why@example.com").await;
    app.cookie = None;
    app.get("/resend").await;
    app.read_card(0).await;
    let r = app
        .post_form(
            "/resend",
            &[("method", "registered"), ("email", "told.why@example.com")],
        )
        .await;
    assert!(r.has_msg(Msg::AlreadyRegistered), "{}", r.body);
    assert!(!r.has_msg(Msg::LetterRequested));

    app.cookie = None;
    app.get("/forgot-password").await;
    app.read_card(1).await;
    let r = app
        .post_form(
            "/forgot-password",
            &[("method", "registered"), ("email", "nobody@example.com")],
        )
        .await;
    assert!(r.has_msg(Msg::NotYetApplied), "{}", r.body);

    app.cookie = None;
    app.get("/forgot-password").await;
    app.read_card(0).await;
    let p = app.people[0].person.clone();
    let t = p.address.township();
    let n = p.address.neighborhood().to_string();
    let r = app
        .post_form(
            "/forgot-password",
            &[
                ("method", "new"),
                ("email", "other.box@example.com"),
                ("county", t.county_zh()),
                ("township", t.zh()),
                ("village", p.address.village()),
                ("neighborhood", n.as_str()),
                ("mobile_area", "0987"),
                ("mobile_number", "000111"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::MobileNotRegistered), "{}", r.body);
}

/// 【取得裝置認證說明】: linked from 行動裝置認證, explaining the QR and the typed code and
/// the code's lifetime as the site is set.
#[tokio::test]
async fn the_device_help_page_explains_binding_and_the_code_lifetime() {
    let mut app = app().await;
    app.register_and_login(2, "device.help@example.com").await;
    let page = app.get("/device/verify").await;
    assert!(page.has("href=\"/device/help\""), "{}", page.body);
    let help = app.get("/device/help").await;
    assert_eq!(help.status, StatusCode::OK);
    let (title, _) = both("device-help-title");
    assert!(help.has(&title), "{}", help.body);
    let policy = twnhi_account::secret::SecretPolicies::default().device_code;
    let lifetime = twnhi_account::messages::format(
        twnhi_account::Lang::ZhTw,
        "device-help-lifetime",
        &[
            ("minutes", (policy.lifetime_secs / 60).to_string().into()),
            ("tries", policy.max_attempts.to_string().into()),
        ],
    );
    assert!(help.has(&html_escape(&lifetime)), "{}", help.body);
    for id in ["device-code-note-camera", "device-code-note-no-camera"] {
        assert!(help.has(&both(id).0), "{id}");
    }
}

/// 重寄認證信 / 忘記註冊密碼 to the registered address ask for its 「* E-Mail」: empty, it is
/// asked for; a wrong one sends nothing and answers as a right one does.
#[tokio::test]
async fn the_registered_address_mode_asks_for_the_e_mail_and_matches_it() {
    let mut app = app().await;
    app.register_and_login(1, "asked.for@example.com").await;
    app.cookie = None;
    app.get("/forgot-password").await;
    app.read_card(1).await;
    let r = app
        .post_form("/forgot-password", &[("method", "registered")])
        .await;
    assert!(r.has_msg(Msg::EmailEmpty), "{}", r.body);
    app.deliver().await;
    let before = app.mailer.sent().len();
    let wrong = app
        .post_form(
            "/forgot-password",
            &[("method", "registered"), ("email", "guess@example.com")],
        )
        .await;
    assert!(wrong.has_msg(Msg::LetterRequested), "{}", wrong.body);
    app.deliver().await;
    assert_eq!(app.mailer.sent().len(), before, "nothing sent");
    app.read_card(1).await;
    let right = app
        .post_form(
            "/forgot-password",
            &[("method", "registered"), ("email", "asked.for@example.com")],
        )
        .await;
    assert!(right.has_msg(Msg::LetterRequested), "{}", right.body);
    app.deliver().await;
    assert_eq!(app.mailer.sent().len(), before + 1);
}

/// 行動電話 as the manual marks it: without `*` on apply, change data and 忘記註冊密碼's 修改
/// mode (with its note 「本項行動電話將作為未來行動裝置之認證使用，請務必輸入。」), which
/// then go through without it; with `*` on 重寄認證信's 修改 mode, which asks for it.
#[tokio::test]
async fn the_mobile_phone_is_asked_for_where_the_manual_marks_it() {
    let star = "<span class=\"req\">*</span>行動電話";
    let (note, _) = both("mobile-phone-note");
    assert_eq!(
        note,
        "本項行動電話將作為未來行動裝置之認證使用，請務必輸入。"
    );
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(0).await;
    let mut fields = apply_fields(&app, 0, "no.mobile@example.com");
    fields.retain(|(k, _)| !k.starts_with("mobile_"));
    let r = app.post_form_once("/apply/details", &owned(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/done");
    // A mobile typed wrong is still an error.
    app.cookie = None;
    app.get("/apply").await;
    app.read_card(1).await;
    let mut fields = apply_fields(&app, 1, "bad.mobile@example.com");
    for (k, v) in &mut fields {
        if k == "mobile_number" {
            *v = "12".into();
        }
    }
    let bad = app.post_form("/apply/details", &owned(&fields)).await;
    assert!(bad.has_msg(Msg::MobilePhoneInvalid), "{}", bad.body);
    assert!(!bad.has(star), "apply marks the mobile phone *");
    assert!(bad.has(&note), "{}", bad.body);

    // Change data: the mobile phone can be left out.
    app.cookie = None;
    app.register_and_login(2, "profile.mobile@example.com")
        .await;
    let profile = app.get("/profile").await;
    assert!(!profile.has(star), "the profile marks the mobile phone *");

    // 忘記註冊密碼, 修改 mode, no mobile phone: the letter goes to the new address.
    app.cookie = None;
    let forgot = app.get("/forgot-password").await;
    assert!(!forgot.has(star), "forgot marks the mobile phone *");
    app.read_card(2).await;
    let p = app.people[2].person.clone();
    let t = p.address.township();
    let n = p.address.neighborhood().to_string();
    let new_mode = |email: &'static str| {
        vec![
            ("method", "new"),
            ("email", email),
            ("county", t.county_zh()),
            ("township", t.zh()),
            ("village", p.address.village()),
            ("neighborhood", n.as_str()),
        ]
    };
    let r = app
        .post_form("/forgot-password", &new_mode("new.box@example.com"))
        .await;
    assert!(r.has_msg(Msg::LetterRequested), "{}", r.body);
    app.deliver().await;
    assert!(
        app.mailer
            .sent()
            .iter()
            .any(|m| m.to().as_str() == "new.box@example.com"),
        "the reset letter to the new address"
    );

    // 重寄認證信, 修改 mode: 「* 行動電話」, asked for.
    app.cookie = None;
    app.get("/apply").await;
    app.read_card(3).await;
    let fields = apply_fields(&app, 3, "pending.one@example.com");
    app.post_form_once("/apply/details", &owned(&fields)).await;
    app.cookie = None;
    let resend = app.get("/resend").await;
    assert!(
        resend.has(star),
        "resend's 修改 mode marks the mobile phone *"
    );
    app.read_card(3).await;
    let p = app.people[3].person.clone();
    let t = p.address.township();
    let n = p.address.neighborhood().to_string();
    let r = app
        .post_form(
            "/resend",
            &[
                ("method", "new"),
                ("email", "pending.new@example.com"),
                ("county", t.county_zh()),
                ("township", t.zh()),
                ("village", p.address.village()),
                ("neighborhood", n.as_str()),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::MobilePhoneEmpty), "{}", r.body);
    assert!(!r.has_msg(Msg::LetterRequested));
}

/// A new main e-mail address takes effect only when the letter sent to it is answered: until
/// then the registration keeps the current one; the link's page asks for 【確定】, which makes
/// the change and tells the old address; the link works once.
#[tokio::test]
async fn a_new_e_mail_address_takes_effect_when_its_letter_is_answered() {
    let mut app = app().await;
    app.register_and_login(3, "old.box@example.com").await;
    app.get("/profile").await;
    let r = app
        .post_form_once(
            "/profile",
            &[("email", "new.box@example.com"), ("current", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = app.follow(r).await;
    assert!(shown.has_msg(Msg::EmailChangeSent), "{}", shown.body);
    // Not yet: the form still shows the current address.
    assert_eq!(
        form_value(&shown.body, "email").as_deref(),
        Some("old.box@example.com")
    );
    app.deliver().await;
    let sent = app.mailer.sent();
    assert!(
        !sent.iter().any(|m| m.to().as_str() == "old.box@example.com"
            && m.kind() == twnhi_notify::LetterKind::EmailChanged),
        "no change notice before the confirmation"
    );
    let link = app.last_link("new.box@example.com", "/confirm-email");
    // Opening the link changes nothing: it shows 【確定】.
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has_msg(Msg::EmailChangePrompt), "{}", page.body);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let r = app
        .post_form_once("/confirm-email", &[("token", token.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = app.follow(r).await;
    assert!(done.has_msg(Msg::EmailChangeConfirmed), "{}", done.body);
    app.deliver().await;
    let notice = app.mailer.last_to("old.box@example.com").expect("a notice");
    assert_eq!(notice.kind(), twnhi_notify::LetterKind::EmailChanged);
    let profile = app.get("/profile").await;
    assert_eq!(
        form_value(&profile.body, "email").as_deref(),
        Some("new.box@example.com")
    );
    // Once only.
    let again = app.get(&link).await;
    assert!(again.has_msg(Msg::LinkInvalid), "{}", again.body);
}

/// 刪除註冊申請 to the registered address asks for its 「* E-Mail」 (shown after 【檢核】 in
/// both modes): empty, it is asked for; a wrong one sends nothing and answers as a right one
/// does; the right one sends the letter.
#[tokio::test]
async fn the_cancel_request_asks_for_the_registered_e_mail_and_matches_it() {
    let mut app = app().await;
    app.register_and_login(2, "cancel.mine@example.com").await;
    app.cookie = None;
    let p = app.people[2].person.clone();
    app.get("/cancel").await;
    let submit = |captcha: String, email: &str| {
        vec![
            ("action".to_owned(), "submit".to_owned()),
            ("checked".to_owned(), "1".to_owned()),
            ("method".to_owned(), "registered".to_owned()),
            ("id_number".to_owned(), p.id_number.as_str().to_owned()),
            ("card_number".to_owned(), p.card_number.as_str().to_owned()),
            ("captcha".to_owned(), captcha),
            ("email".to_owned(), email.to_owned()),
        ]
    };
    let answer = captcha_answer(&app).await;
    let checked = app
        .post_form(
            "/cancel",
            &[
                ("action", "check"),
                ("id_number", p.id_number.as_str()),
                ("card_number", p.card_number.as_str()),
                ("captcha", answer.as_str()),
            ],
        )
        .await;
    // The 「* E-Mail」 row is not only for the new-address mode.
    let row = checked
        .body
        .find("<label for=\"email\">")
        .and_then(|i| checked.body[..i].rfind("<tr"))
        .map(|i| &checked.body[i..i + 4]);
    assert_eq!(row, Some("<tr>"), "{}", checked.body);
    let r = app
        .post_form("/cancel", &owned(&submit(answer.clone(), "")))
        .await;
    assert!(r.has_msg(Msg::EmailEmpty), "{}", r.body);

    app.deliver().await;
    let before = app.mailer.sent().len();
    let answer = captcha_answer(&app).await;
    let r = app
        .post_form_once("/cancel", &owned(&submit(answer, "guess@example.com")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = app.follow(r).await;
    assert!(shown.has_msg(Msg::CancelRequested), "{}", shown.body);
    app.deliver().await;
    assert_eq!(app.mailer.sent().len(), before, "nothing sent");

    app.get("/cancel").await;
    let answer = captcha_answer(&app).await;
    let r = app
        .post_form_once(
            "/cancel",
            &owned(&submit(answer, "Cancel.Mine@example.com")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.deliver().await;
    let letter = app
        .mailer
        .last_to("cancel.mine@example.com")
        .expect("the cancellation letter");
    assert_eq!(letter.kind(), twnhi_notify::LetterKind::CancellationConfirm);
}
