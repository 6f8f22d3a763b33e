//! The directory drop, the in-memory mailer, composed messages and the previews.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use std::sync::Arc;

use common::{Parsed, decode_rfc2047};
use twnhi_account::Email;
use twnhi_notify::preview::{self, SAMPLE_RECIPIENT, SAMPLE_SENDER, sample_mail};
use twnhi_notify::{
    DirectoryMailer, Lang, LetterKind, LetterLangs, MailError, Mailer, MemoryMailer, MessageId,
    OutgoingMail, Sender, compose,
};

fn sender() -> Sender {
    Sender::new(Email::parse(SAMPLE_SENDER).unwrap())
}

fn to() -> Email {
    Email::parse(SAMPLE_RECIPIENT).unwrap()
}

fn mail(kind: LetterKind) -> OutgoingMail {
    sample_mail(kind, LetterLangs::Both, &sender(), &to()).unwrap()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn directory_mailer_writes_one_eml_per_message_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("mailbox");
    let mailer = DirectoryMailer::new(&inbox);
    for kind in LetterKind::ALL {
        let m = mail(kind);
        let d = block_on(mailer.send(&m)).unwrap();
        let path = mailer.path_of(m.message_id());
        assert_eq!(d.detail, path.display().to_string());
        assert_eq!(std::fs::read(&path).unwrap(), m.as_bytes());
        assert!(
            path.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with(".eml")
        );
    }
    let names: Vec<String> = std::fs::read_dir(&inbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        LetterKind::ALL.len(),
        "no temporary files left: {names:?}"
    );
    // A retry of the same message replaces the same file.
    let m = mail(LetterKind::Confirmation);
    block_on(mailer.send(&m)).unwrap();
    assert_eq!(
        std::fs::read_dir(&inbox).unwrap().count(),
        LetterKind::ALL.len()
    );
}

#[test]
fn directory_mailer_reports_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let mailer = DirectoryMailer::new(file.join("inbox"));
    let err = block_on(mailer.send(&mail(LetterKind::Deleted))).unwrap_err();
    assert!(matches!(err, MailError::Io { .. }), "{err:?}");
    assert!(!err.is_permanent());
}

#[test]
fn memory_mailer_keeps_messages_and_fails_on_request() {
    let mailer = MemoryMailer::new();
    let shared: Arc<dyn Mailer> = Arc::new(mailer.clone());
    mailer.fail_next(1);
    let m = mail(LetterKind::PasswordReset);
    assert!(matches!(
        block_on(shared.send(&m)),
        Err(MailError::Simulated)
    ));
    assert!(mailer.sent().is_empty());
    block_on(shared.send(&m)).unwrap();
    assert_eq!(mailer.sent(), vec![m.clone()]);
    let last = mailer.last_to("TEST.ONE@example.com").unwrap();
    assert_eq!(last.kind(), LetterKind::PasswordReset);
    assert!(
        last.letter().links()[0]
            .as_str()
            .contains("reset-password?token=")
    );
    mailer.clear();
    assert!(mailer.sent().is_empty());
}

#[test]
fn composed_message_headers() {
    let m = mail(LetterKind::Completion);
    let raw = std::str::from_utf8(m.as_bytes()).unwrap();
    assert!(raw.is_ascii());
    assert!(!raw.contains("\n\n"), "CRLF line ends only");
    let msg = Parsed::parse(raw);
    assert_eq!(
        decode_rfc2047(msg.header("Subject").unwrap()),
        m.letter().subject()
    );
    assert_eq!(
        msg.header("Message-ID"),
        Some("<twnhi.sample-completion-bilingual@twnhi.example>")
    );
    assert_eq!(msg.header("X-Auto-Response-Suppress"), Some("All"));
    let parts = msg.parts();
    assert_eq!(parts[0].1.replace("\r\n", "\n"), m.letter().text());
    // Composing twice gives the same bytes (a retry is recognisable).
    assert_eq!(mail(LetterKind::Completion).as_bytes(), m.as_bytes());
}

#[test]
fn one_language_messages_say_so() {
    let m = sample_mail(
        LetterKind::Deleted,
        LetterLangs::Only(Lang::En),
        &sender(),
        &to(),
    )
    .unwrap();
    let msg = Parsed::parse(std::str::from_utf8(m.as_bytes()).unwrap());
    assert_eq!(msg.header("Content-Language"), Some("en"));
    // An ASCII subject needs no encoding.
    assert!(
        msg.header("Subject")
            .unwrap()
            .starts_with("National Health")
    );
}

#[test]
fn message_ids_are_caller_provided_or_derived() {
    let letter = preview::render_sample(LetterKind::Confirmation, LetterLangs::Both).unwrap();
    let date = preview::sample_now();
    let id = MessageId::parse("<abc-123@twnhi.example>").unwrap();
    let m = compose(&letter, &sender(), &to(), id.clone(), date).unwrap();
    assert_eq!(m.message_id(), &id);
    use rand::SeedableRng;
    let r1 = MessageId::random(&mut rand::rngs::StdRng::seed_from_u64(1), "twnhi.example").unwrap();
    let r2 = MessageId::random(&mut rand::rngs::StdRng::seed_from_u64(2), "twnhi.example").unwrap();
    assert_ne!(r1, r2);
    assert!(r1.as_str().starts_with("<twnhi.") && r1.as_str().ends_with("@twnhi.example>"));
    assert!(MessageId::for_key("x\r\nBcc: a@b", "twnhi.example").is_err());
    assert!(MessageId::random(&mut rand::rngs::StdRng::seed_from_u64(1), "bad domain").is_err());
}

#[test]
fn previews_are_written_for_every_letter_and_language() {
    let dir = tempfile::tempdir().unwrap();
    for langs in [
        LetterLangs::Both,
        LetterLangs::Only(Lang::ZhTw),
        LetterLangs::Only(Lang::En),
    ] {
        let files = preview::write_previews(dir.path(), &LetterKind::ALL, langs).unwrap();
        assert_eq!(files.len(), LetterKind::ALL.len());
        for (kind, f) in LetterKind::ALL.iter().zip(&files) {
            assert_eq!(
                f.file_name().unwrap().to_str().unwrap(),
                preview::file_name(*kind, langs)
            );
            let raw = std::fs::read_to_string(f).unwrap();
            assert!(raw.contains("multipart/alternative"));
        }
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        LetterKind::ALL.len() * 3
    );
    assert_eq!(
        preview::file_name(LetterKind::PasswordReset, LetterLangs::Only(Lang::ZhTw)),
        "password-reset.zh-TW.eml"
    );
}
