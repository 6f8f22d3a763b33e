//! What the flow modules share: the imports of the flows, the audit reader and the clock.

pub(crate) use crate::common::*;
pub(crate) use chrono::TimeDelta;
pub(crate) use twnhi_account::device::{DeviceEvent, DeviceId, DeviceInfo, DeviceState};
pub(crate) use twnhi_account::messages::{Lang, Localized, Msg};
pub(crate) use twnhi_account::registration::RegistrationState;
pub(crate) use twnhi_account::secret::{SecretError, SecretKind};
pub(crate) use twnhi_account::totp::TotpSecret;
pub(crate) use twnhi_account::{Email, HouseholdAddress};
pub(crate) use twnhi_notify::LetterKind;
pub(crate) use twnhi_service::{
    AppLoginInput, ApplyInput, BindDeviceInput, CancelConfirmInput, CancelDelivery,
    CancelRequestInput, ChangeDataInput, ChangePasswordInput, LetterRequest, NewAddress,
    NewPassword, ServiceError,
};
pub(crate) use twnhi_store::{AuditAction, OutboxStore, Store};

/// Every audit event as (action, outcome, client, detail), oldest first (events without a
/// registration included).
pub(crate) async fn audit_events(app: &App) -> Vec<(String, String, Option<String>, String)> {
    sqlx::query_as("SELECT action, outcome, client, detail FROM audit_events ORDER BY seq")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
}

pub(crate) trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}
impl ClockNow for App {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use twnhi_account::Clock as _;
        self.clock.now()
    }
}
