//! Cleaning of values inserted into letters and headers.
//!
//! HTML escaping is the templates' job (askama escapes every `{{ value }}` of an `.html`
//! template); this module makes a value safe to *show* in any part: no control characters (a
//! newline in a name could forge lines of the plain-text letter), no bidirectional overrides
//! (which can make `moc.elpmaxe` read as `example.com`), no invisible characters, bounded length.

/// Longest inserted display value, in characters.
const MAX_DISPLAY_CHARS: usize = 64;

/// Characters that change how the following text is displayed without being visible:
/// bidirectional embeddings, overrides and isolates, zero-width characters, the BOM.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

pub(crate) use twnhi_account::messages::bilingual_with;

/// A value (a name from a card or typed by a person) cleaned for display in a letter: control
/// characters and runs of white space become one space, invisible format characters are
/// removed, the result is trimmed and cut to 64 characters (an ellipsis marks the cut).
pub(crate) fn display_value(input: &str) -> String {
    let mut out = String::with_capacity(input.len().min(4 * MAX_DISPLAY_CHARS));
    let mut pending_space = false;
    let mut count = 0usize;
    for c in input.chars() {
        if is_invisible_format(c) {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count >= MAX_DISPLAY_CHARS {
            out.push('…');
            break;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// A header value with every control character (CR and LF above all: header injection)
/// replaced by a space and white space collapsed.
pub(crate) fn header_value(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        if c.is_control() || c.is_whitespace() || is_invisible_format(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// `t***@example.com`: the first character of the local part, three stars, the domain.
pub(crate) fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_value_removes_controls_and_bidi() {
        assert_eq!(display_value("  測試一  "), "測試一");
        assert_eq!(display_value("測試\r\n一"), "測試 一");
        assert_eq!(display_value("a\u{202E}moc.elpmaxe"), "amoc.elpmaxe");
        assert_eq!(display_value("a\u{200B}b"), "ab");
        assert_eq!(display_value("\t\n"), "");
        let long = "測".repeat(100);
        let cut = display_value(&long);
        assert_eq!(cut.chars().count(), MAX_DISPLAY_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn header_value_has_no_line_breaks() {
        let v = header_value("主旨\r\nBcc: victim@example.com");
        assert!(!v.contains('\r') && !v.contains('\n'));
        assert_eq!(v, "主旨 Bcc: victim@example.com");
    }

    #[test]
    fn mask() {
        assert_eq!(mask_email("test.one@example.com"), "t***@example.com");
        assert_eq!(mask_email("nonsense"), "***");
    }
}
