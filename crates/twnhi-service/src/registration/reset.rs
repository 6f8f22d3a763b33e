//! 4.9 重設註冊密碼: the reset link opened with the registrant's card sets a new password.

use core::fmt;

use twnhi_account::Password;
use twnhi_account::messages::Msg;
use twnhi_account::password::check_password;
use twnhi_account::registration::Flow;
use twnhi_account::secret::SecretKind;
use twnhi_store::{AuditAction, ChangeSet};

use super::personal;
use crate::error::Result;
use crate::service::{Caller, Service};

/// A new password and its confirmation (reset, 4.9).
pub struct NewPassword {
    /// The new password.
    pub password: Password,
    /// Its confirmation.
    pub confirmation: Password,
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl Service {
    /// 4.9 重設註冊密碼: the reset link opened with the registrant's card; sets the new
    /// password, ends every session and app token, tells the registered address.
    ///
    /// # Errors
    /// [`ServiceError::Secret`](crate::ServiceError::Secret) (link), [`ServiceError::CardNotRegistrant`](crate::ServiceError::CardNotRegistrant),
    /// [`ServiceError::Password`](crate::ServiceError::Password), [`ServiceError::Flow`](crate::ServiceError::Flow), and the usual.
    pub async fn reset_password(
        &self,
        caller: &Caller,
        token: &str,
        input: NewPassword,
    ) -> Result<Msg> {
        let now = self.now();
        self.guard_hours(now)?;
        let (_s, person) = self.session_card(caller, now).await?;
        let kind = SecretKind::PasswordResetLink;
        let (reg, spend) = self.open_link(kind, token, &person, now).await?;
        reg.state.check(Flow::ResetPassword)?;
        check_password(
            input.password.expose(),
            Some(input.confirmation.expose()),
            &personal(&person),
        )
        .into_result()?;
        let hash = self.hash_password(&input.password).await?;
        let cs = self.new_password_changes(
            ChangeSet::new().with(spend),
            reg,
            hash,
            person.name.clone(),
            now,
            (AuditAction::PasswordReset, caller.client.as_deref()),
        )?;
        self.commit_spend(cs, kind).await?;
        Ok(Msg::PasswordResetDone)
    }
}
