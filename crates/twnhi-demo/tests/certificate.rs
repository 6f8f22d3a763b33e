//! Browser test of the citizen certificate path (自然人憑證, manual §六) in a real headless
//! Chromium against the demo: the page script asks the demo's bridge for the simulated
//! certificate card's certificate and signature (the PIN goes to the bridge only), the site
//! verifies them against the demo CA.
//!
//! Certificate login (a wrong PIN, a wrong birth date, then right) → 行動裝置作業 →
//! 行動裝置帳號申請 → the e-mail confirmed → certificate login again → 行動裝置認證 (device
//! code) → the app binds through the app API → 行動裝置管理作業 lists the device.
//!
//! Needs `chromium` and `chromedriver` as `browser.rs` does.
//! Run: `cargo test -p twnhi-demo --features browser-tests --test certificate`.

#[macro_use]
mod support;

use std::time::{Duration, Instant};

use twnhi_account::Msg;
use twnhi_demo::{DEMO_PIN, Demo};
use twnhi_web::api::BindRequest;
use twnhi_web::client::AppClient;

use support::{Ctx, Harness, R};

const PW: &str = "Cert#2024ab";
const EMAIL: &str = "cert.one@example.com";

/// The certificate login page's message box once it shows something of `kind`.
async fn cert_message(ctx: &Ctx, kind: &str) -> R<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let css = format!("[data-cert-message][data-kind=\"{kind}\"]");
        if let Ok(e) = ctx.el(&css).await {
            return Ok(e.text().await?);
        }
        let now = ctx.text("[data-cert-message]").await.unwrap_or_default();
        check!(
            Instant::now() < deadline,
            "no {kind} message; the box says {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Fills the certificate login and presses 【確認】.
async fn fill_login(ctx: &Ctx, id: &str, birth: &str, pin: &str) -> R {
    ctx.goto("/cert/login").await?;
    ctx.fill("#cert-id-number", id).await?;
    ctx.fill("#cert-birth-date", birth).await?;
    ctx.fill("#cert-pin", pin).await?;
    ctx.el("#cert-login-submit").await?.click().await?;
    Ok(())
}

/// A successful certificate login: the page goes on to the 行動裝置作業 module.
async fn cert_login(ctx: &Ctx, id: &str, birth: &str) -> R {
    fill_login(ctx, id, birth, DEMO_PIN).await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while ctx.c.current_url().await?.path() != "/mobile" {
        let msg = ctx.text("[data-cert-message]").await.unwrap_or_default();
        check!(Instant::now() < deadline, "no certificate login: {msg:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ctx.ready().await
}

async fn scenario(ctx: &Ctx, demo: &Demo) -> R {
    let p = &demo.people()[0].person;
    let id = p.id_number.as_str();
    let birth = p.birth_date.format("%Y-%m-%d").to_string();
    let roc_birth = format!(
        "{:03}/{}",
        chrono::Datelike::year(&p.birth_date) - 1911,
        p.birth_date.format("%m/%d")
    );

    // The demo's card page names the certificate PIN.
    ctx.goto("/dev/cards").await?;
    ctx.wait_text("#dev-cert-pin", DEMO_PIN).await?;

    // --- (一) the login: the page ------------------------------------------------------------
    ctx.goto("/cert/login").await?;
    ctx.wait_text(
        "main",
        "插入自然人憑證後，輸入身分證號、出生日期及憑證 pin 碼按【確認】鈕登入。",
    )
    .await?;
    ctx.shot("cert-login").await?;
    // A wrong PIN: the bridge's answer (7504), the site is not asked.
    fill_login(ctx, id, &birth, "000000").await?;
    let t = cert_message(ctx, "error").await?;
    check!(t.contains("PIN"), "wrong PIN: {t:?}");
    check!(ctx.value("#cert-pin").await?.is_empty(), "PIN not kept");
    // A wrong birth date: the one refusal of the site.
    fill_login(ctx, id, "1901-01-01", DEMO_PIN).await?;
    let t = cert_message(ctx, "error").await?;
    check!(t.contains("自然人憑證登入失敗"), "wrong birth date: {t:?}");
    check!(
        ctx.c.current_url().await?.path() == "/cert/login",
        "not logged in"
    );
    // Right, with the ROC birth date.
    cert_login(ctx, id, &roc_birth).await?;
    let main = ctx.wait_text("main", "登入方式:自然人憑證").await?;
    for item in [
        "行動裝置帳號申請",
        "行動裝置續領申請",
        "行動裝置認證",
        "行動裝置管理作業",
        "基本資料變更",
        "行動裝置密碼變更",
    ] {
        check!(main.contains(item), "menu item {item} in {main:?}");
    }
    check!(main.contains(&p.name), "the person's name");
    ctx.shot("cert-mobile").await?;

    // --- (三) 行動裝置帳號申請 ---------------------------------------------------------------
    ctx.submit("#cert-nav-apply").await?;
    ctx.wait_text(
        "main",
        "注意事項：若您已申請【健保卡網路服務】，系統將會一併變更登入註冊密碼。",
    )
    .await?;
    ctx.fill("#password", PW).await?;
    ctx.fill("#confirmation", "Other#2024ab").await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.el("#cert-apply-submit").await?.click().await?;
    cert_message(ctx, "error").await?;
    ctx.fill("#confirmation", PW).await?;
    ctx.fill("#mobile_area", "0912").await?;
    ctx.fill("#mobile_number", "345678").await?;
    ctx.shot("cert-apply").await?;
    ctx.el("#cert-apply-submit").await?.click().await?;
    let t = cert_message(ctx, "ok").await?;
    check!(
        t.contains(Msg::ApplySuccess.zh()) && t.contains(Msg::ApplySuccess.en()),
        "applied: {t:?}"
    );
    check!(ctx.value("#password").await?.is_empty(), "password cleared");

    // The confirmation letter, opened in the same browser.
    let (_text, links) = ctx.letter("confirmation", EMAIL).await?;
    let link = links
        .iter()
        .find(|l| l.contains("/verify-email?token="))
        .ok_or("no link")?;
    ctx.c.goto(link).await?;
    ctx.ready().await?;
    ctx.read_card(&p.name).await?;
    ctx.submit("#verify-email-submit").await?;
    ctx.expect_msg("[data-result]", Msg::EmailVerified).await?;

    // --- (四) 行動裝置認證 ---------------------------------------------------------------------
    cert_login(ctx, id, &birth).await?;
    ctx.submit("#cert-nav-device-code").await?;
    let masked = format!("{}****", &id[..6]);
    // 「行動裝置帳號 T22006****【已申請】」, beside the module's menu.
    ctx.wait_text("#cert-account", &format!("{masked}【已申請】"))
        .await?;
    ctx.submit("#produce-code").await?;
    let code = ctx.text("[data-code-text]").await?;
    check!(code.len() == 8, "code {code:?}");
    check!(
        ctx.el("[data-qr] svg").await?.is_displayed().await?,
        "QR code shown"
    );
    let app = AppClient::new(&ctx.site)?;
    let bound = app
        .bind(&BindRequest {
            id_number: id.to_owned(),
            code: code.clone(),
            platform: "Android".to_owned(),
            model: "Cert Phone 7".to_owned(),
            device_id: "c0ffee00-0000-4000-8000-00000000c001".to_owned(),
        })
        .await?;
    check!(!bound.device_id.is_empty(), "bound {bound:?}");

    // --- (六) 行動裝置管理作業: the same list as the card path's ------------------------------
    // From the module's menu on the device code page.
    ctx.submit("#cert-nav-devices").await?;
    ctx.wait_text("#devices", "Cert Phone 7").await?;
    ctx.wait_css("[data-state=\"active\"]").await?;
    ctx.shot("cert-devices").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_certificate_path_in_a_real_browser() {
    let h = Harness::start(2).await.unwrap();
    let result = scenario(&h.ctx, &h.demo).await;
    h.finish("twnhi-certificate", result).await;
}
