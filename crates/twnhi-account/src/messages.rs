//! The bilingual message catalog: every user-facing message of the registration site
//! (SPEC §4) in Traditional Chinese (zh-TW) and English, keyed by [`Msg`].
//!
//! Texts marked *manual* are copied from the user manual (健保卡網路服務註冊使用說明) or SPEC §4;
//! the others are written for twnhi in the manual's style (*design*). Later crates (web pages,
//! letters, the app API, the CLI) take their texts from here so that one wording is used
//! everywhere.
//!
//! ```
//! use twnhi_account::messages::{Lang, Msg};
//!
//! assert_eq!(Msg::PasswordLength.text(Lang::ZhTw), "註冊密碼長度必須6-12碼。");
//! assert_eq!(Msg::PasswordLength.text(Lang::En), "password length must be 6-12 characters.");
//! // The manual prints both languages side by side:
//! assert_eq!(
//!     Msg::PasswordLength.side_by_side(),
//!     "註冊密碼長度必須6-12碼。 password length must be 6-12 characters."
//! );
//! ```

use core::fmt;
use core::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::roc::RocDateTime;

/// A language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Traditional Chinese as used in Taiwan (`zh-TW`), the site's first language.
    #[default]
    #[serde(rename = "zh-TW")]
    ZhTw,
    /// English (`en`).
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Both languages, zh-TW first (the order of every bilingual page and letter).
    pub const ALL: [Lang; 2] = [Lang::ZhTw, Lang::En];

    /// The BCP 47 tag: `zh-TW` or `en`.
    ///
    /// ```
    /// use twnhi_account::Lang;
    /// assert_eq!(Lang::ZhTw.tag(), "zh-TW");
    /// ```
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The error of [`Lang::from_str`]: the tag names neither Chinese nor English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("不支援的語言 / unsupported language")]
#[non_exhaustive]
pub struct UnknownLang;

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Parses a language tag loosely: `zh`, `zh-TW`, `zh_Hant_TW`, `zh-hant` … → [`Lang::ZhTw`];
    /// `en`, `en-US` … → [`Lang::En`] (case-insensitive).
    ///
    /// ```
    /// use twnhi_account::Lang;
    /// assert_eq!("zh-tw".parse::<Lang>(), Ok(Lang::ZhTw));
    /// assert_eq!("en-GB".parse::<Lang>(), Ok(Lang::En));
    /// assert!("fr".parse::<Lang>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let primary = t.split(['-', '_']).next().unwrap_or("");
        match primary {
            "zh" => Ok(Lang::ZhTw),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang),
        }
    }
}

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
    ($( $(#[$meta:meta])* $name:ident => $zh:expr, $en:expr; )+) => {
        /// A user-facing message. Use [`Msg::text`] for one language, `Display` for both
        /// ("zh-TW / English") and [`Msg::key`] for a stable machine-readable name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Msg {
            $( $(#[$meta])* $name, )+
        }

        impl Msg {
            /// Every message of the catalog, in declaration order.
            pub const ALL: &'static [Msg] = &[$(Msg::$name),+];

            /// The Traditional Chinese (zh-TW) text.
            #[must_use]
            pub const fn zh(self) -> &'static str {
                match self { $(Msg::$name => $zh,)+ }
            }

            /// The English text.
            #[must_use]
            pub const fn en(self) -> &'static str {
                match self { $(Msg::$name => $en,)+ }
            }

            /// The stable key of this message (the variant name, e.g. `"PasswordLength"`),
            /// for templates, JSON answers and logs.
            #[must_use]
            pub const fn key(self) -> &'static str {
                match self { $(Msg::$name => stringify!($name),)+ }
            }
        }
    };
}

catalog! {
    // ----- every page ---------------------------------------------------------------------
    /// *Manual.* Service hours notice shown on every page, and the refusal outside them.
    ServiceHours => "※本系統服務時間每日 06:00-24:00", "Operating Hours : 6a.m.-12a.m. daily";
    /// *Manual.* Environment check: the server answered.
    ServerConnectionOk => "伺服器連線正常", "Server connection OK";
    /// *Manual.* Environment check: the server did not answer.
    ServerConnectionFailed => "伺服器連線 失敗", "Server connection failed";
    /// *Manual.* Reading the card (every form that starts with 【讀取】).
    ReadCardPrompt => "請晶片讀卡機插入健保卡後，按『讀取』驗證健保卡。",
        "Please insert the NHI card into the Smart IC card reader, and click \"Read\" to verify the NHI card.";
    /// *Manual.* Instruction 1 of the resend and forgot-password pages.
    EnvironmentSetupInstruction => "如您的電腦尚未進行健保卡註冊系統環境設定及安裝元件，請先至健保卡網路服務註冊頁面執行。",
        "If your computer has not yet performed the NHI Card Online Services Registration environment setting and installation components, please go to the NHI Card Online Services Registration page.";
    /// *Manual.* Instruction 2 of the resend and forgot-password pages.
    ConnectReaderInstruction => "電腦連結晶片讀卡機及健保卡。",
        "Insert the NHI card into the Smart IC card reader.";

    // ----- 4.1 apply ----------------------------------------------------------------------
    /// *Manual.* The button that accepts the terms (全民健康保險網路服務註冊管理作業要點).
    TermsAccepted => "我已閱讀完畢，並瞭解相關規定",
        "I have read and understood the regulations";
    /// *Manual.* Help text of the household ID number (戶號) field.
    HouseholdIdHint => "請參考戶口名簿封面左上角的號碼(圖示)",
        "Please refer to the number on the top left side of the cover of Household Certificate.";
    /// *Manual.* Why the household ID number is asked.
    HouseholdIdRequired => "為避免健保卡遭他人冒用，保障您的個人資料安全，請務必輸入",
        "In order to prevent the NHI card from being misused by others and protect the security of your personal data, please be sure to enter the Household ID number.";
    /// *Manual.* Prompt of the first apply step.
    ApplyNextPrompt => "請插入健保卡並輸入戶號及戶籍鄉鎮里鄰後按【下一步】",
        "Please insert the NHI card, enter the Household ID number and Household Registration Address and click \"Next\".";
    /// *Manual.* Password length rule (every form that sets a password).
    PasswordLength => "註冊密碼長度必須6-12碼。", "password length must be 6-12 characters.";
    /// *Manual.* What a strong password is (apply page).
    StrongPasswordHint => "強式密碼由英文大寫、英文小寫、數字、特殊符號(-!@#$%^&*)混合並且長度8碼以上，特殊符號不可為(空白)、(大於>)、(小於<)符號。",
        "Strong passwords contain a mix of English uppercase, lowercase, numbers, and special symbols (-!@#$%^&*), and are longer than 8 characters. Special symbols cannot be(Blank), (greater than>), (less than <) symbols";
    /// *Manual.* Strength meter level 1.
    StrengthWeak => "弱", "weak";
    /// *Manual.* Strength meter level 2.
    StrengthMedium => "中", "Medium";
    /// *Manual.* Strength meter level 3.
    StrengthMediumStrong => "中強", "Medium Strong";
    /// *Manual.* Strength meter level 4.
    StrengthStrong => "強", "Strong";
    /// *Manual.* Note of the mobile phone field.
    MobilePhoneNote => "本項行動電話將作為未來行動裝置之認證使用，請務必輸入。",
        "Be sure to enter the mobile phone, which will be used as a certification for mobile devices.";
    /// *Manual.* Warning (not a refusal) for Microsoft mail domains.
    MicrosoftMailWarning => "因與微軟郵件伺服器連線異常，建議不要填寫微軟e-mail信箱(如hotmail, livemail...)，以免無法收到本署寄發的信件。",
        "Due to the unstable connection with the Microsoft mail server, it is recommended not to fill in the Microsoft e-mail (such as hotmail, livemail ...), so as to avoid missing the e-mail sent by the NHIA.";
    /// *Manual (zh); design (en).* Application accepted.
    ApplySuccess => "您已完成申請並將在數分鐘後收到 E-Mail 確認信，請開啟確信中的連結啟用帳號，謝謝!",
        "Your application is complete. You will receive a confirmation e-mail in a few minutes; please open the link in it to activate your account. Thank you!";
    /// *Manual (zh); design (en).* E-mail address verified (4.1 step 5).
    EmailVerified => "您已完成電子郵件信箱認證，歡迎開始使用本系統！",
        "Your e-mail address has been verified. Welcome to the system!";

    // ----- 4.2 log in -----------------------------------------------------------------------
    /// *Manual.* Login prompt.
    LoginPrompt => "請插入健保卡後，輸入註冊密碼再按【登入】鈕",
        "Please insert the NHI card. Enter the password and click \"LOGIN\"";
    /// *Manual.* Browser supports the NHI card (environment status of the login page).
    SupportsNhiCard => "支援使用健保卡", "Support NHI card";
    /// *Spec.* Suspension is done at a counter.
    SuspensionNote => "如需申請健保卡註冊停用，請持身分證及證明文件臨櫃辦理",
        "To apply for suspension of the NHI Card Online Services, please bring your identification to the regional division and the liaison office of NHIA.";

    // ----- 4.3 device verification ------------------------------------------------------------
    /// *Manual.* Device verification note 1.
    DeviceCodeNoteProduce => "進行裝置認證需先點選『產生裝置認證碼』按鈕，系統將產生QR-Code及裝置認證碼兩種形式之裝置認證碼。",
        "To verify your mobile device, please push the \"Produce Verification Code\" button, the system will generate QR-Code or verification code.";
    /// *Manual.* Device verification note 2.
    DeviceCodeNoteCamera => "行動裝置具照相機功能，建議使用健保署『健保快易通』行動服務之APP以讀取QR-Code方式進行裝置認證。",
        "If the mobile device has a camera function, it is recommended to verify by reading QR-Code through NHI Express APP.";
    /// *Manual.* Device verification note 3.
    DeviceCodeNoteNoCamera => "行動裝置不具照相機功能，建議使用健保署『健保快易通』行動服務之APP可將頁面之裝置認證碼明碼輸入手機裝置認證。",
        "If the mobile device does not have a camera function, it is recommended to verify by entering Verification Code through NHI Express APP.";
    /// *Manual.* Heading of the two ways of verification.
    DeviceCodeMethods => "裝置認證方式有以下兩種：", "There are two ways of mobile device verification:";
    /// *Manual.* Way 1: scan the QR code.
    DeviceCodeMethodQr => "請使用手機讀取QR-Code中之裝置認證碼：", "Please use your mobile phone to read QR-Code:";
    /// *Manual.* Way 2: type the code.
    DeviceCodeMethodType => "將裝置認證碼輸入手機進行認證：", "Enter the verification code to your mobile phone:";

    // ----- 4.4 device management --------------------------------------------------------------
    /// *Manual.* Device status: active.
    DeviceStatusActive => "啟用中", "Active";
    /// *Manual.* Device status: disabled.
    DeviceStatusDisabled => "停用", "Disabled";
    /// *Design.* Device status: deleted (never listed; for logs and the app API).
    DeviceStatusDeleted => "已刪除", "Deleted";
    /// *Manual.* Device action: disable.
    DeviceActionDisable => "停用裝置", "Disable Device";
    /// *Manual.* Device action: enable.
    DeviceActionEnable => "啟用裝置", "Enable Device";
    /// *Manual.* Device action: delete.
    DeviceActionDelete => "刪除裝置", "Delete Device";
    /// *Manual.* Device management note 1.
    DeviceNoteReverify => "若更換行動裝置或重新安裝APP時，請重新執行【行動裝置認證】。",
        "If you change the mobile device or reinstall the NHI Express APP, please execute the \"Mobile Device Verification\" again.";
    /// *Manual.* Device management note 2.
    DeviceNoteMany => "同一個帳號可啟動多組行動裝置；多個帳號可在同一台裝置認證。",
        "The same account can activate multiple mobile devices; multiple accounts can be verified on the same device.";
    /// *Manual.* Device management note 3.
    DeviceNoteActiveOnly => "請使用已通過裝置認證且狀態為「已啟用」之行動裝置登入「健保快易通」行動服務之APP。若您使用其它行動裝置登入請點選上方【啟用裝置】按鈕。若尚未認證請至【行動裝置認證】產生QRCode後進行認證。",
        "Please use the mobile device that has passed the device verification and the status is \"Enabled\" to log in to the NHI Express App. If you want to log in with other mobile devices, please click the top \"Enable Device\" button, if the device is not yet verified, please go to \"Mobile Device Verification\" and generate a QR Code for verification.";

    // ----- 4.5 / 4.6 change password, change data ------------------------------------------------
    /// *Manual.* Password changed (4.5).
    PasswordChanged => "註冊密碼變更成功，下次使用健保卡登入系統請使用新的註冊密碼!",
        "Password successfully changed. Please use your NHI Card and the new password to login the system!";
    /// *Manual.* The registration password is also the app's password (4.5 page note).
    AppPasswordNote => "若您已認證行動裝置，此密碼會同步變更『健保快易通』登入註冊密碼。",
        "If you have verified the mobile device, this password will also be the log in password of NHI express APP.";
    /// *Manual (zh); design (en).* Basic data saved (4.6).
    DataSaved => "資料儲存成功", "Data saved successfully.";

    // ----- 4.7 cancel -----------------------------------------------------------------------
    /// *Manual.* Notice of the cancellation request page.
    CancelNotice => "按下送出刪除註冊後，請務必至註冊電子郵件信箱收取確認信並完成後續作業，刪除健保卡網服務註冊申請始完成，感謝您的支持與配合。(若您已安裝【全民健保行動快易通】，完成確認刪除註冊後將無法再使用健康存摺及承保e櫃檯功能。)",
        "After submitting cancellation of the registration, please be sure to confirm that you receive a confirmation letter in your registration email box, and complete the following procedures to complete the cancellation. Thank you for your support and cooperation.(If you have installed NHI App, you will no longer be able to use My Health Bank and e-counter functions after confirming the cancellation.)";
    /// *Manual.* Notice of the cancellation confirmation page.
    CancelAppNotice => "若您已安裝【全民健保行動快易通】，完成確認刪除註冊後將無法再使用健康存摺及承保e櫃檯功能。",
        "If you have installed NHI App, you will no longer be able to use My Health Bank and e-counter functions after confirming the cancellation.";
    /// *Manual.* Where the card number is printed.
    CardNumberHint => "健保卡正面左下角12碼數字", "The number on the bottom left side of the front of the NHI card.";
    /// *Manual.* The cancellation e-mail code is case-sensitive.
    EmailCodeHint => "請輸入刪除註冊確認信通知驗證碼，大小寫需相符", "Enter Verification Code, case sensitive.";
    /// *Manual (zh); design (en).* Cancellation requested (4.7 step 2).
    CancelRequested => "您已申請成功，請至【註冊電子郵件信箱】收取刪除註冊確認信",
        "Your request has been accepted. Please check your registered e-mail box for the cancellation confirmation letter.";
    /// *Design.* A cancellation confirmed with a code sent to a new e-mail address: it takes
    /// effect after the waiting period; the registered address was told and can stop it.
    CancelScheduled => "刪除註冊申請已確認。因刪除註冊確認信寄至新的電子郵件信箱，為保護您的帳號，刪除將於等待期間結束後生效，並已通知原註冊電子郵件信箱。",
        "The cancellation has been confirmed. Because the confirmation letter went to a new e-mail address, it takes effect only after a waiting period, to protect your account; the registered e-mail address has been told.";
    /// *Design.* The registered address stopped a cancellation.
    CancelStopped => "已停止刪除註冊作業，您的健保卡網路服務註冊維持有效。若您並未申請刪除註冊，建議您儘速變更註冊密碼。",
        "The cancellation has been stopped; your registration stays in use. If you did not ask for it, please change your registration password soon.";
    /// *Design.* The page of the stop link.
    CancelStopPrompt => "有人以新的電子郵件信箱申請刪除您的健保卡網路服務註冊。若非您本人申請，請按【停止刪除註冊】，您的註冊將維持有效。",
        "Someone asked to cancel your NHI Card Online Services registration with a new e-mail address. If it was not you, click \"Stop the cancellation\" and your registration stays in use.";
    /// *Design.* The button of the stop link's page.
    CancelStopButton => "停止刪除註冊", "Stop the cancellation";
    /// *Design.* Subject of the notice to the registered address.
    LetterSubjectCancellationNotice => "衛生福利部中央健康保險署-健保卡網路服務註冊-刪除註冊申請通知",
        "National Health Insurance Administration Notice: Cancellation of the Online Services of the NHI Card Requested";
    /// *Design.* Link text of the notice's stop link.
    LetterLinkCancellationStop => "停止刪除註冊", "Stop the cancellation";
    /// *Manual (zh); design (en).* Cancellation confirmed (4.7 step 4).
    CancelConfirmed => "刪除註冊成功，之後若您想再使用本系統，請重新申請",
        "Your registration has been cancelled. If you want to use the system again, please apply again.";

    // ----- 4.8 / 4.9 resend, forgot password ----------------------------------------------------------
    /// *Manual (zh); design (en).* Confirmation or reset letter requested (4.8, 4.9).
    LetterRequested => "您已申請成功，請至電子郵件信箱收取確認信",
        "Your request has been accepted. Please check your e-mail box for the confirmation letter.";
    /// *Manual.* Password reset done (4.9).
    PasswordResetDone => "註冊密碼變更成功，下次使用【健保卡】登入系統請用新的註冊密碼！",
        "Password successfully changed. Please use your NHI Card and the new password to login the system!";
    /// *Manual.* Resetting also changes the app's password (4.9 notice).
    ResetAppNotice => "若您已安裝【全民健保行動快易通】及申請【健保卡網路服務】，系統將會一併變更登入註冊密碼。",
        "If you have installed NHI App and applied for NHI Card Online Service, the system will change the login password.";

    // ----- 4.11 letters ------------------------------------------------------------------------
    /// *Manual.* Sender of every letter.
    LetterSender => "衛生福利部中央健康保險署", "National Health Insurance Administration, Ministry of Health and Welfare";
    /// *Manual.* Subject of the confirmation letter (認證通知).
    LetterSubjectConfirmation => "衛生福利部中央健康保險署-健保卡網路服務註冊-認證通知",
        "National Health Insurance Administration Notice Confirmation for Registering the Online Services of the NHI Card";
    /// *Manual.* Link text of the confirmation letter.
    LetterLinkConfirmation => "進入電子信箱認證畫面", "Go to the e-mail verification page";
    /// *Design (after the manual).* Subject of the completion letter (註冊完成).
    LetterSubjectCompletion => "衛生福利部中央健康保險署-健保卡網路服務註冊-註冊完成通知",
        "National Health Insurance Administration Notice: Registration for the Online Services of the NHI Card Completed";
    /// *Design (after the manual).* Subject of the password reset letter.
    LetterSubjectReset => "衛生福利部中央健康保險署-健保卡網路服務註冊-重設註冊密碼",
        "National Health Insurance Administration Notice: Reset the Password of the Online Services of the NHI Card";
    /// *Manual.* Link text of the password reset letter.
    LetterLinkReset => "健保卡網路服務註冊-重設註冊密碼", "NHI Card Online Services Registration - Reset Password";
    /// *Design (after the manual).* Subject of the cancellation confirmation letter.
    LetterSubjectCancellation => "衛生福利部中央健康保險署-健保卡網路服務註冊-刪除註冊確認信",
        "National Health Insurance Administration Notice: Confirm the Cancellation of the Online Services of the NHI Card";
    /// *Manual.* Link text of the cancellation confirmation letter.
    LetterLinkCancellation => "健保卡網路服務註冊刪除作業", "NHI Card Online Services Registration - Confirm the Cancellation";
    /// *Manual.* Subject of the deletion notice.
    LetterSubjectDeleted => "衛生福利部中央健康保險署-健保卡網路服務註冊-刪除通知",
        "National Health Insurance Administration Notice: Registration for the Online Services of the NHI Card Deleted";
    /// *Manual.* Hotline sentence of the letters.
    LetterHotline => "若您在使用上有任何疑問，歡迎您電洽本署健保服務專線：市話撥打 0800-030-598 或 4128-678(不須加區碼)手機撥打 02-4128-678。",
        "Please feel free to contact the NHIA for further information at 0800-030-598(toll free) or at 4128-678(an area code not required). For a mobile phone, please dial 02-4128-678.";
    /// *Manual.* Footer of every letter.
    LetterAutomatic => "注意：本信件為系統自動寄發，請勿直接回覆", "Note: this letter was sent automatically; please do not reply.";

    // ----- refusals of the flows (design) -----------------------------------------------------
    /// *Design.* The one generic refusal when card/household data do not match the registry
    /// (4.1 step 2: do not say which field).
    RegistryMismatch => "您輸入的資料與本署留存資料不符，請確認後重新輸入。",
        "The data you entered does not match our records. Please check it and try again.";
    /// *Design.* Wrong card or password at login (one answer for both).
    LoginFailed => "健保卡或註冊密碼錯誤，請重新輸入。",
        "The NHI card or the registration password is incorrect. Please try again.";
    /// *Design.* The card could not be authenticated (SPEC §3).
    CardNotVerified => "健保卡驗證失敗，請確認插入的是您本人的健保卡後重新讀取。",
        "The NHI card could not be verified. Please make sure your own NHI card is inserted and read it again.";
    /// *Design.* The card authentication nonce has expired.
    CardAuthExpired => "健保卡驗證逾時，請重新讀取健保卡。",
        "The NHI card verification timed out. Please read the card again.";
    /// *Design.* The registration's e-mail address is not verified yet.
    EmailNotVerified => "您尚未完成電子郵件信箱認證，請開啟確認信中的連結，或使用【重寄認證信】。",
        "Your e-mail address has not been verified yet. Please open the link in the confirmation letter, or use \"Resend verification email\".";
    /// *Design.* The registration is suspended (done at a counter).
    RegistrationSuspended => "您的健保卡網路服務註冊已停用，如需恢復請持身分證及證明文件臨櫃辦理。",
        "Your registration for the NHI Card Online Services is suspended. To resume it, please bring your identification to the regional division or the liaison office of NHIA.";
    /// *Design.* The registration has been cancelled.
    RegistrationCancelled => "您的健保卡網路服務註冊已刪除，若您想再使用本系統，請重新申請。",
        "Your registration has been cancelled. If you want to use the system again, please apply again.";
    /// *Design.* A registration already exists for this person.
    AlreadyRegistered => "您已申請健保卡網路服務註冊，請直接登入。",
        "You have already registered for the NHI Card Online Services. Please log in.";
    /// *Design.* The flow is not available in the registration's current state.
    OperationNotAllowed => "目前的註冊狀態無法執行此作業。",
        "This operation is not available in the current state of your registration.";
    /// *Design.* A cancellation is not pending.
    NoCancellationPending => "您尚未申請刪除註冊，或刪除註冊申請已失效，請重新申請。",
        "There is no pending cancellation request. Please request the cancellation again.";
    /// *Design.* Too many attempts (login throttling, code entry).
    TooManyAttempts => "嘗試次數過多，請稍後再試。", "Too many attempts. Please try again later.";
    /// *Design.* NIST SP 800-63B §5.2.2: after 100 consecutive wrong passwords, checking
    /// the password stops until it is reset (only the card holder can cause this).
    AttemptsLocked => "註冊密碼錯誤次數過多，為保護您的帳號已暫停以註冊密碼登入，請使用【忘記註冊密碼】重設註冊密碼。",
        "The registration password was entered wrongly too many times. To protect your account, logging in with it is suspended. Please reset it with \"Forgot password\".";
    /// *Design.* The app's password checks stopped after 100 consecutive failures; a login
    /// on the site with the NHI card (or a password reset) opens them again.
    AppLoginLocked => "行動裝置登入失敗次數過多，已暫停行動裝置登入。請插入健保卡登入本網站，或使用【忘記註冊密碼】重設註冊密碼後再試。",
        "Too many failed logins from the app: app logins are suspended. Please log in to this site with your NHI card, or reset the password with \"Forgot password\", then try again.";
    /// *Design.* Too many requests are waiting for password checks (503).
    ServerBusy => "目前使用人數眾多，請稍候再試。",
        "Too many people are using the system right now. Please try again in a moment.";
    /// *Design.* A generic failure the user cannot fix.
    SystemError => "系統忙碌中，請稍後再試。", "The system is busy. Please try again later.";

    // ----- one-time codes and links (design) ------------------------------------------------------
    /// *Design.* A code does not match.
    CodeIncorrect => "驗證碼錯誤，請重新輸入。", "The verification code is incorrect. Please try again.";
    /// *Design.* A code has expired.
    CodeExpired => "驗證碼已逾有效時間，請重新申請。", "The verification code has expired. Please request a new one.";
    /// *Design.* A code was entered wrongly too often and is void.
    CodeExhausted => "驗證碼輸入錯誤次數過多，已失效，請重新申請。",
        "The verification code was entered wrongly too many times and is no longer valid. Please request a new one.";
    /// *Design.* A code has been used already.
    CodeUsed => "此驗證碼已使用過，請重新申請。", "This verification code has already been used. Please request a new one.";
    /// *Design (after the manual).* The device verification code has expired.
    DeviceCodeExpired => "裝置認證碼已逾有效時間，請重新產生裝置認證碼。",
        "The device verification code has expired. Please regenerate the device verification code.";
    /// *Design.* An e-mail link is invalid, used or expired.
    LinkInvalid => "此連結無效或已逾有效時間，請重新申請。", "This link is invalid or has expired. Please request a new one.";
    /// *Design.* The image captcha does not match.
    CaptchaIncorrect => "圖片驗證碼錯誤，請重新輸入。", "The captcha is incorrect. Please try again.";

    // ----- identity values (design) ------------------------------------------------------------
    /// *Design.* ID number missing.
    IdEmpty => "請輸入身分證號(居留證號)。", "Please enter the ID number (resident certificate number).";
    /// *Design.* ID number of the wrong length.
    IdLength => "身分證號(居留證號)須為10碼。", "The ID number (resident certificate number) must be 10 characters long.";
    /// *Design.* ID number not starting with a letter.
    IdFirstLetter => "身分證號(居留證號)第1碼須為英文字母。", "The first character of the ID number must be a letter A-Z.";
    /// *Design.* ID number with an impossible second character.
    IdSecondChar => "身分證號(居留證號)第2碼須為1、2、8、9或A、B、C、D。",
        "The second character of the ID number must be 1, 2, 8, 9 or A, B, C, D.";
    /// *Design.* ID number with non-digits in characters 3-10.
    IdDigits => "身分證號(居留證號)第3至10碼須為數字。", "Characters 3 to 10 of the ID number must be digits.";
    /// *Design.* ID number whose check digit is wrong.
    IdCheckDigit => "身分證號(居留證號)檢查碼錯誤，請確認後重新輸入。",
        "The check digit of the ID number is wrong. Please check the number.";
    /// *Design.* Card number missing.
    CardNumberEmpty => "請輸入健保卡卡號。", "Please enter the NHI card number.";
    /// *Design.* Card number not 12 digits.
    CardNumberFormat => "健保卡卡號須為健保卡正面左下角12碼數字。",
        "The NHI card number must be the 12 digits on the bottom left side of the front of the NHI card.";
    /// *Design.* Household ID number missing.
    HouseholdIdEmpty => "請輸入戶號。", "Please enter the Household ID number.";
    /// *Design.* Household ID number malformed.
    HouseholdIdFormat => "戶號格式錯誤，須為1碼英文字母加7碼數字(戶口名簿封面左上角)。",
        "The Household ID number must be one letter followed by 7 digits (top left side of the cover of the Household Certificate).";
    /// *Manual (zh); design (en).* County/city missing or unknown.
    CountyInvalid => "請選擇縣市", "Please choose the City/County.";
    /// *Manual (zh); design (en).* Township missing or not in the county.
    TownshipInvalid => "請選擇鄉鎮市區", "Please choose the District/Township.";
    /// *Manual (zh); design (en).* Village missing or malformed.
    VillageInvalid => "請選擇村里", "Please choose the Village (its name ends in 村 or 里).";
    /// *Design.* Neighbourhood number out of range.
    NeighborhoodInvalid => "鄰須為1至999的數字。", "The Neighborhood must be a number from 1 to 999.";
    /// *Design.* Local phone malformed.
    LocalPhoneInvalid => "聯絡電話格式錯誤，請輸入(區碼)-電話號碼#分機。",
        "The local phone number is not valid: enter (area code)-number#extension.";
    /// *Design.* Local phone with an unknown area code.
    LocalPhoneAreaCode => "聯絡電話區碼錯誤。", "The area code of the local phone number is not valid.";
    /// *Design.* Mobile phone missing.
    MobilePhoneEmpty => "請輸入行動電話。", "Please enter the mobile phone number.";
    /// *Design.* Mobile phone malformed.
    MobilePhoneInvalid => "行動電話格式錯誤，須為09開頭共10碼數字(09xx-xxxxxx)。",
        "The mobile phone number must be 10 digits starting with 09 (09xx-xxxxxx).";
    /// *Design.* E-mail missing.
    EmailEmpty => "請輸入E-Mail。", "Please enter the e-mail address.";
    /// *Design.* E-mail malformed.
    EmailInvalid => "E-Mail格式錯誤，請確認後重新輸入。", "The e-mail address is not valid. Please check it.";
    /// *Design.* E-mail with characters outside ASCII.
    EmailNonAscii => "E-Mail請使用英文字母、數字及符號輸入。",
        "Please enter the e-mail address with English letters, digits and symbols only.";
    /// *Design.* E-mail too long.
    EmailTooLong => "E-Mail長度過長。", "The e-mail address is too long.";

    // ----- passwords (design unless marked) ----------------------------------------------------
    /// *Manual.* Space, `>` and `<` are never allowed.
    PasswordForbiddenChar => "特殊符號不可為(空白)、(大於>)、(小於<)符號。",
        "Special symbols cannot be (Blank), (greater than>), (less than<) symbols.";
    /// *Design.* Other characters outside the allowed set.
    PasswordUnsupportedChar => "註冊密碼只能使用英文大小寫字母、數字及特殊符號~!@#$%^&*-。",
        "The password may only contain English letters, digits and the special symbols ~!@#$%^&*-.";
    /// *Design.* Confirmation differs from the password.
    PasswordMismatch => "兩次輸入的註冊密碼不一致。", "The password and its confirmation do not match.";
    /// *Design.* Password on the common-password block list.
    PasswordCommon => "此註冊密碼過於常見，容易被猜中，請改用其他密碼。",
        "This password is too common and easy to guess. Please choose another one.";
    /// *Design.* Password contains the ID number.
    PasswordContainsId => "註冊密碼不可包含身分證號(居留證號)。", "The password must not contain your ID number.";
    /// *Design.* Password contains the card number.
    PasswordContainsCardNumber => "註冊密碼不可包含健保卡卡號。", "The password must not contain your NHI card number.";
    /// *Design.* Password contains the birth date.
    PasswordContainsBirthDate => "註冊密碼不可包含出生日期。", "The password must not contain your date of birth.";

    // ----- devices and the app (design) ---------------------------------------------------------
    /// *Design.* No such device for this registration.
    DeviceNotFound => "查無此行動裝置。", "No such mobile device.";
    /// *Design.* The app logs in only from an active device.
    DeviceNotActive => "此行動裝置未啟用，請至【行動裝置管理作業】啟用裝置。",
        "This mobile device is not enabled. Please enable it in \"Mobile Device Management\".";
    /// *Design.* The device was deleted.
    DeviceDeleted => "此行動裝置已刪除，請重新執行【行動裝置認證】。",
        "This mobile device has been deleted. Please execute the \"Mobile Device Verification\" again.";
    /// *Design.* Enabling an active device.
    DeviceAlreadyActive => "此行動裝置已是啟用中。", "This mobile device is already active.";
    /// *Design.* Disabling a disabled device.
    DeviceAlreadyDisabled => "此行動裝置已停用。", "This mobile device is already disabled.";
    /// *Design.* Malformed device identifier, platform or model from the app.
    DeviceInfoInvalid => "行動裝置資料格式錯誤。", "The mobile device data are not valid.";
    /// *Design.* Wrong one-time password from the app.
    TotpIncorrect => "動態密碼錯誤，請重新輸入。", "The one-time password is incorrect. Please try again.";
    /// *Design.* One-time password of a step already used.
    TotpReplayed => "此動態密碼已使用過，請等待下一組動態密碼。",
        "This one-time password has already been used. Please wait for the next one.";

    // ----- dates and settings (design) ---------------------------------------------------------
    /// *Design.* A date or time that cannot be read.
    DateInvalid => "日期時間格式錯誤。", "The date or time is not valid.";
    /// *Design.* A date outside ROC years 1-999.
    DateOutOfRange => "日期須介於民國1年至999年之間。", "The date must be between ROC years 1 and 999 (1912-2910).";
    /// *Design.* A setting (service hours, lifetimes, hashing parameters …) is invalid.
    ConfigInvalid => "系統設定錯誤。", "Invalid system setting.";

    // ----- use cases of twnhi-service (design) --------------------------------------------------
    // Added with the registration use cases; keep this block at the end of the catalog.
    /// *Design.* No valid login session (never logged in, logged out, idle or ended).
    SessionExpired => "您尚未登入或登入已逾時，請重新登入。",
        "You are not logged in or your session has expired. Please log in again.";
    /// *Design.* Changing the e-mail address or the password asks for the current password.
    ReauthenticationRequired => "變更電子郵件信箱或註冊密碼前，請再次輸入目前的註冊密碼。",
        "Please enter your current registration password again before changing your e-mail address or password.";
    /// *Design.* The current password given for re-authentication is wrong.
    CurrentPasswordIncorrect => "目前的註冊密碼錯誤，請重新輸入。",
        "The current registration password is incorrect. Please try again.";
    /// *Design.* A link of a registration opened with another person's card.
    CardNotRegistrant => "請使用註冊申請人本人的健保卡。", "Please use the registrant's own NHI card.";
    /// *Design.* A device was bound with its verification code (4.3).
    DeviceVerified => "行動裝置認證成功。", "The mobile device has been verified.";
    /// *Design.* A device was enabled, disabled or deleted (4.4).
    DeviceUpdated => "行動裝置狀態已更新。", "The mobile device has been updated.";
    /// *Design.* Logged out (登出).
    LoggedOut => "您已登出系統。", "You have logged out.";
    /// *Design.* Counter: the registration was suspended.
    CounterSuspended => "已停用此健保卡網路服務註冊。", "The registration has been suspended.";
    /// *Design.* Counter: the registration was reinstated.
    CounterReinstated => "已恢復此健保卡網路服務註冊。", "The registration has been reinstated.";
    /// *Design.* Counter: no registration for this ID number.
    NotRegistered => "查無此身分證號(居留證號)的註冊資料。", "No registration was found for this ID number.";
}

impl Msg {
    /// The text in `lang`.
    #[must_use]
    pub const fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhTw => self.zh(),
            Lang::En => self.en(),
        }
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

/// The device-code expiry sentence of 4.3 for the code's expiry instant.
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
    match lang {
        Lang::ZhTw => format!(
            "裝置認證碼有效時間至 {}，若超過裝置認證碼有效時間，請重新產生裝置認證碼。",
            long_or_rfc3339(expires_at)
        ),
        Lang::En => format!(
            "Device verification code is valid until {}. If verification code is invalid, please regenerate the device verification code again.",
            english_or_rfc3339(expires_at)
        ),
    }
}

/// The throttling refusal with the earliest time of the next attempt (Asia/Taipei).
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
    match lang {
        Lang::ZhTw => format!("嘗試次數過多，請於 {} 後再試。", long_or_rfc3339(retry_at)),
        Lang::En => format!(
            "Too many attempts. Please try again after {}.",
            english_or_rfc3339(retry_at)
        ),
    }
}

/// A code's remaining tries after a wrong entry.
///
/// ```
/// use twnhi_account::messages::{attempts_left, Lang};
/// assert_eq!(attempts_left(3, Lang::ZhTw), "驗證碼錯誤，您還可以再輸入3次。");
/// assert_eq!(attempts_left(1, Lang::En), "The verification code is incorrect. You have 1 attempt left.");
/// ```
#[must_use]
pub fn attempts_left(left: u32, lang: Lang) -> String {
    match lang {
        Lang::ZhTw => format!("驗證碼錯誤，您還可以再輸入{left}次。"),
        Lang::En if left == 1 => {
            "The verification code is incorrect. You have 1 attempt left.".to_owned()
        }
        Lang::En => {
            format!("The verification code is incorrect. You have {left} attempts left.")
        }
    }
}

fn long_or_rfc3339(t: DateTime<Utc>) -> String {
    match RocDateTime::from_utc(t) {
        Ok(r) => r.format_long(),
        Err(_) => t.to_rfc3339(),
    }
}

fn english_or_rfc3339(t: DateTime<Utc>) -> String {
    match RocDateTime::from_utc(t) {
        Ok(r) => r.format_english(),
        Err(_) => t.to_rfc3339(),
    }
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
    fn lang_parsing_and_serde() {
        assert_eq!("zh_Hant_TW".parse::<Lang>(), Ok(Lang::ZhTw));
        assert_eq!(" EN ".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("".parse::<Lang>(), Err(UnknownLang));
        assert_eq!(serde_json::to_string(&Lang::ZhTw).unwrap(), "\"zh-TW\"");
        assert_eq!(serde_json::from_str::<Lang>("\"en\"").unwrap(), Lang::En);
        assert_eq!(Lang::default(), Lang::ZhTw);
    }

    proptest::proptest! {
        #[test]
        fn lang_parse_never_panics(s in "\\PC{0,16}") {
            if let Ok(lang) = s.parse::<Lang>() {
                proptest::prop_assert_eq!(lang.tag().parse::<Lang>(), Ok(lang));
            }
        }
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
