//! The askama page structs (templates in `templates/`, checked at compile time; every
//! `{{ value }}` is HTML-escaped) and the small view types they show.

use std::fmt;
use std::sync::LazyLock;

use askama::Template;
use twnhi_account::household;
use twnhi_account::messages::{self, Lang, Localized, Msg};

/// A catalog text shown as HTML element content: `&`, `<` and `>` are escaped, quotes are
/// kept (so a page's bytes are what they were when the texts were inline).
pub(crate) struct PageText(String);

impl fmt::Display for PageText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0.as_str();
        while let Some(i) = rest.find(['&', '<', '>']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                _ => "&gt;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Already escaped for element content ([`PageText`]'s `Display`).
impl askama::filters::HtmlSafe for PageText {}

/// A catalog text with inline markup (ids ending in `-html`), shown as written.
pub(crate) struct PageMarkup(String);

impl fmt::Display for PageMarkup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The catalog is part of the program: its markup is shown as written.
impl askama::filters::HtmlSafe for PageMarkup {}

/// The text helpers of every page template: `{{ zh("login-title") }}` and
/// `{{ en("login-title") }}` show a catalog text (`crates/twnhi-texts/locales/*/pages.ftl`
/// and the other files) in the page's two languages, zh-TW first as the manual prints them.
/// The texts are escaped for element content; an attribute value may use them only for
/// texts without quotes.
pub(crate) trait Texts {
    /// The zh-TW text of `id`.
    fn zh(&self, id: impl AsRef<str>) -> PageText {
        PageText(messages::text(Lang::ZhTw, id.as_ref()))
    }

    /// The English text of `id`.
    fn en(&self, id: impl AsRef<str>) -> PageText {
        PageText(messages::text(Lang::En, id.as_ref()))
    }

    /// The zh-TW text of `id` with its one argument `name` (`{ $name }` in the catalog):
    /// `{{ zh_arg("setup-bridge-intro", "origin", bridge_origin) }}`.
    fn zh_arg(&self, id: impl AsRef<str>, name: &str, value: impl fmt::Display) -> PageText {
        PageText(with_arg(Lang::ZhTw, id.as_ref(), name, value.to_string()))
    }

    /// The English text of `id` with its one argument `name` (see [`Texts::zh_arg`]).
    fn en_arg(&self, id: impl AsRef<str>, name: &str, value: impl fmt::Display) -> PageText {
        PageText(with_arg(Lang::En, id.as_ref(), name, value.to_string()))
    }

    /// The zh-TW text of `id`, a catalog text with inline markup (`<code>`, `<a href>`),
    /// shown as written: the catalog is part of the program, never user input. Only
    /// texts whose ids end in `-html` are meant for it.
    fn zh_markup(&self, id: impl AsRef<str>) -> PageMarkup {
        PageMarkup(messages::text(Lang::ZhTw, id.as_ref()))
    }

    /// The English text of `id`, with inline markup (see [`Texts::zh_markup`]).
    fn en_markup(&self, id: impl AsRef<str>) -> PageMarkup {
        PageMarkup(messages::text(Lang::En, id.as_ref()))
    }

    /// A markup text (see [`Texts::zh_markup`]) with one argument, which is escaped.
    fn zh_markup_arg(
        &self,
        id: impl AsRef<str>,
        name: &str,
        value: impl fmt::Display,
    ) -> PageMarkup {
        let value = PageText(value.to_string()).to_string();
        PageMarkup(with_arg(Lang::ZhTw, id.as_ref(), name, value))
    }

    /// The English markup text of `id` with one argument (see [`Texts::zh_markup_arg`]).
    fn en_markup_arg(
        &self,
        id: impl AsRef<str>,
        name: &str,
        value: impl fmt::Display,
    ) -> PageMarkup {
        let value = PageText(value.to_string()).to_string();
        PageMarkup(with_arg(Lang::En, id.as_ref(), name, value))
    }

    /// The texts of the site's script (`assets/site.js`) as the JSON the base template embeds
    /// in `<script type="application/json" id="site-texts">`.
    fn script_texts(&self) -> PageMarkup {
        PageMarkup(SCRIPT_TEXTS.clone())
    }
}

/// The catalog ids `assets/site.js` uses.
pub(crate) const SCRIPT_TEXT_IDS: &[&str] = &[
    "site-js-unreachable",
    "site-js-card-timeout",
    "site-js-busy",
    "site-js-reading-card",
    "site-js-card-verified",
    "site-js-connection-ok",
    "site-js-connection-failed",
    "site-js-card-read",
    "site-js-card-checked",
    "site-js-reader",
    "site-js-card-number",
    "site-js-card-inserted",
    "site-js-no-card",
    "site-js-no-reader",
    "strength-weak",
    "strength-medium",
    "strength-medium-strong",
    "strength-strong",
    "password-strength-none",
];

/// `{"id": {"zh": …, "en": …}}` of [`SCRIPT_TEXT_IDS`], with every `<` written `\u003c` so
/// that no text can end the script element.
static SCRIPT_TEXTS: LazyLock<String> = LazyLock::new(|| {
    let map: serde_json::Map<String, serde_json::Value> = SCRIPT_TEXT_IDS
        .iter()
        .map(|id| {
            (
                (*id).to_owned(),
                serde_json::json!({
                    "zh": messages::text(Lang::ZhTw, id),
                    "en": messages::text(Lang::En, id),
                }),
            )
        })
        .collect();
    serde_json::Value::Object(map)
        .to_string()
        .replace('<', "\\u003c")
});

fn with_arg(lang: Lang, id: &str, name: &str, value: String) -> String {
    messages::format(lang, id, &[(name, value.into())])
}

impl<T: Template> Texts for T {}

/// One message in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub(crate) fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The catalog text `id` (`pages.ftl`, `messages.ftl` …) in both languages.
    pub(crate) fn id(id: &str) -> Self {
        Text::new(messages::text(Lang::ZhTw, id), messages::text(Lang::En, id))
    }

    /// The two texts on one line, zh-TW first ("系統忙碌中… The system is busy…"), for
    /// plain-text answers.
    pub(crate) fn side_by_side(&self) -> String {
        format!("{} {}", self.zh, self.en)
    }

    /// A catalog message.
    pub(crate) fn msg(m: Msg) -> Self {
        Text::new(m.zh(), m.en())
    }

    /// The message of a localized error, with its parameters.
    pub(crate) fn of_service(e: &twnhi_service::ServiceError) -> Self {
        Text::new(e.text(Lang::ZhTw), e.text(Lang::En))
    }

    /// The catalog message of an error of `twnhi-account`.
    pub(crate) fn of(e: &impl Localized) -> Self {
        Text::msg(e.msg())
    }
}

/// The 系統訊息 System Message box: empty, an error, a success or a hint.
#[derive(Clone, Debug, Default)]
pub(crate) struct SysMsg {
    pub kind: &'static str,
    pub lines: Vec<Text>,
}

impl SysMsg {
    pub(crate) fn none() -> Self {
        SysMsg {
            kind: "",
            lines: Vec::new(),
        }
    }
    pub(crate) fn error(lines: Vec<Text>) -> Self {
        SysMsg {
            kind: "error",
            lines,
        }
    }
    pub(crate) fn ok(lines: Vec<Text>) -> Self {
        SysMsg { kind: "ok", lines }
    }
    pub(crate) fn info(lines: Vec<Text>) -> Self {
        SysMsg {
            kind: "info",
            lines,
        }
    }
}

/// Errors by field name, in form order.
#[derive(Clone, Debug, Default)]
pub(crate) struct FieldErrors(Vec<(&'static str, Text)>);

impl FieldErrors {
    /// Records an error of a field (the field shows its first; the 系統訊息 lists all).
    pub(crate) fn add(&mut self, field: &'static str, text: Text) {
        if !self.0.iter().any(|(f, t)| *f == field && *t == text) {
            self.0.push((field, text));
        }
    }

    pub(crate) fn get(&self, field: &str) -> Option<&Text> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, t)| t)
    }

    pub(crate) fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The 系統訊息 listing every error.
    pub(crate) fn to_message(&self) -> SysMsg {
        SysMsg::error(self.0.iter().map(|(_, t)| t.clone()).collect())
    }
}

/// What every page's layout shows.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub title_zh: String,
    pub title_en: String,
    pub page_id: &'static str,
    pub csrf: String,
    pub bridge_ws: String,
    pub hours_zh: String,
    pub hours_en: String,
    pub open: bool,
    pub logged_in: bool,
    pub demo: bool,
    pub ticker: Option<String>,
    /// The NHI card authenticated in this session (masked), for the 讀卡機/健保卡號 line
    /// under 姓名; `None` without one (or after a citizen certificate log-in).
    pub card_masked: Option<String>,
}

/// A county of the address select.
pub(crate) struct CountyOpt {
    pub zh: &'static str,
    pub en: &'static str,
}

/// A township of the address select.
pub(crate) struct TownshipOpt {
    pub county_zh: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// Every county and township of the shipped table, for the selects.
pub(crate) struct AddressOptions {
    pub counties: Vec<CountyOpt>,
    pub townships: Vec<TownshipOpt>,
}

static ADDRESS_OPTIONS: LazyLock<AddressOptions> = LazyLock::new(|| AddressOptions {
    counties: household::counties()
        .iter()
        .map(|c| CountyOpt {
            zh: c.zh(),
            en: c.en(),
        })
        .collect(),
    townships: household::townships()
        .iter()
        .map(|t| TownshipOpt {
            county_zh: t.county_zh(),
            zh: t.zh(),
            en: t.en(),
        })
        .collect(),
});

/// Whether an operator's text (an announcement's title or paragraph) is English: Latin
/// letters and no CJK character. The page marks it `lang="en"` (WCAG 3.1.2).
pub(crate) fn is_english(text: &str) -> bool {
    let cjk = |c: char| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}');
    text.chars().any(|c| c.is_ascii_alphabetic()) && !text.chars().any(cjk)
}

/// The address options (used by the `address` macro of `macros.html`).
pub(crate) fn address_options() -> &'static AddressOptions {
    &ADDRESS_OPTIONS
}

/// Browser and operating system as the login and check pages show them.
#[derive(Clone, Debug)]
pub(crate) struct EnvInfo {
    pub browser: String,
    pub os: String,
}

/// One announcement as listed.
#[derive(Clone, Debug)]
pub(crate) struct NewsView {
    pub anchor: String,
    pub date_roc: String,
    pub date_iso: String,
    pub title: String,
    pub paragraphs: Vec<String>,
}

/// The captcha row: the image inline, its alternative text.
#[derive(Clone, Debug)]
pub(crate) struct CaptchaView {
    pub data_uri: String,
    pub alt: String,
    /// The audio clip of the same digits (`/cancel/captcha.wav?r=…`: a new URL per captcha,
    /// so a browser never plays an older clip).
    pub audio_url: String,
    pub audio_zh: &'static str,
    pub audio_en: &'static str,
}

// ----- form values (what the person typed; never passwords) ---------------------------------

/// Household fields (apply step 1, hidden in step 2).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct HouseholdForm {
    pub name: String,
    pub household_id: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub neighborhood: String,
}

/// Contact fields (apply step 2, change data).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ContactForm {
    pub phone_area: String,
    pub phone_number: String,
    pub phone_ext: String,
    pub mobile_area: String,
    pub mobile_number: String,
    pub email: String,
    pub spare_email: String,
}

/// Resend and forgot-password fields.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct LetterForm {
    pub name: String,
    pub method: String,
    pub email: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub neighborhood: String,
    pub mobile_area: String,
    pub mobile_number: String,
}

/// Cancellation request fields.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct CancelForm {
    pub id_number: String,
    pub card_number: String,
    pub captcha: String,
    pub method: String,
    pub email: String,
    pub household_id: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub neighborhood: String,
}

/// Cancellation confirmation fields.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct CancelConfirmForm {
    pub id_number: String,
    pub code: String,
    pub captcha: String,
}

// ----- pages ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    pub l: Layout,
    pub env: EnvInfo,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub news: Vec<NewsView>,
}

#[derive(Template)]
#[template(path = "terms.html")]
pub(crate) struct TermsPage {
    pub l: Layout,
}

#[derive(Template)]
#[template(path = "apply_card.html")]
pub(crate) struct ApplyCardPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub f: HouseholdForm,
}

#[derive(Template)]
#[template(path = "apply_details.html")]
pub(crate) struct ApplyDetailsPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub holder_name: String,
    pub h: HouseholdForm,
    pub f: ContactForm,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub l: Layout,
    pub ok: bool,
    pub lines: Vec<Text>,
    pub warnings: Vec<Text>,
    /// `(href, catalog id of the label)`; the first is the main button.
    pub links: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "verify_email.html")]
pub(crate) struct VerifyEmailPage {
    pub l: Layout,
    pub message: SysMsg,
    pub name: String,
    pub token: String,
}

#[derive(Template)]
#[template(path = "letter_request.html")]
pub(crate) struct LetterRequestPage {
    pub l: Layout,
    pub action: &'static str,
    /// Catalog ids of the first instruction, the delivery choice's heading and its two
    /// options.
    pub instruction: &'static str,
    pub method_label: &'static str,
    pub registered_label: &'static str,
    pub new_label: &'static str,
    /// Catalog id of the prompt beside 讀取 (the manual words it differently per page).
    pub read_prompt: &'static str,
    /// Whether 行動電話 of the 修改 mode is marked `*` (重寄認證信) or not (忘記註冊密碼).
    pub mobile_required: bool,
    pub notice: Option<Text>,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub f: LetterForm,
}

#[derive(Template)]
#[template(path = "reset.html")]
pub(crate) struct ResetPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub name: String,
    pub token: String,
}

#[derive(Template)]
#[template(path = "cancel.html")]
pub(crate) struct CancelPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub f: CancelForm,
    pub captcha: CaptchaView,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "cancel_stop.html")]
pub(crate) struct CancelStopPage {
    pub l: Layout,
    pub message: SysMsg,
    pub token: String,
    pub button_zh: &'static str,
    pub button_en: &'static str,
}

/// The page of the link in the letter to a new main e-mail address: what it does and 【確定】
/// (a link scanner opening the letter's links changes nothing).
#[derive(Template)]
#[template(path = "confirm_email.html")]
pub(crate) struct ConfirmEmailPage {
    pub l: Layout,
    pub message: SysMsg,
    pub token: String,
}

#[derive(Template)]
#[template(path = "cancel_confirm.html")]
pub(crate) struct CancelConfirmPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub f: CancelConfirmForm,
    pub captcha: CaptchaView,
}

#[derive(Template)]
#[template(path = "services.html")]
pub(crate) struct ServicesPage {
    pub l: Layout,
    pub flash: Option<Text>,
    pub holder_name: String,
    pub id_masked: String,
}

/// A produced device code as the page shows it.
pub(crate) struct DeviceCodeView {
    pub code: String,
    pub qr_svg: String,
    pub valid_until_zh: String,
    pub valid_until_en: String,
}

#[derive(Template)]
#[template(path = "device_verify.html")]
pub(crate) struct DeviceVerifyPage {
    pub l: Layout,
    pub message: SysMsg,
    pub account: String,
    pub code: Option<DeviceCodeView>,
}

/// An action button of the device table.
pub(crate) struct DeviceAction {
    pub slug: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// A row of the device table.
pub(crate) struct DeviceRow {
    pub key: String,
    pub platform: String,
    pub model: String,
    pub masked: String,
    pub verified_at: String,
    pub active: bool,
    pub state_zh: &'static str,
    pub state_en: &'static str,
    pub actions: Vec<DeviceAction>,
}

#[derive(Template)]
#[template(path = "devices.html")]
pub(crate) struct DevicesPage {
    pub l: Layout,
    pub message: SysMsg,
    pub devices: Vec<DeviceRow>,
}

#[derive(Template)]
#[template(path = "password.html")]
pub(crate) struct PasswordPage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "profile.html")]
pub(crate) struct ProfilePage {
    pub l: Layout,
    pub message: SysMsg,
    pub errors: FieldErrors,
    pub f: ContactForm,
}

#[derive(Template)]
#[template(path = "setup.html")]
pub(crate) struct SetupPage {
    pub l: Layout,
    pub bridge_origin: String,
    /// The download table: one row per operating system (`pages::info::downloads`).
    pub downloads: Vec<crate::pages::info::DownloadRow>,
    /// Whether the release lists any file (else the page says none is configured).
    pub has_release: bool,
    /// The release's `SHA256SUMS` file, when the site links to it.
    pub sums_url: Option<String>,
}

#[derive(Template)]
#[template(path = "check.html")]
pub(crate) struct CheckPage {
    pub l: Layout,
    pub env: EnvInfo,
    pub bridge_origin: String,
}

#[derive(Template)]
#[template(path = "news.html")]
pub(crate) struct NewsPage {
    pub l: Layout,
    pub news: Vec<NewsView>,
}

/// A letter of the dev mailbox, listed.
pub(crate) struct LetterRow {
    pub id: String,
    pub at: String,
    pub to: String,
    pub kind: String,
    pub subject: String,
}

#[derive(Template)]
#[template(path = "dev_mailbox.html")]
pub(crate) struct DevMailboxPage {
    pub l: Layout,
    pub dir: String,
    pub letters: Vec<LetterRow>,
}

#[derive(Template)]
#[template(path = "dev_letter.html")]
pub(crate) struct DevLetterPage {
    pub l: Layout,
    pub subject: String,
    pub to: String,
    pub at: String,
    pub text: String,
    pub links: Vec<String>,
}

/// A demo person of the card switcher.
pub(crate) struct CardRow {
    pub card_no: String,
    pub name: String,
    pub id_no: String,
    pub birth: String,
    pub household_id: String,
    pub address: String,
    pub registration: String,
    pub inserted: bool,
}

#[derive(Template)]
#[template(path = "dev_cards.html")]
pub(crate) struct DevCardsPage {
    pub l: Layout,
    pub cards: Vec<CardRow>,
    /// The PIN of the simulated citizen certificate cards, if any.
    pub cert_pin: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_finds_every_text_it_uses() {
        let script = crate::assets::SITE_JS;
        let mut used = std::collections::BTreeSet::new();
        for call in ["zh('", "en('", "both('"] {
            for (i, _) in script.match_indices(call) {
                let rest = &script[i + call.len()..];
                used.insert(&rest[..rest.find('\'').unwrap()]);
            }
        }
        let listed: std::collections::BTreeSet<&str> = SCRIPT_TEXT_IDS.iter().copied().collect();
        assert_eq!(used, listed);
        let json: serde_json::Value = serde_json::from_str(&SCRIPT_TEXTS).unwrap();
        for id in SCRIPT_TEXT_IDS {
            assert!(
                messages::has(Lang::ZhTw, id) && messages::has(Lang::En, id),
                "{id}"
            );
            assert_eq!(json[id]["en"], messages::text(Lang::En, id));
        }
        assert!(!SCRIPT_TEXTS.contains('<'));
    }
}
