//! 4.6 基本資料異動: the e-mail addresses and phones of a registration.

use core::fmt;

use twnhi_account::messages::Msg;
use twnhi_account::registration::Flow;
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{Email, Password};
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet, Contacts, RegistrationId};

use super::microsoft_warnings;
use crate::error::{Result, ServiceError};
use crate::letters::LetterData;
use crate::service::{Caller, Service};

/// Change the basic data (4.6): the new contacts; the current password when an e-mail
/// address changes (re-authentication).
pub struct ChangeDataInput {
    /// The contacts as they should be.
    pub contacts: Contacts,
    /// The current password (required when the main or spare e-mail address changes).
    pub current_password: Option<Password>,
}

impl fmt::Debug for ChangeDataInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangeDataInput(***)")
    }
}

/// The answer to a change of basic data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeDataOutcome {
    /// [`Msg::DataSaved`], or [`Msg::EmailChangeSent`] when a new main address waits for its
    /// confirmation letter.
    pub message: Msg,
    /// [`Msg::MicrosoftMailWarning`] when an address is at a Microsoft domain.
    pub warnings: Vec<Msg>,
}

impl Service {
    /// 4.6 基本資料異動: saves e-mail addresses and phones. Changing an e-mail address needs
    /// the current password. A new main address does not take effect here: a confirmation
    /// letter goes to it, and [`Service::confirm_email_change`] makes it the registration's
    /// address (and tells the old one); everything else is saved at once.
    ///
    /// # Errors
    /// [`ServiceError::ReauthenticationRequired`](crate::ServiceError::ReauthenticationRequired),
    /// [`ServiceError::CurrentPasswordIncorrect`](crate::ServiceError::CurrentPasswordIncorrect), and the usual.
    pub async fn change_data(
        &self,
        caller: &Caller,
        input: ChangeDataInput,
    ) -> Result<ChangeDataOutcome> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, mut reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::ChangeBasicData)?;
        let main_changed = !input.contacts.email.same_mailbox(&reg.contacts.email);
        let spare_changed = match (&input.contacts.spare_email, &reg.contacts.spare_email) {
            (Some(a), Some(b)) => !a.same_mailbox(b),
            (None, None) => false,
            _ => true,
        };
        if main_changed || spare_changed {
            let Some(current) = &input.current_password else {
                return Err(ServiceError::ReauthenticationRequired);
            };
            self.reauthenticate(caller, &reg, current, AuditAction::DataChange)
                .await?;
        }
        let warnings = microsoft_warnings(&input.contacts);
        let id = reg.id.clone();
        let expected = reg.version;
        let mut contacts = input.contacts;
        let new_email = core::mem::replace(&mut contacts.email, reg.contacts.email.clone());
        // Until the new main address is confirmed the current one stays; a spare address
        // equal to the current main one is no spare meanwhile.
        if main_changed
            && contacts
                .spare_email
                .as_ref()
                .is_some_and(|s| s.same_mailbox(&contacts.email))
        {
            contacts.spare_email = None;
        }
        reg.contacts = contacts;
        reg.updated_at = now;
        let mut cs = ChangeSet::new();
        if main_changed {
            let name = self.name_of_id(&reg.id_number).await?;
            let (token, mut secret) = self.issue(SecretKind::EmailChangeLink, &reg.id, now);
            secret.payload = Some(new_email.as_str().to_owned());
            let letter = LetterData::EmailChangeConfirm {
                to: new_email.as_str().to_owned(),
                name,
                token: token.to_string(),
                expires_at: secret.record.expires_at(),
            };
            cs.push(Change::PutSecret(secret))
                .push(self.mail(now, Some(&id), &letter)?);
        }
        let detail = match (main_changed, spare_changed) {
            (true, _) => "email-change-requested",
            (false, true) => "spare-email-changed",
            _ => "phones",
        };
        cs.push(Change::UpdateRegistration {
            expected_version: expected,
            registration: reg,
        })
        .push(self.audit(
            now,
            Some(&id),
            AuditAction::DataChanged,
            AuditOutcome::Ok,
            caller.client.as_deref(),
            detail,
        ));
        self.commit(cs).await?;
        Ok(ChangeDataOutcome {
            message: if main_changed {
                Msg::EmailChangeSent
            } else {
                Msg::DataSaved
            },
            warnings,
        })
    }

    /// The link of the letter sent to a new main e-mail address, answered: the address
    /// becomes the registration's, and the old address is told ([`Msg::EmailChangeConfirmed`]).
    /// The link alone is the proof (whoever reads that mailbox asked for it while logged in
    /// with the card and the password); it works once.
    ///
    /// # Errors
    /// [`ServiceError::Secret`](crate::ServiceError::Secret) for an unknown, used, expired or
    /// altered link, and the usual.
    pub async fn confirm_email_change(&self, caller: &Caller, token: &str) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let kind = SecretKind::EmailChangeLink;
        let invalid = || ServiceError::secret(kind, SecretError::Expired);
        let digest = self.keys().secrets().digest_hex(kind, token);
        let Some(mut secret) = self.inner.store.secret_by_digest(&digest).await? else {
            return Err(invalid());
        };
        if secret.record.kind() != kind {
            return Err(invalid());
        }
        let reg_id = RegistrationId::parse(secret.record.subject()).map_err(|_| invalid())?;
        let Some(mut reg) = self.inner.store.registration(&reg_id).await? else {
            return Err(invalid());
        };
        let before = secret.record.attempts_left();
        secret
            .record
            .check(self.keys().secrets(), token, reg.id.as_str(), now)
            .map_err(|e| ServiceError::secret(kind, e))?;
        reg.state.check(Flow::ChangeBasicData)?;
        let new_email = secret
            .payload
            .as_deref()
            .and_then(|p| Email::parse(p).ok())
            .ok_or_else(invalid)?;
        let id = reg.id.clone();
        let expected = reg.version;
        let old_email = core::mem::replace(&mut reg.contacts.email, new_email.clone());
        if reg
            .contacts
            .spare_email
            .as_ref()
            .is_some_and(|s| s.same_mailbox(&new_email))
        {
            reg.contacts.spare_email = None;
        }
        reg.updated_at = now;
        let mut cs = ChangeSet::new();
        cs.push(Change::SpendSecret {
            digest: secret.record.digest_hex().to_owned(),
            expected_attempts_left: before,
        });
        if !old_email.same_mailbox(&new_email) {
            let name = self.name_of_id(&reg.id_number).await?;
            let notice = LetterData::EmailChanged {
                to: old_email.as_str().to_owned(),
                name,
                new_email: new_email.as_str().to_owned(),
                changed_at: now,
            };
            cs.push(self.mail(now, Some(&id), &notice)?);
        }
        cs.push(Change::UpdateRegistration {
            expected_version: expected,
            registration: reg,
        })
        .push(self.audit(
            now,
            Some(&id),
            AuditAction::DataChanged,
            AuditOutcome::Ok,
            caller.client.as_deref(),
            "email-changed",
        ));
        self.commit_spend(cs, kind).await?;
        Ok(Msg::EmailChangeConfirmed)
    }
}
