//! The audit trail's record: [`AuditEvent`], with its [`AuditAction`] and [`AuditOutcome`].
//!
//! Actions and outcomes are enums, stored as short stable names (`as_str`): the names are part
//! of the stored data (existing databases, `twnhi admin show`), so a variant's name never
//! changes; parsing a name back gives an [`AuditParseError`] for a name this version does not
//! know.

use core::fmt;
use core::str::FromStr;

use chrono::{DateTime, Utc};
use twnhi_account::registration::RegistrationState;

use super::RegistrationId;

/// One security-relevant event. Holds no secrets and no personal data beyond a masked ID
/// number: the action, the outcome, the registration identifier, the client address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// The registration concerned, when known.
    pub registration_id: Option<RegistrationId>,
    /// What happened.
    pub action: AuditAction,
    /// How it ended: [`AuditOutcome::Ok`] or a short reason such as
    /// [`AuditOutcome::Throttled`].
    pub outcome: AuditOutcome,
    /// The client address as the web layer saw it.
    pub client: Option<String>,
    /// Extra context without secrets (masked ID number, masked device, letter kind …).
    pub detail: String,
}

/// A stored audit name (action, outcome or letter kind) this version does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditParseError {
    /// Not an [`AuditAction`] name.
    #[error("{}", twnhi_account::messages::bilingual("store-unknown-audit-action"))]
    Action,
    /// Not an [`AuditOutcome`] name.
    #[error(
        "{}",
        twnhi_account::messages::bilingual("store-unknown-audit-outcome")
    )]
    Outcome,
    /// Not a [`MailKind`] name.
    #[error("{}", twnhi_account::messages::bilingual("store-unknown-letter-kind"))]
    MailKind,
}

/// Implements `Display`, `FromStr` and `TryFrom<&str>` from `as_str` and the `ALL` list.
macro_rules! named {
    ($ty:ident, $err:expr) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = AuditParseError;
            fn from_str(s: &str) -> Result<Self, AuditParseError> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or($err)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = AuditParseError;
            fn try_from(s: &str) -> Result<Self, AuditParseError> {
                s.parse()
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// actions

/// What happened: the use case (or step) an [`AuditEvent`] records. Stored as
/// [`AuditAction::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditAction {
    /// 4.1 step 2 【下一步】: the household data checked against the registry (`apply-check`).
    ApplyCheck,
    /// 4.1: an application sent (`apply`).
    Apply,
    /// 4.1 step 5: the confirmation link opened, the e-mail address verified
    /// (`email-verified`).
    EmailVerified,
    /// 4.8: a new confirmation letter asked for (`resend-confirmation`).
    ResendConfirmation,
    /// 4.9: a password reset letter asked for (`forgot-password`).
    ForgotPassword,
    /// 4.9: the password reset with the link (`password-reset`).
    PasswordReset,
    /// 4.2: a login with card and password (`login`).
    Login,
    /// The browser session ended (`logout`).
    Logout,
    /// The card authenticated in a session (`card-authentication`).
    CardAuthentication,
    /// 4.5: the re-authentication before a password change (`password-change`).
    PasswordChange,
    /// 4.5: the password changed (`password-changed`).
    PasswordChanged,
    /// 4.6: the re-authentication before an e-mail address changes (`data-change`).
    DataChange,
    /// 4.6: the basic data saved (`data-changed`).
    DataChanged,
    /// 4.3: a device binding code produced (`device-code`).
    DeviceCode,
    /// 4.3: the binding code typed in the app (`device-bind`).
    DeviceBind,
    /// 4.3: a device bound (`device-bound`).
    DeviceBound,
    /// 4.4: a device disabled (`device-disabled`).
    DeviceDisabled,
    /// 4.4: a device enabled again (`device-enabled`).
    DeviceEnabled,
    /// 4.4: a device deleted (`device-deleted`).
    DeviceDeleted,
    /// The app logged in with ID number, password and TOTP (`app-login`).
    AppLogin,
    /// The app's token ended (`app-logout`).
    AppLogout,
    /// 4.7: a cancellation asked for (`cancel-requested`).
    CancelRequested,
    /// 4.7: the cancellation code typed, or the waiting period ended (`cancel-confirmed`).
    CancelConfirmed,
    /// 4.7: the cancellation scheduled after its waiting period (`cancel-scheduled`).
    CancelScheduled,
    /// 4.7: a pending cancellation stopped from the registered address (`cancel-stopped`).
    CancelStopped,
    /// Suspended at a counter (`suspended`).
    Suspended,
    /// Reinstated at a counter (`reinstated`).
    Reinstated,
    /// The outbox gave up on a letter (`letter-failed`; the outcome is the letter's kind).
    LetterFailed,
    /// Manual §六: a login with the citizen certificate (`certificate-login`; a refusal's
    /// detail names the reason).
    CertificateLogin,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [AuditAction; 29] = [
        AuditAction::ApplyCheck,
        AuditAction::Apply,
        AuditAction::EmailVerified,
        AuditAction::ResendConfirmation,
        AuditAction::ForgotPassword,
        AuditAction::PasswordReset,
        AuditAction::Login,
        AuditAction::Logout,
        AuditAction::CardAuthentication,
        AuditAction::PasswordChange,
        AuditAction::PasswordChanged,
        AuditAction::DataChange,
        AuditAction::DataChanged,
        AuditAction::DeviceCode,
        AuditAction::DeviceBind,
        AuditAction::DeviceBound,
        AuditAction::DeviceDisabled,
        AuditAction::DeviceEnabled,
        AuditAction::DeviceDeleted,
        AuditAction::AppLogin,
        AuditAction::AppLogout,
        AuditAction::CancelRequested,
        AuditAction::CancelConfirmed,
        AuditAction::CancelScheduled,
        AuditAction::CancelStopped,
        AuditAction::Suspended,
        AuditAction::Reinstated,
        AuditAction::LetterFailed,
        AuditAction::CertificateLogin,
    ];

    /// The stored name (stable: existing databases hold it).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::ApplyCheck => "apply-check",
            AuditAction::Apply => "apply",
            AuditAction::EmailVerified => "email-verified",
            AuditAction::ResendConfirmation => "resend-confirmation",
            AuditAction::ForgotPassword => "forgot-password",
            AuditAction::PasswordReset => "password-reset",
            AuditAction::Login => "login",
            AuditAction::Logout => "logout",
            AuditAction::CardAuthentication => "card-authentication",
            AuditAction::PasswordChange => "password-change",
            AuditAction::PasswordChanged => "password-changed",
            AuditAction::DataChange => "data-change",
            AuditAction::DataChanged => "data-changed",
            AuditAction::DeviceCode => "device-code",
            AuditAction::DeviceBind => "device-bind",
            AuditAction::DeviceBound => "device-bound",
            AuditAction::DeviceDisabled => "device-disabled",
            AuditAction::DeviceEnabled => "device-enabled",
            AuditAction::DeviceDeleted => "device-deleted",
            AuditAction::AppLogin => "app-login",
            AuditAction::AppLogout => "app-logout",
            AuditAction::CancelRequested => "cancel-requested",
            AuditAction::CancelConfirmed => "cancel-confirmed",
            AuditAction::CancelScheduled => "cancel-scheduled",
            AuditAction::CancelStopped => "cancel-stopped",
            AuditAction::Suspended => "suspended",
            AuditAction::Reinstated => "reinstated",
            AuditAction::LetterFailed => "letter-failed",
            AuditAction::CertificateLogin => "certificate-login",
        }
    }
}

named!(AuditAction, AuditParseError::Action);

// ---------------------------------------------------------------------------------------------
// letter kinds

/// The kind of an outbox letter, as the outbox stores it (`twnhi_notify::LetterKind`'s slug):
/// the outcome of [`AuditAction::LetterFailed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MailKind {
    /// 認證通知 (`confirmation`).
    Confirmation,
    /// 註冊完成 (`completion`).
    Completion,
    /// 重設註冊密碼 (`password-reset`).
    PasswordReset,
    /// 刪除註冊確認信 (`cancellation`).
    CancellationConfirm,
    /// 刪除註冊申請通知 (`cancellation-notice`).
    CancellationNotice,
    /// 刪除通知 (`deleted`).
    Deleted,
    /// 電子郵件信箱變更通知 (`email-changed`).
    EmailChanged,
    /// 註冊密碼變更通知 (`password-changed`).
    PasswordChanged,
    /// 電子郵件信箱變更確認信 (`email-change`).
    EmailChangeConfirm,
}

impl MailKind {
    /// Every kind.
    pub const ALL: [MailKind; 9] = [
        MailKind::Confirmation,
        MailKind::Completion,
        MailKind::PasswordReset,
        MailKind::CancellationConfirm,
        MailKind::CancellationNotice,
        MailKind::Deleted,
        MailKind::EmailChanged,
        MailKind::PasswordChanged,
        MailKind::EmailChangeConfirm,
    ];

    /// The stored name (stable: existing databases hold it).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            MailKind::Confirmation => "confirmation",
            MailKind::Completion => "completion",
            MailKind::PasswordReset => "password-reset",
            MailKind::CancellationConfirm => "cancellation",
            MailKind::CancellationNotice => "cancellation-notice",
            MailKind::Deleted => "deleted",
            MailKind::EmailChanged => "email-changed",
            MailKind::PasswordChanged => "password-changed",
            MailKind::EmailChangeConfirm => "email-change",
        }
    }
}

named!(MailKind, AuditParseError::MailKind);

// ---------------------------------------------------------------------------------------------
// outcomes

/// How an audited action ended. Stored as [`AuditOutcome::as_str`]; the variants with data
/// are stored as their data's name (a registration state, a letter kind), which no other
/// outcome's name equals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditOutcome {
    /// Done (`ok`).
    Ok,
    /// Refused while throttled (`throttled`).
    Throttled,
    /// The household data typed do not match the registry (`registry-mismatch`).
    RegistryMismatch,
    /// The person has a registration already; the application answered as usual
    /// (`already-registered`; the detail holds the registration's state).
    AlreadyRegistered,
    /// A registration still waiting for its e-mail verification was replaced by a new
    /// application (`replaced-pending`).
    ReplacedPending,
    /// No registration in a state the request applies to; a decoy was made instead
    /// (`not-applicable`).
    NotApplicable,
    /// The mobile phone given with a new address is not the registered one
    /// (`mobile-mismatch`).
    MobileMismatch,
    /// No registration for the card or the ID number (`no-registration`).
    NoRegistration,
    /// A wrong password (`bad-password`).
    BadPassword,
    /// A wrong current password at a re-authentication (`bad-current-password`).
    BadCurrentPassword,
    /// The app's device is not bound to the registration (`unknown-device`).
    UnknownDevice,
    /// A wrong TOTP code from the app (`bad-totp`).
    BadTotp,
    /// A wrong one-time code (`bad-code`).
    BadCode,
    /// The cancellation request's data match no registration (`no-match`).
    NoMatch,
    /// The card's signature did not verify (`bad-mac`).
    BadMac,
    /// The card verified but is not a valid card of the registry (`not-in-registry`).
    NotInRegistry,
    /// Refused because the registration is in this state, e.g. a login before the e-mail
    /// address is verified (stored as the state's name, e.g. `suspended`).
    State(RegistrationState),
    /// The letter of this kind was given up (with [`AuditAction::LetterFailed`]; stored as
    /// the kind's name, e.g. `confirmation`).
    Letter(MailKind),
    /// A letter whose stored kind this version does not know was given up (with
    /// [`AuditAction::LetterFailed`]; `unknown-letter`, the detail names the kind).
    UnknownLetter,
    /// The citizen certificate was refused by the path validation (`certificate-refused`;
    /// the detail holds the reason's code and name, e.g. `7604 expired`).
    CertificateRefused,
    /// The signature over the challenge does not verify with the certificate
    /// (`bad-signature`).
    BadSignature,
    /// The identity confirmation says the certificate is not the ID number's
    /// (`identity-mismatch`).
    IdentityMismatch,
    /// The birth date typed is not the registry's (`birth-date-mismatch`).
    BirthDateMismatch,
}

impl AuditOutcome {
    /// The outcomes without data.
    const SIMPLE: [AuditOutcome; 21] = [
        AuditOutcome::Ok,
        AuditOutcome::Throttled,
        AuditOutcome::RegistryMismatch,
        AuditOutcome::AlreadyRegistered,
        AuditOutcome::ReplacedPending,
        AuditOutcome::NotApplicable,
        AuditOutcome::MobileMismatch,
        AuditOutcome::NoRegistration,
        AuditOutcome::BadPassword,
        AuditOutcome::BadCurrentPassword,
        AuditOutcome::UnknownDevice,
        AuditOutcome::BadTotp,
        AuditOutcome::BadCode,
        AuditOutcome::NoMatch,
        AuditOutcome::BadMac,
        AuditOutcome::NotInRegistry,
        AuditOutcome::UnknownLetter,
        AuditOutcome::CertificateRefused,
        AuditOutcome::BadSignature,
        AuditOutcome::IdentityMismatch,
        AuditOutcome::BirthDateMismatch,
    ];

    /// Every outcome: those without data, then one per registration state, then one per
    /// letter kind.
    pub const ALL: [AuditOutcome; 35] = {
        let mut all = [AuditOutcome::Ok; 35];
        let mut i = 0;
        while i < AuditOutcome::SIMPLE.len() {
            all[i] = AuditOutcome::SIMPLE[i];
            i += 1;
        }
        let mut j = 0;
        while j < RegistrationState::ALL.len() {
            all[i + j] = AuditOutcome::State(RegistrationState::ALL[j]);
            j += 1;
        }
        let mut k = 0;
        while k < MailKind::ALL.len() {
            all[i + j + k] = AuditOutcome::Letter(MailKind::ALL[k]);
            k += 1;
        }
        all
    };

    /// The stored name (stable: existing databases hold it).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Throttled => "throttled",
            AuditOutcome::RegistryMismatch => "registry-mismatch",
            AuditOutcome::AlreadyRegistered => "already-registered",
            AuditOutcome::ReplacedPending => "replaced-pending",
            AuditOutcome::NotApplicable => "not-applicable",
            AuditOutcome::MobileMismatch => "mobile-mismatch",
            AuditOutcome::NoRegistration => "no-registration",
            AuditOutcome::BadPassword => "bad-password",
            AuditOutcome::BadCurrentPassword => "bad-current-password",
            AuditOutcome::UnknownDevice => "unknown-device",
            AuditOutcome::BadTotp => "bad-totp",
            AuditOutcome::BadCode => "bad-code",
            AuditOutcome::NoMatch => "no-match",
            AuditOutcome::BadMac => "bad-mac",
            AuditOutcome::NotInRegistry => "not-in-registry",
            AuditOutcome::UnknownLetter => "unknown-letter",
            AuditOutcome::CertificateRefused => "certificate-refused",
            AuditOutcome::BadSignature => "bad-signature",
            AuditOutcome::IdentityMismatch => "identity-mismatch",
            AuditOutcome::BirthDateMismatch => "birth-date-mismatch",
            AuditOutcome::State(s) => s.as_str(),
            AuditOutcome::Letter(k) => k.as_str(),
        }
    }
}

named!(AuditOutcome, AuditParseError::Outcome);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Fails to compile when a variant is added, as a reminder to list it in `ALL`.
    fn listed_action(a: AuditAction) {
        match a {
            AuditAction::ApplyCheck
            | AuditAction::Apply
            | AuditAction::EmailVerified
            | AuditAction::ResendConfirmation
            | AuditAction::ForgotPassword
            | AuditAction::PasswordReset
            | AuditAction::Login
            | AuditAction::Logout
            | AuditAction::CardAuthentication
            | AuditAction::PasswordChange
            | AuditAction::PasswordChanged
            | AuditAction::DataChange
            | AuditAction::DataChanged
            | AuditAction::DeviceCode
            | AuditAction::DeviceBind
            | AuditAction::DeviceBound
            | AuditAction::DeviceDisabled
            | AuditAction::DeviceEnabled
            | AuditAction::DeviceDeleted
            | AuditAction::AppLogin
            | AuditAction::AppLogout
            | AuditAction::CancelRequested
            | AuditAction::CancelConfirmed
            | AuditAction::CancelScheduled
            | AuditAction::CancelStopped
            | AuditAction::Suspended
            | AuditAction::Reinstated
            | AuditAction::LetterFailed
            | AuditAction::CertificateLogin => assert!(AuditAction::ALL.contains(&a)),
        }
    }

    /// As [`listed_action`], for outcomes.
    fn listed_outcome(o: AuditOutcome) {
        match o {
            AuditOutcome::Ok
            | AuditOutcome::Throttled
            | AuditOutcome::RegistryMismatch
            | AuditOutcome::AlreadyRegistered
            | AuditOutcome::ReplacedPending
            | AuditOutcome::NotApplicable
            | AuditOutcome::MobileMismatch
            | AuditOutcome::NoRegistration
            | AuditOutcome::BadPassword
            | AuditOutcome::BadCurrentPassword
            | AuditOutcome::UnknownDevice
            | AuditOutcome::BadTotp
            | AuditOutcome::BadCode
            | AuditOutcome::NoMatch
            | AuditOutcome::BadMac
            | AuditOutcome::NotInRegistry
            | AuditOutcome::UnknownLetter
            | AuditOutcome::CertificateRefused
            | AuditOutcome::BadSignature
            | AuditOutcome::IdentityMismatch
            | AuditOutcome::BirthDateMismatch
            | AuditOutcome::State(_)
            | AuditOutcome::Letter(_) => assert!(AuditOutcome::ALL.contains(&o)),
        }
    }

    #[test]
    fn every_action_round_trips_and_names_are_distinct() {
        let mut seen = HashSet::new();
        for a in AuditAction::ALL {
            listed_action(a);
            assert!(seen.insert(a.as_str()), "{a:?} shares its name");
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(a));
            assert_eq!(AuditAction::try_from(a.as_str()), Ok(a));
            assert_eq!(a.to_string(), a.as_str());
        }
    }

    #[test]
    fn every_outcome_round_trips_and_names_are_distinct() {
        let mut seen = HashSet::new();
        for o in AuditOutcome::ALL {
            listed_outcome(o);
            assert!(seen.insert(o.as_str()), "{o:?} shares its name");
            assert_eq!(o.as_str().parse::<AuditOutcome>(), Ok(o));
            assert_eq!(AuditOutcome::try_from(o.as_str()), Ok(o));
            assert_eq!(o.to_string(), o.as_str());
        }
        for s in RegistrationState::ALL {
            assert!(AuditOutcome::ALL.contains(&AuditOutcome::State(s)));
        }
        for k in MailKind::ALL {
            assert!(AuditOutcome::ALL.contains(&AuditOutcome::Letter(k)));
            assert_eq!(k.as_str().parse::<MailKind>(), Ok(k));
        }
    }

    #[test]
    fn stored_names_are_unchanged() {
        let actions = [
            (AuditAction::ApplyCheck, "apply-check"),
            (AuditAction::Apply, "apply"),
            (AuditAction::EmailVerified, "email-verified"),
            (AuditAction::Login, "login"),
            (AuditAction::PasswordChange, "password-change"),
            (AuditAction::PasswordChanged, "password-changed"),
            (AuditAction::DeviceBind, "device-bind"),
            (AuditAction::AppLogout, "app-logout"),
            (AuditAction::CancelConfirmed, "cancel-confirmed"),
            (AuditAction::Reinstated, "reinstated"),
            (AuditAction::LetterFailed, "letter-failed"),
        ];
        for (a, s) in actions {
            assert_eq!(a.as_str(), s);
        }
        let outcomes = [
            (AuditOutcome::Ok, "ok"),
            (AuditOutcome::BadCurrentPassword, "bad-current-password"),
            (AuditOutcome::RegistryMismatch, "registry-mismatch"),
            (AuditOutcome::NotInRegistry, "not-in-registry"),
            (AuditOutcome::NoMatch, "no-match"),
            (
                AuditOutcome::State(RegistrationState::PendingEmailVerification),
                "pending-email-verification",
            ),
            (
                AuditOutcome::State(RegistrationState::Suspended),
                "suspended",
            ),
            (
                AuditOutcome::Letter(MailKind::CancellationConfirm),
                "cancellation",
            ),
            (
                AuditOutcome::Letter(MailKind::PasswordReset),
                "password-reset",
            ),
        ];
        for (o, s) in outcomes {
            assert_eq!(o.as_str(), s);
        }
    }

    #[test]
    fn unknown_names_are_errors() {
        for s in ["", "Login", "login ", "log-in", "ok?"] {
            assert_eq!(s.parse::<AuditAction>(), Err(AuditParseError::Action));
        }
        for s in ["", "OK", "refused", "bad_password", "login"] {
            assert_eq!(s.parse::<AuditOutcome>(), Err(AuditParseError::Outcome));
        }
        assert_eq!("letter".parse::<MailKind>(), Err(AuditParseError::MailKind));
        assert_eq!(AuditAction::try_from("x"), Err(AuditParseError::Action));
    }
}
