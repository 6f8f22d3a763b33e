//! 4.5 註冊密碼變更: a new password after re-authenticating with the current one.

use core::fmt;

use twnhi_account::Password;
use twnhi_account::messages::Msg;
use twnhi_account::password::{PasswordViolation, PersonalData, check_password};
use twnhi_account::registration::Flow;
use twnhi_store::{AuditAction, ChangeSet};

use crate::error::Result;
use crate::service::{Caller, Service};

/// Change the password (4.5): the current one (re-authentication) and the new one.
pub struct ChangePasswordInput {
    /// The current password.
    pub current: Password,
    /// The new password.
    pub password: Password,
    /// Its confirmation.
    pub confirmation: Password,
}

impl fmt::Debug for ChangePasswordInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangePasswordInput(***)")
    }
}

impl Service {
    /// 4.5 註冊密碼變更: re-authenticates with the current password, sets the new one, ends
    /// every session and app token of the registration (this one included: log in again with
    /// the new password) and tells the registered address.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`](crate::ServiceError::SessionExpired), [`ServiceError::CurrentPasswordIncorrect`](crate::ServiceError::CurrentPasswordIncorrect),
    /// [`ServiceError::Password`](crate::ServiceError::Password), [`ServiceError::Throttled`](crate::ServiceError::Throttled), and the usual.
    pub async fn change_password(
        &self,
        caller: &Caller,
        input: ChangePasswordInput,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, reg) = self.logged_in(caller, now).await?;
        reg.state.check(Flow::ChangePassword)?;
        self.reauthenticate(caller, &reg, &input.current, AuditAction::PasswordChange)
            .await?;
        let person = self.inner.registry.person_by_id(&reg.id_number).await?;
        let personal_data = PersonalData {
            id_number: Some(&reg.id_number),
            card_number: Some(&reg.card_number),
            birth_date: person.as_ref().map(|p| p.birth_date),
        };
        let mut check = check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal_data,
        );
        // The current password was just verified: the same text is the same password.
        if input.password.expose() == input.current.expose() {
            check.violations.push(PasswordViolation::SameAsCurrent);
        }
        check.into_result()?;
        let hash = self.hash_password(&input.password).await?;
        let cs = self.new_password_changes(
            ChangeSet::new(),
            reg,
            hash,
            person.map(|p| p.name).unwrap_or_default(),
            now,
            (AuditAction::PasswordChanged, caller.client.as_deref()),
        )?;
        self.commit(cs).await?;
        Ok(Msg::PasswordChanged)
    }
}
