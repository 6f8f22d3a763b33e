//! Property tests: hostile input never panics, never escapes the HTML escaping, never breaks
//! a header line.

use proptest::prelude::*;
use twnhi_notify::preview::sample_renderer;
use twnhi_notify::{
    CaptchaAnswer, Completion, Letter, LetterLangs, LinkToken, MessageId, PublicBaseUrl, QrCode,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_name_renders_safely(name in any::<String>()) {
        let r = sample_renderer().unwrap();
        let l = r.render(&Letter::Completion(Completion { name: name.clone() }), LetterLangs::Both).unwrap();
        // The greeting line of the HTML part holds no markup from the name.
        let greeting = l.html().lines().find(|x| x.starts_with("<p>親愛的")).unwrap();
        let inner = &greeting["<p>".len()..greeting.len() - "</p>".len()];
        prop_assert!(!inner.contains('<') && !inner.contains('>') && !inner.contains('"'));
        // The text part's greeting is one line.
        let first = l.text().lines().next().unwrap();
        prop_assert!(first.starts_with("親愛的 ") && first.ends_with("您好："));
        prop_assert!(!l.subject().contains(['\r', '\n']));
    }

    #[test]
    fn parsers_never_panic(s in any::<String>()) {
        let _ = PublicBaseUrl::parse(&s);
        let _ = LinkToken::parse(&s);
        let _ = MessageId::parse(&s);
        let _ = MessageId::for_key(&s, "twnhi.example");
        let _ = CaptchaAnswer::parse(&s);
        #[cfg(feature = "smtp")]
        let _ = twnhi_notify::SmtpConfig::from_url(&s);
        if let Ok(a) = CaptchaAnswer::parse("12345") {
            let _ = a.matches(&s);
        }
    }

    #[test]
    fn message_ids_are_header_safe(s in any::<String>()) {
        if let Ok(id) = MessageId::parse(&s) {
            prop_assert!(id.as_str().is_ascii());
            prop_assert!(!id.as_str().contains(['\r', '\n', ' ']));
        }
    }

    #[test]
    fn qr_accepts_any_short_text(s in ".{1,100}") {
        let q = QrCode::new(&s).unwrap();
        prop_assert!(q.width() >= 21);
    }
}
