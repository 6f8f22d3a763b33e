//! The use cases' error type: every refusal carries its catalog message.

use chrono::{DateTime, Utc};
use twnhi_account::messages::{Lang, Localized, Msg, attempts_left, try_again_after};
use twnhi_account::roc::ServiceHours;
use twnhi_account::secret::{SecretError, SecretKind};
use twnhi_account::{DeviceError, FlowRefused, PasswordRejected, TotpError};
use twnhi_store::StoreError;

/// Why a use case refused or failed.
///
/// Every value maps to a catalog message ([`Localized::msg`]); [`ServiceError::text`] gives the
/// text to show in one language, with parameters filled in (time of the next attempt, tries
/// left, the configured service hours). `Display` is bilingual.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// Outside the service hours; forms refuse.
    #[error("{} / {}", .hours.notice(Lang::ZhTw), .hours.notice(Lang::En))]
    Closed {
        /// The configured hours.
        hours: ServiceHours,
    },
    /// An input that does not satisfy a rule of `twnhi-account` (a malformed value).
    #[error(transparent)]
    Invalid(#[from] twnhi_account::Error),
    /// A new password breaks rules (all of them listed).
    #[error(transparent)]
    Password(#[from] PasswordRejected),
    /// Card or household data do not match the registry (one generic answer, SPEC §4.1).
    #[error("{}", Msg::RegistryMismatch)]
    RegistryMismatch,
    /// No card was authenticated in this session recently: read the card first.
    #[error("{}", Msg::ReadCardPrompt)]
    CardRequired,
    /// The card authentication nonce is unknown, used or expired.
    #[error("{}", Msg::CardAuthExpired)]
    CardAuthExpired,
    /// The card could not be verified (wrong `cr`, unknown or revoked card, malformed data).
    #[error("{}", Msg::CardNotVerified)]
    CardNotVerified,
    /// The card authenticated is not the registrant's.
    #[error("{}", Msg::CardNotRegistrant)]
    CardNotRegistrant,
    /// Wrong card or password at login (one answer for both).
    #[error("{}", Msg::LoginFailed)]
    LoginFailed,
    /// The current password given for re-authentication is wrong.
    #[error("{}", Msg::CurrentPasswordIncorrect)]
    CurrentPasswordIncorrect,
    /// Changing the e-mail address needs the current password.
    #[error("{}", Msg::ReauthenticationRequired)]
    ReauthenticationRequired,
    /// Not logged in, logged out, or the session expired.
    #[error("{}", Msg::SessionExpired)]
    SessionExpired,
    /// Too many attempts; not before `retry_at`.
    #[error("{}", Msg::TooManyAttempts)]
    Throttled {
        /// The earliest time of the next attempt.
        retry_at: DateTime<Utc>,
    },
    /// NIST SP 800-63B §5.2.2: after 100 consecutive wrong passwords on this path the
    /// password is not checked any more until it is reset (site) or the card holder logs in
    /// on the site (app). Only someone who holds the card (site) or a bound device's key
    /// (app) can cause it.
    #[error("{}", if *.app { Msg::AppLoginLocked } else { Msg::AttemptsLocked })]
    Locked {
        /// The app's path (cleared by a login on the site with the card).
        app: bool,
    },
    /// Too many requests are waiting for password hashing; try again after
    /// `retry_after_secs` (the site answers `503` with `Retry-After`).
    #[error("{}", Msg::ServerBusy)]
    Overloaded {
        /// Seconds until a place is likely free (≥ 1).
        retry_after_secs: u32,
    },
    /// The registration's state does not allow the flow.
    #[error(transparent)]
    Flow(#[from] FlowRefused),
    /// A one-time secret (code, link, captcha) was refused.
    #[error("{}", .error.msg_for(*.kind))]
    Secret {
        /// What kind of secret.
        kind: SecretKind,
        /// Why.
        error: SecretError,
    },
    /// A device operation was refused.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The app's one-time password was refused.
    #[error(transparent)]
    Totp(#[from] TotpError),
    /// The citizen certificate login failed: the certificate, its signature, the ID number
    /// or the birth date (one answer for all: a stranger learns nothing about the person).
    #[error("{}", Msg::CertLoginFailed)]
    CertLoginFailed,
    /// A page of the certificate path needs a login with the citizen certificate first.
    #[error("{}", Msg::CertLoginRequired)]
    CertLoginRequired,
    /// The certificate login is not configured on this site.
    #[error("{}", Msg::OperationNotAllowed)]
    CertLoginUnavailable,
    /// The identity-confirmation service did not answer.
    #[error("{} ({source})", Msg::SystemError)]
    IdentityCheck {
        /// Its error.
        #[from]
        source: crate::ports::IdentityCheckUnavailable,
    },
    /// The counter asked about an ID number without a registration.
    #[error("{}", Msg::NotRegistered)]
    NotRegistered,
    /// A concurrent request changed the same data first; the user may try again.
    #[error("{}", Msg::SystemError)]
    Busy,
    /// The store failed.
    #[error("{} ({source})", Msg::SystemError)]
    Store {
        /// The store's error.
        #[from]
        source: StoreError,
    },
    /// The SAM failed.
    #[error("{} ({source})", Msg::SystemError)]
    Sam {
        /// The SAM's error.
        #[from]
        source: crate::sam::SamError,
    },
    /// Something that is not the user's fault (hashing, sealing a letter, a lost task).
    #[error("{} ({what})", Msg::SystemError)]
    Internal {
        /// What failed (no personal data).
        what: &'static str,
    },
}

impl ServiceError {
    /// The message in `lang` with its parameters: the service hours as configured, the time
    /// of the next attempt, the tries left of a code.
    #[must_use]
    pub fn text(&self, lang: Lang) -> String {
        match self {
            // That the service is closed now, and its hours (not the hours alone).
            ServiceError::Closed { hours } => format!(
                "{}{}{}",
                twnhi_account::messages::text(lang, "service-closed-now"),
                if lang == Lang::En { " " } else { "" },
                hours.notice(lang)
            ),
            ServiceError::Throttled { retry_at } => try_again_after(*retry_at, lang),
            ServiceError::Secret {
                error: SecretError::Mismatch { attempts_left: n },
                kind: SecretKind::DeviceCode | SecretKind::CancellationCode,
            } if *n > 0 => attempts_left(*n, lang),
            ServiceError::Password(p) => {
                let texts: Vec<&str> = p.violations.iter().map(|v| v.message(lang)).collect();
                texts.join(" ")
            }
            other => other.msg().text(lang).to_owned(),
        }
    }

    /// Whether the user can do something about it (a refusal), as opposed to a failure of the
    /// system (store, SAM, internal).
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            ServiceError::Store { .. }
                | ServiceError::Sam { .. }
                | ServiceError::Internal { .. }
                | ServiceError::IdentityCheck { .. }
                | ServiceError::Busy
                | ServiceError::Overloaded { .. }
        )
    }

    pub(crate) fn secret(kind: SecretKind, error: SecretError) -> Self {
        ServiceError::Secret { kind, error }
    }
}

impl Localized for ServiceError {
    fn msg(&self) -> Msg {
        match self {
            ServiceError::Closed { .. } => Msg::ServiceHours,
            ServiceError::Invalid(e) => e.msg(),
            ServiceError::Password(e) => e.msg(),
            ServiceError::RegistryMismatch => Msg::RegistryMismatch,
            ServiceError::CardRequired => Msg::ReadCardPrompt,
            ServiceError::CardAuthExpired => Msg::CardAuthExpired,
            ServiceError::CardNotVerified => Msg::CardNotVerified,
            ServiceError::CardNotRegistrant => Msg::CardNotRegistrant,
            ServiceError::LoginFailed => Msg::LoginFailed,
            ServiceError::CurrentPasswordIncorrect => Msg::CurrentPasswordIncorrect,
            ServiceError::ReauthenticationRequired => Msg::ReauthenticationRequired,
            ServiceError::SessionExpired => Msg::SessionExpired,
            ServiceError::Throttled { .. } => Msg::TooManyAttempts,
            ServiceError::Locked { app: false } => Msg::AttemptsLocked,
            ServiceError::Locked { app: true } => Msg::AppLoginLocked,
            ServiceError::Overloaded { .. } => Msg::ServerBusy,
            ServiceError::Flow(e) => e.msg(),
            ServiceError::Secret { kind, error } => error.msg_for(*kind),
            ServiceError::Device(e) => e.msg(),
            ServiceError::Totp(e) => e.msg(),
            ServiceError::NotRegistered => Msg::NotRegistered,
            ServiceError::CertLoginFailed => Msg::CertLoginFailed,
            ServiceError::CertLoginRequired => Msg::CertLoginRequired,
            ServiceError::CertLoginUnavailable => Msg::OperationNotAllowed,
            ServiceError::IdentityCheck { .. } => Msg::SystemError,
            ServiceError::Busy
            | ServiceError::Store { .. }
            | ServiceError::Sam { .. }
            | ServiceError::Internal { .. } => Msg::SystemError,
        }
    }
}

impl From<twnhi_account::Throttled> for ServiceError {
    /// A locked key is [`ServiceError::Locked`] for the site's path; the app's path maps it
    /// itself.
    fn from(t: twnhi_account::Throttled) -> Self {
        if t.locked {
            ServiceError::Locked { app: false }
        } else {
            ServiceError::Throttled {
                retry_at: t.retry_at,
            }
        }
    }
}

macro_rules! invalid_from {
    ($($t:ty),+) => {$(
        impl From<$t> for ServiceError {
            fn from(e: $t) -> Self {
                ServiceError::Invalid(e.into())
            }
        }
    )+};
}
invalid_from!(
    twnhi_account::IdError,
    twnhi_account::CardNumberError,
    twnhi_account::HouseholdError,
    twnhi_account::PhoneError,
    twnhi_account::EmailError
);

/// Shorthand for results of the use cases.
pub type Result<T, E = ServiceError> = core::result::Result<T, E>;
