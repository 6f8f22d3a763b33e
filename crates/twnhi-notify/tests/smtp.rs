//! Real SMTP: every letter goes through lettre to an SMTP sink started by the test on the
//! loopback (plain, STARTTLS with AUTH, implicit TLS); failures give typed errors in time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]
#![cfg(feature = "smtp")]

mod common;

use std::time::{Duration, Instant};

use common::{Mode, Parsed, Received, Security, decode_rfc2047, start, tls_config};
use twnhi_account::Email;
use twnhi_notify::preview::{SAMPLE_RECIPIENT, SAMPLE_SENDER, sample_mail};
use twnhi_notify::{
    LetterKind, LetterLangs, MailError, Mailer, OutgoingMail, Sender, SmtpConfig, SmtpMailer,
};

fn sender() -> Sender {
    Sender::new(Email::parse(SAMPLE_SENDER).unwrap())
}

fn mail(kind: LetterKind) -> OutgoingMail {
    sample_mail(
        kind,
        LetterLangs::Both,
        &sender(),
        &Email::parse(SAMPLE_RECIPIENT).unwrap(),
    )
    .unwrap()
}

fn crlf_to_lf(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// Checks one received message against the letter it should carry.
fn check(received: &Received, sent: &OutgoingMail) {
    let kind = sent.kind();
    assert!(
        received.mail_from.contains("<noreply@twnhi.example>"),
        "{kind}"
    );
    assert_eq!(received.rcpt_to.len(), 1);
    assert!(
        received.rcpt_to[0].contains("<test.one@example.com>"),
        "{kind}"
    );
    assert!(received.data.is_ascii(), "{kind}: 7-bit message");

    let msg = Parsed::parse(&received.data);
    for one in [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
    ] {
        assert_eq!(msg.count(one), 1, "{kind}: exactly one {one}");
    }
    // UTF-8 subject and sender name, RFC 2047-encoded.
    let subject = msg.header("Subject").unwrap();
    assert!(
        subject.to_ascii_lowercase().starts_with("=?utf-8?"),
        "{kind}: {subject}"
    );
    assert_eq!(decode_rfc2047(subject), sent.letter().subject(), "{kind}");
    let from = msg.header("From").unwrap();
    assert_eq!(
        decode_rfc2047(from).replace('"', ""),
        "衛生福利部中央健康保險署 <noreply@twnhi.example>",
        "{kind}"
    );
    assert_eq!(msg.header("To"), Some("test.one@example.com"));
    assert_eq!(msg.header("Message-ID"), Some(sent.message_id().as_str()));
    assert_eq!(msg.header("Date"), Some("Tue, 27 Oct 2020 08:46:50 +0000"));
    assert_eq!(msg.header("MIME-Version"), Some("1.0"));
    assert_eq!(msg.header("Content-Language"), Some("zh-TW, en"));
    assert_eq!(msg.header("Auto-Submitted"), Some("auto-generated"));
    assert!(
        msg.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative"),
        "{kind}"
    );

    // Both parts, plain text first, as rendered.
    let parts = msg.parts();
    assert_eq!(parts.len(), 2, "{kind}");
    assert!(
        parts[0].0.starts_with("text/plain; charset=utf-8"),
        "{kind}: {}",
        parts[0].0
    );
    assert!(
        parts[1].0.starts_with("text/html; charset=utf-8"),
        "{kind}: {}",
        parts[1].0
    );
    assert_eq!(crlf_to_lf(&parts[0].1), sent.letter().text(), "{kind}");
    assert_eq!(crlf_to_lf(&parts[1].1), sent.letter().html(), "{kind}");
    assert!(parts[0].1.starts_with("親愛的 測試一 您好："), "{kind}");

    // The links arrived intact in both parts.
    for link in sent.letter().links() {
        assert!(parts[0].1.contains(link.as_str()), "{kind}: {link}");
        let escaped = link.as_str().replace('&', "&amp;");
        assert!(
            parts[1].1.contains(&format!("href=\"{escaped}\"")),
            "{kind}: {link}"
        );
        assert!(
            link.as_str().starts_with("https://twnhi.example/"),
            "{kind}"
        );
    }
}

async fn send_every_letter(mailer: &SmtpMailer) -> Vec<OutgoingMail> {
    let mut sent = Vec::new();
    for kind in LetterKind::ALL {
        let m = mail(kind);
        let d = mailer
            .send(&m)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(&d.message_id, m.message_id());
        assert!(d.detail.contains("250"), "{}", d.detail);
        sent.push(m);
    }
    sent
}

#[tokio::test]
async fn every_letter_arrives_over_plain_smtp_on_the_loopback() {
    let sink = start(Mode::Accept, Security::Plain).await;
    let url = format!("smtp://127.0.0.1:{}?tls=none&timeout=10", sink.addr.port());
    let mailer = SmtpMailer::new(&SmtpConfig::from_url(&url).unwrap()).unwrap();
    let sent = send_every_letter(&mailer).await;
    let got = sink.messages();
    assert_eq!(got.len(), LetterKind::ALL.len());
    for (r, m) in got.iter().zip(&sent) {
        assert!(!r.tls);
        check(r, m);
    }
}

#[tokio::test]
async fn every_letter_arrives_over_starttls_with_auth() {
    let (cfg, pem) = tls_config();
    let sink = start(
        Mode::Auth("mailer".into(), "s3cret pw".into()),
        Security::StartTls(cfg),
    )
    .await;
    let url = format!(
        "smtp://mailer:s3cret%20pw@127.0.0.1:{}?timeout=10",
        sink.addr.port()
    );
    let config = SmtpConfig::from_url(&url)
        .unwrap()
        .with_root_certificate_pem(pem.as_bytes());
    let mailer = SmtpMailer::new(&config).unwrap();
    let sent = send_every_letter(&mailer).await;
    let got = sink.messages();
    assert_eq!(got.len(), sent.len());
    for (r, m) in got.iter().zip(&sent) {
        assert!(r.tls, "delivered after STARTTLS");
        assert_eq!(r.authenticated_as.as_deref(), Some("mailer"));
        check(r, m);
    }
}

#[tokio::test]
async fn every_letter_arrives_over_implicit_tls() {
    let (cfg, pem) = tls_config();
    let sink = start(Mode::Accept, Security::Implicit(cfg)).await;
    let url = format!("smtps://127.0.0.1:{}?timeout=10", sink.addr.port());
    let config = SmtpConfig::from_url(&url)
        .unwrap()
        .with_root_certificate_pem(pem.as_bytes());
    let mailer = SmtpMailer::new(&config).unwrap();
    let sent = send_every_letter(&mailer).await;
    let got = sink.messages();
    assert_eq!(got.len(), sent.len());
    for (r, m) in got.iter().zip(&sent) {
        assert!(r.tls);
        check(r, m);
    }
}

/// Sends one letter with `config` and returns the error and how long it took.
async fn fail(config: SmtpConfig) -> (MailError, Duration) {
    let mailer = SmtpMailer::new(&config).unwrap();
    let started = Instant::now();
    let err = mailer
        .send(&mail(LetterKind::Confirmation))
        .await
        .expect_err("must fail");
    (err, started.elapsed())
}

fn plain(port: u16) -> SmtpConfig {
    SmtpConfig::from_url(&format!("smtp://127.0.0.1:{port}?tls=none&timeout=5")).unwrap()
}

#[tokio::test]
async fn a_server_that_refuses_gives_a_permanent_error() {
    let sink = start(Mode::RefuseGreeting, Security::Plain).await;
    let (err, _) = fail(plain(sink.addr.port())).await;
    assert!(
        matches!(err, MailError::Rejected { code: 554, .. }),
        "{err:?}"
    );
    assert!(err.is_permanent());
    assert!(err.to_string().contains(" / "), "bilingual: {err}");
}

#[tokio::test]
async fn a_refused_recipient_gives_a_permanent_error() {
    let sink = start(Mode::RefuseRecipient, Security::Plain).await;
    let (err, _) = fail(plain(sink.addr.port())).await;
    match &err {
        MailError::Rejected { code, message } => {
            assert_eq!(*code, 550);
            assert!(message.contains("no such mailbox"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_permanent());
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_temporary_failure_is_transient() {
    let sink = start(Mode::TempFail, Security::Plain).await;
    let (err, _) = fail(plain(sink.addr.port())).await;
    assert!(
        matches!(err, MailError::Transient { code: 451, .. }),
        "{err:?}"
    );
    assert!(!err.is_permanent());
}

#[tokio::test]
async fn wrong_credentials_give_an_auth_error() {
    let (cfg, pem) = tls_config();
    let sink = start(
        Mode::Auth("mailer".into(), "right".into()),
        Security::StartTls(cfg),
    )
    .await;
    let config = SmtpConfig::from_url(&format!(
        "smtp://mailer:wrong@127.0.0.1:{}?timeout=5",
        sink.addr.port()
    ))
    .unwrap()
    .with_root_certificate_pem(pem.as_bytes());
    let (err, _) = fail(config).await;
    assert!(matches!(err, MailError::Auth { .. }), "{err:?}");
    assert!(err.is_permanent());
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    let sink = start(Mode::Hang, Security::Plain).await;
    let config = plain(sink.addr.port()).with_timeout(Duration::from_millis(600));
    let (err, took) = fail(config).await;
    assert!(matches!(err, MailError::Timeout { .. }), "{err:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn a_hanging_tls_server_times_out() {
    let (_cfg, pem) = tls_config();
    let sink = start(Mode::Hang, Security::Plain).await;
    let config = SmtpConfig::from_url(&format!("smtps://127.0.0.1:{}", sink.addr.port()))
        .unwrap()
        .with_root_certificate_pem(pem.as_bytes())
        .with_timeout(Duration::from_millis(600));
    let (err, took) = fail(config).await;
    assert!(matches!(err, MailError::Timeout { .. }), "{err:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn starttls_is_required_not_optional() {
    // A plain server that does not offer STARTTLS: smtp:// without tls=none refuses to go on.
    let sink = start(Mode::Accept, Security::Plain).await;
    let config =
        SmtpConfig::from_url(&format!("smtp://127.0.0.1:{}?timeout=5", sink.addr.port())).unwrap();
    let (err, _) = fail(config).await;
    assert!(matches!(err, MailError::Tls { .. }), "{err:?}");
    assert!(sink.messages().is_empty(), "nothing sent in clear text");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (cfg, _pem) = tls_config();
    let sink = start(Mode::Accept, Security::Implicit(cfg)).await;
    let config =
        SmtpConfig::from_url(&format!("smtps://127.0.0.1:{}?timeout=5", sink.addr.port())).unwrap();
    let (err, _) = fail(config).await;
    assert!(matches!(err, MailError::Tls { .. }), "{err:?}");
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn nobody_listening_is_a_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (err, took) = fail(plain(port)).await;
    assert!(matches!(err, MailError::Connect { .. }), "{err:?}");
    assert!(!err.is_permanent());
    assert!(took < Duration::from_secs(5));
}

#[test]
fn bad_addresses_are_refused_before_sending() {
    for bad in [
        "",
        "not an address",
        "a@b",
        "測試@example.com",
        "a@example.com\r\nBcc: x@y.example",
    ] {
        assert!(Email::parse(bad).is_err(), "{bad:?}");
    }
}
