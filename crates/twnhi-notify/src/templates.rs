//! The askama template structs of the letters (templates in `templates/`).
//!
//! Every letter has a plain-text template (`*.txt`, not escaped: values are cleaned by
//! [`crate::text::display_value`] before they get here) and an HTML template (`*.html`,
//! askama escapes every `{{ value }}`). Both extend a layout that holds the greeting, the
//! sign-off and the footer, and shows the zh-TW block first, then the English one.

use askama::Template;

/// Values every letter shows (the layouts use them).
pub(crate) struct Common {
    /// Show the zh-TW block.
    pub zh: bool,
    /// Show the English block.
    pub en: bool,
    /// `lang` of the HTML document.
    pub html_lang: &'static str,
    /// The subject (the HTML `<title>`).
    pub subject: String,
    /// 「親愛的 測試一 您好：」.
    pub greeting_zh: String,
    /// "Dear 測試一,".
    pub greeting_en: String,
    /// 衛生福利部中央健康保險署.
    pub sender_zh: &'static str,
    /// National Health Insurance Administration, Ministry of Health and Welfare.
    pub sender_en: &'static str,
    /// The hotline sentence (catalog).
    pub hotline_zh: &'static str,
    /// The hotline sentence (catalog).
    pub hotline_en: &'static str,
    /// 「注意：本信件為系統自動寄發，請勿直接回覆」.
    pub automatic_zh: &'static str,
    /// "Note: this letter was sent automatically; please do not reply."
    pub automatic_en: &'static str,
    /// A date under the signature (the deletion notice): 「民國109年10月28日」.
    pub date_zh: Option<String>,
    /// The same date for the English block: `2020/10/28`.
    pub date_en: Option<String>,
}

/// Declares the text and HTML template structs of one letter, with the same fields.
macro_rules! letter_templates {
    ($text:ident = $text_path:literal, $html:ident = $html_path:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Template)]
        #[template(path = $text_path)]
        pub(crate) struct $text<'a> {
            pub c: &'a Common,
            $(pub $field: $ty,)*
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        pub(crate) struct $html<'a> {
            pub c: &'a Common,
            $(pub $field: $ty,)*
        }
    };
}

letter_templates!(ConfirmationText = "confirmation.txt", ConfirmationHtml = "confirmation.html" {
    link: &'a str,
    link_zh: &'static str,
    link_en: &'static str,
    expires_zh: &'a str,
    expires_en: &'a str,
});

letter_templates!(CompletionText = "completion.txt", CompletionHtml = "completion.html" {
    login: &'a str,
});

letter_templates!(ResetText = "password_reset.txt", ResetHtml = "password_reset.html" {
    link: &'a str,
    link_zh: &'static str,
    link_en: &'static str,
    expires_zh: &'a str,
    expires_en: &'a str,
    app_zh: &'static str,
    app_en: &'static str,
});

letter_templates!(CancelText = "cancellation.txt", CancelHtml = "cancellation.html" {
    link: &'a str,
    link_zh: &'static str,
    link_en: &'static str,
    code: &'a str,
    expires_zh: &'a str,
    expires_en: &'a str,
    app_zh: &'static str,
    app_en: &'static str,
});

letter_templates!(DeletedText = "deleted.txt", DeletedHtml = "deleted.html" {});

letter_templates!(EmailChangedText = "email_changed.txt", EmailChangedHtml = "email_changed.html" {
    new_email: &'a str,
    at_zh: &'a str,
    at_en: &'a str,
    forgot: &'a str,
});

letter_templates!(PasswordChangedText = "password_changed.txt", PasswordChangedHtml = "password_changed.html" {
    at_zh: &'a str,
    at_en: &'a str,
    forgot: &'a str,
    app_zh: &'static str,
    app_en: &'static str,
});

letter_templates!(CancelNoticeText = "cancellation_notice.txt", CancelNoticeHtml = "cancellation_notice.html" {
    link: &'a str,
    link_zh: &'static str,
    link_en: &'static str,
    new_email: &'a str,
    at_zh: &'a str,
    at_en: &'a str,
    stop_zh: &'a str,
    stop_en: &'a str,
    effective_zh: Option<&'a str>,
    effective_en: Option<&'a str>,
});
