//! The letters of SPEC §4.11: subject, plain text and HTML, zh-TW first and English after.
//!
//! | kind | slug | subject (zh-TW) |
//! |---|---|---|
//! | [`Confirmation`] | `confirmation` | 衛生福利部中央健康保險署-健保卡網路服務註冊-認證通知 |
//! | [`Completion`] | `completion` | …-註冊完成通知 |
//! | [`PasswordReset`] | `password-reset` | …-重設註冊密碼 |
//! | [`CancellationConfirm`] | `cancellation` | …-刪除註冊確認信 |
//! | [`Deleted`] | `deleted` | …-刪除通知 |
//! | [`EmailChanged`] | `email-changed` | …-電子郵件信箱變更通知 |
//! | [`PasswordChanged`] | `password-changed` | …-註冊密碼變更通知 |
//! | [`CancellationNotice`] | `cancellation-notice` | …-刪除註冊申請通知 |
//! | [`EmailChangeConfirm`] | `email-change` | …-電子郵件信箱變更確認信 |
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use twnhi_account::roc::RocDateTime;
//! use twnhi_notify::{Confirmation, Letter, LetterLangs, LetterRenderer, LinkToken, PublicBaseUrl};
//!
//! let renderer = LetterRenderer::new(PublicBaseUrl::parse("https://twnhi.example/")?);
//! let letter = Letter::Confirmation(Confirmation {
//!     name: "測試一".into(),
//!     token: LinkToken::parse("Zk3vQ9xT2mB7nR4wYc8hJ1pL")?,
//!     expires_at: RocDateTime::from_utc(Utc.with_ymd_and_hms(2020, 10, 28, 8, 46, 50).unwrap())?,
//! });
//! let out = renderer.render(&letter, LetterLangs::Both)?;
//! assert!(out.subject().starts_with("衛生福利部中央健康保險署-健保卡網路服務註冊-認證通知("));
//! assert!(out.text().starts_with("親愛的 測試一 您好："));
//! assert!(out.text().contains("https://twnhi.example/verify-email?token=Zk3vQ9xT2mB7nR4wYc8hJ1pL"));
//! assert!(out.text().contains("民國109年10月28日 16:46:50"));
//! assert!(out.html().contains("<html lang=\"zh-Hant-TW\">"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use core::str::FromStr;
use twnhi_account::messages::bilingual;

use askama::Template;
use twnhi_account::Email;
use twnhi_account::messages::{Lang, Msg};
use twnhi_account::roc::{RocDate, RocDateTime};
use url::Url;

use crate::links::{EmailCode, LinkToken, PublicBaseUrl};
use crate::templates::{self as t, Fmt, Markup, Part};
use crate::text::{display_value, header_value, mask_email};

/// The e-mail verification letter (認證通知), sent on application and on 重寄認證信.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmation {
    /// The registrant's name (from the card).
    pub name: String,
    /// The secret of the link 「進入電子信箱認證畫面」.
    pub token: LinkToken,
    /// When the link stops working.
    pub expires_at: RocDateTime,
}

/// The registration-completed letter (註冊完成), sent when the e-mail address is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The registrant's name.
    pub name: String,
}

/// The password reset letter (重設註冊密碼), sent on 忘記註冊密碼.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordReset {
    /// The registrant's name.
    pub name: String,
    /// The secret of the link 「健保卡網路服務註冊-重設註冊密碼」.
    pub token: LinkToken,
    /// When the link stops working.
    pub expires_at: RocDateTime,
}

/// The cancellation confirmation letter (刪除註冊確認信): the link 「健保卡網路服務註冊刪除作業」
/// and the case-sensitive e-mail verification code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancellationConfirm {
    /// The registrant's name.
    pub name: String,
    /// The E-Mail 驗證碼 typed on the confirmation page.
    pub code: EmailCode,
    /// When the code stops working.
    pub expires_at: RocDateTime,
}

/// The notice to the registered address that a cancellation was asked for at another
/// address (*design*): when, to which address (masked), and a link that stops it; once the
/// code was confirmed, also when it takes effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancellationNotice {
    /// The registrant's name.
    pub name: String,
    /// The address the cancellation letter went to (shown masked).
    pub new_email: Email,
    /// When the cancellation was asked for (or confirmed).
    pub requested_at: RocDateTime,
    /// The secret of the stop link.
    pub stop: LinkToken,
    /// When the stop link stops working.
    pub stop_expires_at: RocDateTime,
    /// When the cancellation takes effect (`None`: not confirmed yet).
    pub effective_at: Option<RocDateTime>,
}

/// The deletion notice (刪除通知), dated 「民國…年…月…日」.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleted {
    /// The former registrant's name.
    pub name: String,
    /// The day the registration was deleted (Taipei date).
    pub deleted_on: RocDate,
}

/// The notice sent to the *old* address when the e-mail address changes *(design)*.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailChanged {
    /// The registrant's name.
    pub name: String,
    /// The new address (shown masked: `t***@example.com`).
    pub new_email: Email,
    /// When it changed.
    pub changed_at: RocDateTime,
}

/// The letter sent to a new main e-mail address (基本資料異動): the address takes effect
/// when its link is answered *(design)*.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailChangeConfirm {
    /// The registrant's name.
    pub name: String,
    /// The secret of the link 「確認變更電子郵件信箱」.
    pub token: LinkToken,
    /// When the link stops working.
    pub expires_at: RocDateTime,
}

/// The notice sent when the password changes (change or reset) *(design)*.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordChanged {
    /// The registrant's name.
    pub name: String,
    /// When it changed.
    pub changed_at: RocDateTime,
}

/// One letter with its data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Letter {
    /// 認證通知.
    Confirmation(Confirmation),
    /// 註冊完成.
    Completion(Completion),
    /// 重設註冊密碼.
    PasswordReset(PasswordReset),
    /// 刪除註冊確認信.
    CancellationConfirm(CancellationConfirm),
    /// 刪除通知.
    Deleted(Deleted),
    /// 電子郵件信箱變更通知 (to the old address).
    EmailChanged(EmailChanged),
    /// 註冊密碼變更通知.
    PasswordChanged(PasswordChanged),
    /// 刪除註冊申請通知 (to the registered address).
    CancellationNotice(CancellationNotice),
    /// 電子郵件信箱變更確認信 (to the new address).
    EmailChangeConfirm(EmailChangeConfirm),
}

impl Letter {
    /// Which letter this is.
    #[must_use]
    pub fn kind(&self) -> LetterKind {
        match self {
            Letter::Confirmation(_) => LetterKind::Confirmation,
            Letter::Completion(_) => LetterKind::Completion,
            Letter::PasswordReset(_) => LetterKind::PasswordReset,
            Letter::CancellationConfirm(_) => LetterKind::CancellationConfirm,
            Letter::Deleted(_) => LetterKind::Deleted,
            Letter::EmailChanged(_) => LetterKind::EmailChanged,
            Letter::PasswordChanged(_) => LetterKind::PasswordChanged,
            Letter::CancellationNotice(_) => LetterKind::CancellationNotice,
            Letter::EmailChangeConfirm(_) => LetterKind::EmailChangeConfirm,
        }
    }

    fn name(&self) -> &str {
        match self {
            Letter::Confirmation(l) => &l.name,
            Letter::Completion(l) => &l.name,
            Letter::PasswordReset(l) => &l.name,
            Letter::CancellationConfirm(l) => &l.name,
            Letter::Deleted(l) => &l.name,
            Letter::EmailChanged(l) => &l.name,
            Letter::PasswordChanged(l) => &l.name,
            Letter::CancellationNotice(l) => &l.name,
            Letter::EmailChangeConfirm(l) => &l.name,
        }
    }
}

/// The kinds of letters, with a stable slug for file names, the CLI and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LetterKind {
    /// 認證通知 (`confirmation`).
    Confirmation,
    /// 註冊完成 (`completion`).
    Completion,
    /// 重設註冊密碼 (`password-reset`).
    PasswordReset,
    /// 刪除註冊確認信 (`cancellation`).
    CancellationConfirm,
    /// 刪除通知 (`deleted`).
    Deleted,
    /// 電子郵件信箱變更通知 (`email-changed`).
    EmailChanged,
    /// 註冊密碼變更通知 (`password-changed`).
    PasswordChanged,
    /// 刪除註冊申請通知 (`cancellation-notice`).
    CancellationNotice,
    /// 電子郵件信箱變更確認信 (`email-change`).
    EmailChangeConfirm,
}

impl LetterKind {
    /// Every kind, in the order of the registration's life.
    pub const ALL: [LetterKind; 9] = [
        LetterKind::Confirmation,
        LetterKind::Completion,
        LetterKind::PasswordReset,
        LetterKind::CancellationConfirm,
        LetterKind::CancellationNotice,
        LetterKind::Deleted,
        LetterKind::EmailChangeConfirm,
        LetterKind::EmailChanged,
        LetterKind::PasswordChanged,
    ];

    /// The slug: `confirmation`, `completion`, `password-reset`, `cancellation`,
    /// `cancellation-notice`, `deleted`, `email-change`, `email-changed`, `password-changed`.
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            LetterKind::Confirmation => "confirmation",
            LetterKind::Completion => "completion",
            LetterKind::PasswordReset => "password-reset",
            LetterKind::CancellationConfirm => "cancellation",
            LetterKind::Deleted => "deleted",
            LetterKind::EmailChanged => "email-changed",
            LetterKind::PasswordChanged => "password-changed",
            LetterKind::CancellationNotice => "cancellation-notice",
            LetterKind::EmailChangeConfirm => "email-change",
        }
    }

    /// The subject in one language.
    #[must_use]
    pub fn subject(self, lang: Lang) -> &'static str {
        match self {
            LetterKind::Confirmation => Msg::LetterSubjectConfirmation.text(lang),
            LetterKind::Completion => Msg::LetterSubjectCompletion.text(lang),
            LetterKind::PasswordReset => Msg::LetterSubjectReset.text(lang),
            LetterKind::CancellationConfirm => Msg::LetterSubjectCancellation.text(lang),
            LetterKind::Deleted => Msg::LetterSubjectDeleted.text(lang),
            LetterKind::CancellationNotice => Msg::LetterSubjectCancellationNotice.text(lang),
            LetterKind::EmailChanged => Msg::LetterSubjectEmailChanged.text(lang),
            LetterKind::PasswordChanged => Msg::LetterSubjectPasswordChanged.text(lang),
            LetterKind::EmailChangeConfirm => Msg::LetterSubjectEmailChange.text(lang),
        }
    }
}

impl fmt::Display for LetterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// The error of [`LetterKind::from_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", bilingual("notify-unknown-letter"))]
#[non_exhaustive]
pub struct UnknownLetter;

impl FromStr for LetterKind {
    type Err = UnknownLetter;

    /// Parses a slug (case-insensitive; `_` for `-` accepted).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        LetterKind::ALL
            .into_iter()
            .find(|k| k.slug() == s)
            .ok_or(UnknownLetter)
    }
}

/// Which languages a letter shows. Letters are sent [`LetterLangs::Both`] (SPEC §4.11); one
/// language alone is for previews.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LetterLangs {
    /// zh-TW first, English after (what is sent).
    #[default]
    Both,
    /// One language only.
    Only(Lang),
}

impl LetterLangs {
    /// The languages, zh-TW first.
    #[must_use]
    pub fn langs(self) -> &'static [Lang] {
        match self {
            LetterLangs::Both => &[Lang::ZhTw, Lang::En],
            LetterLangs::Only(lang) => Lang::ALL
                .iter()
                .position(|l| *l == lang)
                .map_or(&[], |i| &Lang::ALL[i..=i]),
        }
    }

    /// The `Content-Language` header value: `zh-TW, en`, `zh-TW` or `en`.
    #[must_use]
    pub fn content_language(self) -> &'static str {
        match self {
            LetterLangs::Both => "zh-TW, en",
            LetterLangs::Only(lang) => lang.tag(),
        }
    }

    /// A short tag for file names: `bilingual`, `zh-TW` or `en`.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            LetterLangs::Both => "bilingual",
            LetterLangs::Only(lang) => lang.tag(),
        }
    }
}

/// Why a letter could not be rendered (a template failed to write: not expected to happen).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LetterError {
    /// A template failed.
    #[error("{}", bilingual("notify-letter-template"))]
    Template {
        /// What the template engine said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn tpl<T: Template>(t: &T) -> Result<String, LetterError> {
    t.render().map_err(|e| LetterError::Template {
        source: Box::new(e),
    })
}

/// A rendered letter: subject, plain-text part, HTML part and the links it contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedLetter {
    kind: LetterKind,
    langs: LetterLangs,
    subject: String,
    text: String,
    html: String,
    links: Vec<Url>,
}

impl RenderedLetter {
    /// Which letter.
    #[must_use]
    pub fn kind(&self) -> LetterKind {
        self.kind
    }

    /// Which languages it shows.
    #[must_use]
    pub fn langs(&self) -> LetterLangs {
        self.langs
    }

    /// The subject, one line (bilingual: 「中文(English)」, as the manual shows it).
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The `text/plain` part.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The `text/html` part.
    #[must_use]
    pub fn html(&self) -> &str {
        &self.html
    }

    /// Every link the letter contains (all below the public base URL).
    #[must_use]
    pub fn links(&self) -> &[Url] {
        &self.links
    }
}

/// The NHIA hotline's numbers as the letters print them: after 「並電洽本署健保服務專線：」 in
/// the change notices and in every letter's closing paragraph (「市話撥打 0800-030-598 或
/// 4128-678(不須加區碼)手機撥打 02-4128-678」). [`Default`] is what the manual prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hotline {
    /// The toll-free number (manual: `0800-030-598`).
    pub toll_free: String,
    /// The number dialled without an area code from a fixed line (manual: `4128-678`).
    pub local: String,
    /// The number to dial from a mobile phone (manual: `02-4128-678`).
    pub mobile: String,
}

impl Default for Hotline {
    fn default() -> Self {
        Hotline {
            toll_free: "0800-030-598".to_owned(),
            local: "4128-678".to_owned(),
            mobile: "02-4128-678".to_owned(),
        }
    }
}

/// The NHIA's online services the completion letter lists with their addresses
/// (「一、個人健康資料網路服務作業，網址：…」), as absolute URLs (the settings check them).
/// [`Default`] is what the manual prints. They are not the site's: [`RenderedLetter::links`]
/// leaves them out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceLinks {
    /// 一、個人健康資料網路服務作業 (manual: `https://eservice.nhi.gov.tw/Personal/System/Login.aspx`).
    pub personal: String,
    /// 二、健康存摺 (manual: `https://med.nhi.gov.tw/hke0000/HKE0100S01.aspx`).
    pub health_bank: String,
    /// 三、全民健保行動快易通 APP (manual: the NHIA page about the app).
    pub app: String,
}

impl ServiceLinks {
    /// The manual's addresses.
    pub const MANUAL: [&'static str; 3] = [
        "https://eservice.nhi.gov.tw/Personal/System/Login.aspx",
        "https://med.nhi.gov.tw/hke0000/HKE0100S01.aspx",
        "https://www.nhi.gov.tw/webdata/webdata.aspx?menu=98&menu_id=10508WWD_ID=8&webdata_id=4247",
    ];
}

impl Default for ServiceLinks {
    fn default() -> Self {
        let [personal, health_bank, app] = ServiceLinks::MANUAL.map(str::to_owned);
        ServiceLinks {
            personal,
            health_bank,
            app,
        }
    }
}

/// Renders letters with links below one public base URL.
#[derive(Clone, Debug)]
pub struct LetterRenderer {
    base: PublicBaseUrl,
    hotline: Hotline,
    services: ServiceLinks,
}

/// The subject of `kind` in `langs`, header-safe.
fn subject(kind: LetterKind, langs: LetterLangs) -> String {
    let s = match langs {
        LetterLangs::Both => format!("{}({})", kind.subject(Lang::ZhTw), kind.subject(Lang::En)),
        LetterLangs::Only(lang) => kind.subject(lang).to_owned(),
    };
    header_value(&s)
}

/// The body of `letter` in one language and part.
fn body(
    base: &PublicBaseUrl,
    services: &ServiceLinks,
    letter: &Letter,
    f: Fmt<'_>,
) -> Result<String, LetterError> {
    let hotline = || f.t(Msg::LetterHotline.id());
    let at = |t: &RocDateTime| f.strong(f.value(&t.format(f.lang)));
    let label_line = |label: &Markup| f.ta("letter-link-label", &[("link", label.clone())]);
    let forgot_link = |href: &str| {
        let quoted = f.ta("letter-quoted", &[("text", f.t("letter-forgot-password"))]);
        f.link(href, quoted)
    };
    match letter {
        Letter::Confirmation(l) => {
            let link = base.verify_email(&l.token);
            let label = f.t(Msg::LetterLinkConfirmation.id());
            let v = t::Confirmation {
                intro: f.ta("letter-confirmation-intro", &[("link", label.clone())]),
                link: f.value(link.as_str()),
                label_line: label_line(&label),
                label,
                validity: f.ta(
                    "letter-confirmation-validity",
                    &[("expires", at(&l.expires_at))],
                ),
                not_you: f.t("letter-confirmation-not-you"),
                hotline: hotline(),
            };
            part(
                f,
                &t::ConfirmationText { v: &v },
                &t::ConfirmationHtml { v: &v },
            )
        }
        Letter::EmailChangeConfirm(l) => {
            let link = base.confirm_email(&l.token);
            let label = f.t(Msg::LetterLinkEmailChange.id());
            let v = t::Confirmation {
                intro: f.ta("letter-email-change-intro", &[("link", label.clone())]),
                link: f.value(link.as_str()),
                label_line: label_line(&label),
                label,
                validity: f.ta(
                    "letter-email-change-validity",
                    &[("expires", at(&l.expires_at))],
                ),
                not_you: f.t("letter-email-change-not-you"),
                hotline: hotline(),
            };
            part(
                f,
                &t::ConfirmationText { v: &v },
                &t::ConfirmationHtml { v: &v },
            )
        }
        Letter::Completion(_) => {
            let login = base.login();
            let item = |id: &str, url: &str| f.ta(id, &[("url", f.link(url, f.value(url)))]);
            let (s1, s2, s3) = (
                item("letter-completion-service-1", &services.personal),
                item("letter-completion-service-2", &services.health_bank),
                item("letter-completion-service-3", &services.app),
            );
            let v = t::Completion {
                intro: f.ta(
                    "letter-completion-intro",
                    &[("keep", f.strong(f.t("letter-completion-keep")))],
                ),
                login: f.ta(
                    "letter-completion-login",
                    &[("login", f.link(login.as_str(), f.value(login.as_str())))],
                ),
                services: f.t("letter-completion-services"),
                list_style: f.t("letter-list-style"),
                item1: f.item(1, s1.clone()),
                item2: f.item(2, s2.clone()),
                item3: f.item(3, s3.clone()),
                service1: s1,
                service2: s2,
                service3: s3,
                service1_items: (1..=5)
                    .map(|i| f.t(&format!("letter-completion-service-1-{i}")))
                    .collect(),
                outro: f.optional("letter-completion-outro"),
            };
            part(
                f,
                &t::CompletionText { v: &v },
                &t::CompletionHtml { v: &v },
            )
        }
        Letter::PasswordReset(l) => {
            let link = base.reset_password(&l.token);
            let label = f.t(Msg::LetterLinkReset.id());
            let v = t::Reset {
                intro: f.ta("letter-reset-intro", &[("link", label.clone())]),
                link: f.value(link.as_str()),
                label_line: label_line(&label),
                label,
                validity: f.ta(
                    "letter-reset-validity",
                    &[
                        ("expires", at(&l.expires_at)),
                        ("app", f.t(Msg::ResetAppNotice.id())),
                    ],
                ),
                not_you: f.t("letter-reset-not-you"),
                hotline: hotline(),
            };
            part(f, &t::ResetText { v: &v }, &t::ResetHtml { v: &v })
        }
        Letter::CancellationConfirm(l) => {
            let link = base.cancel_confirm();
            let label = f.t(Msg::LetterLinkCancellation.id());
            let v = t::Cancel {
                intro: f.ta("letter-cancellation-intro", &[("link", label.clone())]),
                link: f.value(link.as_str()),
                label_line: label_line(&label),
                label,
                code: f.ta(
                    "letter-cancellation-code",
                    &[("code", f.code(l.code.expose()))],
                ),
                validity: f.ta(
                    "letter-cancellation-validity",
                    &[
                        ("expires", at(&l.expires_at)),
                        ("app", f.t(Msg::CancelAppNotice.id())),
                    ],
                ),
                not_you: f.t("letter-cancellation-not-you"),
                hotline: hotline(),
            };
            part(f, &t::CancelText { v: &v }, &t::CancelHtml { v: &v })
        }
        Letter::Deleted(_) => {
            let v = t::Deleted {
                body: f.t("letter-deleted-body"),
                questions: f.t("letter-deleted-questions"),
            };
            part(f, &t::DeletedText { v: &v }, &t::DeletedHtml { v: &v })
        }
        Letter::EmailChanged(l) => {
            let forgot = base.forgot_password();
            let masked = mask_email(l.new_email.as_str());
            let v = t::EmailChanged {
                body: f.ta(
                    "letter-email-changed-body",
                    &[
                        ("at", at(&l.changed_at)),
                        ("email", f.strong(f.value(&masked))),
                    ],
                ),
                not_you: f.ta(
                    "letter-email-changed-not-you",
                    &[("forgot", forgot_link(forgot.as_str()))],
                ),
                forgot: f.value(forgot.as_str()),
                forgot_line: label_line(&f.t("letter-forgot-password")),
                hotline: hotline(),
            };
            part(
                f,
                &t::EmailChangedText { v: &v },
                &t::EmailChangedHtml { v: &v },
            )
        }
        Letter::PasswordChanged(l) => {
            let forgot = base.forgot_password();
            let v = t::PasswordChanged {
                body: f.ta(
                    "letter-password-changed-body",
                    &[
                        ("at", at(&l.changed_at)),
                        ("app", f.t(Msg::AppPasswordNote.id())),
                    ],
                ),
                not_you: f.ta(
                    "letter-password-changed-not-you",
                    &[("forgot", forgot_link(forgot.as_str()))],
                ),
                forgot: f.value(forgot.as_str()),
                forgot_line: label_line(&f.t("letter-forgot-password")),
                hotline: hotline(),
            };
            part(
                f,
                &t::PasswordChangedText { v: &v },
                &t::PasswordChangedHtml { v: &v },
            )
        }
        Letter::CancellationNotice(l) => {
            let link = base.cancel_stop(&l.stop);
            let masked = mask_email(l.new_email.as_str());
            let label = f.t(Msg::LetterLinkCancellationStop.id());
            let email = f.strong(f.value(&masked));
            let what = match &l.effective_at {
                Some(eff) => f.ta(
                    "letter-cancellation-notice-confirmed",
                    &[
                        ("email", email),
                        ("at", at(&l.requested_at)),
                        ("effective", at(eff)),
                    ],
                ),
                None => f.ta(
                    "letter-cancellation-notice-requested",
                    &[("email", email), ("at", at(&l.requested_at))],
                ),
            };
            let v = t::CancelNotice {
                what,
                not_you: f.ta(
                    "letter-cancellation-notice-not-you",
                    &[("link", label.clone())],
                ),
                link: f.value(link.as_str()),
                label_line: label_line(&label),
                label,
                validity: f.ta(
                    "letter-cancellation-notice-validity",
                    &[("expires", at(&l.stop_expires_at))],
                ),
                hotline: hotline(),
            };
            part(
                f,
                &t::CancelNoticeText { v: &v },
                &t::CancelNoticeHtml { v: &v },
            )
        }
    }
}

/// Renders the plain-text or the HTML template of a body.
fn part(f: Fmt<'_>, text: &impl Template, html: &impl Template) -> Result<String, LetterError> {
    let s = if f.html { tpl(html)? } else { tpl(text)? };
    Ok(s.trim_end_matches('\n').to_owned())
}

/// The part of one language (`f`): greeting, body, sign-off.
fn lang_part(
    base: &PublicBaseUrl,
    services: &ServiceLinks,
    letter: &Letter,
    f: Fmt<'_>,
) -> Result<Part, LetterError> {
    let name = display_value(letter.name());
    let greeting = if name.is_empty() {
        f.t("letter-greeting-anonymous")
    } else {
        f.ta("letter-greeting", &[("name", f.value(&name))])
    };
    let date = match letter {
        Letter::Deleted(d) => Some(f.ta(
            "letter-date",
            &[
                ("roc", f.value(&d.deleted_on.format_long())),
                ("date", f.value(&d.deleted_on.format_english())),
            ],
        )),
        _ => None,
    };
    Ok(Part {
        lang: f.t("letter-html-lang"),
        banner: f.t("letter-banner"),
        primary: f.lang == Lang::default(),
        greeting,
        body: Markup::from(body(base, services, letter, f)?),
        closing: f.t("letter-closing"),
        signature: f.t("letter-signature"),
        date,
        automatic: f.t(Msg::LetterAutomatic.id()),
    })
}

impl LetterRenderer {
    /// A renderer whose links start with `base`.
    #[must_use]
    pub fn new(base: PublicBaseUrl) -> Self {
        LetterRenderer {
            base,
            hotline: Hotline::default(),
            services: ServiceLinks::default(),
        }
    }

    /// The same renderer listing `services` in the completion letter.
    #[must_use]
    pub fn with_service_links(mut self, services: ServiceLinks) -> Self {
        self.services = services;
        self
    }

    /// The online services' addresses the completion letter lists.
    #[must_use]
    pub fn service_links(&self) -> &ServiceLinks {
        &self.services
    }

    /// The same renderer printing `hotline`'s numbers.
    #[must_use]
    pub fn with_hotline(mut self, hotline: Hotline) -> Self {
        self.hotline = hotline;
        self
    }

    /// The hotline's numbers the letters print.
    #[must_use]
    pub fn hotline(&self) -> &Hotline {
        &self.hotline
    }

    /// The public base URL.
    #[must_use]
    pub fn base(&self) -> &PublicBaseUrl {
        &self.base
    }

    /// Renders a letter in `langs`. Names are cleaned (no control, bidi-override or invisible
    /// characters; at most 64 characters) and every value is HTML-escaped in the HTML part.
    ///
    /// # Errors
    /// [`LetterError::Template`] if a template fails to write (not expected).
    pub fn render(
        &self,
        letter: &Letter,
        langs: LetterLangs,
    ) -> Result<RenderedLetter, LetterError> {
        let kind = letter.kind();
        let subject = subject(kind, langs);
        let parts = |html: bool| {
            langs
                .langs()
                .iter()
                .map(|&lang| {
                    let f = Fmt {
                        lang,
                        html,
                        hotline: &self.hotline,
                    };
                    lang_part(&self.base, &self.services, letter, f)
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let text = tpl(&t::LayoutText {
            parts: &parts(false)?,
        })?;
        let html_parts = parts(true)?;
        let html_lang = html_parts
            .first()
            .map_or_else(|| Markup::from(String::new()), |p| p.lang.clone());
        let html = tpl(&t::LayoutHtml {
            html_lang: &html_lang,
            subject: &subject,
            parts: &html_parts,
        })?;
        Ok(RenderedLetter {
            kind,
            langs,
            subject,
            text: normalize_newlines(&text),
            html: normalize_newlines(&html),
            links: self.links(letter),
        })
    }

    /// Every link `letter` contains.
    fn links(&self, letter: &Letter) -> Vec<Url> {
        match letter {
            Letter::Confirmation(l) => vec![self.base.verify_email(&l.token)],
            Letter::Completion(_) => vec![self.base.login()],
            Letter::PasswordReset(l) => vec![self.base.reset_password(&l.token)],
            Letter::CancellationConfirm(_) => vec![self.base.cancel_confirm()],
            Letter::Deleted(_) => Vec::new(),
            Letter::EmailChanged(_) | Letter::PasswordChanged(_) => {
                vec![self.base.forgot_password()]
            }
            Letter::CancellationNotice(l) => vec![self.base.cancel_stop(&l.stop)],
            Letter::EmailChangeConfirm(l) => vec![self.base.confirm_email(&l.token)],
        }
    }
}

/// Ends the part with exactly one newline and removes trailing spaces of lines.
fn normalize_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for line in s.trim_end().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in LetterKind::ALL {
            assert_eq!(k.slug().parse::<LetterKind>(), Ok(k));
        }
        assert_eq!(
            "Password_Reset".parse::<LetterKind>(),
            Ok(LetterKind::PasswordReset)
        );
        assert!("nope".parse::<LetterKind>().is_err());
    }

    #[test]
    fn subjects_are_one_line() {
        for k in LetterKind::ALL {
            for langs in [
                LetterLangs::Both,
                LetterLangs::Only(Lang::ZhTw),
                LetterLangs::Only(Lang::En),
            ] {
                let s = subject(k, langs);
                assert!(!s.contains(['\r', '\n']));
                assert!(!s.is_empty());
            }
        }
    }
}
