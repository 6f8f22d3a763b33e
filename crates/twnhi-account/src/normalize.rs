//! Input normalisation shared by the parsers: people in Taiwan often type with a full-width
//! (全形) input method, so `Ａ１２３` must read as `A123`.

/// Maps full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space (U+3000) to
/// ASCII; every other character is kept.
pub(crate) fn halfwidth(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Full-width → ASCII, then trims surrounding whitespace.
pub(crate) fn ascii_fold_trim(s: &str) -> String {
    let folded: String = s.chars().map(halfwidth).collect();
    folded.trim().to_owned()
}

/// Like [`ascii_fold_trim`] and also drops ASCII spaces, hyphens and dots anywhere (digits
/// grouped as `0912-345 678`).
pub(crate) fn digits_only_candidate(s: &str) -> String {
    s.chars()
        .map(halfwidth)
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '\t'))
        .collect()
}

/// The one rule of identifiers typed by people (ID, card and household numbers, phone
/// numbers, codes): full-width → ASCII, spaces, hyphens and dots dropped anywhere, letters
/// upper-case. `ａ１２３-４５６ ７８９` reads as `A123456789`.
pub(crate) fn identifier(s: &str) -> String {
    digits_only_candidate(s).to_ascii_uppercase()
}

/// `台` → `臺` (the official form of place names), after trimming.
pub(crate) fn place_name(s: &str) -> String {
    s.trim()
        .chars()
        .map(halfwidth)
        .map(|c| if c == '台' { '臺' } else { c }) // cjk-ok: 台 and 臺 are one character
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width() {
        assert_eq!(ascii_fold_trim("　Ａ１２３ "), "A123");
        assert_eq!(
            digits_only_candidate("０９１２-３４５ ６７８"),
            "0912345678"
        );
        assert_eq!(place_name(" 台北市 "), "臺北市");
        assert_eq!(identifier(" ａ１２３-４５６ ７８９ "), "A123456789");
        assert_eq!(halfwidth('中'), '中');
    }
}
