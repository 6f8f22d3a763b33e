//! Accessibility and phone-width checks in a real headless Chromium: every page of the demo in
//! every state worth checking — empty forms, forms after a failed submit, after a card read,
//! the pages of real letter links, the signed-in pages with a bound device, result pages and the
//! `/dev` pages — is audited by axe-core (WCAG 2.0/2.1 A and AA rules plus axe's best
//! practices; no violation of any impact is accepted) and measured for sideways overflow
//! (`document.documentElement.scrollWidth` must not exceed the viewport) at 1280, 390 and
//! 360 px wide. One browser session walks all the pages; every finding is collected and the
//! test fails at the end with the whole list (page, rule, impact, elements).
//!
//! On the same walk: a skip link first on every page, English text marked `lang="en"`, the
//! focus on the error summary after every failed submit and on 讀取 after a card read, the
//! strength meter's level as text in a live region, the manual's password hints and card
//! prompt per page, and the service hours the demo keeps on its terms page.
//!
//! axe-core is vendored as a test asset in `tests/vendor/axe-core/` (MPL-2.0, see its README);
//! the site never serves it: the test injects it through WebDriver.
//!
//! Needs what `tests/browser.rs` needs. Run:
//! `cargo test -p twnhi-demo --features browser-tests --test accessibility`.

#[macro_use]
mod support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Deserialize;
use twnhi_web::api::BindRequest;
use twnhi_web::client::AppClient;

use support::{Ctx, Harness, R};

const AXE: &str = include_str!("vendor/axe-core/axe.min.js");
const PW1: &str = "Demo#2024ab";
const EMAIL: &str = "test.one@example.com";
/// The widths every page is measured at: a 360 px and a 390 px phone, a desktop.
const WIDTHS: [i64; 3] = [360, 390, 1280];
const DESKTOP: (u32, u32) = (1280, 1500);
/// Page states saved as phone screenshots (390 px wide) with `TWNHI_SCREENSHOT_DIR`:
/// (state, file name without `.png`).
const PHONE_SHOTS: &[(&str, &str)] = &[
    ("login", "phone-login"),
    ("apply step 1 (card read)", "phone-apply-card"),
    ("apply step 2 (failed)", "phone-apply-details-error"),
    ("devices", "phone-devices"),
    ("password (meter)", "phone-password"),
    ("profile", "phone-profile"),
    ("cancel", "phone-cancel"),
];

/// What axe-core found wrong with one rule on one page.
#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    targets: Vec<String>,
}

/// The findings of the whole walk.
#[derive(Default)]
struct Report {
    pages: Vec<String>,
    violations: Vec<(String, Violation)>,
    overflow: Vec<(String, i64, i64, String)>,
    /// Other findings: the skip link, `lang="en"`, focus and live regions.
    problems: Vec<String>,
    summary: String,
}

impl Report {
    fn failures(&self) -> String {
        let mut out = String::new();
        for (page, v) in &self.violations {
            let _ = writeln!(
                out,
                "{page}: {} ({}) {} — {}",
                v.id,
                v.impact.as_deref().unwrap_or("-"),
                v.help,
                v.targets.join(" | ")
            );
        }
        for (page, width, scroll, culprits) in &self.overflow {
            let _ = writeln!(
                out,
                "{page}: {scroll} px wide in a {width} px viewport ({culprits})"
            );
        }
        for p in &self.problems {
            let _ = writeln!(out, "{p}");
        }
        out
    }
}

/// English text (three or more English words, no CJK) not marked `lang="en"`, and the skip
/// link: the first thing Tab reaches, leading to `main`.
const PAGE_CHECKS: &str = "\
    var out = [];\
    var first = document.querySelector('body a[href], body button, body input:not([type=hidden])');\
    var skip = document.querySelector('a.skip-link');\
    if (!skip || first !== skip || skip.getAttribute('href') !== '#main' ||\
        !document.querySelector('main#main')) { out.push('no skip link to main first'); }\
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);\
    var cjk = /[\\u3000-\\u9fff\\uff00-\\uffef]/;\
    var words = /[A-Za-z]{2,}[,.:;!?\"')]*\\s+[\"'(]*[A-Za-z]{2,}[,.:;!?\"')]*\\s+[\"'(]*[A-Za-z]{2,}/;\
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {\
      var el = n.parentElement;\
      if (!el || el.closest('script, style, pre, code, [hidden]')) { continue; }\
      var t = n.textContent.trim();\
      if (!words.test(t) || cjk.test(t)) { continue; }\
      var l = el.closest('[lang]');\
      if (!l || l.getAttribute('lang').indexOf('en') !== 0) {\
        out.push('English without lang=en: ' + t.slice(0, 60));\
      }\
    }\
    return out;";

/// The skip link and the language of English text on the page as it is now.
async fn page_checks(ctx: &Ctx, report: &mut Report, page: &str) -> R {
    let v = ctx.c.execute(PAGE_CHECKS, vec![]).await?;
    for p in v.as_array().into_iter().flatten() {
        let p = p.as_str().unwrap_or_default();
        report.problems.push(format!("{page}: {p}"));
    }
    Ok(())
}

/// After a failed submit the focus is on the error summary, which is an alert.
async fn expect_error_summary_focused(ctx: &Ctx, report: &mut Report, page: &str) -> R {
    let v = ctx
        .c
        .execute(
            "var a = document.activeElement;\
             return !!a && a.hasAttribute('data-error-summary') &&\
               a.getAttribute('role') === 'alert' && a.textContent.trim() !== '';",
            vec![],
        )
        .await?;
    if v != serde_json::Value::Bool(true) {
        report
            .problems
            .push(format!("{page}: the focus is not on the error summary"));
    }
    Ok(())
}

/// Injects axe-core (once per document) and runs it on the whole document.
async fn axe(ctx: &Ctx) -> R<Vec<Violation>> {
    let present = ctx
        .c
        .execute("return typeof window.axe === 'object';", vec![])
        .await?;
    if present != serde_json::Value::Bool(true) {
        ctx.c
            .execute(&format!("{AXE}\n;return true;"), vec![])
            .await?;
    }
    let out = ctx
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {\
               runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },\
               resultTypes: ['violations']\
             }).then(function (r) {\
               done(JSON.stringify(r.violations.map(function (v) {\
                 return { id: v.id, impact: v.impact, help: v.help,\
                   targets: v.nodes.map(function (n) { return n.target.join(' '); }) };\
               })));\
             }, function (e) { done('error: ' + e); });",
            vec![],
        )
        .await?;
    let text = out.as_str().unwrap_or_default();
    check!(!text.starts_with("error:"), "axe-core: {text}");
    Ok(serde_json::from_str(text)?)
}

/// The document's width and the viewport's at the window's current size.
async fn widths(ctx: &Ctx) -> R<(i64, i64)> {
    let v = ctx
        .c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let scroll = v[0].as_i64().ok_or("scrollWidth")?;
    let inner = v[1].as_i64().ok_or("innerWidth")?;
    Ok((scroll, inner))
}

/// The innermost elements that reach past the viewport's right edge, for the report.
async fn wide_elements(ctx: &Ctx) -> R<String> {
    let v = ctx
        .c
        .execute(
            "var w = document.documentElement.clientWidth, out = [];\
             var right = function (e) { return e.getBoundingClientRect().right; };\
             document.querySelectorAll('body *').forEach(function (e) {\
               if (right(e) > w + 1 &&\
                   !Array.from(e.children).some(function (c) { return right(c) > w + 1; })) {\
                 out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +\
                   (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '') +\
                   ' ' + Math.round(right(e)));\
               }\
             });\
             return out.slice(0, 5).join(', ');",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

async fn resize(ctx: &Ctx, width: i64) -> R {
    let w = u32::try_from(width)?;
    ctx.c.set_window_size(w, 900).await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, inner) = widths(ctx).await?;
        if inner == width {
            return Ok(());
        }
        check!(
            Instant::now() < deadline,
            "the viewport is {inner} px, not {width} px"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Audits the page as it is now: axe-core at desktop width, then the widths.
async fn audit(ctx: &Ctx, report: &mut Report, page: &str) -> R {
    let found = axe(ctx).await?;
    let mut line = format!("{page:<28} axe {:>2}", found.len());
    if !found.is_empty() {
        let ids: Vec<&str> = found.iter().map(|v| v.id.as_str()).collect();
        let _ = write!(line, " ({})", ids.join(", "));
    }
    for v in found {
        report.violations.push((page.to_owned(), v));
    }
    for width in WIDTHS {
        resize(ctx, width).await?;
        let (scroll, _) = widths(ctx).await?;
        let _ = write!(line, "  {width}:{scroll}");
        if width == 390
            && let Some((_, name)) = PHONE_SHOTS.iter().find(|(p, _)| *p == page)
        {
            ctx.shot(name).await?;
        }
        if scroll > width {
            let culprits = wide_elements(ctx).await?;
            report
                .overflow
                .push((page.to_owned(), width, scroll, culprits));
        }
    }
    ctx.c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    page_checks(ctx, report, page).await?;
    if page.ends_with("(failed)") {
        expect_error_summary_focused(ctx, report, page).await?;
    }
    report.pages.push(page.to_owned());
    report.summary.push_str(&line);
    report.summary.push('\n');
    Ok(())
}

/// The manual's words are on the page: `needle` in the text of `css`.
async fn expect_text(ctx: &Ctx, report: &mut Report, page: &str, css: &str, needle: &str) -> R {
    let text = ctx.text(css).await.unwrap_or_default();
    if !text.contains(needle) {
        report
            .problems
            .push(format!("{page}: {needle:?} not in {css}: {text:?}"));
    }
    Ok(())
}

/// The newest letter of `kind` to `to`, opened in the dev mailbox; its links.
async fn letter_links(ctx: &Ctx, kind: &str, to: &str) -> R<Vec<String>> {
    Ok(ctx.letter(kind, to).await?.1)
}

fn link<'a>(links: &'a [String], needle: &str) -> R<&'a str> {
    Ok(links
        .iter()
        .find(|l| l.contains(needle))
        .ok_or_else(|| format!("no {needle} link in {links:?}"))?)
}

async fn walk(ctx: &Ctx, demo: &twnhi_demo::Demo, report: &mut Report) -> R {
    let a = &demo.people()[0];
    let b = &demo.people()[1];
    let pa = &a.person;
    let town = pa.address.township();

    // --- signed out: the login page, its failure ------------------------------------------------
    ctx.goto("/login").await?;
    ctx.wait_css("[data-supported=\"yes\"]").await?;
    audit(ctx, report, "login").await?;
    ctx.fill("#password", "Wrong#2024x").await?;
    ctx.submit("#login-submit").await?;
    audit(ctx, report, "login (failed)").await?;

    // --- apply: terms, step 1 empty / failed / read, step 2 failed, done ------------------------
    ctx.goto("/apply").await?;
    // The terms state the hours the demo keeps (always open), in English that says so.
    let terms = ctx.text("main").await?;
    if !(terms.contains("00:00-24:00") && terms.contains("open 24 hours a day"))
        || terms.contains("06:00")
    {
        report
            .problems
            .push("apply terms: not the demo's service hours".to_owned());
    }
    audit(ctx, report, "apply terms").await?;
    ctx.submit("#accept-terms").await?;
    audit(ctx, report, "apply step 1").await?;
    ctx.submit("#apply-next").await?;
    audit(ctx, report, "apply step 1 (failed)").await?;
    ctx.read_card(&pa.name).await?;
    // The focus stays on 讀取 after the read.
    let on_read = ctx
        .c
        .execute(
            "return document.activeElement.hasAttribute('data-card-read');",
            vec![],
        )
        .await?;
    if on_read != serde_json::Value::Bool(true) {
        report
            .problems
            .push("apply step 1: the focus left 讀取 after the read".to_owned());
    }
    audit(ctx, report, "apply step 1 (card read)").await?;
    ctx.fill("#household_id", pa.household_id.as_str()).await?;
    ctx.address(
        town.county_zh(),
        town.zh(),
        pa.address.village(),
        &pa.address.neighborhood().to_string(),
    )
    .await?;
    ctx.submit("#apply-next").await?;
    ctx.wait_css("#apply-submit").await?;
    // Each page's password hints as the manual prints them on that page.
    let page = "apply step 2";
    expect_text(
        ctx,
        report,
        page,
        "[data-length-note]",
        "註冊密碼長度必須6-12碼。",
    )
    .await?;
    expect_text(
        ctx,
        report,
        page,
        "[data-strong-note]",
        "特殊符號(-!@#$%^&*)混合",
    )
    .await?;
    audit(ctx, report, page).await?;
    ctx.fill("#password", "ab").await?;
    ctx.fill("#email", "bad").await?;
    ctx.submit("#apply-submit").await?;
    audit(ctx, report, "apply step 2 (failed)").await?;
    ctx.fill("#password", PW1).await?;
    ctx.fill("#confirmation", PW1).await?;
    ctx.fill("#mobile_area", "0912").await?;
    ctx.fill("#mobile_number", "345678").await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.submit("#apply-submit").await?;
    ctx.wait_css("[data-result]").await?;
    audit(ctx, report, "apply done").await?;

    // --- the mailbox, the confirmation letter, verify ---------------------------------------------
    let links = letter_links(ctx, "confirmation", EMAIL).await?;
    audit(ctx, report, "dev letter").await?;
    ctx.goto("/dev/mailbox").await?;
    audit(ctx, report, "dev mailbox").await?;
    ctx.c.goto(link(&links, "/verify-email?token=")?).await?;
    ctx.ready().await?;
    audit(ctx, report, "verify e-mail").await?;
    ctx.read_card(&pa.name).await?;
    ctx.submit("#verify-email-submit").await?;
    ctx.wait_css("[data-result]").await?;
    audit(ctx, report, "verify e-mail done").await?;

    // --- signed in: services, device code, devices, password, profile ----------------------------
    ctx.login(PW1).await?;
    check!(
        ctx.c.current_url().await?.path() == "/services",
        "signed in"
    );
    audit(ctx, report, "services").await?;
    ctx.goto("/device/verify").await?;
    audit(ctx, report, "device verify").await?;
    ctx.goto("/device/help").await?;
    audit(ctx, report, "device help").await?;
    ctx.goto("/device/verify").await?;
    ctx.submit("#produce-code").await?;
    let code = ctx.text("[data-code-text]").await?;
    audit(ctx, report, "device verify (code)").await?;
    AppClient::new(&ctx.site)?
        .bind(&BindRequest {
            id_number: pa.id_number.as_str().to_owned(),
            code,
            platform: "Android".to_owned(),
            model: "Pixel 8".to_owned(),
            device_id: "a1b2c3d4-0000-4000-8000-0000000000aa".to_owned(),
        })
        .await?;
    ctx.goto("/devices").await?;
    ctx.wait_text("#devices", "Pixel 8").await?;
    audit(ctx, report, "devices").await?;
    ctx.goto("/password").await?;
    ctx.fill("#password", "Ab1#wxyz").await?;
    // The meter's level as text, in a live region.
    let meter = ctx.el("[data-meter-text]").await?;
    let text = meter.text().await?;
    if !(text.contains("強") && text.contains("Strong"))
        || meter.attr("aria-live").await?.as_deref() != Some("polite")
    {
        report
            .problems
            .push(format!("password: the meter's level as text: {text:?}"));
    }
    let page = "password (meter)";
    expect_text(
        ctx,
        report,
        page,
        "[data-length-note]",
        "註冊密碼長度必需6-12碼。",
    )
    .await?;
    expect_text(
        ctx,
        report,
        page,
        "[data-strong-note]",
        "特殊符號(-!@#%&*)需含",
    )
    .await?;
    audit(ctx, report, page).await?;
    ctx.fill("#confirmation", "other").await?;
    ctx.submit("#password-submit").await?;
    audit(ctx, report, "password (failed)").await?;
    ctx.goto("/profile").await?;
    audit(ctx, report, "profile").await?;
    ctx.fill("#email", "nope").await?;
    ctx.submit("#profile-submit").await?;
    audit(ctx, report, "profile (failed)").await?;
    // A new main address: saved pending, its letter's page (not answered: EMAIL stays).
    ctx.fill("#email", "test.new@example.com").await?;
    ctx.fill("#current", PW1).await?;
    ctx.submit("#profile-submit").await?;
    ctx.wait_css("[data-system-message]").await?;
    audit(ctx, report, "profile (e-mail change sent)").await?;
    let links = letter_links(ctx, "email-change", "test.new@example.com").await?;
    ctx.c.goto(link(&links, "/confirm-email?token=")?).await?;
    ctx.ready().await?;
    audit(ctx, report, "confirm e-mail change").await?;
    ctx.goto("/profile").await?;
    ctx.submit("[data-logout]").await?;
    audit(ctx, report, "logged out").await?;

    // --- letter requests: resend, forgot; the reset page of a real link ------------------------
    ctx.goto("/resend").await?;
    audit(ctx, report, "resend").await?;
    ctx.submit("#letter-submit").await?;
    audit(ctx, report, "resend (failed)").await?;
    ctx.goto("/forgot-password").await?;
    expect_text(
        ctx,
        report,
        "forgot",
        "main",
        "請插入健保卡後，按「讀取」驗證健保卡",
    )
    .await?;
    audit(ctx, report, "forgot").await?;
    ctx.read_card(&pa.name).await?;
    audit(ctx, report, "forgot (card read)").await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.submit("#letter-submit").await?;
    ctx.wait_css("[data-result]").await?;
    audit(ctx, report, "forgot done").await?;
    let links = letter_links(ctx, "password-reset", EMAIL).await?;
    ctx.c.goto(link(&links, "/reset-password?token=")?).await?;
    ctx.ready().await?;
    expect_text(
        ctx,
        report,
        "reset",
        "[data-strong-note]",
        "特殊符號(~!@#$%^&*)需含",
    )
    .await?;
    audit(ctx, report, "reset").await?;
    ctx.read_card(&pa.name).await?;
    ctx.fill("#password", "abc").await?;
    ctx.fill("#confirmation", "abc").await?;
    ctx.submit("#reset-submit").await?;
    audit(ctx, report, "reset (failed)").await?;

    // --- cancel: the request, its failure, the check, the letter's confirm and stop pages -------
    ctx.goto("/cancel").await?;
    audit(ctx, report, "cancel").await?;
    ctx.fill("#id_number", "A12345678").await?;
    ctx.submit("#cancel-check").await?;
    audit(ctx, report, "cancel (failed)").await?;
    ctx.fill("#id_number", pa.id_number.as_str()).await?;
    ctx.fill("#card_number", pa.card_number.as_str()).await?;
    let answer = ctx.captcha().await?;
    ctx.fill("#captcha", &answer).await?;
    ctx.submit("#cancel-check").await?;
    ctx.wait_css("#cancel-submit").await?;
    audit(ctx, report, "cancel (checked)").await?;
    ctx.fill("#email", EMAIL).await?;
    ctx.submit("#cancel-submit").await?;
    ctx.wait_css("[data-result]").await?;
    audit(ctx, report, "cancel requested").await?;
    let links = letter_links(ctx, "cancellation", EMAIL).await?;
    ctx.c.goto(link(&links, "/cancel/confirm")?).await?;
    ctx.ready().await?;
    audit(ctx, report, "cancel confirm").await?;
    ctx.fill("#id_number", pa.id_number.as_str()).await?;
    ctx.fill("#code", "WRONG123").await?;
    ctx.submit("#cancel-confirm-submit").await?;
    audit(ctx, report, "cancel confirm (failed)").await?;
    if let Ok(stop) = link(&links, "/cancel/stop") {
        ctx.c.goto(stop).await?;
        ctx.ready().await?;
        audit(ctx, report, "cancel stop").await?;
    }

    // --- information pages, the card switcher, pages for bad links and unknown paths -------------
    ctx.goto("/setup").await?;
    audit(ctx, report, "setup").await?;
    ctx.goto("/setup/check").await?;
    ctx.wait_css("[data-connected=\"yes\"]").await?;
    ctx.el("#check-read").await?.click().await?;
    ctx.wait_text("#check-reply", "讀取健保卡成功").await?;
    audit(ctx, report, "check").await?;
    ctx.goto("/news").await?;
    audit(ctx, report, "news").await?;

    // --- the citizen certificate pages (manual §六) ---------------------------------------------
    ctx.goto("/cert/login").await?;
    audit(ctx, report, "certificate login").await?;
    ctx.el("#cert-login-submit").await?.click().await?;
    ctx.wait_css("[data-cert-message][data-kind=\"error\"]")
        .await?;
    audit(ctx, report, "certificate login (failed)").await?;
    ctx.fill("#cert-id-number", pa.id_number.as_str()).await?;
    ctx.fill(
        "#cert-birth-date",
        &pa.birth_date.format("%Y-%m-%d").to_string(),
    )
    .await?;
    ctx.fill("#cert-pin", twnhi_demo::DEMO_PIN).await?;
    ctx.submit("#cert-login-submit").await?;
    audit(ctx, report, "mobile device services").await?;
    ctx.submit("#cert-nav-apply").await?;
    audit(ctx, report, "mobile account application").await?;
    ctx.el("#cert-apply-submit").await?.click().await?;
    ctx.wait_css("[data-cert-message][data-kind=\"error\"]")
        .await?;
    audit(ctx, report, "mobile account application (failed)").await?;
    ctx.goto("/mobile/renew").await?;
    audit(ctx, report, "mobile account renewal").await?;
    ctx.goto("/mobile").await?;
    ctx.submit("#logout").await?;
    ctx.goto("/dev/cards").await?;
    ctx.submit(&format!("button[data-insert=\"{}\"]", b.identity.card_no))
        .await?;
    audit(ctx, report, "dev cards").await?;
    ctx.goto("/reset-password?token=AAAAAAAAAAAAAAAAAAAAAAAA")
        .await?;
    audit(ctx, report, "reset (bad link)").await?;
    ctx.goto("/no-such-page").await?;
    audit(ctx, report, "not found").await?;
    ctx.goto("/devices").await?;
    audit(ctx, report, "signed-in page, signed out").await?;

    // 「支援使用健保卡」 follows the card component: ✘ once it stops answering.
    ctx.goto("/login").await?;
    ctx.wait_css("[data-supported=\"yes\"]").await?;
    ctx.c
        .execute(
            "window.WebSocket = function () { throw new Error('no card component'); }; return true;",
            vec![],
        )
        .await?;
    ctx.wait_css("[data-supported=\"no\"]").await?;
    audit(ctx, report, "login (no card component)").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stderr)] // the per-page table, for the one reading the test log
async fn every_page_passes_axe_core_and_fits_a_phone() {
    let h = Harness::start(3).await.unwrap();
    let mut report = Report::default();
    let started = Instant::now();
    let mut result = walk(&h.ctx, &h.demo, &mut report).await;
    eprintln!(
        "{} page states in {:.0?}\n{}",
        report.pages.len(),
        started.elapsed(),
        report.summary
    );
    if result.is_ok()
        && (!report.violations.is_empty()
            || !report.overflow.is_empty()
            || !report.problems.is_empty())
    {
        result = Err(format!(
            "{} axe-core violations, {} overflowing widths, {} other problems:\n{}",
            report.violations.len(),
            report.overflow.len(),
            report.problems.len(),
            report.failures()
        )
        .into());
    }
    h.finish("twnhi-accessibility", result).await;
}
