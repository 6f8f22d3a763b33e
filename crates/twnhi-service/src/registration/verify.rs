//! 4.1 step 5: the confirmation link opened with the registrant's card.

use twnhi_account::messages::Msg;
use twnhi_account::registration::{Flow, RegistrationEvent};
use twnhi_account::secret::SecretKind;
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet};

use crate::error::Result;
use crate::letters::LetterData;
use crate::service::{Caller, Service};
use twnhi_store::RegistrationId;

impl Service {
    /// 4.1 step 5: the confirmation link opened with the registrant's card authenticated in
    /// the session. The registration becomes active and the completion letter goes out.
    ///
    /// # Errors
    /// [`ServiceError::Secret`](crate::ServiceError::Secret) (link invalid, used or expired),
    /// [`ServiceError::CardNotRegistrant`](crate::ServiceError::CardNotRegistrant), [`ServiceError::Flow`](crate::ServiceError::Flow), and the usual.
    pub async fn verify_email(&self, caller: &Caller, token: &str) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let kind = SecretKind::EmailConfirmLink;
        let (mut reg, spend) = self.open_link(kind, token, &person, now).await?;
        reg.state.check(Flow::VerifyEmail)?;
        let expected = reg.version;
        reg.state = reg
            .state
            .apply(RegistrationEvent::EmailVerified)
            .map_err(twnhi_account::Error::from)?;
        reg.verified_at = Some(now);
        reg.updated_at = now;
        reg.card_number = person.card_number.clone();
        let letter = LetterData::Completion {
            to: reg.contacts.email.as_str().to_owned(),
            name: person.name.clone(),
        };
        let id = reg.id.clone();
        let cs = ChangeSet::new()
            .with(spend)
            .with(Change::UpdateRegistration {
                expected_version: expected,
                registration: reg,
            })
            .with(self.mail(now, Some(&id), &letter)?)
            .with(self.audit(
                now,
                Some(&id),
                AuditAction::EmailVerified,
                AuditOutcome::Ok,
                caller.client.as_deref(),
                "",
            ));
        self.commit_spend(cs, kind).await?;
        tracing::info!(registration = %id, "e-mail address verified");
        Ok(Msg::EmailVerified)
    }

    /// What a letter's link (the confirmation link, the reset link) is worth before its page
    /// asks for anything: `None` when it is live (the form is shown), otherwise the message
    /// the page shows instead of the form — [`Msg::AlreadyRegistered`] for a confirmation
    /// link of a registration already confirmed and in use (the person is told to log in,
    /// not to ask for a new letter), [`Msg::LinkInvalid`] for an unknown, altered, used or
    /// expired link. Nothing is spent or counted: the link's token is long and random, so
    /// looking it up tells a stranger nothing the link itself does not.
    ///
    /// # Errors
    /// Store errors.
    pub async fn letter_link_state(&self, kind: SecretKind, token: &str) -> Result<Option<Msg>> {
        let now = self.now();
        let digest = self.keys().secrets().digest_hex(kind, token);
        let Some(secret) = self.inner.store.secret_by_digest(&digest).await? else {
            return Ok(Some(Msg::LinkInvalid));
        };
        if secret.record.kind() != kind {
            return Ok(Some(Msg::LinkInvalid));
        }
        let Ok(reg_id) = RegistrationId::parse(secret.record.subject()) else {
            return Ok(Some(Msg::LinkInvalid));
        };
        let Some(reg) = self.inner.store.registration(&reg_id).await? else {
            return Ok(Some(Msg::LinkInvalid));
        };
        if kind == SecretKind::EmailConfirmLink && reg.state.is_in_use() {
            return Ok(Some(Msg::AlreadyRegistered));
        }
        if secret.record.is_spent(now) {
            return Ok(Some(Msg::LinkInvalid));
        }
        Ok(None)
    }
}
