//! The counter's work (4.2: 「如需申請健保卡註冊停用，請持身分證及證明文件臨櫃辦理」): suspend and
//! reinstate a registration, and show its state and audit trail — no secrets, contacts
//! masked.

use chrono::{DateTime, Utc};
use twnhi_account::device::DeviceState;
use twnhi_account::messages::Msg;
use twnhi_account::registration::{RegistrationEvent, RegistrationState};
use twnhi_account::{Email, IdNumber};
use twnhi_store::{
    AuditAction, AuditEvent, AuditOutcome, Change, ChangeSet, MailSummary, RegistrationId,
};

use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::service::Service;

/// One registration as the counter sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationReport {
    /// The identifier.
    pub id: RegistrationId,
    /// The ID number, masked.
    pub id_number_masked: String,
    /// The state.
    pub state: RegistrationState,
    /// Applied.
    pub created_at: DateTime<Utc>,
    /// E-mail verified.
    pub verified_at: Option<DateTime<Utc>>,
    /// Cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The main e-mail address, masked (`t***@example.com`).
    pub email_masked: String,
    /// The mobile phone, masked (`0912-***678`; `-` when none was given).
    pub mobile_masked: String,
    /// Devices: masked identifier, platform, model, state.
    pub devices: Vec<(String, String, String, DeviceState)>,
    /// Letters queued for it, with their delivery state.
    pub letters: Vec<MailSummary>,
    /// The audit trail, oldest first.
    pub audit: Vec<AuditEvent>,
}

/// `t***@example.com`.
#[must_use]
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// `0912-***678`.
#[must_use]
pub fn mask_mobile(mobile: &str) -> String {
    let digits: Vec<char> = mobile.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return "***".to_owned();
    }
    let head: String = digits.iter().take(4).collect();
    let tail: String = digits.iter().skip(digits.len() - 3).collect();
    format!("{head}-***{tail}")
}

/// How many sample letters [`Service::queue_test_letters`] queues at most in one call.
pub const MAX_TEST_LETTERS: u32 = 10_000;

impl Service {
    /// Queues `count` sample letters (a completion letter with a sample name) to `to`
    /// through the outbox, for an operator to check that the running workers deliver
    /// (`twnhi admin outbox test`). They belong to no registration and skip the letter caps
    /// (an operator's own check). This service's key must be the sites' `server.key`, or
    /// no worker can open them. At most [`MAX_TEST_LETTERS`]; enqueued 100 per transaction.
    ///
    /// # Errors
    /// A store error (the letters of the failed batch are not queued; earlier batches are).
    pub async fn queue_test_letters(&self, to: &Email, count: u32) -> Result<u32> {
        let count = count.min(MAX_TEST_LETTERS);
        let now = self.now();
        let mut queued = 0;
        while queued < count {
            let mut cs = ChangeSet::new();
            for _ in 0..(count - queued).min(100) {
                let data = LetterData::Completion {
                    to: to.as_str().to_owned(),
                    name: "twnhi outbox test".to_owned(),
                };
                let mut change = self.mail(now, None, &data)?;
                if let Change::EnqueueMail(m) = &mut change {
                    m.cap = None;
                }
                cs.push(change);
            }
            let n = u32::try_from(cs.changes().len()).unwrap_or(0);
            self.commit(cs).await?;
            queued += n;
        }
        Ok(queued)
    }

    async fn counter_transition(
        &self,
        id_number: &IdNumber,
        event: RegistrationEvent,
        operator: &str,
    ) -> Result<()> {
        let now = self.now();
        let Some(mut reg) = self.current_registration(id_number).await? else {
            return Err(ServiceError::NotRegistered);
        };
        let expected = reg.version;
        let id = reg.id.clone();
        reg.state = reg.state.apply(event).map_err(twnhi_account::Error::from)?;
        reg.updated_at = now;
        let action = match event {
            RegistrationEvent::Suspend => AuditAction::Suspended,
            _ => AuditAction::Reinstated,
        };
        let operator: String = operator
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let mut cs = ChangeSet::new()
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(self.audit(
                now,
                Some(&id),
                action,
                AuditOutcome::Ok,
                Some("counter"),
                format!("operator={operator}"),
            ));
        if event == RegistrationEvent::Suspend {
            cs.push(Change::DeleteSessionsOf {
                registration_id: id.clone(),
            });
        }
        self.commit(cs).await?;
        tracing::info!(registration = %id, action = action.as_str(), "counter operation");
        Ok(())
    }

    /// Suspends the person's registration (at a counter): it can no longer log in, on the site
    /// or in the app; every session and app token ends.
    ///
    /// # Errors
    /// [`ServiceError::NotRegistered`], [`ServiceError::Invalid`] (a transition the state does
    /// not allow, e.g. pending or suspended already), and the usual.
    pub async fn suspend(&self, id_number: &IdNumber, operator: &str) -> Result<Msg> {
        self.counter_transition(id_number, RegistrationEvent::Suspend, operator)
            .await?;
        Ok(Msg::CounterSuspended)
    }

    /// Reinstates a suspended registration (at a counter).
    ///
    /// # Errors
    /// As [`Service::suspend`].
    pub async fn reinstate(&self, id_number: &IdNumber, operator: &str) -> Result<Msg> {
        self.counter_transition(id_number, RegistrationEvent::Reinstate, operator)
            .await?;
        Ok(Msg::CounterReinstated)
    }

    /// Every registration of the person, newest first, with state, masked contacts, devices,
    /// letters and audit trail. No secrets.
    ///
    /// # Errors
    /// [`ServiceError::NotRegistered`] when there is none, store errors.
    pub async fn show(&self, id_number: &IdNumber) -> Result<Vec<RegistrationReport>> {
        let store = &self.inner.store;
        let regs = store.registrations_of(id_number).await?;
        if regs.is_empty() {
            return Err(ServiceError::NotRegistered);
        }
        let mut out = Vec::with_capacity(regs.len());
        for r in regs {
            let devices = store
                .devices(&r.id)
                .await?
                .into_iter()
                .map(|d| {
                    (
                        d.record.id().masked(),
                        d.record.info().platform().to_owned(),
                        d.record.info().model().to_owned(),
                        d.record.state(),
                    )
                })
                .collect();
            out.push(RegistrationReport {
                letters: store.mails_of(&r.id).await?,
                audit: store.audit_trail(&r.id).await?,
                id_number_masked: r.id_number.masked(),
                state: r.state,
                created_at: r.created_at,
                verified_at: r.verified_at,
                cancelled_at: r.cancelled_at,
                email_masked: mask_email(r.contacts.email.as_str()),
                mobile_masked: r
                    .contacts
                    .mobile_phone
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |m| mask_mobile(m.as_str())),
                devices,
                id: r.id,
            });
        }
        Ok(out)
    }

    /// Deletes what has ended: sessions past their end or idle, spent or expired secrets,
    /// quiet throttling counters, payloads of letters given up a week ago (the maintenance
    /// worker runs it every minute).
    ///
    /// # Errors
    /// Store errors.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = self.now();
        let idle_before = now
            .checked_sub_signed(self.session_idle_end_after())
            .unwrap_or(now);
        Ok(self.inner.store.purge_expired(now, idle_before).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_email("test.one@example.com"), "t***@example.com");
        assert_eq!(mask_mobile("0912345678"), "0912-***678");
        assert_eq!(mask_mobile("12"), "***");
    }
}
