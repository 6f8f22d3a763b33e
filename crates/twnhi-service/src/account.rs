//! What the pages after login show of the account (服務項目, 行動裝置認證, 基本資料異動): the
//! registration's contacts, and the name and masked ID number from the registry.

use core::fmt;

use twnhi_account::registration::RegistrationState;
use twnhi_store::{Contacts, RegistrationId};

use crate::error::{Result, ServiceError};
use crate::service::{Caller, Service};

/// The logged-in account as the pages show it. The name comes from the registry and the
/// contacts from the registration, never from what a browser sent. `Debug` masks everything
/// personal.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountView {
    /// The registration.
    pub registration_id: RegistrationId,
    /// Its state.
    pub state: RegistrationState,
    /// 姓名, from the registry (empty when the registry no longer has a valid card for the
    /// person).
    pub name: String,
    /// The ID number, masked (`A12345****`).
    pub id_number_masked: String,
    /// The registered e-mail addresses and phones (the change-data form is filled with them).
    pub contacts: Contacts,
}

impl fmt::Debug for AccountView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountView")
            .field("registration_id", &self.registration_id)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// The logged-in account: its state and contacts from the registration, the 姓名 from the
    /// registry, the ID number masked. A read: nothing is written (the session's `last_seen`
    /// aside), no service hours.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`] (not logged in, the session ended or its registration
    /// is gone), store errors.
    pub async fn account_view(&self, caller: &Caller) -> Result<AccountView> {
        let now = self.now();
        let (_s, reg) = self.logged_in(caller, now).await?;
        let name = self
            .inner
            .registry
            .person_by_id(&reg.id_number)
            .await
            .map_err(ServiceError::from)?
            .map(|p| p.name)
            .unwrap_or_default();
        Ok(AccountView {
            id_number_masked: reg.id_number.masked(),
            registration_id: reg.id,
            state: reg.state,
            name,
            contacts: reg.contacts,
        })
    }
}
