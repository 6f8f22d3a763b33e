//! The askama templates of the letters (in `templates/`) and the catalog texts they show.
//!
//! A letter is rendered once per language and per part (plain text, HTML): the body of each
//! letter (`<slug>.txt`, `<slug>.html`) has one layout for every language, its texts come
//! from the catalog (`letters.ftl`) through [`Fmt`], and the layout (`layout.txt`,
//! `layout.html`) shows the languages one after the other with the greeting, the sign-off
//! and the footer. A third language needs only its `.ftl` files.
//!
//! In the plain-text part, texts are shown as they are (values were cleaned by
//! [`crate::text::display_value`]). In the HTML part every value is escaped by askama's HTML
//! escaper, and a catalog text is escaped with its straight quotes made typographic
//! (`"` → `&ldquo;`/`&rdquo;`, `'` → `&rsquo;`) and its line breaks as `<br>`; a message's
//! `.html` attribute, when it has one, is its HTML form.

use core::fmt;

use askama::Template;

use crate::letter::Hotline;
use askama::filters::Escaper as _;
use twnhi_account::messages::{self, Arg, Lang};

/// A text ready for one part: plain in the plain-text part, HTML in the HTML part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Markup(String);

impl Markup {
    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Markup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Markup {
    fn from(s: String) -> Self {
        Markup(s)
    }
}

/// Already escaped in the HTML part (see [`Fmt`]).
impl askama::filters::HtmlSafe for Markup {}

/// Marks a catalog argument in the HTML form of a message (private-use characters).
const ARG_START: char = '\u{E000}';
const ARG_END: char = '\u{E001}';

/// The texts of one language in one part of a letter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fmt<'a> {
    /// The language.
    pub lang: Lang,
    /// The HTML part (else the plain-text part).
    pub html: bool,
    /// The hotline's numbers, given to every catalog text as `$toll-free`, `$local-number`
    /// and `$mobile-number`.
    pub hotline: &'a Hotline,
}

impl Fmt<'_> {
    /// A value (a name, an address, a date) as it is, escaped in the HTML part.
    pub(crate) fn value(self, s: &str) -> Markup {
        if self.html {
            let mut out = String::with_capacity(s.len());
            let _ = askama::filters::Html.write_escaped_str(&mut out, s);
            Markup(out)
        } else {
            Markup(s.to_owned())
        }
    }

    /// `<strong>` in the HTML part.
    pub(crate) fn strong(self, m: Markup) -> Markup {
        if self.html {
            Markup(format!("<strong>{m}</strong>"))
        } else {
            m
        }
    }

    /// A link to `href` showing `label` in the HTML part; the label in the plain-text part.
    pub(crate) fn link(self, href: &str, label: Markup) -> Markup {
        if self.html {
            Markup(format!("<a href=\"{}\">{label}</a>", self.value(href)))
        } else {
            label
        }
    }

    /// The e-mail verification code, large and monospaced in the HTML part.
    pub(crate) fn code(self, code: &str) -> Markup {
        if self.html {
            Markup(format!(
                "<code style=\"font-family:Consolas,'Courier New',monospace;font-size:20px;letter-spacing:3px;background:#f0f0f0;padding:2px 6px;\">{}</code>",
                self.value(code)
            ))
        } else {
            Markup(code.to_owned())
        }
    }

    /// The catalog text `id` without arguments.
    pub(crate) fn t(self, id: &str) -> Markup {
        self.ta(id, &[])
    }

    /// The catalog text `id` with arguments, each already made for this part.
    pub(crate) fn ta(self, id: &str, args: &[(&str, Markup)]) -> Markup {
        let mut all: Vec<(&str, Markup)> = args.to_vec();
        all.extend([
            ("toll-free", self.value(&self.hotline.toll_free)),
            ("local-number", self.value(&self.hotline.local)),
            ("mobile-number", self.value(&self.hotline.mobile)),
        ]);
        let args = all.as_slice();
        if !self.html {
            let args: Vec<(&str, Arg<'_>)> = args
                .iter()
                .map(|(n, v)| (*n, Arg::from(v.as_str())))
                .collect();
            return Markup(messages::format(self.lang, id, &args));
        }
        let html_id = format!("{id}.html");
        let id = if messages::has(self.lang, &html_id) {
            html_id.as_str()
        } else {
            id
        };
        let marks: Vec<(&str, Arg<'_>)> = args
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (*n, Arg::from(format!("{ARG_START}{i}{ARG_END}"))))
            .collect();
        let raw = messages::format(self.lang, id, &marks);
        let mut out = String::with_capacity(raw.len() + 16);
        let mut open = true;
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match c {
                ARG_START => {
                    let n: String = chars.by_ref().take_while(|&c| c != ARG_END).collect();
                    if let Some((_, v)) = n.parse::<usize>().ok().and_then(|i| args.get(i)) {
                        out.push_str(v.as_str());
                    }
                }
                '"' => {
                    out.push_str(if open { "&ldquo;" } else { "&rdquo;" });
                    open = !open;
                }
                '\'' => out.push_str("&rsquo;"),
                '\n' => out.push_str("<br>"),
                c => {
                    let _ = askama::filters::Html.write_escaped_char(&mut out, c);
                }
            }
        }
        Markup(out)
    }

    /// The catalog text `id`, or `None` when it is a lone `-` (a paragraph this language
    /// leaves out).
    pub(crate) fn optional(self, id: &str) -> Option<Markup> {
        let m = self.t(id);
        (m.as_str() != "-").then_some(m)
    }

    /// Item `n` (from 1) of a numbered list in the plain-text part: 「一、text」, "I. text".
    pub(crate) fn item(self, n: u32, text: Markup) -> Markup {
        Markup(messages::format(
            self.lang,
            "letter-list-item",
            &[("n", n.into()), ("text", Arg::from(text.as_str()))],
        ))
    }
}

/// One language of a letter, for the layout.
pub(crate) struct Part {
    /// `lang` of its HTML block.
    pub lang: Markup,
    /// The banner line (HTML).
    pub banner: Markup,
    /// The banner in bold (the site's first language).
    pub primary: bool,
    /// 「親愛的 測試一 您好：」.
    pub greeting: Markup,
    /// The letter's own text.
    pub body: Markup,
    /// 「敬祝 身體健康 萬事如意」.
    pub closing: Markup,
    /// 「衛生福利部中央健康保險署敬啟」.
    pub signature: Markup,
    /// A date under the signature (the deletion notice).
    pub date: Option<Markup>,
    /// 「注意：本信件為系統自動寄發，請勿直接回覆」.
    pub automatic: Markup,
}

/// The plain-text layout.
#[derive(Template)]
#[template(path = "layout.txt")]
pub(crate) struct LayoutText<'a> {
    pub parts: &'a [Part],
}

/// The HTML layout.
#[derive(Template)]
#[template(path = "layout.html")]
pub(crate) struct LayoutHtml<'a> {
    /// `lang` of the document (its first language's).
    pub html_lang: &'a Markup,
    /// The subject (the `<title>`).
    pub subject: &'a str,
    pub parts: &'a [Part],
}

/// Declares the texts of one letter's body (every field a [`Markup`]) and its text and
/// HTML template structs, which show them.
macro_rules! letter_body {
    ($texts:ident, $text:ident = $text_path:literal, $html:ident = $html_path:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        pub(crate) struct $texts {
            $(pub $field: $ty,)*
        }

        #[derive(Template)]
        #[template(path = $text_path)]
        pub(crate) struct $text<'a> {
            pub v: &'a $texts,
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        pub(crate) struct $html<'a> {
            pub v: &'a $texts,
        }
    };
}

letter_body!(Confirmation, ConfirmationText = "confirmation.txt", ConfirmationHtml = "confirmation.html" {
    intro: Markup,
    link: Markup,
    label: Markup,
    label_line: Markup,
    validity: Markup,
    not_you: Markup,
    hotline: Markup,
});

letter_body!(Completion, CompletionText = "completion.txt", CompletionHtml = "completion.html" {
    intro: Markup,
    login: Markup,
    services: Markup,
    list_style: Markup,
    service1: Markup,
    service2: Markup,
    service3: Markup,
    item1: Markup,
    item2: Markup,
    item3: Markup,
    service1_items: Vec<Markup>,
    outro: Option<Markup>,
});

letter_body!(Reset, ResetText = "password_reset.txt", ResetHtml = "password_reset.html" {
    intro: Markup,
    link: Markup,
    label: Markup,
    label_line: Markup,
    validity: Markup,
    not_you: Markup,
    hotline: Markup,
});

letter_body!(Cancel, CancelText = "cancellation.txt", CancelHtml = "cancellation.html" {
    intro: Markup,
    link: Markup,
    label: Markup,
    label_line: Markup,
    code: Markup,
    validity: Markup,
    not_you: Markup,
    hotline: Markup,
});

letter_body!(Deleted, DeletedText = "deleted.txt", DeletedHtml = "deleted.html" {
    body: Markup,
    questions: Markup,
});

letter_body!(EmailChanged, EmailChangedText = "email_changed.txt", EmailChangedHtml = "email_changed.html" {
    body: Markup,
    not_you: Markup,
    forgot: Markup,
    forgot_line: Markup,
    hotline: Markup,
});

letter_body!(PasswordChanged, PasswordChangedText = "password_changed.txt", PasswordChangedHtml = "password_changed.html" {
    body: Markup,
    not_you: Markup,
    forgot: Markup,
    forgot_line: Markup,
    hotline: Markup,
});

letter_body!(CancelNotice, CancelNoticeText = "cancellation_notice.txt", CancelNoticeHtml = "cancellation_notice.html" {
    what: Markup,
    not_you: Markup,
    link: Markup,
    label: Markup,
    label_line: Markup,
    validity: Markup,
    hotline: Markup,
});
