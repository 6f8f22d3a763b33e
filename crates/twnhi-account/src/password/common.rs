//! The common-password block list (`data/common-passwords.txt`, see its header for sources
//! and licence) and two pattern rules.

use std::sync::LazyLock;

const LIST: &str = include_str!("../../data/common-passwords.txt");

/// The list's entries, sorted for binary search.
static SORTED: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut v: Vec<&'static str> = LIST
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
});

/// Whether a password is too common to accept (ASCII case ignored):
///
/// - it is on the shipped block list (about 10,000 entries: the most frequent passwords of
///   the zxcvbn list that the rules could accept, and a few common in Taiwan);
/// - *(design)* it is one character repeated (`aaaaaa`, `8888888`);
/// - *(design)* it is a straight run of digits or letters up or down (`234567`, `fedcba`).
///
/// ```
/// use twnhi_account::password::is_common_password;
/// assert!(is_common_password("Password1"));
/// assert!(is_common_password("5201314"));
/// assert!(is_common_password("3456789"));
/// assert!(!is_common_password("Tw#2024nhi"));
/// ```
#[must_use]
pub fn is_common_password(password: &str) -> bool {
    let lower = zeroize::Zeroizing::new(password.to_ascii_lowercase());
    if lower.is_empty() {
        return false;
    }
    SORTED.binary_search(&lower.as_str()).is_ok() || is_repeated(&lower) || is_straight_run(&lower)
}

fn is_repeated(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => s.chars().count() > 1 && chars.all(|c| c == first),
        None => false,
    }
}

fn is_straight_run(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 3 || !(b.iter().all(u8::is_ascii_digit) || b.iter().all(u8::is_ascii_lowercase)) {
        return false;
    }
    let up = b.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    let down = b.windows(2).all(|w| w[0] == w[1].wrapping_add(1));
    up || down
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_loaded() {
        assert!(SORTED.len() > 10_000);
        assert!(SORTED.iter().all(|p| (6..=12).contains(&p.len())));
        assert!(
            SORTED
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b"~!@#$%^&*-".contains(&b)))
        );
    }

    #[test]
    fn patterns() {
        assert!(is_repeated("zzzzzz"));
        assert!(!is_repeated("z"));
        assert!(is_straight_run("3456789"));
        assert!(is_straight_run("zyxwvu"));
        assert!(!is_straight_run("13579a"));
        assert!(!is_straight_run("abcde1"));
        assert!(!is_common_password(""));
    }
}
