//! Browser tests: a real headless Chromium, driven through chromedriver (WebDriver, with
//! fantoccini), against the one-command demo running in this process — the site, its SQLite
//! data directory, the in-process bridge with the simulated reader, and the mailbox.
//!
//! The whole life of a registration: apply → confirm the e-mail from the mailbox → log in →
//! produce a device code → the app binds (the example app's client) → the device is listed →
//! disable / enable / delete → change the password → log out → forgot → reset → cancel →
//! confirm. Bad input on the forms along the way, the strength meter compared with the
//! server's rule, the environment check page.
//!
//! Needs `chromium` and `chromedriver` on `PATH` (Debian packages `chromium` and
//! `chromium-driver`; override with `CHROMIUM` and `CHROMEDRIVER`), and a CJK font for
//! readable screenshots. Set `TWNHI_SCREENSHOT_DIR` to save screenshots of the main pages
//! (the repository keeps them in `docs/screenshots/`).
//!
//! Run: `cargo test -p twnhi-demo --features browser-tests --test browser`.

#[macro_use]
mod support;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use twnhi_account::Msg;
use twnhi_account::password::Strength;
use twnhi_demo::Demo;
use twnhi_sim::{Faults, SimCard};
use twnhi_web::api::{BindRequest, LoginRequest};
use twnhi_web::client::{AppClient, ClientError, totp_now};

use support::{Ctx, Harness, R};

const PW1: &str = "Demo#2024ab";
const PW2: &str = "Next#2025cd";
const PW3: &str = "Reset#2026ef";
const EMAIL: &str = "test.one@example.com";

// ----- the test --------------------------------------------------------------------------------

/// Passwords for comparing the page's meter with the server's rule.
fn sample_passwords() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        "a",
        "abcdef",
        "ABCDEF",
        "123456",
        "~!@#$%",
        "abc123",
        "Abc123",
        "Ab1#xyz",
        "Ab1#wxyz",
        "Ab1-wxyz",
        "ab cd",
        "Ab1_wxyz",
        "Ab1+wxyz",
        "測試Ab1#",
        "Ab1#測試測試",
        "ＡＢ12ab#x",
        "Tw#2024nhi",
        "aA1~",
        "aaaaaaA1",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let alphabet: Vec<char> = "aZ9~!@#$%^&*-_+= <>測ａ".chars().collect();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 14) as usize;
        let mut s = String::new();
        let mut y = x;
        for _ in 0..len {
            y = y.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let i = usize::try_from((y >> 33) % alphabet.len() as u64).unwrap_or(0);
            s.push(alphabet[i]);
        }
        out.push(s);
    }
    out
}

async fn scenario(ctx: &Ctx, demo: &Demo) -> R {
    let a = &demo.people()[0];
    let b = &demo.people()[1];
    let pa = &a.person;
    let town = pa.address.township();
    let app = AppClient::new(&ctx.site)?;

    // --- the login page, the environment, the strength meter agrees with the server ---------
    ctx.goto("/login").await?;
    ctx.wait_css("[data-supported=\"yes\"]").await?;
    // The 讀卡機 row names the reader the card will be read in, and that a card is in it.
    ctx.wait_css("[data-reader-status][data-state=\"card\"]")
        .await?;
    ctx.wait_text(
        "[data-reader-status]",
        "twnhi Simulated Reader 00 (已插入健保卡",
    )
    .await?;
    ctx.shot("login").await?;
    let samples = sample_passwords();
    let js = ctx
        .c
        .execute(
            "return arguments[0].map(function (p) { return window.twnhi.strength(p); });",
            vec![serde_json::to_value(&samples)?],
        )
        .await?;
    let js: Vec<String> = serde_json::from_value(js)?;
    for (p, j) in samples.iter().zip(&js) {
        check!(
            Strength::of(p).as_str() == j,
            "meter disagrees on {p:?}: page {j}, server {}",
            Strength::of(p).as_str()
        );
    }

    // --- 4.1 apply ----------------------------------------------------------------------------
    ctx.submit("a[href=\"/apply\"]").await?;
    ctx.wait_text("h1", "全民健康保險網路服務註冊管理作業要點")
        .await?;
    ctx.shot("terms").await?;
    ctx.submit("#accept-terms").await?;
    // Bad input first: a malformed household ID, no address, and 讀取 not pressed —
    // 【下一步】 reads the card in the reader itself (issue 11, item 10), so the only
    // complaints are the household fields'.
    ctx.fill("#household_id", "X12").await?;
    ctx.submit("#apply-next").await?;
    ctx.expect_msg("[data-system-message]", Msg::HouseholdIdFormat)
        .await?;
    ctx.expect_msg("[data-system-message]", Msg::CountyInvalid)
        .await?;
    check!(
        ctx.value("#household_id").await? == "X12",
        "typed household ID kept"
    );
    // Now properly, with a neighbourhood that does not match the registry.
    ctx.read_card(&pa.name).await?;
    ctx.fill("#household_id", pa.household_id.as_str()).await?;
    let wrong = if pa.address.neighborhood() == 1 {
        "2"
    } else {
        "1"
    };
    ctx.address(town.county_zh(), town.zh(), pa.address.village(), wrong)
        .await?;
    ctx.submit("#apply-next").await?;
    // 【下一步】 checks the household data against the registry: one generic refusal, step 1
    // again with the values kept.
    ctx.expect_msg("[data-system-message]", Msg::RegistryMismatch)
        .await?;
    check!(
        ctx.value("#neighborhood").await? == wrong,
        "neighbourhood kept"
    );
    check!(
        ctx.value("#household_id").await? == pa.household_id.as_str(),
        "household ID kept"
    );
    // The page the site sends back still says which card the session read.
    let card = &a.identity.card_no;
    let shown = ctx.text("[data-card-source]").await?;
    check!(
        shown.contains(&format!("********{}", &card[card.len() - 4..])),
        "the session's card shown after the round trip: {shown:?}"
    );
    ctx.fill("#neighborhood", &pa.address.neighborhood().to_string())
        .await?;
    ctx.shot("apply-card").await?;
    ctx.submit("#apply-next").await?;
    // 回上頁: step 1 again with the household data kept (issue 11, item 2).
    ctx.submit("#apply-back").await?;
    check!(
        ctx.value("#household_id").await? == pa.household_id.as_str(),
        "household ID kept after 回上頁"
    );
    ctx.submit("#apply-next").await?;
    // Step 2, bad input: every message, the typed values kept, never the passwords.
    ctx.fill("#password", "ab").await?;
    ctx.fill("#confirmation", "abc").await?;
    ctx.fill("#mobile_area", "0812").await?;
    ctx.fill("#mobile_number", "34").await?;
    ctx.fill("#email", "bad").await?;
    ctx.submit("#apply-submit").await?;
    for m in [
        Msg::PasswordLength,
        Msg::PasswordMismatch,
        Msg::MobilePhoneInvalid,
        Msg::EmailInvalid,
    ] {
        ctx.expect_msg("[data-system-message]", m).await?;
    }
    check!(ctx.value("#email").await? == "bad", "e-mail kept");
    check!(ctx.value("#mobile_number").await? == "34", "mobile kept");
    check!(
        ctx.value("#password").await?.is_empty(),
        "password not kept"
    );
    // The meter follows the typing.
    ctx.fill("#password", "Ab1#wxyz").await?;
    let level = ctx.el("#meter").await?.attr("data-level").await?;
    check!(level.as_deref() == Some("strong"), "meter {level:?}");
    ctx.fill("#password", PW1).await?;
    ctx.fill("#confirmation", PW1).await?;
    ctx.fill("#mobile_area", "0912").await?;
    ctx.fill("#mobile_number", "345678").await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.fill("#spare_email", "test.spare@outlook.com").await?;
    ctx.shot("apply-details").await?;
    // A double click sends the form once (issue 11, item 1).
    ctx.c
        .execute(
            "var b = document.querySelector('#apply-submit'); b.click(); setTimeout(function () { b.click(); }, 150);",
            vec![],
        )
        .await?;
    ctx.expect_msg("[data-result]", Msg::ApplySuccess).await?;
    ctx.wait_text("main", Msg::MicrosoftMailWarning.zh())
        .await?;
    // Post/Redirect/Get: the result is a page of its own; refreshing it posts nothing.
    check!(
        ctx.c.current_url().await?.path() == "/done",
        "the result of 確認申請 at {}",
        ctx.c.current_url().await?
    );
    ctx.shot("apply-done").await?;
    ctx.c.refresh().await?;
    ctx.ready().await?;
    check!(
        ctx.c.current_url().await?.path() == "/login",
        "refreshed: {}",
        ctx.c.current_url().await?
    );

    // --- 4.1 step 5: the confirmation letter ------------------------------------------------------
    let (text, links) = ctx.letter("confirmation", EMAIL).await?;
    ctx.goto("/dev/mailbox").await?;
    let rows = format!("tr[data-kind=\"confirmation\"][data-to=\"{EMAIL}\"]");
    let letters = ctx.c.find_all(Locator::Css(&rows)).await?.len();
    check!(letters == 1, "one confirmation letter, not {letters}");
    check!(text.contains("進入電子信箱認證畫面"), "letter text");
    ctx.shot("mailbox-letter").await?;
    let link = links
        .iter()
        .find(|l| l.contains("/verify-email?token="))
        .ok_or("no link")?;
    ctx.c.goto(link).await?;
    ctx.ready().await?;
    ctx.read_card(&pa.name).await?;
    ctx.shot("verify-email").await?;
    ctx.submit("#verify-email-submit").await?;
    ctx.expect_msg("[data-result]", Msg::EmailVerified).await?;
    ctx.goto("/dev/mailbox").await?;
    ctx.shot("mailbox").await?;

    // --- 4.2 log in ------------------------------------------------------------------------------
    ctx.login("Wrong#2024x").await?;
    ctx.expect_msg("[data-system-message]", Msg::LoginFailed)
        .await?;
    check!(
        ctx.value("#password").await?.is_empty(),
        "password not kept"
    );
    ctx.login(PW1).await?;
    check!(
        ctx.c.current_url().await?.path() == "/services",
        "logged in"
    );
    ctx.wait_text("main", &pa.name).await?;
    ctx.shot("services").await?;

    // --- 4.3 device code, the app binds ---------------------------------------------------------
    ctx.submit("#nav-device-verify").await?;
    ctx.submit("#produce-code").await?;
    let code = ctx.text("[data-code-text]").await?;
    check!(
        code.len() == 8 && code.chars().all(|c| c.is_ascii_alphanumeric()),
        "code {code:?}"
    );
    check!(
        ctx.el("[data-qr] svg").await?.is_displayed().await?,
        "QR code shown"
    );
    let expiry = ctx.text("[data-expiry]").await?;
    check!(
        expiry.contains("裝置認證碼有效時間至 民國")
            && expiry.contains("年")
            && expiry.contains("Device verification code is valid until"),
        "expiry {expiry:?}"
    );
    ctx.shot("device-code").await?;
    let bind = |code: &str, device: &str, model: &str| BindRequest {
        id_number: pa.id_number.as_str().to_owned(),
        code: code.to_owned(),
        platform: "Android".to_owned(),
        model: model.to_owned(),
        device_id: device.to_owned(),
    };
    match app.bind(&bind("zzzz9999", "device-a", "Pixel 8")).await {
        Err(ClientError::Api { body, .. }) => {
            check!(body.error.message_zh.contains("驗證碼錯誤"), "{body:?}");
        }
        other => return Err(format!("wrong code accepted: {other:?}").into()),
    }
    let bound = app
        .bind(&bind(
            &code,
            "a1b2c3d4-0000-4000-8000-0000000000aa",
            "Pixel 8",
        ))
        .await?;
    let login = app
        .login(&LoginRequest {
            id_number: pa.id_number.as_str().to_owned(),
            password: PW1.to_owned(),
            device_id: bound.device_id.clone(),
            totp: totp_now(&bound.totp)?,
        })
        .await?;
    let listed = app.devices(&login.access_token).await?;
    check!(
        listed.devices.len() == 1 && listed.devices[0].this_device,
        "{listed:?}"
    );

    // --- 4.4 device management ---------------------------------------------------------------
    ctx.goto("/devices").await?;
    ctx.wait_text("#devices", "Pixel 8").await?;
    ctx.wait_css("[data-state=\"active\"]").await?;
    ctx.shot("devices").await?;
    ctx.submit("button[data-action=\"disable\"]").await?;
    ctx.expect_msg("[data-system-message]", Msg::DeviceUpdated)
        .await?;
    ctx.wait_css("[data-state=\"disabled\"]").await?;
    check!(
        ctx.c.current_url().await?.path() == "/devices",
        "after 停用: {}",
        ctx.c.current_url().await?
    );
    ctx.c.refresh().await?;
    ctx.ready().await?;
    ctx.wait_css("[data-state=\"disabled\"]").await?;
    check!(
        !ctx.el("[data-system-message]")
            .await?
            .text()
            .await?
            .contains(Msg::DeviceUpdated.zh()),
        "the result is shown once"
    );
    match app.devices(&login.access_token).await {
        Err(ClientError::Api { status, .. }) => {
            check!(status.as_u16() == 403, "disabled device: {status}")
        }
        other => return Err(format!("a disabled device still works: {other:?}").into()),
    }
    ctx.submit("button[data-action=\"enable\"]").await?;
    ctx.wait_css("[data-state=\"active\"]").await?;
    check!(
        app.devices(&login.access_token).await.is_ok(),
        "enabled again"
    );
    // The app logs out: its token ends at once.
    let out = app.logout(&login.access_token).await?;
    check!(out.message.zh == Msg::LoggedOut.zh(), "{out:?}");
    match app.devices(&login.access_token).await {
        Err(ClientError::Api { status, .. }) => {
            check!(status.as_u16() == 401, "after logout: {status}")
        }
        other => return Err(format!("a token still works after logout: {other:?}").into()),
    }
    // A second device, then deleted.
    ctx.goto("/device/verify").await?;
    ctx.submit("#produce-code").await?;
    let code2 = ctx.text("[data-code-text]").await?;
    app.bind(&bind(
        &code2,
        "a1b2c3d4-0000-4000-8000-0000000000bb",
        "Galaxy Tab",
    ))
    .await?;
    ctx.goto("/devices").await?;
    ctx.wait_text("#devices", "Galaxy Tab").await?;
    let rows = ctx.c.find_all(Locator::Css("tr[data-device]")).await?;
    check!(rows.len() == 2, "two devices");
    let old = ctx.el("html").await?;
    ctx.el("tr[data-device]:first-child button[data-action=\"delete\"]")
        .await?
        .click()
        .await?;
    ctx.c.accept_alert().await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while old.tag_name().await.is_ok() {
        check!(Instant::now() < deadline, "delete did not submit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ctx.ready().await?;
    ctx.expect_msg("[data-system-message]", Msg::DeviceUpdated)
        .await?;
    let rows = ctx.c.find_all(Locator::Css("tr[data-device]")).await?;
    check!(rows.len() == 1, "one device left");

    // --- 4.5 change password ---------------------------------------------------------------------
    ctx.goto("/password").await?;
    ctx.fill("#password", "short").await?;
    ctx.fill("#confirmation", "other").await?;
    ctx.submit("#password-submit").await?;
    ctx.expect_msg("[data-system-message]", Msg::ReauthenticationRequired)
        .await?;
    ctx.expect_msg("[data-system-message]", Msg::PasswordLength)
        .await?;
    ctx.fill("#current", PW1).await?;
    ctx.fill("#password", PW2).await?;
    ctx.fill("#confirmation", PW2).await?;
    ctx.shot("password").await?;
    ctx.submit("#password-submit").await?;
    ctx.expect_msg("[data-result]", Msg::PasswordChanged)
        .await?;

    // --- 4.6 change data, log out ----------------------------------------------------------------
    ctx.login(PW2).await?;
    ctx.submit("#nav-profile").await?;
    check!(ctx.value("#email").await? == EMAIL, "current data shown");
    ctx.fill("#email", "nope").await?;
    ctx.submit("#profile-submit").await?;
    ctx.expect_msg("[data-system-message]", Msg::EmailInvalid)
        .await?;
    check!(ctx.value("#email").await? == "nope", "kept");
    ctx.fill("#email", EMAIL).await?;
    ctx.fill("#phone_area", "02").await?;
    ctx.fill("#phone_number", "23456789").await?;
    ctx.submit("#profile-submit").await?;
    ctx.expect_msg("[data-system-message]", Msg::DataSaved)
        .await?;
    ctx.shot("profile").await?;
    ctx.submit("[data-logout]").await?;
    ctx.expect_msg("[data-system-message]", Msg::LoggedOut)
        .await?;

    // --- 4.9 forgot, reset ---------------------------------------------------------------------------
    ctx.goto("/forgot-password").await?;
    ctx.read_card(&pa.name).await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.shot("forgot").await?;
    ctx.submit("#letter-submit").await?;
    ctx.expect_msg("[data-result]", Msg::LetterRequested)
        .await?;
    let (_, links) = ctx.letter("password-reset", EMAIL).await?;
    let link = links
        .iter()
        .find(|l| l.contains("/reset-password?token="))
        .ok_or("no reset link")?;
    ctx.c.goto(link).await?;
    ctx.ready().await?;
    ctx.read_card(&pa.name).await?;
    ctx.fill("#password", "abc").await?;
    ctx.fill("#confirmation", "abc").await?;
    ctx.submit("#reset-submit").await?;
    ctx.expect_msg("[data-system-message]", Msg::PasswordLength)
        .await?;
    ctx.read_card(&pa.name).await?;
    ctx.fill("#password", PW3).await?;
    ctx.fill("#confirmation", PW3).await?;
    ctx.shot("reset").await?;
    ctx.submit("#reset-submit").await?;
    ctx.expect_msg("[data-result]", Msg::PasswordResetDone)
        .await?;
    ctx.login(PW3).await?;
    check!(
        ctx.c.current_url().await?.path() == "/services",
        "the reset password works"
    );
    ctx.submit("[data-logout]").await?;

    // --- 4.7 cancel, confirm ---------------------------------------------------------------------
    ctx.goto("/cancel").await?;
    ctx.fill("#id_number", "A12345678").await?;
    ctx.fill("#card_number", "12").await?;
    ctx.submit("#cancel-check").await?;
    ctx.expect_msg("[data-system-message]", Msg::IdLength)
        .await?;
    ctx.expect_msg("[data-system-message]", Msg::CardNumberFormat)
        .await?;
    check!(ctx.value("#id_number").await? == "A12345678", "kept");
    // 【變更圖片】 keeps what was typed.
    ctx.submit("[data-captcha-refresh]").await?;
    check!(
        ctx.value("#card_number").await? == "12",
        "kept across 變更圖片"
    );
    ctx.fill("#id_number", pa.id_number.as_str()).await?;
    ctx.fill("#card_number", pa.card_number.as_str()).await?;
    let answer = ctx.captcha().await?;
    ctx.fill("#captcha", &answer).await?;
    ctx.shot("cancel").await?;
    ctx.submit("#cancel-check").await?;
    ctx.wait_css("#cancel-submit").await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.submit("#cancel-submit").await?;
    ctx.expect_msg("[data-result]", Msg::CancelRequested)
        .await?;
    let (text, links) = ctx.letter("cancellation", EMAIL).await?;
    let code = text
        .split("E-Mail 驗證碼：")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .ok_or("no code in the letter")?
        .to_owned();
    let link = links
        .iter()
        .find(|l| l.ends_with("/cancel/confirm"))
        .ok_or("no confirm link")?;
    ctx.c.goto(link).await?;
    ctx.ready().await?;
    ctx.fill("#id_number", pa.id_number.as_str()).await?;
    ctx.fill("#code", "WRONG123").await?;
    let answer = ctx.captcha().await?;
    ctx.fill("#captcha", &answer).await?;
    ctx.submit("#cancel-confirm-submit").await?;
    ctx.wait_text("[data-system-message]", "驗證碼錯誤").await?;
    check!(
        ctx.value("#id_number").await? == pa.id_number.as_str(),
        "kept"
    );
    ctx.fill("#code", &code).await?;
    let answer = ctx.captcha().await?;
    ctx.fill("#captcha", &answer).await?;
    ctx.shot("cancel-confirm").await?;
    ctx.submit("#cancel-confirm-submit").await?;
    ctx.expect_msg("[data-result]", Msg::CancelConfirmed)
        .await?;
    ctx.letter("deleted", EMAIL).await?;
    ctx.login(PW3).await?;
    ctx.expect_msg("[data-system-message]", Msg::LoginFailed)
        .await?;

    // --- 系統設定須知, the check page, the card switcher ------------------------------------------
    ctx.goto("/setup").await?;
    ctx.shot("setup").await?;
    ctx.goto("/setup/check").await?;
    ctx.wait_css("[data-connected=\"yes\"]").await?;
    ctx.el("#check-read").await?.click().await?;
    ctx.wait_text("#check-reply", "讀取健保卡成功").await?;
    ctx.el("#check-auth").await?.click().await?;
    ctx.wait_text("#check-reply", "驗證健保卡成功").await?;
    ctx.shot("check").await?;
    ctx.goto("/dev/cards").await?;
    ctx.submit(&format!("button[data-insert=\"{}\"]", b.identity.card_no))
        .await?;
    ctx.wait_css(&format!(
        ".card.inserted[data-card=\"{}\"]",
        b.identity.card_no
    ))
    .await?;
    ctx.shot("cards").await?;
    // Any page with 讀取 (a made-up letter link no longer shows a form: issue 11, item 3).
    ctx.goto("/resend").await?;
    ctx.read_card(&b.person.name).await?;
    // The page says which reader and which card it used (issue 11, item 10).
    let last4 = &b.identity.card_no[b.identity.card_no.len() - 4..];
    let source = ctx
        .wait_text("[data-card-source]", "twnhi Simulated Reader 00")
        .await?;
    check!(
        source.contains(&format!("********{last4}")) && source.contains("Card reader"),
        "reader and card shown: {source:?}"
    );
    // 【確定】 reads the card again: with the card pulled out since 讀取, nothing is sent —
    // the page stays (no navigation), says why, and no longer shows the earlier card.
    demo.reader().remove();
    ctx.c
        .execute("window.twnhiSamePage = true; return null;", vec![])
        .await?;
    ctx.el("#letter-submit").await?.click().await?;
    ctx.wait_css("[data-system-message].error").await?;
    let same = ctx
        .c
        .execute("return window.twnhiSamePage === true;", vec![])
        .await?;
    check!(same == serde_json::json!(true), "the form was not sent");
    check!(
        ctx.value("#name").await?.is_empty(),
        "the earlier card's name cleared"
    );
    check!(
        ctx.el("[data-card-source]")
            .await?
            .attr("hidden")
            .await?
            .is_some(),
        "the earlier card no longer shown"
    );
    demo.reader()
        .insert(SimCard::new(b.identity.clone(), Faults::default()));
    ctx.goto("/dev/cards").await?;
    ctx.submit("#remove-card").await?;
    ctx.goto("/forgot-password").await?;
    ctx.el("[data-card-read]").await?.click().await?;
    ctx.wait_css("[data-system-message].error").await?;
    let msg = ctx.text("[data-system-message]").await?;
    check!(
        msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            && msg.chars().any(|c| c.is_ascii_alphabetic()),
        "bilingual card error {msg:?}"
    );
    ctx.goto("/news").await?;
    ctx.wait_text("main", "展示系統上線").await?;
    ctx.shot("news").await?;
    Ok(())
}

/// The same life with the demo's data in PostgreSQL (a private server started by
/// `twnhi-testkit`): the site's pages behave the same on either backend.
#[cfg(feature = "postgres-tests")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_life_of_a_registration_in_a_real_browser_on_postgresql() {
    let pg = twnhi_testkit::postgres::PgServer::shared();
    let url = pg.create_database();
    let h = Harness::start_on(3, Some(url)).await.unwrap();
    let result = scenario(&h.ctx, &h.demo).await;
    h.finish("twnhi-browser-postgres", result).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_life_of_a_registration_in_a_real_browser() {
    let h = Harness::start(3).await.unwrap();
    let result = scenario(&h.ctx, &h.demo).await;
    h.finish("twnhi-browser", result).await;
}
