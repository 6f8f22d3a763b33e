//! 4.6 基本資料異動: the e-mail addresses and phones of a registration.

use core::fmt;

use twnhi_account::Password;
use twnhi_account::messages::Msg;
use twnhi_account::registration::Flow;
use twnhi_store::{AuditAction, AuditOutcome, Change, ChangeSet, Contacts};

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
    /// [`Msg::DataSaved`].
    pub message: Msg,
    /// [`Msg::MicrosoftMailWarning`] when an address is at a Microsoft domain.
    pub warnings: Vec<Msg>,
}

impl Service {
    /// 4.6 基本資料異動: saves e-mail addresses and phones. Changing an e-mail address needs
    /// the current password; the old main address is told of a new one.
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
        let old_email = reg.contacts.email.clone();
        reg.contacts = input.contacts;
        reg.updated_at = now;
        let mut cs = ChangeSet::new();
        if main_changed {
            let name = self.name_of_id(&reg.id_number).await?;
            let notice = LetterData::EmailChanged {
                to: old_email.as_str().to_owned(),
                name,
                new_email: reg.contacts.email.as_str().to_owned(),
                changed_at: now,
            };
            cs.push(self.mail(now, Some(&id), &notice)?);
        }
        let detail = match (main_changed, spare_changed) {
            (true, _) => "email-changed",
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
            message: Msg::DataSaved,
            warnings,
        })
    }
}
