//! 4.1 step 5: the confirmation link opened with the registrant's card.

use twnhi_account::messages::Msg;
use twnhi_account::registration::{Flow, RegistrationEvent};
use twnhi_account::secret::SecretKind;
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet};

use crate::error::Result;
use crate::letters::LetterData;
use crate::service::{Caller, Service};

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
}
