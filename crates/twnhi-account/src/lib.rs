#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

pub mod card;
pub mod clock;
pub mod device;
pub mod email;
pub mod household;
pub mod id;
pub mod messages;
mod normalize;
pub mod password;
pub mod phone;
pub mod registration;
pub mod roc;
pub mod secret;
pub mod throttle;
pub mod totp;

/// The `chrono` this crate's API uses, so dependents need not pin a matching version.
pub use chrono;

pub use card::{CardNumber, CardNumberError};
pub use clock::{Clock, FixedClock};
pub use device::{
    DeviceError, DeviceEvent, DeviceId, DeviceInfo, DeviceList, DeviceRecord, DeviceState,
};
pub use email::{Email, EmailError};
pub use household::{HouseholdAddress, HouseholdError, HouseholdId, Township};
pub use id::{IdError, IdKind, IdNumber, Sex};
pub use messages::{Lang, Localized, Msg};
pub use password::{
    HashError, HashPolicy, Password, PasswordCheck, PasswordHash, PasswordRejected,
    PasswordViolation, PersonalData, Strength, VerifyOutcome, check_password,
};
pub use phone::{LocalPhone, MobilePhone, PhoneError};
pub use registration::{Flow, FlowRefused, RegistrationEvent, RegistrationState, TransitionError};
pub use roc::{RocDate, RocDateTime, RocError, ServiceHours};
pub use secret::{
    IssuedSecret, SecretError, SecretKind, SecretPolicies, SecretPolicy, SecretRecord, ServerKey,
};
pub use throttle::{ThrottlePolicy, ThrottleState, Throttled};
pub use totp::{TotpError, TotpPolicy, TotpSecret};

/// Any error of this crate, for callers that handle them together. Every variant keeps the
/// module's error; `Display` is bilingual ("zh-TW / English") and [`Localized::msg`] gives
/// the catalog entry.
///
/// ```
/// use twnhi_account::{Error, IdNumber, Localized, Msg};
///
/// fn parse(id: &str) -> Result<IdNumber, Error> {
///     Ok(IdNumber::parse(id)?)
/// }
/// let err = parse("A12345678").unwrap_err();
/// assert_eq!(err.msg(), Msg::IdLength);
/// assert!(err.to_string().contains(" / "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An ID number.
    #[error(transparent)]
    Id(#[from] IdError),
    /// A card number.
    #[error(transparent)]
    CardNumber(#[from] CardNumberError),
    /// Household data.
    #[error(transparent)]
    Household(#[from] HouseholdError),
    /// A phone number.
    #[error(transparent)]
    Phone(#[from] PhoneError),
    /// An e-mail address.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// A date, time or service-hours setting.
    #[error(transparent)]
    Date(#[from] RocError),
    /// A new password.
    #[error(transparent)]
    Password(#[from] PasswordRejected),
    /// Password hashing.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// A one-time secret.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// A registration transition.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A flow refused by the registration's state.
    #[error(transparent)]
    Flow(#[from] FlowRefused),
    /// A device operation.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// A device one-time password.
    #[error(transparent)]
    Totp(#[from] TotpError),
    /// Login throttling.
    #[error(transparent)]
    Throttled(#[from] Throttled),
}

impl Localized for Error {
    fn msg(&self) -> Msg {
        match self {
            Error::Id(e) => e.msg(),
            Error::CardNumber(e) => e.msg(),
            Error::Household(e) => e.msg(),
            Error::Phone(e) => e.msg(),
            Error::Email(e) => e.msg(),
            Error::Date(e) => e.msg(),
            Error::Password(e) => e.msg(),
            Error::Hash(e) => e.msg(),
            Error::Secret(e) => e.msg(),
            Error::Transition(e) => e.msg(),
            Error::Flow(e) => e.msg(),
            Error::Device(e) => e.msg(),
            Error::Totp(e) => e.msg(),
            Error::Throttled(e) => e.msg(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_bilingual() {
        let errors: Vec<Error> = vec![
            IdError::CheckDigit.into(),
            CardNumberError::Format.into(),
            HouseholdError::Village.into(),
            PhoneError::MobileFormat.into(),
            EmailError::Invalid.into(),
            RocError::Invalid.into(),
            HashError::Malformed.into(),
            SecretError::Expired.into(),
            DeviceError::NotActive.into(),
            TotpError::Replayed.into(),
        ];
        for e in errors {
            let m = e.msg();
            assert_eq!(e.to_string(), format!("{} / {}", m.zh(), m.en()), "{e:?}");
            assert_eq!(e.message(Lang::En), m.en());
        }
    }
}
