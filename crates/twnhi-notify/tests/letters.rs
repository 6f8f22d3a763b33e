//! Every letter, rendered with the sample data, against the expected files in
//! `tests/snapshots/` (regenerate after an intended change with `TWNHI_UPDATE_SNAPSHOTS=1`),
//! plus the rules every letter must keep: escaping, links, language order, sender.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use twnhi_account::Email;
use twnhi_account::roc::{RocDate, RocDateTime};
use twnhi_notify::preview::{self, render_sample, sample_letter};
use twnhi_notify::{
    CancellationConfirm, Completion, Confirmation, Deleted, EmailChanged, EmailCode, Lang, Letter,
    LetterKind, LetterLangs, LetterRenderer, LinkToken, PasswordChanged, PasswordReset,
    PublicBaseUrl,
};

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compares `actual` with the file, or writes it when `TWNHI_UPDATE_SNAPSHOTS` is set.
fn check_snapshot(name: &str, actual: &str) -> Result<(), String> {
    let path = snapshot_dir().join(name);
    if std::env::var_os("TWNHI_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot_dir()).map_err(|e| e.to_string())?;
        std::fs::write(&path, actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (run with TWNHI_UPDATE_SNAPSHOTS=1 to create it)",
            path.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{name} differs from the snapshot at line {}:\n  expected: {:?}\n  actual:   {:?}\n(after an intended change: TWNHI_UPDATE_SNAPSHOTS=1 cargo test -p twnhi-notify --test letters)",
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}

#[test]
fn every_letter_matches_its_snapshot() {
    let mut failures = Vec::new();
    for kind in LetterKind::ALL {
        let l = render_sample(kind, LetterLangs::Both).unwrap();
        let text = format!("Subject: {}\n\n{}", l.subject(), l.text());
        if let Err(e) = check_snapshot(&format!("{}.txt", kind.slug()), &text) {
            failures.push(e);
        }
        if let Err(e) = check_snapshot(&format!("{}.html", kind.slug()), l.html()) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn snapshot_files_are_exactly_the_letters() {
    let mut names: Vec<String> = std::fs::read_dir(snapshot_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = LetterKind::ALL
        .iter()
        .flat_map(|k| [format!("{}.html", k.slug()), format!("{}.txt", k.slug())])
        .collect();
    expected.sort();
    assert_eq!(names, expected, "stale or missing snapshot files");
}

#[test]
fn zh_tw_first_then_english_in_both_parts() {
    for kind in LetterKind::ALL {
        let l = render_sample(kind, LetterLangs::Both).unwrap();
        for part in [l.text(), l.html()] {
            let zh = part.find("親愛的").unwrap();
            let en = part.find("Dear ").unwrap();
            assert!(zh < en, "{kind}: zh-TW must come first");
            assert!(part.contains("衛生福利部中央健康保險署敬啟"), "{kind}");
            assert!(
                part.contains("注意：本信件為系統自動寄發，請勿直接回覆"),
                "{kind}"
            );
            assert!(
                part.contains("National Health Insurance Administration"),
                "{kind}"
            );
        }
        assert!(
            l.subject()
                .starts_with("衛生福利部中央健康保險署-健保卡網路服務註冊-")
        );
        assert!(l.subject().ends_with(')'));
        assert!(l.html().contains("<section") || l.html().contains("lang=\"en\""));
    }
}

#[test]
fn one_language_previews_hold_only_that_language() {
    for kind in LetterKind::ALL {
        let zh = render_sample(kind, LetterLangs::Only(Lang::ZhTw)).unwrap();
        assert!(
            zh.text().contains("親愛的") && !zh.text().contains("Dear "),
            "{kind}"
        );
        assert!(!zh.subject().contains("National"), "{kind}");
        assert!(zh.html().contains("<html lang=\"zh-Hant-TW\">"));
        let en = render_sample(kind, LetterLangs::Only(Lang::En)).unwrap();
        assert!(
            !en.text().contains("親愛的") && en.text().contains("Dear "),
            "{kind}"
        );
        assert!(
            en.subject()
                .starts_with("National Health Insurance Administration")
        );
        assert!(en.html().contains("<html lang=\"en\">"));
        assert!(!en.html().contains("敬啟"));
    }
}

#[test]
fn manual_wording_is_kept() {
    let text = |k| {
        render_sample(k, LetterLangs::Both)
            .unwrap()
            .text()
            .to_owned()
    };
    let c = text(LetterKind::Confirmation);
    assert!(c.contains("進入電子信箱認證畫面"));
    assert!(c.contains("Go to the e-mail verification page"));
    let done = text(LetterKind::Completion);
    for s in [
        "註冊密碼應妥善保存勿告知他人",
        "0800-030-598",
        "4128-678",
        "02-4128-678",
        "個人健康資料網路服務作業",
        "健康存摺",
        "全民健保行動快易通 APP",
        // Word for word as the manual (issue 11, item 16).
        "或在企業全球資訊網點選留言",
        "為響應節能減碳以網路取代之馬路號召",
        "(即無法進入健保卡網路服務註冊登入畫面",
        "改善升級改版，新增兩大功能：「健康存摺」及「行動櫃檯」。只要先登入健保卡網路服務註冊，系統註冊後，進行行動快易通 APP",
        "Please keep your password from other people",
        "My Health Bank",
        "NHI Express APP",
    ] {
        assert!(done.contains(s), "completion letter lacks {s}");
    }
    // The change notices: the hotline's numbers after 「並電洽本署健保服務專線：」, not the
    // forgot-password link (issue 11, item 9).
    for k in [LetterKind::PasswordChanged, LetterKind::EmailChanged] {
        let notice = text(k);
        assert!(
            notice.contains("並電洽本署健保服務專線：市話撥打 0800-030-598 或 4128-678(不須加區碼)手機撥打 02-4128-678。"),
            "{notice}"
        );
        assert!(
            notice.contains("call the NHIA hotline: 0800-030-598"),
            "{notice}"
        );
    }
    let reset = text(LetterKind::PasswordReset);
    assert!(reset.contains("健保卡網路服務註冊-重設註冊密碼"));
    let cancel = text(LetterKind::CancellationConfirm);
    assert!(cancel.contains("健保卡網路服務註冊刪除作業"));
    assert!(cancel.contains("E-Mail 驗證碼：3Cp2R25w"));
    assert!(cancel.contains("大小寫需相符"));
    assert!(cancel.contains("case sensitive"));
    let deleted = text(LetterKind::Deleted);
    assert!(deleted.contains("您申請健保卡網路服務註冊功能業已刪除，歡迎您再次申請健保卡網路服務註冊，感謝您的配合與支持。"));
    assert!(deleted.contains("衛生福利部中央健康保險署敬啟\n民國109年10月28日\n"));
    assert!(deleted.contains("2020/10/28"));
}

#[test]
fn dates_are_roc_in_chinese_and_gregorian_in_english() {
    let l = render_sample(LetterKind::Confirmation, LetterLangs::Both).unwrap();
    assert!(
        l.text()
            .contains("本連結有效時間至 民國109年10月28日 16:46:50")
    );
    assert!(
        l.text()
            .contains("valid until 2020/10/28 16:46:50 (Taiwan time)")
    );
    let l = render_sample(LetterKind::PasswordChanged, LetterLangs::Both).unwrap();
    assert!(l.text().contains("民國109年10月27日 16:46:50"));
    assert!(l.text().contains("2020/10/27 16:46:50"));
}

/// The hotline's numbers are a setting: the change notices and every closing paragraph
/// print the configured ones after 「並電洽本署健保服務專線：」.
#[test]
fn the_hotline_numbers_are_the_configured_ones() {
    let hotline = twnhi_notify::Hotline {
        toll_free: "0800-111-222".into(),
        local: "5555-555".into(),
        mobile: "02-5555-555".into(),
    };
    let renderer = LetterRenderer::new(PublicBaseUrl::parse("https://twnhi.example/").unwrap())
        .with_hotline(hotline);
    for kind in [
        LetterKind::PasswordChanged,
        LetterKind::EmailChanged,
        LetterKind::Completion,
        LetterKind::Deleted,
    ] {
        let l = renderer
            .render(&sample_letter(kind).unwrap(), LetterLangs::Both)
            .unwrap();
        for part in [l.text(), l.html()] {
            assert!(
                part.contains("0800-111-222") && part.contains("02-5555-555"),
                "{kind}"
            );
            assert!(!part.contains("0800-030-598"), "{kind}");
        }
        if matches!(kind, LetterKind::PasswordChanged | LetterKind::EmailChanged) {
            assert!(
                l.text().contains(
                    "並電洽本署健保服務專線：市話撥打 0800-111-222 或 5555-555(不須加區碼)手機撥打 02-5555-555"
                ),
                "{}",
                l.text()
            );
        }
    }
}

/// The completion letter lists the online services with their addresses as the manual does
/// (「一、個人健康資料網路服務作業，網址：…」), the manual's by default, configurable.
#[test]
fn the_completion_letter_lists_the_services_with_their_addresses() {
    let l = render_sample(LetterKind::Completion, LetterLangs::Both).unwrap();
    for line in [
        "一、個人健康資料網路服務作業，網址：https://eservice.nhi.gov.tw/Personal/System/Login.aspx",
        "二、健康存摺，網址：https://med.nhi.gov.tw/hke0000/HKE0100S01.aspx可下載查詢就醫資訊",
        "三、全民健保行動快易通 APP，網址：https://www.nhi.gov.tw/webdata/webdata.aspx?menu=98&menu_id=10508WWD_ID=8&webdata_id=4247改善升級改版",
    ] {
        assert!(l.text().contains(line), "{line}\n{}", l.text());
    }
    assert!(
        l.html()
            .contains("<a href=\"https://med.nhi.gov.tw/hke0000/HKE0100S01.aspx\">")
    );
    let links = twnhi_notify::ServiceLinks {
        personal: "https://p.example/login".into(),
        health_bank: "https://h.example/".into(),
        app: "https://a.example/app".into(),
    };
    let renderer = LetterRenderer::new(PublicBaseUrl::parse("https://twnhi.example/").unwrap())
        .with_service_links(links);
    let l = renderer
        .render(
            &sample_letter(LetterKind::Completion).unwrap(),
            LetterLangs::Both,
        )
        .unwrap();
    assert!(
        l.text()
            .contains("個人健康資料網路服務作業，網址：https://p.example/login")
    );
    assert!(l.text().contains("My Health Bank: https://h.example/"));
    assert!(!l.text().contains("eservice.nhi.gov.tw"));
    // Only the site's own links count as the letter's links.
    assert!(
        l.links()
            .iter()
            .all(|u| u.host_str() == Some("twnhi.example"))
    );
}

fn hostile_letters(name: &str) -> Vec<Letter> {
    let at = RocDateTime::from_utc(Utc.with_ymd_and_hms(2020, 10, 27, 8, 46, 50).unwrap()).unwrap();
    let token = LinkToken::parse("Zk3vQ9xT2mB7nR4wYc8hJ1pL").unwrap();
    vec![
        Letter::Confirmation(Confirmation {
            name: name.into(),
            token: token.clone(),
            expires_at: at,
        }),
        Letter::Completion(Completion { name: name.into() }),
        Letter::PasswordReset(PasswordReset {
            name: name.into(),
            token,
            expires_at: at,
        }),
        Letter::CancellationConfirm(CancellationConfirm {
            name: name.into(),
            code: EmailCode::parse("3Cp2R25w").unwrap(),
            expires_at: at,
        }),
        Letter::Deleted(Deleted {
            name: name.into(),
            deleted_on: RocDate::new(109, 10, 28).unwrap(),
        }),
        Letter::EmailChanged(EmailChanged {
            name: name.into(),
            new_email: Email::parse("o'brien+x@example.com").unwrap(),
            changed_at: at,
        }),
        Letter::PasswordChanged(PasswordChanged {
            name: name.into(),
            changed_at: at,
        }),
    ]
}

#[test]
fn inserted_values_are_escaped_in_html_and_cleaned_in_text() {
    let r = LetterRenderer::new(PublicBaseUrl::parse("https://twnhi.example/").unwrap());
    let evil = "測試一<script>alert(\"x\")</script>&<a href='https://evil.example/'>\r\nDear victim,\u{202E}";
    for letter in hostile_letters(evil) {
        let l = r.render(&letter, LetterLangs::Both).unwrap();
        let kind = l.kind();
        assert!(!l.html().contains("<script"), "{kind}");
        assert!(!l.html().contains("evil.example/'>"), "{kind}");
        assert!(!l.html().contains("<a href='"), "{kind}");
        assert!(
            l.html().contains("測試一&#60;script&#62;")
                || l.html().contains("測試一&lt;script&gt;"),
            "{kind}: {}",
            l.html()
        );
        // No forged line in the text part, no bidi override anywhere.
        assert!(!l.text().contains("\nDear victim"), "{kind}");
        assert!(
            !l.text().contains('\u{202E}') && !l.html().contains('\u{202E}'),
            "{kind}"
        );
        assert!(!l.text().contains('\r'), "{kind}");
        // The subject never carries the name.
        assert!(!l.subject().contains("測試一"), "{kind}");
        if kind == LetterKind::EmailChanged {
            assert!(l.text().contains("o***@example.com"));
            assert!(l.html().contains("o***@example.com"));
            assert!(!l.text().contains("o'brien"));
        }
    }
}

#[test]
fn empty_name_gets_a_polite_greeting() {
    let r = LetterRenderer::new(PublicBaseUrl::parse("https://twnhi.example/").unwrap());
    let l = r
        .render(&hostile_letters(" \u{200B}\t ")[1], LetterLangs::Both)
        .unwrap();
    assert!(l.text().starts_with("親愛的 您好："));
    assert!(l.text().contains("Dear Sir or Madam,"));
}

/// Every `href` of the HTML part.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

/// Every link points below the public base URL, except the online services the completion
/// letter lists (configured addresses, the manual's by default; issue 11, item 16).
#[test]
fn every_link_is_below_the_public_base_url() {
    for base in ["https://twnhi.example/", "http://127.0.0.1:8080/app/"] {
        let r = LetterRenderer::new(PublicBaseUrl::parse(base).unwrap());
        let s = r.service_links();
        let services = [s.personal.as_str(), s.health_bank.as_str(), s.app.as_str()];
        let allowed = |u: &str| u.starts_with(base) || services.iter().any(|s| u.starts_with(s));
        for kind in LetterKind::ALL {
            let l = r
                .render(&sample_letter(kind).unwrap(), LetterLangs::Both)
                .unwrap();
            for link in l.links() {
                assert!(link.as_str().starts_with(base), "{kind}: {link}");
                assert!(
                    l.text().contains(link.as_str()),
                    "{kind}: {link} not in text"
                );
            }
            let found = hrefs(l.html());
            assert_eq!(found.is_empty(), l.links().is_empty(), "{kind}");
            for h in found {
                assert!(allowed(&h.replace("&#38;", "&")), "{kind}: href {h}");
            }
            // No other URL in the text part either.
            for word in l.text().split_whitespace() {
                if let Some(i) = word.find("http") {
                    assert!(allowed(&word[i..]), "{kind}: {word}");
                    if kind != LetterKind::Completion {
                        assert!(word[i..].starts_with(base), "{kind}: {word}");
                    }
                }
            }
        }
    }
}

#[test]
fn links_carry_the_token() {
    let l = render_sample(LetterKind::Confirmation, LetterLangs::Both).unwrap();
    assert_eq!(
        l.links()[0].as_str(),
        "https://twnhi.example/verify-email?token=Zk3vQ9xT2mB7nR4wYc8hJ1pL"
    );
    let l = render_sample(LetterKind::PasswordReset, LetterLangs::Both).unwrap();
    assert_eq!(
        l.links()[0].as_str(),
        "https://twnhi.example/reset-password?token=Zk3vQ9xT2mB7nR4wYc8hJ1pL"
    );
    let l = render_sample(LetterKind::CancellationConfirm, LetterLangs::Both).unwrap();
    assert_eq!(
        l.links()[0].as_str(),
        "https://twnhi.example/cancel/confirm"
    );
    assert!(
        render_sample(LetterKind::Deleted, LetterLangs::Both)
            .unwrap()
            .links()
            .is_empty()
    );
    let _ = preview::SAMPLE_BASE_URL;
}

/// `docs/letters.md` shows every letter as sent, between `<!-- letter:SLUG -->` markers; it
/// must follow the templates (`TWNHI_UPDATE_SNAPSHOTS=1` rewrites those blocks; the test is
/// skipped when the crate is built outside the repository).
#[test]
fn the_documentation_shows_the_current_letters() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/letters.md");
    let Ok(mut doc) = std::fs::read_to_string(&path) else {
        return;
    };
    let original = doc.clone();
    for kind in LetterKind::ALL {
        let l = render_sample(kind, LetterLangs::Both).unwrap();
        let block = format!("Subject: {}\n\n```text\n{}```\n", l.subject(), l.text());
        let (open, close) = (
            format!("<!-- letter:{} -->\n", kind.slug()),
            format!("<!-- /letter:{} -->", kind.slug()),
        );
        let start = doc
            .find(&open)
            .unwrap_or_else(|| panic!("docs/letters.md lacks {open}"))
            + open.len();
        let end = start
            + doc[start..]
                .find(&close)
                .unwrap_or_else(|| panic!("lacks {close}"));
        doc.replace_range(start..end, &block);
    }
    if std::env::var_os("TWNHI_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    } else {
        assert!(
            doc == original,
            "docs/letters.md does not show the current letters (after an intended change: TWNHI_UPDATE_SNAPSHOTS=1 cargo test -p twnhi-notify --test letters)"
        );
    }
}
