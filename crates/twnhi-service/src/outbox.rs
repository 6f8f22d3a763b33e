//! The outbox worker: delivers the letters the use cases wrote in their transactions.
//!
//! Each round claims the due letters for a lease, opens each sealed payload, renders and
//! composes the letter with a Message-ID derived from the outbox row (`<twnhi.ROW@DOMAIN>`)
//! and the row's creation time as `Date`, so every attempt sends the same message, and hands
//! it to the [`Mailer`]. A delivered letter's payload is wiped. A transient failure schedules
//! another attempt with exponential back-off; a permanent one (or too many attempts) gives up
//! and writes an audit event. A worker that dies mid-delivery leaves its claimed letters to be
//! claimed again when the lease ends: nothing is lost, and a letter sent twice carries the
//! same Message-ID, so the receiving side recognises the retry.
//!
//! Claims are held, not assumed: each round claims under a fresh random token, renews the
//! claim on each letter just before handing it over (a letter whose claim another worker took
//! after the lease ran out is skipped), and gives the mailer at most half a lease per letter,
//! so a slow mail server cannot make two workers send the same letter.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use twnhi_account::Clock;
use twnhi_notify::{LetterLangs, LetterRenderer, MailError, Mailer, MessageId, compose};
use twnhi_store::{AuditAction, AuditEvent, AuditOutcome, ClaimedMail, MailKind, OutboxStore};

use crate::config::OutboxConfig;
use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::maintenance::Liveness;
use crate::service::Service;

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Letters claimed.
    pub claimed: u32,
    /// Handed over.
    pub sent: u32,
    /// Scheduled for another attempt.
    pub retried: u32,
    /// Given up.
    pub failed: u32,
}

/// Delivers outbox letters. Build it from the [`Service`] (for the keys, the renderer and
/// the configuration) and run [`OutboxWorker::run_once`] or [`OutboxWorker::spawn`].
pub struct OutboxWorker {
    service: Service,
    store: Arc<dyn OutboxStore>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock + Send + Sync>,
    renderer: LetterRenderer,
    config: OutboxConfig,
    liveness: Liveness,
}

impl core::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A running worker; [`OutboxHandle::shutdown`] stops it after the letter in hand.
pub struct OutboxHandle {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
    liveness: Liveness,
    store: Arc<dyn OutboxStore>,
    mailer: Arc<dyn Mailer>,
    config: OutboxConfig,
}

impl core::fmt::Debug for OutboxHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OutboxHandle").finish_non_exhaustive()
    }
}

impl OutboxHandle {
    /// A monitor of this worker for the readiness check.
    #[must_use]
    pub fn monitor(&self) -> OutboxMonitor {
        OutboxMonitor {
            liveness: self.liveness.clone(),
            store: Arc::clone(&self.store),
            mailer: Arc::clone(&self.mailer),
            // A round may hand over a whole batch to a slow server (each at most half a
            // lease): alive means a beat within a lease, or three polls if longer.
            within: self
                .config
                .lease
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(120))
                .max(self.config.poll_interval * 3),
        }
    }

    /// Stops the worker and waits for it.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.join.await;
    }
}

/// A short, personal-data-free name of a mail error for the outbox row and the audit trail.
fn error_class(e: &MailError) -> String {
    match e {
        MailError::Rejected { code, .. } => format!("rejected {code}"),
        MailError::Transient { code, .. } => format!("transient {code}"),
        MailError::Timeout { .. } => "timeout".to_owned(),
        MailError::Connect { .. } => "connect".to_owned(),
        MailError::Tls { .. } => "tls".to_owned(),
        MailError::Auth { .. } => "auth".to_owned(),
        MailError::Protocol { .. } => "protocol".to_owned(),
        MailError::Io { .. } => "io".to_owned(),
        MailError::InvalidAddress { .. } => "invalid-address".to_owned(),
        MailError::Simulated => "simulated".to_owned(),
        _ => "other".to_owned(),
    }
}

enum Outcome {
    Sent,
    Retry(String),
    GiveUp(String),
}

/// What the readiness check needs to know of the outbox: whether the worker goes round,
/// whether the mailer answers, how many letters wait.
#[derive(Clone)]
pub struct OutboxMonitor {
    liveness: Liveness,
    store: Arc<dyn OutboxStore>,
    mailer: Arc<dyn Mailer>,
    within: std::time::Duration,
}

impl core::fmt::Debug for OutboxMonitor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OutboxMonitor")
            .field("within", &self.within)
            .finish_non_exhaustive()
    }
}

/// The outbox as the readiness check reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutboxStatus {
    /// The worker went round its loop recently.
    pub worker_alive: bool,
    /// The mailer answered (`None`: not asked).
    pub mailer_reachable: bool,
    /// Letters waiting (they are kept and sent when the mailer answers again).
    pub pending: u64,
}

impl OutboxMonitor {
    /// Asks the worker's heartbeat, the mailer (at most `timeout`) and the queue.
    pub async fn status(&self, timeout: std::time::Duration) -> OutboxStatus {
        let worker_alive = self.liveness.alive_within(self.within);
        let mailer_reachable = matches!(
            tokio::time::timeout(timeout, self.mailer.check()).await,
            Ok(Ok(()))
        );
        let pending = self.store.counts().await.map(|c| c.0).unwrap_or(0);
        OutboxStatus {
            worker_alive,
            mailer_reachable,
            pending,
        }
    }
}

impl OutboxWorker {
    /// A worker over the outbox `store`, sending through `mailer`, with the service's clock,
    /// keys and configuration.
    #[must_use]
    pub fn new(service: &Service, store: Arc<dyn OutboxStore>, mailer: Arc<dyn Mailer>) -> Self {
        let config = service.config().outbox;
        OutboxWorker {
            renderer: LetterRenderer::new(service.config().public_base_url.clone())
                .with_hotline(service.config().hotline.clone())
                .with_service_links(service.config().service_links.clone()),
            clock: Arc::clone(&service.inner.clock),
            service: service.clone(),
            store,
            mailer,
            config,
            liveness: Liveness::new(),
        }
    }

    /// The Message-ID of outbox row `id`.
    ///
    /// # Errors
    /// [`ServiceError::Internal`] for an id or domain that cannot form one.
    pub fn message_id(&self, id: &str) -> Result<MessageId> {
        MessageId::for_key(id, &self.service.config().message_id_domain)
            .map_err(|_| ServiceError::Internal { what: "message id" })
    }

    async fn deliver(&self, mail: &ClaimedMail) -> Outcome {
        let prepared = (|| -> Result<twnhi_notify::OutgoingMail> {
            let plain = self.service.keys().open(&mail.id, &mail.payload)?;
            let data: LetterData =
                serde_json::from_slice(&plain).map_err(|_| ServiceError::Internal {
                    what: "letter data",
                })?;
            let (to, letter) = data.to_letter()?;
            let rendered = self
                .renderer
                .render(&letter, LetterLangs::Both)
                .map_err(|_| ServiceError::Internal { what: "rendering" })?;
            compose(
                &rendered,
                &self.service.config().sender,
                &to,
                self.message_id(&mail.id)?,
                mail.created_at,
            )
            .map_err(|_| ServiceError::Internal { what: "composing" })
        })();
        let outgoing = match prepared {
            Ok(m) => m,
            Err(e) => return Outcome::GiveUp(format!("unusable letter: {e}")),
        };
        match self.mailer.send(&outgoing).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::GiveUp(error_class(&e)),
            Err(e) => Outcome::Retry(error_class(&e)),
        }
    }

    /// One round: claims the due letters and tries each once.
    ///
    /// # Errors
    /// Store errors (a mail error is recorded on its letter, not returned).
    pub async fn run_once(&self) -> Result<DeliveryReport> {
        let now = self.clock.now();
        let claimant = hex::encode(crate::ports::random_array::<16>(self.service.random()));
        let claimed = self
            .store
            .claim_due(now, self.config.lease, self.config.batch, &claimant)
            .await?;
        let mut report = DeliveryReport {
            claimed: u32::try_from(claimed.len()).unwrap_or(u32::MAX),
            ..DeliveryReport::default()
        };
        for mail in &claimed {
            self.liveness.beat();
            let attempts = mail.attempts.saturating_add(1);
            let until = self.clock.now() + self.config.lease;
            if !self.store.renew_claim(&mail.id, &mail.claim, until).await? {
                tracing::warn!(letter = %mail.id, "claim lost to another worker; not sending");
                continue;
            }
            let budget = (self.config.lease / 2)
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(30));
            let outcome = match tokio::time::timeout(budget, self.deliver(mail)).await {
                Ok(o) => o,
                Err(_) => Outcome::Retry("timeout".to_owned()),
            };
            match outcome {
                Outcome::Sent => {
                    self.store
                        .mark_sent(&mail.id, &mail.claim, self.clock.now())
                        .await?;
                    report.sent += 1;
                    tracing::info!(letter = %mail.id, kind = %mail.kind, "letter sent");
                }
                Outcome::Retry(why) if attempts < self.config.max_attempts => {
                    let next = self.clock.now() + self.config.backoff(attempts);
                    self.store
                        .mark_retry(&mail.id, &mail.claim, attempts, next, &why)
                        .await?;
                    report.retried += 1;
                    tracing::warn!(letter = %mail.id, attempts, reason = %why, "letter delivery will be retried");
                }
                Outcome::Retry(why) | Outcome::GiveUp(why) => {
                    let (outcome, detail) = match mail.kind.parse::<MailKind>() {
                        Ok(kind) => (AuditOutcome::Letter(kind), why.clone()),
                        Err(_) => (
                            AuditOutcome::UnknownLetter,
                            format!("kind={} {why}", mail.kind),
                        ),
                    };
                    let audit = AuditEvent {
                        at: self.clock.now(),
                        registration_id: mail.registration_id.clone(),
                        action: AuditAction::LetterFailed,
                        outcome,
                        client: None,
                        detail,
                    };
                    self.store
                        .mark_failed(&mail.id, &mail.claim, attempts, &why, audit)
                        .await?;
                    report.failed += 1;
                    tracing::error!(letter = %mail.id, attempts, reason = %why, "letter given up");
                }
            }
        }
        Ok(report)
    }

    /// Delivers until nothing is due (for tests and the CLI).
    ///
    /// # Errors
    /// Store errors.
    pub async fn drain(&self) -> Result<DeliveryReport> {
        let mut total = DeliveryReport::default();
        loop {
            let r = self.run_once().await?;
            total.claimed += r.claimed;
            total.sent += r.sent;
            total.retried += r.retried;
            total.failed += r.failed;
            if r.claimed == 0 {
                return Ok(total);
            }
        }
    }

    fn wait_for(&self, next_due: Option<DateTime<Utc>>) -> std::time::Duration {
        let poll = self.config.poll_interval;
        match next_due {
            Some(at) => (at - self.clock.now())
                .to_std()
                .unwrap_or(std::time::Duration::ZERO)
                .min(poll),
            None => poll,
        }
    }

    /// Runs the worker as a tokio task: woken by the service after every commit that queued
    /// a letter, otherwise polling; stops on [`OutboxHandle::shutdown`].
    #[must_use]
    pub fn spawn(self) -> OutboxHandle {
        let (stop, mut stopped) = watch::channel(false);
        let signal: Arc<Notify> = self.service.outbox_signal();
        let liveness = self.liveness.clone();
        let store = Arc::clone(&self.store);
        let mailer = Arc::clone(&self.mailer);
        let config = self.config;
        let join = tokio::spawn(async move {
            let _alive = self.liveness.guard();
            loop {
                if *stopped.borrow() {
                    break;
                }
                self.liveness.beat();
                let full = match self.run_once().await {
                    Ok(r) => r.claimed >= self.config.batch,
                    Err(e) => {
                        tracing::error!(error = %e, "outbox round failed");
                        false
                    }
                };
                if full {
                    continue;
                }
                let next = self.store.next_due().await.unwrap_or(None);
                let wait = self.wait_for(next);
                tokio::select! {
                    () = signal.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                    _ = stopped.changed() => {}
                }
            }
        });
        OutboxHandle {
            stop,
            join,
            liveness,
            store,
            mailer,
            config,
        }
    }
}
