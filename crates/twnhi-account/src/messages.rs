//! The account rules' view of the message catalog (`twnhi-texts`): [`Msg`] names the entries
//! the domain crates refer to, each mapped to a Fluent id ([`Msg::id`]); the lookup functions
//! and [`Lang`] are re-exported from `twnhi-texts`.
//!
//! ```
//! use twnhi_account::messages::{self, Lang, Msg};
//!
//! assert_eq!(Msg::PasswordLength.text(Lang::ZhTw), "註冊密碼長度必須6-12碼。");
//! assert_eq!(Msg::PasswordLength.text(Lang::En), "password length must be 6-12 characters.");
//! // The manual prints both languages side by side:
//! assert_eq!(
//!     Msg::PasswordLength.side_by_side(),
//!     "註冊密碼長度必須6-12碼。 password length must be 6-12 characters."
//! );
//! // Named arguments:
//! assert_eq!(
//!     messages::format(Lang::En, "attempts-left", &[("left", 2.into())]),
//!     "The verification code is incorrect. You have 2 attempts left."
//! );
//! ```

use core::fmt;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::roc::RocDateTime;

pub use twnhi_texts::{
    Arg, Lang, TextError, UnknownLang, bilingual, bilingual_with, format, format_checked, has,
    joined, text,
};

/// The text of every [`Msg`], by language then by `Msg as usize`, formatted once.
static TABLE: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|&l| Msg::ALL.iter().map(|m| text(l, m.id())).collect())
        .collect()
});

/// Implemented by every error of this crate: the catalog entry that explains it to a user.
///
/// ```
/// use twnhi_account::{IdNumber, Lang, Localized, Msg};
///
/// let err = IdNumber::parse("A123456780").unwrap_err();
/// assert_eq!(err.msg(), Msg::IdCheckDigit);
/// assert_eq!(err.message(Lang::En), Msg::IdCheckDigit.en());
/// ```
pub trait Localized {
    /// The catalog entry for this value.
    fn msg(&self) -> Msg;

    /// The text in `lang`.
    fn message(&self, lang: Lang) -> &'static str {
        self.msg().text(lang)
    }
}

/// Implements `Display` as "zh-TW text / English text" from a type's [`Localized::msg`].
macro_rules! bilingual_display {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let m = $crate::messages::Localized::msg(self);
                write!(f, "{} / {}", m.zh(), m.en())
            }
        }
    )+};
}
pub(crate) use bilingual_display;

macro_rules! catalog {
    ($( $(#[$meta:meta])* $name:ident => $id:literal; )+) => {
        /// A catalog entry that the domain crates name. Use [`Msg::text`] for one language,
        /// `Display` for "zh-TW / English", [`Msg::key`] for a stable machine-readable name
        /// and [`Msg::id`] for its Fluent id. The texts are in `locales/<tag>/messages.ftl`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Msg {
            $( $(#[$meta])* $name, )+
        }

        impl Msg {
            /// Every message of the catalog, in declaration order.
            pub const ALL: &'static [Msg] = &[$(Msg::$name),+];

            /// The stable key of this message (the variant name, e.g. `"PasswordLength"`),
            /// for templates, JSON answers and logs.
            #[must_use]
            pub const fn key(self) -> &'static str {
                match self { $(Msg::$name => stringify!($name),)+ }
            }

            /// The Fluent id of this message (the key in kebab-case, e.g.
            /// `"password-length"`).
            #[must_use]
            pub const fn id(self) -> &'static str {
                match self { $(Msg::$name => $id,)+ }
            }
        }
    };
}

catalog! {
    // ----- every page ---------------------------------------------------------------------
    /// *Manual.* Service hours notice shown on every page, and the refusal outside them.
    ServiceHours => "service-hours";
    /// *Manual.* Environment check: the server answered.
    ServerConnectionOk => "server-connection-ok";
    /// *Manual.* Environment check: the server did not answer.
    ServerConnectionFailed => "server-connection-failed";
    /// *Manual.* Reading the card (every form that starts with 【讀取】).
    ReadCardPrompt => "read-card-prompt";
    /// *Manual.* Instruction 1 of the resend and forgot-password pages.
    EnvironmentSetupInstruction => "environment-setup-instruction";
    /// *Manual.* Instruction 2 of the resend and forgot-password pages.
    ConnectReaderInstruction => "connect-reader-instruction";

    // ----- 4.1 apply ----------------------------------------------------------------------
    /// *Manual.* The button that accepts the terms (全民健康保險網路服務註冊管理作業要點).
    TermsAccepted => "terms-accepted";
    /// *Manual.* Help text of the household ID number (戶號) field.
    HouseholdIdHint => "household-id-hint";
    /// *Manual.* Why the household ID number is asked.
    HouseholdIdRequired => "household-id-required";
    /// *Manual.* Prompt of the first apply step.
    ApplyNextPrompt => "apply-next-prompt";
    /// *Manual.* Password length rule (every form that sets a password).
    PasswordLength => "password-length";
    /// *Manual.* What a strong password is (apply page).
    StrongPasswordHint => "strong-password-hint";
    /// *Manual.* Strength meter level 1.
    StrengthWeak => "strength-weak";
    /// *Manual.* Strength meter level 2.
    StrengthMedium => "strength-medium";
    /// *Manual.* Strength meter level 3.
    StrengthMediumStrong => "strength-medium-strong";
    /// *Manual.* Strength meter level 4.
    StrengthStrong => "strength-strong";
    /// *Manual.* Note of the mobile phone field.
    MobilePhoneNote => "mobile-phone-note";
    /// *Manual.* Warning (not a refusal) for Microsoft mail domains.
    MicrosoftMailWarning => "microsoft-mail-warning";
    /// *Manual (zh); design (en).* Application accepted.
    ApplySuccess => "apply-success";
    /// *Manual (zh); design (en).* E-mail address verified (4.1 step 5).
    EmailVerified => "email-verified";

    // ----- 4.2 log in -----------------------------------------------------------------------
    /// *Manual.* Login prompt.
    LoginPrompt => "login-prompt";
    /// *Manual.* Browser supports the NHI card (environment status of the login page).
    SupportsNhiCard => "supports-nhi-card";
    /// *Spec.* Suspension is done at a counter.
    SuspensionNote => "suspension-note";

    // ----- 4.3 device verification ------------------------------------------------------------
    /// *Manual.* Device verification note 1.
    DeviceCodeNoteProduce => "device-code-note-produce";
    /// *Manual.* Device verification note 2.
    DeviceCodeNoteCamera => "device-code-note-camera";
    /// *Manual.* Device verification note 3.
    DeviceCodeNoteNoCamera => "device-code-note-no-camera";
    /// *Manual.* Heading of the two ways of verification.
    DeviceCodeMethods => "device-code-methods";
    /// *Manual.* Way 1: scan the QR code.
    DeviceCodeMethodQr => "device-code-method-qr";
    /// *Manual.* Way 2: type the code.
    DeviceCodeMethodType => "device-code-method-type";

    // ----- 4.4 device management --------------------------------------------------------------
    /// *Manual.* Device status: active.
    DeviceStatusActive => "device-status-active";
    /// *Manual.* Device status: disabled.
    DeviceStatusDisabled => "device-status-disabled";
    /// *Design.* Device status: deleted (never listed; for logs and the app API).
    DeviceStatusDeleted => "device-status-deleted";
    /// *Manual.* Device action: disable.
    DeviceActionDisable => "device-action-disable";
    /// *Manual.* Device action: enable.
    DeviceActionEnable => "device-action-enable";
    /// *Manual.* Device action: delete.
    DeviceActionDelete => "device-action-delete";
    /// *Manual.* Device management note 1.
    DeviceNoteReverify => "device-note-reverify";
    /// *Manual.* Device management note 2.
    DeviceNoteMany => "device-note-many";
    /// *Manual.* Device management note 3.
    DeviceNoteActiveOnly => "device-note-active-only";

    // ----- 4.5 / 4.6 change password, change data ------------------------------------------------
    /// *Manual.* Password changed (4.5).
    PasswordChanged => "password-changed";
    /// *Manual.* The registration password is also the app's password (4.5 page note).
    AppPasswordNote => "app-password-note";
    /// *Manual (zh); design (en).* Basic data saved (4.6).
    DataSaved => "data-saved";
    /// *Design.* Data saved; the new main e-mail address waits for its confirmation letter.
    EmailChangeSent => "email-change-sent";
    /// *Design.* The page of the confirmation letter's link to a new main address.
    EmailChangePrompt => "email-change-prompt";
    /// *Design.* The new main e-mail address confirmed and in use.
    EmailChangeConfirmed => "email-change-confirmed";

    // ----- 4.7 cancel -----------------------------------------------------------------------
    /// *Manual.* Notice of the cancellation request page.
    CancelNotice => "cancel-notice";
    /// *Manual.* Notice of the cancellation confirmation page.
    CancelAppNotice => "cancel-app-notice";
    /// *Manual.* Where the card number is printed.
    CardNumberHint => "card-number-hint";
    /// *Manual.* The cancellation e-mail code is case-sensitive.
    EmailCodeHint => "email-code-hint";
    /// *Manual (zh); design (en).* Cancellation requested (4.7 step 2).
    CancelRequested => "cancel-requested";
    /// *Design.* A cancellation confirmed with a code sent to a new e-mail address: it takes
    /// effect after the waiting period; the registered address was told and can stop it.
    CancelScheduled => "cancel-scheduled";
    /// *Design.* The registered address stopped a cancellation.
    CancelStopped => "cancel-stopped";
    /// *Design.* The page of the stop link.
    CancelStopPrompt => "cancel-stop-prompt";
    /// *Design.* The button of the stop link's page.
    CancelStopButton => "cancel-stop-button";
    /// *Design.* Subject of the notice to the registered address.
    LetterSubjectCancellationNotice => "letter-subject-cancellation-notice";
    /// *Design.* Link text of the notice's stop link.
    LetterLinkCancellationStop => "letter-link-cancellation-stop";
    /// *Manual (zh); design (en).* Cancellation confirmed (4.7 step 4).
    CancelConfirmed => "cancel-confirmed";

    // ----- 4.8 / 4.9 resend, forgot password ----------------------------------------------------------
    /// *Manual (zh); design (en).* Confirmation or reset letter requested (4.8, 4.9).
    LetterRequested => "letter-requested";
    /// *Manual.* Password reset done (4.9).
    PasswordResetDone => "password-reset-done";
    /// *Manual.* Resetting also changes the app's password (4.9 notice).
    ResetAppNotice => "reset-app-notice";

    // ----- 4.11 letters ------------------------------------------------------------------------
    /// *Manual.* Sender of every letter.
    LetterSender => "letter-sender";
    /// *Manual.* Subject of the confirmation letter (認證通知).
    LetterSubjectConfirmation => "letter-subject-confirmation";
    /// *Manual.* Link text of the confirmation letter.
    LetterLinkConfirmation => "letter-link-confirmation";
    /// *Design (after the manual).* Subject of the completion letter (註冊完成).
    LetterSubjectCompletion => "letter-subject-completion";
    /// *Design (after the manual).* Subject of the password reset letter.
    LetterSubjectReset => "letter-subject-reset";
    /// *Manual.* Link text of the password reset letter.
    LetterLinkReset => "letter-link-reset";
    /// *Design (after the manual).* Subject of the cancellation confirmation letter.
    LetterSubjectCancellation => "letter-subject-cancellation";
    /// *Manual.* Link text of the cancellation confirmation letter.
    LetterLinkCancellation => "letter-link-cancellation";
    /// *Manual.* Subject of the deletion notice.
    LetterSubjectDeleted => "letter-subject-deleted";
    /// *Manual.* Hotline sentence of the letters.
    LetterHotline => "letter-hotline";
    /// *Manual.* Footer of every letter.
    LetterAutomatic => "letter-automatic";

    // ----- refusals of the flows (design) -----------------------------------------------------
    /// *Design.* The one generic refusal when card/household data do not match the registry
    /// (4.1 step 2: do not say which field).
    RegistryMismatch => "registry-mismatch";
    /// *Design.* Wrong card or password at login (one answer for both).
    LoginFailed => "login-failed";
    /// *Design.* The card could not be authenticated (SPEC §3).
    CardNotVerified => "card-not-verified";
    /// *Design.* The card authentication nonce has expired.
    CardAuthExpired => "card-auth-expired";
    /// *Design.* The citizen certificate login failed (one answer for every reason: the
    /// certificate, the signature, the ID number, the birth date).
    CertLoginFailed => "cert-login-failed";
    /// *Design.* The citizen certificate login's challenge is unknown, used or expired.
    CertChallengeExpired => "cert-challenge-expired";
    /// *Design.* The page needs a login with the citizen certificate first.
    CertLoginRequired => "cert-login-required";
    /// *Design.* The registration's e-mail address is not verified yet.
    EmailNotVerified => "email-not-verified";
    /// *Design.* The registration is suspended (done at a counter).
    RegistrationSuspended => "registration-suspended";
    /// *Design.* The registration has been cancelled.
    RegistrationCancelled => "registration-cancelled";
    /// *Design.* A registration already exists for this person.
    AlreadyRegistered => "already-registered";
    /// *Design.* The flow is not available in the registration's current state.
    OperationNotAllowed => "operation-not-allowed";
    /// *Design.* A cancellation is not pending.
    NoCancellationPending => "no-cancellation-pending";
    /// *Design.* Too many attempts (login throttling, code entry).
    TooManyAttempts => "too-many-attempts";
    /// *Design.* NIST SP 800-63B §5.2.2: after 100 consecutive wrong passwords, checking
    /// the password stops until it is reset (only the card holder can cause this).
    AttemptsLocked => "attempts-locked";
    /// *Design.* The app's password checks stopped after 100 consecutive failures; a login
    /// on the site with the NHI card (or a password reset) opens them again.
    AppLoginLocked => "app-login-locked";
    /// *Design.* Too many requests are waiting for password checks (503).
    ServerBusy => "server-busy";
    /// *Design.* A generic failure the user cannot fix.
    SystemError => "system-error";

    // ----- one-time codes and links (design) ------------------------------------------------------
    /// *Design.* A code does not match.
    CodeIncorrect => "code-incorrect";
    /// *Design.* A code has expired.
    CodeExpired => "code-expired";
    /// *Design.* A code was entered wrongly too often and is void.
    CodeExhausted => "code-exhausted";
    /// *Design.* A code has been used already.
    CodeUsed => "code-used";
    /// *Design (after the manual).* The device verification code has expired.
    DeviceCodeExpired => "device-code-expired";
    /// *Design.* An e-mail link is invalid, used or expired.
    LinkInvalid => "link-invalid";
    /// *Design.* The image captcha does not match.
    CaptchaIncorrect => "captcha-incorrect";

    // ----- identity values (design) ------------------------------------------------------------
    /// *Design.* ID number missing.
    IdEmpty => "id-empty";
    /// *Design.* ID number of the wrong length.
    IdLength => "id-length";
    /// *Design.* ID number not starting with a letter.
    IdFirstLetter => "id-first-letter";
    /// *Design.* ID number with an impossible second character.
    IdSecondChar => "id-second-char";
    /// *Design.* ID number with non-digits in characters 3-10.
    IdDigits => "id-digits";
    /// *Design.* ID number whose check digit is wrong.
    IdCheckDigit => "id-check-digit";
    /// *Design.* Card number missing.
    CardNumberEmpty => "card-number-empty";
    /// *Design.* Card number not 12 digits.
    CardNumberFormat => "card-number-format";
    /// *Design.* Household ID number missing.
    HouseholdIdEmpty => "household-id-empty";
    /// *Design.* Household ID number malformed.
    HouseholdIdFormat => "household-id-format";
    /// *Manual (zh); design (en).* County/city missing or unknown.
    CountyInvalid => "county-invalid";
    /// *Manual (zh); design (en).* Township missing or not in the county.
    TownshipInvalid => "township-invalid";
    /// *Manual (zh); design (en).* Village missing or malformed.
    VillageInvalid => "village-invalid";
    /// *Design.* Neighbourhood number out of range.
    NeighborhoodInvalid => "neighborhood-invalid";
    /// *Design.* Local phone malformed.
    LocalPhoneInvalid => "local-phone-invalid";
    /// *Design.* Local phone with an unknown area code.
    LocalPhoneAreaCode => "local-phone-area-code";
    /// *Design.* Mobile phone missing.
    MobilePhoneEmpty => "mobile-phone-empty";
    /// *Design.* Mobile phone malformed.
    MobilePhoneInvalid => "mobile-phone-invalid";
    /// *Design.* E-mail missing.
    EmailEmpty => "email-empty";
    /// *Design.* E-mail malformed.
    EmailInvalid => "email-invalid";
    /// *Design.* E-mail with characters outside ASCII.
    EmailNonAscii => "email-non-ascii";
    /// *Design.* E-mail too long.
    EmailTooLong => "email-too-long";

    // ----- passwords (design unless marked) ----------------------------------------------------
    /// *Manual.* Space, `>` and `<` are never allowed.
    PasswordForbiddenChar => "password-forbidden-char";
    /// *Design.* Other characters outside the allowed set.
    PasswordUnsupportedChar => "password-unsupported-char";
    /// *Design.* Confirmation differs from the password.
    PasswordMismatch => "password-mismatch";
    /// *Design.* 重寄認證信 / 忘記註冊密碼 by a card holder who has not applied.
    NotYetApplied => "not-yet-applied";
    /// *Design.* 忘記註冊密碼 by a card holder whose e-mail address is not verified yet.
    EmailNotYetVerified => "email-not-yet-verified";
    /// *Design.* A new address asked for with a mobile phone that is not the registered one.
    MobileNotRegistered => "mobile-not-registered";
    /// *Design.* The new password is the current one (4.5 註冊密碼變更).
    PasswordSameAsCurrent => "password-same-as-current";
    /// *Design.* Password on the common-password block list.
    PasswordCommon => "password-common";
    /// *Design.* Password contains the ID number.
    PasswordContainsId => "password-contains-id";
    /// *Design.* Password contains the card number.
    PasswordContainsCardNumber => "password-contains-card-number";
    /// *Design.* Password contains the birth date.
    PasswordContainsBirthDate => "password-contains-birth-date";

    // ----- devices and the app (design) ---------------------------------------------------------
    /// *Design.* No such device for this registration.
    DeviceNotFound => "device-not-found";
    /// *Design.* The app logs in only from an active device.
    DeviceNotActive => "device-not-active";
    /// *Design.* The device was deleted.
    DeviceDeleted => "device-deleted";
    /// *Design.* Enabling an active device.
    DeviceAlreadyActive => "device-already-active";
    /// *Design.* Disabling a disabled device.
    DeviceAlreadyDisabled => "device-already-disabled";
    /// *Design.* Malformed device identifier, platform or model from the app.
    DeviceInfoInvalid => "device-info-invalid";
    /// *Design.* Wrong one-time password from the app.
    TotpIncorrect => "totp-incorrect";
    /// *Design.* One-time password of a step already used.
    TotpReplayed => "totp-replayed";

    // ----- dates and settings (design) ---------------------------------------------------------
    /// *Design.* A date or time that cannot be read.
    DateInvalid => "date-invalid";
    /// *Design.* A date outside ROC years 1-999.
    DateOutOfRange => "date-out-of-range";
    /// *Design.* A setting (service hours, lifetimes, hashing parameters …) is invalid.
    ConfigInvalid => "config-invalid";

    // ----- use cases of twnhi-service (design) --------------------------------------------------
    // Added with the registration use cases; keep this block at the end of the catalog.
    /// *Design.* No valid login session (never logged in, logged out, idle or ended).
    SessionExpired => "session-expired";
    /// *Design.* Changing the e-mail address or the password asks for the current password.
    ReauthenticationRequired => "reauthentication-required";
    /// *Design.* The current password given for re-authentication is wrong.
    CurrentPasswordIncorrect => "current-password-incorrect";
    /// *Design.* A link of a registration opened with another person's card.
    CardNotRegistrant => "card-not-registrant";
    /// *Design.* A device was bound with its verification code (4.3).
    DeviceVerified => "device-verified";
    /// *Design.* A device was enabled, disabled or deleted (4.4).
    DeviceUpdated => "device-updated";
    /// *Design.* Logged out (登出).
    LoggedOut => "logged-out";
    /// *Design.* Counter: the registration was suspended.
    CounterSuspended => "counter-suspended";
    /// *Design.* Counter: the registration was reinstated.
    CounterReinstated => "counter-reinstated";
    /// *Design.* Counter: no registration for this ID number.
    NotRegistered => "not-registered";

    // ----- letters and captcha (design) --------------------------------------------------------
    /// *Design.* Subject of the e-mail-address-changed notice (not in the manual).
    LetterSubjectEmailChanged => "letter-subject-email-changed";
    /// *Design.* Subject of the password-changed notice (not in the manual).
    LetterSubjectPasswordChanged => "letter-subject-password-changed";
    /// *Design.* Subject of the letter confirming a new main e-mail address.
    LetterSubjectEmailChange => "letter-subject-email-change";
    /// *Design.* Link text of that letter's link.
    LetterLinkEmailChange => "letter-link-email-change";
    /// *Design.* The `alt` text of the captcha image (names no digit).
    CaptchaAlt => "captcha-alt";
    /// *Design.* What the audio captcha holds and what to do with it (names no digit).
    CaptchaAudioInstructions => "captcha-audio-instructions";
}

impl Msg {
    /// The text in `lang`.
    #[must_use]
    pub fn text(self, lang: Lang) -> &'static str {
        let table = &*TABLE;
        table
            .get(lang.index())
            .or_else(|| table.first())
            .and_then(|t| t.get(self as usize))
            .map_or(self.id(), String::as_str)
    }

    /// The Traditional Chinese (zh-TW) text.
    #[must_use]
    pub fn zh(self) -> &'static str {
        self.text(Lang::ZhTw)
    }

    /// The English text.
    #[must_use]
    pub fn en(self) -> &'static str {
        self.text(Lang::En)
    }

    /// Both texts as the manual prints them on a page: zh-TW, a space, English.
    #[must_use]
    pub fn side_by_side(self) -> String {
        format!("{} {}", self.zh(), self.en())
    }
}

impl fmt::Display for Msg {
    /// "zh-TW text / English text".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.zh(), self.en())
    }
}

impl Localized for Msg {
    fn msg(&self) -> Msg {
        *self
    }
}

/// A time in each language's form: `$roc` is the long ROC form (zh-TW), `$date` the
/// Gregorian one (English), both Asia/Taipei; outside ROC years 1–999 both are RFC 3339.
fn time_args(t: DateTime<Utc>) -> [(&'static str, Arg<'static>); 2] {
    let (roc, date) = match RocDateTime::from_utc(t) {
        Ok(r) => (r.format_long(), r.format_english()),
        Err(_) => (t.to_rfc3339(), t.to_rfc3339()),
    };
    [("roc", roc.into()), ("date", date.into())]
}

/// The device-code expiry sentence of 4.3 for the code's expiry instant
/// (`device-code-valid-until`).
///
/// The zh-TW sentence uses the long ROC form, the English one the Gregorian form, both in
/// Asia/Taipei time (instants outside ROC years 1–999 fall back to RFC 3339).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use twnhi_account::messages::{device_code_valid_until, Lang};
///
/// let expiry = Utc.with_ymd_and_hms(2020, 10, 27, 8, 46, 50).unwrap(); // 16:46:50 in Taipei
/// assert_eq!(
///     device_code_valid_until(expiry, Lang::ZhTw),
///     "裝置認證碼有效時間至 民國109年10月27日 16:46:50，若超過裝置認證碼有效時間，請重新產生裝置認證碼。"
/// );
/// assert_eq!(
///     device_code_valid_until(expiry, Lang::En),
///     "Device verification code is valid until 2020/10/27 16:46:50. If verification code is invalid, please regenerate the device verification code again."
/// );
/// ```
#[must_use]
pub fn device_code_valid_until(expires_at: DateTime<Utc>, lang: Lang) -> String {
    format(lang, "device-code-valid-until", &time_args(expires_at))
}

/// The throttling refusal with the earliest time of the next attempt (Asia/Taipei;
/// `try-again-after`).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use twnhi_account::messages::{try_again_after, Lang};
///
/// let t = Utc.with_ymd_and_hms(2020, 10, 27, 8, 0, 5).unwrap();
/// assert_eq!(try_again_after(t, Lang::ZhTw), "嘗試次數過多，請於 民國109年10月27日 16:00:05 後再試。");
/// assert_eq!(try_again_after(t, Lang::En), "Too many attempts. Please try again after 2020/10/27 16:00:05.");
/// ```
#[must_use]
pub fn try_again_after(retry_at: DateTime<Utc>, lang: Lang) -> String {
    format(lang, "try-again-after", &time_args(retry_at))
}

/// A code's remaining tries after a wrong entry (`attempts-left`).
///
/// ```
/// use twnhi_account::messages::{attempts_left, Lang};
/// assert_eq!(attempts_left(3, Lang::ZhTw), "驗證碼錯誤，您還可以再輸入3次。");
/// assert_eq!(attempts_left(1, Lang::En), "The verification code is incorrect. You have 1 attempt left.");
/// ```
#[must_use]
pub fn attempts_left(left: u32, lang: Lang) -> String {
    format(lang, "attempts-left", &[("left", left.into())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.zh().trim().is_empty(), "{m:?} zh");
            assert!(!m.en().trim().is_empty(), "{m:?} en");
            let ascii = m.en().chars().filter(char::is_ascii).count();
            assert!(
                ascii * 10 >= m.en().chars().count() * 9,
                "{m:?} en is English: {}",
                m.en()
            );
            assert_eq!(m.text(Lang::ZhTw), m.zh());
            assert_eq!(m.text(Lang::En), m.en());
            assert_eq!(m.to_string(), format!("{} / {}", m.zh(), m.en()));
        }
    }

    #[test]
    fn keys_are_unique_and_stable() {
        let keys: HashSet<_> = Msg::ALL.iter().map(|m| m.key()).collect();
        assert_eq!(keys.len(), Msg::ALL.len());
        assert_eq!(Msg::PasswordLength.key(), "PasswordLength");
        let json = serde_json::to_string(&Msg::PasswordLength).unwrap();
        assert_eq!(json, "\"PasswordLength\"");
    }

    #[test]
    fn manual_texts_are_exact() {
        assert_eq!(
            Msg::PasswordLength.side_by_side(),
            "註冊密碼長度必須6-12碼。 password length must be 6-12 characters."
        );
        assert_eq!(
            Msg::MicrosoftMailWarning.zh(),
            "因與微軟郵件伺服器連線異常，建議不要填寫微軟e-mail信箱(如hotmail, livemail...)，以免無法收到本署寄發的信件。"
        );
        assert_eq!(
            Msg::ApplySuccess.zh(),
            "您已完成申請並將在數分鐘後收到 E-Mail 確認信，請開啟確信中的連結啟用帳號，謝謝!"
        );
        assert_eq!(
            Msg::EmailVerified.zh(),
            "您已完成電子郵件信箱認證，歡迎開始使用本系統！"
        );
        assert_eq!(
            Msg::PasswordChanged.zh(),
            "註冊密碼變更成功，下次使用健保卡登入系統請使用新的註冊密碼!"
        );
        assert_eq!(
            Msg::PasswordChanged.en(),
            "Password successfully changed. Please use your NHI Card and the new password to login the system!"
        );
        assert_eq!(Msg::DataSaved.zh(), "資料儲存成功");
        assert_eq!(
            Msg::CancelRequested.zh(),
            "您已申請成功，請至【註冊電子郵件信箱】收取刪除註冊確認信"
        );
        assert_eq!(
            Msg::CancelConfirmed.zh(),
            "刪除註冊成功，之後若您想再使用本系統，請重新申請"
        );
        assert_eq!(
            Msg::LetterRequested.zh(),
            "您已申請成功，請至電子郵件信箱收取確認信"
        );
        assert_eq!(
            Msg::PasswordResetDone.zh(),
            "註冊密碼變更成功，下次使用【健保卡】登入系統請用新的註冊密碼！"
        );
        assert_eq!(
            Msg::ServiceHours.to_string(),
            "※本系統服務時間每日 06:00-24:00 / Operating Hours : 6a.m.-12a.m. daily"
        );
        assert_eq!(
            Msg::SuspensionNote.zh(),
            "如需申請健保卡註冊停用，請持身分證及證明文件臨櫃辦理"
        );
    }

    #[test]
    fn parameterised_messages_fall_back_outside_roc_range() {
        let far = DateTime::<Utc>::MIN_UTC;
        let s = device_code_valid_until(far, Lang::ZhTw);
        assert!(s.starts_with("裝置認證碼有效時間至 "));
        let s = try_again_after(far, Lang::En);
        assert!(s.starts_with("Too many attempts. Please try again after "));
        assert_eq!(
            attempts_left(0, Lang::En),
            "The verification code is incorrect. You have 0 attempts left."
        );
    }
}
