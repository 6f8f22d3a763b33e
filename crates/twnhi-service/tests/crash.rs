//! A crash between commit and delivery loses nothing.
//!
//! The test re-runs its own executable as a child (the `crash_child` test, selected by name
//! and by `TWNHI_CRASH_DIR`). The child applies for a registration through the real SQLite
//! store, commits, and starts delivering the confirmation letter through a mailer that
//! announces the Message-ID on stdout and then hangs. The parent kills the child with SIGKILL
//! at that moment — after the commit, before the hand-over — then reopens the database:
//! the registration and its letter are there, the letter is delivered once its lease runs
//! out, with the same Message-ID, and the flow goes on with the link in it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::TimeDelta;
use common::*;
use twnhi_account::messages::Msg;
use twnhi_account::registration::RegistrationState;
use twnhi_card::auth::MasterKey;
use twnhi_demo::people::generate;
use twnhi_notify::{Delivery, LetterKind, MailError, Mailer, MemoryMailer, OutgoingMail};
use twnhi_service::{ApplyInput, ManualClock, OutboxWorker, SeededRandom};
use twnhi_store::{OutboxStore, Store};

const ENV: &str = "TWNHI_CRASH_DIR";

/// Says which letter it is about to send, then never returns.
struct HangingMailer;

#[async_trait]
impl Mailer for HangingMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        println!("SENDING {}", mail.message_id());
        std::future::pending::<()>().await;
        Err(MailError::Simulated)
    }
}

async fn child(dir: &Path) {
    let store = open_store(&dir.join("twnhi.sqlite3")).await;
    let clock = Arc::new(ManualClock::new(t0()));
    let service = service_over(store.clone(), clock, 11, config());
    let p = generate(8, &MasterKey::from_bytes(MASTER), &SeededRandom::new(7)).remove(0);
    let caller = twnhi_service::Caller::new(service.open_session().await.unwrap());
    authenticate(&service, &caller, &p.identity).await.unwrap();
    service
        .apply(
            &caller,
            ApplyInput {
                household_id: p.person.household_id.clone(),
                address: p.person.address.clone(),
                password: pw(PASSWORD),
                confirmation: pw(PASSWORD),
                contacts: contacts_for(0),
            },
        )
        .await
        .unwrap();
    println!("COMMITTED");
    let worker = OutboxWorker::new(&service, store, Arc::new(HangingMailer));
    worker.run_once().await.unwrap();
    unreachable!("the mailer hangs");
}

/// The child's side; does nothing unless run by `commit_then_kill_then_restart`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    if let Some(dir) = std::env::var_os(ENV) {
        child(Path::new(&dir)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_then_kill_then_restart() {
    // The registry, imported by the parent.
    let app = App::new().await;
    let dir = app.dir.path().to_path_buf();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(ENV, &dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut committed = false;
    let mut message_id = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        // libtest may print "test crash_child ... " on the same line.
        if line.trim_end().ends_with("COMMITTED") {
            committed = true;
        }
        if let Some((_, id)) = line.split_once("SENDING ") {
            message_id = Some(id.trim().to_owned());
            break;
        }
    }
    // SIGKILL: no destructor, no rollback, no flush runs in the child.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(committed, "the child committed before it was killed");
    let message_id = message_id.expect("the child was delivering when killed");

    // Restart: a new process's view of the same database.
    let store = open_store(&dir.join("twnhi.sqlite3")).await;
    let p = app.person(0).person.clone();
    let reg = store
        .current_registration(&p.id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reg.state, RegistrationState::PendingEmailVerification);
    assert_eq!(
        store.counts().await.unwrap(),
        (1, 0, 0),
        "the letter is still pending"
    );
    let mails = store.mails_of(&reg.id).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].kind, "confirmation");

    let clock = Arc::new(ManualClock::new(t0()));
    let service = service_over(store.clone(), clock.clone(), 12, config());
    let mailer = MemoryMailer::new();
    let worker = OutboxWorker::new(&service, store.clone(), Arc::new(mailer.clone()));
    // The dead child's claim holds until its lease ends; then the letter goes out.
    assert_eq!(worker.run_once().await.unwrap().claimed, 0);
    clock.advance(service.config().outbox.lease + TimeDelta::seconds(1));
    let report = worker.drain().await.unwrap();
    assert_eq!(report.sent, 1);
    let sent = mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind(), LetterKind::Confirmation);
    assert_eq!(
        sent[0].message_id().as_str(),
        message_id,
        "the retry carries the same Message-ID"
    );
    assert_eq!(store.counts().await.unwrap(), (0, 1, 0));

    // And the flow goes on with the link from the delivered letter.
    let caller = twnhi_service::Caller::new(service.open_session().await.unwrap());
    authenticate(&service, &caller, &app.person(0).identity)
        .await
        .unwrap();
    assert_eq!(
        service
            .verify_email(&caller, &token_of(&sent[0]))
            .await
            .unwrap(),
        Msg::EmailVerified
    );
}
