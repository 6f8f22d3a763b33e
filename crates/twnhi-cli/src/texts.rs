//! The CLI's texts, from the message catalog (`locales/<tag>/cli.ftl`). The CLI prints both
//! languages on one line: a label side by side ("<zh-TW> <English>", as in `cli-error`) or a
//! sentence as "zh-TW / English".

use twnhi_account::messages::{self, Arg, Lang};

/// The zh-TW and English texts of `id` side by side: "<zh-TW> <English>".
pub fn pair(id: &str) -> String {
    format!(
        "{} {}",
        messages::text(Lang::ZhTw, id),
        messages::text(Lang::En, id)
    )
}

/// The zh-TW and English texts of `id` as "zh-TW / English".
pub fn both(id: &str) -> String {
    messages::bilingual(id)
}

/// The zh-TW and English texts of `id` with named arguments, as "zh-TW / English".
pub fn both_with(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    messages::bilingual_with(id, args)
}

/// The English text of `id` (the detail of a line whose label is bilingual).
pub fn en(id: &str) -> String {
    messages::text(Lang::En, id)
}

/// The zh-TW text of `id` (a label whose English word it already holds, a column of its own).
pub fn zh(id: &str) -> String {
    messages::text(Lang::ZhTw, id)
}

/// The zh-TW text of `id` with named arguments (a notation shown in zh-TW only, such as the
/// ROC date beside the ISO one).
pub fn zh_with(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    messages::format(Lang::ZhTw, id, args)
}

/// The zh-TW and English texts of `id` as "zh-TW/ English": for a zh-TW text that ends in
/// full-width punctuation (「。」「）」), which brings its own space.
pub fn both_tight(id: &str) -> String {
    messages::joined(id, &[], "/ ")
}

/// [`both_tight`] with named arguments.
pub fn both_tight_with(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    messages::joined(id, args, "/ ")
}

/// `text` followed by spaces up to `width` terminal columns (a column of labels); a CJK or
/// full-width character takes two columns.
pub fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if wide(c) { 2 } else { 1 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// Whether a terminal shows `c` two columns wide (East Asian Wide and Fullwidth).
fn wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F       // Hangul Jamo
        | 0x2E80..=0x303E     // CJK radicals, symbols and punctuation
        | 0x3041..=0x33FF     // kana, Bopomofo, CJK compatibility
        | 0x3400..=0x4DBF     // Han extension A
        | 0x4E00..=0x9FFF     // Han
        | 0xA000..=0xA4CF     // Yi
        | 0xAC00..=0xD7A3     // Hangul syllables
        | 0xF900..=0xFAFF     // Han compatibility
        | 0xFE30..=0xFE4F     // CJK compatibility forms
        | 0xFF00..=0xFF60     // full-width forms
        | 0xFFE0..=0xFFE6     // full-width signs
        | 0x20000..=0x3FFFD   // Han extensions B and later
    )
}
