//! The CLI's texts, from the message catalog (`locales/<tag>/cli.ftl`). The CLI prints both
//! languages on one line: a label side by side (「錯誤 error」) or a sentence as
//! "zh-TW / English".

use twnhi_account::messages::{self, Arg, Lang};

/// The zh-TW and English texts of `id` side by side: 「錯誤 error」.
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
    format!(
        "{} / {}",
        messages::format(Lang::ZhTw, id, args),
        messages::format(Lang::En, id, args)
    )
}

/// The English text of `id` (the detail of a line whose label is bilingual).
pub fn en(id: &str) -> String {
    messages::text(Lang::En, id)
}
