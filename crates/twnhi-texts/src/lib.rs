#![forbid(unsafe_code)]
//! The message catalog of twnhi: every user-facing text in every language, read from
//! per-language [Project Fluent](https://projectfluent.org) files embedded at compile time.
//!
//! The crate sits at the bottom of the workspace (it depends on no other twnhi crate), so
//! every crate — the card stack, the bridge, the letters, the site, the CLI — takes its
//! texts from this one catalog.
//!
//! # Where the texts live
//! `crates/twnhi-texts/locales/<tag>/*.ftl`, one directory per language (`zh-TW`, `en`).
//! Every file of a directory is loaded into that language's bundle, so ids must be unique
//! across the files of one language, and every id (with its attributes) must exist in
//! every language (the tests of `tests/texts.rs` check both).
//!
//! # Adding a language
//! Create `locales/<tag>/` with the same `.ftl` files translated. The build script finds the
//! directory (no list to edit, zero lines of code), [`Lang::ALL`] then lists it and
//! [`Lang::from_str`](core::str::FromStr) accepts its tag.
//!
//! # Looking texts up
//! Texts are looked up by id with named arguments through [`format()`] (or [`text`] without
//! arguments); `twnhi_account::Msg` names the entries the account rules refer to.
//!
//! ```
//! use twnhi_texts::{self as texts, Lang};
//!
//! assert_eq!(texts::text(Lang::ZhTw, "password-length"), "註冊密碼長度必須6-12碼。");
//! assert_eq!(
//!     texts::format(Lang::En, "attempts-left", &[("left", 2.into())]),
//!     "The verification code is incorrect. You have 2 attempts left."
//! );
//! ```
//!
//! Texts marked *manual* are copied from the user manual or SPEC §4; the others are written
//! for twnhi in the manual's style (*design*). Fluent's Unicode isolation marks are off, so
//! formatted texts are exactly the manual's.

use core::fmt;
use core::str::FromStr;
use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use unic_langid::LanguageIdentifier;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A language of the user interface: one directory of message files (`locales/<tag>/`).
///
/// The languages are found at build time; [`Lang::ZhTw`] and [`Lang::En`] always exist (the
/// site shows them side by side), any other is reached through [`Lang::ALL`] or its tag.
/// Serialized as its tag (`"zh-TW"`, `"en"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(u8);

#[allow(non_upper_case_globals)]
impl Lang {
    /// Traditional Chinese as used in Taiwan (`zh-TW`), the site's first language.
    pub const ZhTw: Lang = Lang(LOCALE_ZH_TW);
    /// English (`en`), the site's second language.
    pub const En: Lang = Lang(LOCALE_EN);

    /// Every language that has message files: zh-TW first, then in tag order (the order of
    /// every multilingual page and letter).
    pub const ALL: &'static [Lang] = LOCALE_ALL;

    /// The BCP 47 tag of the language's directory: `zh-TW`, `en` ….
    ///
    /// ```
    /// use twnhi_texts::Lang;
    /// assert_eq!(Lang::ZhTw.tag(), "zh-TW");
    /// ```
    #[must_use]
    pub const fn tag(self) -> &'static str {
        LOCALE_TAGS[self.0 as usize]
    }

    /// The language whose tag is exactly `tag` (ignoring ASCII case).
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL
            .iter()
            .copied()
            .find(|l| l.tag().eq_ignore_ascii_case(tag))
    }

    /// The language's position in [`Lang::ALL`] (for tables indexed by language).
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The message files of this language: (file name, Fluent source), for tools and tests.
    #[must_use]
    pub fn sources(self) -> &'static [(&'static str, &'static str)] {
        LOCALE_SOURCES[self.0 as usize]
    }
}

impl Default for Lang {
    /// [`Lang::ZhTw`].
    fn default() -> Self {
        Lang::ZhTw
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.tag())
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        Lang::from_tag(&s).ok_or_else(|| serde::de::Error::custom(UnknownLang))
    }
}

/// The error of [`Lang::from_str`]: no language of the catalog has this tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", bilingual("unknown-lang"))]
#[non_exhaustive]
pub struct UnknownLang;

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Parses a language tag loosely (case-insensitive): an exact tag first, then by the
    /// primary subtag: `zh`, `zh-TW`, `zh_Hant_TW`, `zh-hant` … → [`Lang::ZhTw`]; `en`,
    /// `en-US` … → [`Lang::En`].
    ///
    /// ```
    /// use twnhi_texts::Lang;
    /// assert_eq!("zh-tw".parse::<Lang>(), Ok(Lang::ZhTw));
    /// assert_eq!("en-GB".parse::<Lang>(), Ok(Lang::En));
    /// assert!("xx".parse::<Lang>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().replace('_', "-");
        if let Some(l) = Lang::from_tag(&t) {
            return Ok(l);
        }
        let primary = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let wanted = primary(&t);
        Lang::ALL
            .iter()
            .copied()
            .find(|l| !wanted.is_empty() && primary(l.tag()) == wanted)
            .ok_or(UnknownLang)
    }
}

// ----- the Fluent bundles ------------------------------------------------------------------

/// A named argument of a message (`{ $name }` in the `.ftl` files).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Arg<'a> {
    /// A text, shown as is.
    Text(Cow<'a, str>),
    /// A whole number: shown in digits, and chooses plural variants (`[one]`, `*[other]`).
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

macro_rules! number_arg {
    ($($t:ty),+) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Arg::Number(i64::from(n))
            }
        }
    )+};
}
number_arg!(u8, u16, u32, i8, i16, i32, i64);

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// Why a text could not be formatted exactly ([`format_checked`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// The language has no message (or attribute) with this id.
    #[error("{lang}: no message `{id}`")]
    Missing {
        /// The language looked in.
        lang: Lang,
        /// The id (`message` or `message.attribute`).
        id: String,
    },
    /// The message exists but formatting reported errors (an unknown argument, a reference
    /// to a missing message …); `text` is what was produced anyway.
    #[error("{lang}: message `{id}`: {errors}")]
    Format {
        /// The language.
        lang: Lang,
        /// The id.
        id: String,
        /// The errors, joined.
        errors: String,
        /// The text produced in spite of them.
        text: String,
    },
}

struct Catalog {
    bundles: Vec<FluentBundle<FluentResource>>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog {
    bundles: Lang::ALL.iter().map(|&l| bundle(l)).collect(),
});

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No FSI/PDI around arguments: the texts must stay the manual's, byte for byte.
    b.set_use_isolating(false);
    for (_, source) in lang.sources() {
        // A file with syntax errors still yields its good entries; the tests report the rest.
        let res = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(res, _)| res);
        let _ = b.add_resource(res);
    }
    b
}

fn fluent_args<'a>(args: &'a [(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut fa = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let v = match value {
            Arg::Text(s) => FluentValue::from(s.as_ref()),
            Arg::Number(n) => FluentValue::from(*n),
        };
        fa.set(*name, v);
    }
    fa
}

/// Formats `id` (or `message.attribute`) of one bundle; `None` when it has no such entry.
fn try_format(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: &[(&str, Arg<'_>)],
    errors: &mut Vec<fluent_bundle::FluentError>,
) -> Option<String> {
    let (msg_id, attr) = match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    };
    let msg = bundle.get_message(msg_id)?;
    let pattern = match attr {
        Some(a) => msg.get_attribute(a)?.value(),
        None => msg.value()?,
    };
    let fa = fluent_args(args);
    let fa = if args.is_empty() { None } else { Some(&fa) };
    Some(bundle.format_pattern(pattern, fa, errors).into_owned())
}

fn format_in(
    bundles: &[FluentBundle<FluentResource>],
    lang: Lang,
    id: &str,
    args: &[(&str, Arg<'_>)],
) -> String {
    let mut errors = Vec::new();
    for l in [lang, Lang::default()] {
        if let Some(b) = bundles.get(usize::from(l.0))
            && let Some(s) = try_format(b, id, args, &mut errors)
        {
            return s;
        }
    }
    id.to_owned()
}

/// The text of `id` in `lang` with named arguments.
///
/// `id` is a Fluent message id (`login-title`) or `message.attribute`. A text missing in
/// `lang` falls back to zh-TW, then to the id itself (the tests keep every id in every
/// language, so neither happens in a release); formatting never fails.
///
/// ```
/// use twnhi_texts::{format, Lang};
/// assert_eq!(format(Lang::En, "attempts-left", &[("left", 1.into())]),
///            "The verification code is incorrect. You have 1 attempt left.");
/// ```
#[must_use]
pub fn format(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    format_in(&CATALOG.bundles, lang, id, args)
}

/// The text of `id` in `lang`, without arguments (see [`format()`]).
#[must_use]
pub fn text(lang: Lang, id: &str) -> String {
    format(lang, id, &[])
}

/// Like [`format()`] but strict: no fallback, and formatting errors are errors.
///
/// # Errors
/// [`TextError::Missing`] when `lang` has no such message or attribute,
/// [`TextError::Format`] when Fluent reported errors (such as a missing argument).
pub fn format_checked(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> Result<String, TextError> {
    let mut errors = Vec::new();
    let bundle = CATALOG.bundles.get(usize::from(lang.0));
    let text = bundle
        .and_then(|b| try_format(b, id, args, &mut errors))
        .ok_or_else(|| TextError::Missing {
            lang,
            id: id.to_owned(),
        })?;
    if errors.is_empty() {
        Ok(text)
    } else {
        Err(TextError::Format {
            lang,
            id: id.to_owned(),
            errors: errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            text,
        })
    }
}

/// Whether `lang` has the message (or `message.attribute`) `id`.
#[must_use]
pub fn has(lang: Lang, id: &str) -> bool {
    let (msg_id, attr) = match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    };
    CATALOG
        .bundles
        .get(usize::from(lang.0))
        .and_then(|b| b.get_message(msg_id))
        .is_some_and(|m| match attr {
            Some(a) => m.get_attribute(a).is_some(),
            None => m.value().is_some(),
        })
}

/// The zh-TW and English texts of `id` joined as "zh-TW / English" (for `Display` of errors
/// and logs, which show both languages).
#[must_use]
pub fn bilingual(id: &str) -> String {
    joined(id, &[], " / ")
}

/// [`bilingual`] with named arguments.
#[must_use]
pub fn bilingual_with(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    joined(id, args, " / ")
}

/// The zh-TW and English texts of `id` with named arguments, joined by `sep` (`" / "`; `"/ "`
/// after a zh-TW text that ends in full-width punctuation, which brings its own space).
#[must_use]
pub fn joined(id: &str, args: &[(&str, Arg<'_>)], sep: &str) -> String {
    format!(
        "{}{sep}{}",
        format(Lang::ZhTw, id, args),
        format(Lang::En, id, args)
    )
}

/// Writes a coded error as every crate of the project shows one: `zh-TW / English [code]`,
/// with `message` giving the text in each language (for `Display` impls).
///
/// # Errors
/// The formatter's.
pub fn write_coded(
    f: &mut fmt::Formatter<'_>,
    message: impl Fn(Lang) -> String,
    code: impl fmt::Display,
) -> fmt::Result {
    write!(
        f,
        "{} / {} [{code}]",
        message(Lang::ZhTw),
        message(Lang::En)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
